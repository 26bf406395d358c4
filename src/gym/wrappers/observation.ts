/**
 * Observation wrappers: TransformObservation, FlattenObservation, FrameStack and TimeAwareObservation
 * (Gymnasium 1.x: `TransformObservation`, `FlattenObservation`, `FrameStackObservation`,
 * `TimeAwareObservation`).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import { box, describeSpace, flatten, flattenSpace, type BoxSpace, type Space, type SpaceValue } from '../spaces.ts';

/** Applies `fn` to every observation; `observationSpace` describes the results. */
export class TransformObservation<O, A, IO> implements Wrapper<O, A, IO, A> {
  readonly inner: Env<IO, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private readonly fn: (obs: IO) => O;

  constructor(env: Env<IO, A>, fn: (obs: IO) => O, observationSpace: Space) {
    this.inner = env;
    this.observationSpace = observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.fn = fn;
  }

  /** Resets and transforms the first observation. */
  reset(opts?: ResetOptions): ResetResult<O> {
    const { obs, info, mask } = this.inner.reset(opts);
    return mask === undefined ? { obs: this.fn(obs), info } : { obs: this.fn(obs), info, mask };
  }

  /** Steps and transforms the observation. */
  step(action: A): StepResult<O> {
    const r = this.inner.step(action);
    const out: StepResult<O> = { obs: this.fn(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
    if (r.mask !== undefined) out.mask = r.mask;
    return out;
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

/** Wraps `env` so observations pass through `fn`; give the space of the results. */
export function transformObservation<O, A, IO>(env: Env<IO, A>, fn: (obs: IO) => O, observationSpace: Space): TransformObservation<O, A, IO> {
  return new TransformObservation(env, fn, observationSpace);
}

/** Wraps `env` so observations are flattened into one Float32Array (`flatten`, discrete values one-hot). */
export function flattenObservation<A>(env: Env<SpaceValue, A>): TransformObservation<Float32Array, A, SpaceValue> {
  const space = env.observationSpace;
  return new TransformObservation(env, (obs: SpaceValue) => flatten(space, obs), flattenSpace(space));
}

function requireBox(env: { spec: EnvSpec; observationSpace: Space }, wrapper: string): BoxSpace {
  const space = env.observationSpace;
  if (space.kind !== 'box') throw new ConfigError(`${env.spec.id}: ${wrapper} needs a Box observation space, received ${describeSpace(space)}`);
  return space;
}

/** Options of `frameStack`. */
export interface FrameStackOptions {
  /** Number of most recent observations stacked (≥ 1). */
  readonly stackSize: number;
  /** What fills the stack at reset: copies of the reset observation (default, Gymnasium's "reset") or zeros. */
  readonly padding?: 'reset' | 'zero';
}

/**
 * Stacks the last `stackSize` observations into one of shape `[stackSize, ...shape]`, oldest first
 * (Gymnasium's `FrameStackObservation`). Works for float32 and uint8 boxes.
 */
export class FrameStack<A> implements Wrapper<Float32Array | Uint8Array, A> {
  readonly inner: Env<Float32Array | Uint8Array, A>;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly stackSize: number;
  readonly padding: 'reset' | 'zero';
  private readonly frames: (Float32Array | Uint8Array)[];
  private readonly frameSize: number;

  constructor(env: Env<Float32Array | Uint8Array, A>, opts: FrameStackOptions) {
    const space = requireBox(env, 'frameStack');
    if (!Number.isInteger(opts.stackSize) || opts.stackSize < 1) throw new ConfigError(`${env.spec.id}: frameStack stackSize must be a positive integer, received ${opts.stackSize}`);
    const k = opts.stackSize;
    const n = space.low.length;
    const low = new Float32Array(k * n);
    const high = new Float32Array(k * n);
    for (let i = 0; i < k; i++) {
      low.set(space.low, i * n);
      high.set(space.high, i * n);
    }
    this.inner = env;
    this.observationSpace = box(low, high, { shape: [k, ...space.shape], dtype: space.dtype });
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.stackSize = k;
    this.padding = opts.padding ?? 'reset';
    this.frames = [];
    this.frameSize = n;
  }

  /** Resets and fills the stack with the padding. */
  reset(opts?: ResetOptions): ResetResult<Float32Array | Uint8Array> {
    const result = this.inner.reset(opts);
    this.frames.length = 0;
    const pad = this.padding === 'reset' ? result.obs : result.obs instanceof Uint8Array ? new Uint8Array(this.frameSize) : new Float32Array(this.frameSize);
    for (let i = 0; i < this.stackSize - 1; i++) this.frames.push(pad);
    this.frames.push(result.obs);
    result.obs = this.stacked(result.obs);
    return result;
  }

  /** Steps, pushes the new observation and returns the stack. */
  step(action: A): StepResult<Float32Array | Uint8Array> {
    const result = this.inner.step(action);
    this.frames.shift();
    this.frames.push(result.obs);
    result.obs = this.stacked(result.obs);
    return result;
  }

  private stacked(like: Float32Array | Uint8Array): Float32Array | Uint8Array {
    const out = like instanceof Uint8Array ? new Uint8Array(this.stackSize * this.frameSize) : new Float32Array(this.stackSize * this.frameSize);
    this.frames.forEach((f, i) => out.set(f, i * this.frameSize));
    return out;
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

/** Wraps `env` so each observation is the stack of the last `stackSize` observations. */
export function frameStack<A>(env: Env<Float32Array | Uint8Array, A>, opts: FrameStackOptions): FrameStack<A> {
  return new FrameStack(env, opts);
}

/** Options of `timeAwareObservation`. */
export interface TimeAwareObservationOptions {
  /** Append `elapsed / maxEpisodeSteps` in [0, 1] instead of the raw step count (default false). */
  readonly normalizeTime?: boolean;
  /** The episode limit (default: `env.spec.maxEpisodeSteps`, which must then be set). */
  readonly maxEpisodeSteps?: number;
}

/**
 * Appends the elapsed step count (or its fraction of the limit) to a flat float32 observation, so a policy
 * can see how much time is left (Pardo et al. 2018, "Time limits in reinforcement learning",
 * https://arxiv.org/abs/1712.00378; Gymnasium's `TimeAwareObservation` with `flatten=True`).
 */
export class TimeAwareObservation<A> implements Wrapper<Float32Array, A> {
  readonly inner: Env<Float32Array, A>;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly maxEpisodeSteps: number;
  readonly normalizeTime: boolean;
  /** Steps since the last reset. */
  elapsedSteps: number;

  constructor(env: Env<Float32Array, A>, opts: TimeAwareObservationOptions = {}) {
    const space = requireBox(env, 'timeAwareObservation');
    if (space.dtype !== 'float32') throw new ConfigError(`${env.spec.id}: timeAwareObservation needs a float32 Box, received ${describeSpace(space)}`);
    const max = opts.maxEpisodeSteps ?? env.spec.maxEpisodeSteps;
    if (max === null || !Number.isInteger(max) || max < 1) throw new ConfigError(`${env.spec.id}: timeAwareObservation needs maxEpisodeSteps (from the spec or the options), received ${max}`);
    this.normalizeTime = opts.normalizeTime ?? false;
    const n = space.low.length;
    const low = new Float32Array(n + 1);
    const high = new Float32Array(n + 1);
    low.set(space.low);
    high.set(space.high);
    high[n] = this.normalizeTime ? 1 : max;
    this.inner = env;
    this.observationSpace = box(low, high);
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.maxEpisodeSteps = max;
    this.elapsedSteps = 0;
  }

  /** Resets; the time feature starts at 0. */
  reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const result = this.inner.reset(opts);
    this.elapsedSteps = 0;
    result.obs = this.withTime(result.obs);
    return result;
  }

  /** Steps and appends the time feature. */
  step(action: A): StepResult<Float32Array> {
    const result = this.inner.step(action);
    this.elapsedSteps++;
    result.obs = this.withTime(result.obs);
    return result;
  }

  private withTime(obs: Float32Array): Float32Array {
    const out = new Float32Array(obs.length + 1);
    out.set(obs);
    out[obs.length] = this.normalizeTime ? this.elapsedSteps / this.maxEpisodeSteps : this.elapsedSteps;
    return out;
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

/** Wraps `env` so observations end with the elapsed time. */
export function timeAwareObservation<A>(env: Env<Float32Array, A>, opts?: TimeAwareObservationOptions): TimeAwareObservation<A> {
  return new TimeAwareObservation(env, opts);
}
