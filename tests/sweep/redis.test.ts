/**
 * `dojo sweep --redis` with `dojo worker` (src/cli/sweep-redis.ts) on a real redis-server (Debian's
 * package; .ci/run installs it) that this test starts on a free localhost port in a temporary folder
 * and stops: one coordinator and two workers run a 4-trial PPO CartPole sweep; one worker is killed
 * with SIGKILL once its trial has sent a resume point, and its `dojo train` child ends by itself; the
 * other worker takes the trial over from that checkpoint; every trial's
 * files arrive once under sweeps/<name>/<trial>/, and the killed trial's final weights equal those of
 * an uninterrupted `dojo train` of the same config. The coordinator is killed as well and started
 * again: it re-attaches to the jobs already on the queue.
 *
 * No test races the machine's speed: a trial is frozen (SIGSTOP) once its run folder holds a resume
 * point, and the worker is stopped only after the queue carries it (CI's fast machine finished whole
 * 4,096-step trials between two looks at the queue when the test only watched).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/cli/train.ts';
import { QUEUE_NAME, queuedTrials, runRedisSweep, trialJobId } from '../../src/cli/sweep-redis.ts';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { appendResult, failedResult, readResults } from '../../src/cli/sweep-results.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import { DOJO, exited, freePort, killGroup, REDIS_SERVER, startRedis as startRedisServer, startWorker as startWorkerProcess, waitFor, type WorkerProcess } from './redis-server.ts';

/** 32 iterations of 2 × 64 steps, a checkpoint (and resume point) every 2 iterations. */
const SPEC = {
  name: 'kill', env: 'CartPole-v1', algo: 'ppo', base: 'defaults',
  config: { totalTimesteps: 4096, numEnvs: 2, numSteps: 64, checkpointFrequency: 2 },
  seeds: [1, 2], search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4] } }, evalEpisodes: 2,
};

let dir = '';
let url = '';
let redis: ChildProcess | null = null;
const workers: ChildProcess[] = [];
/** Coordinators the tests started: stopped after each test if it failed before they ended. */
const coordinators: ChildProcess[] = [];

function startWorker(): WorkerProcess {
  const w = startWorkerProcess(['--redis', url, '--concurrency', '1', '--lock-ms', '1500']);
  workers.push(w);
  return w;
}

/** Whether process `pid` has ended within `timeoutMs`. */
async function gone(pid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function tensors(file: string): Map<string, number[]> {
  return new Map([...readSafetensorsFile(file).tensors].map(([k, t]) => [k, [...t.data]]));
}

/**
 * The step of the resume point a worker would send for the run in `runDir` (as sweep-redis.ts's
 * resumePoint: the latest periodic checkpoint, with its evaluation row written), or 0.
 */
function resumePointOnDisk(runDir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(runDir, 'checkpoints'));
  } catch {
    return 0;
  }
  const steps = names.map((n) => /^step-(\d+)\.safetensors$/.exec(n)).filter((m) => m !== null).map((m) => Number(m[1]));
  if (steps.length === 0) return 0;
  const step = Math.max(...steps);
  let rows: string[];
  try {
    rows = fs.readFileSync(path.join(runDir, 'evaluations.jsonl'), 'utf8').split('\n');
  } catch {
    return 0;
  }
  return rows.some((l) => l.endsWith('}') && (JSON.parse(l) as { global_step: number }).global_step === step) ? step : 0;
}

/** A trial of worker `w` frozen by SIGSTOP at a resume point: its id, its `dojo train` pid, that process's folder, the step. */
type Frozen = { trial: string; pid: number; cwd: string; step: number };

/**
 * Waits until a trial that worker `w` trains has a resume point on disk and freezes its `dojo train`
 * child there with SIGSTOP, so it cannot finish before the test has acted. A trial that ends before
 * it is seen (a fast machine) is passed over for the worker's next one.
 */
async function freezeAtResumePoint(w: ChildProcess & { log: string[] }, sweep: string, timeoutMs = 90_000): Promise<Frozen> {
  const passed = new Set<number>();
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const started = w.log.map((l) => new RegExp(`^${sweep}/(\\S+) (?:starts|resumes at step \\d+) \\(dojo train pid (\\d+)\\)$`).exec(l)).filter((m) => m !== null);
    const last = started.at(-1);
    if (last !== undefined && !passed.has(Number(last[2]))) {
      const [, trial, pidText] = last;
      const pid = Number(pidText);
      let cwd = '';
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        passed.add(pid); // already ended
      }
      if (cwd !== '' && resumePointOnDisk(path.join(cwd, trial)) > 0) {
        process.kill(pid, 'SIGSTOP');
        // stopped between a checkpoint and its evaluation row: let it run to the next look
        const step = resumePointOnDisk(path.join(cwd, trial));
        if (step > 0 && fs.existsSync(path.join(cwd, trial, 'final.safetensors'))) {
          process.kill(pid, 'SIGCONT');
          passed.add(pid);
        } else if (step > 0) return { trial, pid, cwd, step };
        else process.kill(pid, 'SIGCONT');
      }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no trial of the worker reached a resume point in ${timeoutMs} ms; its log: ${w.log.join(' | ')}`);
}

/** Waits until the job of `trial` on `queue` carries a resume point at `step` or later (the worker reports every 500 ms). */
async function queuedResumePoint(queue: Queue, trial: string, step: number, timeoutMs = 20_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    for (const job of await queue.getActive()) {
      const data = job.data as { trial: string; resume?: { step: number } };
      if (data.trial === trial && (data.resume?.step ?? 0) >= step) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the job of ${trial} never carried the resume point at step ${step}`);
}

/** Starts a redis-server on a free localhost port with its files in the test's folder; returns it and its port. */
function startRedis(extra: string[] = []): Promise<{ server: ChildProcess; port: number }> {
  return startRedisServer(dir, { extra });
}

beforeAll(async () => {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`this test needs Debian's redis-server at ${REDIS_SERVER} (apt-get install -y redis-server; .ci/run installs it)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-redis-'));
  const { server, port } = await startRedis();
  redis = server;
  url = `redis://127.0.0.1:${port}`;
}, 30_000);

// a test that failed leaves no worker or coordinator behind to take the next test's jobs
afterEach(async () => {
  for (const c of coordinators) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const w of workers) await killGroup(w);
});

afterAll(async () => {
  if (redis !== null && redis.exitCode === null) {
    redis.kill('SIGTERM');
    await exited(redis);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('dojo sweep --redis with two dojo worker processes', () => {
  it('finishes every trial once though a worker is killed mid-trial, and the killed trial ends with the uninterrupted weights', async () => {
    const specFile = path.join(dir, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(SPEC));
    const root = path.join(dir, 'sweeps');
    const a = startWorker();
    await waitFor(a, /taking trials from "dojo-trials"/, 'worker A to connect');
    let coordinatorOut = '';
    const startCoordinator = (): ChildProcess => {
      const c = spawn('nice', ['-n', '19', process.execPath, DOJO, 'sweep', specFile, '--redis', url, '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
      coordinators.push(c);
      c.stdout?.on('data', (b: Buffer) => (coordinatorOut += b.toString()));
      c.stderr?.on('data', (b: Buffer) => (coordinatorOut += b.toString()));
      return c;
    };
    const first = startCoordinator();
    const b = startWorker();

    // freeze A's trial at a resume point; once the queue carries it, kill A (its trial is unfinished)
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    const frozen = await freezeAtResumePoint(a, 'kill');
    await queuedResumePoint(queue, frozen.trial, frozen.step);
    // the worker process alone: its dojo train child must notice and end by itself
    process.kill(a.pid as number, 'SIGKILL');
    await exited(a);
    process.kill(frozen.pid, 'SIGCONT');
    const killed = { trial: frozen.trial, step: frozen.step };
    // the killed worker's child ended without training on to the end (its folder, which no one removes now, has no final checkpoint)
    expect(await gone(frozen.pid, 20_000), `dojo train ${frozen.pid} of the killed worker still runs`).toBe(true);
    expect(fs.existsSync(path.join(frozen.cwd, killed.trial, 'metrics.jsonl'))).toBe(true);
    expect(fs.existsSync(path.join(frozen.cwd, killed.trial, 'final.safetensors'))).toBe(false);
    fs.rmSync(frozen.cwd, { recursive: true, force: true });
    // --status reads the queue: every trial not yet recorded has its job's state (running ones: step and worker)
    const status = spawnSync(process.execPath, [DOJO, 'sweep', specFile, '--status', '--redis', url, '--root', root], { encoding: 'utf8', timeout: 60_000 });
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^sweep kill \(.*\): 4 trials; \d done, 0 failed, 0 stopped early, \d not finished\n/);
    const unfinished = status.stdout.split('\n').filter((l) => /^ {2}c\d-s\d /.test(l));
    expect(unfinished.some((l) => l.startsWith(`  ${killed.trial} `)), status.stdout).toBe(true);
    for (const line of unfinished) {
      expect(line).toMatch(/: (running: step \d+ on \S+:\d+|(waiting|active|completed|prioritized) on the queue|finished, not yet recorded)$/);
    }
    // the coordinator dies too; started again, it re-attaches to the jobs on the queue
    first.kill('SIGKILL');
    await exited(first);
    const coordinator = startCoordinator();

    const code = await Promise.race([exited(coordinator), new Promise<string>((r) => setTimeout(() => r('timeout'), 150_000))]);
    expect(code, coordinatorOut).toBe(0);
    b.kill('SIGTERM');
    expect(await exited(b)).toBe(143);
    // recorded jobs leave Redis with the checkpoints they carry
    expect(await queue.getJobCounts('completed', 'failed', 'active', 'waiting')).toEqual({ completed: 0, failed: 0, active: 0, waiting: 0 });
    await queue.close();
    connection.disconnect();
    const sweepDir = path.join(root, 'kill');
    const results = readResults(path.join(sweepDir, 'results.jsonl'));
    const rows = fs.readFileSync(path.join(sweepDir, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(4);
    expect([...results.keys()].sort()).toEqual(['c0-s1', 'c0-s2', 'c1-s1', 'c1-s2']);
    for (const r of results.values()) {
      expect(r.status, r.error).toBe('done');
      const run = path.join(sweepDir, r.trial);
      for (const f of ['config.json', 'metrics.jsonl', 'evaluations.jsonl', 'final.safetensors', 'best.safetensors']) expect(fs.existsSync(path.join(run, f)), `${r.trial}/${f}`).toBe(true);
      const steps = fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { global_step: number }).global_step);
      expect(steps).toEqual(Array.from({ length: 32 }, (_, i) => (i + 1) * 128));
    }
    expect(coordinatorOut.match(/trials on the queue/g)).toHaveLength(2);
    const trial = killed.trial;
    // B resumed from A's resume point (A may have sent a later one in the moment before the kill)
    const resumedAt = b.log.map((l) => new RegExp(`^kill/${trial} resumes at step (\\d+) \\(dojo train pid \\d+\\)$`).exec(l)).find((m) => m !== null);
    expect(resumedAt, b.log.join(' | ')).toBeDefined();
    expect(Number(resumedAt?.[1])).toBeGreaterThanOrEqual(killed.step);

    // the uninterrupted run of the same config, in this process
    const ref = path.join(dir, 'reference');
    await train({ env: 'CartPole-v1', algo: 'ppo', preset: false, config: path.join(sweepDir, 'configs', `${trial}.json`), out: ref, quiet: true, evalEpisodes: '2' }, []);
    expect(tensors(path.join(sweepDir, trial, 'final.safetensors'))).toEqual(tensors(path.join(ref, 'final.safetensors')));
    // the evaluations name the checkpoints where the coordinator put them, as a local run's do
    const evals = fs.readFileSync(path.join(sweepDir, trial, 'evaluations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { global_step: number; checkpoint: string; mean_return: number });
    const refEvals = fs.readFileSync(path.join(ref, 'evaluations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { global_step: number; checkpoint: string; mean_return: number });
    expect(evals.map((e) => e.checkpoint)).toEqual(refEvals.map((e) => e.checkpoint.replace(ref, path.join(sweepDir, trial))));
    expect(evals.map((e) => [e.global_step, e.mean_return])).toEqual(refEvals.map((e) => [e.global_step, e.mean_return]));
    expect(evals).toHaveLength(16);
  }, 300_000);
});

describe('a worker stopped by SIGTERM', () => {
  it('puts its trial back on the queue at once, exits 143, and the next worker resumes it', async () => {
    const spec = { ...SPEC, name: 'term', seeds: [1], search: { kind: 'grid', space: { learningRate: [1e-3] } } };
    const specFile = path.join(dir, 'term.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const root = path.join(dir, 'sweeps');
    const a = startWorker();
    await waitFor(a, /taking trials from/, 'worker A to connect');
    const coordinator = spawn('nice', ['-n', '19', process.execPath, DOJO, 'sweep', specFile, '--redis', url, '--root', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    coordinators.push(coordinator);
    let out = '';
    coordinator.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    coordinator.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    try {
      const frozen = await freezeAtResumePoint(a, 'term');
      await queuedResumePoint(queue, frozen.trial, frozen.step);
      a.kill('SIGTERM');
      expect(await exited(a)).toBe(143);
      // back on the queue before any lock could expire (the lock lasts 1.5 s)
      expect(await queue.getJobCounts('waiting', 'active', 'failed'), a.log.join(' | ')).toEqual({ waiting: 1, active: 0, failed: 0 });
      const b = startWorker();
      expect(await Promise.race([exited(coordinator), new Promise<string>((r) => setTimeout(() => r('timeout'), 120_000))]), out).toBe(0);
      expect(b.log.some((l) => /^term\/c0-s1 resumes at step \d+ \(dojo train pid \d+\)$/.test(l)), b.log.join(' | ')).toBe(true);
      expect(readResults(path.join(root, 'term', 'results.jsonl')).get('c0-s1')?.status).toBe('done');
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 200_000);
});

describe('a coordinator killed between recording a trial and removing its job', () => {
  it('leaves a finished job behind, which the next coordinator removes (it failed CI with completed: 1)', async () => {
    const spec = { ...SPEC, name: 'leftover', seeds: [1], search: { kind: 'grid', space: { learningRate: [1e-3] } } };
    const plan = planSweep(parseSweepSpec(spec), dir);
    const trial = plan.trials[0];
    const sweepDir = path.join(dir, 'leftover-sweep');
    fs.mkdirSync(sweepDir, { recursive: true });
    // a server of its own: the workers of the other tests must not take this job
    const { server, port } = await startRedis();
    const own = `redis://127.0.0.1:${port}`;
    const connection = new Redis(own, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    // the job finished on a worker (processed here by hand) ...
    await queue.add('trial', { trial: trial.id }, { jobId: trialJobId(plan, trial.id), removeOnComplete: false });
    const worker = new Worker(QUEUE_NAME, null, { connection: new Redis(own, { maxRetriesPerRequest: null }) });
    const job = await worker.getNextJob('token');
    await job?.moveToCompleted({}, 'token', false);
    await worker.close();
    // ... and the dead coordinator had recorded it
    appendResult(path.join(sweepDir, 'results.jsonl'), failedResult(trial, path.join(sweepDir, trial.id), 0, 'recorded before the kill'));
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });
    try {
      await runRedisSweep(plan, sweepDir, { url: own, log: () => {} });
      expect(await queue.getJobCounts('completed', 'failed', 'active', 'waiting')).toEqual({ completed: 0, failed: 0, active: 0, waiting: 0 });
    } finally {
      await queue.close();
      connection.disconnect();
      server.kill('SIGKILL');
    }
  }, 60_000);
});

describe('connecting', () => {
  it('takes a password in the URL, and says why when Redis cannot be reached or refuses the password', async () => {
    const { server, port } = await startRedis(['--requirepass', 'sesame']);
    try {
      const plan = planSweep(parseSweepSpec(SPEC), dir);
      expect(await queuedTrials(plan, `redis://:sesame@127.0.0.1:${port}`)).toEqual(new Map());
      await expect(queuedTrials(plan, `redis://:wrong@127.0.0.1:${port}`)).rejects.toThrow(`cannot reach Redis at redis://***@127.0.0.1:${port}: WRONGPASS`);
      await expect(queuedTrials(plan, `redis://127.0.0.1:${port}`)).rejects.toThrow(/: NOAUTH/);
      const nobody = await freePort();
      await expect(queuedTrials(plan, `redis://127.0.0.1:${nobody}`)).rejects.toThrow(`cannot reach Redis at redis://127.0.0.1:${nobody}: connect ECONNREFUSED 127.0.0.1:${nobody}`);
      await expect(queuedTrials(plan, 'http://127.0.0.1:6379')).rejects.toThrow('--redis expects a URL like redis://127.0.0.1:6379 or rediss://:password@host:6380, received "http://127.0.0.1:6379"');
    } finally {
      server.kill('SIGTERM');
      await exited(server);
    }
  });
});
