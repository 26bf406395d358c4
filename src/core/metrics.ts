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

/**
 * Reads a metrics.jsonl back (the page's Load with a checkpoint, the run list): one JSON object per
 * line with numeric values (null, as written for non-finite numbers, is dropped) and a numeric
 * `global_step`. A bad line throws an Error naming the file, the line, what was expected and what
 * was received. Blank lines are skipped.
 */
export function parseMetricsJsonl(text: string, name: string): Metrics[] {
  const rows: Metrics[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const where = `${name} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: expected one JSON object per line (a metrics.jsonl of dojo train or the page), received ${JSON.stringify(line.slice(0, 60))}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a JSON object of metric numbers, received ${JSON.stringify(line.slice(0, 60))}`);
    const row: Metrics = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === null) continue;
      if (key === '__proto__') throw new Error(`${where}: expected metric names, received the key "__proto__"`);
      if (typeof v !== 'number') throw new Error(`${where}: expected numbers as metric values, received ${key}: ${JSON.stringify(v).slice(0, 40)}`);
      row[key] = v;
    }
    if (typeof row.global_step !== 'number') throw new Error(`${where}: expected a numeric "global_step" in every row, received none`);
    rows.push(row);
  }
  return rows;
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
