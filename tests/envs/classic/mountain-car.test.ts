/**
 * MountainCar-v0 and MountainCarContinuous-v0 against Moore's dynamics
 * (http://incompleteideas.net/MountainCar/MountainCar1.cp, as in Gymnasium), re-derived here in float64.
 */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { MountainCar } from '../../../envs/classic/mountain-car.ts';
import { MountainCarContinuous } from '../../../envs/classic/mountain-car-continuous.ts';
import { valleyHeight } from '../../../envs/classic/mountain-car-scene.ts';
import { make } from '../../../src/gym/registry.ts';
import { Rng } from '../../../src/core/rng.ts';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** One step of the car with engine term `push` (discrete: (a − 1)·0.001; continuous: a·0.0015). */
function referenceStep([x, v]: readonly number[], push: number, threeX = 3 * x): number[] {
  let nv = clamp(v + push - 0.0025 * Math.cos(threeX), -0.07, 0.07);
  const nx = clamp(x + nv, -1.2, 0.6);
  if (nx === -1.2 && nv < 0) nv = 0;
  return [nx, nv];
}

describe('MountainCar-v0', () => {
  it('has Gymnasium spaces and registration', () => {
    const env = new MountainCar();
    expect(Array.from(env.observationSpace.low)).toEqual([-1.2, -0.07].map(Math.fround));
    expect(Array.from(env.observationSpace.high)).toEqual([0.6, 0.07].map(Math.fround));
    expect(env.actionSpace).toMatchObject({ kind: 'discrete', n: 3 });
    const made = make('MountainCar-v0');
    expect([made.spec.maxEpisodeSteps, made.spec.rewardThreshold]).toEqual([200, -110]);
  });

  it('takes the hand-computed step: v = 0.001 − 0.0025·cos(−1.5) from rest at −0.5 pushing right', () => {
    const env = new MountainCar();
    env.reset();
    env.state.set([-0.5, 0]);
    const r = env.step(2);
    const v = 0.001 - 0.0025 * Math.cos(-1.5);
    expect(env.state[1]).toBeCloseTo(v, 16);
    expect(env.state[0]).toBeCloseTo(-0.5 + v, 16);
    expect(v).toBeCloseTo(0.000823157, 9);
    expect([r.reward, r.terminated]).toEqual([-1, false]);
  });

  it('follows the reference over 1000 random steps to 1e-12', () => {
    const env = new MountainCar();
    const rng = new Rng(4);
    env.reset({ seed: 0 });
    let ref = Array.from(env.state);
    for (let t = 0; t < 1000; t++) {
      const a = rng.int(3);
      const r = env.step(a);
      ref = referenceStep(ref, (a - 1) * 0.001);
      expect(Math.abs(env.state[0] - ref[0])).toBeLessThan(1e-12);
      expect(Math.abs(env.state[1] - ref[1])).toBeLessThan(1e-12);
      if (r.terminated) {
        env.reset();
        ref = Array.from(env.state);
      }
    }
  });

  it('stops at the left wall, clips the speed and terminates at the flag', () => {
    const env = new MountainCar();
    env.reset();
    env.state.set([-1.19, -0.07]);
    env.step(0);
    expect(Array.from(env.state)).toEqual([-1.2, 0]);
    env.state.set([-0.6, 0.0699]);
    env.step(2);
    expect(env.state[1]).toBe(0.07);
    env.state.set([0.45, 0.06]);
    expect(env.step(2).terminated).toBe(true);
    const slow = new MountainCar({ goalVelocity: 0.05 });
    slow.reset();
    slow.state.set([0.49, 0.02]);
    expect(slow.step(2).terminated).toBe(false);
  });

  it('starts in [-0.6, -0.4) at rest', () => {
    const env = new MountainCar();
    for (let i = 0; i < 500; i++) {
      const { obs } = env.reset({ seed: i });
      expect(obs[0]).toBeGreaterThanOrEqual(Math.fround(-0.6));
      expect(obs[0]).toBeLessThanOrEqual(Math.fround(-0.4));
      expect(obs[1]).toBe(0);
    }
  });

  it('cannot be solved by pushing right alone but is by pumping energy (a sanity check of the hill)', () => {
    const push = make<Float32Array, number>('MountainCar-v0');
    push.reset({ seed: 0 });
    let r = push.step(2);
    while (!r.terminated && !r.truncated) r = push.step(2);
    expect(r.truncated && !r.terminated).toBe(true);
    const pump = make<Float32Array, number>('MountainCar-v0');
    let obs = pump.reset({ seed: 0 }).obs;
    let steps = 0;
    for (;;) {
      const s = pump.step(obs[1] >= 0 ? 2 : 0);
      steps++;
      obs = s.obs;
      if (s.terminated || s.truncated) {
        expect(s.terminated).toBe(true);
        break;
      }
    }
    expect(steps).toBeLessThan(200);
  });

  it('renders the car on the valley curve', () => {
    const env = new MountainCar();
    env.reset();
    env.state.set([-0.5, 0]);
    const wheel = env.render().shapes.find((s) => s.id === 'wheel-back');
    expect(wheel!.y).toBeGreaterThan(valleyHeight(-0.5));
    expect(wheel!.y).toBeLessThan(valleyHeight(-0.5) + 0.05);
  });
});

describe('MountainCarContinuous-v0', () => {
  it('has Gymnasium spaces and registration', () => {
    const env = new MountainCarContinuous();
    expect(env.actionSpace).toMatchObject({ kind: 'box', shape: [1] });
    expect(Array.from(env.actionSpace.low)).toEqual([-1]);
    const made = make('MountainCarContinuous-v0');
    expect([made.spec.maxEpisodeSteps, made.spec.rewardThreshold]).toEqual([999, 90]);
  });

  it('takes the hand-computed step and penalises −0.1·a²', () => {
    const env = new MountainCarContinuous();
    env.reset();
    env.state.set([-0.5, 0]);
    const r = env.step(Float32Array.of(0.5));
    const v = 0.5 * 0.0015 - 0.0025 * Math.cos(-1.5);
    expect(env.state[1]).toBe(Math.fround(v));
    expect(env.state[0]).toBe(Math.fround(-0.5 + v));
    expect(r.reward).toBeCloseTo(-0.025, 15);
    expect(Array.from(r.obs)).toEqual([Math.fround(-0.5 + v), Math.fround(v)]);
  });

  it('reproduces Gymnasium float32 state storage over 999 random steps', () => {
    const env = new MountainCarContinuous();
    const rng = new Rng(8);
    env.reset({ seed: 2 });
    let ref = Array.from(env.state);
    for (let t = 0; t < 999; t++) {
      const a = Math.fround(rng.uniform(-1, 1));
      const r = env.step(Float32Array.of(a));
      // The step runs in float64 (NumPy 1.x promotes float32 · int to float64); only the stored state is float32.
      ref = referenceStep(ref, a * 0.0015).map(Math.fround);
      expect(Array.from(env.state)).toEqual(ref);
      if (r.terminated) break;
    }
  });

  it('computes cos(3·x) in float64 from a float32 state, as Gymnasium with NumPy 1.24 does', () => {
    // At this float32 position, rounding 3·x to float32 before the cosine moves the new velocity by one
    // float32 ulp. Expected values: Gymnasium's Continuous_MountainCarEnv.step run under NumPy 1.24.2.
    const env = new MountainCarContinuous();
    env.reset();
    env.step(Float32Array.of(0)); // the state is float32 from here on, as in Gymnasium
    env.state.set([Math.fround(-0.99990999698638916), Math.fround(0.01)]);
    env.step(Float32Array.of(0));
    expect(env.state[1]).toBe(0.01247488521039486);
    expect(env.state[0]).toBe(-0.9874351024627686);
  });

  it('terminates at 0.45 with +100 − 0.1·a²', () => {
    const env = new MountainCarContinuous();
    env.reset();
    env.state.set([0.44, 0.06]);
    const r = env.step(Float32Array.of(1));
    expect(r.terminated).toBe(true);
    expect(r.reward).toBeCloseTo(99.9, 12);
  });
});
