/**
 * RecordEpisodeStatistics: adds `info.episode = { r, l, t }` on the step that ends an episode (return,
 * length, and seconds since the episode's reset), and keeps the last `bufferLength` episodes' values in
 * `returnQueue` / `lengthQueue` / `timeQueue` (Gymnasium's `RecordEpisodeStatistics`, same keys, so CleanRL's
 * `info["episode"]["r"]` reads the same).
 */
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import type { Space } from '../spaces.ts';

/** What `info.episode` holds when an episode ends. */
export interface EpisodeStatistics {
  /** The episode's return (sum of rewards). */
  readonly r: number;
  /** The episode's length in steps. */
  readonly l: number;
  /** Wall-clock seconds since the episode's reset (rounded to microseconds). */
  readonly t: number;
}

/** Options of `recordEpisodeStatistics`. */
export interface RecordEpisodeStatisticsOptions {
  /** How many finished episodes the queues keep (default 100). */
  readonly bufferLength?: number;
}

/** The wrapper; read the running episode from `episodeReturn` / `episodeLength`. */
export class RecordEpisodeStatistics<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly bufferLength: number;
  /** Returns of the last `bufferLength` finished episodes, oldest first. */
  readonly returnQueue: number[];
  /** Lengths of the last `bufferLength` finished episodes. */
  readonly lengthQueue: number[];
  /** Durations (s) of the last `bufferLength` finished episodes. */
  readonly timeQueue: number[];
  /** Number of finished episodes so far. */
  episodeCount: number;
  /** Return of the running episode so far. */
  episodeReturn: number;
  /** Steps in the running episode so far. */
  episodeLength: number;
  private episodeStartMs: number;

  constructor(env: Env<O, A>, opts: RecordEpisodeStatisticsOptions = {}) {
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.bufferLength = opts.bufferLength ?? 100;
    this.returnQueue = [];
    this.lengthQueue = [];
    this.timeQueue = [];
    this.episodeCount = 0;
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStartMs = performance.now();
  }

  /** Resets the inner env and starts a new episode's counters. */
  reset(opts?: ResetOptions): ResetResult<O> {
    const result = this.inner.reset(opts);
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStartMs = performance.now();
    return result;
  }

  /** Steps the inner env; on the last step of an episode, adds `info.episode`. */
  step(action: A): StepResult<O> {
    const result = this.inner.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength++;
    if (result.terminated || result.truncated) {
      const t = Math.round(performance.now() - this.episodeStartMs) / 1000;
      const episode: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t };
      result.info = { ...result.info, episode };
      push(this.returnQueue, episode.r, this.bufferLength);
      push(this.lengthQueue, episode.l, this.bufferLength);
      push(this.timeQueue, episode.t, this.bufferLength);
      this.episodeCount++;
    }
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

function push(queue: number[], value: number, max: number): void {
  queue.push(value);
  if (queue.length > max) queue.shift();
}

/** Wraps `env` so finished episodes report `info.episode = { r, l, t }`. */
export function recordEpisodeStatistics<O, A>(env: Env<O, A>, opts?: RecordEpisodeStatisticsOptions): RecordEpisodeStatistics<O, A> {
  return new RecordEpisodeStatistics(env, opts);
}
