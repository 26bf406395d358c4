import { afterEach, describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import type { Info } from '../../../src/gym/env.ts';
import { makeSyncVec, makeVec, register, registryModules, unregister, type MakeOptions } from '../../../src/gym/registry.ts';
import { DebugEnv } from '../../../src/gym/debug-env.ts';
import { spawnNodeWorker } from '../../../src/gym/vector/node-worker.ts';
import { sampleActions, VectorEnvError, type VectorEnv, type VectorStepResult, type WorkerHandle } from '../../../src/gym/vector/vector-env.ts';
import { WorkerVectorEnv } from '../../../src/gym/vector/worker-vector-env.ts';
import { recordVectorEpisodeStatistics } from '../../../src/gym/vector/record-episode-statistics.ts';
import './info-env-fixture.ts';
import { GATE_HELD, GATE_OPEN } from './gate-env-fixture.ts';

const open: VectorEnv[] = [];
async function track<V extends VectorEnv>(vec: Promise<V>): Promise<V> {
  const v = await vec;
  open.push(v);
  return v;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close()));
  unregister('Test/MainOnly-v0');
});

/** Steps a worker vector env and the in-process one side by side and expects identical results. */
async function expectSameAsSync(id: string, numEnvs: number, opts: MakeOptions, workerOpts: { sharedMemory: boolean }, steps = 40): Promise<{ finished: number; workers: VectorEnv }> {
  const workers = await track(makeVec(id, numEnvs, { workers: 2, ...opts, ...workerOpts }));
  const sync = makeSyncVec(id, numEnvs, opts);
  expect((workers as WorkerVectorEnv).sharedSteps).toBe(workerOpts.sharedMemory);
  expect([workers.obsDim, workers.actionDim]).toEqual([sync.obsDim, sync.actionDim]);
  const rw = await workers.reset({ seed: 3 });
  const rs = sync.resetSync({ seed: 3 });
  expect(plain(rw)).toEqual(plain(rs));
  let masks = rs.masks;
  let finished = 0;
  for (let t = 0; t < steps; t++) {
    if (t === steps >> 1) {
      // a reset in the middle of a run (a message while the workers serve shared steps)
      const a = await workers.reset({ seed: 11 });
      const b = sync.resetSync({ seed: 11 });
      expect(plain(a)).toEqual(plain(b));
      masks = b.masks;
    }
    const actions = sampleActions(sync.singleActionSpace, numEnvs, sync.actionRng, masks);
    const w = await workers.step(actions);
    const s = sync.stepSync(actions);
    expect(plain(w)).toEqual(plain(s));
    masks = s.masks;
    finished += w.finalObs.filter((f) => f !== null).length;
  }
  return { finished, workers };
}

/** The results of consecutive groups of copies as one step result of all of them. */
function joined(parts: VectorStepResult[]): VectorStepResult {
  const counts = parts.map((p) => p.rewards.length);
  const n = counts.reduce((a, b) => a + b, 0);
  const d = parts[0].obs.length / counts[0];
  const width = parts.map((p, k) => (p.masks === undefined ? 0 : p.masks.length / counts[k])).find((w) => w > 0);
  const out: VectorStepResult = {
    obs: new Float32Array(n * d), rewards: new Float64Array(n), terminated: new Uint8Array(n), truncated: new Uint8Array(n),
    infos: parts.flatMap((p) => p.infos), finalObs: parts.flatMap((p) => p.finalObs), finalInfos: parts.flatMap((p) => p.finalInfos),
  };
  if (width !== undefined) out.masks = new Uint8Array(n * width);
  let at = 0;
  parts.forEach((p, k) => {
    out.obs.set(p.obs, at * d);
    out.rewards.set(p.rewards, at);
    out.terminated.set(p.terminated, at);
    out.truncated.set(p.truncated, at);
    if (p.masks !== undefined && out.masks !== undefined) out.masks.set(p.masks, at * (width as number));
    at += counts[k];
  });
  return out;
}

/** A step or reset result with typed arrays as plain arrays, and episode times (wall clock) left out. */
function plain(r: Partial<VectorStepResult> & { obs: Float32Array; infos: Info[] }): unknown {
  const untimed = (info: Info | null): unknown => (info !== null && typeof info.episode === 'object' ? { ...info, episode: { ...info.episode, t: 'wall clock' } } : info);
  return {
    ...r,
    infos: r.infos.map(untimed),
    finalInfos: r.finalInfos?.map(untimed),
    obs: Array.from(r.obs),
    rewards: r.rewards && Array.from(r.rewards),
    terminated: r.terminated && Array.from(r.terminated),
    truncated: r.truncated && Array.from(r.truncated),
    masks: r.masks && Array.from(r.masks),
    finalObs: r.finalObs?.map((f) => (f === null ? null : Array.from(f))),
  };
}

describe.each([
  { transport: 'shared memory', sharedMemory: true },
  { transport: 'messages', sharedMemory: false },
])('WorkerVectorEnv ($transport)', ({ sharedMemory }) => {
  it('gives the same results as SyncVectorEnv: autoresets, truncation, box actions, resets mid-run', async () => {
    for (const [id, opts] of [
      ['CartPole-v1', { maxEpisodeSteps: 12 }],
      ['Pendulum-v1', { maxEpisodeSteps: 9 }],
    ] as const) {
      const { finished } = await expectSameAsSync(id, 5, opts, { sharedMemory });
      expect(finished).toBeGreaterThan(5);
    }
  });

  it('gives the same infos, final infos and masks as SyncVectorEnv, whatever they hold', async () => {
    // Catch: JSON infos every step, episode statistics in the final infos; TicTacToe: masks every step;
    // InfoEnv: typed arrays, NaN, undefined, large infos, and masks from only some copies.
    await expectSameAsSync('Catch-v0', 4, { recordEpisodeStatistics: true }, { sharedMemory }, 30);
    await expectSameAsSync('TicTacToe-v0', 4, {}, { sharedMemory }, 20);
    const { finished } = await expectSameAsSync('Test/InfoEnv-v0', 5, {}, { sharedMemory }, 30);
    expect(finished).toBeGreaterThan(5);
  });

  it('steps each worker\'s group on its own, staggered as a pipelined rollout does, with the results and episodes of SyncVectorEnv', async () => {
    const workers = recordVectorEpisodeStatistics(await track(makeVec('Test/InfoEnv-v0', 5, { workers: 2, sharedMemory })));
    const sync = recordVectorEpisodeStatistics(makeSyncVec('Test/InfoEnv-v0', 5));
    expect(workers.groups).toEqual([{ first: 0, count: 2 }, { first: 2, count: 3 }]);
    expect(sync.groups).toEqual([{ first: 0, count: 5 }]);
    expect(plain(await workers.reset({ seed: 7 }))).toEqual(plain(await sync.reset({ seed: 7 })));
    const actions = (t: number, first: number, count: number): number[] => Array.from({ length: count }, (_, j) => (t + first + j) % 3);
    const steps = 30;
    workers.groups.forEach((g, k) => workers.stepAsync(k, actions(0, g.first, g.count)));
    let episodes = 0;
    for (let t = 0; t < steps; t++) {
      // group 0's step t + 1 starts before group 1's step t is read
      const parts = [];
      for (const [k, g] of workers.groups.entries()) {
        parts.push(await workers.stepWait(k));
        if (t + 1 < steps) workers.stepAsync(k, actions(t + 1, g.first, g.count));
      }
      const { episodes: finished, ...whole } = await sync.step(actions(t, 0, 5));
      expect(plain(joined(parts))).toEqual(plain(whole));
      expect(parts.flatMap((p) => p.episodes)).toEqual(finished);
      episodes += finished.length;
    }
    expect(episodes).toBeGreaterThan(10);
    // whole steps again, after group steps
    expect(plain(await workers.step(actions(0, 0, 5)))).toEqual(plain(await sync.step(actions(0, 0, 5))));
    expect(Array.from(workers.episodeLengths)).toEqual(Array.from(sync.episodeLengths));
  });

  it('lets one worker\'s group step while another\'s is held in the middle of its step', async () => {
    const gate = new Int32Array(new SharedArrayBuffer(8));
    const vec = await track(makeVec('Test/GateEnv-v0', 4, { workers: 2, sharedMemory, kwargs: { gate: gate.buffer, heldSeed: 100 } }));
    await vec.reset({ seed: 100 }); // copy 0 (on worker 0) holds every step of its own until the gate opens
    vec.stepAsync(0, [1, 1]);
    expect(Atomics.wait(gate, GATE_HELD, 0, 30_000)).not.toBe('timed-out'); // worker 0 is inside copy 0's step
    for (let t = 1; t <= 3; t++) {
      vec.stepAsync(1, [1, 0]);
      expect(Array.from((await vec.stepWait(1)).obs)).toEqual([102, t, 103, t]);
    }
    expect([Atomics.load(gate, GATE_OPEN), Atomics.load(gate, GATE_HELD)]).toEqual([0, 1]); // group 0 still held
    Atomics.store(gate, GATE_OPEN, 1);
    Atomics.notify(gate, GATE_OPEN);
    const held = await vec.stepWait(0);
    expect(Array.from(held.obs)).toEqual([100, 1, 101, 1]);
    expect(Array.from(held.rewards)).toEqual([1, 1]);
  });

  it('refuses group steps it cannot take, saying which group and why; a failing copy rejects its group\'s step', async () => {
    const vec = await track(makeVec('Debug/SlowEnv-v0', 3, { workers: 2, sharedMemory, kwargs: { failOnSeed: 101, failAtStep: 2 } }));
    expect(vec.groups).toEqual([{ first: 0, count: 1 }, { first: 1, count: 2 }]);
    await vec.reset({ seed: 100 });
    expect(() => vec.stepAsync(2, [0, 0])).toThrow(/group must be an integer from 0 to 1 \(one per block of copies that steps on its own\), received 2/);
    expect(() => vec.stepAsync(1, [0])).toThrow(/group 1 \(copies 1–2\) expected 2 action numbers \(2 copies × 1\), received 1/);
    await expect(vec.stepWait(0)).rejects.toThrow(/group 0 has no step in flight: call stepAsync\(0, actions\) first/);
    vec.stepAsync(1, [1, 1]);
    expect(() => vec.stepAsync(1, [1, 1])).toThrow(/worker 1 is busy/);
    await expect(vec.step([1, 1, 1])).rejects.toThrow(/worker 1 is busy/);
    await expect(vec.reset()).rejects.toThrow(/worker 1 is busy/);
    expect((await vec.stepWait(1)).rewards).toEqual(Float64Array.of(1, 1));
    vec.stepAsync(0, [1]);
    vec.stepAsync(1, [1, 1]);
    const err = await vec.stepWait(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorEnvError);
    expect((err as VectorEnvError).copyIndex).toBe(1);
    expect((err as Error).message).toMatch(/copy 1: .*injected failure at step 2 \[in worker 1\]/);
    expect((await vec.stepWait(0)).rewards).toEqual(Float64Array.of(1));
    expect(() => vec.stepAsync(0, [1])).toThrow(err as Error);
  });

  it('returns fresh arrays each step (not views on shared memory), and keeps stepping after idle gaps', async () => {
    const vec = await track(makeVec('CartPole-v1', 4, { workers: 2, sharedMemory }));
    await vec.reset({ seed: 0 });
    const first = await vec.step([0, 1, 0, 1]);
    const kept = Array.from(first.obs);
    expect(first.obs.buffer).toBeInstanceOf(ArrayBuffer);
    for (let t = 0; t < 3; t++) {
      await new Promise((resolve) => setTimeout(resolve, 30)); // long enough for the workers to go idle
      const r = await vec.step([1, 0, 1, 0]);
      expect(r.obs).not.toBe(first.obs);
    }
    expect(Array.from(first.obs)).toEqual(kept);
  });

  it('rejects with the copy index when an env throws mid-run, then closes cleanly', async () => {
    const vec = await track(makeVec('Debug/SlowEnv-v0', 6, { workers: 2, sharedMemory, kwargs: { stepWork: 10, failOnSeed: 104, failAtStep: 5 } }));
    await vec.reset({ seed: 100 });
    for (let t = 0; t < 4; t++) await vec.step([1, 0, 1, 0, 1, 0]);
    const err = await vec.step([1, 0, 1, 0, 1, 0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorEnvError);
    expect((err as VectorEnvError).copyIndex).toBe(4);
    expect((err as Error).message).toMatch(/copy 4: .*injected failure at step 5 \[in worker 1\]/);
    await expect(vec.reset({ seed: 0 })).rejects.toBe(err);
    await vec.close();
  });

  it('close() during a step settles the step and stops the workers; close() after steps too', async () => {
    const vec = await track(makeVec('Debug/SlowEnv-v0', 4, { workers: 2, sharedMemory, kwargs: { stepCostUs: 20_000 } }));
    await vec.reset({ seed: 0 });
    await vec.step([0, 1, 0, 1]);
    const inFlight = vec.step([0, 1, 0, 1]).then(
      () => 'fulfilled',
      (e: unknown) => e,
    );
    await vec.close();
    const settled = await inFlight;
    if (settled !== 'fulfilled') expect((settled as Error).message).toMatch(/closed/);
    await expect(vec.step([0, 1, 0, 1])).rejects.toThrow(/closed/);

    const after = await makeVec('CartPole-v1', 2, { workers: 2, sharedMemory });
    await after.reset({ seed: 0 });
    await after.step([0, 1]);
    await after.close();
    await expect(after.step([0, 1])).rejects.toThrow(/closed/);
  });
});

describe('WorkerVectorEnv', () => {
  it('uses shared memory by default in Node, and every way of waiting for replies gives the same numbers', async () => {
    const results: number[][] = [];
    const ways = [
      { replyWait: 'block', workers: 2 },
      { replyWait: 'spin', workers: 2 },
      { replyWait: 'async', workers: 2 },
      { replyWait: 'block', workers: 2, workerSpinMs: 0 }, // every worker sleeps between steps
      { replyWait: 'block', workers: 3, workerSpinMs: 50 }, // two poll, the last of three wakes the main thread
    ] as const;
    for (const way of ways) {
      const vec = await track(WorkerVectorEnv.create({ envId: 'Test/InfoEnv-v0', numEnvs: 4, makeOptions: {}, spawn: spawnNodeWorker, modules: registryModules(), ...way }));
      expect(vec.sharedSteps).toBe(true);
      await vec.reset({ seed: 5 });
      const rewards: number[] = [];
      for (let t = 0; t < 12; t++) rewards.push(...(await vec.step([t % 3, 2, 1, 0])).rewards);
      results.push(rewards);
    }
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });

  it('without groupSteps is one group of every copy, whose stepAsync is a whole step (as the page\'s env workers are made)', async () => {
    const one = await track(WorkerVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 4, workers: 2, makeOptions: {}, spawn: spawnNodeWorker, modules: registryModules() }));
    const sync = makeSyncVec('CartPole-v1', 4);
    expect(one.groups).toEqual([{ first: 0, count: 4 }]);
    expect(plain(await one.reset({ seed: 2 }))).toEqual(plain(sync.resetSync({ seed: 2 })));
    for (let t = 0; t < 10; t++) {
      const actions = [t % 2, 1, 0, (t >> 1) % 2];
      one.stepAsync(0, actions);
      expect(plain(await one.stepWait(0))).toEqual(plain(sync.stepSync(actions)));
    }
    one.stepAsync(0, [0, 0, 0, 0]);
    expect(() => one.stepAsync(0, [0, 0, 0, 0])).toThrow(/worker 0 is busy/);
    await expect(one.step([0, 0, 0, 0])).rejects.toThrow(/worker 0 is busy/);
    await one.stepWait(0);
    await expect(one.stepWait(0)).rejects.toThrow(/group 0 has no step in flight/);
  });

  it('wakes the blocked main thread once the last worker is done (replies never wait for the event loop)', async () => {
    // A worker that failed to count itself, or a last worker that failed to notify, leaves the main thread
    // blocked for BLOCK_MS (20 ms) and then `lateSteps` counts the step; CartPole steps take microseconds.
    for (const workers of [2, 3]) {
      const vec = await track(WorkerVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 6, workers, makeOptions: {}, spawn: spawnNodeWorker, modules: registryModules(), replyWait: 'block' }));
      await vec.reset({ seed: 0 });
      const steps = 60;
      for (let t = 0; t < steps; t++) await vec.step([0, 1, 0, 1, 1, 0]);
      expect(vec.lateSteps).toBeLessThan(steps / 4); // a loaded machine may deschedule a worker now and then
    }
    await expect(WorkerVectorEnv.create({ envId: 'CartPole-v1', numEnvs: 2, workers: 2, makeOptions: {}, spawn: spawnNodeWorker, modules: registryModules(), workerSpinMs: -1 })).rejects.toThrow(
      /workerSpinMs must be ≥ 0, received -1/,
    );
  });

  it('rejects with an error naming the copy index when an env throws in a worker', async () => {
    const vec = await track(makeVec('Debug/SlowEnv-v0', 4, { workers: 2, kwargs: { stepWork: 0, failOnSeed: 102, failAtStep: 2 } }));
    await vec.reset({ seed: 100 });
    await vec.step([1, 1, 1, 1]);
    const err = await vec.step([1, 1, 1, 1]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VectorEnvError);
    expect((err as VectorEnvError).copyIndex).toBe(2);
    expect((err as Error).message).toMatch(/Debug\/SlowEnv-v0: copy 2: .*injected failure at step 2 \[in worker 1\]/);
    await expect(vec.step([1, 1, 1, 1])).rejects.toBe(err);
    await vec.close();
  });

  it('names the copy for a bad action, and checks the batch length before sending', async () => {
    const vec = await track(makeVec('CartPole-v1', 3, { workers: 2 }));
    await vec.reset({ seed: 0 });
    await expect(vec.step([0, 1])).rejects.toThrow(/expected 3 action numbers/);
    await expect(vec.step([0, 1, 7])).rejects.toThrow(/copy 2: EnvError: CartPole-v1: action 7 is not in the action space Discrete\(2\)/);
  });

  it('rejects instead of hanging when a worker thread dies', async () => {
    const vec = await track(makeVec('Debug/SlowEnv-v0', 2, { workers: 2, kwargs: { stepWork: 0, crashAtStep: 2 } }));
    await vec.reset({ seed: 0 });
    let error: unknown = null;
    for (let t = 0; t < 20 && error === null; t++) {
      error = await vec.step([0, 0]).then(
        () => null,
        (e: unknown) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(error).toBeInstanceOf(VectorEnvError);
    expect((error as Error).message).toMatch(/worker \d \(copies \d–\d\) failed: .*injected crash|worker \d \(copies \d–\d\) failed/);
  });

  it('close() stops every worker, is idempotent, and later calls reject', async () => {
    const handles: { terminated: boolean }[] = [];
    const spawn = (i: number): WorkerHandle => {
      const h = spawnNodeWorker(i);
      const rec = { terminated: false };
      handles.push(rec);
      return {
        ...h,
        terminate: async () => {
          rec.terminated = true;
          await h.terminate();
        },
      };
    };
    const vec = await makeVec('MountainCar-v0', 4, { workers: 2, spawn });
    await vec.reset({ seed: 0 });
    await vec.close();
    await vec.close();
    expect(handles.map((h) => h.terminated)).toEqual([true, true]);
    await expect(vec.step([0, 0, 0, 0])).rejects.toThrow(/closed/);
  });

  it('fails clearly for envs the workers cannot build, and for bad worker counts', async () => {
    register({ id: 'Test/MainOnly-v0', factory: (kwargs, spec) => new DebugEnv(kwargs, spec) });
    await expect(makeVec('Test/MainOnly-v0', 2, { workers: 1 })).rejects.toThrow(/copy 0: ConfigError: Environment "Test\/MainOnly-v0" is not registered/);
    await expect(makeVec('CartPole-v1', 1, { workers: 2 })).rejects.toThrow(ConfigError);
    await expect(makeVec('CartPole-v1', 2, { workers: -1 })).rejects.toThrow(/non-negative integer/);
    await expect(makeVec('Nope-v1', 2, { workers: 1 })).rejects.toThrow(/not registered/);
  });
});
