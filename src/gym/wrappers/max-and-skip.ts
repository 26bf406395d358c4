/**
 * MaxAndSkip: repeats each action `skip` times, sums the rewards and returns the element-wise maximum of the
 * last two observations (Mnih et al. 2015's Atari frame skipping, which removes sprite flicker; Gymnasium's
 * `MaxAndSkipObservation`). Stops early when the episode ends; if only one step ran, that observation is
 * returned as is (Gymnasium would mix in a frame from an earlier call).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import { describeSpace, type Space } from '../spaces.ts';

/** Options of `maxAndSkip`. */
export interface MaxAndSkipOptions {
  /** Steps per action (default 4). */
  readonly skip?: number;
}

/** The wrapper. */
export class MaxAndSkip<A> implements Wrapper<Float32Array | Uint8Array, A> {
  readonly inner: Env<Float32Array | Uint8Array, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly skip: number;

  constructor(env: Env<Float32Array | Uint8Array, A>, opts: MaxAndSkipOptions = {}) {
    const skip = opts.skip ?? 4;
    if (!Number.isInteger(skip) || skip < 1) throw new ConfigError(`${env.spec.id}: maxAndSkip skip must be a positive integer, received ${skip}`);
    if (env.observationSpace.kind !== 'box') throw new ConfigError(`${env.spec.id}: maxAndSkip needs a Box observation space, received ${describeSpace(env.observationSpace)}`);
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.skip = skip;
  }

  /** Resets the inner env. */
  reset(opts?: ResetOptions): ResetResult<Float32Array | Uint8Array> {
    return this.inner.reset(opts);
  }

  /** Repeats `action` up to `skip` times; reward summed, observation max-pooled over the last two. */
  step(action: A): StepResult<Float32Array | Uint8Array> {
    let previous: Float32Array | Uint8Array | null = null;
    let total = 0;
    let result = this.inner.step(action);
    total += result.reward;
    for (let i = 1; i < this.skip && !result.terminated && !result.truncated; i++) {
      previous = result.obs;
      result = this.inner.step(action);
      total += result.reward;
    }
    if (previous !== null) {
      const last = result.obs;
      const maxed = last instanceof Uint8Array ? new Uint8Array(last.length) : new Float32Array(last.length);
      for (let j = 0; j < last.length; j++) maxed[j] = Math.max(last[j], previous[j]);
      result.obs = maxed;
    }
    result.reward = total;
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

/** Wraps `env` with frame skipping and max-pooling. */
export function maxAndSkip<A>(env: Env<Float32Array | Uint8Array, A>, opts?: MaxAndSkipOptions): MaxAndSkip<A> {
  return new MaxAndSkip(env, opts);
}
