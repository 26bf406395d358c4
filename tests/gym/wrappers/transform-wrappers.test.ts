/** Action, reward and observation wrappers, normalisation, frame skipping and pixel observations. */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { ConfigError, EnvError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { make } from '../../../src/gym/registry.ts';
import { box, contains, dict, discrete, multiDiscrete, type SpaceValue } from '../../../src/gym/spaces.ts';
import { clipAction, rescaleAction, stickyAction, transformAction } from '../../../src/gym/wrappers/action.ts';
import { maxAndSkip } from '../../../src/gym/wrappers/max-and-skip.ts';
import { normalizeObservation, normalizeReward, RunningMeanStd } from '../../../src/gym/wrappers/normalize.ts';
import { flattenObservation, frameStack, timeAwareObservation, transformObservation } from '../../../src/gym/wrappers/observation.ts';
import { pixelObservation } from '../../../src/gym/wrappers/pixel-observation.ts';
import { clipReward, transformReward } from '../../../src/gym/wrappers/reward.ts';
import { timeLimit } from '../../../src/gym/wrappers/time-limit.ts';
import { bareSpec, type Env } from '../../../src/gym/env.ts';
import { CounterEnv } from './counter-env.ts';

const boxActions = (low: number, high: number, n = 1) => new CounterEnv({ actionSpace: box(low, high, { shape: [n] }) }) as unknown as Env<Float32Array, Float32Array>;

describe('clipAction', () => {
  it('clips into the inner bounds, exposes an unbounded box, does not mutate the input', () => {
    const inner = boxActions(-2, 2, 2);
    const env = clipAction(inner);
    expect(contains(env.actionSpace, Float32Array.of(1e9, -1e9))).toBe(true);
    env.reset();
    const action = Float32Array.of(5, -0.5);
    env.step(action);
    expect(Array.from((inner as unknown as CounterEnv).received[0] as Float32Array)).toEqual([2, -0.5]);
    expect(Array.from(action)).toEqual([5, -0.5]);
    expect(() => env.step(Float32Array.of(Number.NaN, 0))).toThrow(EnvError);
    expect(() => clipAction(new CounterEnv() as unknown as Env<Float32Array, Float32Array>)).toThrow(/float32 Box action space/);
  });
});

describe('rescaleAction', () => {
  it('maps [-1, 1] affinely onto the inner box and validates the outer range', () => {
    const inner = boxActions(-2, 6);
    const env = rescaleAction(inner);
    env.reset();
    for (const [a, expected] of [[-1, -2], [0, 2], [1, 6], [0.5, 4]]) env.step(Float32Array.of(a)), expect((inner as unknown as CounterEnv).received.at(-1)?.[0 as never]).toBe(expected);
    expect(() => env.step(Float32Array.of(1.5))).toThrow(/not in the action space Box\(-1, 1/);
  });
  it('supports custom ranges and refuses unbounded inner boxes', () => {
    const inner = boxActions(0, 1);
    const env = rescaleAction(inner, { minAction: 0, maxAction: 10 });
    env.reset();
    env.step(Float32Array.of(5));
    expect(((inner as unknown as CounterEnv).received[0] as Float32Array)[0]).toBe(0.5);
    expect(() => rescaleAction(boxActions(-Infinity, 1))).toThrow(/bounded action space/);
    expect(() => rescaleAction(boxActions(0, 1), { minAction: 1, maxAction: 1 })).toThrow(ConfigError);
  });
});

describe('transformAction', () => {
  it('validates against the outer space and maps to the inner one', () => {
    const inner = new CounterEnv();
    const env = transformAction<Float32Array, Int32Array, number>(inner as unknown as Env<Float32Array, number>, (a) => a[0] + a[1], multiDiscrete([2, 2]));
    env.reset();
    env.step(Int32Array.of(1, 1));
    expect(inner.received).toEqual([2]);
    expect(() => env.step(Int32Array.of(2, 0))).toThrow(/MultiDiscrete/);
  });
});

describe('stickyAction', () => {
  it('repeats the previous action with probability p, reproducibly per reset seed', () => {
    const run = (): number[] => {
      const inner = new CounterEnv({ length: 1000, actionSpace: box(-1000, 1000, { shape: [1] }) });
      const env = stickyAction(inner as unknown as Env<Float32Array, Float32Array>, { repeatActionProbability: 0.25 });
      env.reset({ seed: 3 });
      // Every given action is distinct, so a repeat can only come from stickiness.
      for (let i = 0; i < 800; i++) env.step(Float32Array.of(i));
      return inner.received.map((a) => (a as Float32Array)[0]);
    };
    const a = run();
    expect(a).toEqual(run());
    const repeats = a.filter((x, i) => i > 0 && x === a[i - 1]).length;
    expect(repeats / 799).toBeGreaterThan(0.2);
    expect(repeats / 799).toBeLessThan(0.3);
    expect(a[0]).toBe(0);
  });
  it('never repeats across a reset and honours the duration', () => {
    const inner = new CounterEnv({ length: 1000 });
    const env = stickyAction(inner as unknown as Env<Float32Array, number>, { repeatActionProbability: 0.5, repeatActionDuration: 3 });
    env.reset({ seed: 1 });
    env.step(2);
    env.reset();
    env.step(0);
    expect(inner.received.slice(0, 2)).toEqual([2, 0]);
    expect(() => stickyAction(inner as unknown as Env<Float32Array, number>, { repeatActionProbability: 1 })).toThrow(ConfigError);
  });
});

describe('reward wrappers', () => {
  it('transformReward and clipReward change only the reward', () => {
    const env = transformReward(new CounterEnv(), (r) => 10 * r);
    env.reset();
    expect(env.step(0).reward).toBe(10);
    const clipped = clipReward(new CounterEnv(), { minReward: 0, maxReward: 1.5 });
    clipped.reset();
    expect([clipped.step(0).reward, clipped.step(0).reward]).toEqual([1, 1.5]);
    expect(() => clipReward(new CounterEnv(), { minReward: 2, maxReward: 1 })).toThrow(ConfigError);
  });
});

describe('RunningMeanStd and normalisation', () => {
  it('matches the two-pass mean and variance (with the 1e-4 prior count)', () => {
    const rms = new RunningMeanStd(2);
    const rng = new Rng(0);
    const xs = Array.from({ length: 500 }, () => [rng.normal(3, 2), rng.uniform(-1, 1)]);
    for (const x of xs) rms.update(x);
    for (let k = 0; k < 2; k++) {
      const mean = xs.reduce((s, x) => s + x[k], 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x[k] - mean) ** 2, 0) / xs.length;
      expect(rms.mean[k]).toBeCloseTo(mean, 4);
      expect(rms.var[k]).toBeCloseTo(variance, 3);
    }
    expect(rms.count).toBeCloseTo(500.0001, 8);
  });

  it('normalizeObservation standardises, freezes on request and round-trips its state as JSON', () => {
    const env = normalizeObservation(make<Float32Array, number>('CartPole-v1'));
    expect(env.observationSpace.low[0]).toBe(-Infinity);
    env.reset({ seed: 0 });
    const seen: Float32Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = env.step(env.actionRng.int(2));
      seen.push(r.obs);
      if (r.terminated || r.truncated) env.reset();
    }
    const tail = seen.slice(1000);
    const mean = tail.reduce((s, o) => s + o[1], 0) / tail.length;
    expect(Math.abs(mean)).toBeLessThan(0.3);
    const state = JSON.parse(JSON.stringify(env.getState()));
    const copy = normalizeObservation(make<Float32Array, number>('CartPole-v1'));
    copy.setState(state);
    copy.updateRunningMean = false;
    env.updateRunningMean = false;
    expect(Array.from(copy.reset({ seed: 5 }).obs)).toEqual(Array.from(env.reset({ seed: 5 }).obs));
    const before = copy.getState();
    copy.step(0);
    expect(copy.getState()).toEqual(before);
    expect(() => copy.setState({ mean: [0], var: [1], count: 1 })).toThrow(/expected mean\/var of 4/);
  });

  it('normalizeReward follows Gymnasium: R ← R·γ·(1 − terminated) + r, reward / sqrt(var(R) + ε)', () => {
    const env = normalizeReward(new CounterEnv({ length: 3 }), { gamma: 0.5 });
    const rms = new RunningMeanStd(1);
    let R = 0;
    env.reset();
    for (let i = 0; i < 7; i++) {
      const r = env.step(0);
      const raw = (i % 3) + 1;
      R = R * 0.5 * (raw === 3 ? 0 : 1) + raw;
      rms.update([R]);
      expect(r.reward).toBeCloseTo(raw / Math.sqrt(rms.var[0] + 1e-8), 12);
      if (r.terminated) env.reset();
    }
    const saved = env.getState();
    expect(saved.discountedReward).toBeCloseTo(R, 12);
    const other = normalizeReward(new CounterEnv(), { gamma: 0.5 });
    other.setState(JSON.parse(JSON.stringify(saved)));
    expect(other.getState()).toEqual(saved);
  });
});

describe('observation wrappers', () => {
  it('transformObservation maps observations and declares the new space', () => {
    const env = transformObservation(new CounterEnv(), (o: Float32Array) => Float32Array.of(o[0] * 2), box(-2000, 2000, { shape: [1] }));
    env.reset();
    expect(Array.from(env.step(0).obs)).toEqual([2]);
    expect(env.observationSpace.kind).toBe('box');
  });

  it('flattenObservation turns dict observations into one Float32Array', () => {
    const inner = new CounterEnv();
    const space = dict({ pos: box(-1000, 1000, { shape: [2] }), mode: discrete(2) });
    const dictEnv = transformObservation(inner, (o: Float32Array): SpaceValue => ({ pos: o, mode: 1 }), space);
    const env = flattenObservation(dictEnv);
    expect(env.observationSpace.kind === 'box' && env.observationSpace.shape).toEqual([4]);
    env.reset();
    expect(Array.from(env.step(0).obs)).toEqual([0, 1, 1, 0]);
  });

  it('frameStack stacks oldest first with reset or zero padding', () => {
    const env = frameStack(new CounterEnv(), { stackSize: 3 });
    expect(env.observationSpace.shape).toEqual([3, 2]);
    expect(Array.from(env.reset().obs)).toEqual([0, 0, 0, 0, 0, 0]);
    env.step(1);
    expect(Array.from(env.step(2).obs)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(env.step(0).obs)).toEqual([1, 1, 2, 2, 3, 0]);
    const zero = frameStack(transformObservation(new CounterEnv(), (o: Float32Array) => Float32Array.of(o[0] + 7, o[1]), box(-1e4, 1e4, { shape: [2] })), { stackSize: 2, padding: 'zero' });
    expect(Array.from(zero.reset().obs)).toEqual([0, 0, 7, 0]);
    expect(contains(zero.observationSpace, zero.step(0).obs)).toBe(true);
  });

  it('timeAwareObservation appends the step count (or its fraction of the limit)', () => {
    const env = timeAwareObservation(timeLimit(new CounterEnv({ length: 100 }), { maxEpisodeSteps: 4 }));
    expect(Array.from(env.observationSpace.high).at(-1)).toBe(4);
    expect(Array.from(env.reset().obs)).toEqual([0, 0, 0]);
    expect(env.step(0).obs[2]).toBe(1);
    const normalized = timeAwareObservation(new CounterEnv(), { normalizeTime: true, maxEpisodeSteps: 4 });
    normalized.reset();
    normalized.step(0);
    expect(normalized.step(0).obs[2]).toBe(0.5);
    expect(() => timeAwareObservation(new CounterEnv())).toThrow(/needs maxEpisodeSteps/);
  });
});

describe('maxAndSkip', () => {
  it('repeats the action, sums rewards and max-pools the last two observations', () => {
    const inner = new CounterEnv({ length: 100 });
    const env = maxAndSkip(transformObservation(inner, (o: Float32Array) => Float32Array.of(o[0] % 3, 5 - o[0]), box(-1e4, 1e4, { shape: [2] })), { skip: 4 });
    env.reset();
    const r = env.step(1);
    expect(inner.received).toEqual([1, 1, 1, 1]);
    expect(r.reward).toBe(1 + 2 + 3 + 4);
    // Steps 3 and 4 give [0, 2] and [1, 1]: element-wise max [1, 2].
    expect(Array.from(r.obs)).toEqual([1, 2]);
  });
  it('stops at the end of the episode', () => {
    const inner = new CounterEnv({ length: 2 });
    const env = maxAndSkip(inner, { skip: 4 });
    env.reset();
    const r = env.step(0);
    expect(inner.steps).toBe(2);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(3);
  });
});

describe('pixelObservation', () => {
  it('returns uint8 frames of the rendered scene, RGB or grayscale', () => {
    const rgb = pixelObservation(new CounterEnv(), { width: 10, height: 10 });
    expect(rgb.observationSpace.shape).toEqual([10, 10, 3]);
    expect(rgb.observationSpace.dtype).toBe('uint8');
    rgb.reset();
    const frame = rgb.step(0).obs;
    expect(frame).toBeInstanceOf(Uint8Array);
    expect(contains(rgb.observationSpace, frame)).toBe(true);
    // The bar spans world x ∈ [0.5, 1.5) (t = 1, width 1); pixel centres sit at x + 0.5, so column 0 is red.
    expect(Array.from(frame.subarray(5 * 10 * 3, 5 * 10 * 3 + 6))).toEqual([255, 0, 0, 255, 255, 255]);
    const gray = pixelObservation(new CounterEnv(), { width: 10, height: 10, grayscale: true });
    gray.reset();
    const g = gray.step(0).obs;
    expect(g.length).toBe(100);
    expect([g[5 * 10], g[5 * 10 + 1]]).toEqual([76, 255]);
  });

  it('composes with frameStack and maxAndSkip for an Atari-style pipeline on CartPole', () => {
    const env = frameStack(maxAndSkip(pixelObservation(make('CartPole-v1'), { grayscale: true }), { skip: 2 }), { stackSize: 4 });
    expect(env.observationSpace.shape).toEqual([4, 84, 84, 1]);
    env.reset({ seed: 0 });
    const r = env.step(1);
    expect(r.obs.length).toBe(4 * 84 * 84);
    expect(contains(env.observationSpace, r.obs)).toBe(true);
  });

  it('keeps the inner spec and rejects bad sizes', () => {
    const inner = new CounterEnv();
    expect(pixelObservation(inner).spec).toEqual(bareSpec('Test/Counter-v0'));
    expect(() => pixelObservation(inner, { width: 0 })).toThrow(ConfigError);
  });
});
