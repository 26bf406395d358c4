/**
 * Training metrics: one flat JSON object per iteration with CleanRL's keys, so curves compare
 * with published runs. Timing fields are listed so determinism checks can ignore them.
 */

/** One metrics row: CleanRL keys (`global_step`, `charts/episodic_return`, …) to numbers. */
export type Metrics = Record<string, number>;

/** Keys whose values depend on wall-clock time, excluded from determinism comparisons. */
export const TIMING_KEYS: readonly string[] = ['charts/SPS', 'time/elapsed_s'];

/** A row without its timing fields. */
export function withoutTiming(m: Metrics): Metrics {
  const out: Metrics = {};
  for (const [k, v] of Object.entries(m)) if (!TIMING_KEYS.includes(k)) out[k] = v;
  return out;
}

/** One JSONL line; non-finite numbers become null so the line stays valid JSON. */
export function metricsLine(m: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/** Keeps the last `size` values and reports their mean (e.g. the last 20 episodic returns). */
export class RecentMean {
  private readonly values: number[] = [];
  readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  push(v: number): void {
    this.values.push(v);
    if (this.values.length > this.size) this.values.shift();
  }

  get count(): number {
    return this.values.length;
  }

  mean(): number {
    if (this.values.length === 0) return Number.NaN;
    return this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }
}
