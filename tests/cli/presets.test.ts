/**
 * Presets: which file `dojo train` starts from, that every shipped preset is a valid config of its
 * algorithm, and the order preset < --config < flags in a real `dojo train`.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENTS, getAgent } from '../../agents/index.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { registeredIds } from '../../src/gym/registry.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import { commitId } from '../../src/cli/provenance.ts';
import { PRESETS_DIR, presetEnvKwargs, presetName, readPreset, startingConfig } from '../../src/cli/presets.ts';
import { splitPreset } from '../../agents/common/config.ts';
import '../../envs/index.ts';

const DOJO = join(__dirname, '..', '..', 'bin', 'dojo.js');
let dir = '';

function dojo(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function configOf(out: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dojo-presets-'));
});

describe('presets', () => {
  it('names a preset <algo>-<env>, with -pixels for an env that observes pixels', () => {
    expect(presetName('ppo', 'CartPole-v1')).toBe('ppo-CartPole-v1');
    expect(presetName('ppo', 'Catch-v0', { obs: 'pixels', frameStack: 1 })).toBe('ppo-Catch-v0-pixels');
    expect(presetName('ppo', 'Snake-v0', { rows: 6 })).toBe('ppo-Snake-v0');
  });

  it('starts from the env\'s preset, the defaults with --no-preset or without a preset, and the checkpoint\'s config on resume', () => {
    const tuned = JSON.parse(readFileSync(join(PRESETS_DIR, 'ppo-CartPole-v1.json'), 'utf8')) as Record<string, unknown>;
    const start = startingConfig('ppo', 'CartPole-v1', {}, { usePreset: true, resumed: false });
    expect(start.preset).toEqual({ file: 'agents/configs/ppo-CartPole-v1.json', values: tuned, envKwargs: null });
    expect(start.source).toBe('preset agents/configs/ppo-CartPole-v1.json');
    expect(startingConfig('ppo', 'CartPole-v1', {}, { usePreset: false, resumed: false })).toEqual({ preset: null, source: 'ppo\'s defaults (--no-preset)' });
    expect(startingConfig('ppo', 'MountainCar-v0', {}, { usePreset: true, resumed: false })).toEqual({ preset: null, source: 'ppo\'s defaults (no preset agents/configs/ppo-MountainCar-v0.json)' });
    expect(startingConfig('ppo', 'CartPole-v1', {}, { usePreset: true, resumed: true }).preset).toBeNull();
    expect(startingConfig('ppo', 'Catch-v0', { obs: 'pixels' }, { usePreset: true, resumed: false }).preset?.file).toBe('agents/configs/ppo-Catch-v0-pixels.json');
  });

  it('every shipped preset names a known algorithm and a registered env, and is a valid config of that algorithm', () => {
    const files = readdirSync(PRESETS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(20);
    const algos = AGENTS.map((a) => a.name);
    const ids = registeredIds();
    for (const f of files) {
      const stem = f.replace(/\.json$/, '');
      const algo = algos.find((a) => stem.startsWith(`${a}-`));
      expect(algo, `${f}: no algorithm among ${algos.join(', ')}`).toBeDefined();
      const rest = stem.slice((algo as string).length + 1);
      expect(ids.some((id) => rest === id || rest.startsWith(`${id}-`)), `${f}: no registered env id`).toBe(true);
      const agent = getAgent(algo as string);
      expect(() => resolveConfig(agent.name, agent.spec, readPreset(stem)?.values ?? {}), f).not.toThrow();
    }
  });

  it('dojo train applies the preset, then --config, then flags, and says which preset it started from', () => {
    const a = join(dir, 'preset');
    const r = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--total-timesteps', '256', '--out', a);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('starts from preset agents/configs/ppo-CartPole-v1.json');
    expect(configOf(a)).toMatchObject({ numEnvs: 8, numSteps: 32, learningRate: 0.001, updateEpochs: 14, totalTimesteps: 256 });
    // the checkpoint says which code and which preset produced it, beside the resolved config
    const meta = readSafetensorsFile(join(a, 'final.safetensors')).metadata;
    expect(meta.preset).toBe('agents/configs/ppo-CartPole-v1.json');
    expect(meta.commit).toBe(commitId());
    expect(meta.commit).toMatch(/^[0-9a-f]{7,}(\+dirty)?$/);
    expect(JSON.parse(meta.config)).toEqual(Object.fromEntries(Object.entries(configOf(a)).filter(([k]) => !['env', 'env_kwargs', 'algo'].includes(k))));

    const b = join(dir, 'plain');
    const p = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '512', '--out', b);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('starts from ppo\'s defaults (--no-preset)');
    expect(configOf(b)).toMatchObject({ numEnvs: 4, numSteps: 128, learningRate: 0.00025, updateEpochs: 4 });
    expect(readSafetensorsFile(join(b, 'final.safetensors')).metadata.preset).toBe('');

    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ numSteps: 16, learningRate: 0.002 }));
    const c = join(dir, 'overridden');
    const o = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--config', file, '--learning-rate', '0.003', '--total-timesteps', '256', '--out', c, '--quiet');
    expect(o.code, o.stderr).toBe(0);
    expect(configOf(c)).toMatchObject({ numEnvs: 8, numSteps: 16, learningRate: 0.003, updateEpochs: 14 });
  });

  it('a preset\'s envKwargs are the env kwargs of a fresh run that names none (Paint-v0\'s window frame), kept apart from its config', () => {
    const paint = readPreset('ppo-Paint-v0');
    const file = JSON.parse(readFileSync(join(PRESETS_DIR, 'ppo-Paint-v0.json'), 'utf8')) as { envKwargs: Record<string, unknown> };
    expect(paint?.envKwargs).toEqual({ obs: 'features', featureSize: 8, actionFrame: 'window', frameSpan: 1 });
    expect(paint?.envKwargs).toEqual(file.envKwargs);
    expect(paint?.values).not.toHaveProperty('envKwargs');
    expect(presetEnvKwargs('ppo', 'Paint-v0', true)).toEqual(file.envKwargs);
    expect(presetEnvKwargs('ppo', 'Paint-v0', false)).toEqual({});
    expect(presetEnvKwargs('ppo', 'CartPole-v1', true)).toEqual({});
    expect(() => splitPreset('agents/configs/x.json', { envKwargs: [1], numEnvs: 2 })).toThrow(/preset agents\/configs\/x.json: "envKwargs" must be a JSON object of env kwargs like \{"obs":"features"\}, received \[1\]/);

    const runs: [string[], Record<string, unknown>][] = [
      [[], file.envKwargs],
      [['--no-preset'], {}],
      [['--env-kwargs', '{"obs":"features","featureSize":16}'], { obs: 'features', featureSize: 16 }],
      // the preset file given as --config works as the preset, its envKwargs too
      [['--no-preset', '--config', join(PRESETS_DIR, 'ppo-Paint-v0.json')], file.envKwargs],
    ];
    for (const [k, [flags, kwargs]] of runs.entries()) {
      const out = join(dir, `paint-${k}`);
      const r = dojo('train', '--env', 'Paint-v0', '--algo', 'ppo', ...flags, '--total-timesteps', '64', '--num-envs', '2', '--num-steps', '32', '--num-minibatches', '2', '--hidden-sizes', '8', '--out', out, '--quiet');
      expect(r.code, r.stderr).toBe(0);
      expect(configOf(out).env_kwargs, flags.join(' ')).toEqual(kwargs);
      expect(JSON.parse(readSafetensorsFile(join(out, 'final.safetensors')).metadata.env_kwargs ?? 'null'), flags.join(' ')).toEqual(kwargs);
    }
  }, 120_000);
});
