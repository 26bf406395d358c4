/**
 * Reward wrappers: TransformReward and ClipReward (Gymnasium 1.x).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import type { Space } from '../spaces.ts';

/** Applies `fn` to every reward. */
export class TransformReward<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private readonly fn: (reward: number) => number;

  constructor(env: Env<O, A>, fn: (reward: number) => number) {
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.fn = fn;
  }

  /** Resets the inner env. */
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.inner.reset(opts);
  }

  /** Steps and transforms the reward. */
  step(action: A): StepResult<O> {
    const result = this.inner.step(action);
    result.reward = this.fn(result.reward);
    return result;
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` so rewards pass through `fn`. */
export function transformReward<O, A>(env: Env<O, A>, fn: (reward: number) => number): TransformReward<O, A> {
  return new TransformReward(env, fn);
}

/** Options of `clipReward`. */
export interface ClipRewardOptions {
  /** Lower bound (default -Infinity). */
  readonly minReward?: number;
  /** Upper bound (default +Infinity). */
  readonly maxReward?: number;
}

/** Wraps `env` so rewards are clipped to `[minReward, maxReward]` (e.g. ±1 as in DQN's Atari setup). */
export function clipReward<O, A>(env: Env<O, A>, opts: ClipRewardOptions): TransformReward<O, A> {
  const min = opts.minReward ?? -Infinity;
  const max = opts.maxReward ?? Infinity;
  if (!(min <= max)) throw new ConfigError(`${env.spec.id}: clipReward needs minReward ≤ maxReward, received ${min}, ${max}`);
  return new TransformReward(env, (r) => Math.min(Math.max(r, min), max));
}
