import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { adamWasm, tanhGradWasm, tanhWasm, wasmAvailable } from '../../../src/autograd/kernels/wasm.ts';
import { relu, tanh, tanhJs, tensor } from '../../../src/autograd/index.ts';
import { Adam, AdamW } from '../../../src/optim/index.ts';

function randomArray(rng: Rng, length: number, scale = 1): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-scale, scale);
  return x;
}

describe('wasm elementwise kernels against their JS paths', () => {
  it('loads in Node', () => {
    expect(wasmAvailable()).toBe(true);
  });

  it('tanhF32 matches Math.tanh to 3e-7 over [-10, 10], SIMD body and scalar tail alike', () => {
    const rng = new Rng(1);
    for (const n of [1, 3, 4, 7, 1029]) {
      const x = randomArray(rng, n, 10);
      const y = new Float32Array(n);
      expect(tanhWasm(x, y)).toBe(true);
      for (let i = 0; i < n; i++) expect(Math.abs(y[i] - Math.tanh(x[i]))).toBeLessThan(3e-7);
    }
  });

  it('tanhF32 keeps NaN and sends ±Infinity to ±1, like the JS path', () => {
    const x = Float32Array.of(NaN, Infinity, -Infinity, 0, -0, NaN, 100, -100, 1e-30);
    const y = new Float32Array(x.length);
    const yJs = new Float32Array(x.length);
    tanhWasm(x, y);
    tanhJs(x, yJs);
    for (const out of [y, yJs]) {
      expect(Number.isNaN(out[0]) && Number.isNaN(out[5])).toBe(true);
      expect(Array.from(out.subarray(1, 5))).toEqual([1, -1, 0, -0]);
      for (let i = 6; i < x.length; i++) expect(Math.abs(out[i] - Math.tanh(x[i]))).toBeLessThan(3e-7);
    }
  });

  it('the tanh op takes the wasm path for large tensors and gives the same values and gradients as small ones', () => {
    const rng = new Rng(2);
    const data = randomArray(rng, 1000, 4);
    const big = tensor(data, [1000], true);
    tanh(big).backward(new Float32Array(1000).fill(1));
    for (let i = 0; i < 1000; i += 97) {
      const small = tensor(Float32Array.of(data[i]), [1], true);
      const y = tanh(small);
      y.backward(Float32Array.of(1));
      const yBig = Math.tanh(data[i]);
      expect(Math.abs(y.data[0] - yBig)).toBeLessThan(3e-7);
      expect(Math.abs(big.grad![i] - small.grad![0])).toBeLessThan(1e-6);
    }
  });

  it('tanhGradF32 accumulates g·(1 − y²) into gx', () => {
    const rng = new Rng(3);
    const n = 523;
    const y = randomArray(rng, n), g = randomArray(rng, n), gx = randomArray(rng, n);
    const expected = gx.map((v, i) => Math.fround(v + g[i] * (1 - y[i] * y[i])));
    expect(tanhGradWasm(y, g, gx)).toBe(true);
    for (let i = 0; i < n; i++) expect(Math.abs(gx[i] - expected[i])).toBeLessThan(1e-6);
  });

  it('adamF32 takes the same steps as the float64 JS loop, with L2 (Adam) and decoupled decay (AdamW)', () => {
    const rng = new Rng(4);
    for (const [l2, decay] of [[0, 1], [0.01, 1], [0, 0.999]]) {
      const n = 1031;
      const theta = randomArray(rng, n), m = new Float32Array(n), v = new Float32Array(n);
      const thetaJs = theta.slice(), mJs = m.slice(), vJs = v.slice();
      for (let t = 1; t <= 5; t++) {
        const g = randomArray(rng, n);
        const stepSize = 1e-2 / (1 - 0.9 ** t), inv = 1 / Math.sqrt(1 - 0.999 ** t);
        expect(adamWasm(theta, g, m, v, 0.9, 0.999, stepSize, inv, 1e-8, l2, decay)).toBe(true);
        for (let j = 0; j < n; j++) {
          const th = thetaJs[j] * decay, gj = g[j] + l2 * th;
          mJs[j] = 0.9 * mJs[j] + 0.1 * gj;
          vJs[j] = 0.999 * vJs[j] + 0.001 * gj * gj;
          thetaJs[j] = th - (stepSize * mJs[j]) / (Math.sqrt(vJs[j]) * inv + 1e-8);
        }
      }
      for (let j = 0; j < n; j++) {
        expect(Math.abs(theta[j] - thetaJs[j])).toBeLessThan(1e-5);
        expect(Math.abs(m[j] - mJs[j])).toBeLessThan(1e-6);
      }
    }
  });

  it('Adam and AdamW give the same trajectory on a tensor above and below the wasm threshold', () => {
    for (const Opt of [Adam, AdamW]) {
      const big = tensor(new Float32Array(128).fill(0.5), [128], true);
      const small = tensor(Float32Array.of(0.5), [1], true);
      const optBig = new Opt([big], { lr: 0.1 }), optSmall = new Opt([small], { lr: 0.1 });
      for (let t = 0; t < 20; t++) {
        for (const [p, opt] of [[big, optBig], [small, optSmall]] as const) {
          opt.zeroGrad();
          p.grad = p.data.map((x) => 2 * x - 0.3);
          opt.step();
        }
      }
      for (let j = 0; j < 128; j++) expect(Math.abs(big.data[j] - small.data[0])).toBeLessThan(1e-5);
    }
  });
});

describe('relu, on the float bits in JS and in wasm SIMD for large tensors', () => {
  it.each([['JS', 1], ['wasm', 400]])('%s: zeroes negatives, -0 and -Infinity, keeps positives and NaN, routes gradient only where x > 0', (_path, copies) => {
    const values = [-2, -0, 0, 3, Infinity, -Infinity, NaN, 1e-40, -1e-40];
    const x = tensor(Float32Array.from({ length: 9 * copies }, (_v, i) => values[i % 9]), [9 * copies], true);
    const y = relu(x);
    const g = new Float32Array(9 * copies).fill(1);
    g[5] = Infinity; // an infinite upstream gradient where the mask is 0 must not become NaN
    y.backward(g);
    for (let c = 0; c < copies; c++) {
      const at = 9 * c;
      expect(Array.from(y.data.subarray(at, at + 6))).toEqual([0, 0, 0, 3, Infinity, 0]);
      expect(Object.is(y.data[at + 1], 0)).toBe(true);
      expect(Number.isNaN(y.data[at + 6])).toBe(true);
      expect(y.data[at + 7]).toBeGreaterThan(0);
      expect(y.data[at + 8]).toBe(0);
      expect(Array.from(x.grad!.subarray(at, at + 9))).toEqual([0, 0, 0, 1, 1, 0, 0, 1, 0]);
    }
  });
});
