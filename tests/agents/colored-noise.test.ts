import { describe, it, expect } from 'vitest';
import { coloredNoise, coloredNoiseFilter } from '../../agents/common/colored-noise.ts';
import { Rng } from '../../src/core/rng.ts';

/** Sample variance and lag-`lag` autocorrelation of the `count` step-major sequences in `x`, pooled. */
function stats(x: Float32Array, count: number, lag: number): { variance: number; rho: number } {
  const length = x.length / count;
  let ss = 0, cross = 0, pairs = 0;
  for (let c = 0; c < count; c++) {
    for (let t = 0; t < length; t++) {
      const v = x[t * count + c];
      ss += v * v;
      if (t >= lag) { cross += v * x[(t - lag) * count + c]; pairs += 1; }
    }
  }
  const variance = ss / x.length;
  return { variance, rho: cross / pairs / variance };
}

/** The filter's own lag-k autocorrelation Σ ψ_j ψ_{j+k} (its ψ have unit sum of squares). */
function filterRho(beta: number, lag: number): number {
  const psi = coloredNoiseFilter(beta);
  let s = 0;
  for (let j = 0; j + lag < psi.length; j++) s += psi[j] * psi[j + lag];
  return s;
}

describe('colored noise', () => {
  it('β = 0 is the Rng\'s own normal draws, in order', () => {
    const a = coloredNoise(new Rng(3), 0, 5, 2);
    const rng = new Rng(3);
    expect(Array.from(a)).toEqual(Array.from({ length: 10 }, () => Math.fround(rng.normal())));
  });

  it('has unit variance at every β, and the correlation over time of a 1/f^β spectrum', () => {
    // ARFIMA(0, d, 0), d = β/2: lag-1 autocorrelation d / (1 − d) for the infinite filter (1/3 at β = 0.5)
    expect(filterRho(0.5, 1)).toBeCloseTo(1 / 3, 1); // 0.328 with 256 taps
    for (const beta of [0, 0.5, 1]) {
      const x = coloredNoise(new Rng(11), beta, 2048, 64);
      const s1 = stats(x, 64, 1), s10 = stats(x, 64, 10);
      expect(s1.variance).toBeCloseTo(1, 1);
      expect(s1.rho).toBeCloseTo(beta === 0 ? 0 : filterRho(beta, 1), 1);
      expect(s10.rho).toBeCloseTo(beta === 0 ? 0 : filterRho(beta, 10), 1);
    }
    // more color, more correlation: pink holds on longer than β = 0.5
    expect(filterRho(1, 10)).toBeGreaterThan(filterRho(0.5, 10) + 0.2);
  });

  it('draws every value from the Rng passed in: the same seed repeats, another differs', () => {
    const a = coloredNoise(new Rng(5), 0.5, 300, 4);
    expect(coloredNoise(new Rng(5), 0.5, 300, 4)).toEqual(a);
    expect(coloredNoise(new Rng(6), 0.5, 300, 4)).not.toEqual(a);
  });
});
