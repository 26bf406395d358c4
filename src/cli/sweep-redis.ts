/**
 * Sweeps across machines on Redis through BullMQ (https://docs.bullmq.io), loaded only when `--redis`
 * is given. The coordinator (`dojo sweep --redis url`) puts one job per trial on the queue QUEUE_NAME;
 * `dojo worker --redis url` processes anywhere take them, train each as a `dojo train` child in a
 * temporary folder, and report back through Redis: progress (the step reached, the worker's name),
 * a resume point at every periodic checkpoint (the checkpoint and logs, in the job's data), and at the
 * end the whole run folder as the job's result, which the coordinator writes to
 * `sweeps/<name>/<trial>/` as a local run would have.
 *
 * Faults: a worker stopped by SIGINT or SIGTERM puts its trials back on the queue at once; one that vanishes (kill -9, machine gone) stops renewing its job's lock; after the lock
 * expires another worker's stalled-job check puts the job back on the queue, and whoever takes it
 * resumes from the last checkpoint in the job's data, which by determinism ends where an uninterrupted
 * run would. A trial that fails by itself (bad config, non-finite loss) fails its job for good
 * (BullMQ's UnrecoverableError) and is recorded with its error. A restarted coordinator finds its jobs
 * by id and picks up their results.
 *
 * Trust: a job is data, never code. A worker accepts only a registered env, a known algorithm, a
 * config that passes the algorithm's field specs and run-file names from a fixed list; anything else
 * fails the job without running it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { Job, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.ts';
import { registeredIds } from '../gym/registry.ts';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { AGENTS } from '../../agents/index.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { spawnDojo, trainArgs, trialStart, writeTrialConfig, type TrainChild, type TrialStart } from './sweep-local.ts';
import { appendResult, failedResult, finishedResult, lastMetricsStep, readResults, type TrialResult } from './sweep-results.ts';
import type { SweepPlan, Trial } from './sweep-spec.ts';
import '../../envs/index.ts';

/** The BullMQ queue every sweep's trials go through. */
export const QUEUE_NAME = 'dojo-trials';

/** The files of a run folder that travel through Redis; no other name is written on either side. */
const RUN_FILE = /^(config\.json|metrics\.jsonl|evaluations\.jsonl|final\.safetensors|best\.safetensors|checkpoints\/step-\d+\.safetensors)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const runFiles = z.record(z.string().regex(RUN_FILE, 'a run file name (config.json, metrics.jsonl, evaluations.jsonl, final/best.safetensors, checkpoints/step-<n>.safetensors)'), z.base64());

/** A trial as a job on the queue (plain data; checked by the worker before anything runs). */
const trialJobSchema = z.strictObject({
  sweep: z.string().regex(NAME),
  trial: z.string().regex(NAME),
  env: z.string().min(1),
  envKwargs: z.record(z.string(), z.unknown()),
  algo: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  evalEpisodes: z.int().min(1).max(10_000),
  /** The last periodic checkpoint a worker reached and the logs up to it: where a retry resumes. */
  resume: z.strictObject({ step: z.int().min(1), files: runFiles }).optional(),
});
type TrialJob = z.infer<typeof trialJobSchema>;

/** What a worker returns for a finished trial. */
const trialOutputSchema = z.strictObject({ worker: z.string(), wall_s: z.number(), files: runFiles });
type TrialOutput = z.infer<typeof trialOutputSchema>;

/** What a worker reports while a trial runs. */
type TrialProgress = { step: number; worker: string };

/**
 * A Redis client for BullMQ (which needs `maxRetriesPerRequest: null`), connected and answering; `rediss://`
 * URLs use TLS. A server that cannot be reached or refuses the password fails here, with Redis's reason,
 * instead of leaving the command waiting for ever.
 */
async function connect(url: string): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError(`--redis expects a URL like redis://127.0.0.1:6379 or rediss://:password@host:6380, received ${JSON.stringify(url)}`);
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  let reason = '';
  // ioredis reconnects by itself after a connection drops; the reason is kept for the message below
  client.on('error', (e: Error) => {
    reason = e.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    throw new ConfigError(`cannot reach Redis at ${safeUrl(url)}: ${reason !== '' ? reason : (e as Error).message}`);
  }
  return client;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

// ── coordinator ──

/** Options of a sweep on Redis. */
export interface RedisSweepOptions {
  readonly url: string;
  readonly log: (line: string) => void;
  /** How often the coordinator looks at its jobs. */
  readonly pollMs?: number;
}

/**
 * Enqueues every trial of `plan` not yet recorded in `sweepDir`, waits for them, writes each finished
 * trial's run folder and result, and returns all results. Jobs are named by sweep, spec and trial, so a
 * restarted coordinator re-attaches to the jobs already queued, running or done.
 */
export async function runRedisSweep(plan: SweepPlan, sweepDir: string, opts: RedisSweepOptions): Promise<Map<string, TrialResult>> {
  const resultsFile = join(sweepDir, 'results.jsonl');
  const results = readResults(resultsFile);
  const connection = await connect(opts.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  let stopped: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    stopped ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const pending = new Map<string, { trial: Trial; jobId: string; said: string; saidAt: number }>();
    for (const trial of plan.trials) {
      const runDir = join(sweepDir, trial.id);
      if (!results.has(trial.id) && trialStart(runDir).kind === 'finished') record(finishedResult(plan, trial, runDir, 0));
      if (results.has(trial.id)) {
        // a coordinator killed between recording a trial and removing its job left the job behind
        await removeLeftover(queue, trialJobId(plan, trial.id));
        continue;
      }
      writeTrialConfig(sweepDir, trial);
      const jobId = trialJobId(plan, trial.id);
      // an id already on the queue keeps its job (and its state): that is how a restarted coordinator re-attaches
      await queue.add('trial', trialJob(plan, trial), { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
      pending.set(trial.id, { trial, jobId, said: '', saidAt: 0 });
    }
    opts.log(`${pending.size} trials on the queue "${QUEUE_NAME}" at ${safeUrl(opts.url)}; start workers with: dojo worker --redis ${safeUrl(opts.url)}`);
    while (pending.size > 0 && stopped === null) {
      for (const [id, p] of pending) {
        const job = await Job.fromId(queue, p.jobId);
        if (job === undefined) {
          opts.log(`${id}: its job is gone from Redis; enqueuing it again`);
          await queue.add('trial', trialJob(plan, p.trial), { jobId: p.jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
          continue;
        }
        const state = await job.getState();
        const runDir = join(sweepDir, id);
        if (state === 'completed') {
          const out = trialOutputSchema.safeParse(job.returnvalue);
          if (!out.success) record(failedResult(p.trial, runDir, 0, `the job's result is not a trial's run folder: ${out.error.issues[0]?.message}`));
          else {
            writeRunFiles(runDir, out.data.files, id);
            record(finishedResult(plan, p.trial, runDir, out.data.wall_s), ` on ${out.data.worker}`);
          }
          pending.delete(id);
          // recorded: the job (and the checkpoints it carries) can leave Redis
          await job.remove();
        } else if (state === 'failed') {
          record(failedResult(p.trial, runDir, 0, job.failedReason));
          pending.delete(id);
          await job.remove();
        } else if (state === 'active' && isProgress(job.progress)) {
          const said = `${id}: step ${job.progress.step} on ${job.progress.worker}`;
          const now = Date.now();
          // the first report of each worker at once, then at most one line per trial every 5 s
          if (said !== p.said && (!p.said.endsWith(` on ${job.progress.worker}`) || now - p.saidAt > 5000)) {
            opts.log(said);
            p.said = said;
            p.saidAt = now;
          }
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
    if (stopped !== null) {
      opts.log(`stopped by ${stopped}: ${pending.size} trials still on the queue keep running on the workers; run the same command again to re-attach`);
      process.exitCode = stopped === 'SIGINT' ? 130 : 143;
    }
    return results;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await queue.close();
    connection.disconnect();
  }

  function record(r: TrialResult, where = ''): void {
    appendResult(resultsFile, r);
    results.set(r.trial, r);
    opts.log(`${r.trial} ${r.status}${where}${r.status === 'done' ? `: ${plan.spec.objective} ${r.objective?.toFixed(2)}` : `: ${r.error}`} (${results.size}/${plan.trials.length})`);
  }
}

/** Removes a recorded trial's job (and the checkpoints it carries) if it is still on the queue, finished. */
async function removeLeftover(queue: Queue, jobId: string): Promise<void> {
  const job = await Job.fromId(queue, jobId);
  if (job === undefined) return;
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') await job.remove();
}

/** A trial as job data: the names, the env, the algorithm and the whole config; nothing a worker would execute. */
function trialJob(plan: SweepPlan, trial: Trial): TrialJob {
  return { sweep: plan.spec.name, trial: trial.id, env: plan.spec.env, envKwargs: plan.spec.envKwargs, algo: plan.agent.name, config: { ...trial.config }, evalEpisodes: plan.spec.evalEpisodes };
}

/** The job id of a trial: sweep, a hash of the spec (a changed spec never meets an old job) and trial. */
export function trialJobId(plan: SweepPlan, trial: string): string {
  const specHash = createHash('sha256').update(JSON.stringify(plan.spec)).digest('hex').slice(0, 10);
  return `${plan.spec.name}__${specHash}__${trial}`;
}

/** Where each trial of `plan` stands on the queue (`dojo sweep --status --redis`): its job's state, and for a running one the step and worker. */
export async function queuedTrials(plan: SweepPlan, url: string): Promise<Map<string, string>> {
  const connection = await connect(url);
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    const out = new Map<string, string>();
    for (const t of plan.trials) {
      const job = await Job.fromId(queue, trialJobId(plan, t.id));
      if (job === undefined) continue;
      const state = await job.getState();
      out.set(t.id, state === 'active' && isProgress(job.progress) ? `running: step ${job.progress.step} on ${job.progress.worker}` : `${state} on the queue`);
    }
    return out;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

function isProgress(p: unknown): p is TrialProgress {
  return typeof p === 'object' && p !== null && typeof (p as TrialProgress).step === 'number' && typeof (p as TrialProgress).worker === 'string';
}

/**
 * Writes run files (names already checked against RUN_FILE) into `runDir`, each atomically. With
 * `trial`, the checkpoints that evaluations.jsonl names as `<trial>/…` (the worker's folder) are
 * renamed to where they now are, as a local run's log names them.
 */
function writeRunFiles(runDir: string, files: Readonly<Record<string, string>>, trial?: string): void {
  mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  for (const [name, b64] of Object.entries(files)) {
    let bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    if (trial !== undefined && name === 'evaluations.jsonl') bytes = new TextEncoder().encode(relocateCheckpoints(new TextDecoder().decode(bytes), trial, runDir));
    writeFileAtomic(join(runDir, name), bytes, 'run file');
  }
}

/** Rewrites the `checkpoint` of each evaluation row from `<trial>/<file>` to `<runDir>/<file>`. */
function relocateCheckpoints(text: string, trial: string, runDir: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const row = JSON.parse(l) as { checkpoint?: unknown };
    if (typeof row.checkpoint === 'string' && row.checkpoint.startsWith(`${trial}/`)) row.checkpoint = join(runDir, row.checkpoint.slice(trial.length + 1));
    return `${JSON.stringify(row)}\n`;
  }).join('');
}

/** The run files in `runDir` (those RUN_FILE names), base64-encoded. */
function readRunFiles(runDir: string, only?: (name: string) => boolean): Record<string, string> {
  const names = [...readdirSync(runDir), ...(existsSync(join(runDir, 'checkpoints')) ? readdirSync(join(runDir, 'checkpoints')).map((n) => `checkpoints/${n}`) : [])];
  const out: Record<string, string> = {};
  for (const name of names) if (RUN_FILE.test(name) && (only?.(name) ?? true)) out[name] = readFileSync(join(runDir, name)).toString('base64');
  return out;
}

// ── worker ──

/** Options of `dojo worker`. */
export interface WorkerOptions {
  readonly url: string;
  /** Trials at once (each a `dojo train` child). */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a vanished worker's trial is taken again after about twice this. */
  readonly lockMs: number;
  readonly log: (line: string) => void;
}

/** Checks a job before anything runs: its shape, a registered env, a known algorithm, a config the algorithm's field specs accept. */
export function checkTrialJob(data: unknown): TrialJob {
  const r = trialJobSchema.safeParse(data);
  if (!r.success) throw new UnrecoverableError(`refused: not a trial job: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const job = r.data;
  if (!registeredIds().includes(job.env)) throw new UnrecoverableError(`refused: env "${job.env}" is not registered on this worker`);
  const agent = AGENTS.find((a) => a.name === job.algo);
  if (agent === undefined) throw new UnrecoverableError(`refused: unknown algorithm "${job.algo}"; known: ${AGENTS.map((a) => a.name).join(', ')}`);
  try {
    resolveConfig(agent.name, agent.spec, job.config);
  } catch (e) {
    throw new UnrecoverableError(`refused: ${(e as Error).message}`);
  }
  return job;
}

/** Takes trials from the queue until SIGINT/SIGTERM; resolves when the worker has closed. */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const name = `${hostname()}:${process.pid}`;
  const connection = await connect(opts.url);
  const lane: WorkerLane = { name, children: new Set(), closing: false, log: opts.log };
  const worker = new Worker(QUEUE_NAME, async (job: Job, token?: string) => trainTrial(job, token, lane), {
    connection, concurrency: opts.concurrency, lockDuration: opts.lockMs, stalledInterval: opts.lockMs, maxStalledCount: 5,
  });
  worker.on('error', (e) => opts.log(`worker error: ${e.message}`));
  opts.log(`dojo worker ${name}: taking trials from "${QUEUE_NAME}" at ${safeUrl(opts.url)}, ${opts.concurrency} at a time`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      opts.log(`${signal}: stopping; the trials in training go back to the queue and resume from their last checkpoint`);
      lane.closing = true;
      process.exitCode = signal === 'SIGINT' ? 130 : 143;
      for (const c of lane.children) c.stop('SIGKILL');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  // the processors see `closing`, put their jobs back on the queue and return; then the worker closes
  await worker.close();
  connection.disconnect();
}

/** What the trials a worker trains share: its name, their children, whether it is closing, its log. */
type WorkerLane = { readonly name: string; readonly children: Set<TrainChild>; closing: boolean; readonly log: (line: string) => void };

/** Trains one trial job in a temporary folder and returns its run files. */
async function trainTrial(job: Job, token: string | undefined, lane: WorkerLane): Promise<TrialOutput> {
  const { name, children, log } = lane;
  const data = checkTrialJob(job.data);
  if (lane.closing) {
    await job.moveToWait(token); // taken in the moment the worker began to close
    throw new WaitingError();
  }
  const dir = mkdtempSync(join(tmpdir(), 'dojo-trial-'));
  const runDir = join(dir, data.trial);
  const t0 = performance.now();
  try {
    const configFile = join(dir, 'config.json');
    writeFileAtomic(configFile, new TextEncoder().encode(JSON.stringify(data.config)), 'config');
    let start: TrialStart = { kind: 'fresh' };
    if (data.resume !== undefined) {
      writeRunFiles(runDir, data.resume.files);
      start = { kind: 'resume', checkpoint: join(runDir, 'checkpoints', `step-${data.resume.step}.safetensors`) };
      if (!existsSync(start.checkpoint)) throw new UnrecoverableError(`refused: the job's resume point names step ${data.resume.step} but carries no checkpoints/step-${data.resume.step}.safetensors`);
    }
    // run in the temporary folder with --out <trial>, so the logs name checkpoints as <trial>/checkpoints/…, wherever the worker is
    const child = spawnDojo(trainArgs(data, data.trial, configFile, start), dir);
    children.add(child);
    log(`${data.sweep}/${data.trial} ${start.kind === 'resume' ? `resumes at step ${data.resume?.step}` : 'starts'} (dojo train pid ${child.pid})`);
    let sent = data.resume?.step ?? 0, busy = false;
    const report = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        await job.updateProgress({ step: lastMetricsStep(runDir), worker: name } satisfies TrialProgress);
        const at = resumePoint(runDir, data.evalEpisodes);
        if (at > sent) {
          const files = readRunFiles(runDir, (n) => !n.startsWith('checkpoints/') || n === `checkpoints/step-${at}.safetensors`);
          await job.updateData({ ...data, resume: { step: at, files } });
          sent = at;
        }
      } catch (e) {
        log(`${data.trial}: could not report progress (${(e as Error).message}); training goes on`);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void report(), 500);
    const exit = await child.done;
    clearInterval(timer);
    children.delete(child);
    if (lane.closing) {
      // not the trial's fault: back on the queue, to resume from the resume point it sent last (BullMQ's manual move to wait)
      await job.moveToWait(token);
      log(`${data.sweep}/${data.trial} back on the queue`);
      throw new WaitingError();
    }
    if (exit.code !== 0 || !existsSync(join(runDir, 'final.safetensors'))) {
      throw new UnrecoverableError(`trial ${data.trial} failed on ${name}: ${exit.error !== '' ? exit.error : `dojo train exited with ${exit.code ?? exit.signal}`}`);
    }
    log(`${data.sweep}/${data.trial} done`);
    return { worker: name, wall_s: (performance.now() - t0) / 1000, files: readRunFiles(runDir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The latest periodic checkpoint a retry can resume from: its file is written and, when the run
 * evaluates, so is its evaluation row (else the resumed run would lack that row). 0 when none.
 */
function resumePoint(runDir: string, evalEpisodes: number): number {
  const ckpts = join(runDir, 'checkpoints');
  if (!existsSync(ckpts)) return 0;
  const steps = readdirSync(ckpts).map((n) => /^step-(\d+)\.safetensors$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
  if (steps.length === 0) return 0;
  const step = Math.max(...steps);
  if (evalEpisodes === 0) return step;
  const evals = join(runDir, 'evaluations.jsonl');
  const evaluated = existsSync(evals) && readFileSync(evals, 'utf8').split('\n').some((l) => l.endsWith('}') && (JSON.parse(l) as { global_step: number }).global_step === step);
  return evaluated ? step : 0;
}

