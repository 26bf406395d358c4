/**
 * im2col / col2im for NCHW convolution with stride and zero padding, so that conv2d is one GEMM
 * over the whole batch (Chellapilla et al., "High Performance Convolutional Neural Networks for
 * Document Processing", 2006; https://inria.hal.science/inria-00112631).
 *
 * Column layout, batch side by side: col[(c·kh + i)·kw + j][b·oh·ow + oy·ow + ox]
 *   = x[b, c, oy·stride − padding + i, ox·stride − padding + j]   (0 outside the image).
 * Forward is then `gemm(W[O×C·kh·kw], col) → [O, N·oh·ow]`.
 *
 * These are plain JS: they move memory and do no arithmetic, and a wasm version would have to
 * copy x in and col out, which costs as much as the unfold itself. The speed comes from hoisting
 * the bounds tests out of the inner loop: each output row is split into a left padding run, a
 * valid run (a straight copy when stride is 1) and a right padding run.
 */

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
  const { n, c, h, w, kh, kw, stride, oh, ow } = g;
  const plane = oh * ow;
  const np = n * plane;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const [lo, hi] = validRange(g, j, ow, w);
        let dst = ((ch * kh + i) * kw + j) * np;
        for (let b = 0; b < n; b++) {
          const xBase = (b * c + ch) * h * w;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * stride - g.padding + i;
            if (y < 0 || y >= h) {
              col.fill(0, dst, dst + ow);
            } else {
              const src = xBase + y * w - g.padding + j;
              if (lo > 0) col.fill(0, dst, dst + lo);
              if (stride === 1) {
                for (let ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox];
              } else {
                for (let ox = lo; ox < hi; ox++) col[dst + ox] = x[src + ox * stride];
              }
              if (hi < ow) col.fill(0, dst + hi, dst + ow);
            }
            dst += ow;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every col entry into the dx [n, c, h, w] position it came from. */
export function col2im(col: Float32Array, g: Conv2dGeometry, dx: Float32Array): void {
  const { n, c, h, w, kh, kw, stride, oh, ow } = g;
  const plane = oh * ow;
  const np = n * plane;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const [lo, hi] = validRange(g, j, ow, w);
        let src = ((ch * kh + i) * kw + j) * np;
        for (let b = 0; b < n; b++) {
          const xBase = (b * c + ch) * h * w;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * stride - g.padding + i;
            if (y >= 0 && y < h) {
              const dst = xBase + y * w - g.padding + j;
              if (stride === 1) {
                for (let ox = lo; ox < hi; ox++) dx[dst + ox] += col[src + ox];
              } else {
                for (let ox = lo; ox < hi; ox++) dx[dst + ox * stride] += col[src + ox];
              }
            }
            src += ow;
          }
        }
      }
    }
  }
}

/** The output columns [lo, hi) whose input column ox·stride − padding + j lies inside [0, w). */
function validRange(g: Conv2dGeometry, j: number, ow: number, w: number): [number, number] {
  const offset = j - g.padding;
  const lo = Math.min(ow, Math.max(0, Math.ceil(-offset / g.stride)));
  const hi = Math.max(lo, Math.min(ow, Math.floor((w - 1 - offset) / g.stride) + 1));
  return [lo, hi];
}
