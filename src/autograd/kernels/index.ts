/**
 * Compute kernels for the autograd core: GEMM and the im2col/col2im pair that turns conv2d into
 * GEMM, in WebAssembly SIMD (compiled from gemm.as / im2col.as), each with a plain-TypeScript path.
 *
 * Everything is row-major float32 on plain Float32Arrays with offsets, so batched matmul and
 * per-image convolution pass sub-arrays without copying. See gemm.as for the kernel design and
 * `npx tsx bench/kernels.ts` for measured GFLOP/s. Rebuild the wasm after editing a .as file with
 * `node scripts/build-kernels.mjs`.
 */
import { checkGemmArgs, gemmJs } from './gemm-js.ts';
import { gemmWasm, wasmAvailable, wasmReady, wasmStatus } from './wasm.ts';

export { gemmJs, gemmRef } from './gemm-js.ts';
export type { GemmFn } from './gemm-js.ts';
export { col2im, col2imJs, convOutputSize, im2col, im2colJs } from './im2col.ts';
export type { Conv2dGeometry } from './im2col.ts';

/**
 * Below this many multiply-adds (m·n·k) the JS loop beats the wasm call plus its copies (about
 * 0.25 µs). Measured crossover: 4×4×4 and 1×4×64 are faster in JS, 1×8×64 and 8×8×8 in wasm.
 */
const SMALL_GEMM_MACS = 512;

/** Which kernels are active, for logs and benchmark output. */
export interface KernelInfo {
  /** 'wasm-simd' once the wasm kernel is loaded; 'js' before (browser async compile) or without SIMD. */
  readonly backend: 'wasm-simd' | 'js';
  /** Why the wasm kernel is not in use, or '' when it is. */
  readonly reason: string;
  /** The register tile of the SIMD micro-kernel (rows × columns of C). */
  readonly microKernel: string;
  /** GEMMs with m·n·k below this run in JS even when wasm is available. */
  readonly smallGemmMacs: number;
}

/** Live description of the active kernels; `backend` flips to 'wasm-simd' when an async load finishes. */
export const kernelInfo: KernelInfo = {
  get backend(): 'wasm-simd' | 'js' {
    return wasmAvailable() ? 'wasm-simd' : 'js';
  },
  get reason(): string {
    return wasmStatus;
  },
  microKernel: '4x8 f32x4 (mul + add)',
  smallGemmMacs: SMALL_GEMM_MACS,
};

/**
 * Resolves once the wasm kernel has loaded or failed for good. Node and workers load synchronously
 * at import, so this matters only on a browser main thread; `gemm` works (in JS) before it resolves.
 */
export const kernelsReady: Promise<void> = wasmReady;

/**
 * C[m×n] = beta·C + op(A)[m×k] · op(B)[k×n], op = transpose when transA/transB.
 *
 * A is stored dense row-major as m×k (k×m when transA) from `aOff`; B as k×n (n×k when transB)
 * from `bOff`; C as m×n from `cOff`, and must not overlap A or B. With beta = 0, C is overwritten
 * (old NaNs do not leak). Picks the SIMD kernel unless the product is tiny or wasm is unavailable.
 */
export function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  checkGemmArgs('gemm', m, n, k, a, aOff, b, bOff, c, cOff);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (beta === 0) c.fill(0, cOff, cOff + m * n);
    return;
  }
  if (m * n * k < SMALL_GEMM_MACS || !gemmWasm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, beta)) {
    gemmJs(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, beta);
  }
}

/** GEMM forced through the SIMD kernel (for tests and benchmarks); throws if it is not loaded. */
export function gemmSimd(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  checkGemmArgs('gemmSimd', m, n, k, a, aOff, b, bOff, c, cOff);
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (beta === 0) c.fill(0, cOff, cOff + m * n);
    return;
  }
  if (!gemmWasm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, beta)) {
    throw new Error(`gemmSimd: wasm kernel unavailable (${wasmStatus || 'operands exceed wasm32 memory'})`);
  }
}
