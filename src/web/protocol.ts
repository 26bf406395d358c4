/**
 * The messages between the page (main.ts) and its two workers: plain, cloneable data.
 *
 * - The training worker (worker.ts) owns the run and trains on its own clock: the page says `run`,
 *   `pause` or `step`, and gets a metrics row per iteration. It never waits for the view, so a hidden
 *   tab (no animation frames) keeps training.
 * - The view worker (view-worker.ts) owns the display env and plays the latest policy snapshot, which
 *   the training worker sends it straight through a MessagePort. The page asks it for frames on the
 *   page's animation clock, so the view keeps moving while a long iteration runs, and stops costing
 *   anything when the tab is hidden.
 *
 * Every simulation step, env and network lives in a worker; the page only draws and charts.
 */
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import type { ConfigSpec } from '../../agents/common/config.ts';
import type { KeyMap } from '../gym/env.ts';
import type { Scene } from '../gym/scene.ts';
import type { Metrics } from '../core/metrics.ts';

/** How an env is grouped in the picker. */
export type Category = 'robot' | 'classic' | 'board' | 'arcade' | 'art' | 'other';

/** Display order and titles of the picker groups. */
export const CATEGORIES: ReadonlyArray<{ readonly id: Category; readonly title: string }> = [
  { id: 'robot', title: 'Robot' },
  { id: 'classic', title: 'Classic control' },
  { id: 'board', title: 'Board games' },
  { id: 'arcade', title: 'Arcade' },
  { id: 'art', title: 'Art' },
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
  /** The env kwargs of the presets that name some (`envKwargs` in the file), by the same key. */
  readonly presetKwargs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Which GEMM kernel the worker runs ('wasm-simd' or 'js'). */
  readonly kernel: string;
  /** Env ids that failed to build, with the error (shown, not fatal). */
  readonly broken: Readonly<Record<string, string>>;
}

/**
 * Training speed. Real time: at most one iteration per second, so each update can be watched; fast:
 * training at full speed while the view plays the latest policy live; turbo: training at full speed
 * and the view shows a fresh sample episode every few seconds. Training never waits for the view,
 * so a hidden tab trains on in every speed.
 */
export type Speed = 'realtime' | 'fast' | 'turbo';

/** A human's action: a discrete index or a box vector. */
export type HumanAction = number | readonly number[];

/**
 * Page → training worker. The worker trains on its own clock once told to `run`: it pulls one
 * iteration after another, yielding between them so that `pause`, `speed`, `save` and the rest are
 * answered at the next iteration boundary.
 */
export type ToWorker =
  | { readonly type: 'catalog' }
  /** The port to the view worker: policy snapshots go there (sent once per training worker). */
  | { readonly type: 'connect'; readonly port: MessagePort }
  /**
   * Builds a new run for this env, algo and config (`resume`: continue from the loaded checkpoint); the
   * display env restarts. `workers` > 0 steps the run's env copies on that many env workers (`--workers`).
   */
  | { readonly type: 'configure'; readonly runId: number; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly resume: boolean; readonly workers: number }
  /** Discards the run and any loaded policy; the display plays random actions on `envId`. */
  | { readonly type: 'idle'; readonly envId: string }
  /** Trains iteration after iteration until paused or finished. */
  | { readonly type: 'run'; readonly speed: Speed }
  /** Stops after the iteration in progress; answered with `paused`. */
  | { readonly type: 'pause' }
  /** One iteration, then stop. */
  | { readonly type: 'step' }
  | { readonly type: 'speed'; readonly speed: Speed }
  /** Changes fields of the run's config that its training loop reads every iteration (describe.ts LIVE_FIELDS); they act from the next iteration. */
  | { readonly type: 'tune'; readonly values: Readonly<Record<string, unknown>> }
  /** Asks for a checkpoint of the run (or the loaded file) as .safetensors bytes. */
  | { readonly type: 'save'; readonly reason: 'download' | 'autosave' }
  /** Loads a checkpoint; validates everything before changing anything. */
  | { readonly type: 'load'; readonly bytes: ArrayBuffer; readonly name: string; readonly source: LoadSource };

/** Where a checkpoint came from (for messages and persistence). */
export type LoadSource = 'upload' | 'zoo' | 'restore' | 'run';

/** One displayed frame: the scene and the display episode's return so far; `display` names the display env it came from. */
export interface Frame {
  readonly scene: Scene;
  readonly ret: number;
  readonly len: number;
  readonly display: number;
  /** How the episode ended at this frame (its last one), or null while it runs. */
  readonly end: 'terminated' | 'truncated' | null;
  /** The policy took its most likely actions (false: sampled them). */
  readonly greedy: boolean;
  /** What the policy computed on the observation it acted on to reach this frame (null: random actions, a human, a reset). */
  readonly mind: Mind | null;
}

/**
 * The agent's mind at one step (mind.ts): `probs` holds π(a|s) per action (over the legal ones), `q` the
 * Q-values, `box` the action's mean (or deterministic value) per dimension with σ in `spread`; `action` is the
 * action taken; `value` the critic's estimate (labelled by `valueLabel`), or null when the policy has no critic.
 */
export interface Mind {
  readonly kind: 'probs' | 'q' | 'box';
  readonly values: readonly number[];
  readonly spread: readonly number[] | null;
  /** A box's bounds per dimension. */
  readonly low: readonly number[] | null;
  readonly high: readonly number[] | null;
  readonly action: readonly number[];
  readonly value: number | null;
  readonly valueLabel: string;
  /** What the numbers are, in a sentence. */
  readonly note: string;
}

/** A frame before the view worker stamps it with its display id. */
export type BareFrame = Omit<Frame, 'display'>;

/**
 * Training worker → view worker (through the port): what the view plays. Sent when a run starts, at
 * most once a second while it trains (and after its last iteration), when a checkpoint is loaded, and
 * when the page goes idle (no policy: random actions). `payload` is a full checkpoint (`TrainRun.checkpoint()`),
 * so the view worker always holds the latest resumable state of the run, too.
 */
export interface PolicySnapshot {
  readonly type: 'policy';
  readonly envId: string;
  readonly envKwargs: Readonly<Record<string, unknown>>;
  readonly algo: string | null;
  readonly payload: CheckpointPayload | null;
  readonly source: 'run' | 'checkpoint' | 'none';
  /** The run's id, or -1. */
  readonly runId: number;
  readonly globalStep: number;
}

/** Page → view worker. */
export type ToView =
  /** The port from the training worker (replaces the previous one when the training worker is restarted). */
  | { readonly type: 'connect'; readonly port: MessagePort }
  /** Steps the display `n` times (the policy plays; or the human's action). */
  | { readonly type: 'frames'; readonly n: number; readonly human: HumanAction | null }
  /** One whole sample episode of the current policy from a fresh start (turbo). */
  | { readonly type: 'episode'; readonly cap: number }
  /** Display options. */
  | { readonly type: 'display'; readonly deterministic: boolean }
  /** Asks for weight and activation histograms of the policy being played. */
  | { readonly type: 'network' }
  /** The latest snapshot of the run as .safetensors bytes (to keep a run the page is about to leave). */
  | { readonly type: 'snapshot'; readonly runId: number }
  /** Starts a board game against `opponent` ('random', 'greedy', 'minimax:4', 'mcts:200' or 'agent'); the human plays `humanSeat`. */
  | { readonly type: 'board-new'; readonly envId: string; readonly opponent: string; readonly humanSeat: 0 | 1; readonly seed: number }
  /** A click on a scene shape during a board game. */
  | { readonly type: 'board-click'; readonly shapeId: string }
  /** Exports the policy being played (the run's latest snapshot or the loaded checkpoint) as ONNX; answered with `onnx`. */
  | { readonly type: 'export-onnx' }
  /** Plays the policy through onnxruntime-web (its deterministic action output) instead of our core, or back; the display restarts. */
  | { readonly type: 'onnx-runtime'; readonly on: boolean };

/** View worker → page. */
export type FromView =
  | { readonly type: 'frames'; readonly frames: readonly Frame[] }
  /** The display env changed (a new run, a loaded checkpoint, idle): the renderer starts afresh. */
  | { readonly type: 'display'; readonly display: number; readonly envId: string; readonly renderFps: number; readonly source: PolicySnapshot['source']; readonly runId: number }
  | { readonly type: 'network'; readonly layers: readonly LayerView[]; readonly source: string }
  | { readonly type: 'snapshot'; readonly runId: number; readonly bytes: ArrayBuffer | null; readonly globalStep: number }
  | { readonly type: 'board'; readonly frames: readonly Frame[]; readonly status: string; readonly over: boolean }
  /** The exported model, to download as `name` (`<env>.<algo>.onnx`). */
  | { readonly type: 'onnx'; readonly name: string; readonly bytes: ArrayBuffer }
  /** Who computes the display's actions now: our core, or ONNX Runtime (its session built for the policy being played). */
  | { readonly type: 'engine'; readonly engine: 'core' | 'onnx-runtime' }
  | { readonly type: 'error'; readonly context: string; readonly message: string };

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

/** Training worker → page. */
export type FromWorker =
  | { readonly type: 'catalog'; readonly catalog: Catalog }
  /** A run was built; `globalStep` is where it starts (0, or the step of the checkpoint it continues, when `resumed`). */
  | { readonly type: 'configured'; readonly runId: number; readonly resumed: boolean; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly envKwargs: Readonly<Record<string, unknown>>; readonly totalTimesteps: number; readonly renderFps: number; readonly globalStep: number }
  | { readonly type: 'idled'; readonly envId: string; readonly renderFps: number }
  /** `runId` echoes the configure request, so a reply that lands after a reset is recognised as stale. */
  | { readonly type: 'iteration'; readonly runId: number; readonly row: Metrics | null; readonly done: boolean; readonly seconds: number; readonly globalStep: number }
  /**
   * Progress inside a long iteration (at most ~8 a second): env steps collected so far in this iteration,
   * of `rolloutSteps` when the config says how many an iteration collects (on-policy agents), else null.
   * `phase` turns to 'update' once the rollout is complete (its size known) and the networks update;
   * `epoch` of `epochs` says which update epoch runs (PPO), else null.
   */
  | { readonly type: 'progress'; readonly runId: number; readonly phase: 'rollout' | 'update'; readonly collected: number; readonly rolloutSteps: number | null; readonly epoch: number | null; readonly epochs: number | null; readonly seconds: number }
  /** The worker stopped training (a `pause` or `step` was answered, or the run finished). */
  | { readonly type: 'stopped'; readonly runId: number; readonly finished: boolean }
  | { readonly type: 'checkpoint'; readonly reason: 'download' | 'autosave'; readonly bytes: ArrayBuffer; readonly name: string; readonly globalStep: number }
  /**
   * A checkpoint was loaded; `observation` and `action` describe the spaces of the env as the policy sees
   * it (its kwargs: pixels or features); `globalStep` is the step it was saved at (-1 when it does not say).
   */
  | { readonly type: 'loaded'; readonly name: string; readonly source: LoadSource; readonly envId: string; readonly algo: string; readonly config: Readonly<Record<string, unknown>>; readonly renderFps: number; readonly bytes: ArrayBuffer; readonly observation: string; readonly action: string; readonly envKwargs: Readonly<Record<string, unknown>>; readonly globalStep: number }
  /** A readable error; `context` says what was being done ('load', 'configure', 'train', …). Nothing changed. */
  | { readonly type: 'error'; readonly context: string; readonly message: string };
