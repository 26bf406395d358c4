/**
 * CartPole-v1 against the published equations (Florian 2007, https://coneural.org/florian/papers/05_cart_pole.pdf,
 * frictionless case, as in Gymnasium's cartpole.py), re-derived here independently in float64.
 */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { CartPole, THETA_THRESHOLD_RAD, X_THRESHOLD } from '../../../envs/classic/cart-pole.ts';
import { make } from '../../../src/gym/registry.ts';
import { Rng } from '../../../src/core/rng.ts';

/** One Euler step of the frictionless cart-pole: m_c = 1, m_p = 0.1, l = 0.5 (half length), g = 9.8, τ = 0.02. */
function referenceStep(s: readonly number[], action: number): number[] {
  const [x, v, th, w] = s;
  const F = action === 1 ? 10 : -10;
  const mc = 1;
  const mp = 0.1;
  const l = 0.5;
  const g = 9.8;
  const M = mc + mp;
  // θ'' = (g sinθ − cosθ (F + m_p l θ'² sinθ)/M) / (l (4/3 − m_p cos²θ / M))
  const thAcc = (g * Math.sin(th) - (Math.cos(th) * (F + mp * l * w * w * Math.sin(th))) / M) / (l * (4 / 3 - (mp * Math.cos(th) ** 2) / M));
  // x'' = (F + m_p l (θ'² sinθ − θ'' cosθ)) / M
  const xAcc = (F + mp * l * (w * w * Math.sin(th) - thAcc * Math.cos(th))) / M;
  return [x + 0.02 * v, v + 0.02 * xAcc, th + 0.02 * w, w + 0.02 * thAcc];
}

describe('CartPole-v1', () => {
  it('has Gymnasium spaces, limits and registration', () => {
    const env = new CartPole();
    expect(Array.from(env.observationSpace.high)).toEqual([4.8, Infinity, Math.fround(0.41887902047863906), Infinity].map(Math.fround));
    expect(env.actionSpace).toMatchObject({ kind: 'discrete', n: 2, start: 0 });
    expect(THETA_THRESHOLD_RAD).toBeCloseTo((12 * Math.PI) / 180, 15);
    expect(X_THRESHOLD).toBe(2.4);
    const made = make('CartPole-v1');
    expect([made.spec.maxEpisodeSteps, made.spec.rewardThreshold, made.spec.metadata.renderFps]).toEqual([500, 475, 50]);
  });

  it('takes the hand-computed first step from rest: ẍ = 400/41, θ̈ = −600/41 under +10 N', () => {
    const env = new CartPole();
    env.reset({ seed: 0 });
    env.state.set([0, 0, 0, 0]);
    const r = env.step(1);
    expect(env.state[0]).toBe(0);
    expect(env.state[1]).toBeCloseTo((0.02 * 400) / 41, 15);
    expect(env.state[2]).toBe(0);
    expect(env.state[3]).toBeCloseTo((0.02 * -600) / 41, 15);
    expect(Array.from(r.obs)).toEqual(Array.from(Float32Array.from(env.state)));
    expect([r.reward, r.terminated, r.truncated]).toEqual([1, false, false]);
    env.state.set([0, 0, 0, 0]);
    env.step(0);
    expect(env.state[1]).toBeCloseTo((0.02 * -400) / 41, 15);
  });

  it('matches the reference one step at a time along long random trajectories', () => {
    const env = new CartPole();
    const rng = new Rng(5);
    env.reset({ seed: 1 });
    let worst = 0;
    for (let t = 0; t < 3000; t++) {
      const before = Array.from(env.state);
      const a = rng.int(2);
      const r = env.step(a);
      const ref = referenceStep(before, a);
      ref.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - env.state[i]))));
      if (r.terminated) env.reset();
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('follows the reference trajectory to 1e-9 over 200 closed-loop steps', () => {
    // Bang-bang balancing chatters, which amplifies rounding differences (~10× per 30 steps), so a
    // reference with a different operation order stays within 1e-9 for a couple of hundred steps.
    const env = new CartPole();
    env.reset({ seed: 3 });
    let ref = Array.from(env.state);
    const policy = (s: readonly number[]): number => (s[2] + 0.3 * s[3] + 0.01 * s[0] + 0.05 * s[1] > 0 ? 1 : 0);
    for (let t = 0; t < 200; t++) {
      const r = env.step(policy(Array.from(env.state)));
      ref = referenceStep(ref, policy(ref));
      expect(r.terminated).toBe(false);
      for (let i = 0; i < 4; i++) expect(Math.abs(env.state[i] - ref[i])).toBeLessThan(1e-9);
    }
  });

  it("keeps Gymnasium's operation order: bit-identical to a transcription of cartpole.py over 500 steps", () => {
    // cartpole.py, step(): temp, thetaacc, xacc and the Euler update, evaluated left to right as NumPy does.
    const gymStep = (s: number[], action: number): number[] => {
      const [x, xDot, theta, thetaDot] = s;
      const force = action === 1 ? 10.0 : -10.0;
      const cosT = Math.cos(theta);
      const sinT = Math.sin(theta);
      const totalMass = 0.1 + 1.0;
      const pml = 0.1 * 0.5;
      const temp = (force + pml * (thetaDot * thetaDot) * sinT) / totalMass;
      const thetaAcc = (9.8 * sinT - cosT * temp) / (0.5 * (4.0 / 3.0 - (0.1 * (cosT * cosT)) / totalMass));
      const xAcc = temp - (pml * thetaAcc * cosT) / totalMass;
      return [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
    };
    const env = new CartPole();
    env.reset({ seed: 3 });
    let ref = Array.from(env.state);
    const policy = (s: readonly number[]): number => (s[2] + 0.3 * s[3] + 0.01 * s[0] + 0.05 * s[1] > 0 ? 1 : 0);
    for (let t = 0; t < 500; t++) {
      env.step(policy(Array.from(env.state)));
      ref = gymStep(ref, policy(ref));
      expect(Array.from(env.state)).toEqual(ref);
    }
  });

  it('terminates beyond ±12° or ±2.4 and rewards the terminating step; Sutton-Barto reward on request', () => {
    for (const [state, action] of [
      [[0, 0, THETA_THRESHOLD_RAD, 1], 1],
      [[0, 0, -THETA_THRESHOLD_RAD, -1], 0],
      [[2.4, 1, 0, 0], 1],
      [[-2.4, -1, 0, 0], 0],
    ] as const) {
      const env = new CartPole();
      env.reset();
      env.state.set(state);
      const r = env.step(action);
      expect(r.terminated).toBe(true);
      expect(r.reward).toBe(1);
    }
    const sb = new CartPole({ suttonBartoReward: true });
    sb.reset();
    expect(sb.step(0).reward).toBe(0);
    sb.state.set([0, 0, 0.3, 0]);
    expect(sb.step(0).reward).toBe(-1);
  });

  it('starts uniformly in [-0.05, 0.05) and honours reset options', () => {
    const env = new CartPole();
    const rng0 = env.reset({ seed: 0 }).obs;
    expect(rng0.every((v) => v >= -0.05 && v < 0.05)).toBe(true);
    let sum = 0;
    for (let i = 0; i < 2000; i++) {
      const { obs } = env.reset();
      expect(obs.every((v) => Math.abs(v) <= 0.05)).toBe(true);
      sum += obs[0];
    }
    expect(Math.abs(sum / 2000)).toBeLessThan(0.004);
    const { obs } = env.reset({ options: { low: 0.2, high: 0.3 } });
    expect(obs.every((v) => v >= Math.fround(0.2) && v <= Math.fround(0.3))).toBe(true);
  });

  it('the semi-implicit integrator updates velocity first', () => {
    const env = new CartPole();
    env.kinematicsIntegrator = 'semi-implicit euler';
    env.reset();
    env.state.set([0, 0, 0, 0]);
    env.step(1);
    expect(env.state[0]).toBeCloseTo(0.02 * ((0.02 * 400) / 41), 15);
  });

  it('renders the cart at x and the pole tilted by θ, with stable ids', () => {
    const env = new CartPole();
    env.reset();
    env.state.set([1, 0, 0.1, 0]);
    const scene = env.render();
    const cart = scene.shapes.find((s) => s.id === 'cart');
    const pole = scene.shapes.find((s) => s.id === 'pole');
    expect(cart?.x).toBe(1);
    expect(pole?.angle).toBe(-0.1);
    expect(pole!.x).toBeGreaterThan(1);
    env.step(0);
    expect(env.render().shapes.map((s) => s.id)).toEqual(scene.shapes.map((s) => s.id));
  });
});
