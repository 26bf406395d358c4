/** Learning-rate schedules. */
import { describe, expect, it } from 'vitest';
import { constantLr, cosineDecay, linearDecay, warmup } from '../../src/optim/index.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('schedules', () => {
  it('constantLr', () => {
    const s = constantLr(3e-4);
    expect([0, 1, 1e6].map(s)).toEqual([3e-4, 3e-4, 3e-4]);
  });

  it("linearDecay reproduces CleanRL's PPO annealing", () => {
    const lr = 2.5e-4;
    const numUpdates = 4;
    const s = linearDecay(lr, numUpdates);
    for (let update = 1; update <= numUpdates; update++) {
      const frac = 1.0 - (update - 1.0) / numUpdates; // ppo.py
      expect(s(update - 1)).toBeCloseTo(frac * lr, 15);
    }
    expect([0, 1, 2, 3].map(s)).toEqual([2.5e-4, 1.875e-4, 1.25e-4, 0.625e-4]);
    expect(s(4)).toBe(0);
    expect(s(10)).toBe(0);
  });

  it('linearDecay to a floor', () => {
    const s = linearDecay(1, 10, 0.1);
    expect(s(0)).toBe(1);
    expect(s(5)).toBeCloseTo(0.55, 12);
    expect(s(10)).toBeCloseTo(0.1, 12);
    expect(s(20)).toBeCloseTo(0.1, 12);
  });

  it('cosineDecay runs from lr to minLr along half a cosine', () => {
    const s = cosineDecay(1, 100, 0.1);
    expect(s(0)).toBe(1);
    expect(s(50)).toBeCloseTo(0.55, 12);
    expect(s(25)).toBeCloseTo(0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 12);
    expect(s(100)).toBeCloseTo(0.1, 12);
    expect(s(500)).toBeCloseTo(0.1, 12);
    for (let i = 1; i <= 100; i++) expect(s(i)).toBeLessThan(s(i - 1));
  });

  it('warmup ramps linearly, then hands over to the next schedule', () => {
    const s = warmup(4, constantLr(1));
    expect([0, 1, 2, 3, 4, 100].map(s)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    const c = warmup(10, cosineDecay(2, 90));
    expect(c(9)).toBe(2);
    expect(c(10)).toBe(2);
    expect(c(55)).toBeCloseTo(1, 12);
    expect(c(100)).toBeCloseTo(0, 12);
    expect(warmup(0, constantLr(5))(0)).toBe(5);
  });

  it('rejects bad arguments', () => {
    expect(() => linearDecay(1, 0)).toThrow(ConfigError);
    expect(() => cosineDecay(-1, 10)).toThrow(/lr must be a non-negative number, received -1/);
    expect(() => warmup(1.5, constantLr(1))).toThrow(/warmupSteps must be an integer ≥ 0, received 1.5/);
  });
});
