/** clipGradNorm: PyTorch's clip_grad_norm_ semantics. */
import { describe, expect, it } from 'vitest';
import { clipGradNorm } from '../../src/optim/index.ts';
import { ConfigError, NonFiniteError } from '../../src/core/errors.ts';
import { param, setGrad } from './helpers.ts';

describe('clipGradNorm', () => {
  it('returns the total norm over all parameters and scales by maxNorm/(norm + 1e-6)', () => {
    const a = param([0, 0]);
    const b = param([0]);
    setGrad(a, [3, 4]);
    setGrad(b, [12]);
    expect(clipGradNorm([a, b], 1)).toBe(13); // √(9 + 16 + 144)
    const coef = 1 / (13 + 1e-6);
    expect(Array.from(a.grad ?? [])).toEqual([Math.fround(3 * coef), Math.fround(4 * coef)]);
    expect(b.grad?.[0]).toBe(Math.fround(12 * coef));
  });

  it('leaves gradients alone when the norm is within maxNorm, and skips null grads', () => {
    const a = param([0, 0]);
    const b = param([5]);
    setGrad(a, [3, 4]);
    const before = a.grad?.slice();
    expect(clipGradNorm([a, b], 5.5)).toBe(5);
    expect(a.grad).toEqual(before);
    expect(b.grad).toBeNull();
    expect(clipGradNorm([b], 1)).toBe(0);
  });

  it('accumulates in float64', () => {
    const n = 1_000_000;
    const p = param(new Array<number>(n).fill(0));
    p.grad = new Float32Array(n).fill(0.01);
    const v = Math.fround(0.01);
    expect(clipGradNorm([p], 100)).toBeCloseTo(Math.sqrt(n * v * v), 8) // a float32 running sum gives 9.966;
  });

  it('follows PyTorch on non-finite norms, or throws when asked', () => {
    const p = param([0, 0]);
    setGrad(p, [Number.NaN, 1]);
    expect(() => clipGradNorm([p], 1, { errorIfNonfinite: true })).toThrow(NonFiniteError);
    expect(p.grad?.[1]).toBe(1);
    expect(clipGradNorm([p], 1)).toBeNaN();
    expect(p.grad?.[1]).toBeNaN();
  });

  it('rejects a negative maxNorm', () => {
    expect(() => clipGradNorm([param([1])], -1)).toThrow(ConfigError);
  });
});
