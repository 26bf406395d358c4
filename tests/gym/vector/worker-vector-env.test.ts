import { afterEach, describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { makeSyncVec, makeVec, register, unregister } from '../../../src/gym/registry.ts';
import { DebugEnv } from '../../../src/gym/debug-env.ts';
import { spawnNodeWorker } from '../../../src/gym/vector/node-worker.ts';
import { sampleActions, VectorEnvError, type VectorEnv, type WorkerHandle } from '../../../src/gym/vector/vector-env.ts';

const open: VectorEnv[] = [];
async function track(vec: Promise<VectorEnv>): Promise<VectorEnv> {
  const v = await vec;
  open.push(v);
  return v;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close()));
  unregister('Test/MainOnly-v0');
});

describe('WorkerVectorEnv', () => {
  it('gives bit-identical results to SyncVectorEnv, autoresets and truncation included', async () => {
    for (const [id, opts] of [
      ['CartPole-v1', { maxEpisodeSteps: 12 }],
      ['Pendulum-v1', { maxEpisodeSteps: 9 }],
    ] as const) {
      const workers = await track(makeVec(id, 5, { workers: 2, ...opts }));
      const sync = makeSyncVec(id, 5, opts);
      expect([workers.obsDim, workers.actionDim]).toEqual([sync.obsDim, sync.actionDim]);
      const rw = await workers.reset({ seed: 3 });
      const rs = sync.resetSync({ seed: 3 });
      expect(Array.from(rw.obs)).toEqual(Array.from(rs.obs));
      const rng = new Rng(1);
      let finished = 0;
      for (let t = 0; t < 40; t++) {
        const actions = sampleActions(sync.singleActionSpace, 5, rng);
        const w = await workers.step(actions);
        const s = sync.stepSync(actions);
        expect(Array.from(w.obs)).toEqual(Array.from(s.obs));
        expect(Array.from(w.rewards)).toEqual(Array.from(s.rewards));
        expect(Array.from(w.terminated)).toEqual(Array.from(s.terminated));
        expect(Array.from(w.truncated)).toEqual(Array.from(s.truncated));
        expect(w.finalObs.map((f) => (f === null ? null : Array.from(f)))).toEqual(s.finalObs.map((f) => (f === null ? null : Array.from(f))));
        expect(w.infos).toEqual(s.infos);
        expect(w.finalInfos).toEqual(s.finalInfos);
        finished += w.finalObs.filter((f) => f !== null).length;
      }
      expect(finished).toBeGreaterThan(5);
    }
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
