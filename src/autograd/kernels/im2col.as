// AssemblyScript source of the wasm im2col / col2im (NCHW, stride, zero padding); compiled into
// the same module as gemm.as by scripts/build-kernels.mjs. Layout and contract: see im2col.ts,
// whose plain-JS versions these mirror loop for loop.
//
// Why wasm: V8 spends about 2 ns per Float32Array element in a JS copy loop; here a row of the
// unfold is a few v128 moves (stride 1) or scalar moves with no bounds checks.
//
// Pointers are byte addresses into this module's memory. Address arithmetic may wrap below a row
// start (negative padding offsets); only in-bounds elements are ever touched.

/** Unfolds x [n, c, h, w] into col [c·kh·kw, n·oh·ow]; overwrites col. */
export function im2col(x: usize, n: i32, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, padding: i32,
  oh: i32, ow: i32, col: usize): void {
  const np = n * oh * ow;
  const rowBytes = <usize>ow * 4;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j - padding;
        const lo = firstValid(off, stride, ow);
        const hi = endValid(off, stride, ow, w, lo);
        let dst = col + <usize>(((ch * kh + i) * kw + j) * np) * 4;
        for (let b = 0; b < n; b++) {
          const plane = x + <usize>((b * c + ch) * h * w) * 4;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * stride - padding + i;
            if (y < 0 || y >= h) {
              zero(dst, dst + rowBytes);
            } else {
              const src = plane + <usize>(y * w + off) * 4;
              zero(dst, dst + <usize>lo * 4);
              if (stride == 1) copyRun(src + <usize>lo * 4, dst + <usize>lo * 4, dst + <usize>hi * 4);
              else gatherRun(src + <usize>(lo * stride) * 4, <usize>stride * 4, dst + <usize>lo * 4, dst + <usize>hi * 4);
              zero(dst + <usize>hi * 4, dst + rowBytes);
            }
            dst += rowBytes;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every col entry into the dx [n, c, h, w] position it came from. */
export function col2im(col: usize, n: i32, c: i32, h: i32, w: i32, kh: i32, kw: i32, stride: i32, padding: i32,
  oh: i32, ow: i32, dx: usize): void {
  const np = n * oh * ow;
  const rowBytes = <usize>ow * 4;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const off = j - padding;
        const lo = firstValid(off, stride, ow);
        const hi = endValid(off, stride, ow, w, lo);
        let src = col + <usize>(((ch * kh + i) * kw + j) * np) * 4;
        for (let b = 0; b < n; b++) {
          const plane = dx + <usize>((b * c + ch) * h * w) * 4;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * stride - padding + i;
            if (y >= 0 && y < h) {
              const dst = plane + <usize>(y * w + off + lo * stride) * 4;
              if (stride == 1) addRun(src + <usize>lo * 4, src + <usize>hi * 4, dst);
              else scatterAddRun(src + <usize>lo * 4, src + <usize>hi * 4, dst, <usize>stride * 4);
            }
            src += rowBytes;
          }
        }
      }
    }
  }
}

/** The first output column whose input column ox·stride + off is ≥ 0 (at most ow). */
function firstValid(off: i32, stride: i32, ow: i32): i32 {
  return off >= 0 ? 0 : min(ow, (stride - 1 - off) / stride);
}

/** One past the last output column (≥ lo) whose input column ox·stride + off is < w. */
function endValid(off: i32, stride: i32, ow: i32, w: i32, lo: i32): i32 {
  const last = w - 1 - off;
  return last < 0 ? lo : max(lo, min(ow, last / stride + 1));
}

// @ts-ignore: decorator
@inline function zero(dst: usize, end: usize): void {
  if (end > dst) memory.fill(dst, 0, end - dst);
}

// @ts-ignore: decorator
@inline function copyRun(src: usize, dst: usize, end: usize): void {
  for (; dst + 16 <= end; dst += 16, src += 16) v128.store(dst, v128.load(src));
  for (; dst < end; dst += 4, src += 4) store<f32>(dst, load<f32>(src));
}

// @ts-ignore: decorator
@inline function gatherRun(src: usize, step: usize, dst: usize, end: usize): void {
  for (; dst < end; dst += 4, src += step) store<f32>(dst, load<f32>(src));
}

// @ts-ignore: decorator
@inline function addRun(src: usize, end: usize, dst: usize): void {
  for (; src + 16 <= end; src += 16, dst += 16) v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
  for (; src < end; src += 4, dst += 4) store<f32>(dst, load<f32>(dst) + load<f32>(src));
}

// @ts-ignore: decorator
@inline function scatterAddRun(src: usize, end: usize, dst: usize, step: usize): void {
  for (; src < end; src += 4, dst += step) store<f32>(dst, load<f32>(dst) + load<f32>(src));
}
