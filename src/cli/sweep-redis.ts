/**
 * Sweeps across machines on Redis through BullMQ (https://docs.bullmq.io), loaded only when `--redis`
 * is given: what the coordinator and the workers share (the queue, the job's shape, the connection,
 * the run files that travel) and the coordinator. The coordinator (`dojo sweep --redis url`) puts one
 * job per trial on the queue QUEUE_NAME; `dojo worker --redis url` processes anywhere take them
 * (sweep-worker.ts), train each as a `dojo train` child in a temporary folder, and report back through
 * Redis: progress (the step reached, the worker's name, the evaluations so far), a resume point at
 * every periodic checkpoint (the checkpoint and logs, in the job's data), and at the end the whole run
 * folder as the job's result, which the coordinator writes to `sweeps/<name>/<trial>/` as a local run
 * would have. With `--store <folder>` the run files travel through that shared folder instead, and the
 * jobs carry only their names.
 *
 * Faults: a worker stopped by SIGINT or SIGTERM puts its trials back on the queue at once; one that vanishes (kill -9, machine gone) stops renewing its job's lock; after the lock
 * expires another worker's stalled-job check puts the job back on the queue, and whoever takes it
 * resumes from the last checkpoint in the job's data, which by determinism ends where an uninterrupted
 * run would. A trial that fails by itself (bad config, non-finite loss) fails its job for good
 * (BullMQ's UnrecoverableError) and is recorded with its error. A restarted coordinator finds its jobs
 * by id and picks up their results.
 *
 * Early stopping: with an ASHA scheduler (sweep-asha.ts) the coordinator judges each running trial's
 * evaluations as its worker reports them and, when one falls below a rung's cutoff, sets the trial's
 * stop key (STOP_PREFIX + job id) in Redis; the worker sees it at its next report, stops the trial with
 * SIGTERM and returns its run folder as stopped.
 *
 * Trust: a job is data, never code. A worker accepts only a registered env, a known algorithm, a
 * config that passes the algorithm's field specs and run-file names from a fixed list; anything else
 * fails the job without running it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Job, Queue, type JobType } from 'bullmq';
import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.ts';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { Asha } from './sweep-asha.ts';
import { rungEvaluations, trialStart, writeTrialConfig } from './sweep-local.ts';
import { appendResult, failedResult, finishedResult, readResults, type TrialResult } from './sweep-results.ts';
import { stepBudget, type SweepPlan, type Trial } from './sweep-spec.ts';
import '../../envs/index.ts';

/** The BullMQ queue every sweep's trials go through. */
export const QUEUE_NAME = 'dojo-trials';

/** The files of a run folder that travel through Redis (or the store); no other name is written on either side. */
const RUN_FILE = /^(config\.json|metrics\.jsonl|evaluations\.jsonl|final\.safetensors|best\.safetensors|checkpoints\/step-\d+\.safetensors)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const runFiles = z.record(z.string().regex(RUN_FILE, 'a run file name (config.json, metrics.jsonl, evaluations.jsonl, final/best.safetensors, checkpoints/step-<n>.safetensors)'), z.base64());

/** The prefix of a trial's stop key: the coordinator sets `<prefix><job id>` to the reason when ASHA stops the trial. */
export const STOP_PREFIX = `${QUEUE_NAME}:stop:`;

/** A trial as a job on the queue (plain data; checked by the worker before anything runs). */
export const trialJobSchema = z.strictObject({
  sweep: z.string().regex(NAME),
  trial: z.string().regex(NAME),
  env: z.string().min(1),
  envKwargs: z.record(z.string(), z.unknown()),
  algo: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  evalEpisodes: z.int().min(1).max(10_000),
  /** The run files travel through the shared folder each side names with `--store` (`<store>/<sweep>/<trial>/`), not in the job. */
  store: z.literal(true).optional(),
  /** The last periodic checkpoint a worker reached and the logs up to it (in `files`, or in the store): where a retry resumes. */
  resume: z.strictObject({ step: z.int().min(1), files: runFiles }).optional(),
});
export type TrialJob = z.infer<typeof trialJobSchema>;

/** What a worker returns for a trial it trained to the end, or stopped because the coordinator said so (`stopped`: why). */
const trialOutputSchema = z.strictObject({ worker: z.string(), wall_s: z.number(), files: runFiles, stopped: z.string().optional() });
export type TrialOutput = z.infer<typeof trialOutputSchema>;

/** An evaluation as progress reports carry it (the fields ASHA reads). */
type ReportedEvaluation = { global_step: number; mean_return: number };

/** What a worker reports while a trial runs: the step, its own name, and the evaluations of periodic checkpoints so far. */
export type TrialProgress = { step: number; worker: string; evaluations: ReportedEvaluation[] };

/** Where Redis is: its URL and, for `rediss://` with a private certificate authority, the CA's PEM file. */
export interface RedisTarget {
  readonly url: string;
  readonly caFile?: string;
}

/**
 * A Redis client for BullMQ (which needs `maxRetriesPerRequest: null`), connected and answering; `rediss://`
 * URLs use TLS, verified against the system's CAs or against `caFile`. A server that cannot be reached,
 * refuses the password or shows a certificate that does not verify fails here, with the reason, instead
 * of leaving the command waiting for ever.
 */
export async function connect(target: RedisTarget): Promise<Redis> {
  const { url, caFile } = target;
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError(`--redis expects a URL like redis://127.0.0.1:6379 or rediss://:password@host:6380, received ${JSON.stringify(url)}`);
  let tls: { ca: Buffer } | undefined;
  if (caFile !== undefined) {
    if (!url.startsWith('rediss://')) throw new ConfigError(`--redis-ca ${caFile} verifies a TLS server, and ${safeUrl(url)} is not TLS; use a rediss:// URL`);
    if (!existsSync(caFile)) throw new ConfigError(`--redis-ca: no certificate file at ${caFile}`);
    tls = { ca: readFileSync(caFile) };
  }
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, ...(tls !== undefined ? { tls } : {}) });
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
export interface RedisSweepOptions extends RedisTarget {
  readonly log: (line: string) => void;
  /** The shared folder the run files travel through instead of Redis (`--store`); the workers name their own mount of it. */
  readonly store?: string;
  /** How often the coordinator looks at its jobs. */
  readonly pollMs?: number;
}

/** A trial the coordinator waits for: its job, the last progress line it printed, and the scheduler's verdict once one came. */
type Pending = { trial: Trial; jobId: string; said: string; saidAt: number; verdict: string | null; missing: number };

/** Where a job stands, as the coordinator acts on it. */
type JobStanding = 'queued' | 'active' | 'failed' | 'completed';

/**
 * The ids of the queue's jobs by standing, in four range reads (not one read per job, so a look over a
 * thousand pending trials stays a few round trips). States are read queued first and finished last, so
 * a job that moves on between two reads is seen where it went; one that moves back (a closing worker's
 * job returning to the queue) can be missing from every list for a moment.
 */
export async function jobStandings(queue: Queue): Promise<Map<string, JobStanding>> {
  const out = new Map<string, JobStanding>();
  const reads: [JobStanding, JobType[]][] = [['queued', ['wait', 'delayed', 'prioritized', 'waiting-children']], ['active', ['active']], ['failed', ['failed']], ['completed', ['completed']]];
  for (const [standing, types] of reads) for (const id of await queue.getRanges(types, 0, -1)) out.set(id, standing);
  return out;
}

/**
 * Enqueues every trial of `plan` not yet recorded in `sweepDir`, waits for them, writes each finished
 * trial's run folder and result, and returns all results. Jobs are named by sweep, spec and trial, so a
 * restarted coordinator re-attaches to the jobs already queued, running or done. With a scheduler,
 * judges the running trials' evaluations as they are reported and stops the weak ones at a rung.
 */
export async function runRedisSweep(plan: SweepPlan, sweepDir: string, opts: RedisSweepOptions): Promise<Map<string, TrialResult>> {
  const resultsFile = join(sweepDir, 'results.jsonl');
  const results = readResults(resultsFile);
  const connection = await connect(opts);
  const queue = new Queue(QUEUE_NAME, { connection });
  // the scheduler's rung records, rebuilt from the run folders of the trials already recorded
  const asha = plan.spec.scheduler !== undefined ? new Asha(plan.spec.scheduler, stepBudget(plan)) : null;
  if (asha !== null) for (const t of plan.trials) asha.observe(t.id, rungEvaluations(join(sweepDir, t.id)));
  let stopped: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    stopped ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const pending = new Map<string, Pending>();
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
      await queue.add('trial', trialJob(plan, trial, opts.store), { jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
      pending.set(trial.id, { trial, jobId, said: '', saidAt: 0, verdict: null, missing: 0 });
    }
    opts.log(`${pending.size} trials on the queue "${QUEUE_NAME}" at ${safeUrl(opts.url)}; start workers with: dojo worker --redis ${safeUrl(opts.url)}${opts.caFile !== undefined ? ' --redis-ca <ca.pem>' : ''}${opts.store !== undefined ? ' --store <this shared folder on that machine>' : ''}`);
    while (pending.size > 0 && stopped === null) {
      const standings = await jobStandings(queue);
      for (const [id, p] of pending) {
        if (await look(id, p, standings.get(p.jobId))) pending.delete(id);
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

  /**
   * Looks at one trial's job: records it when it has ended (true), else prints its progress and judges
   * its evaluations. A job missing from every list three looks running is read by id, and enqueued
   * again if it is gone from Redis.
   */
  async function look(id: string, p: Pending, state: JobStanding | undefined): Promise<boolean> {
    if (state === 'queued') return false;
    p.missing = state === undefined ? p.missing + 1 : 0;
    if (state === undefined && p.missing < 3) return false;
    if (state === undefined) p.missing = 0;
    const job = await Job.fromId(queue, p.jobId);
    if (job === undefined) {
      opts.log(`${id}: its job is gone from Redis; enqueuing it again`);
      await queue.add('trial', trialJob(plan, p.trial, opts.store), { jobId: p.jobId, attempts: 1, removeOnComplete: false, removeOnFail: false });
      return false;
    }
    if (state === undefined) return false;
    const runDir = join(sweepDir, id);
    if (state === 'completed' || state === 'failed') {
      if (state === 'failed') record(failedResult(p.trial, runDir, 0, job.failedReason));
      else collect(p.trial, runDir, job.returnvalue);
      // recorded: the job (and the checkpoints it carries) and the trial's stop key and store folder can go
      await job.remove();
      await connection.del(`${STOP_PREFIX}${p.jobId}`);
      if (opts.store !== undefined) rmSync(join(opts.store, plan.spec.name, id), { recursive: true, force: true });
      return true;
    }
    if (state !== 'active' || !isProgress(job.progress)) return false;
    const said = `${id}: step ${job.progress.step} on ${job.progress.worker}`;
    const now = Date.now();
    // the first report of each worker at once, then at most one line per trial every 5 s
    if (said !== p.said && (!p.said.endsWith(` on ${job.progress.worker}`) || now - p.saidAt > 5000)) {
      opts.log(said);
      p.said = said;
      p.saidAt = now;
    }
    if (asha !== null && p.verdict === null) {
      p.verdict = asha.observe(id, job.progress.evaluations, (line) => opts.log(`${id} ${line}`));
      if (p.verdict !== null) {
        // a week is far longer than any trial; the key only outlives its trial if this coordinator dies
        await connection.set(`${STOP_PREFIX}${p.jobId}`, p.verdict, 'EX', 7 * 24 * 3600);
        opts.log(`${id} ${p.verdict}; its worker stops it`);
      }
    }
    return false;
  }

  /** Writes a completed job's run folder (from its result, or from the store) and records the trial. */
  function collect(trial: Trial, runDir: string, value: unknown): void {
    const out = trialOutputSchema.safeParse(value);
    if (!out.success) {
      record(failedResult(trial, runDir, 0, `the job's result is not a trial's run folder: ${out.error.issues[0]?.message}`));
      return;
    }
    const stored = opts.store !== undefined ? join(opts.store, plan.spec.name, trial.id) : null;
    if (stored !== null && !existsSync(stored) && out.data.stopped === undefined) {
      record(failedResult(trial, runDir, out.data.wall_s, `${out.data.worker} finished the trial, and the store holds no run folder for it at ${stored}; does the worker's --store name the same shared folder?`));
      return;
    }
    const files = stored === null ? out.data.files : existsSync(stored) ? readRunFiles(stored) : {};
    writeRunFiles(runDir, files, trial.id);
    if (out.data.stopped !== undefined) record(failedResult(trial, runDir, out.data.wall_s, out.data.stopped, 'stopped'), ` on ${out.data.worker}`);
    else {
      // its returns at the rungs it passed count for the trials after it (a verdict that came after its end stopped nothing)
      asha?.observe(trial.id, rungEvaluations(runDir));
      record(finishedResult(plan, trial, runDir, out.data.wall_s), ` on ${out.data.worker}`);
    }
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
function trialJob(plan: SweepPlan, trial: Trial, store: string | undefined): TrialJob {
  return { sweep: plan.spec.name, trial: trial.id, env: plan.spec.env, envKwargs: plan.spec.envKwargs, algo: plan.agent.name, config: { ...trial.config }, evalEpisodes: plan.spec.evalEpisodes, ...(store !== undefined ? { store: true as const } : {}) };
}

/** The job id of a trial: sweep, a hash of the spec (a changed spec never meets an old job) and trial. */
export function trialJobId(plan: SweepPlan, trial: string): string {
  const specHash = createHash('sha256').update(JSON.stringify(plan.spec)).digest('hex').slice(0, 10);
  return `${plan.spec.name}__${specHash}__${trial}`;
}

/** Where each trial of `plan` stands on the queue (`dojo sweep --status --redis`): its job's state, and for a running one the step and worker. */
export async function queuedTrials(plan: SweepPlan, url: string, caFile?: string): Promise<Map<string, string>> {
  const connection = await connect({ url, caFile });
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
  const q = p as TrialProgress;
  return typeof p === 'object' && p !== null && typeof q.step === 'number' && typeof q.worker === 'string' && Array.isArray(q.evaluations)
    && q.evaluations.every((e) => typeof e === 'object' && e !== null && typeof e.global_step === 'number' && typeof e.mean_return === 'number');
}

/**
 * Writes run files (names already checked against RUN_FILE) into `runDir`, each atomically. With
 * `trial`, the checkpoints that evaluations.jsonl names as `<trial>/…` (the worker's folder) are
 * renamed to where they now are, as a local run's log names them.
 */
export function writeRunFiles(runDir: string, files: Readonly<Record<string, string>>, trial?: string): void {
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
export function readRunFiles(runDir: string, only?: (name: string) => boolean): Record<string, string> {
  const names = [...readdirSync(runDir), ...(existsSync(join(runDir, 'checkpoints')) ? readdirSync(join(runDir, 'checkpoints')).map((n) => `checkpoints/${n}`) : [])];
  const out: Record<string, string> = {};
  for (const name of names) if (RUN_FILE.test(name) && (only?.(name) ?? true)) out[name] = readFileSync(join(runDir, name)).toString('base64');
  return out;
}
