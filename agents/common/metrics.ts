/**
 * Metric rows shared by the agents, under CleanRL's names: the episodes that finished in an
 * iteration, the explained variance of a critic, and the twin-critic statistics of SAC and TD3.
 */
import type { Metrics } from '../../src/core/metrics.ts';

/** A finished episode as the agents report it: its return and length (of the raw rewards) and its final info. */
export type Episode = { readonly r: number; readonly l: number; readonly info: Readonly<Record<string, unknown>> };

/**
 * Adds `charts/episodes` and, when any finished, the mean `charts/episodic_return` and
 * `charts/episodic_length`, and for each number in the episodes' final infos its mean as `env/<key>`
 * (over the episodes where it is a finite number; SB3's Monitor `info_keywords`, for every key).
 */
export function addEpisodeMetrics(row: Metrics, episodes: readonly Episode[]): void {
  row['charts/episodes'] = episodes.length;
  if (episodes.length === 0) return;
  row['charts/episodic_return'] = episodes.reduce((s, e) => s + e.r, 0) / episodes.length;
  row['charts/episodic_length'] = episodes.reduce((s, e) => s + e.l, 0) / episodes.length;
  const sums = new Map<string, { sum: number; n: number }>();
  for (const e of episodes) {
    for (const [key, v] of Object.entries(e.info)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const acc = sums.get(key);
      if (acc === undefined) sums.set(key, { sum: v, n: 1 });
      else {
        acc.sum += v;
        acc.n += 1;
      }
    }
  }
  for (const [key, { sum, n }] of sums) row[`env/${key}`] = sum / n;
}

/**
 * 1 − Var[y − ŷ] / Var[y]: how much of the returns' variance the value predictions explain (1: all, 0:
 * no better than the mean, NaN when the returns do not vary); `losses/explained_variance` in CleanRL.
 */
export function explainedVariance(returns: Float32Array, values: Float32Array): number {
  let yMean = 0;
  for (const y of returns) yMean += y / returns.length;
  let varY = 0, varRes = 0;
  for (let i = 0; i < returns.length; i++) {
    varY += (returns[i] - yMean) ** 2;
    varRes += (returns[i] - values[i]) ** 2;
  }
  return varY === 0 ? Number.NaN : 1 - varRes / varY;
}

/** Sums over an iteration's critic updates (SAC, TD3), divided by `n` when reported. */
export interface TwinQStats {
  n: number;
  qf1Values: number;
  qf2Values: number;
  qf1Loss: number;
  qf2Loss: number;
  qfLoss: number;
}

/** Adds the mean Q values and losses of both critics, when there were updates. */
export function addTwinQMetrics(row: Metrics, stats: TwinQStats): void {
  if (stats.n === 0) return;
  row['losses/qf1_values'] = stats.qf1Values / stats.n;
  row['losses/qf2_values'] = stats.qf2Values / stats.n;
  row['losses/qf1_loss'] = stats.qf1Loss / stats.n;
  row['losses/qf2_loss'] = stats.qf2Loss / stats.n;
  row['losses/qf_loss'] = stats.qfLoss / stats.n;
}
