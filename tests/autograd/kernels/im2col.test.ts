import { describe, expect, it } from 'vitest';
import { col2im, col2imJs, convOutputSize, im2col, im2colJs } from '../../../src/autograd/kernels/index.ts';
import type { Conv2dGeometry } from '../../../src/autograd/kernels/index.ts';
import { Rng } from '../../../src/core/rng.ts';

function geometry(n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number): Conv2dGeometry {
  return { n, c, h, w, kh, kw, stride, padding, oh: convOutputSize(h, kh, stride, padding), ow: convOutputSize(w, kw, stride, padding) };
}

/** The layout contract, spelled out: col[(ch·kh + i)·kw + j][b·oh·ow + oy·ow + ox] = x[b, ch, y, x] or 0. */
function im2colNaive(x: Float32Array, g: Conv2dGeometry): Float32Array {
  const np = g.n * g.oh * g.ow;
  const col = new Float32Array(g.c * g.kh * g.kw * np);
  for (let ch = 0; ch < g.c; ch++)
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++)
        for (let b = 0; b < g.n; b++)
          for (let oy = 0; oy < g.oh; oy++)
            for (let ox = 0; ox < g.ow; ox++) {
              const y = oy * g.stride - g.padding + i;
              const xx = ox * g.stride - g.padding + j;
              const inside = y >= 0 && y < g.h && xx >= 0 && xx < g.w;
              col[((ch * g.kh + i) * g.kw + j) * np + (b * g.oh + oy) * g.ow + ox] = inside ? x[((b * g.c + ch) * g.h + y) * g.w + xx] : 0;
            }
  return col;
}

/** Scatter-add in float64, the same index formula as im2colNaive run backwards. */
function col2imNaive(dcol: Float32Array, g: Conv2dGeometry, dx0: Float32Array): Float64Array {
  const np = g.n * g.oh * g.ow;
  const dx = new Float64Array(dx0);
  for (let ch = 0; ch < g.c; ch++)
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++)
        for (let b = 0; b < g.n; b++)
          for (let oy = 0; oy < g.oh; oy++)
            for (let ox = 0; ox < g.ow; ox++) {
              const y = oy * g.stride - g.padding + i;
              const xx = ox * g.stride - g.padding + j;
              if (y >= 0 && y < g.h && xx >= 0 && xx < g.w) {
                dx[((b * g.c + ch) * g.h + y) * g.w + xx] += dcol[((ch * g.kh + i) * g.kw + j) * np + (b * g.oh + oy) * g.ow + ox];
              }
            }
  return dx;
}

function randomArray(rng: Rng, length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

function randomGeometry(rng: Rng): Conv2dGeometry {
  for (;;) {
    const kh = 1 + rng.int(5);
    const kw = 1 + rng.int(5);
    const g = geometry(1 + rng.int(3), 1 + rng.int(3), 1 + rng.int(11), 1 + rng.int(11), kh, kw, 1 + rng.int(4), rng.int(3));
    if (g.oh >= 1 && g.ow >= 1) return g;
  }
}

// The Nature-DQN layers (batch 2) plus padded and strided cases.
const FIXED: Conv2dGeometry[] = [
  geometry(2, 4, 84, 84, 8, 8, 4, 0),
  geometry(2, 32, 20, 20, 4, 4, 2, 0),
  geometry(2, 64, 9, 9, 3, 3, 1, 0),
  geometry(2, 3, 7, 9, 3, 3, 1, 1),
  geometry(1, 2, 5, 5, 3, 3, 2, 2),
  geometry(1, 1, 4, 4, 5, 5, 1, 2),
];

const IMPLS = [
  ['wasm', im2col, col2im],
  ['js', im2colJs, col2imJs],
] as const;

describe.each(IMPLS)('im2col / col2im (%s)', (_name, im2col, col2im) => {
  it('im2col matches the naive unfold, overwriting whatever col held', () => {
    const rng = new Rng(1);
    const geometries = [...FIXED, ...Array.from({ length: 200 }, () => randomGeometry(rng))];
    for (const g of geometries) {
      const x = randomArray(rng, g.n * g.c * g.h * g.w);
      const col = new Float32Array(g.c * g.kh * g.kw * g.n * g.oh * g.ow).fill(Number.NaN);
      im2col(x, g, col);
      expect(col, JSON.stringify(g)).toEqual(im2colNaive(x, g));
    }
  });

  it('col2im is the adjoint of im2col, accumulating into dx', () => {
    const rng = new Rng(2);
    const geometries = [...FIXED, ...Array.from({ length: 200 }, () => randomGeometry(rng))];
    for (const g of geometries) {
      const dcol = randomArray(rng, g.c * g.kh * g.kw * g.n * g.oh * g.ow);
      const dx0 = randomArray(rng, g.n * g.c * g.h * g.w);
      const dx = dx0.slice();
      col2im(dcol, g, dx);
      const expected = col2imNaive(dcol, g, dx0);
      for (let idx = 0; idx < dx.length; idx++) {
        if (Math.abs(dx[idx] - expected[idx]) > 1e-5 * (1 + Math.abs(expected[idx]))) {
          expect.fail(`${JSON.stringify(g)}: dx[${idx}] = ${dx[idx]}, expected ${expected[idx]}`);
        }
      }
      // Whole-array check through the adjoint identity <im2col(x), dcol> = <x, col2im(dcol)>.
      const x = randomArray(rng, dx0.length);
      const col = im2colNaive(x, g);
      let lhs = 0;
      for (let q = 0; q < col.length; q++) lhs += col[q] * dcol[q];
      let rhs = 0;
      for (let q = 0; q < x.length; q++) rhs += x[q] * (dx[q] - dx0[q]);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
    }
  });

  it('throws a RangeError on an inconsistent geometry or wrong array lengths', () => {
    const g = geometry(1, 1, 4, 4, 3, 3, 1, 0);
    expect(() => im2col(new Float32Array(16), { ...g, oh: 3 }, new Float32Array(27))).toThrow(/inconsistent geometry/);
    expect(() => col2im(new Float32Array(35), g, new Float32Array(16))).toThrow(/col2im(Js)?: expected/);
  });
});
