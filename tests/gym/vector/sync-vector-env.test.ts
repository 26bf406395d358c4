import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { bareSpec, type Action, type Env, type Observation } from '../../../src/gym/env.ts';
import { make, makeSyncVec } from '../../../src/gym/registry.ts';
import { box, dict, discrete, flatten } from '../../../src/gym/spaces.ts';
import { SyncVectorEnv } from '../../../src/gym/vector/sync-vector-env.ts';
import { sampleActions, VectorEnvError } from '../../../src/gym/vector/vector-env.ts';
import { CounterEnv } from '../wrappers/counter-env.ts';

describe('SyncVectorEnv', () => {
  it('is one group: stepAsync(0) then stepWait(0) is stepSync, and misuse names the group', async () => {
    const grouped = makeSyncVec('CartPole-v1', 3), whole = makeSyncVec('CartPole-v1', 3);
    expect(grouped.groups).toEqual([{ first: 0, count: 3 }]);
    grouped.resetSync({ seed: 4 });
    whole.resetSync({ seed: 4 });
    for (let t = 0; t < 30; t++) {
      grouped.stepAsync(0, [t % 2, 1, 0]);
      expect(await grouped.stepWait(0)).toEqual(whole.stepSync([t % 2, 1, 0]));
    }
    expect(() => grouped.stepAsync(1, [0, 0, 0])).toThrow(/group must be an integer from 0 to 0 .*received 1/);
    expect(() => grouped.stepAsync(0, [0])).toThrow(/group 0 \(copies 0–2\) expected 3 action numbers \(3 copies × 1\), received 1/);
    await expect(grouped.stepWait(0)).rejects.toThrow(/group 0 has no step in flight/);
    grouped.stepAsync(0, [0, 0, 7]); // a bad action: its error comes with the result
    expect(() => grouped.stepAsync(0, [0, 0, 0])).toThrow(/group 0 is busy: await stepWait\(0\)/);
    await expect(grouped.stepWait(0)).rejects.toThrow(/copy 2: EnvError: CartPole-v1: action 7 is not in the action space/);
  });

  it('lays out copies contiguously and seeds copy i with seed + i', () => {
    const vec = makeSyncVec('CartPole-v1', 3);
    expect([vec.obsDim, vec.actionDim]).toEqual([4, 1]);
    const { obs, infos } = vec.resetSync({ seed: 10 });
    expect(obs.length).toBe(12);
    expect(infos).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const single = make<Float32Array, number>('CartPole-v1').reset({ seed: 10 + i }).obs;
      expect(Array.from(obs.subarray(4 * i, 4 * i + 4))).toEqual(Array.from(single));
    }
    const listed = vec.resetSync({ seed: [5, 6, 7] });
    expect(Array.from(listed.obs.subarray(0, 4))).toEqual(Array.from(make<Float32Array, number>('CartPole-v1').reset({ seed: 5 }).obs));
    expect(() => vec.resetSync({ seed: [1, 2] })).toThrow(/one per copy/);
  });

  it('autoresets in the same step: obs is the reset observation, finalObs/finalInfos the last ones', () => {
    const vec = new SyncVectorEnv([new CounterEnv({ length: 2 }), new CounterEnv({ length: 3 })] as Env<Observation, Action>[]);
    vec.resetSync();
    const s1 = vec.stepSync([1, 2]);
    expect(Array.from(s1.obs)).toEqual([1, 1, 1, 2]);
    expect(s1.finalObs).toEqual([null, null]);
    const s2 = vec.stepSync([0, 0]);
    expect(Array.from(s2.terminated)).toEqual([1, 0]);
    expect(Array.from(s2.rewards)).toEqual([2, 2]);
    expect(Array.from(s2.obs.subarray(0, 2))).toEqual([0, 0]);
    expect(Array.from(s2.finalObs[0] as Float32Array)).toEqual([2, 0]);
    expect(s2.finalInfos[0]).toEqual({ t: 2 });
    expect(s2.infos[0]).toEqual({ reset: true });
    expect(s2.finalObs[1]).toBeNull();
    const s3 = vec.stepSync([0, 0]);
    expect(Array.from(s3.terminated)).toEqual([0, 1]);
    expect(Array.from(s3.obs)).toEqual([1, 0, 0, 0]);
  });

  it('matches stepping the copies by hand, truncation included', () => {
    const n = 4;
    const vec = makeSyncVec('CartPole-v1', n, { maxEpisodeSteps: 15 });
    const envs = Array.from({ length: n }, () => make<Float32Array, number>('CartPole-v1', { maxEpisodeSteps: 15 }));
    let vr = vec.resetSync({ seed: 0 });
    envs.forEach((e, i) => expect(Array.from(e.reset({ seed: i }).obs)).toEqual(Array.from(vr.obs.subarray(4 * i, 4 * i + 4))));
    const rng = new Rng(9);
    let truncations = 0;
    for (let t = 0; t < 60; t++) {
      const actions = sampleActions(vec.singleActionSpace, n, rng);
      const step = vec.stepSync(actions);
      envs.forEach((e, i) => {
        const r = e.step(actions[i]);
        expect(step.rewards[i]).toBe(r.reward);
        expect(step.terminated[i]).toBe(r.terminated ? 1 : 0);
        expect(step.truncated[i]).toBe(r.truncated ? 1 : 0);
        let obs = r.obs;
        if (r.terminated || r.truncated) {
          expect(Array.from(step.finalObs[i] as Float32Array)).toEqual(Array.from(r.obs));
          obs = e.reset().obs;
          truncations += r.truncated ? 1 : 0;
        }
        expect(Array.from(step.obs.subarray(4 * i, 4 * i + 4))).toEqual(Array.from(obs));
      });
      vr = { obs: step.obs, infos: step.infos };
    }
    expect(truncations).toBeGreaterThan(0);
  });

  it('is deterministic given seeds, and actionRng follows the reset seed', () => {
    const run = (): string => {
      const vec = makeSyncVec('Pendulum-v1', 3);
      vec.resetSync({ seed: 4 });
      const out: number[] = [];
      for (let t = 0; t < 50; t++) {
        const s = vec.stepSync(sampleActions(vec.singleActionSpace, 3, vec.actionRng));
        out.push(...s.obs, ...s.rewards);
      }
      return JSON.stringify(out);
    };
    expect(run()).toBe(run());
  });

  it('batches masks and flattens discrete observations one-hot', () => {
    class Masked extends CounterEnv {
      override reset() {
        return { ...super.reset(), mask: Uint8Array.of(1, 0, 1) };
      }
    }
    const vec = new SyncVectorEnv([new Masked(), new Masked()] as Env<Observation, Action>[]);
    expect(Array.from(vec.resetSync().masks as Uint8Array)).toEqual([1, 0, 1, 1, 0, 1]);
    expect(Array.from(flatten(discrete(3), 2))).toEqual([0, 0, 1]);
  });

  it('names the failing copy, checks the action batch, and closes every copy once', () => {
    const vec = makeSyncVec('Debug/SlowEnv-v0', 4, { kwargs: { stepWork: 0, failOnSeed: 102, failAtStep: 2 } });
    vec.resetSync({ seed: 100 });
    vec.stepSync([0, 0, 0, 0]);
    let err: unknown = null;
    try {
      vec.stepSync([0, 0, 0, 0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VectorEnvError);
    expect((err as VectorEnvError).copyIndex).toBe(2);
    expect((err as Error).message).toMatch(/copy 2: Error: DebugEnv: injected failure at step 2/);
    expect(() => vec.stepSync([0, 0])).toThrow(/expected 4 action numbers/);
    expect(() => vec.stepSync([0, 0, 0, 5])).toThrow(/copy 3: EnvError: .*action 5 is not in the action space Discrete\(2\)/);
    const counters = [new CounterEnv(), new CounterEnv()];
    const closing = new SyncVectorEnv(counters as Env<Observation, Action>[]);
    closing.closeSync();
    closing.closeSync();
    expect(counters.map((c) => c.closes)).toEqual([1, 1]);
  });

  it('rejects copies with different spaces and dict action spaces', () => {
    const a = new CounterEnv();
    const b = new CounterEnv({ actionSpace: discrete(4) });
    expect(() => new SyncVectorEnv([a, b] as Env<Observation, Action>[])).toThrow(/copy 1 has spaces/);
    const d = new CounterEnv({ actionSpace: dict({ x: discrete(2) }) });
    expect(() => new SyncVectorEnv([d] as Env<Observation, Action>[])).toThrow(ConfigError);
    expect(() => new SyncVectorEnv([])).toThrow(/at least one copy/);
    expect(bareSpec('X-v0').id).toBe('X-v0');
    expect(box(0, 1, { shape: [1] }).kind).toBe('box');
  });

  it('offers promise-returning methods that match the synchronous ones', async () => {
    const a = makeSyncVec('Acrobot-v1', 2);
    const b = makeSyncVec('Acrobot-v1', 2);
    const ra = await a.reset({ seed: 1 });
    const rb = b.resetSync({ seed: 1 });
    expect(Array.from(ra.obs)).toEqual(Array.from(rb.obs));
    const sa = await a.step([0, 2]);
    expect(Array.from(sa.obs)).toEqual(Array.from(b.stepSync([0, 2]).obs));
    await expect(a.step([0])).rejects.toThrow(VectorEnvError);
    await a.close();
  });
});
