/**
 * The walkers' pushes (`pushImpulse`, `pushInterval`): off by default and then bit for bit the trajectories
 * from before the kwargs existed, deterministic by seed when on, of the size asked for, and within the env
 * contract.
 */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { AmpFootWalker } from '../../../envs/robot/amp-foot-walker.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { checkEnv, formatReport } from '../../../src/gym/check-env.ts';
import { bareSpec, type Env } from '../../../src/gym/env.ts';
import { make } from '../../../src/gym/registry.ts';

type WalkerEnv = Env<Float32Array, Float32Array>;

/**
 * FNV-1a over the observation bits and reward bits of 400 random actions (action seed 5) from reset seed 9,
 * resetting without a seed at episode ends: the fingerprint of a trajectory.
 */
function fingerprint(env: WalkerEnv): string {
  const rng = new Rng(5);
  let h = 0x811c9dc5;
  const mix = (u: number): void => {
    h = Math.imul(h ^ u, 0x01000193) >>> 0;
  };
  const f64 = new Float64Array(1);
  const u64 = new Uint32Array(f64.buffer);
  const absorb = (obs: Float32Array): void => {
    for (const v of new Uint32Array(obs.buffer, obs.byteOffset, obs.length)) mix(v);
  };
  absorb(env.reset({ seed: 9 }).obs);
  for (let t = 0; t < 400; t++) {
    const r = env.step(Float32Array.from({ length: 8 }, () => rng.uniform(-1, 1)));
    absorb(r.obs);
    f64[0] = r.reward;
    mix(u64[0]);
    mix(u64[1]);
    if (r.terminated || r.truncated) absorb(env.reset().obs);
  }
  return h.toString(16);
}

/** Total horizontal momentum of the walker's bodies (kg·m/s), from the speeds of the last sub-step. */
function momentumX(env: WalkerEnv): number {
  const sim = (env.unwrapped as AmpFootWalker).sim;
  return sim.walker.bodies.reduce((p, body, b) => p + body.mass * sim.vx[b], 0);
}

describe('pushes off', () => {
  // fingerprints of the trajectories recorded before the push kwargs existed (commit 327781e)
  it.each([
    ['AmpFootWalker-v0', {}, '7714efb6'],
    ['AmpFootWalker-v0', { pushImpulse: 0, pushInterval: 0.3 }, '7714efb6'],
    ['AmpFootWalkerRough-v0', {}, 'd060b363'],
  ] as const)('%s with kwargs %j gives the trajectory from before pushes existed, bit for bit', (id, kwargs, expected) => {
    expect(fingerprint(make<Float32Array, Float32Array>(id, { kwargs }))).toBe(expected);
  });
});

describe('pushes on', () => {
  const kwargs = { pushImpulse: 15, pushInterval: 0.3 };

  it('are deterministic by seed and change the trajectory', () => {
    const first = fingerprint(make<Float32Array, Float32Array>('AmpFootWalker-v0', { kwargs }));
    expect(fingerprint(make<Float32Array, Float32Array>('AmpFootWalker-v0', { kwargs }))).toBe(first);
    expect(first).not.toBe('7714efb6');
    expect(fingerprint(make<Float32Array, Float32Array>('AmpFootWalker-v0', { kwargs: { ...kwargs, pushImpulse: 16 } }))).not.toBe(first);
  });

  it('the first push changes the walker\'s horizontal momentum by the impulse asked for, 0.15–0.45 s into the episode', () => {
    // same seed with and without pushes: identical until the first push, then apart by about the impulse
    const pushed = make<Float32Array, Float32Array>('AmpFootWalker-v0', { kwargs });
    const plain = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    pushed.reset({ seed: 3 });
    plain.reset({ seed: 3 });
    const hold = new Float32Array(8);
    let step = 0;
    let differs = false;
    while (!differs && step < 50) {
      const a = pushed.step(hold);
      const b = plain.step(hold);
      step += 1;
      differs = a.obs.some((v, i) => v !== b.obs[i]);
    }
    const seconds = step * 0.02;
    expect(seconds, `first push after ${seconds} s; expected within 0.5–1.5 × 0.3 s`).toBeGreaterThanOrEqual(0.15);
    expect(seconds).toBeLessThanOrEqual(0.45 + 0.02);
    const dp = Math.abs(momentumX(pushed) - momentumX(plain));
    // exactly 15 at the pushed sub-step; the ground contacts of the two walkers differ over the rest of the 20 ms step (15.65 here)
    expect(dp, `momentum change ${dp} kg·m/s; expected about the 15 N·s impulse`).toBeGreaterThan(0.85 * 15);
    expect(dp, `momentum change ${dp} kg·m/s; expected about the 15 N·s impulse`).toBeLessThan(1.1 * 15);
  });

  it('passes every check of checkEnv (flat and rough)', () => {
    for (const extra of [{}, { terrainDifficulty: 0.5 }]) {
      const all = { ...kwargs, ...extra };
      const report = checkEnv(() => new AmpFootWalker(all, bareSpec('AmpFootWalker-v0', { maxEpisodeSteps: 1600, kwargs: all })));
      expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
    }
  });

  it('rejects a negative impulse or a non-positive interval with a ConfigError naming the kwarg', () => {
    expect(() => new AmpFootWalker({ pushImpulse: -1 })).toThrow(ConfigError);
    expect(() => new AmpFootWalker({ pushImpulse: -1 })).toThrow(/pushImpulse.*received -1/);
    expect(() => new AmpFootWalker({ pushInterval: 0 })).toThrow(/pushInterval.*received 0/);
  });
});
