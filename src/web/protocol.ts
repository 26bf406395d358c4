/**
 * The messages between the page (main.ts) and the training worker (worker.ts): plain, cloneable data
 * (STYLE.md §0.3). The page is the clock: it asks for one training iteration or a few display frames
 * per message, so pause, single-step and speed control need nothing from the agents (DESIGN.md, "one
 * loop, two drivers"). Every simulation step, env and network lives in the worker.
 */
import type { ConfigSpec } from '../../agents/common/config.ts';
import type { KeyMap } from '../gym/env.ts';
import type { Scene } from '../gym/scene.ts';
import type { Metrics } from '../core/metrics.ts';

/** How an env is grouped in the picker. */
export type Category = 'robot' | 'classic' | 'board' | 'arcade' | 'other';

/** Display order and titles of the picker groups. */
export const CATEGORIES: ReadonlyArray<{ readonly id: Category; readonly title: string }> = [
  { id: 'robot', title: 'Robot' },
  { id: 'classic', title: 'Classic control' },
  { id: 'board', title: 'Board games' },
  { id: 'arcade', title: 'Arcade' },
  { id: 'other', title: 'Examples and debug' },
];

/** What the picker shows about one registered env. */
export interface EnvInfo {
  readonly id: string;
  readonly category: Category;
  /** `describeSpace` of the observation and action spaces. */
  readonly observation: string;
  readonly action: string;
  readonly rewardThreshold: number | null;
  readonly maxEpisodeSteps: number | null;
  readonly renderFps: number;
  readonly keymap: KeyMap | null;
  /** The Game's title when the id is also a registered Game (click-to-move play). */
  readonly game: string | null;
  /** Per agent name: null when it trains on this env, else why not. */
  readonly support: Readonly<Record<string, string | null>>;
}

/** What the page shows about one agent. */
export interface AgentInfo {
  readonly name: string;
  readonly title: string;
  readonly spaces: string;
  readonly spec: ConfigSpec;
}

/** Everything the pickers need, sent once when the worker starts. */
export interface Catalog {
  readonly envs: readonly EnvInfo[];
  readonly agents: readonly AgentInfo[];
  /** Tuned configs from agents/configs, keyed `<algo>-<envId>`. */
  readonly presets: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Which GEMM kernel the worker runs ('wasm-simd' or 'js'). */
  readonly kernel: string;
  /** Env ids that failed to build, with the error (shown, not fatal). */
  readonly broken: Readonly<Record<string, string>>;
}

/** View speed: real time (training paced to the view), fast (training at full speed, live view), turbo (sample episodes only). */
export type Speed = 'realtime' | 'fast' | 'turbo';

/** A human's action: a discrete index or a box vector. */
export type HumanAction = number | readonly number[];

/** Page → worker. */
export type ToWorker =
  | { readonly type: 'catalog' }
  /** Builds a new run for this env, algo and config (`resume`: continue from the loaded checkpoint); the display env restarts. */
  | { readonly type: 'configure'; readonly runId: number; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly resume: boolean }
  /** Discards the run and any loaded policy; the display plays random actions on `envId`. */
  | { readonly type: 'idle'; readonly envId: string }
  /**
   * Pulls one iteration of the training generator, then steps the display `frames` times with the
   * current policy; `episode` asks for one whole sample episode instead (turbo).
   */
  | { readonly type: 'iterate'; readonly frames: number; readonly episode: boolean }
  /** Steps the display `n` times without training (the policy plays; or the human's action). */
  | { readonly type: 'frames'; readonly n: number; readonly human: HumanAction | null }
  /** Display options. */
  | { readonly type: 'display'; readonly deterministic: boolean }
  /** Asks for a checkpoint of the run (or the loaded file) as .safetensors bytes. */
  | { readonly type: 'save'; readonly reason: 'download' | 'autosave' }
  /** Loads a checkpoint; validates everything before changing anything. */
  | { readonly type: 'load'; readonly bytes: ArrayBuffer; readonly name: string; readonly source: LoadSource }
  /** Asks for weight and activation histograms of the current policy. */
  | { readonly type: 'network' }
  /** Starts a board game against `opponent` ('random', 'greedy', 'minimax:4', 'mcts:200' or 'agent'); the human plays `humanSeat`. */
  | { readonly type: 'board-new'; readonly envId: string; readonly opponent: string; readonly humanSeat: 0 | 1; readonly seed: number }
  /** A click on a scene shape during a board game. */
  | { readonly type: 'board-click'; readonly shapeId: string };

/** Where a checkpoint came from (for messages and persistence). */
export type LoadSource = 'upload' | 'zoo' | 'restore';

/** One displayed frame: the scene and the display episode's return so far. */
export interface Frame {
  readonly scene: Scene;
  readonly ret: number;
  readonly len: number;
}

/** One layer of the network view. */
export interface LayerView {
  /** `actor.0`. */
  readonly name: string;
  /** Weight shape [out, in]. */
  readonly shape: readonly number[];
  readonly weights: Histogram;
  /** Post-activation values on recent observations (null when the layer's input is not the observation chain). */
  readonly activations: Histogram | null;
  /** The activation after this layer ('tanh', 'relu', … or 'linear' for an output layer). */
  readonly activation: string;
}

/** A histogram over [min, max] with equal-width bins. */
export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: readonly number[];
  readonly mean: number;
  readonly std: number;
}

/** Worker → page. */
export type FromWorker =
  | { readonly type: 'catalog'; readonly catalog: Catalog }
  | { readonly type: 'configured'; readonly runId: number; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly totalTimesteps: number; readonly renderFps: number }
  | { readonly type: 'idled'; readonly envId: string; readonly renderFps: number }
  /** `runId` echoes the configure request, so a reply that lands after a reset is recognised as stale. */
  | { readonly type: 'iteration'; readonly runId: number; readonly row: Metrics | null; readonly done: boolean; readonly frames: readonly Frame[]; readonly seconds: number; readonly globalStep: number }
  | { readonly type: 'frames'; readonly frames: readonly Frame[] }
  | { readonly type: 'checkpoint'; readonly reason: 'download' | 'autosave'; readonly bytes: ArrayBuffer; readonly name: string; readonly globalStep: number }
  | { readonly type: 'loaded'; readonly name: string; readonly source: LoadSource; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly renderFps: number; readonly bytes: ArrayBuffer }
  | { readonly type: 'network'; readonly layers: readonly LayerView[]; readonly source: string }
  | { readonly type: 'board'; readonly frames: readonly Frame[]; readonly status: string; readonly over: boolean }
  /** A readable error; `context` says what was being done ('load', 'configure', 'train', …). Nothing changed. */
  | { readonly type: 'error'; readonly context: string; readonly message: string };
