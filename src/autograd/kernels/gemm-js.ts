/**
 * GEMM in plain TypeScript: the obviously-correct reference that tests check every kernel against,
 * and a tight-loop version that wins for tiny matrices (where a wasm call plus copies costs more
 * than the flops) and stands in when WebAssembly SIMD is unavailable.
 *
 * Layout convention (shared with the wasm kernel): row-major float32, C is m×n, A is m×k (k×m when
 * transA), B is k×n (n×k when transB), each dense, starting at its offset.
 */

/** The signature every GEMM implementation here shares; see `gemm` in index.ts. */
export type GemmFn = (transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1) => void;

/** Reference GEMM: one float64 dot product per output element, indices spelled out. */
export function gemmRef(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  checkGemmArgs('gemmRef', m, n, k, a, aOff, b, bOff, c, cOff);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        const bpj = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
        sum += aip * bpj;
      }
      c[cOff + i * n + j] = beta === 1 ? c[cOff + i * n + j] + sum : sum;
    }
  }
}

/** Fast plain-JS GEMM: row-axpy loops when B rows are contiguous, dot products when B is transposed. */
export function gemmJs(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  if (transB) gemmJsDot(transA, m, n, k, a, aOff, b, bOff, c, cOff, beta);
  else gemmJsAxpy(transA, m, n, k, a, aOff, b, bOff, c, cOff, beta);
}

/** C[i,:] (+)= Σ_p op(A)[i,p] · B[p,:]: streams rows of B, vectorisable by the JIT. */
function gemmJsAxpy(transA: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    if (beta === 0) c.fill(0, ci, ci + n);
    let ai = aOff + i * aRowStride;
    let bp = bOff;
    for (let p = 0; p < k; p++) {
      const aip = a[ai];
      if (aip !== 0) for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      ai += aColStride;
      bp += n;
    }
  }
}

/** C[i,j] (+)= Σ_p op(A)[i,p] · B[j,p] with B stored n×k: contiguous dot products, 4 accumulators. */
function gemmJsDot(transA: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  const aStep = transA ? m : 1;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const a0 = aOff + (transA ? i : i * k);
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        const ap = a0 + p * aStep;
        s0 += a[ap] * b[b0 + p];
        s1 += a[ap + aStep] * b[b0 + p + 1];
        s2 += a[ap + 2 * aStep] * b[b0 + p + 2];
        s3 += a[ap + 3 * aStep] * b[b0 + p + 3];
      }
      for (; p < k; p++) s0 += a[a0 + p * aStep] * b[b0 + p];
      const sum = s0 + s1 + (s2 + s3);
      const ci = cOff + i * n + j;
      c[ci] = beta === 1 ? c[ci] + sum : sum;
    }
  }
}

/** Throws a RangeError naming `op` unless the dimensions are non-negative integers and every operand fits. */
export function checkGemmArgs(op: string, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number): void {
  if (!(isCount(m) && isCount(n) && isCount(k) && isCount(aOff) && isCount(bOff) && isCount(cOff))) {
    throw new RangeError(`${op}: m, n, k and offsets must be non-negative integers, received m=${m} n=${n} k=${k} aOff=${aOff} bOff=${bOff} cOff=${cOff}`);
  }
  if (aOff + m * k > a.length || bOff + k * n > b.length || cOff + m * n > c.length) {
    throw new RangeError(`${op}: operand too short for m=${m} n=${n} k=${k}: a ${a.length} (offset ${aOff}), b ${b.length} (offset ${bOff}), c ${c.length} (offset ${cOff})`);
  }
}

function isCount(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}
