/**
 * Acrobot-v1 against Sutton & Barto's equations (book version, as Gymnasium's default), re-derived here with
 * the constants folded in (m = 1, l1 = 1, lc = 0.5, I = 1, g = 9.8), integrated with an independent RK4.
 */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { Acrobot, MAX_VEL_1, MAX_VEL_2 } from '../../../envs/classic/acrobot.ts';
import { make } from '../../../src/gym/registry.ts';
import { Rng } from '../../../src/core/rng.ts';

/** d/dt [θ1, θ2, θ1', θ2'] with torque τ on the middle joint. */
function derivative(s: readonly number[], tau: number, book = true): number[] {
  const [t1, t2, w1, w2] = s;
  const d1 = 3.5 + Math.cos(t2); // m1 lc1² + m2 (l1² + lc2² + 2 l1 lc2 cos θ2) + I1 + I2
  const d2 = 1.25 + 0.5 * Math.cos(t2); // m2 (lc2² + l1 lc2 cos θ2) + I2
  const phi2 = 4.9 * Math.sin(t1 + t2); // m2 lc2 g cos(θ1 + θ2 − π/2)
  const phi1 = -0.5 * w2 * w2 * Math.sin(t2) - w2 * w1 * Math.sin(t2) + 14.7 * Math.sin(t1) + phi2;
  const extra = book ? 0.5 * w1 * w1 * Math.sin(t2) : 0;
  const a2 = (tau + (d2 / d1) * phi1 - extra - phi2) / (1.25 - (d2 * d2) / d1);
  const a1 = -(d2 * a2 + phi1) / d1;
  return [w1, w2, a1, a2];
}

function rk4(s: readonly number[], tau: number, dt: number, book = true): number[] {
  const add = (a: readonly number[], b: readonly number[], k: number) => a.map((v, i) => v + k * b[i]);
  const k1 = derivative(s, tau, book);
  const k2 = derivative(add(s, k1, dt / 2), tau, book);
  const k3 = derivative(add(s, k2, dt / 2), tau, book);
  const k4 = derivative(add(s, k3, dt), tau, book);
  return s.map((v, i) => v + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

const wrapAngle = (x: number): number => {
  while (x > Math.PI) x -= 2 * Math.PI;
  while (x < -Math.PI) x += 2 * Math.PI;
  return x;
};

function referenceStep(s: readonly number[], action: number, book = true): number[] {
  const n = rk4(s, action - 1, 0.2, book);
  return [wrapAngle(n[0]), wrapAngle(n[1]), Math.max(-MAX_VEL_1, Math.min(MAX_VEL_1, n[2])), Math.max(-MAX_VEL_2, Math.min(MAX_VEL_2, n[3]))];
}

/** Total mechanical energy (kinetic from the mass matrix, potential with the pivot at height 0). */
function energy(s: ArrayLike<number>): number {
  const [t1, t2, w1, w2] = [s[0], s[1], s[2], s[3]];
  const d11 = 3.5 + Math.cos(t2);
  const d12 = 1.25 + 0.5 * Math.cos(t2);
  return 0.5 * (d11 * w1 * w1 + 2 * d12 * w1 * w2 + 1.25 * w2 * w2) - 14.7 * Math.cos(t1) - 4.9 * Math.cos(t1 + t2);
}

describe('Acrobot-v1', () => {
  it('has Gymnasium spaces and registration', () => {
    const env = new Acrobot();
    expect(Array.from(env.observationSpace.high)).toEqual([1, 1, 1, 1, 4 * Math.PI, 9 * Math.PI].map(Math.fround));
    expect(env.actionSpace).toMatchObject({ kind: 'discrete', n: 3 });
    const made = make('Acrobot-v1');
    expect([made.spec.maxEpisodeSteps, made.spec.rewardThreshold, made.spec.metadata.renderFps]).toEqual([500, -100, 15]);
  });

  it('matches the reference one RK4 step at a time along long random trajectories', () => {
    const env = new Acrobot();
    const rng = new Rng(2);
    env.reset({ seed: 0 });
    let worst = 0;
    let bigVelocity = 0;
    for (let t = 0; t < 2000; t++) {
      const before = Array.from(env.state);
      const a = rng.int(3);
      const r = env.step(a);
      const ref = referenceStep(before, a);
      ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - env.state[i]))));
      bigVelocity = Math.max(bigVelocity, Math.abs(env.state[3]));
      if (r.terminated) env.reset();
    }
    expect(worst).toBeLessThan(1e-11);
    expect(bigVelocity).toBeGreaterThan(3);
  });

  it('follows the reference trajectory to 1e-9 over 300 unforced steps', () => {
    const env = new Acrobot();
    env.reset({ seed: 0 });
    env.state.set([0.4, -0.3, 0.2, 0.1]);
    let ref = [0.4, -0.3, 0.2, 0.1];
    for (let t = 0; t < 300; t++) {
      env.step(1);
      ref = referenceStep(ref, 1);
      for (let i = 0; i < 4; i++) expect(Math.abs(env.state[i] - ref[i])).toBeLessThan(1e-9);
    }
  });

  it('conserves energy without torque (RK4 drift only) and stays at rest at the bottom', () => {
    // RK4 with dt = 0.2 s drifts a little, more at larger amplitude; wrong dynamics drift far more.
    const env = new Acrobot();
    env.reset();
    for (const [start, tolerance] of [
      [[0.2, 0.1, 0, 0], 5e-4],
      [[0.5, 0.2, 0, 0], 3e-3],
    ] as const) {
      env.state.set(start);
      const e0 = energy(env.state);
      let drift = 0;
      for (let t = 0; t < 100; t++) {
        env.step(1);
        drift = Math.max(drift, Math.abs(energy(env.state) - e0) / Math.abs(e0));
      }
      expect(drift).toBeLessThan(tolerance);
    }
    env.state.set([0, 0, 0, 0]);
    env.step(1);
    expect(Math.max(...Array.from(env.state, Math.abs))).toBeLessThan(1e-12);
  });

  it('differs between book and NIPS dynamics only through the missing term', () => {
    const nips = new Acrobot({ bookOrNips: 'nips' });
    nips.reset();
    nips.state.set([0.3, 0.4, 1.5, -2]);
    nips.step(2);
    const ref = referenceStep([0.3, 0.4, 1.5, -2], 2, false);
    ref.forEach((v, i) => expect(Math.abs(v - nips.state[i])).toBeLessThan(1e-12));
    expect(Math.abs(referenceStep([0.3, 0.4, 1.5, -2], 2, true)[3] - nips.state[3])).toBeGreaterThan(1e-3);
    expect(() => new Acrobot({ bookOrNips: 'paper' })).toThrow(/'book' or 'nips'/);
  });

  it('wraps angles into [-π, π] and bounds the velocities', () => {
    const env = new Acrobot();
    env.reset();
    env.state.set([3.1, -3.1, 12, -28]);
    env.step(2);
    expect(Math.abs(env.state[0])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(env.state[1])).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(env.state[2])).toBeLessThanOrEqual(MAX_VEL_1);
    expect(Math.abs(env.state[3])).toBeLessThanOrEqual(MAX_VEL_2);
    expect(env.step(2).obs[5]).toBeGreaterThanOrEqual(-Math.fround(MAX_VEL_2));
  });

  it('terminates with reward 0 when the tip rises above the line, -1 otherwise', () => {
    const env = new Acrobot();
    env.reset();
    expect(env.step(1).reward).toBe(-1);
    env.state.set([Math.PI, 0, 0, 0]);
    const r = env.step(1);
    expect([r.terminated, r.reward]).toEqual([true, 0]);
    expect(-Math.cos(env.state[0]) - Math.cos(env.state[0] + env.state[1])).toBeGreaterThan(1);
  });

  it('starts from float32-rounded uniform draws in [-0.1, 0.1) and observes sin/cos', () => {
    const env = new Acrobot();
    for (let i = 0; i < 200; i++) {
      const { obs } = env.reset({ seed: i });
      for (const v of env.state) {
        expect(Math.fround(v)).toBe(v);
        expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
      }
      expect(obs[0]).toBe(Math.fround(Math.cos(env.state[0])));
      expect(obs[3]).toBe(Math.fround(Math.sin(env.state[1])));
      expect(obs[4]).toBe(Math.fround(env.state[2]));
    }
  });

  it('renders both links from the pivot, the joints and the target line', () => {
    const env = new Acrobot();
    env.reset();
    env.state.set([0, 0, 0, 0]);
    const ids = env.render().shapes.map((s) => s.id);
    expect(ids).toEqual(['target', 'link-1', 'link-2', 'joint-0', 'joint-1']);
    const joint1 = env.render().shapes.find((s) => s.id === 'joint-1');
    expect(joint1?.x).toBeCloseTo(0, 12);
    expect(joint1?.y).toBeCloseTo(-1, 12);
  });
});
