/**
 * Paint-v0: reproduce a grayscale target image with a fixed number of brush strokes.
 *
 * ## Description
 * The painting task of SPIRAL (Ganin et al. 2018, https://arxiv.org/abs/1804.01118) and "Learning to Paint"
 * (Huang et al. 2019, https://arxiv.org/abs/1903.04411): each step places one stroke, a quadratic Bézier
 * curve whose radius goes linearly from its start to its end, on a `size`×`size` canvas (default 64),
 * rasterised by our own anti-aliased brush (stroke.ts). Targets come from a seeded procedural generator
 * (targets.ts: shapes, free strokes, digits and letters of our stroke font), or from a user image.
 *
 * ## Observation
 * `obs: 'planes'` (default), Box(0, 255, [3, size, size]) float32, image planes for a CNN:
 * | Plane | Meaning                                         | Min | Max |
 * |-------|-------------------------------------------------|-----|-----|
 * | 0     | canvas ink density × 255 (0: blank paper)       | 0   | 255 |
 * | 1     | target ink density × 255                        | 0   | 255 |
 * | 2     | strokes placed / strokes per episode × 255      | 0   | 255 |
 * `obs: 'features'` (features.ts), Box([2·f² + 12 + W²]) float32 for MLP agents, f = `featureSize` (default 16): the target
 * and the canvas downscaled to f×f by area averaging (indices 0…f²−1 and f²…2f²−1, row-major, in [0, 1]),
 * the fraction of strokes placed (index 2f²), then where ink is still missing, as moments of the missing
 * ink p = max(target − canvas, 0) on the f×f grid (cell centres at ((x + ½)/f, (y + ½)/f)), so an MLP need
 * not learn to locate it from the grid alone (the CoordConv problem, Liu et al. 2018,
 * https://arxiv.org/abs/1807.03247):
 * | Index    | Meaning                                              | Min | Max |
 * |----------|------------------------------------------------------|-----|-----|
 * | 2f² + 1  | mean of p                                            | 0   | 1   |
 * | 2f² + 2  | centroid x of p (½ when nothing is missing)          | 0   | 1   |
 * | 2f² + 3  | centroid y of p                                      | 0   | 1   |
 * | 2f² + 4  | 2 × standard deviation of p along x                  | 0   | 1   |
 * | 2f² + 5  | 2 × standard deviation of p along y                  | 0   | 1   |
 * | 2f² + 6  | correlation of x and y under p                       | −1  | 1   |
 * | 2f² + 7  | x of the cell missing the most ink                   | 0   | 1   |
 * | 2f² + 8  | y of that cell                                       | 0   | 1   |
 * | 2f² + 9  | the ink it misses                                    | 0   | 1   |
 * | 2f² + 10 | x of the focus window's left edge / size (`actionFrame: 'window'` acts around it) | 0   | 1   |
 * | 2f² + 11 | y of its top edge / size                              | 0   | 1   |
 * | 2f² + 12… | target − canvas in the window, W×W at full resolution, row-major | −1 | 1 |
 * The focus window (W = 16 px at 64×64, a quarter of the side) is centred on the 8×8-pixel block (on a
 * 2-pixel grid) that misses the most ink, clamped to the canvas: a glimpse in the sense of Mnih et al.
 * 2014 ("Recurrent Models of Visual Attention", https://arxiv.org/abs/1406.6247), chosen by the env
 * rather than learned, so an MLP sees where ink is missing at full resolution. Its position is in the
 * features; the actions are absolute unless `actionFrame: 'window'` (below).
 *
 * ## Actions (Box(−1, 1, [9]) float32)
 * | Index | Meaning                                | Maps to (`actionFrame: 'canvas'`, default) | Maps to (`actionFrame: 'window'`)        |
 * |-------|----------------------------------------|--------------------------------------------|------------------------------------------|
 * | 0, 1  | start point x, y                       | [0, 1] of the canvas side, y down          | the frame square's x and y span, y down |
 * | 2, 3  | control point x, y                     | [0, 1]                                     | the frame square                         |
 * | 4, 5  | end point x, y                         | [0, 1]                                     | the frame square                         |
 * | 6, 7  | radius at the start, at the end        | [1/64, 8/64] of the canvas side            | the same                                 |
 * | 8     | ink density                            | [0, 1] (0 paints paper back)               | the same                                 |
 * With `actionFrame: 'window'` the points are given relative to the focus window of the observation the
 * action answers (the one described above, computed with either `obs`): the frame square has side
 * `frameSpan` × W and the window's centre, so −1 and 1 map to its edges (with `frameSpan: 1`, the default,
 * to the window's own edges; 2 leaves half a window of margin on each side for longer strokes).
 * Points past the canvas are allowed and the brush clips the stroke. A policy then places strokes to the
 * window's pixel rather than the canvas's, the precision these targets need (bench/LEARNING.md).
 * `strokeFrame()` returns the square for the next action (undefined in the canvas frame).
 *
 * ## Reward
 * The decrease of the RMS distance between canvas and target (the L2 distance divided by √pixels) made by
 * the stroke, so an episode's return is the total improvement: the blank canvas's distance minus the
 * final one. `info.distance` is the distance after the step, `info.blankDistance` the blank canvas's and
 * `info.removed` the fraction of the blank distance removed so far (`1 − distance / blankDistance`).
 * With `reward: 'perceptual'` the reward is the decrease of the RMS distance between the codes of canvas and
 * target in a small convolutional autoencoder trained on the targets (autoencoder.ts), reported as
 * `info.perceptualDistance`; the episode's return is then the total perceptual improvement.
 *
 * ## Start state
 * A blank canvas and a target: `options.target` (a Float32Array of size² ink densities) or
 * `options.targetSeed` in `reset`, else the image of the `targetPng` kwarg, else a target seed drawn from
 * the env's Rng among the training seeds (`targets: 'train'`, default) or the held-out ones
 * (`targets: 'heldout'`, for evaluation; see targets.ts).
 *
 * ## Episode end
 * Terminates after `strokes` strokes (default 20). No time limit is needed.
 *
 * ## Kwargs
 * `size` (64), `strokes` (20), `obs` ('planes' | 'features'), `featureSize` (16, must divide `size`),
 * `targets` ('train' | 'heldout'), `targetPng` (a PNG file path read with pngjs in Node; '' for none),
 * `reward` ('l2' | 'perceptual'; perceptual needs size 64 and Node), `actionFrame` ('canvas' | 'window'),
 * `frameSpan` (1, in [1, 4]: the window frame's side in focus-window sides; read only with 'window').
 *
 * ## Version history
 * - v0: initial version; `actionFrame` and `frameSpan` added later, their defaults leaving v0 unchanged.
 */
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import { PerceptualDistance } from './autoencoder.ts';
import { featureSpace, focusWindow, paintFeatures, type FocusWindow } from './features.ts';
import { readPngTarget } from './png.ts';
import { Brush, rmsDistance, STROKE_ACTION_DIM, strokeFromAction, strokeOutline, type Stroke, type StrokeFrame } from './stroke.ts';
import { drawTargetSeed, generateTarget } from './targets.ts';

/** Constructor arguments of Paint-v0. */
export interface PaintKwargs {
  /** Canvas side (pixels). */
  size: number;
  /** Strokes per episode. */
  strokes: number;
  /** 'planes' (image planes for a CNN) or 'features' (downscaled target and canvas for an MLP). */
  obs: string;
  /** Side of the downscaled images in the features (must divide `size`). */
  featureSize: number;
  /** Which target seeds a reset draws from: 'train' or 'heldout'. */
  targets: string;
  /** A PNG file to paint instead of generated targets ('' for none). */
  targetPng: string;
  /** The distance the reward decreases: 'l2' (RMS over pixels) or 'perceptual' (RMS over the autoencoder's code). */
  reward: string;
  /** What a stroke action's points are given in: 'canvas' (the whole canvas) or 'window' (a square around the focus window). */
  actionFrame: string;
  /** With `actionFrame: 'window'`, the side of that square in focus-window sides (≥ 1; centred on the window). */
  frameSpan: number;
}

/** Default kwargs. */
export const PAINT_DEFAULTS = { size: 64, strokes: 20, obs: 'planes', featureSize: 16, targets: 'train', targetPng: '', reward: 'l2', actionFrame: 'canvas', frameSpan: 1 } as const satisfies PaintKwargs;

/** Render rate: a few strokes a second, so a viewer sees each one land. */
export const PAINT_METADATA: EnvMetadata = { renderFps: 4 };

/** Gray levels of the target as the Scene shows it. */
const SCENE_LEVELS = 8;
/** Gap between the two panels, world units (a panel is 1 × 1). */
const PANEL_GAP = 0.1;

/** The painting env. */
export class Paint implements Env<Float32Array, Float32Array> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: Paint;
  readonly rng: Rng;
  readonly size: number;
  readonly strokesPerEpisode: number;
  /** Ink density of the canvas, row-major, y down. */
  readonly canvas: Float32Array;
  /** Ink density of the target. */
  target: Float32Array;
  /** The strokes placed this episode, in pixels. */
  readonly strokes: Stroke[];
  /** RMS distance of the canvas to the target now, and of the blank canvas. */
  distance: number;
  blankDistance: number;
  private readonly args: PaintKwargs;
  private readonly brush: Brush;
  private readonly pngTarget: Float32Array | null;
  /** The perceptual distance (`reward: 'perceptual'`), the target's code and the current perceptual distance. */
  private readonly perceptual: PerceptualDistance | null;
  private targetCode: Float32Array | null;
  private perceptualDistance: number;
  /** The focus window of the current canvas (null until a reset, and with `obs: 'planes'` in the canvas frame). */
  private window: FocusWindow | null;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Paint-v0', { metadata: PAINT_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, PAINT_DEFAULTS) as PaintKwargs;
    validateKwargs(spec.id, args);
    this.args = args;
    this.size = args.size;
    this.strokesPerEpisode = args.strokes;
    const f = args.featureSize;
    this.observationSpace = args.obs === 'planes' ? box(0, 255, { shape: [3, args.size, args.size] }) : featureSpace(f, args.size);
    this.actionSpace = box(-1, 1, { shape: [STROKE_ACTION_DIM] });
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.canvas = new Float32Array(args.size * args.size);
    this.target = new Float32Array(args.size * args.size);
    this.strokes = [];
    this.distance = 0;
    this.blankDistance = 0;
    this.brush = new Brush(args.size);
    this.pngTarget = args.targetPng === '' ? null : readPngTarget(spec.id, args.targetPng, args.size);
    this.perceptual = args.reward === 'perceptual' ? new PerceptualDistance(spec.id, args.size) : null;
    this.targetCode = null;
    this.perceptualDistance = 0;
    this.window = null;
    this.phase = 'needs-reset';
  }

  /** A blank canvas and a new target (see the header's Start state). */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    this.target = this.chooseTarget(opts.options ?? {});
    this.canvas.fill(0);
    this.strokes.length = 0;
    this.blankDistance = rmsDistance(this.canvas, this.target);
    this.distance = this.blankDistance;
    if (this.perceptual !== null) {
      this.targetCode = this.perceptual.features(this.target);
      this.perceptualDistance = PerceptualDistance.distance(this.perceptual.features(this.canvas), this.targetCode);
    }
    this.phase = 'running';
    return { obs: this.observe(), info: this.info() };
  }

  private chooseTarget(options: Readonly<Record<string, unknown>>): Float32Array {
    const n = this.size * this.size;
    if (options.target !== undefined) {
      const t = options.target;
      if (!(t instanceof Float32Array) || t.length !== n || !t.every((v) => v >= 0 && v <= 1)) {
        throw new ConfigError(`${this.spec.id}: reset option "target" must be a Float32Array of ${n} ink densities in [0, 1] (${this.size}×${this.size}), received ${t instanceof Float32Array ? `a Float32Array of length ${t.length}${t.length === n ? ' with values outside [0, 1]' : ''}` : typeof t}`);
      }
      return Float32Array.from(t);
    }
    if (options.targetSeed !== undefined) {
      const seed = options.targetSeed;
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`${this.spec.id}: reset option "targetSeed" must be a non-negative integer, received ${String(seed)}`);
      return generateTarget(seed, this.size);
    }
    if (this.pngTarget !== null) return Float32Array.from(this.pngTarget);
    return generateTarget(drawTargetSeed(this.rng, this.args.targets as 'train' | 'heldout'), this.size);
  }

  /** Places one stroke; the reward is the decrease of the distance to the target. */
  step(action: Float32Array): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (!(action instanceof Float32Array) || action.length !== STROKE_ACTION_DIM || !action.every((v) => v >= -1 && v <= 1)) {
      throw actionError(this.spec.id, this.actionSpace, action);
    }
    const stroke = strokeFromAction(action, this.size, this.strokeFrame());
    this.brush.draw(this.canvas, stroke);
    this.strokes.push(stroke);
    const before = this.distance;
    this.distance = rmsDistance(this.canvas, this.target);
    let reward = before - this.distance;
    if (this.perceptual !== null && this.targetCode !== null) {
      const was = this.perceptualDistance;
      this.perceptualDistance = PerceptualDistance.distance(this.perceptual.features(this.canvas), this.targetCode);
      reward = was - this.perceptualDistance;
    }
    const terminated = this.strokes.length >= this.strokesPerEpisode;
    if (terminated) this.phase = 'terminated';
    return { obs: this.observe(), reward, terminated, truncated: false, info: this.info() };
  }

  /** The distance now, the blank canvas's, the fraction of the blank distance removed so far (and the perceptual distance). */
  private info(): Record<string, number> {
    const removed = this.blankDistance > 0 ? 1 - this.distance / this.blankDistance : 0;
    const out: Record<string, number> = { distance: this.distance, blankDistance: this.blankDistance, removed };
    if (this.perceptual !== null) out.perceptualDistance = this.perceptualDistance;
    return out;
  }

  /**
   * The square the next action's points span: undefined (the whole canvas) in the canvas frame; in the
   * window frame, `frameSpan` focus-window sides centred on the current focus window.
   */
  strokeFrame(): StrokeFrame | undefined {
    if (this.args.actionFrame === 'canvas' || this.window === null) return undefined;
    const span = this.args.frameSpan * this.window.side;
    return { x: this.window.x + (this.window.side - span) / 2, y: this.window.y + (this.window.side - span) / 2, span };
  }

  private observe(): Float32Array {
    const n = this.size * this.size;
    const progress = this.strokes.length / this.strokesPerEpisode;
    this.window = this.args.obs === 'features' || this.args.actionFrame === 'window' ? focusWindow(this.target, this.canvas, this.size) : null;
    if (this.args.obs === 'planes') {
      const obs = new Float32Array(3 * n);
      for (let i = 0; i < n; i++) {
        obs[i] = this.canvas[i] * 255;
        obs[n + i] = this.target[i] * 255;
      }
      obs.fill(progress * 255, 2 * n);
      return obs;
    }
    return paintFeatures(this.target, this.canvas, this.size, this.args.featureSize, progress, this.window as FocusWindow);
  }

  /** The target (left) and the canvas with its strokes (right), each a unit square; strokes keep their ids. */
  render(): Scene {
    const shapes: Shape[] = [
      { id: 'target-paper', kind: 'rect', x: 0.5, y: 0.5, angle: 0, width: 1, height: 1, fill: '#ffffff', stroke: '#888888', lineWidth: 0.005 },
      { id: 'canvas-paper', kind: 'rect', x: 1.5 + PANEL_GAP, y: 0.5, angle: 0, width: 1, height: 1, fill: '#ffffff', stroke: '#888888', lineWidth: 0.005 },
      ...targetRects(this.target, this.size),
    ];
    this.strokes.forEach((s, k) => {
      // Clamped to the panel, as the canvas clips the stroke.
      const pts = strokeOutline(s).map((v, i) => {
        const u = Math.min(1, Math.max(0, v / this.size));
        return i % 2 === 0 ? u : 1 - u;
      });
      shapes.push({ id: `stroke-${k}`, kind: 'polygon', x: 1 + PANEL_GAP, y: 0, angle: 0, points: pts, fill: gray(s.ink) });
    });
    shapes.push(
      { id: 'label-target', kind: 'text', x: 0.5, y: 1.04, angle: 0, text: 'target', size: 0.07, align: 'center', fill: '#333333' },
      { id: 'label-canvas', kind: 'text', x: 1.5 + PANEL_GAP, y: 1.04, angle: 0, text: `canvas ${this.strokes.length}/${this.strokesPerEpisode}`, size: 0.07, align: 'center', fill: '#333333' },
    );
    return { bounds: { xMin: -0.05, xMax: 2.05 + PANEL_GAP, yMin: -0.05, yMax: 1.15 }, background: '#ffffff', shapes };
  }

  /** Nothing to free. */
  close(): void {}
}

/** Throws a ConfigError for kwargs outside their ranges, naming what is accepted. */
function validateKwargs(id: string, a: PaintKwargs): void {
  const bad = (what: string, received: unknown): never => {
    throw new ConfigError(`${id}: kwarg ${what}, received ${JSON.stringify(received)}`);
  };
  if (!Number.isInteger(a.size) || a.size < 8 || a.size > 512) bad('"size" must be an integer in [8, 512]', a.size);
  if (!Number.isInteger(a.strokes) || a.strokes < 1) bad('"strokes" must be a positive integer', a.strokes);
  if (a.obs !== 'planes' && a.obs !== 'features') bad('"obs" must be "planes" or "features"', a.obs);
  if (!Number.isInteger(a.featureSize) || a.featureSize < 1 || a.size % a.featureSize !== 0) bad(`"featureSize" must be a positive integer dividing size ${a.size}`, a.featureSize);
  if (a.targets !== 'train' && a.targets !== 'heldout') bad('"targets" must be "train" or "heldout"', a.targets);
  if (a.reward !== 'l2' && a.reward !== 'perceptual') bad('"reward" must be "l2" or "perceptual"', a.reward);
  if (a.actionFrame !== 'canvas' && a.actionFrame !== 'window') bad('"actionFrame" must be "canvas" or "window"', a.actionFrame);
  if (a.frameSpan < 1 || a.frameSpan > 4) bad('"frameSpan" must be a number in [1, 4] (focus-window sides)', a.frameSpan);
}

/** The CSS gray for an ink density (0: white paper, 1: black). */
function gray(ink: number): string {
  const v = Math.round(255 * (1 - Math.min(1, Math.max(0, ink))));
  const h = v.toString(16).padStart(2, '0');
  return `#${h}${h}${h}`;
}

/** The target as horizontal runs of equal gray level (SCENE_LEVELS levels; paper omitted), in the left unit square. */
function targetRects(target: Float32Array, size: number): Shape[] {
  const shapes: Shape[] = [];
  const level = (v: number): number => Math.round(v * (SCENE_LEVELS - 1));
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      const l = level(target[y * size + x]);
      let end = x + 1;
      while (end < size && level(target[y * size + end]) === l) end++;
      if (l > 0) {
        shapes.push({ id: `t${y}-${x}`, kind: 'rect', x: (x + end) / 2 / size, y: 1 - (y + 0.5) / size, angle: 0, width: (end - x) / size, height: 1 / size, fill: gray(l / (SCENE_LEVELS - 1)) });
      }
      x = end;
    }
  }
  return shapes;
}
