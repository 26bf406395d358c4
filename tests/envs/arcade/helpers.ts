/**
 * Test helpers for the arcade games: build an env with kwargs and reach its game.
 */
import '../../../envs/index.ts';
import type { ArcadeEnv, ArcadeGame } from '../../../envs/arcade/arcade-env.ts';
import { make } from '../../../src/gym/registry.ts';
import type { Env } from '../../../src/gym/env.ts';

/** The arcade ids. */
export const ARCADE_IDS = ['Pong-v0', 'Breakout-v0', 'Snake-v0', 'Flappy-v0', 'Catch-v0'] as const;

/** `make(id, { kwargs })` (time limit and checker included) with its unwrapped ArcadeEnv and game. */
export function arcade<G extends ArcadeGame>(id: string, kwargs: Record<string, unknown> = {}): { env: Env<Float32Array | Uint8Array, number>; base: ArcadeEnv<G>; game: G } {
  const env = make<Float32Array | Uint8Array, number>(id, { kwargs });
  const base = env.unwrapped as unknown as ArcadeEnv<G>;
  return { env, base, game: base.game };
}

/** Steps `action` `n` times (stopping at the end of the episode); returns the summed reward and the last result's flags. */
export function run(env: Env<Float32Array | Uint8Array, number>, action: number, n: number): { reward: number; terminated: boolean; steps: number } {
  let reward = 0;
  for (let t = 0; t < n; t++) {
    const r = env.step(action);
    reward += r.reward;
    if (r.terminated || r.truncated) return { reward, terminated: r.terminated, steps: t + 1 };
  }
  return { reward, terminated: false, steps: n };
}

/** Steps `action` until a non-zero reward (at most `n` steps); returns that reward and the step count. */
export function untilReward(env: Env<Float32Array | Uint8Array, number>, action: number, n: number): { reward: number; terminated: boolean; steps: number } {
  for (let t = 0; t < n; t++) {
    const r = env.step(action);
    if (r.reward !== 0 || r.terminated || r.truncated) return { reward: r.reward, terminated: r.terminated, steps: t + 1 };
  }
  return { reward: 0, terminated: false, steps: n };
}
