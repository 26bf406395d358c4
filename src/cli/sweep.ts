/**
 * `dojo sweep <spec.json> [--parallel n] [--redis url [--redis-ca file] [--store dir]] [--root dir] [--status]`
 *
 * Runs the trials of a sweep spec (sweep-spec.ts: env, algorithm, base config, seeds, grid or random
 * search, objective) as ordinary `dojo train` runs in `<root>/<name>/<trial>/`: on this machine as
 * child processes (default, `--parallel` at once), or through a BullMQ queue on Redis (`--redis`)
 * for `dojo worker` processes on any machine to take. Results go to `<root>/<name>/results.jsonl`,
 * `report.md` (with the eval-curve plot `curves.png`) and `best-config.json`, and the table is printed.
 * With a scheduler, weak trials stop early (sweep-asha.ts), locally and on Redis. Started again, a sweep skips the
 * trials it has recorded and resumes the ones a kill cut short; `--status` prints where it stands.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';
import { runLocalSweep, trialStart } from './sweep-local.ts';
import { claimSweepFolder, formatTable, lastMetricsStep, readResults, summarize, writeReport, type TrialResult } from './sweep-results.ts';
import { loadSweep, type SweepPlan } from './sweep-spec.ts';

/** Options of `dojo sweep`. */
type SweepFlags = { parallel?: string; redis?: string; redisCa?: string; store?: string; root?: string; status?: boolean };

/** Runs the sweep in `specFile`; returns its folder. */
export async function sweep(specFile: string, flags: SweepFlags, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<string> {
  const plan = loadSweep(specFile);
  if (flags.redis === undefined && (flags.redisCa !== undefined || flags.store !== undefined)) throw new ConfigError(`sweep: ${flags.redisCa !== undefined ? '--redis-ca' : '--store'} goes with --redis (a local sweep keeps its run files in its own folder)`);
  const parallel = flags.parallel !== undefined ? Number(flags.parallel) : availableParallelism();
  if (!Number.isInteger(parallel) || parallel < 1) throw new ConfigError(`sweep: --parallel expects a positive integer, received ${JSON.stringify(flags.parallel)}`);
  if (flags.status === true) {
    await printStatus(plan, join(flags.root ?? 'sweeps', plan.spec.name), flags, log);
    return join(flags.root ?? 'sweeps', plan.spec.name);
  }
  const dir = join(flags.root ?? 'sweeps', plan.spec.name);
  const release = claimSweepFolder(dir, plan.spec);
  log(`dojo sweep ${plan.spec.name}: ${plan.agent.name} on ${plan.spec.env}, ${plan.points.length} config points × ${plan.spec.seeds.length} seeds = ${plan.trials.length} trials → ${dir}`);
  let results: Map<string, TrialResult>;
  try {
    if (flags.redis !== undefined) {
      const { runRedisSweep } = await import('./sweep-redis.ts');
      results = await runRedisSweep(plan, dir, { url: flags.redis, caFile: flags.redisCa, store: flags.store, log });
    } else {
      log(`running ${Math.min(parallel, plan.trials.length)} trials at a time on this machine`);
      results = await runLocalSweep(plan, dir, { parallel, log });
    }
  } finally {
    release();
  }
  const summary = writeReport(plan, dir, results, rebuildCommand(specFile, flags));
  log(`\n${formatTable(plan, summary)}\n`);
  log(`report: ${join(dir, 'report.md')}${summary[0]?.values.length ? `; best config: ${join(dir, 'best-config.json')}` : ''}`);
  const failed = [...results.values()].filter((r) => r.status === 'failed').length;
  if (failed > 0 && process.exitCode === undefined) process.exitCode = 1;
  return dir;
}

/** The command line that runs this sweep again (a Redis URL without its password). */
function rebuildCommand(specFile: string, flags: SweepFlags): string {
  const redis = flags.redis !== undefined ? ` --redis ${flags.redis.replace(/\/\/([^@/]*)@/, '//***@')}` : '';
  const tail = `${flags.redisCa !== undefined ? ` --redis-ca ${flags.redisCa}` : ''}${flags.store !== undefined ? ` --store ${flags.store}` : ''}`;
  return `npx dojo sweep ${specFile}${flags.parallel !== undefined ? ` --parallel ${flags.parallel}` : ''}${flags.root !== undefined ? ` --root ${flags.root}` : ''}${redis}${tail}`;
}

/**
 * Prints where a sweep stands without running anything: the table of what is recorded, then each trial
 * not yet recorded: the step its run folder reached (local), or its job's state, step and worker (--redis).
 */
async function printStatus(plan: SweepPlan, dir: string, flags: SweepFlags, log: (line: string) => void): Promise<void> {
  const results = readResults(join(dir, 'results.jsonl'));
  const queued = flags.redis !== undefined ? await (await import('./sweep-redis.ts')).queuedTrials(plan, flags.redis, flags.redisCa) : new Map<string, string>();
  const counts = { done: 0, failed: 0, stopped: 0 };
  for (const r of results.values()) counts[r.status]++;
  log(`sweep ${plan.spec.name} (${dir}): ${plan.trials.length} trials; ${counts.done} done, ${counts.failed} failed, ${counts.stopped} stopped early, ${plan.trials.length - results.size} not finished`);
  for (const t of plan.trials) {
    if (results.has(t.id)) continue;
    const runDir = join(dir, t.id);
    const step = lastMetricsStep(runDir);
    const finished = trialStart(runDir).kind === 'finished';
    const where = queued.get(t.id) ?? (finished ? 'finished, not yet recorded' : step > 0 ? `step ${step} of ${String(t.config.totalTimesteps ?? '?')} (running, or cut short: the sweep resumes it)` : 'not started');
    log(`  ${t.id} ${JSON.stringify(t.params)}: ${where}`);
  }
  if (results.size > 0) log(`\n${formatTable(plan, summarize(plan, results))}`);
}

/** Adds `dojo sweep`. */
export function register(program: Command): void {
  program
    .command('sweep <spec>')
    .description('run the trials of a sweep spec (JSON: env, algo, base, config, seeds, search, objective, evalEpisodes, scheduler); see docs/sweeps.md')
    .option('--parallel <n>', 'trials at once on this machine (default: the core count)')
    .option('--redis <url>', 'enqueue the trials on this Redis (redis://[:password@]host:port, rediss:// for TLS) for `dojo worker` processes')
    .option('--redis-ca <file>', 'with rediss://: the PEM certificate of the CA that signed the server\'s certificate (default: the system\'s CAs)')
    .option('--store <dir>', 'with --redis: send run files (checkpoints, logs) through this shared folder instead of Redis; each worker names its mount with --store')
    .option('--root <dir>', 'folder of sweeps (default sweeps)')
    .option('--status', 'print where the sweep stands (with --redis: its jobs on the queue too) and run nothing')
    .action(async (spec: string, opts: SweepFlags) => {
      await sweep(spec, opts);
    });
}
