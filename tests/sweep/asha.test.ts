/**
 * ASHA early stopping (src/cli/sweep-asha.ts): rung steps, numpy's interpolated quantile, and the
 * asynchronous stopping rule on hand-made eval curves, checked against values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { Asha, quantile, rungSteps } from '../../src/cli/sweep-asha.ts';

const curve = (...returns: number[]): { global_step: number; mean_return: number }[] => returns.map((r, i) => ({ global_step: (i + 1) * 100, mean_return: r }));

describe('ASHA', () => {
  it('puts rungs at minSteps · eta^k below the budget', () => {
    expect(rungSteps({ kind: 'asha', eta: 3, minSteps: 100 }, 10_000)).toEqual([100, 300, 900, 2700, 8100]);
    expect(rungSteps({ kind: 'asha', eta: 2, minSteps: 256 }, 1024)).toEqual([256, 512]);
  });

  it('interpolates quantiles as numpy does', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3], 2 / 3)).toBeCloseTo(3 + 1 / 3, 12);
    expect(quantile([7], 0.5)).toBe(7);
  });

  it('lets a trial on while its return reaches the (1 − 1/eta) quantile of its rung, and stops it otherwise', () => {
    const asha = new Asha({ kind: 'asha', eta: 2, minSteps: 200 }, 1000); // rungs 200, 400, 800
    // the first trial at a rung is its own cutoff
    expect(asha.observe('a', curve(5, 10, 12, 20))).toBeNull();
    // rung 0: records [10, 4], cutoff 7: stopped
    expect(asha.observe('b', curve(1, 4))).toMatch(/^stopped by ASHA at rung 0 \(step 200, evaluated at 200\): eval return 4\.00 is below the rung's cutoff 7\.00 \(the 0\.50 quantile of 2 trials\)$/);
    // a stopped trial is judged no further
    expect(asha.observe('b', curve(1, 4, 100, 100))).toBeNull();
    // rung 0: [10, 4, 30] → cutoff 10, passes; rung 1 (step 400): [20, 25] → 22.5, passes
    expect(asha.observe('c', curve(0, 30, 0, 25))).toBeNull();
    // evaluations arrive one by one: only the rungs reached so far are judged
    expect(asha.observe('d', curve(9, 40))).toBeNull();
    expect(asha.observe('d', curve(9, 40, 0, 19))).toMatch(/rung 1 \(step 400, evaluated at 400\): eval return 19\.00 is below the rung's cutoff 20\.00 \(the 0\.50 quantile of 3 trials\)/);
    // the first evaluation at or past a rung judges it (rung 2 at 800 seen at 800 here, at 900 for a sparser curve)
    expect(asha.observe('c', [...curve(0, 30, 0, 25), { global_step: 900, mean_return: 50 }])).toBeNull();
  });
});
