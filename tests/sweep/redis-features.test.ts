/**
 * Sweeps on Redis beyond the basics of redis.test.ts, each on a redis-server of its own that the test
 * starts on a free localhost port in a temporary folder: ASHA early stopping decided by the coordinator
 * and carried out by the worker; run files travelling through a shared `--store` folder instead of
 * Redis; and TLS (`rediss://` with a private CA given by `--redis-ca`).
 *
 * No test races the machine's speed: the ASHA test freezes each trial (SIGSTOP) as soon as its
 * evaluations reach a rung and lets it go on only once the coordinator has judged the rung (and, for a
 * stop, once the worker has signalled the trial), so the decisions do not depend on how fast the trial
 * trains; the store test freezes its trial at a resume point, as redis.test.ts does.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/cli/train.ts';
import { QUEUE_NAME, queuedTrials, runRedisSweep, STOP_PREFIX } from '../../src/cli/sweep-redis.ts';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { readResults } from '../../src/cli/sweep-results.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import { exited, killGroup, lineMatching, startRedis, startWorker, type WorkerProcess } from './redis-server.ts';

const BASE = {
  env: 'CartPole-v1', algo: 'ppo', base: 'defaults', seeds: [1], evalEpisodes: 2,
  config: { totalTimesteps: 4096, numEnvs: 2, numSteps: 64, checkpointFrequency: 1 },
};

let dir = '';
const servers: ChildProcess[] = [];
const workers: WorkerProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-redis-features-'));
});

// a test that failed leaves no worker behind
afterEach(async () => {
  for (const w of workers) await killGroup(w);
});

afterAll(async () => {
  for (const s of servers) {
    if (s.exitCode === null && s.signalCode === null) {
      s.kill('SIGTERM');
      await exited(s);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

async function server(opts: Parameters<typeof startRedis>[1] = {}): Promise<number> {
  const { server: s, port } = await startRedis(dir, opts);
  servers.push(s);
  return port;
}

function worker(args: readonly string[]): WorkerProcess {
  const w = startWorker(args);
  workers.push(w);
  return w;
}

function tensors(file: string): Map<string, number[]> {
  return new Map([...readSafetensorsFile(file).tensors].map(([k, t]) => [k, [...t.data]]));
}

/** The evaluation rows (step, return) of periodic checkpoints a running trial has written in `runDir`. */
function periodicEvaluations(runDir: string): { global_step: number; mean_return: number }[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(runDir, 'evaluations.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as { global_step: number; mean_return: number; checkpoint: string }).filter((e) => !e.checkpoint.endsWith('final.safetensors'));
}

/** The folder a `dojo train` child runs in (its run folder is `<cwd>/<trial>`). */
function cwdOf(pid: number): string {
  return fs.readlinkSync(`/proc/${pid}/cwd`);
}

describe('ASHA on Redis', () => {
  it('the coordinator judges the trials\' evaluations at the rungs and the worker stops the weak ones, as a local sweep would', async () => {
    const port = await server();
    const url = `redis://127.0.0.1:${port}`;
    // the local ASHA test's sweep (tests/sweep/local.test.ts): rungs at 256, 512, 1024, 2048 of 4096 steps
    const spec = { ...BASE, name: 'asha', search: { kind: 'grid', space: { learningRate: [3e-3, 0, 1e-3, 1e-5] } }, scheduler: { kind: 'asha', eta: 2, minSteps: 256 } };
    const plan = planSweep(parseSweepSpec(spec), dir);
    const rungs = [256, 512, 1024, 2048];
    const w = worker(['--redis', url, '--concurrency', '1', '--lock-ms', '5000']);
    const lines: string[] = [];
    const sweepDir = path.join(dir, 'asha-sweep');
    fs.mkdirSync(sweepDir, { recursive: true });
    const done = runRedisSweep(plan, sweepDir, { url, log: (l) => lines.push(l), pollMs: 100 });
    // one worker, one trial at a time, in queue order: freeze each at every rung until the coordinator has judged it
    for (const trial of ['c0-s1', 'c1-s1', 'c2-s1', 'c3-s1']) {
      const pid = Number((await lineMatching(w.log, new RegExp(`^asha/${trial} starts \\(dojo train pid (\\d+)\\)$`), `the worker to start ${trial}`))[1]);
      const runDir = path.join(cwdOf(pid), trial);
      let judged = 0;
      while (!w.log.some((l) => l === `asha/${trial} done` || l === `asha/${trial} stopped`)) {
        if (rungs.filter((r) => periodicEvaluations(runDir).some((e) => e.global_step >= r)).length > judged) {
          process.kill(pid, 'SIGSTOP');
          const reached = rungs.filter((r) => periodicEvaluations(runDir).some((e) => e.global_step >= r)).length;
          const verdict = await lineMatching(lines, new RegExp(`^${trial} (stopped by ASHA at rung \\d|passes ASHA rung ${reached - 1} )`), `the coordinator to judge ${trial} at rung ${reached - 1}`);
          if (verdict[1].startsWith('stopped')) await lineMatching(w.log, new RegExp(`^asha/${trial} stopped by the coordinator: stopped by ASHA`), `the worker to stop ${trial}`);
          judged = reached;
          process.kill(pid, 'SIGCONT');
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const results = await done;
    expect([...results.values()].map((r) => [r.trial, r.status])).toEqual([['c0-s1', 'done'], ['c1-s1', 'stopped'], ['c2-s1', 'stopped'], ['c3-s1', 'stopped']]);
    // the same decisions, with the same numbers, as the local sweep makes
    expect(results.get('c2-s1')?.error).toMatch(/^stopped by ASHA at rung 1 \(step 512, evaluated at 512\): eval return 141\.00 is below the rung's cutoff 248\.50 \(the 0\.50 quantile of 2 trials\)$/);
    for (const id of ['c1-s1', 'c3-s1']) expect(results.get(id)?.error).toMatch(/^stopped by ASHA at rung 0 \(step 256, evaluated at 256\): eval return 9\.00 is below the rung's cutoff 17\.25/);
    expect(lines.some((l) => /^c0-s1 passes ASHA rung 3 \(step 2048, evaluated at 2048\): eval return [\d.]+ reaches the rung's cutoff [\d.]+ \(the 0\.50 quantile of 1 trials\)$/.test(l)), lines.join(' | ')).toBe(true);
    for (const id of ['c1-s1', 'c2-s1', 'c3-s1']) {
      const r = results.get(id);
      expect(r?.steps).toBeLessThan(4096);
      expect(r?.objective).toBeNull();
      // the stopped trial's run folder came back as far as it went
      expect(fs.existsSync(path.join(sweepDir, id, 'metrics.jsonl')), id).toBe(true);
      expect(fs.existsSync(path.join(sweepDir, id, 'final.safetensors')), id).toBe(false);
    }
    expect(fs.existsSync(path.join(sweepDir, 'c0-s1', 'final.safetensors'))).toBe(true);
    // nothing is left on Redis: no job, no stop key
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'active', 'waiting')).toEqual({ completed: 0, failed: 0, active: 0, waiting: 0 });
      expect(await connection.keys(`${STOP_PREFIX}*`)).toEqual([]);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 240_000);
});

describe('--store: run files through a shared folder', () => {
  it('sends resume points and the finished run through the folder, not Redis, and a second worker resumes from it', async () => {
    const port = await server();
    const url = `redis://127.0.0.1:${port}`;
    const store = path.join(dir, 'shared');
    fs.mkdirSync(store);
    const spec = { ...BASE, name: 'store', config: { ...BASE.config, checkpointFrequency: 2 }, search: { kind: 'grid', space: { learningRate: [1e-3] } } };
    const plan = planSweep(parseSweepSpec(spec), dir);
    const sweepDir = path.join(dir, 'store-sweep');
    fs.mkdirSync(sweepDir, { recursive: true });
    const a = worker(['--redis', url, '--concurrency', '1', '--store', store]);
    const done = runRedisSweep(plan, sweepDir, { url, store, log: () => {}, pollMs: 100 });
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUE_NAME, { connection });
    try {
      const pid = Number((await lineMatching(a.log, /^store\/c0-s1 starts \(dojo train pid (\d+)\)$/, 'worker A to start the trial'))[1]);
      const runDir = path.join(cwdOf(pid), 'c0-s1');
      // freeze the trial once it has an evaluated checkpoint and the job names it as its resume point
      let step = 0;
      for (const deadline = Date.now() + 90_000; step === 0 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
        const evaluated = periodicEvaluations(runDir).map((e) => e.global_step).filter((s) => fs.existsSync(path.join(runDir, 'checkpoints', `step-${s}.safetensors`)));
        if (evaluated.length === 0) continue;
        process.kill(pid, 'SIGSTOP');
        if (fs.existsSync(path.join(runDir, 'final.safetensors'))) throw new Error('the trial finished before a resume point was seen');
        step = Math.max(...evaluated);
      }
      let data: { resume?: { step: number; files: Record<string, string> } } = {};
      for (const deadline = Date.now() + 20_000; (data.resume?.step ?? 0) < step && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        data = ((await queue.getActive())[0]?.data ?? {}) as typeof data;
      }
      expect(data.resume?.step, 'the job names the resume point').toBeGreaterThanOrEqual(step);
      // the job carries no file; the store holds the checkpoint and the logs
      expect(data.resume?.files).toEqual({});
      const stored = path.join(store, 'store', 'c0-s1');
      // the worker writes the new checkpoint, names it in the job, then removes the one before: wait for the last step
      const inStore = (): string[] => fs.readdirSync(path.join(stored, 'checkpoints'));
      for (const deadline = Date.now() + 20_000; inStore().length > 1 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
      expect(inStore()).toEqual([`step-${data.resume?.step}.safetensors`]);
      for (const f of ['config.json', 'metrics.jsonl', 'evaluations.jsonl']) expect(fs.existsSync(path.join(stored, f)), f).toBe(true);
      a.kill('SIGTERM');
      expect(await exited(a)).toBe(143);
      const b = worker(['--redis', url, '--concurrency', '1', '--store', store]);
      const results = await done;
      expect(results.get('c0-s1')?.status, results.get('c0-s1')?.error).toBe('done');
      expect(Number((await lineMatching(b.log, /^store\/c0-s1 resumes at step (\d+) \(dojo train pid \d+\)$/, 'worker B to resume the trial'))[1])).toBe(data.resume?.step);
      // the coordinator took the run folder from the store and cleared it
      expect(fs.existsSync(stored)).toBe(false);
      const ref = path.join(dir, 'store-reference');
      await train({ env: 'CartPole-v1', algo: 'ppo', preset: false, config: path.join(sweepDir, 'configs', 'c0-s1.json'), out: ref, quiet: true, evalEpisodes: '2' }, []);
      expect(tensors(path.join(sweepDir, 'c0-s1', 'final.safetensors'))).toEqual(tensors(path.join(ref, 'final.safetensors')));
      const steps = fs.readFileSync(path.join(sweepDir, 'c0-s1', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { global_step: number }).global_step);
      expect(steps).toEqual(Array.from({ length: 32 }, (_, i) => (i + 1) * 128));
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 240_000);
});

/** Debian's openssl, which makes the TLS test's throwaway certificates. */
const OPENSSL = '/usr/bin/openssl';

describe('TLS', () => {
  /** A throwaway CA and a server certificate for 127.0.0.1 that it signed, in `certs`; null when openssl is missing. */
  function makeCertificates(certs: string): { ca: string; cert: string; key: string } | null {
    const openssl = (...args: string[]): void => {
      const r = spawnSync(OPENSSL, args, { cwd: certs, encoding: 'utf8' });
      if (r.error !== undefined) throw r.error;
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
    };
    if (!fs.existsSync(OPENSSL)) return null;
    fs.mkdirSync(certs, { recursive: true });
    fs.writeFileSync(path.join(certs, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('req', '-x509', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=dojo test CA');
    openssl('req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'san.cnf');
    return { ca: path.join(certs, 'ca.pem'), cert: path.join(certs, 'server.pem'), key: path.join(certs, 'server.key') };
  }

  const hasOpenssl = fs.existsSync(OPENSSL);

  it.skipIf(!hasOpenssl)(`a coordinator and a worker run a sweep over rediss:// with --redis-ca, and a server certificate that does not verify is refused${hasOpenssl ? '' : ` (skipped: no openssl at ${OPENSSL} (apt-get install -y openssl), so the test cannot make a certificate)`}`, async () => {
    const certs = makeCertificates(path.join(dir, 'certs'));
    if (certs === null) throw new Error('openssl went missing');
    const port = await server({ tls: certs });
    const url = `rediss://127.0.0.1:${port}`;
    const spec = { ...BASE, name: 'tls', config: { ...BASE.config, totalTimesteps: 256 }, search: { kind: 'grid', space: { learningRate: [1e-3] } } };
    const plan = planSweep(parseSweepSpec(spec), dir);
    // the system's CAs do not know the test's CA; a plain client cannot talk to the TLS port
    await expect(queuedTrials(plan, url)).rejects.toThrow(new RegExp(`^cannot reach Redis at rediss://127\\.0\\.0\\.1:${port}: .*(self-signed|self signed|unable to (get|verify))`));
    await expect(queuedTrials(plan, `redis://127.0.0.1:${port}`, certs.ca)).rejects.toThrow(`--redis-ca ${certs.ca} verifies a TLS server, and redis://127.0.0.1:${port} is not TLS; use a rediss:// URL`);
    await expect(queuedTrials(plan, url, path.join(dir, 'nope.pem'))).rejects.toThrow(`--redis-ca: no certificate file at ${path.join(dir, 'nope.pem')}`);
    const w = worker(['--redis', url, '--redis-ca', certs.ca, '--concurrency', '1']);
    await lineMatching(w.log, /taking trials from "dojo-trials" at rediss:\/\/127\.0\.0\.1:\d+/, 'the worker to connect over TLS');
    const sweepDir = path.join(dir, 'tls-sweep');
    fs.mkdirSync(sweepDir, { recursive: true });
    const results = await runRedisSweep(plan, sweepDir, { url, caFile: certs.ca, log: () => {}, pollMs: 100 });
    expect(results.get('c0-s1')?.status, results.get('c0-s1')?.error).toBe('done');
    expect(fs.existsSync(path.join(sweepDir, 'c0-s1', 'final.safetensors'))).toBe(true);
    expect(readResults(path.join(sweepDir, 'results.jsonl')).size).toBe(1);
  }, 120_000);
});
