/**
 * Early stopping for sweeps: the asynchronous successive halving algorithm (ASHA; Li et al., "A System
 * for Massively Parallel Hyperparameter Tuning", MLSys 2020, https://arxiv.org/abs/1810.05934) in its
 * stopping form, as Ray Tune's ASHAScheduler applies it
 * (https://github.com/ray-project/ray/blob/master/python/ray/tune/schedulers/async_hyperband.py).
 * Rungs fall at minSteps · eta^k env steps below the step budget. When a trial's first evaluation at or
 * past a rung arrives, its mean return is recorded at that rung; the trial goes on if the return is at
 * least the (1 − 1/eta) quantile of all returns recorded there so far, and stops otherwise. So about one
 * trial in eta passes each rung, and weak configs give their cores back early, with no waiting for the
 * rest of the sweep (trials are judged as they arrive, asynchronously).
 */

/** The scheduler part of a sweep spec. */
export interface AshaSpec {
  readonly kind: 'asha';
  /** The reduction factor: about 1 trial in `eta` passes each rung. */
  readonly eta: number;
  /** The first rung, in env steps. */
  readonly minSteps: number;
}

/** An evaluation as evaluations.jsonl holds it (the fields ASHA reads). */
type Evaluation = { readonly global_step: number; readonly mean_return: number };

/** The rung steps of a budget: minSteps · eta^k, below `budget`. */
export function rungSteps(spec: AshaSpec, budget: number): number[] {
  const rungs: number[] = [];
  for (let s = spec.minSteps; s < budget; s *= spec.eta) rungs.push(s);
  return rungs;
}

/** The q-quantile of `values` with linear interpolation between order statistics (numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The rung records of a sweep and the judgement of each trial as its evaluations arrive. */
export class Asha {
  readonly rungs: readonly number[];
  readonly eta: number;
  private readonly records: number[][];
  /** Rungs already judged, by trial. */
  private readonly judged: Map<string, number>;

  constructor(spec: AshaSpec, budget: number) {
    this.rungs = rungSteps(spec, budget);
    this.eta = spec.eta;
    this.records = this.rungs.map(() => []);
    this.judged = new Map();
  }

  /**
   * Judges the rungs a trial's evaluations have reached since the last call: null to go on, or why it
   * stops (the rung, its step, the return and the cutoff). A stopped trial is judged no further.
   * `onPass` hears each rung the trial passes, with the same numbers.
   */
  observe(trial: string, evaluations: readonly Evaluation[], onPass?: (line: string) => void): string | null {
    let k = this.judged.get(trial) ?? 0;
    let verdict: string | null = null;
    while (k < this.rungs.length && verdict === null) {
      const row = evaluations.find((e) => e.global_step >= this.rungs[k]);
      if (row === undefined) break;
      this.records[k].push(row.mean_return);
      const cutoff = quantile(this.records[k], 1 - 1 / this.eta);
      const where = `rung ${k} (step ${this.rungs[k]}, evaluated at ${row.global_step})`;
      const against = `the rung's cutoff ${cutoff.toFixed(2)} (the ${(1 - 1 / this.eta).toFixed(2)} quantile of ${this.records[k].length} trials)`;
      if (row.mean_return < cutoff) {
        verdict = `stopped by ASHA at ${where}: eval return ${row.mean_return.toFixed(2)} is below ${against}`;
        k = this.rungs.length;
      } else {
        onPass?.(`passes ASHA ${where}: eval return ${row.mean_return.toFixed(2)} reaches ${against}`);
        k++;
      }
    }
    this.judged.set(trial, k);
    return verdict;
  }
}
