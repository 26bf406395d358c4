/**
 * Running a sweep's trials on this machine: each trial is a `dojo train` child process writing a normal
 * run folder `sweeps/<name>/<trial>/`, `parallel` at a time. The sweep folder keeps the state: a trial
 * in results.jsonl is done; one with a final checkpoint finished but was not recorded; one with
 * periodic checkpoints resumes from the last (training is deterministic, so it ends exactly where an
 * uninterrupted run would); anything else starts afresh. So a killed sweep, started again, redoes no
 * finished work. SIGINT and SIGTERM stop the children and the sweep exits 130 or 143. With a
 * scheduler (sweep-asha.ts), the trials' evaluations are watched as they are written and a weak trial
 * is stopped at a rung.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { Asha } from './sweep-asha.ts';
import { appendResult, failedResult, finishedResult, readEvaluations, readResults, type TrialResult } from './sweep-results.ts';
import { stepBudget, type SweepPlan, type Trial } from './sweep-spec.ts';

/** The `dojo` launcher the children run. */
const DOJO_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'dojo.js');
/** Preloaded into each child: it exits when the process that started it is gone. */
const CHILD_WATCH = new URL('./sweep-child.mjs', import.meta.url).href;

/** The exit status after a signal, as `dojo train` uses. */
const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/** How a trial's run folder stands. */
export type TrialStart = { kind: 'finished' } | { kind: 'resume'; checkpoint: string } | { kind: 'fresh' };

/**
 * Where a trial picks up from its run folder: finished (the final checkpoint and its evaluation are
 * written), the last periodic checkpoint, or afresh. A run killed during its final evaluation resumes
 * from its last periodic checkpoint and writes the same final checkpoint again.
 */
export function trialStart(runDir: string): TrialStart {
  const finalEvaluated = readEvaluations(runDir).some((e) => e.checkpoint.endsWith('final.safetensors'));
  if (existsSync(join(runDir, 'final.safetensors')) && finalEvaluated) return { kind: 'finished' };
  const dir = join(runDir, 'checkpoints');
  // only periodic checkpoints resume into exactly the uninterrupted run (train.ts); interrupted-* do not
  const steps = existsSync(dir) ? readdirSync(dir).map((n) => /^step-(\d+)\.safetensors$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1])) : [];
  if (steps.length === 0) return { kind: 'fresh' };
  return { kind: 'resume', checkpoint: join(dir, `step-${Math.max(...steps)}.safetensors`) };
}

/** The `dojo train` arguments of a trial: its whole config from `configFile` (no preset), or a resume. */
export function trainArgs(job: { env: string; envKwargs: Readonly<Record<string, unknown>>; algo: string; evalEpisodes: number }, runDir: string, configFile: string, start: TrialStart): string[] {
  const common = ['--out', runDir, '--quiet', '--eval-episodes', String(job.evalEpisodes)];
  if (start.kind === 'resume') return ['train', '--resume', start.checkpoint, ...common];
  return ['train', '--env', job.env, '--env-kwargs', JSON.stringify(job.envKwargs), '--algo', job.algo, '--no-preset', '--config', configFile, '--overwrite', ...common];
}

/** A `dojo train` child in flight: its exit, and a way to stop it. */
export interface TrainChild {
  readonly pid: number;
  readonly done: Promise<{ code: number | null; signal: string | null; error: string }>;
  stop(signal: NodeJS.Signals): void;
}

/**
 * Starts `dojo <args>` as a child (in `cwd`, default this process's) that ends when this process is
 * gone (sweep-child.mjs); `error` is the last lines it wrote on stderr (dojo's message on failure).
 */
export function spawnDojo(args: readonly string[], cwd?: string): TrainChild {
  const child = spawn(process.execPath, ['--import', CHILD_WATCH, DOJO_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const done = new Promise<{ code: number | null; signal: string | null; error: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, error: stderr.trim().split('\n').slice(-3).join(' ') }));
    child.on('error', (e) => resolve({ code: null, signal: null, error: e.message }));
  });
  return { pid: child.pid ?? -1, done, stop: (signal) => child.kill(signal) };
}

/** Writes a trial's whole config (the fields `dojo train --config` reads) to `sweeps/<name>/configs/<trial>.json`. */
export function writeTrialConfig(sweepDir: string, trial: Trial): string {
  const dir = join(sweepDir, 'configs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${trial.id}.json`);
  writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(trial.config, null, 2)}\n`), 'config');
  return file;
}

/** Options of a local sweep. */
export interface LocalOptions {
  /** Trials at once. */
  readonly parallel: number;
  /** Progress lines (one per trial start and end). */
  readonly log: (line: string) => void;
}

/**
 * Runs every trial of `plan` not yet in `sweepDir`/results.jsonl, `parallel` at a time, and returns
 * all results; on SIGINT/SIGTERM stops the children and sets the exit code (finished trials stay recorded).
 */
export async function runLocalSweep(plan: SweepPlan, sweepDir: string, opts: LocalOptions): Promise<Map<string, TrialResult>> {
  const resultsFile = join(sweepDir, 'results.jsonl');
  const results = readResults(resultsFile);
  const todo = plan.trials.filter((t) => !results.has(t.id));
  if (results.size > 0) opts.log(`${results.size} trials already recorded in ${resultsFile}; ${todo.length} to run`);
  const running = new Set<TrainChild>();
  let stopped: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    stopped ??= signal;
    for (const c of running) c.stop('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the scheduler's rung records, rebuilt from the run folders a previous start of the sweep left
  const asha = plan.spec.scheduler !== undefined ? new Asha(plan.spec.scheduler, stepBudget(plan)) : null;
  if (asha !== null) for (const t of plan.trials) asha.observe(t.id, rungEvaluations(join(sweepDir, t.id)));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (stopped === null && next < todo.length) {
      const trial = todo[next++];
      const r = await runTrial(plan, sweepDir, trial, { running, log: opts.log, isStopped: () => stopped !== null, asha });
      if (r === null) continue;
      appendResult(resultsFile, r);
      results.set(trial.id, r);
      opts.log(`${trial.id} ${r.status}${r.status === 'done' ? `: ${plan.spec.objective} ${r.objective?.toFixed(2)}` : ` after ${r.steps} steps: ${r.error}`} (${results.size}/${plan.trials.length})`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, todo.length)) }, lane));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (stopped !== null) {
    opts.log(`stopped by ${stopped}: ${results.size}/${plan.trials.length} trials recorded; run the same command again to continue`);
    process.exitCode = SIGNAL_EXIT[stopped];
  }
  return results;
}

/** The evaluations ASHA judges: those of periodic checkpoints (the final one ends the run, there is nothing left to stop). */
export function rungEvaluations(runDir: string): ReturnType<typeof readEvaluations> {
  return readEvaluations(runDir).filter((e) => !e.checkpoint.endsWith('final.safetensors'));
}

/** What runTrial shares with the sweep: its children, its log, whether it was stopped, its scheduler. */
type TrialLane = { running: Set<TrainChild>; log: (line: string) => void; isStopped: () => boolean; asha: Asha | null };

/** Runs one trial to its end (or until the scheduler stops it); null when the sweep was stopped while it ran (it resumes next time). */
async function runTrial(plan: SweepPlan, sweepDir: string, trial: Trial, lane: TrialLane): Promise<TrialResult | null> {
  const runDir = join(sweepDir, trial.id);
  const configFile = writeTrialConfig(sweepDir, trial);
  const start = trialStart(runDir);
  const t0 = performance.now();
  if (start.kind === 'finished') return finishedResult(plan, trial, runDir, 0);
  lane.log(`${trial.id} ${start.kind === 'resume' ? `resumes from ${start.checkpoint}` : 'starts'} ${JSON.stringify(trial.params)}`);
  const child = spawnDojo(trainArgs({ ...plan.spec, algo: plan.agent.name }, runDir, configFile, start));
  lane.running.add(child);
  let verdict: string | null = null;
  const judge = (): void => {
    verdict ??= lane.asha?.observe(trial.id, rungEvaluations(runDir), (line) => lane.log(`${trial.id} ${line}`)) ?? null;
    if (verdict !== null) child.stop('SIGTERM'); // it saves a checkpoint and exits 143
  };
  const timer = lane.asha !== null ? setInterval(judge, 100) : null;
  const exit = await child.done;
  if (timer !== null) clearInterval(timer);
  lane.running.delete(child);
  const wallS = (performance.now() - t0) / 1000;
  const finished = exit.code === 0 && existsSync(join(runDir, 'final.safetensors'));
  // a verdict that came after the run's end stopped nothing: the trial finished
  if (verdict !== null && !finished) return failedResult(trial, runDir, wallS, verdict, 'stopped');
  if (finished) {
    lane.asha?.observe(trial.id, rungEvaluations(runDir)); // its returns at the rungs it passed count for the trials after it
    return finishedResult(plan, trial, runDir, wallS);
  }
  if (lane.isStopped()) return null;
  return failedResult(trial, runDir, wallS, exit.error !== '' ? exit.error : `dojo train exited with ${exit.code ?? exit.signal}`);
}
