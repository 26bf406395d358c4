/**
 * Running mean and variance with the parallel (Chan et al.) update, as SB3's RunningMeanStd and
 * Gymnasium's NormalizeObservation use. Its state is plain data, saved in checkpoints so a loaded
 * policy sees observations scaled as in training.
 */

/** Plain-data state of a RunningMeanStd. */
export type RunningStats = { mean: number[]; var: number[]; count: number };

/** Bound of a normalised value (CleanRL's NormalizeObservation clips to ±10). */
export const NORM_CLIP = 10;
/** Added to the variance before its square root. */
export const NORM_EPS = 1e-8;

/** Per-dimension running statistics. */
export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;

  constructor(dim: number, epsilon = 1e-4) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.count = epsilon;
  }

  /** Folds a batch [n, dim] (flat) into the statistics. */
  update(x: ArrayLike<number>, n: number): void {
    const dim = this.mean.length;
    const bMean = new Float64Array(dim), bVar = new Float64Array(dim);
    for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) bMean[j] += x[r * dim + j] / n;
    for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) bVar[j] += (x[r * dim + j] - bMean[j]) ** 2 / n;
    const total = this.count + n;
    for (let j = 0; j < dim; j++) {
      const delta = bMean[j] - this.mean[j];
      const m2 = this.var[j] * this.count + bVar[j] * n + (delta * delta * this.count * n) / total;
      this.mean[j] += (delta * n) / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
  }

  /** (x − μ) / √(σ² + ε), clipped to ±clip, into `out`. */
  normalize(x: ArrayLike<number>, out: Float32Array, clip = NORM_CLIP, eps = NORM_EPS): Float32Array {
    const dim = this.mean.length;
    for (let i = 0; i < out.length; i++) {
      const j = i % dim;
      const v = (x[i] - this.mean[j]) / Math.sqrt(this.var[j] + eps);
      out[i] = v > clip ? clip : v < -clip ? -clip : v;
    }
    return out;
  }

  state(): RunningStats {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  load(s: RunningStats): void {
    if (s.mean.length !== this.mean.length || s.var.length !== this.var.length) {
      throw new Error(`RunningMeanStd.load: expected ${this.mean.length} dimensions, received ${s.mean.length}`);
    }
    this.mean.set(s.mean);
    this.var.set(s.var);
    this.count = s.count;
  }
}

/** Observation statistics saved in a checkpoint, as a RunningMeanStd (null when none were saved). */
export function restoreRunningStats(stats: RunningStats | null, dim: number): RunningMeanStd | null {
  if (stats === null) return null;
  const rms = new RunningMeanStd(dim);
  rms.load(stats);
  return rms;
}

/**
 * A batch of flat observations [n·dim] as the networks see them: folded into the statistics first when
 * `update`, then normalised into a fresh array; the batch itself when `norm` is null.
 */
export function normalizeBatch(norm: RunningMeanStd | null, raw: Float32Array, update: boolean): Float32Array {
  if (norm === null) return raw;
  if (update) norm.update(raw, raw.length / norm.mean.length);
  return norm.normalize(raw, new Float32Array(raw.length));
}
