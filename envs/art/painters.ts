/**
 * Painters that do not learn, the baselines of the painting envs: random strokes, and greedy search that
 * tries K random strokes on a scratch canvas each step and places the one that lowers the distance most
 * (K = 64 in issue 27; the "best of K samples" baseline of Ganin et al. 2018, SPIRAL, §4).
 */
import type { Rng } from '../../src/core/rng.ts';
import type { Paint } from './paint.ts';
import { Brush, rmsDistance, STROKE_ACTION_DIM, strokeFromAction, type StrokeFrame } from './stroke.ts';

/** A uniform random stroke action in [−1, 1]^9. */
export function randomStrokeAction(rng: Rng): Float32Array {
  const a = new Float32Array(STROKE_ACTION_DIM);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Greedy search: of `k` random stroke actions, the one whose stroke leaves `env`'s canvas closest to its target. */
export class GreedyPainter {
  readonly k: number;
  private readonly brush: Brush;
  private readonly scratch: Float32Array;

  constructor(k: number, size: number) {
    this.k = k;
    this.brush = new Brush(size);
    this.scratch = new Float32Array(size * size);
  }

  /** The best of `k` random actions for the env's current canvas and target (the env is not changed). */
  choose(env: Paint, rng: Rng): Float32Array {
    let best = randomStrokeAction(rng);
    let bestDistance = Infinity;
    for (let i = 0; i < this.k; i++) {
      const action = i === 0 ? best : randomStrokeAction(rng);
      this.scratch.set(env.canvas);
      this.brush.draw(this.scratch, strokeFromAction(action, env.size));
      const d = rmsDistance(this.scratch, env.target);
      if (d < bestDistance) {
        bestDistance = d;
        best = action;
      }
    }
    return best;
  }
}

/** What a search painter reads of the env: the canvas, the target and their side. */
export type PaintState = Pick<Paint, 'canvas' | 'target' | 'size'>;

/** Largest and smallest step of SearchPainter's hill climbing, in action units (the box is [−1, 1]). */
const REFINE_STEP_START = 0.2;
const REFINE_STEP_END = 0.005;

/**
 * Search with refinement, a stronger painter than greedy search for measuring how much the env's strokes
 * can remove at all: the best of `k` random strokes, then hill climbing from it for `refine` trial strokes
 * (random-perturbation local search, Rastrigin 1963 / Schumer and Steiglitz 1968's adaptive step; here the
 * step shrinks geometrically from `stepStart`, REFINE_STEP_START unless given, to REFINE_STEP_END over the trials). Each trial moves
 * either one of the nine parameters (half of the trials: coordinate search) or all of them by a Gaussian step,
 * clipped to the box, and is kept when it lowers the distance. Trials are scored by the change of the
 * squared distance over the pixels the stroke touches (`Brush.squaredErrorChange`), not by redrawing the canvas.
 */
export class SearchPainter {
  readonly k: number;
  readonly refine: number;
  /** The hill climbing's first step (action units); it shrinks to REFINE_STEP_END. */
  readonly stepStart: number;
  private readonly brush: Brush;

  constructor(k: number, refine: number, size: number, stepStart = REFINE_STEP_START) {
    this.k = k;
    this.refine = refine;
    this.stepStart = stepStart;
    this.brush = new Brush(size);
  }

  /**
   * The stroke action the search finds for the current canvas and target (neither is changed). With `start`,
   * the first of the `k` candidates is `start` instead of a random action, so `k = 1` refines `start` alone
   * (a policy's proposal, in bench/paint-imitate.ts). With `frame`, actions are read in that frame
   * (Paint-v0's `strokeFrame()` under `actionFrame: 'window'`), so the search looks only there.
   */
  choose(env: PaintState, rng: Rng, start?: Float32Array, frame?: StrokeFrame): Float32Array {
    const score = (a: Float32Array): number => this.brush.squaredErrorChange(env.canvas, env.target, strokeFromAction(a, env.size, frame));
    let best = start !== undefined ? start.slice() : randomStrokeAction(rng);
    let bestScore = score(best);
    for (let i = 1; i < this.k; i++) {
      const action = randomStrokeAction(rng);
      const s = score(action);
      if (s < bestScore) {
        bestScore = s;
        best = action;
      }
    }
    const trial = new Float32Array(STROKE_ACTION_DIM);
    for (let t = 0; t < this.refine; t++) {
      const step = this.stepStart * (REFINE_STEP_END / this.stepStart) ** (t / Math.max(1, this.refine - 1));
      trial.set(best);
      if (rng.random() < 0.5) {
        const j = rng.int(STROKE_ACTION_DIM);
        trial[j] = clip1(trial[j] + step * rng.normal());
      } else {
        for (let j = 0; j < STROKE_ACTION_DIM; j++) trial[j] = clip1(trial[j] + step * rng.normal());
      }
      const s = score(trial);
      if (s < bestScore) {
        bestScore = s;
        best = trial.slice();
      }
    }
    return best;
  }
}

/** x clipped to [−1, 1]. */
function clip1(x: number): number {
  return x < -1 ? -1 : x > 1 ? 1 : x;
}
