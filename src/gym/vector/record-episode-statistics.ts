/**
 * RecordVectorEpisodeStatistics: a VectorEnv (in this thread or on workers) that also reports the episodes
 * that ended at each step, with the return and length of the raw rewards and the copy's final info
 * (Gymnasium's `wrappers.vector.RecordEpisodeStatistics`). Agents step their envs through it, so every
 * agent counts episodes the same way, whatever normalisation it applies to the rewards it learns from.
 */
import type { Rng } from '../../core/rng.ts';
import type { EnvSpec, Info } from '../env.ts';
import type { Space } from '../spaces.ts';
import type { AttrValue, CopyGroup, VectorActions, VectorEnv, VectorResetOptions, VectorResetResult, VectorStepResult } from './vector-env.ts';

/** An episode that ended at a step: the copy, its return and length, and its final info. */
export interface FinishedEpisode {
  /** Which copy finished. */
  readonly index: number;
  /** The sum of the episode's rewards. */
  readonly r: number;
  /** The episode's length in steps. */
  readonly l: number;
  /** The info of the episode's last step. */
  readonly info: Info;
}

/** A vector step with the episodes that ended at it, in copy order. */
export interface EpisodeStepResult extends VectorStepResult {
  episodes: FinishedEpisode[];
}

/** The wrapper; `inner` is the wrapped vector env. */
export class RecordVectorEpisodeStatistics implements VectorEnv {
  readonly inner: VectorEnv;
  readonly numEnvs: number;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly actionRng: Rng;
  readonly groups: readonly CopyGroup[];
  /** Return of each copy's running episode so far. */
  readonly episodeReturns: Float64Array;
  /** Steps of each copy's running episode so far. */
  readonly episodeLengths: Int32Array;

  constructor(env: VectorEnv) {
    this.inner = env;
    this.numEnvs = env.numEnvs;
    this.spec = env.spec;
    this.singleObservationSpace = env.singleObservationSpace;
    this.singleActionSpace = env.singleActionSpace;
    this.obsDim = env.obsDim;
    this.actionDim = env.actionDim;
    this.actionRng = env.actionRng;
    this.groups = env.groups;
    this.episodeReturns = new Float64Array(env.numEnvs);
    this.episodeLengths = new Int32Array(env.numEnvs);
  }

  /** Resets every copy and starts every copy's episode counters afresh. */
  async reset(opts?: VectorResetOptions): Promise<VectorResetResult> {
    const result = await this.inner.reset(opts);
    this.episodeReturns.fill(0);
    this.episodeLengths.fill(0);
    return result;
  }

  /** Steps every copy; a copy that finished contributes its episode and starts counting again. */
  async step(actions: VectorActions): Promise<EpisodeStepResult> {
    return this.record(await this.inner.step(actions), 0);
  }

  /** Starts a step of one group of copies (see `VectorEnv.stepAsync`). */
  stepAsync(group: number, actions: VectorActions): void {
    this.inner.stepAsync(group, actions);
  }

  /** The group's step, with the episodes that ended at it (`index` is the copy's index in the whole vector). */
  async stepWait(group: number): Promise<EpisodeStepResult> {
    const result = await this.inner.stepWait(group);
    return this.record(result, this.groups[group].first);
  }

  /** Counts a step of the copies from `first` on (one row each in `result`) and lists the episodes that ended. */
  private record(result: VectorStepResult, first: number): EpisodeStepResult {
    const episodes: FinishedEpisode[] = [];
    for (let j = 0; j < result.rewards.length; j++) {
      const i = first + j;
      this.episodeReturns[i] += result.rewards[j];
      this.episodeLengths[i] += 1;
      if (result.terminated[j] === 1 || result.truncated[j] === 1) {
        episodes.push({ index: i, r: this.episodeReturns[i], l: this.episodeLengths[i], info: result.finalInfos[j] ?? {} });
        this.episodeReturns[i] = 0;
        this.episodeLengths[i] = 0;
      }
    }
    return { ...result, episodes };
  }

  /** Sets an attribute of every copy (the inner vector env's `setAttr`). */
  setAttr(name: string, value: AttrValue): Promise<void> {
    return this.inner.setAttr(name, value);
  }

  /** Closes the inner vector env. */
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Wraps `env` so each step also returns the episodes that ended at it. */
export function recordVectorEpisodeStatistics(env: VectorEnv): RecordVectorEpisodeStatistics {
  return new RecordVectorEpisodeStatistics(env);
}
