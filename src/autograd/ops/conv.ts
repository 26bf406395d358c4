/**
 * 2-D convolution (NCHW, stride, zero padding) as im2col + one GEMM over the whole batch (both
 * kernels in WebAssembly SIMD, see kernels/), and max pooling. Weights are [out, in, kh, kw], PyTorch's layout, so checkpoints interchange.
 */
import { ShapeError } from '../../core/errors.ts';
import { col2im, gemm, im2col, type Conv2dGeometry } from '../kernels/index.ts';
import { alloc, allocScratch, release } from '../alloc.ts';
import { recordsGraph, result, type Tensor } from '../tensor.ts';

function geometry(op: string, x: Tensor, kh: number, kw: number, stride: number, padding: number): Conv2dGeometry {
  if (x.ndim !== 4) throw new ShapeError(op, `expected input [N, C, H, W], received [${x.shape.join(', ')}]`);
  if (!(Number.isInteger(stride) && stride >= 1 && Number.isInteger(padding) && padding >= 0)) {
    throw new ShapeError(op, `stride must be an integer >= 1 and padding >= 0, received stride=${stride}, padding=${padding}`);
  }
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kw) / stride) + 1;
  if (oh < 1 || ow < 1) throw new ShapeError(op, `a ${kh}x${kw} window does not fit input [${x.shape.join(', ')}] with padding ${padding}`);
  return { n, c, h, w, kh, kw, stride, padding, oh, ow };
}

/** conv2d(x [N, C, H, W], weight [O, C, kh, kw], bias [O] | null) → [N, O, OH, OW]. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null, stride = 1, padding = 0): Tensor {
  if (weight.ndim !== 4 || weight.shape[1] !== x.shape[1]) {
    throw new ShapeError('conv2d', `input [${x.shape.join(', ')}] needs weight [O, ${x.shape[1]}, kh, kw], received [${weight.shape.join(', ')}]`);
  }
  const [o, , kh, kw] = weight.shape;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== o)) throw new ShapeError('conv2d', `bias must be [${o}], received [${bias.shape.join(', ')}]`);
  const g = geometry('conv2d', x, kh, kw, stride, padding);
  const ckk = g.c * kh * kw, p = g.oh * g.ow, np = g.n * p;
  // im2col and a beta = 0 GEMM overwrite every element, so scratch buffers from the pool need no zeroing
  let col: Float32Array | null = allocScratch(ckk * np);
  im2col(x.data, g, col);
  const out2 = allocScratch(o * np); // [O, N·P]
  gemm(false, false, o, np, ckk, weight.data, 0, col, 0, out2, 0, 0);
  const out = alloc(g.n * o * p); // [N, O, P]
  for (let oc = 0; oc < o; oc++) {
    const bv = bias !== null ? bias.data[oc] : 0;
    for (let b = 0; b < g.n; b++) {
      const src = oc * np + b * p, dst = (b * o + oc) * p;
      for (let i = 0; i < p; i++) out[dst + i] = out2[src + i] + bv;
    }
  }
  release(out2);
  const parents = bias !== null ? [x, weight, bias] : [x, weight];
  if (!recordsGraph(parents)) {
    // no backward will read the columns (acting, evaluation): back to the pool at once
    release(col);
    col = null;
  }
  return result(out, [g.n, o, g.oh, g.ow], parents, (gOut) => {
    // d/dW = G·colᵀ, d/dcol = Wᵀ·G then col2im, d/db = Σ G over batch and pixels
    const g2 = allocScratch(o * np);
    for (let oc = 0; oc < o; oc++)
      for (let b = 0; b < g.n; b++) g2.set(gOut.subarray((b * o + oc) * p, (b * o + oc + 1) * p), oc * np + b * p);
    if (weight.requiresGrad) {
      if (col === null) {
        // a second backward through this graph: the columns went back to the pool after the first
        col = allocScratch(ckk * np);
        im2col(x.data, g, col);
      }
      gemm(false, true, o, ckk, np, g2, 0, col, 0, weight.gradBuffer(), 0, 1);
    }
    if (bias !== null && bias.requiresGrad) {
      const gb = bias.gradBuffer();
      for (let oc = 0; oc < o; oc++) {
        let s = 0;
        for (let i = oc * np; i < (oc + 1) * np; i++) s += g2[i];
        gb[oc] += s;
      }
    }
    if (x.requiresGrad) {
      const dcol = allocScratch(ckk * np);
      gemm(true, false, ckk, np, o, weight.data, 0, g2, 0, dcol, 0, 0);
      col2im(dcol, g, x.gradBuffer());
      release(dcol);
    }
    release(g2);
    if (col !== null) {
      // the columns are dead once the weight gradient is taken (x.data never changes, so a rare second
      // backward recomputes them)
      release(col);
      col = null;
    }
  });
}

/** Max pooling over kernel×kernel windows (stride defaults to the kernel size). */
export function maxPool2d(x: Tensor, kernel: number, stride = kernel, padding = 0): Tensor {
  const g = geometry('maxPool2d', x, kernel, kernel, stride, padding);
  const { n, c, h, w, oh, ow } = g;
  const out = alloc(n * c * oh * ow);
  const arg = new Int32Array(out.length);
  const d = x.data;
  let o = 0;
  for (let bc = 0; bc < n * c; bc++) {
    const base = bc * h * w;
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++, o++) {
        let best = -Infinity, bi = -1;
        for (let i = 0; i < kernel; i++) {
          const y = oy * stride - padding + i;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < kernel; j++) {
            const xx = ox * stride - padding + j;
            if (xx < 0 || xx >= w) continue;
            const v = d[base + y * w + xx];
            if (v > best || bi === -1) {
              best = v;
              bi = base + y * w + xx;
            }
          }
        }
        out[o] = best;
        arg[o] = bi;
      }
  }
  return result(out, [n, c, oh, ow], [x], (gOut) => {
    // d/dx max-pool = 1 at each window's argmax
    const gx = x.gradBuffer();
    for (let i = 0; i < gOut.length; i++) gx[arg[i]] += gOut[i];
  });
}
