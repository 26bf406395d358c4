/**
 * The memory behind op outputs and gradients.
 *
 * A typed array over 64 bytes gets its own off-heap backing store, which costs about 1 µs in V8:
 * more than the arithmetic of a small op. Op outputs and gradients are instead carved from 1 MB
 * slabs (a view costs about 0.3 µs). A slab is freed when the last view into it is collected.
 * Large arrays (over 64 KB) get their own store. The limit covers a minibatch of 256 rows × 64 units:
 * Chromium's V8 allocates backing stores several times slower than Node's (browser turbo +3%).
 *
 * Fresh memory, slab or not, costs about 1 ns per element to zero and fault in: as much as the op
 * that fills it. So `backward` hands the gradients of intermediate tensors, dead once their node has
 * run, to a pool that later allocations of the same length draw from (PyTorch's caching allocator
 * does the same with reference counts). Ops also return their own scratch buffers (conv2d's im2col
 * columns: 50 MB for a minibatch of 256 Atari frames). The pool holds at most POOL_MAX_BYTES; tensor
 * data is never pooled, since nothing knows when it dies.
 */
/** Size of one slab (bytes). */
const SLAB_BYTES = 1024 * 1024;
/** Longest array carved from a slab (floats, 64 KB); longer ones get their own store. */
const SLAB_MAX_FLOATS = 16384;
/** Most memory the pool of released arrays holds (bytes). */
const POOL_MAX_BYTES = 256 * 1024 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabOffset = 0;
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
let pooling = true;

/**
 * Turns the pool off (every array fresh, nothing released, `backward`'s freeGraph a no-op) or back on. The
 * numbers are the same either way, since pooled arrays come back zeroed; the tests compare runs with and
 * without it to show that no released array is read after its release.
 */
export function setPooling(on: boolean): void {
  pooling = on;
  if (!on) {
    pool.clear();
    pooledBytes = 0;
  }
}

/** Whether released arrays are reused (see setPooling). */
export function poolingEnabled(): boolean {
  return pooling;
}

/** A zero-filled Float32Array of n values for an op's output or a gradient. */
export function alloc(n: number): Float32Array {
  return allocate(n, true);
}

/**
 * An op's scratch buffer that the op overwrites completely before reading (im2col columns, a GEMM's
 * beta = 0 output): like `alloc`, but a pooled array comes back as it was, not zeroed.
 */
export function allocScratch(n: number): Float32Array {
  return allocate(n, false);
}

/** A pooled array of length n (zeroed when `zeroPooled`), else a fresh one from a slab or its own store. */
function allocate(n: number, zeroPooled: boolean): Float32Array {
  if (n <= 16) return new Float32Array(n);
  const reused = pool.get(n)?.pop();
  if (reused !== undefined) {
    pooledBytes -= n * 4;
    return zeroPooled ? reused.fill(0) : reused;
  }
  if (n > SLAB_MAX_FLOATS) return new Float32Array(n);
  const bytes = n * 4;
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabOffset = 0;
  }
  const out = new Float32Array(slab, slabOffset, n);
  slabOffset += bytes;
  return out;
}

/**
 * Gives an array nobody references any more to the pool (tiny ones are left to the GC). Ops call it
 * for their own scratch buffers once dead; never for a tensor's data, whose lifetime nobody knows.
 */
export function release(a: Float32Array): void {
  const n = a.length;
  if (!pooling || n <= 16 || pooledBytes + n * 4 > POOL_MAX_BYTES) return;
  const free = pool.get(n);
  if (free === undefined) pool.set(n, [a]);
  else free.push(a);
  pooledBytes += n * 4;
}
