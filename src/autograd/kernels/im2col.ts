/**
 * im2col / col2im for NCHW convolution with stride and zero padding, so that conv2d is one GEMM
 * over the whole batch (Chellapilla et al., "High Performance Convolutional Neural Networks for
 * Document Processing", 2006; https://inria.hal.science/inria-00112631).
 *
 * Column layout, batch side by side: col[(c·kh + i)·kw + j][b·oh·ow + oy·ow + ox]
 *   = x[b, c, oy·stride − padding + i, ox·stride − padding + j]   (0 outside the image).
 * Forward is then `gemm(W[O×C·kh·kw], col) → [O, N·oh·ow]`.
 *
 * `im2col`/`col2im` run the wasm versions (im2col.as) when the kernel module is loaded: V8 spends
 * about 2 ns per element in a Float32Array copy loop, several times the cost of copying x in and
 * col out of wasm memory. `im2colJs`/`col2imJs` are the fallbacks, and mirror the wasm loops: bounds
 * tests are hoisted out of the inner loop by splitting each output row into a left padding run, a
 * valid run and a right padding run.
 */
import { col2imWasm, im2colWasm } from './wasm.ts';

/** Geometry of a convolution over a batch; same fields as the autograd's ConvGeometry. */
export interface Conv2dGeometry {
  /** Batch size. */
  readonly n: number;
  /** Input channels. */
  readonly c: number;
  /** Input height and width. */
  readonly h: number;
  readonly w: number;
  /** Kernel height and width. */
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: number;
  /** Output height and width: floor((h + 2·padding − kh) / stride) + 1, and likewise for ow. */
  readonly oh: number;
  readonly ow: number;
}

/** Output size of a convolution along one axis: floor((size + 2·padding − kernel) / stride) + 1. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

/** Unfolds x [n, c, h, w] into col [c·kh·kw, n·oh·ow] (layout in the file header); overwrites col. */
export function im2col(x: Float32Array, g: Conv2dGeometry, col: Float32Array): void {
  checkConvArgs('im2col', x, g, col);
  if (!im2colWasm(x, g, col)) im2colJs(x, g, col);
}

/** The adjoint of im2col: adds every col entry into the dx [n, c, h, w] position it came from. */
export function col2im(col: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  checkConvArgs('col2im', dx, g, col);
  if (!col2imWasm(col, g, dx)) col2imJs(col, g, dx);
}

/** im2col in plain JS (the fallback when wasm is unavailable). */
export function im2colJs(x: Float32Array, g: Conv2dGeometry, col: Float32Array): void {
  checkConvArgs('im2colJs', x, g, col);
  const { n, c, h, w, kh, kw, stride, padding, oh, ow } = g;
  const np = n * oh * ow;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const lo = firstValid(j - padding, stride, ow);
        const hi = endValid(j - padding, stride, ow, w, lo);
        let dst = ((ch * kh + i) * kw + j) * np;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ch) * h * w;
          for (let oy = 0; oy < oh; oy++, dst += ow) {
            const y = oy * stride - padding + i;
            if (y < 0 || y >= h) {
              col.fill(0, dst, dst + ow);
              continue;
            }
            const src = plane + y * w - padding + j;
            if (lo > 0) col.fill(0, dst, dst + lo);
            if (stride === 1) for (let ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox];
            else for (let ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * stride];
            if (hi < ow) col.fill(0, dst + hi, dst + ow);
          }
        }
      }
    }
  }
}

/** col2im in plain JS (the fallback when wasm is unavailable). */
export function col2imJs(col: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  checkConvArgs('col2imJs', dx, g, col);
  const { n, c, h, w, kh, kw, stride, padding, oh, ow } = g;
  const np = n * oh * ow;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const lo = firstValid(j - padding, stride, ow);
        const hi = endValid(j - padding, stride, ow, w, lo);
        let src = ((ch * kh + i) * kw + j) * np;
        for (let b = 0; b < n; b++) {
          const plane = (b * c + ch) * h * w;
          for (let oy = 0; oy < oh; oy++, src += ow) {
            const y = oy * stride - padding + i;
            if (y < 0 || y >= h) continue;
            const dst = plane + y * w - padding + j;
            if (stride === 1) for (let ox = lo; ox < hi; ox++) dx[dst + ox] += col[src + ox];
            else for (let ox = lo; ox < hi; ox++) dx[dst + ox * stride] += col[src + ox];
          }
        }
      }
    }
  }
}

/** The first output column ox whose input column ox·stride + offset is ≥ 0 (at most ow). */
function firstValid(offset: number, stride: number, ow: number): number {
  return Math.min(ow, Math.max(0, Math.ceil(-offset / stride)));
}

/** One past the last output column ox (≥ lo) whose input column ox·stride + offset is < w. */
function endValid(offset: number, stride: number, ow: number, w: number, lo: number): number {
  return Math.max(lo, Math.min(ow, Math.floor((w - 1 - offset) / stride) + 1));
}

/** Throws a RangeError naming `op` unless the geometry is consistent and both arrays have its sizes. */
function checkConvArgs(op: string, x: Float32Array, g: Conv2dGeometry, col: Float32Array): void {
  const { n, c, h, w, kh, kw, stride, padding, oh, ow } = g;
  const counts = [n, c, h, w, kh, kw, stride, padding, oh, ow];
  if (!counts.every((v) => Number.isInteger(v) && v >= 0) || stride < 1
    || oh !== convOutputSize(h, kh, stride, padding) || ow !== convOutputSize(w, kw, stride, padding)) {
    throw new RangeError(`${op}: inconsistent geometry ${JSON.stringify(g)}`);
  }
  if (x.length !== n * c * h * w || col.length !== c * kh * kw * n * oh * ow) {
    throw new RangeError(`${op}: expected image length ${n * c * h * w} and col length ${c * kh * kw * n * oh * ow}, received ${x.length} and ${col.length}`);
  }
}
