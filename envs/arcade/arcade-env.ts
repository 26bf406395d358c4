/**
 * The shared driver of the arcade games: one `ArcadeEnv` turns a game's fixed-step logic (`ArcadeGame`)
 * into an Env, in one of two observation modes chosen by the `obs` kwarg (the way ALE v5 takes `obs_type`
 * and `frameskip` as env arguments: https://ale.farama.org/environments/).
 *
 * - `obs: 'features'`: the game's small Float32Array (positions, velocities, or the grid for Snake), with a
 *   Box of true bounds.
 * - `obs: 'pixels'`: the game's Scene rasterized at `screenWidth×screenHeight` (84×84 grayscale by default;
 *   `rgb: true` for colour), the Atari preprocessing of Mnih et al. (2015) and Machado et al. (2018):
 *   frame skip with max-pooling over the last two frames, sticky actions, and a stack of the last 4 frames.
 *   `supersample: f` renders at f× the size and shrinks each f×f block (`downscale`: mean or max), as
 *   Atari's preprocessing area-resizes its screen; a small screen then still shows a sub-pixel ball.
 *
 * Every game advances in fixed frames (no wall clock). One env step runs `frameSkip` frames under the same
 * action and sums their rewards, in both modes, so a game plays the same whatever it is observed through.
 * With `repeatActionProbability` p > 0, each frame keeps the previous frame's action with probability p
 * (ALE's sticky actions, drawn per frame from the env's own sticky stream, re-seeded by `reset({ seed })`).
 * Pixels mode renders only the two frames it max-pools; a skip cut short by the end of the game returns its
 * last frame. With `frameStack` k > 1 the observation is the last k frames, oldest first, and a reset fills
 * the stack with copies of the first frame.
 *
 * Why one driver instead of the stock wrappers (`maxAndSkip`, `stickyAction`, `frameStack`,
 * `pixelObservation`): they compute the same things (and `tests/envs/arcade` checks that stacking matches
 * `frameStack`), but composed they rasterize every skipped frame, convert RGB to luma per pixel and
 * allocate a frame and a stack per step, which held Breakout under the 10k steps/s target. ALE itself does
 * frame skip and sticky actions inside the environment, like this driver.
 *
 * Pixel observations are channel-first: `[H, W]` per grayscale frame and `[3, H, W]` per RGB frame, so
 * the stacked observation is `[4, 84, 84]` (CleanRL's Atari shape) or `[4, 3, H, W]`, which a CNN reads as
 * `[4·3, H, W]` without a copy.
 */
import { ConfigError, describe } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import {
  actionError,
  actionSeed,
  parseKwargs,
  assertCanStep,
  seedEnv,
  type Env,
  type EpisodePhase,
  type EnvSpec,
  type Info,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from '../../src/gym/env.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';
import { FrameRasterizer } from './pixels.ts';

/** What a game implements: fixed-step logic over its own state, a feature vector and a Scene. */
export interface ArcadeGame {
  /** Number of discrete actions; action 0 is always "no-op". */
  readonly numActions: number;
  /** The feature vector's Box (float32, true bounds). */
  readonly featureSpace: BoxSpace;
  /** True once the game has ended (a terminal state). */
  readonly over: boolean;
  /** Starts a new game, drawing every random choice from `rng`. */
  reset(rng: Rng): void;
  /** Advances one frame under `action` (already validated) and returns the frame's reward. */
  tick(action: number, rng: Rng): number;
  /** Writes the features into `out` (length = featureSpace size). */
  writeFeatures(out: Float32Array): void;
  /** Per-step facts for `info` (score, lives, …); a fresh small object. */
  info(): Info;
  /** The current frame as a Scene with stable shape ids. */
  render(): Scene;
}

/** The observation mode. */
export type ArcadeObs = 'features' | 'pixels';

/** The kwargs every arcade game takes, on top of its own. */
export interface ArcadeOptions {
  /** `'features'` (default) or `'pixels'`. */
  obs: ArcadeObs;
  /** Frames per env step, rewards summed (per-game default: 4 for the 60 Hz games, 1 for grid games). */
  frameSkip: number;
  /** Probability that a frame repeats the previous frame's action (default 0 for features; pixels: per game). */
  repeatActionProbability: number;
  /** Frames stacked into one observation, oldest first (default 4 for pixels, 1 for features). */
  frameStack: number;
  /** Pixel observation width (default 84). */
  screenWidth: number;
  /** Pixel observation height (default 84). */
  screenHeight: number;
  /** Three colour planes instead of one luma plane (default false). */
  rgb: boolean;
  /**
   * Render at `supersample`× the screen size and shrink each `supersample`² block to one pixel (default 1:
   * render at the screen size, one sample per pixel centre). Atari's preprocessing shrinks the 210×160 screen
   * the same way (`cv2.INTER_AREA`), so a sprite smaller than a pixel still shows instead of flickering
   * between being sampled and missed.
   */
  supersample: number;
  /** How a supersampled block becomes one pixel: `'area'` (its mean, rounded; the default) or `'max'` (its brightest sample). */
  downscale: ArcadeDownscale;
}

/** How `supersample` blocks are reduced. */
export type ArcadeDownscale = 'area' | 'max';

/** Per-game defaults that depend on the game's clock. */
export interface ArcadeModeDefaults {
  readonly frameSkip: number;
  /** Sticky-action probability in pixels mode (features mode defaults to 0). */
  readonly pixelsRepeatActionProbability: number;
}

/** The defaults of the shared kwargs for one mode. */
export function arcadeDefaults(obs: ArcadeObs, game: ArcadeModeDefaults): ArcadeOptions {
  const pixels = obs === 'pixels';
  return {
    obs,
    frameSkip: game.frameSkip,
    repeatActionProbability: pixels ? game.pixelsRepeatActionProbability : 0,
    frameStack: pixels ? 4 : 1,
    screenWidth: 84,
    screenHeight: 84,
    rgb: false,
    supersample: 1,
    downscale: 'area',
  };
}

/**
 * Reads an arcade env's kwargs: the shared ones (whose defaults depend on `obs`) and the game's own.
 * Unknown keys, wrong types and out-of-range values throw a ConfigError naming the env.
 */
export function parseArcadeKwargs<T extends Record<string, number | boolean | string>>(
  envId: string,
  kwargs: Readonly<Record<string, unknown>>,
  gameDefaults: T,
  modeDefaults: ArcadeModeDefaults,
): { game: T; arcade: ArcadeOptions } {
  const obs = kwargs.obs ?? 'features';
  if (obs !== 'features' && obs !== 'pixels') throw new ConfigError(`${envId}: kwarg "obs" must be "features" or "pixels", received ${describe(obs)}`);
  const shared = arcadeDefaults(obs, modeDefaults);
  const all = parseKwargs(envId, kwargs, { ...gameDefaults, ...shared });
  const arcade: ArcadeOptions = {
    obs,
    frameSkip: all.frameSkip,
    repeatActionProbability: all.repeatActionProbability,
    frameStack: all.frameStack,
    screenWidth: all.screenWidth,
    screenHeight: all.screenHeight,
    rgb: all.rgb,
    supersample: all.supersample,
    downscale: all.downscale as ArcadeDownscale,
  };
  const positiveInt = (key: 'frameSkip' | 'frameStack' | 'screenWidth' | 'screenHeight' | 'supersample', max: number): void => {
    const v = arcade[key];
    if (!Number.isInteger(v) || v < 1 || v > max) throw new ConfigError(`${envId}: kwarg "${key}" must be an integer in [1, ${max}], received ${v}`);
  };
  positiveInt('frameSkip', 64);
  positiveInt('frameStack', 64);
  positiveInt('screenWidth', 1024);
  positiveInt('screenHeight', 1024);
  positiveInt('supersample', 8);
  if (arcade.screenWidth * arcade.supersample > 4096 || arcade.screenHeight * arcade.supersample > 4096) {
    throw new ConfigError(`${envId}: kwarg "supersample" renders at most 4096 pixels a side, received ${arcade.supersample}× ${arcade.screenWidth}×${arcade.screenHeight}`);
  }
  if (arcade.downscale !== 'area' && arcade.downscale !== 'max') throw new ConfigError(`${envId}: kwarg "downscale" must be "area" or "max", received ${describe(arcade.downscale)}`);
  const p = arcade.repeatActionProbability;
  if (!(p >= 0 && p < 1)) throw new ConfigError(`${envId}: kwarg "repeatActionProbability" must be in [0, 1), received ${p}`);
  const game = { ...gameDefaults };
  for (const key of Object.keys(gameDefaults) as (keyof T)[]) game[key] = all[key];
  return { game, arcade };
}

/** An arcade game as an Env (see the file header for the two modes). `game` is public for tests and tools. */
export class ArcadeEnv<G extends ArcadeGame> implements Env<Float32Array | Uint8Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: ArcadeEnv<G>;
  /** The game's random stream (serves, spawns). */
  readonly rng: Rng;
  /** The stream deciding when actions stick. */
  readonly stickyRng: Rng;
  readonly game: G;
  readonly options: Readonly<ArcadeOptions>;
  private readonly raster: FrameRasterizer | null;
  /** Values per frame (features, or pixels of all channels). */
  private readonly frameSize: number;
  /** The last `frameStack` frames, oldest first (only used when frameStack > 1). */
  private readonly history: Float32Array | Uint8Array;
  /** The newest frame's slot in `history`. */
  private readonly latest: Float32Array | Uint8Array;
  /** Scratch frame for max-pooling (pixels mode). */
  private readonly previous: Uint8Array;
  /** The supersampled render (pixels mode with `supersample` > 1), shrunk into each frame. */
  private readonly big: Uint8Array | null;
  private readonly pool: ObsPool;
  private lastAction: number;
  private phase: EpisodePhase;

  constructor(game: G, options: ArcadeOptions, spec: EnvSpec) {
    this.game = game;
    this.options = Object.freeze({ ...options });
    this.spec = spec;
    this.actionSpace = discrete(game.numActions);
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.stickyRng = new Rng(2);
    this.unwrapped = this;
    const k = options.frameStack;
    let frameSpace: BoxSpace;
    if (options.obs === 'pixels') {
      const { screenWidth: w, screenHeight: h, rgb, supersample: f } = options;
      this.raster = new FrameRasterizer(w * f, h * f, rgb);
      frameSpace = box(0, 255, { shape: rgb ? [3, h, w] : [h, w], dtype: 'uint8' });
    } else {
      this.raster = null;
      frameSpace = game.featureSpace;
    }
    this.frameSize = frameSpace.low.length;
    this.observationSpace = k === 1 ? frameSpace : stackSpace(frameSpace, k);
    const pixels = this.raster !== null;
    this.history = pixels ? new Uint8Array(k > 1 ? k * this.frameSize : 0) : new Float32Array(k > 1 ? k * this.frameSize : 0);
    this.latest = this.history.subarray((k - 1) * this.frameSize);
    this.previous = new Uint8Array(pixels ? this.frameSize : 0);
    this.big = pixels && options.supersample > 1 ? new Uint8Array(this.frameSize * options.supersample ** 2) : null;
    this.pool = new ObsPool(this.observationSpace.low.length);
    this.lastAction = 0;
    this.phase = 'needs-reset';
    game.reset(this.rng);
  }

  /** Starts a new game; a seed re-seeds the game, action and sticky streams. A stack starts as copies of the first frame. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array | Uint8Array> {
    if (opts.seed !== undefined) {
      seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
      this.stickyRng.seed(actionSeed(opts.seed) + 1);
    }
    this.game.reset(this.rng);
    this.lastAction = 0;
    this.phase = 'running';
    if (this.options.frameStack === 1) return { obs: this.observe(this.newObs(), false), info: this.game.info() };
    this.observe(this.latest, false);
    for (let i = 0; i < this.options.frameStack - 1; i++) this.history.set(this.latest, i * this.frameSize);
    return { obs: this.stacked(), info: this.game.info() };
  }

  /** Runs `frameSkip` frames under `action` (sticky per frame), summing rewards. */
  step(action: number): StepResult<Float32Array | Uint8Array> {
    assertCanStep(this, this.phase, action);
    if (!Number.isInteger(action) || action < 0 || action >= this.actionSpace.n) throw actionError(this.spec.id, this.actionSpace, action);
    const game = this.game;
    const skip = this.options.frameSkip;
    const p = this.options.repeatActionProbability;
    const raster = this.raster;
    let pooled = false;
    let reward = 0;
    for (let i = 0; i < skip; i++) {
      let a = action;
      if (p > 0) {
        if (this.stickyRng.random() < p) a = this.lastAction;
        this.lastAction = a;
      }
      reward += game.tick(a, this.rng);
      if (game.over) break;
      if (raster !== null && i === skip - 2) {
        this.draw(this.previous);
        pooled = true;
      }
    }
    const terminated = game.over;
    if (terminated) this.phase = 'terminated';
    let obs: Float32Array | Uint8Array;
    if (this.options.frameStack === 1) obs = this.observe(this.newObs(), pooled);
    else {
      this.history.copyWithin(0, this.frameSize);
      this.observe(this.latest, pooled);
      obs = this.stacked();
    }
    return { obs, reward, terminated, truncated: false, info: game.info() };
  }

  /** Writes the current frame into `out` (fresh zeros or the stack's slot; max-pooled with `previous` if `pooled`) and returns it. */
  private observe<T extends Float32Array | Uint8Array>(out: T, pooled: boolean): T {
    if (this.raster === null) {
      if (out === this.latest) out.fill(0);
      this.game.writeFeatures(out as Float32Array);
      return out;
    }
    this.draw(out as Uint8Array);
    if (pooled) maxInto(out as Uint8Array, this.previous);
    return out;
  }

  /** Rasterizes the current frame into `out` (one frame of the observation), through the supersampled render if there is one. */
  private draw(out: Uint8Array): void {
    const raster = this.raster as FrameRasterizer;
    if (this.big === null) {
      raster.draw(this.game.render(), out);
      return;
    }
    raster.draw(this.game.render(), this.big);
    const { screenWidth: w, supersample: f, downscale } = this.options;
    shrink(this.big, out, w, out.length / w, f, downscale);
  }

  /** A fresh zeroed observation array of the observation space's size. */
  private newObs(): Float32Array | Uint8Array {
    return this.raster === null ? this.pool.float32() : this.pool.uint8();
  }

  /** A fresh copy of the stack. */
  private stacked(): Float32Array | Uint8Array {
    const out = this.newObs();
    out.set(this.history);
    return out;
  }

  /** The game's current frame. */
  render(): Scene {
    return this.game.render();
  }

  /** Nothing to free. */
  close(): void {}
}

/** The Box of `k` stacked frames of `space`: shape `[k, ...shape]`, bounds repeated (as `frameStack`). */
function stackSpace(space: BoxSpace, k: number): BoxSpace {
  const n = space.low.length;
  const low = new Float32Array(k * n);
  const high = new Float32Array(k * n);
  for (let i = 0; i < k; i++) {
    low.set(space.low, i * n);
    high.set(space.high, i * n);
  }
  return box(low, high, { shape: [k, ...space.shape], dtype: space.dtype });
}

/**
 * Hands out fresh observation arrays without a heap allocation per step. V8 allocates typed arrays of more
 * than 64 bytes outside the heap, which costs more than a whole game frame (a 300-float Snake grid took
 * ≈ 1 µs); so bigger observations are carved from 64 KiB chunks, one view each. Every observation is still a
 * new array that is never written again (replay buffers and `frameStack` may keep it); only its `.buffer` is
 * shared with its chunk neighbours, so copy it (`obs.slice()`) before transferring that buffer to a worker.
 */
class ObsPool {
  private readonly size: number;
  private chunk: ArrayBuffer;
  private offset: number;

  constructor(size: number) {
    this.size = size;
    this.chunk = new ArrayBuffer(0);
    this.offset = 0;
  }

  /** A new Float32Array of `size` zeros. */
  float32(): Float32Array {
    if (this.size <= 16) return new Float32Array(this.size);
    const bytes = 4 * this.size;
    if (this.offset + bytes > this.chunk.byteLength) this.refill(bytes);
    const out = new Float32Array(this.chunk, this.offset, this.size);
    this.offset += bytes;
    return out;
  }

  /** A new Uint8Array of `size` zeros. */
  uint8(): Uint8Array {
    if (this.size <= 64) return new Uint8Array(this.size);
    if (this.offset + this.size > this.chunk.byteLength) this.refill(this.size);
    const out = new Uint8Array(this.chunk, this.offset, this.size);
    this.offset += this.size;
    return out;
  }

  private refill(bytes: number): void {
    this.chunk = new ArrayBuffer(bytes * Math.max(8, Math.floor(65536 / bytes)));
    this.offset = 0;
  }
}

/**
 * `out[i] = max(out[i], other[i])`: max-pooling over two frames removes sprite flicker (Mnih et al. 2015).
 * Consecutive frames are mostly equal, so 4-byte words are compared first and only differing ones are
 * pooled byte by byte.
 */
function maxInto(out: Uint8Array, other: Uint8Array): void {
  const n = out.length;
  if (n % 4 === 0 && out.byteOffset % 4 === 0 && other.byteOffset % 4 === 0) {
    const a = new Uint32Array(out.buffer, out.byteOffset, n >> 2);
    const b = new Uint32Array(other.buffer, other.byteOffset, n >> 2);
    for (let w = 0; w < a.length; w++) {
      if (a[w] === b[w]) continue;
      for (let i = 4 * w; i < 4 * w + 4; i++) if (other[i] > out[i]) out[i] = other[i];
    }
    return;
  }
  for (let i = 0; i < n; i++) if (other[i] > out[i]) out[i] = other[i];
}

/**
 * Shrinks `big` (`rows·f` rows of `w·f` bytes) into `out` (`rows` rows of `w`), one output pixel per f×f
 * block: the block's mean rounded half up (`'area'`) or its maximum (`'max'`). Colour planes are stacked
 * rows, and a plane's height is a multiple of f, so blocks never straddle two planes.
 */
export function shrink(big: Uint8Array, out: Uint8Array, w: number, rows: number, f: number, mode: ArcadeDownscale): void {
  const bw = w * f;
  const half = (f * f) >> 1;
  const area = f * f;
  for (let r = 0; r < rows; r++) {
    const top = r * f * bw;
    for (let c = 0; c < w; c++) {
      const left = top + c * f;
      let acc = 0;
      for (let dy = 0; dy < f; dy++) {
        const row = left + dy * bw;
        if (mode === 'max') for (let dx = 0; dx < f; dx++) acc = Math.max(acc, big[row + dx]);
        else for (let dx = 0; dx < f; dx++) acc += big[row + dx];
      }
      out[r * w + c] = mode === 'max' ? acc : ((acc + half) / area) | 0;
    }
  }
}

/** Builds the env for a game; `make` then adds the time limit and the passive checker. */
export function makeArcadeEnv<G extends ArcadeGame>(game: G, options: ArcadeOptions, spec: EnvSpec): ArcadeEnv<G> {
  return new ArcadeEnv(game, options, spec);
}
