/**
 * `dojo train --env <id> [--env-kwargs json] --algo <name> [--seed n] [--total-timesteps n] [--num-envs n] [--workers n]
 *  [--config file.json] [--<any config field> value] [--out dir] [--resume checkpoint]`
 *
 * Prints the resolved config, shows a progress bar on stderr, and writes <out>/config.json,
 * <out>/metrics.jsonl (one CleanRL-keyed row per iteration), periodic checkpoints and
 * <out>/final.safetensors; with `--eval-episodes n`, n deterministic episodes of every checkpoint and of
 * the final policy in <out>/evaluations.jsonl, the best of them kept as <out>/best.safetensors (SB3's
 * EvalCallback). SIGINT (Ctrl-C) and SIGTERM finish the current iteration, save a checkpoint and exit
 * 130 and 143 (SIGNAL_HELP). A non-finite loss stops the run with a message; the last good checkpoint
 * stays on disk. The run folder is never shared by two runs (run-folder.ts).
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { ConfigError, NonFiniteError } from '../core/errors.ts';
import { metricsLine, RecentMean } from '../core/metrics.ts';
import { AGENTS, getAgent } from '../../agents/index.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { closest, fieldSpec, parseField, resolveConfig, splitPreset, toCamel, toKebab, type ConfigSpec } from '../../agents/common/config.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import { parseKwargsFlag, readCheckpoint, runContext, writeCheckpoint } from './run-context.ts';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { evaluateCheckpoint } from './eval.ts';
import { freshEnvKwargs, layerConfig, startingConfig } from './presets.ts';
import { commitId, withProvenance } from './provenance.ts';
import { claimRunFolder, cutLogAfter, prepareRunFolder } from './run-folder.ts';

/** Options the train command knows besides config fields. */
type TrainFlags = { preset?: boolean; env?: string; envKwargs?: string; algo?: string; config?: string; out?: string; resume?: string; overwrite?: boolean; workers?: string; quiet?: boolean; evalEpisodes?: string; evalSeed?: string };

/** The exit status after a signal: 128 + its number, as shells report it. */
const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** What `dojo train --help` says about stopping a run. */
const SIGNAL_HELP = `Stopping a run: SIGINT (Ctrl-C) or SIGTERM (kill, systemd, Docker, CI) finishes the current iteration,
saves <out>/checkpoints/interrupted-<step>.safetensors and exits with status ${SIGNAL_EXIT.SIGINT} (SIGINT) or ${SIGNAL_EXIT.SIGTERM} (SIGTERM);
a second signal exits at once without saving. Resume with --resume <checkpoint> --out <the same folder>: the
logs are cut back to the checkpoint's step first. A resumed run keeps its batch shape (--num-envs, --num-steps).`;

/** Config fields that fix the shape of an iteration: a resumed run keeps them (its schedules and checkpoint boundaries count in iterations). */
const BATCH_FIELDS = ['numEnvs', 'numSteps', 'iterationSteps'];

/** First episode seed of the evaluations during training: apart from `dojo eval`'s default 0, so the best checkpoint is chosen on other episodes than those it is reported on. */
export const TRAIN_EVAL_SEED = 1_000_000;

/** One evaluation during training, as `<out>/evaluations.jsonl` holds it. */
export interface EvaluationRow {
  global_step: number;
  checkpoint: string;
  mean_return: number;
  std_return: number;
  mean_length: number;
  /** Whether this evaluation is the best so far (and `best.safetensors` now holds its checkpoint). */
  best: boolean;
}

/** The best mean return in an evaluations.jsonl (−∞ when there is none yet). */
function bestSoFar(file: string): number {
  if (!existsSync(file)) return -Infinity;
  let best = -Infinity;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Partial<EvaluationRow>;
    if (typeof r.mean_return === 'number' && r.mean_return > best) best = r.mean_return;
  }
  return best;
}

/** Parses `--kebab value` / `--kebab=value` pairs against an agent's spec. */
export function parseConfigFlags(algo: string, spec: ConfigSpec, rest: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i];
    if (!tok.startsWith('--')) throw new ConfigError(`train: unexpected argument ${JSON.stringify(tok)}`);
    let [flag, value] = tok.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const name = toCamel(flag);
    const f = fieldSpec(spec, name);
    if (f === undefined) {
      const near = closest(name, Object.keys(spec));
      throw new ConfigError(`train: unknown flag --${flag}${near !== null ? ` (did you mean --${toKebab(near)}?)` : ''}. Config fields of ${algo}: ${Object.keys(spec).map((k) => `--${toKebab(k)}`).join(' ')}`);
    }
    if (value === undefined) {
      if (f.kind === 'boolean' && (i + 1 >= rest.length || rest[i + 1].startsWith('--'))) value = 'true';
      else if (i + 1 < rest.length) value = rest[++i];
      else throw new ConfigError(`train: --${flag} needs a value`);
    }
    out[name] = parseField(algo, name, f, value);
  }
  return out;
}

function loadJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`train: config file not found: ${path}`);
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`train: config file ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`train: config file ${path} must hold a JSON object`);
  return v as Record<string, unknown>;
}

/** Runs a training job; returns the output directory. */
export async function train(flags: TrainFlags, rest: readonly string[]): Promise<string> {
  let resume: CheckpointPayload | undefined;
  let algoName = flags.algo, envId = flags.env;
  let base: Record<string, unknown> = {};
  let envKwargs = parseKwargsFlag('train', '--env-kwargs', flags.envKwargs, '{"obs":"pixels"}');
  let resumeStep = 0;
  if (flags.resume !== undefined) {
    if (!existsSync(flags.resume)) throw new ConfigError(`train: checkpoint not found: ${flags.resume}`);
    resume = readCheckpoint(flags.resume);
    const meta = readCheckpointMeta(resume, flags.algo);
    resumeStep = (meta.trainer as { globalStep?: number } | null)?.globalStep ?? 0;
    algoName ??= meta.algo;
    if (flags.env !== undefined && flags.env !== meta.envId) throw new ConfigError(`train: the checkpoint was trained on ${meta.envId}, not ${flags.env}`);
    envId = meta.envId;
    if (flags.envKwargs !== undefined && JSON.stringify(envKwargs) !== JSON.stringify(meta.envKwargs)) {
      throw new ConfigError(`train: the checkpoint was trained with --env-kwargs '${JSON.stringify(meta.envKwargs)}', not '${JSON.stringify(envKwargs)}'; a resumed run keeps its env`);
    }
    envKwargs = meta.envKwargs;
    base = meta.config;
  }
  if (envId === undefined) throw new ConfigError('train: --env <id> is required (see `dojo list`)');
  if (algoName === undefined) throw new ConfigError('train: --algo <name> is required (see `dojo list`)');
  const agent = getAgent(algoName);
  // a --config file may hold envKwargs as a preset does (a preset file given as --config works as the preset)
  const { values: fromFile, envKwargs: fileKwargs } = flags.config !== undefined ? splitPreset(flags.config, loadJson(flags.config)) : { values: {}, envKwargs: null };
  // a fresh run that names no env kwargs takes the --config file's, else its preset's (Paint-v0's features and window frame)
  if (resume === undefined) envKwargs = freshEnvKwargs(envKwargs, fileKwargs, agent.name, envId, flags.preset !== false);
  const start = startingConfig(agent.name, envId, envKwargs, { usePreset: flags.preset !== false, resumed: resume !== undefined });
  const cfg = resolveConfig(agent.name, agent.spec, layerConfig(base, start, fromFile, parseConfigFlags(agent.name, agent.spec, rest)));
  if (resume !== undefined) keepBatchShape(base, cfg);
  const workers = flags.workers !== undefined ? Number(flags.workers) : 0;
  if (!Number.isInteger(workers) || workers < 0) throw new ConfigError(`train: --workers expects a non-negative integer, received ${JSON.stringify(flags.workers)}`);
  const evalEpisodes = flags.evalEpisodes !== undefined ? Number(flags.evalEpisodes) : 0;
  if (!Number.isInteger(evalEpisodes) || evalEpisodes < 0) throw new ConfigError(`train: --eval-episodes expects a non-negative integer, received ${JSON.stringify(flags.evalEpisodes)}`);
  const evalSeed = flags.evalSeed !== undefined ? Number(flags.evalSeed) : TRAIN_EVAL_SEED;
  if (!Number.isInteger(evalSeed) || evalSeed < 0) throw new ConfigError(`train: --eval-seed expects a non-negative integer, received ${JSON.stringify(flags.evalSeed)}`);
  const ctx = runContext(envId, { workers, resume, kwargs: envKwargs });
  const probe = ctx.makeEnv();
  const why = agent.supports(probe.observationSpace, probe.actionSpace);
  const able = AGENTS.filter((a) => a.supports(probe.observationSpace, probe.actionSpace) === null).map((a) => a.name);
  probe.close();
  if (why !== null) {
    throw new ConfigError(`train: ${agent.name} cannot train on ${envId}: ${why}. ${able.length > 0 ? `Agents that can: ${able.join(', ')}` : 'No agent handles these spaces yet'}`);
  }
  const total = (cfg as { totalTimesteps?: number }).totalTimesteps;
  if (resume !== undefined && total !== undefined && resumeStep >= total) {
    // checked before the run folder is touched: a resume that cannot train must not rewrite the folder's files
    throw new ConfigError(`train: the checkpoint ${flags.resume} is at step ${resumeStep}, which already spends the step budget of ${total} (--total-timesteps): nothing is left to train. To continue it, give a larger --total-timesteps (the budget counts from step 0, not from the checkpoint)`);
  }
  const seed = (cfg as { seed?: number }).seed ?? 0;
  const out = flags.out ?? claimRunFolder('runs', `${envId.replace(/\//g, '_')}__${agent.name}__${seed}__${Math.floor(Date.now() / 1000)}`);
  prepareRunFolder(out, { resumeFrom: flags.resume, overwrite: flags.overwrite });
  if (resume !== undefined) {
    // rows a killed run wrote after its checkpoint would otherwise appear twice
    cutLogAfter(join(out, 'metrics.jsonl'), resumeStep);
    cutLogAfter(join(out, 'evaluations.jsonl'), resumeStep);
  }
  writeFileAtomic(join(out, 'config.json'), new TextEncoder().encode(JSON.stringify({ env: envId, env_kwargs: envKwargs, algo: agent.name, ...cfg }, null, 2) + '\n'));
  if (!flags.quiet) {
    process.stdout.write(`dojo train ${agent.name} on ${envId}${Object.keys(envKwargs).length > 0 ? ` ${JSON.stringify(envKwargs)}` : ''} → ${out}\n`);
    process.stdout.write(`  starts from ${start.source}${flags.config !== undefined ? `, then ${flags.config}` : ''}\n`);
    for (const [k, v] of Object.entries(cfg)) process.stdout.write(`  ${toKebab(k).padEnd(24)} ${JSON.stringify(v)}\n`);
  }

  // a resumed run keeps the preset its first part started from
  const run = withProvenance(agent.createRun(cfg, ctx), { commit: commitId(), preset: start.preset?.file ?? resume?.metadata.preset ?? '' });
  noteRounding(agent.name, cfg, run.totalTimesteps);
  const metricsFd = openSync(join(out, 'metrics.jsonl'), resume !== undefined ? 'a' : 'w');
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} steps | {sps} steps/s | return {ret} | ETA {eta_formatted}',
    stream: process.stderr, hideCursor: true, noTTYOutput: !flags.quiet, notTTYSchedule: 5000, etaBuffer: 50,
  });
  if (!flags.quiet) bar.start(run.totalTimesteps, run.globalStep(), { sps: '—', ret: '—' });
  let interrupted: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (interrupted !== null) {
      process.stderr.write(`\n${signal} again: exiting without saving\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }
    interrupted = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const recent = new RecentMean(20);
  let last = '';
  // SB3's EvalCallback: deterministic episodes at every checkpoint and at the end; the best is kept as best.safetensors
  const evaluationsFile = join(out, 'evaluations.jsonl');
  let best = evalEpisodes > 0 && resume !== undefined ? bestSoFar(evaluationsFile) : -Infinity;
  const evalFd = evalEpisodes > 0 ? openSync(evaluationsFile, resume !== undefined ? 'a' : 'w') : -1;
  const evaluate = (payload: CheckpointPayload, step: number, file: string): void => {
    const r = evaluateCheckpoint(payload, evalEpisodes, evalSeed);
    const isBest = r.mean_return > best;
    if (isBest) {
      best = r.mean_return;
      writeCheckpoint(join(out, 'best.safetensors'), payload);
    }
    const row: EvaluationRow = { global_step: step, checkpoint: file, mean_return: r.mean_return, std_return: r.std_return, mean_length: r.lengths.reduce((a, b) => a + b, 0) / r.lengths.length, best: isBest };
    writeSync(evalFd, metricsLine({ ...row }) + '\n');
  };
  try {
    for await (const row of run.iterations) {
      writeSync(metricsFd, metricsLine(row) + '\n');
      if (row['charts/episodes'] > 0) recent.push(row['charts/episodic_return']);
      if (!flags.quiet) bar.update(row.global_step, { sps: row['charts/SPS'], ret: Number.isNaN(recent.mean()) ? '—' : recent.mean().toFixed(1) });
      if (run.checkpointDue()) {
        last = join(out, 'checkpoints', `step-${row.global_step}.safetensors`);
        const payload = run.checkpoint();
        writeCheckpoint(last, payload);
        if (evalEpisodes > 0) evaluate(payload, row.global_step, last);
      }
      // let signal handlers run: the loop itself only ever waits on already-settled promises
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (interrupted !== null) {
        const p = join(out, 'checkpoints', `interrupted-${row.global_step}.safetensors`);
        writeCheckpoint(p, run.checkpoint());
        if (!flags.quiet) bar.stop();
        // envs re-seed only at periodic checkpoints, so only those resume into exactly the uninterrupted run
        const exact = last !== '' ? ` (resuming from ${last} instead repeats the uninterrupted run exactly)` : '';
        process.stderr.write(`\ninterrupted by ${interrupted}: saved ${p}; resume with: dojo train --resume ${p} --out ${out}${exact}\n`);
        process.exitCode = SIGNAL_EXIT[interrupted];
        return out;
      }
    }
    const final = run.checkpoint();
    writeCheckpoint(join(out, 'final.safetensors'), final);
    if (evalEpisodes > 0) evaluate(final, run.globalStep(), join(out, 'final.safetensors'));
    if (!flags.quiet) {
      bar.stop();
      process.stdout.write(`done: ${run.globalStep()} steps; final checkpoint ${join(out, 'final.safetensors')}\n`);
      if (evalEpisodes > 0) process.stdout.write(`best evaluation: mean return ${best.toFixed(2)} over ${evalEpisodes} episodes; ${join(out, 'best.safetensors')}\n`);
    }
    return out;
  } catch (err) {
    if (!flags.quiet) bar.stop();
    if (err instanceof NonFiniteError) {
      throw new NonFiniteError(`${err.message}. Training stopped; the last good checkpoint is ${last === '' ? '(none written yet)' : last}`);
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    closeSync(metricsFd);
    if (evalFd >= 0) closeSync(evalFd);
    await run.close();
  }
}

/** Refuses a resume that changes the shape of an iteration, naming the field and why. */
function keepBatchShape(saved: Readonly<Record<string, unknown>>, cfg: Readonly<Record<string, unknown>>): void {
  for (const k of BATCH_FIELDS) {
    if (Object.hasOwn(saved, k) && saved[k] !== cfg[k]) {
      throw new ConfigError(`train: the checkpoint was trained with --${toKebab(k)} ${String(saved[k])}, not ${String(cfg[k])}: a resumed run keeps the shape of its iterations, because its iteration count, learning-rate schedule, env seeds and checkpoint boundaries all count in iterations of that shape. Leave out --${toKebab(k)} to resume, or start a new run`);
    }
  }
}

/** Says when the run's step budget differs from --total-timesteps (agents train in whole iterations). */
function noteRounding(algo: string, cfg: Readonly<Record<string, unknown>>, planned: number): void {
  const asked = cfg.totalTimesteps, n = cfg.numEnvs, s = cfg.numSteps;
  if (typeof asked !== 'number' || asked === planned) return;
  const unit = typeof n === 'number' && typeof s === 'number' ? `iterations of numEnvs × numSteps = ${n} × ${s} = ${n * s} steps` : typeof n === 'number' ? `steps of all ${n} env copies at once (numEnvs)` : 'iterations';
  const how = planned < asked ? 'rounds down' : typeof n === 'number' && typeof s === 'number' && planned === n * s ? 'rounds up to one iteration' : 'rounds up';
  process.stderr.write(`note: --total-timesteps ${asked} ${how}: ${algo} trains in whole ${unit}, so this run takes ${planned} steps\n`);
}

/** Adds `dojo train`. */
export function register(program: Command): void {
  program
    .command('train')
    .description('train an agent headless; any config field is a flag (e.g. --learning-rate 3e-4)')
    .option('--env <id>', 'environment id (dojo list)')
    .option('--env-kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"obs":"pixels"}\' (saved in checkpoints); without them, the preset\'s envKwargs if it names some')
    .option('--algo <name>', 'algorithm (dojo list)')
    .option('--config <file>', 'JSON file of config fields (over the preset)')
    .option('--no-preset', 'start from the algorithm\'s defaults, not the env\'s preset in agents/configs')
    .option('--out <dir>', 'output directory (default runs/<env>__<algo>__<seed>__<time>)')
    .option('--resume <checkpoint>', 'continue the run saved in this checkpoint (give its folder as --out to continue its logs)')
    .option('--overwrite', 'replace the run files (config, logs, checkpoints) already in --out; without it a non-empty --out is refused')
    .option('--workers <n>', 'step the env copies on n worker threads (0: in-process)')
    .option('--quiet', 'no config print-out or progress bar')
    .option('--eval-episodes <n>', 'evaluate every checkpoint and the final policy on n deterministic episodes, log them in evaluations.jsonl and keep the best as best.safetensors (0: off)')
    .option('--eval-seed <n>', `seed of the first evaluation episode (default ${TRAIN_EVAL_SEED}, apart from dojo eval's 0)`)
    .addHelpText('after', `\n${SIGNAL_HELP}`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: TrainFlags, cmd: Command) => {
      await train(opts, cmd.args);
    });
}
