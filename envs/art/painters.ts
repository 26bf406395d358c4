/**
 * Painters that do not learn, the baselines of the painting envs: random strokes, and greedy search that
 * tries K random strokes on a scratch canvas each step and places the one that lowers the distance most
 * (K = 64 in issue 27; the "best of K samples" baseline of Ganin et al. 2018, SPIRAL, §4).
 */
import type { Rng } from '../../src/core/rng.ts';
import type { Paint } from './paint.ts';
import { Brush, rmsDistance, STROKE_ACTION_DIM, strokeFromAction } from './stroke.ts';

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
