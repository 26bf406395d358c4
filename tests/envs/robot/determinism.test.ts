/**
 * Determinism: the same seed and actions give the same trajectory bit for bit, also when several envs are
 * stepped interleaved in one process (each owns its engine; matter's globals must not leak between them),
 * and matter's global `Common.random` is never drawn from while simulating.
 */
import Matter from 'matter-js';
import { afterEach, describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { AmpFootProsthesis } from '../../../envs/robot/amp-foot-prosthesis.ts';
import { AmpFootWalker } from '../../../envs/robot/amp-foot-walker.ts';
import { Rng } from '../../../src/core/rng.ts';
import type { Env } from '../../../src/gym/env.ts';
import { make } from '../../../src/gym/registry.ts';

type RobotEnv = Env<Float32Array, Float32Array>;

/** Observation bits and rewards of a rollout of `steps` actions from `actions` (resetting at episode ends without a seed). */
function trace(env: RobotEnv, seed: number, actions: Float32Array[]): number[] {
  const out: number[] = [];
  const push = (obs: Float32Array): void => {
    for (const v of new Uint32Array(obs.buffer, obs.byteOffset, obs.length)) out.push(v);
  };
  push(env.reset({ seed }).obs);
  for (const a of actions) {
    const r = env.step(a);
    push(r.obs);
    out.push(r.reward);
    if (r.terminated || r.truncated) push(env.reset().obs);
  }
  return out;
}

function randomActions(n: number, dim: number, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => rng.uniform(-1, 1)));
}

const originalRandom = Matter.Common.random;

afterEach(() => {
  Matter.Common.random = originalRandom;
});

describe('AMP-Foot determinism', () => {
  it.each([
    ['AmpFootWalker-v0', 8],
    ['AmpFootWalkerRough-v0', 8],
    ['AmpFootProsthesis-v0', 2],
    ['AmpFootProsthesis-v1', 2],
  ] as const)('%s: same seed and actions, same trajectory bit for bit (fresh env and reused env)', (id, dim) => {
    const actions = randomActions(400, dim, 5);
    const a = make<Float32Array, Float32Array>(id);
    const b = make<Float32Array, Float32Array>(id);
    const first = trace(a, 9, actions);
    expect(trace(b, 9, actions)).toEqual(first);
    expect(trace(a, 9, actions)).toEqual(first);
    expect(trace(a, 10, actions)).not.toEqual(first);
  });

  it('interleaved envs match envs stepped alone', () => {
    const actions = randomActions(300, 8, 6);
    const alone = trace(new AmpFootWalker({ terrainDifficulty: 0.5 }), 4, actions);
    const aloneProsthesis = trace(new AmpFootProsthesis(), 4, actions.map((x) => x.slice(0, 2)));
    // three envs in lockstep: every step of one is followed by a step of the others
    const envs = [new AmpFootWalker({ terrainDifficulty: 0.5 }), new AmpFootWalker({ terrainDifficulty: 0.5 }), new AmpFootProsthesis()];
    const traces: number[][] = [[], [], []];
    const push = (k: number, obs: Float32Array): void => {
      for (const v of new Uint32Array(obs.buffer, obs.byteOffset, obs.length)) traces[k].push(v);
    };
    envs.forEach((env, k) => push(k, env.reset({ seed: 4 }).obs));
    for (const action of actions) {
      envs.forEach((env, k) => {
        const r = env.step(k === 2 ? action.slice(0, 2) : action);
        push(k, r.obs);
        traces[k].push(r.reward);
        if (r.terminated) push(k, env.reset().obs);
      });
    }
    expect(traces[0]).toEqual(alone);
    expect(traces[1]).toEqual(alone);
    expect(traces[2]).toEqual(aloneProsthesis);
  });

  it("never draws from matter's global Common.random while stepping, and leaves its seed as it was", () => {
    const common = Matter.Common as typeof Matter.Common & { _seed: number };
    const seedBefore = common._seed;
    const env = make<Float32Array, Float32Array>('AmpFootWalkerRough-v0');
    const prosthesis = make<Float32Array, Float32Array>('AmpFootProsthesis-v0');
    env.reset({ seed: 1 });
    prosthesis.reset({ seed: 1 });
    expect(common._seed).toBe(seedBefore);
    let draws = 0;
    Matter.Common.random = (min?: number, max?: number): number => {
      draws++;
      return originalRandom(min, max);
    };
    for (const a of randomActions(300, 8, 1)) {
      if (env.step(a).terminated) break;
      if (prosthesis.step(a.slice(0, 2)).terminated) break;
    }
    expect(draws).toBe(0);
  });
});
