// AssemblyScript source of the WebAssembly SIMD GEMM kernel (row-major float32).
//
// Build: `node scripts/build-kernels.mjs` compiles this file and im2col.as with asc into one module
// and writes its bytes, base64-encoded, to wasm.generated.ts. The files end in `.as`, not `.ts`, so
// that the project's tsc does not type-check AssemblyScript (v128, usize, load<T>) as TypeScript.
//
// Algorithm: the BLIS five-loop GEMM (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly
// Instantiating BLAS Functionality", ACM TOMS 2015; https://github.com/flame/blis). Op(B) is packed
// into KC×NC panels of 8-column strips, op(A) into MC×KC blocks of 4-row strips, and a 4×8
// register-blocked micro-kernel does the flops. Packing absorbs the transposes, so one
// micro-kernel serves all four transA/transB combinations.
//
// Why 4×8: V8 (TurboFan, x64) allocates 15 xmm registers for wasm SIMD and schedules all loads of
// a loop iteration before the arithmetic. 4×8 needs 8 accumulators + 2 B vectors + 4 broadcasts
// + 1 temporary = 15; every larger tile we tried (5×8, 6×8, 4×12, 3×16) spills inside the loop
// and runs slower. In L1 the kernel reaches ~41-44 GFLOP/s on a 2.6 GHz Zen 5 core: 16 flop/cycle,
// the 2 FMUL + 2 FADD pipes' limit for 128-bit vectors. Plain f32x4.mul + f32x4.add is used:
// relaxed_madd (FMA) needs --experimental-wasm-relaxed-simd in Node 20 (V8 11.3), and two FMA
// pipes would give the same 16 flop/cycle anyway.
//
// A single row (m = 1) with transB, which is how a Linear layer acts on one observation, skips all
// of that: gemvT does one f32x4 dot product per row of B, since packing would touch B as often as
// the flops do.
//
// All pointers are byte addresses into this module's memory; the JS side (wasm.ts) owns the
// layout and grows the memory. Strides (lda, ldb, ldc) are in elements.

const MR: i32 = 4;
const NR: i32 = 8;
const MC: i32 = 128;
const KC: i32 = 256;
const NC: i32 = 2048;

/** Scratch tile for edge tiles (fewer than MR rows or NR columns). */
const EDGE: usize = memory.data(MR * NR * 4, 16);

/** Bytes the caller must reserve for the packed A block. */
export function packASize(): i32 {
  return MC * KC * 4;
}

/** Bytes the caller must reserve for the packed B panel. */
export function packBSize(): i32 {
  return KC * NC * 4;
}

/** First byte the caller may use (everything below belongs to static data). */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}

/**
 * C[m×n] (row stride ldc) = beta*C + op(A)·op(B), op(A) m×k, op(B) k×n.
 * A is m×k (lda = k) or, with transA, k×m (lda = m); B is k×n (ldb = n) or, with transB, n×k (ldb = k).
 * packA/packB point to packASize()/packBSize() bytes of scratch.
 */
export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
  beta: i32, packA: usize, packB: usize): void {
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const accumulate = pc > 0 || beta != 0 ? 1 : 0;
      if (transB) packBTrans(kc, nc, b + <usize>(jc * ldb + pc) * 4, ldb, packB);
      else packBPlain(kc, nc, b + <usize>(pc * ldb + jc) * 4, ldb, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (transA) packATrans(mc, kc, a + <usize>(pc * lda + ic) * 4, lda, packA);
        else packAPlain(mc, kc, a + <usize>(ic * lda + pc) * 4, lda, packA);
        macroKernel(mc, nc, kc, packA, packB, c + <usize>(ic * n + jc) * 4, n, accumulate);
      }
    }
  }
}

/** Loops 2 and 1 of BLIS: each 8-column B strip stays in L1 while the 4-row A strips stream past. */
function macroKernel(mc: i32, nc: i32, kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, accumulate: i32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const bStrip = pb + <usize>(jr * kc) * 4;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = min(MR, mc - ir);
      kernel4x8(kc, pa + <usize>(ir * kc) * 4, bStrip, c + <usize>(ir * ldc + jr) * 4, ldc, mr, nr, accumulate);
    }
  }
}

/**
 * The micro-kernel: a 4×8 tile of C (as 8 f32x4 accumulators) += Σ_p a[p][0..3] ⊗ b[p][0..7].
 * a is a packed strip (kc × 4), b a packed strip (kc × 8). Edge tiles (mr < 4 or nr < 8) go
 * through the EDGE scratch so that nothing outside C is touched.
 */
function kernel4x8(kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: i32): void {
  let c00 = f32x4.splat(0); let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0); let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0); let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0); let c31 = f32x4.splat(0);
  const aEnd = a + <usize>(kc * MR) * 4;
  while (a < aEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    const a1 = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const a2 = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    const a3 = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    a += MR * 4;
    b += NR * 4;
  }
  if (mr == MR && nr == NR) {
    const r1 = c + <usize>ldc * 4;
    const r2 = r1 + <usize>ldc * 4;
    const r3 = r2 + <usize>ldc * 4;
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
      c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
      c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(r1, c10); v128.store(r1, c11, 16);
    v128.store(r2, c20); v128.store(r2, c21, 16);
    v128.store(r3, c30); v128.store(r3, c31, 16);
    return;
  }
  v128.store(EDGE, c00); v128.store(EDGE, c01, 16);
  v128.store(EDGE, c10, 32); v128.store(EDGE, c11, 48);
  v128.store(EDGE, c20, 64); v128.store(EDGE, c21, 80);
  v128.store(EDGE, c30, 96); v128.store(EDGE, c31, 112);
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>(i * ldc) * 4;
    const src = EDGE + <usize>(i * NR) * 4;
    for (let j = 0; j < nr; j++) {
      const off = <usize>j * 4;
      const v = load<f32>(src + off);
      store<f32>(row + off, accumulate ? load<f32>(row + off) + v : v);
    }
  }
}

/** Packs an mc×kc block of row-major A (row stride lda) into 4-row strips: dst[s][p][i] = A[4s+i][p]. */
function packAPlain(mc: i32, kc: i32, a: usize, lda: i32, dst: usize): void {
  const rowBytes = <usize>lda * 4;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    const r0 = a + <usize>i0 * rowBytes;
    if (rows == MR) {
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p * 4;
        transposeStore4(v128.load(r0 + off), v128.load(r1 + off), v128.load(r2 + off), v128.load(r3 + off), dst, 16);
        dst += 64;
      }
      packEdge(kc - p, MR, MR, r0 + <usize>p * 4, 4, rowBytes, dst);
      dst += <usize>((kc - p) * MR) * 4;
    } else {
      packEdge(kc, rows, MR, r0, 4, rowBytes, dst);
      dst += <usize>(kc * MR) * 4;
    }
  }
}

/** Packs an mc×kc block of op(A) where A is stored k×m (row stride lda): dst[s][p][i] = A[p][4s+i]. */
function packATrans(mc: i32, kc: i32, a: usize, lda: i32, dst: usize): void {
  const rowBytes = <usize>lda * 4;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const cols = min(MR, mc - i0);
    let src = a + <usize>i0 * 4;
    if (cols == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += rowBytes;
        dst += 16;
      }
    } else {
      packEdge(kc, cols, MR, src, rowBytes, 4, dst);
      dst += <usize>(kc * MR) * 4;
    }
  }
}

/** Packs a kc×nc block of row-major B (row stride ldb) into 8-column strips: dst[s][p][j] = B[p][8s+j]. */
function packBPlain(kc: i32, nc: i32, b: usize, ldb: i32, dst: usize): void {
  const rowBytes = <usize>ldb * 4;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    let src = b + <usize>j0 * 4;
    if (cols == NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += rowBytes;
        dst += 32;
      }
    } else {
      packEdge(kc, cols, NR, src, rowBytes, 4, dst);
      dst += <usize>(kc * NR) * 4;
    }
  }
}

/** Packs a kc×nc block of op(B) where B is stored n×k (row stride ldb): dst[s][p][j] = B[8s+j][p]. */
function packBTrans(kc: i32, nc: i32, b: usize, ldb: i32, dst: usize): void {
  const rowBytes = <usize>ldb * 4;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    const r0 = b + <usize>j0 * rowBytes;
    if (cols == NR) {
      const r1 = r0 + rowBytes; const r2 = r1 + rowBytes; const r3 = r2 + rowBytes;
      const r4 = r3 + rowBytes; const r5 = r4 + rowBytes; const r6 = r5 + rowBytes; const r7 = r6 + rowBytes;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const off = <usize>p * 4;
        transposeStore4(v128.load(r0 + off), v128.load(r1 + off), v128.load(r2 + off), v128.load(r3 + off), dst, 32);
        transposeStore4(v128.load(r4 + off), v128.load(r5 + off), v128.load(r6 + off), v128.load(r7 + off), dst + 16, 32);
        dst += 128;
      }
      packEdge(kc - p, NR, NR, r0 + <usize>p * 4, 4, rowBytes, dst);
      dst += <usize>((kc - p) * NR) * 4;
    } else {
      packEdge(kc, cols, NR, r0, 4, rowBytes, dst);
      dst += <usize>(kc * NR) * 4;
    }
  }
}

/**
 * The scalar packer for edge strips and leftover steps: dst[p][q] = src[p·pStride + q·qStride] for
 * q < valid, and 0 for valid ≤ q < width (zero padding up to the micro-kernel's tile). Strides in bytes.
 */
function packEdge(steps: i32, valid: i32, width: i32, src: usize, pStride: usize, qStride: usize, dst: usize): void {
  for (let p = 0; p < steps; p++) {
    for (let q = 0; q < width; q++) {
      store<f32>(dst + <usize>q * 4, q < valid ? load<f32>(src + <usize>p * pStride + <usize>q * qStride) : 0);
    }
    dst += <usize>width * 4;
  }
}

/** Transposes the 4×4 block whose rows are x0..x3 and stores its rows at dst, dst+stride, ... */
// @ts-ignore: decorator
@inline function transposeStore4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * The m = 1, transB case (one observation through a Linear layer, x·Wᵀ): c[j] = beta·c[j] +
 * Σ_p a[p]·B[j][p], one f32x4 dot product per row of B and no packing, since each B element is
 * used once. a is contiguous whether or not A is transposed.
 */
export function gemvT(n: i32, k: i32, a: usize, b: usize, c: usize, beta: i32): void {
  const k4 = k & ~3;
  for (let j = 0; j < n; j++) {
    const bj = b + <usize>(j * k) * 4;
    let acc = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + <usize>p * 4), v128.load(bj + <usize>p * 4)));
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (let p = k4; p < k; p++) s += load<f32>(a + <usize>p * 4) * load<f32>(bj + <usize>p * 4);
    store<f32>(c + <usize>j * 4, beta ? load<f32>(c + <usize>j * 4) + s : s);
  }
}
