/**
 * Loads the WebAssembly SIMD kernels (compiled from gemm.as, im2col.as and elementwise.as) and runs
 * them on JS Float32Arrays.
 *
 * Why synchronous: autograd ops are synchronous, so the kernels must be usable the moment this
 * module is imported. The wasm bytes are embedded as base64 (wasm.generated.ts) and compiled with
 * `new WebAssembly.Module`, which Node always allows and browsers allow in workers. On a browser's
 * main thread Chrome used to refuse modules over 4 KB; the Chromium 156 we test with compiles a
 * 100 KB module synchronously there (checked with playwright-core, 2026-11-27). If a browser still
 * refuses, or lacks SIMD, callers use the JS path; a refused sync compile is retried
 * asynchronously and the wasm path switches on when it finishes (`wasmReady`).
 *
 * Memory scheme: one growable wasm memory laid out as [static | packed A | packed B | A | B | C].
 * Each call copies A and B in with `TypedArray.set` (a memcpy), C too when beta = 1, runs the
 * kernel, and copies C out. The copies are O(mk + kn + mn) against O(mnk) flops. The regions are
 * reused across calls and only grow (never shrink), up to 2 GiB; beyond that callers fall back to JS.
 */
import type { Conv2dGeometry } from './im2col.ts';
import { KERNELS_WASM_BASE64 } from './wasm.generated.ts';

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, b: number, c: number,
    beta: number, packA: number, packB: number): void;
  packASize(): number;
  packBSize(): number;
  heapBase(): number;
  gemvT(n: number, k: number, a: number, b: number, c: number, beta: number): void;
  im2col(x: number, n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number,
    oh: number, ow: number, col: number): void;
  col2im(col: number, n: number, c: number, h: number, w: number, kh: number, kw: number, stride: number, padding: number,
    oh: number, ow: number, dx: number): void;
  tanhF32(x: number, y: number, n: number): void;
  tanhGradF32(y: number, g: number, gx: number, n: number): void;
  reluF32(x: number, y: number, n: number): void;
  reluGradF32(x: number, g: number, gx: number, n: number): void;
  adamF32(theta: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number,
    stepSize: number, invSqrtBc2: number, eps: number, l2: number, decay: number): void;
}

const PAGE_BYTES = 65536;
/** wasm32 memories stop at 4 GiB; stay below so that byte addresses fit in an i32. */
const MAX_BYTES = 2 ** 31;

let kernel: KernelExports | null = null;
let heap = new Float32Array(0);
/** Byte offsets of the packing scratch and of where the operand copies start. */
let packA = 0;
let packB = 0;
let dataStart = 0;

/** Why the wasm path is off ('' when it is on); shown by kernelInfo. */
export let wasmStatus = 'loading';

/** Resolves when the wasm kernel is usable, or stays unusable for good (then `wasmStatus` says why). */
export const wasmReady: Promise<void> = load();

/** True once the wasm kernel is instantiated. */
export function wasmAvailable(): boolean {
  return kernel !== null;
}

/**
 * GEMM through the wasm kernel; same contract as `gemm` in index.ts. Returns false (touching
 * nothing) if the kernel is not loaded or the operands do not fit in wasm32 memory, so the caller
 * can fall back to JS.
 */
export function gemmWasm(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): boolean {
  if (kernel === null) return false;
  const aLen = m * k;
  const bLen = k * n;
  const cLen = m * n;
  const aAt = dataStart;
  const bAt = align64(aAt + aLen * 4);
  const cAt = align64(bAt + bLen * 4);
  if (!reserve(cAt + cLen * 4)) return false;
  const h = heap;
  copyIn(h, aAt, a, aOff, aLen);
  copyIn(h, bAt, b, bOff, bLen);
  if (beta === 1) copyIn(h, cAt, c, cOff, cLen);
  if (m === 1 && transB) kernel.gemvT(n, k, aAt, bAt, cAt, beta);
  else kernel.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, aAt, bAt, cAt, beta, packA, packB);
  c.set(h.subarray(cAt / 4, cAt / 4 + cLen), cOff);
  return true;
}

/** im2col through wasm (see im2col.ts for the contract); false if unavailable or too large. */
export function im2colWasm(x: Float32Array, g: Conv2dGeometry, col: Float32Array): boolean {
  if (kernel === null) return false;
  const xLen = g.n * g.c * g.h * g.w;
  const colLen = g.c * g.kh * g.kw * g.n * g.oh * g.ow;
  const xAt = dataStart;
  const colAt = align64(xAt + xLen * 4);
  if (!reserve(colAt + colLen * 4)) return false;
  const h = heap;
  copyIn(h, xAt, x, 0, xLen);
  kernel.im2col(xAt, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding, g.oh, g.ow, colAt);
  col.set(h.subarray(colAt / 4, colAt / 4 + colLen));
  return true;
}

/** col2im through wasm, accumulating into dx; false if unavailable or too large. */
export function col2imWasm(col: Float32Array, g: Conv2dGeometry, dx: Float32Array): boolean {
  if (kernel === null) return false;
  const xLen = g.n * g.c * g.h * g.w;
  const colLen = g.c * g.kh * g.kw * g.n * g.oh * g.ow;
  const colAt = dataStart;
  const dxAt = align64(colAt + colLen * 4);
  if (!reserve(dxAt + xLen * 4)) return false;
  const h = heap;
  copyIn(h, colAt, col, 0, colLen);
  copyIn(h, dxAt, dx, 0, xLen);
  kernel.col2im(colAt, g.n, g.c, g.h, g.w, g.kh, g.kw, g.stride, g.padding, g.oh, g.ow, dxAt);
  dx.set(h.subarray(dxAt / 4, dxAt / 4 + xLen));
  return true;
}

/** out = f(x) elementwise through a wasm SIMD kernel of elementwise.as; false if unavailable or too large. */
function unaryWasm(f: 'tanhF32' | 'reluF32', x: Float32Array, out: Float32Array): boolean {
  if (kernel === null) return false;
  const n = x.length;
  const at = dataStart;
  if (!reserve(at + n * 4)) return false;
  const h = heap;
  copyIn(h, at, x, 0, n);
  kernel[f](at, at, n);
  out.set(h.subarray(at / 4, at / 4 + n));
  return true;
}

/** gx += f'(a, g) through a wasm SIMD kernel (a is the op's input or output); false if unavailable. */
function unaryGradWasm(f: 'tanhGradF32' | 'reluGradF32', a: Float32Array, g: Float32Array, gx: Float32Array): boolean {
  if (kernel === null) return false;
  const n = a.length;
  const aAt = dataStart, gAt = align64(aAt + n * 4), xAt = align64(gAt + n * 4);
  if (!reserve(xAt + n * 4)) return false;
  const h = heap;
  copyIn(h, aAt, a, 0, n);
  copyIn(h, gAt, g, 0, n);
  copyIn(h, xAt, gx, 0, n);
  kernel[f](aAt, gAt, xAt, n);
  gx.set(h.subarray(xAt / 4, xAt / 4 + n));
  return true;
}

/** out = tanh(x) (elementwise.as tanhF32). */
export const tanhWasm = (x: Float32Array, out: Float32Array): boolean => unaryWasm('tanhF32', x, out);
/** gx += g·(1 − y²), y = tanh(x). */
export const tanhGradWasm = (y: Float32Array, g: Float32Array, gx: Float32Array): boolean => unaryGradWasm('tanhGradF32', y, g, gx);
/** out = max(x, 0). */
export const reluWasm = (x: Float32Array, out: Float32Array): boolean => unaryWasm('reluF32', x, out);
/** gx += g where x > 0. */
export const reluGradWasm = (x: Float32Array, g: Float32Array, gx: Float32Array): boolean => unaryGradWasm('reluGradF32', x, g, gx);

/** Adam's per-parameter arithmetic (see adamF32 in elementwise.as) on θ, m, v in place; false if unavailable. */
export function adamWasm(theta: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, beta1: number, beta2: number,
  stepSize: number, invSqrtBc2: number, eps: number, l2: number, decay: number): boolean {
  if (kernel === null) return false;
  const n = theta.length;
  const tAt = dataStart, gAt = align64(tAt + n * 4), mAt = align64(gAt + n * 4), vAt = align64(mAt + n * 4);
  if (!reserve(vAt + n * 4)) return false;
  const h = heap;
  copyIn(h, tAt, theta, 0, n);
  copyIn(h, gAt, g, 0, n);
  copyIn(h, mAt, m, 0, n);
  copyIn(h, vAt, v, 0, n);
  kernel.adamF32(tAt, gAt, mAt, vAt, n, beta1, beta2, stepSize, invSqrtBc2, eps, l2, decay);
  theta.set(h.subarray(tAt / 4, tAt / 4 + n));
  m.set(h.subarray(mAt / 4, mAt / 4 + n));
  v.set(h.subarray(vAt / 4, vAt / 4 + n));
  return true;
}

function copyIn(h: Float32Array, at: number, src: Float32Array, off: number, len: number): void {
  h.set(off === 0 && src.length === len ? src : src.subarray(off, off + len), at / 4);
}

/** Grows the memory to at least `bytes`; false if that is beyond wasm32 or the engine refuses. */
function reserve(bytes: number): boolean {
  if (kernel === null || bytes > MAX_BYTES) return false;
  const memory = kernel.memory;
  const have = memory.buffer.byteLength;
  if (bytes > have) {
    // Grow geometrically so that a sequence of slightly larger calls does not grow every time.
    const want = Math.min(MAX_BYTES, Math.max(bytes, have * 1.5));
    try {
      memory.grow(Math.ceil((want - have) / PAGE_BYTES));
    } catch {
      return false;
    }
  }
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  return true;
}

/** Rounds up to a cache line; plain arithmetic, since offsets can pass 2^31 before `reserve` rejects them. */
function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

function install(instance: WebAssembly.Instance): void {
  const exports = instance.exports as unknown as KernelExports;
  packA = align64(exports.heapBase());
  packB = align64(packA + exports.packASize());
  dataStart = align64(packB + exports.packBSize());
  kernel = exports;
  wasmStatus = '';
  reserve(dataStart);
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function load(): Promise<void> {
  if (typeof WebAssembly === 'undefined') {
    wasmStatus = 'no WebAssembly in this runtime';
    return;
  }
  const bytes = decodeBase64(KERNELS_WASM_BASE64);
  if (!WebAssembly.validate(bytes)) {
    wasmStatus = 'WebAssembly SIMD not supported by this runtime';
    return;
  }
  try {
    install(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
    return;
  } catch {
    // A browser main thread may refuse synchronous compilation; compile asynchronously instead.
  }
  try {
    const module = await WebAssembly.compile(bytes);
    install(await WebAssembly.instantiate(module, {}));
  } catch (e) {
    wasmStatus = `wasm kernel failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
}
