/**
 * The episodes the trainers log: return, length and the final info's numbers as `env/<key>` (the robot's
 * push-off work, motor energy, … reach metrics.jsonl this way); and the explained variance they report.
 */
import { describe, it, expect } from 'vitest';
import { addEpisodeMetrics, explainedVariance, type Episode } from '../../agents/common/metrics.ts';
import type { Metrics } from '../../src/core/metrics.ts';

describe('episode metrics', () => {
  it('averages each finite number of the final infos as env/<key>, over the episodes that have it', () => {
    const row: Metrics = {};
    const episodes: Episode[] = [
      { r: 1, l: 10, info: { a: 1, b: null, c: 'text', d: Number.NaN } },
      { r: 3, l: 20, info: { a: 3, b: 2, d: 4, e: true } },
    ];
    addEpisodeMetrics(row, episodes);
    expect(row).toEqual({ 'charts/episodes': 2, 'charts/episodic_return': 2, 'charts/episodic_length': 15, 'env/a': 2, 'env/b': 2, 'env/d': 4 });
    const none: Metrics = {};
    addEpisodeMetrics(none, []);
    expect(none).toEqual({ 'charts/episodes': 0 });
  });

  it('explained variance is 1 for perfect predictions, 0 for the mean, NaN when the returns do not vary', () => {
    const y = Float32Array.of(1, 2, 3, 4);
    expect(explainedVariance(y, y)).toBe(1);
    expect(explainedVariance(y, new Float32Array(4).fill(2.5))).toBe(0);
    expect(explainedVariance(y, Float32Array.of(2, 2, 3, 3))).toBeCloseTo(1 - 2 / 5, 12);
    expect(explainedVariance(new Float32Array(3).fill(7), Float32Array.of(1, 2, 3))).toBeNaN();
  });
});
