/**
 * The worker side of sweeps on Redis (`dojo worker`; the queue, the job's shape and the coordinator are
 * in sweep-redis.ts): takes trial jobs from the BullMQ queue, checks each before anything runs, trains
 * it as a `dojo train` child in a temporary folder and reports every 500 ms: the step and the
 * evaluations so far (the job's progress, which the coordinator prints and its scheduler judges), and
 * each new resume point (the latest periodic checkpoint with its evaluation written, and the logs up to
 * it) in the job's data, or in the shared folder of `--store` when the sweep sends its files that way.
 * At the end it returns the run folder. A trial whose stop key the coordinator has set (ASHA) is
 * stopped with SIGTERM and returned as stopped.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { registeredIds } from '../gym/registry.ts';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { AGENTS } from '../../agents/index.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { rungEvaluations, spawnDojo, trainArgs, type TrainChild, type TrialStart } from './sweep-local.ts';
import { lastMetricsStep } from './sweep-results.ts';
import { connect, QUEUE_NAME, readRunFiles, safeUrl, STOP_PREFIX, trialJobSchema, writeRunFiles, type RedisTarget, type TrialJob, type TrialOutput, type TrialProgress } from './sweep-redis.ts';
import '../../envs/index.ts';

/** Options of `dojo worker`. */
export interface WorkerOptions extends RedisTarget {
  /** Trials at once (each a `dojo train` child). */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a vanished worker's trial is taken again after about twice this. */
  readonly lockMs: number;
  /** This machine's mount of the shared folder that sweeps started with `--store` send their run files through. */
  readonly store?: string;
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
  const connection = await connect(opts);
  const lane: WorkerLane = { name, connection, store: opts.store, children: new Set(), closing: false, log: opts.log };
  const worker = new Worker(QUEUE_NAME, async (job: Job, token?: string) => trainTrial(job, token, lane), {
    connection, concurrency: opts.concurrency, lockDuration: opts.lockMs, stalledInterval: opts.lockMs, maxStalledCount: 5,
  });
  worker.on('error', (e) => opts.log(`worker error: ${e.message}`));
  opts.log(`dojo worker ${name}: taking trials from "${QUEUE_NAME}" at ${safeUrl(opts.url)}, ${opts.concurrency} at a time${opts.store !== undefined ? `; store ${opts.store}` : ''}`);
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

/** What the trials a worker trains share: its name, its Redis client, its store, their children, whether it is closing, its log. */
type WorkerLane = {
  readonly name: string; readonly connection: Redis; readonly store: string | undefined;
  readonly children: Set<TrainChild>; closing: boolean; readonly log: (line: string) => void;
};

/** Trains one trial job in a temporary folder and returns its run files (or, with a store, puts them there). */
async function trainTrial(job: Job, token: string | undefined, lane: WorkerLane): Promise<TrialOutput> {
  const { name, children, log } = lane;
  const data = checkTrialJob(job.data);
  if (lane.closing) {
    await job.moveToWait(token); // taken in the moment the worker began to close
    throw new WaitingError();
  }
  const stored = data.store === true ? storeFolder(lane, data) : null;
  const stopKey = `${STOP_PREFIX}${job.id ?? ''}`;
  const dir = mkdtempSync(join(tmpdir(), 'dojo-trial-'));
  const runDir = join(dir, data.trial);
  const t0 = performance.now();
  try {
    const early = await lane.connection.get(stopKey);
    if (early !== null) return { worker: name, wall_s: 0, files: data.resume?.files ?? {}, stopped: early }; // stopped before a retry began
    const configFile = join(dir, 'config.json');
    writeFileAtomic(configFile, new TextEncoder().encode(JSON.stringify(data.config)), 'config');
    let start: TrialStart = { kind: 'fresh' };
    if (data.resume !== undefined) {
      writeRunFiles(runDir, stored === null ? data.resume.files : existsSync(stored) ? readRunFiles(stored) : {});
      start = { kind: 'resume', checkpoint: join(runDir, 'checkpoints', `step-${data.resume.step}.safetensors`) };
      if (!existsSync(start.checkpoint)) throw new UnrecoverableError(`refused: the job's resume point names step ${data.resume.step} but ${stored !== null ? `the store ${stored} holds` : 'it carries'} no checkpoints/step-${data.resume.step}.safetensors`);
    }
    // run in the temporary folder with --out <trial>, so the logs name checkpoints as <trial>/checkpoints/…, wherever the worker is
    const child = spawnDojo(trainArgs(data, data.trial, configFile, start), dir);
    children.add(child);
    log(`${data.sweep}/${data.trial} ${start.kind === 'resume' ? `resumes at step ${data.resume?.step}` : 'starts'} (dojo train pid ${child.pid})`);
    let sent = data.resume?.step ?? 0, busy = false, stopped: string | null = null, signalled = false;
    const report = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const evaluations = rungEvaluations(runDir).map((e) => ({ global_step: e.global_step, mean_return: e.mean_return }));
        await job.updateProgress({ step: lastMetricsStep(runDir), worker: name, evaluations } satisfies TrialProgress);
        const at = resumePoint(runDir, data.evalEpisodes);
        if (at > sent) {
          const files = readRunFiles(runDir, (n) => !n.startsWith('checkpoints/') || n === `checkpoints/step-${at}.safetensors`);
          // with a store: the new checkpoint first, then the job names it, then the old one goes (a retry always finds the one the job names)
          if (stored !== null) writeRunFiles(stored, files);
          await job.updateData({ ...data, resume: { step: at, files: stored !== null ? {} : files } });
          if (stored !== null) pruneStore(stored, files);
          sent = at;
        }
        stopped ??= await lane.connection.get(stopKey);
        if (stopped !== null && !signalled) {
          signalled = true;
          child.stop('SIGTERM'); // it saves a checkpoint and exits 143
          log(`${data.sweep}/${data.trial} stopped by the coordinator: ${stopped}`);
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
    const finished = exit.code === 0 && existsSync(join(runDir, 'final.safetensors'));
    if (!finished && stopped === null) {
      throw new UnrecoverableError(`trial ${data.trial} failed on ${name}: ${exit.error !== '' ? exit.error : `dojo train exited with ${exit.code ?? exit.signal}`}`);
    }
    log(`${data.sweep}/${data.trial} ${finished ? 'done' : 'stopped'}`);
    const files = readRunFiles(runDir);
    if (stored !== null) {
      writeRunFiles(stored, files);
      pruneStore(stored, files);
    }
    // a stop that came after the run's end stopped nothing: the trial finished
    return { worker: name, wall_s: (performance.now() - t0) / 1000, files: stored !== null ? {} : files, ...(finished || stopped === null ? {} : { stopped }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `<store>/<sweep>/<trial>`: where a job whose files travel through the shared folder keeps them (names checked by the job's schema). */
function storeFolder(lane: WorkerLane, data: TrialJob): string {
  if (lane.store === undefined) throw new UnrecoverableError(`refused: the sweep ${data.sweep} sends its run files through a shared folder (dojo sweep --store); start this worker with --store <that folder as mounted here>`);
  if (!existsSync(lane.store)) throw new UnrecoverableError(`refused: this worker's --store folder ${lane.store} does not exist`);
  return join(lane.store, data.sweep, data.trial);
}

/** Removes the checkpoints in the store folder that are not among `files` (those last sent). */
function pruneStore(stored: string, files: Readonly<Record<string, string>>): void {
  const keep = new Set(Object.keys(files));
  for (const n of readdirSync(join(stored, 'checkpoints'))) if (!keep.has(`checkpoints/${n}`)) rmSync(join(stored, 'checkpoints', n), { force: true });
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
