/**
 * TimeLimit: truncates an episode after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`). This is where
 * `truncated = true` comes from; envs never truncate themselves. Stepping again after a truncation without
 * `reset()` throws an EnvError, so the "step after the episode ended" rule holds without the checker too.
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { resetNeededError, type AnyEnv, type Env, type EnvSpec, type ResetOptions, type ResetResult, type StepResult, type Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import type { Space } from '../spaces.ts';

/** Options of `timeLimit`. */
export interface TimeLimitOptions {
  /** Steps after which `truncated` becomes true (a positive integer). */
  readonly maxEpisodeSteps: number;
}

/** The TimeLimit wrapper; `elapsedSteps` counts steps since the last reset. */
export class TimeLimit<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly maxEpisodeSteps: number;
  /** Steps since the last reset. */
  elapsedSteps: number;
  private truncatedLast: boolean;

  constructor(env: Env<O, A>, opts: TimeLimitOptions) {
    if (!Number.isInteger(opts.maxEpisodeSteps) || opts.maxEpisodeSteps < 1) {
      throw new ConfigError(`${env.spec.id}: timeLimit maxEpisodeSteps must be a positive integer, received ${opts.maxEpisodeSteps}`);
    }
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = Object.freeze({ ...env.spec, maxEpisodeSteps: opts.maxEpisodeSteps });
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.maxEpisodeSteps = opts.maxEpisodeSteps;
    this.elapsedSteps = 0;
    this.truncatedLast = false;
  }

  /** Resets the inner env and the step count. */
  reset(opts?: ResetOptions): ResetResult<O> {
    const result = this.inner.reset(opts);
    this.elapsedSteps = 0;
    this.truncatedLast = false;
    return result;
  }

  /** Steps the inner env and truncates once `maxEpisodeSteps` steps have elapsed. */
  step(action: A): StepResult<O> {
    if (this.truncatedLast) throw resetNeededError(this.spec.id, this.actionSpace, action, 'truncated');
    const result = this.inner.step(action);
    this.elapsedSteps++;
    if (this.elapsedSteps >= this.maxEpisodeSteps) result.truncated = true;
    this.truncatedLast = result.truncated && !result.terminated;
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

/** Wraps `env` so episodes are truncated after `maxEpisodeSteps` steps. */
export function timeLimit<O, A>(env: Env<O, A>, opts: TimeLimitOptions): TimeLimit<O, A> {
  return new TimeLimit(env, opts);
}
