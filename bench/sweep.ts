/**
 * The sweep queue's load benchmark (issue 25): many tiny trials through Redis with several `dojo worker`
 * processes, to measure what the queue costs per trial and how many trials a second it carries.
 *
 *   npm run bench:sweep [-- --trials 1000] [-- --workers 4] [-- --steps 256]
 *
 * It starts its own redis-server (Debian's, through tests/sweep/redis-server.ts) on a free localhost port with its
 * files in a temporary folder, `--workers` worker processes with one trial at a time each, and the
 * coordinator in this process, on a sweep of one PPO config on Examples/Corridor-v0 (a 50-step debug
 * env) with `--trials` seeds of `--steps` env steps and one evaluation episode. It prints:
 * - the wall time from the first enqueue to the last trial recorded, and trials/s;
 * - the time a trial's `dojo train` child takes (start to exit, measured by the worker: process start,
 *   module loading, training and evaluation), mean and median;
 * - the queue overhead per trial: the time a worker slot spends on a trial outside its child
 *   (workers × wall / trials − mean child time): taking the job, reading and sending the run folder,
 *   progress reports, the coordinator's polling;
 * - how long the coordinator takes to enqueue the trials, and to look over the pending jobs once (at
 *   least 1,000 of them, measured on a queue of dummy jobs after the sweep): with its range reads, and
 *   with one read per job as it did before.
 * With the machine, the commit and the load average, since a shared machine slows the children down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweep } from '../src/cli/sweep-spec.ts';
import { jobStandings, runRedisSweep } from '../src/cli/sweep-redis.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { DOJO, startRedis, waitFor } from '../tests/sweep/redis-server.ts';


function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench sweep: --${name} expects a positive integer, received ${process.argv[i + 1]}`);
  return v;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const trials = flag('trials', 1000);
  const numWorkers = flag('workers', 4);
  const steps = flag('steps', 256);
  const dir = mkdtempSync(join(tmpdir(), 'dojo-bench-sweep-'));
  const children: ChildProcess[] = [];
  try {
    const { server: redis, port } = await startRedis(dir);
    children.push(redis);
    const url = `redis://127.0.0.1:${port}`;
    const specFile = join(dir, 'load.json');
    writeFileSync(specFile, JSON.stringify({
      name: 'load', env: 'Examples/Corridor-v0', algo: 'ppo', base: 'defaults', evalEpisodes: 1,
      config: { totalTimesteps: steps, numEnvs: 1, numSteps: Math.min(128, steps) },
      seeds: Array.from({ length: trials }, (_, i) => i),
    }));
    const plan = loadSweep(specFile);
    for (let i = 0; i < numWorkers; i++) {
      const w = spawn(process.execPath, [DOJO, 'worker', '--redis', url, '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(w);
      await waitFor(w, /taking trials from/, `worker ${i}`);
    }
    const load0 = loadavg()[0];
    console.error(`bench sweep: ${trials} trials of ${steps} steps (PPO, Examples/Corridor-v0) through ${url}, ${numWorkers} workers × 1 trial at a time`);
    let enqueuedAt = 0, recorded = 0;
    const t0 = performance.now();
    const results = await runRedisSweep(plan, join(dir, 'sweeps', 'load'), {
      url,
      log: (line) => {
        if (line.includes(' trials on the queue ')) enqueuedAt = performance.now();
        if (/ (done|failed)( on \S+)?[:(]/.test(line) && ++recorded % 100 === 0) console.error(`  ${recorded}/${trials} recorded, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      },
    });
    const wallS = (performance.now() - t0) / 1000;
    const rows = [...results.values()];
    const failed = rows.filter((r) => r.status !== 'done');
    if (failed.length > 0) throw new Error(`bench sweep: ${failed.length} trials did not finish, e.g. ${failed[0].trial}: ${failed[0].error}`);
    const childS = rows.map((r) => r.wall_s);
    const meanChild = childS.reduce((a, b) => a + b, 0) / childS.length;
    const overheadMs = ((numWorkers * wallS) / trials - meanChild) * 1000;
    // one look over every job, as the coordinator's loop does while all trials are pending
    const { Queue, Job } = await import('bullmq');
    const { Redis } = await import('ioredis');
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('dojo-bench-look', { connection });
    const looked = Math.max(trials, 1000);
    for (let i = 0; i < looked; i++) await queue.add('t', { i }, { jobId: `j${i}` });
    const l0 = performance.now();
    const standings = await jobStandings(queue);
    const lookMs = performance.now() - l0;
    if (standings.size !== looked) throw new Error(`bench sweep: the look saw ${standings.size} of ${looked} jobs`);
    // what the coordinator did before range reads: one job read and one state read per pending trial
    const p0 = performance.now();
    for (let i = 0; i < looked; i++) await (await Job.fromId(queue, `j${i}`))?.getState();
    const perJobMs = performance.now() - p0;
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    console.log([
      `bench:sweep at commit ${commitId()} on ${machine()}, ${availableParallelism()} cores; load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`,
      `${trials} trials, ${numWorkers} workers: ${wallS.toFixed(1)} s from the first enqueue to the last record, ${(trials / wallS).toFixed(2)} trials/s`,
      `a trial's dojo train child: mean ${meanChild.toFixed(2)} s, median ${median(childS).toFixed(2)} s`,
      `queue overhead per trial (a worker slot's time outside its child): ${overheadMs.toFixed(0)} ms`,
      `the coordinator enqueued ${trials} trials in ${((enqueuedAt - t0) / 1000).toFixed(2)} s; one look over ${looked} pending jobs (its loop, every 500 ms) takes ${lookMs.toFixed(0)} ms (range reads; one read per job: ${perJobMs.toFixed(0)} ms)`,
    ].join('\n'));
  } finally {
    for (const c of children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await new Promise((r) => c.once('exit', r));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
