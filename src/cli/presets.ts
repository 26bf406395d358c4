/**
 * Presets: tuned configs in `agents/configs/<algo>-<env>.json` (`<algo>-<env>-pixels.json` for an env that
 * observes pixels), read by `dojo train`, the page and the benchmarks alike. `dojo train --env X --algo Y`
 * starts from the env's preset when there is one, as RL Zoo's train.py starts from hyperparams/<algo>.yml
 * (https://github.com/DLR-RM/rl-baselines3-zoo/blob/master/rl_zoo3/exp_manager.py); `--config` and flags
 * override it, and `--no-preset` starts from the algorithm's plain defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.ts';
import { splitPreset } from '../../agents/common/config.ts';

/** The folder of the shipped presets. */
export const PRESETS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'agents', 'configs');

/** A preset as read from its file. */
export interface Preset {
  /** The file, relative to the package root (`agents/configs/ppo-CartPole-v1.json`). */
  readonly file: string;
  /** The algorithm's config fields. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * The env kwargs a run of this pair starts from when it names none (the file's `envKwargs`, e.g. Paint-v0's
   * feature observation and window frame), or null.
   */
  readonly envKwargs: Readonly<Record<string, unknown>> | null;
}

/** Where a run's config starts, before `--config` and flags. */
export interface StartingConfig {
  /** The preset applied, or null when the run starts from the algorithm's defaults or a checkpoint's config. */
  readonly preset: Preset | null;
  /** What the run starts from, in words, for the printed config (`preset agents/configs/ppo-CartPole-v1.json`). */
  readonly source: string;
}

/** The preset's name (file stem) for an algorithm on an env made with `envKwargs`. */
export function presetName(algo: string, envId: string, envKwargs: Readonly<Record<string, unknown>> = {}): string {
  return `${algo}-${envId}${envKwargs.obs === 'pixels' ? '-pixels' : ''}`;
}

/** Reads `agents/configs/<name>.json`; null when there is no such preset. */
export function readPreset(name: string): Preset | null {
  const path = join(PRESETS_DIR, `${name}.json`);
  if (!existsSync(path)) return null;
  const file = `agents/configs/${name}.json`;
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`preset ${file} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ConfigError(`preset ${file} must hold a JSON object of config fields, received ${JSON.stringify(values)}`);
  return { file, ...splitPreset(file, values as Record<string, unknown>) };
}

/**
 * The env kwargs of a fresh run that names none: the preset's `envKwargs` (RL Zoo's `env_kwargs` in its
 * hyperparameter files), else none. `usePreset` false (`--no-preset`) starts from the env's defaults.
 */
export function presetEnvKwargs(algo: string, envId: string, usePreset: boolean): Record<string, unknown> {
  if (!usePreset) return {};
  return { ...(readPreset(presetName(algo, envId))?.envKwargs ?? {}) };
}

/**
 * The env kwargs of a fresh `dojo train` run: those it names, else its --config file's `envKwargs` (a preset
 * file given as --config works as the preset), else its preset's.
 */
export function freshEnvKwargs(named: Readonly<Record<string, unknown>>, fileKwargs: Readonly<Record<string, unknown>> | null, algo: string, envId: string, usePreset: boolean): Record<string, unknown> {
  if (Object.keys(named).length > 0) return { ...named };
  return fileKwargs !== null ? { ...fileKwargs } : presetEnvKwargs(algo, envId, usePreset);
}

/**
 * What `dojo train` starts from: the env's preset, unless the run resumes (it keeps the checkpoint's
 * config) or `usePreset` is false (`--no-preset`: the algorithm's plain defaults).
 */
export function startingConfig(algo: string, envId: string, envKwargs: Readonly<Record<string, unknown>>, opts: { usePreset: boolean; resumed: boolean }): StartingConfig {
  if (opts.resumed) return { preset: null, source: 'the checkpoint\'s config' };
  if (!opts.usePreset) return { preset: null, source: `${algo}'s defaults (--no-preset)` };
  const name = presetName(algo, envId, envKwargs);
  const preset = readPreset(name);
  if (preset === null) return { preset: null, source: `${algo}'s defaults (no preset agents/configs/${name}.json)` };
  return { preset, source: `preset ${preset.file}` };
}

/**
 * A run's config fields, lowest precedence first: the checkpoint's (on resume), the preset, the
 * `--config` file, the flags. `dojo train` and the zoo's recipe check both layer through here.
 */
export function layerConfig(
  checkpoint: Readonly<Record<string, unknown>>, start: StartingConfig, file: Readonly<Record<string, unknown>>, flags: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...checkpoint, ...start.preset?.values, ...file, ...flags };
}
