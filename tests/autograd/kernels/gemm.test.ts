import { describe, expect, it } from 'vitest';
import { gemm, gemmJs, gemmRef, gemmSimd, kernelInfo } from '../../../src/autograd/kernels/index.ts';
import type { GemmFn } from '../../../src/autograd/kernels/index.ts';
import { Rng } from '../../../src/core/rng.ts';

type Case = { transA: boolean; transB: boolean; m: number; n: number; k: number; beta: 0 | 1; aOff: number; bOff: number; cOff: number };

function randomArray(rng: Rng, length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/**
 * Runs `fn` and gemmRef on the same random operands and checks every element of C (including the
 * untouched margins around it) to 1e-4 of Σ|a·b| + |c|, the float32 rounding scale of a dot product.
 */
function expectMatchesRef(fn: GemmFn, t: Case, rng: Rng): void {
  const { transA, transB, m, n, k, beta, aOff, bOff, cOff } = t;
  const a = randomArray(rng, aOff + m * k + 3);
  const b = randomArray(rng, bOff + k * n + 3);
  const c0 = randomArray(rng, cOff + m * n + 3);
  const expected = c0.slice();
  const actual = c0.slice();
  gemmRef(transA, transB, m, n, k, a, aOff, b, bOff, expected, cOff, beta);
  fn(transA, transB, m, n, k, a, aOff, b, bOff, actual, cOff, beta);
  for (let idx = 0; idx < actual.length; idx++) {
    const inC = idx >= cOff && idx < cOff + m * n;
    let scale = Math.abs(c0[idx]);
    if (inC) {
      const i = Math.floor((idx - cOff) / n);
      const j = (idx - cOff) % n;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        const bpj = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
        scale += Math.abs(aip * bpj);
      }
    }
    const err = Math.abs(actual[idx] - expected[idx]);
    if (!(err <= 1e-4 * scale + 1e-30) || (!inC && actual[idx] !== c0[idx])) {
      expect.fail(`${JSON.stringify(t)}: element ${idx} is ${actual[idx]}, expected ${expected[idx]} (scale ${scale})`);
    }
  }
}

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;
const IMPLS: [string, GemmFn][] = [['gemm', gemm], ['gemmSimd', gemmSimd], ['gemmJs', gemmJs]];

describe('gemm', () => {
  it('loads the wasm SIMD kernel synchronously in Node', () => {
    expect(kernelInfo.backend).toBe('wasm-simd');
    expect(kernelInfo.reason).toBe('');
  });

  for (const [name, fn] of IMPLS) {
    it(`${name} matches gemmRef on small and odd shapes, all transposes, beta 0/1, offsets`, () => {
      const rng = new Rng(1);
      for (const [transA, transB] of TRANSPOSES) {
        for (let trial = 0; trial < 60; trial++) {
          const t: Case = {
            transA, transB,
            m: 1 + rng.int(13), n: 1 + rng.int(19), k: 1 + rng.int(17),
            beta: rng.int(2) as 0 | 1, aOff: rng.int(4), bOff: rng.int(4), cOff: rng.int(4),
          };
          expectMatchesRef(fn, t, rng);
        }
      }
    });

    it(`${name} matches gemmRef across cache-block boundaries (MC 128, KC 256, NC 2048)`, () => {
      const rng = new Rng(2);
      const shapes: [number, number, number][] = [
        [1, 1, 1], [1, 8, 64], [64, 8, 64], [4, 8, 256], [5, 9, 257], [129, 17, 300], [131, 67, 513],
        [3, 2049, 5], [2, 2100, 260], [256, 4, 256], [33, 255, 24], [200, 1, 70], [1, 300, 520],
      ];
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of TRANSPOSES) {
          for (const beta of [0, 1] as const) {
            expectMatchesRef(fn, { transA, transB, m, n, k, beta, aOff: rng.int(3), bOff: rng.int(3), cOff: rng.int(3) }, rng);
          }
        }
      }
    });
  }

  it('overwrites C when beta is 0, so NaN or Infinity already in C does not leak', () => {
    for (const [name, fn] of IMPLS) {
      const a = new Float32Array(6 * 7).fill(1);
      const b = new Float32Array(7 * 9).fill(2);
      const c = new Float32Array(6 * 9).fill(Number.NaN);
      c[3] = Infinity;
      fn(false, false, 6, 9, 7, a, 0, b, 0, c, 0, 0);
      expect(Array.from(c), name).toEqual(new Array(54).fill(14));
    }
  });

  it('handles empty dimensions: k = 0 gives beta·C, m or n = 0 touches nothing', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, 1);
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, c, 0, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    gemm(false, false, 0, 2, 3, new Float32Array(0), 0, new Float32Array(6), 0, c, 0, 0);
    gemm(true, true, 2, 0, 3, new Float32Array(6), 0, new Float32Array(0), 0, c, 0, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  it('keeps working after the wasm memory grows and when sizes shrink again', () => {
    const rng = new Rng(3);
    for (const [m, n, k] of [[8, 8, 8], [500, 400, 60], [9, 7, 5], [1200, 1100, 30], [16, 16, 16]] as const) {
      expectMatchesRef(gemmSimd, { transA: false, transB: true, m, n, k, beta: 1, aOff: 1, bOff: 2, cOff: 3 }, rng);
    }
  });

  it('throws a RangeError naming the op when an operand is too short', () => {
    const x = new Float32Array(4);
    expect(() => gemm(false, false, 2, 2, 2, x, 1, x, 0, x, 0, 0)).toThrow(/gemm: operand too short/);
    expect(() => gemm(false, false, 2, 2, 1.5, x, 0, x, 0, x, 0, 0)).toThrow(RangeError);
    expect(() => gemmRef(false, false, 2, 3, 2, x, 0, x, 0, x, 0, 0)).toThrow(/gemmRef/);
  });
});
