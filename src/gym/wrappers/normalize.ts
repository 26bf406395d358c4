/**
 * Running normalisation of observations and rewards (Gymnasium's `NormalizeObservation`,
 * `NormalizeReward` and `RunningMeanStd`, as used by CleanRL's continuous-control PPO).
 *
 * The statistics are plain data (`getState()` / `setState()`: numbers and number arrays), so a checkpoint can
 * store them in its JSON metadata and evaluation can restore them. Set `updateRunningMean = false` to freeze
 * them (evaluation).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import { box, describeSpace, type BoxSpace, type Space } from '../spaces.ts';

/** The state of a RunningMeanStd as plain, JSON-friendly data. */
export interface RunningMeanStdState {
  readonly mean: readonly number[];
  readonly var: readonly number[];
  readonly count: number;
}

/**
 * Mean and variance of a stream of vectors, merged batch by batch with Chan et al.'s parallel algorithm
 * (https://en.wikipedia.org/wiki/Algorithms_for_calculating_variance#Parallel_algorithm). Starts at mean 0,
 * var 1, count `epsilon` (1e-4), as Gymnasium does. Float64 accumulators.
 */
export class RunningMeanStd {
  mean: Float64Array;
  var: Float64Array;
  count: number;

  constructor(size: number, epsilon = 1e-4) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Merges one sample (a batch of one: batch variance 0). */
  update(x: ArrayLike<number>): void {
    const total = this.count + 1;
    for (let i = 0; i < this.mean.length; i++) {
      const delta = x[i] - this.mean[i];
      const m2 = this.var[i] * this.count + ((delta * delta) * this.count * 1) / total;
      this.mean[i] = this.mean[i] + (delta * 1) / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }

  /** The statistics as plain data. */
  getState(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restores statistics captured by `getState`. */
  setState(state: RunningMeanStdState): void {
    if (state.mean.length !== this.mean.length || state.var.length !== this.var.length || !(state.count > 0)) {
      throw new ConfigError(`RunningMeanStd.setState: expected mean/var of ${this.mean.length} numbers and count > 0, received ${state.mean.length}/${state.var.length}/${state.count}`);
    }
    this.mean = Float64Array.from(state.mean);
    this.var = Float64Array.from(state.var);
    this.count = state.count;
  }
}

/** Options of `normalizeObservation`. */
export interface NormalizeObservationOptions {
  /** Added to the variance before the square root (default 1e-8). */
  readonly epsilon?: number;
}

/** `(obs - mean) / sqrt(var + epsilon)` with running statistics, updated before normalising. */
export class NormalizeObservation<A> implements Wrapper<Float32Array, A> {
  readonly inner: Env<Float32Array, A>;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly rms: RunningMeanStd;
  readonly epsilon: number;
  /** Whether new observations update the statistics (false to freeze them for evaluation). */
  updateRunningMean: boolean;

  constructor(env: Env<Float32Array, A>, opts: NormalizeObservationOptions = {}) {
    const space = env.observationSpace;
    if (space.kind !== 'box' || space.dtype !== 'float32') throw new ConfigError(`${env.spec.id}: normalizeObservation needs a float32 Box observation space, received ${describeSpace(space)}`);
    this.inner = env;
    this.observationSpace = box(-Infinity, Infinity, { shape: space.shape });
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.rms = new RunningMeanStd(space.low.length);
    this.epsilon = opts.epsilon ?? 1e-8;
    this.updateRunningMean = true;
  }

  /** Resets the inner env and normalises the first observation. */
  reset(opts?: ResetOptions): ResetResult<Float32Array> {
    const result = this.inner.reset(opts);
    result.obs = this.normalize(result.obs);
    return result;
  }

  /** Steps the inner env and normalises the observation. */
  step(action: A): StepResult<Float32Array> {
    const result = this.inner.step(action);
    result.obs = this.normalize(result.obs);
    return result;
  }

  private normalize(obs: Float32Array): Float32Array {
    if (this.updateRunningMean) this.rms.update(obs);
    const out = new Float32Array(obs.length);
    const { mean, var: variance } = this.rms;
    for (let i = 0; i < obs.length; i++) out[i] = (obs[i] - mean[i]) / Math.sqrt(variance[i] + this.epsilon);
    return out;
  }

  /** The running statistics as plain data (for checkpoints). */
  getState(): RunningMeanStdState {
    return this.rms.getState();
  }

  /** Restores statistics saved with `getState`. */
  setState(state: RunningMeanStdState): void {
    this.rms.setState(state);
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

/** Wraps `env` so observations are normalised by running mean and variance. */
export function normalizeObservation<A>(env: Env<Float32Array, A>, opts?: NormalizeObservationOptions): NormalizeObservation<A> {
  return new NormalizeObservation(env, opts);
}

/** Options of `normalizeReward`. */
export interface NormalizeRewardOptions {
  /** Discount of the return whose variance is tracked (default 0.99). */
  readonly gamma?: number;
  /** Added to the variance before the square root (default 1e-8). */
  readonly epsilon?: number;
}

/** The state of NormalizeReward as plain data. */
export interface NormalizeRewardState {
  readonly returnRms: RunningMeanStdState;
  readonly discountedReward: number;
}

/**
 * Scales rewards by `1 / sqrt(var(R) + epsilon)`, where R is the running discounted return
 * `R ← R·gamma·(1 - terminated) + reward` (Gymnasium 1.x; the mean is not subtracted, see
 * https://github.com/openai/baselines/issues/538).
 */
export class NormalizeReward<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly returnRms: RunningMeanStd;
  readonly gamma: number;
  readonly epsilon: number;
  /** The running discounted return R. */
  discountedReward: number;
  /** Whether new rewards update the statistics. */
  updateRunningMean: boolean;

  constructor(env: Env<O, A>, opts: NormalizeRewardOptions = {}) {
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.returnRms = new RunningMeanStd(1);
    this.gamma = opts.gamma ?? 0.99;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.discountedReward = 0;
    this.updateRunningMean = true;
  }

  /** Resets the inner env (the discounted return carries over, as in Gymnasium). */
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.inner.reset(opts);
  }

  /** Steps the inner env and scales the reward. */
  step(action: A): StepResult<O> {
    const result = this.inner.step(action);
    this.discountedReward = this.discountedReward * this.gamma * (result.terminated ? 0 : 1) + result.reward;
    if (this.updateRunningMean) this.returnRms.update([this.discountedReward]);
    result.reward = result.reward / Math.sqrt(this.returnRms.var[0] + this.epsilon);
    return result;
  }

  /** The statistics as plain data (for checkpoints). */
  getState(): NormalizeRewardState {
    return { returnRms: this.returnRms.getState(), discountedReward: this.discountedReward };
  }

  /** Restores statistics saved with `getState`. */
  setState(state: NormalizeRewardState): void {
    this.returnRms.setState(state.returnRms);
    this.discountedReward = state.discountedReward;
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

/** Wraps `env` so rewards are scaled by the running standard deviation of the discounted return. */
export function normalizeReward<O, A>(env: Env<O, A>, opts?: NormalizeRewardOptions): NormalizeReward<O, A> {
  return new NormalizeReward(env, opts);
}
