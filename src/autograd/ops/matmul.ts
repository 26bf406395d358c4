/**
 * Matrix products: `matmul` (2-D and batched) and `linear` (x·Wᵀ + b fused, PyTorch's layout
 * for weights [out, in]). Both run on the GEMM kernel, which picks WebAssembly SIMD or plain
 * loops by size.
 */
import { ShapeError } from '../../core/errors.ts';
import { gemm } from '../kernels/index.ts';
import { alloc } from '../alloc.ts';
import { result, shapeSize, type Tensor } from '../tensor.ts';

/**
 * a @ b for a: [..., m, k], b: [..., k, n]. Batch axes must be equal, or one side may be 2-D
 * and is then shared by every batch.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) {
    throw new ShapeError('matmul', `expected tensors with at least 2 axes, received [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  const m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim - 2], n = b.shape[b.ndim - 1];
  const aBatch = a.shape.slice(0, -2), bBatch = b.shape.slice(0, -2);
  if (k !== k2) throw new ShapeError('matmul', `inner sizes differ: [${a.shape.join(', ')}] @ [${b.shape.join(', ')}] (${k} vs ${k2})`);
  if (aBatch.length > 0 && bBatch.length > 0 && aBatch.join(',') !== bBatch.join(',')) {
    throw new ShapeError('matmul', `batch axes differ: [${a.shape.join(', ')}] @ [${b.shape.join(', ')}]`);
  }
  const batchShape = aBatch.length > 0 ? aBatch : bBatch;
  const batches = shapeSize(batchShape);
  const outShape = [...batchShape, m, n];
  const out = alloc(batches * m * n);
  const ad = a.data, bd = b.data;
  const aStride = aBatch.length > 0 ? m * k : 0, bStride = bBatch.length > 0 ? k * n : 0;
  if (bStride === 0) {
    // b shared by every batch: fold the batch into the rows of one GEMM
    gemm(false, false, batches * m, n, k, ad, 0, bd, 0, out, 0, 0);
  } else {
    for (let i = 0; i < batches; i++) gemm(false, false, m, n, k, ad, i * aStride, bd, i * bStride, out, i * m * n, 0);
  }
  return result(out, outShape, [a, b], (g) => {
    // d/dA (A·B) = G·Bᵀ, d/dB (A·B) = Aᵀ·G
    if (a.requiresGrad) {
      const ga = a.gradBuffer();
      if (bStride === 0 && aStride !== 0) gemm(false, true, batches * m, k, n, g, 0, bd, 0, ga, 0, 1);
      else for (let i = 0; i < batches; i++) gemm(false, true, m, k, n, g, i * m * n, bd, i * bStride, ga, i * aStride, 1);
    }
    if (b.requiresGrad) {
      const gb = b.gradBuffer();
      if (bStride === 0 && aStride !== 0) gemm(true, false, k, n, batches * m, ad, 0, g, 0, gb, 0, 1);
      else for (let i = 0; i < batches; i++) gemm(true, false, k, n, m, ad, i * aStride, g, i * m * n, gb, i * bStride, 1);
    }
  });
}

/**
 * y = x·Wᵀ + b for x: [..., in], weight: [out, in], bias: [out] (or null). One op instead of
 * three, which matters for the small networks RL uses, where per-op overhead dominates.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const inF = x.shape[x.ndim - 1];
  if (weight.ndim !== 2 || weight.shape[1] !== inF) {
    throw new ShapeError('linear', `input [${x.shape.join(', ')}] needs weight [out, ${inF}], received [${weight.shape.join(', ')}]`);
  }
  const outF = weight.shape[0];
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outF)) {
    throw new ShapeError('linear', `bias must have shape [${outF}], received [${bias.shape.join(', ')}]`);
  }
  const rows = x.size / inF;
  const outShape = [...x.shape.slice(0, -1), outF];
  const out = alloc(rows * outF);
  if (bias !== null) {
    const bd = bias.data;
    for (let r = 0; r < rows; r++) out.set(bd, r * outF);
  }
  gemm(false, true, rows, outF, inF, x.data, 0, weight.data, 0, out, 0, bias !== null ? 1 : 0);
  const parents = bias !== null ? [x, weight, bias] : [x, weight];
  return result(out, outShape, parents, (g) => {
    // d/dx = G·W, d/dW = Gᵀ·x, d/db = Σ_rows G
    if (x.requiresGrad) gemm(false, false, rows, inF, outF, g, 0, weight.data, 0, x.gradBuffer(), 0, 1);
    if (weight.requiresGrad) gemm(true, false, outF, inF, rows, g, 0, x.data, 0, weight.gradBuffer(), 0, 1);
    if (bias !== null && bias.requiresGrad) sumRows(g, rows, outF, bias.gradBuffer());
  });
}

/**
 * gb[j] += Σ_r g[r·cols + j]: the bias gradient. Four columns at a time, each summed in a register:
 * adding row by row into gb chains every add through a float32 store (24 vs 7.8 µs for 256×64).
 */
function sumRows(g: Float32Array, rows: number, cols: number, gb: Float32Array): void {
  const end = rows * cols;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let off = j; off < end; off += cols) {
      s0 += g[off];
      s1 += g[off + 1];
      s2 += g[off + 2];
      s3 += g[off + 3];
    }
    gb[j] += s0;
    gb[j + 1] += s1;
    gb[j + 2] += s2;
    gb[j + 3] += s3;
  }
  for (; j < cols; j++) {
    let s = 0;
    for (let off = j; off < end; off += cols) s += g[off];
    gb[j] += s;
  }
}
