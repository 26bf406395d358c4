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

/**
 * C[i,:] (+)= Σ_p op(A)[i,p] · B[p,:], four rows of B per pass: V8 does not vectorise, and each
 * pass over C costs a float32 load and store per element, so folding four B rows into one pass
 * is about 2× faster than a plain axpy.
 */
function gemmJsAxpy(transA: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  const aRowStride = transA ? 1 : k;
  const s = transA ? m : 1;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * n;
    if (beta === 0) c.fill(0, ci, ci + n);
    const ai = aOff + i * aRowStride;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = a[ai + p * s];
      const a1 = a[ai + (p + 1) * s];
      const a2 = a[ai + (p + 2) * s];
      const a3 = a[ai + (p + 3) * s];
      const b0 = bOff + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; p < k; p++) {
      const aip = a[ai + p * s];
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
}

/**
 * C[i,j] (+)= Σ_p op(A)[i,p] · B[j,p] with B stored n×k: contiguous dot products, four columns
 * of C at a time so each A element is loaded once per four multiply-adds.
 */
function gemmJsDot(transA: boolean, m: number, n: number, k: number,
  a: Float32Array, aOff: number, b: Float32Array, bOff: number, c: Float32Array, cOff: number, beta: 0 | 1): void {
  const s = transA ? m : 1;
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const ai = aOff + (transA ? i : i * k);
    const ci = cOff + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const aip = a[ai + p * s];
        s0 += aip * b[b0 + p];
        s1 += aip * b[b1 + p];
        s2 += aip * b[b2 + p];
        s3 += aip * b[b3 + p];
      }
      c[ci + j] = beta === 1 ? c[ci + j] + s0 : s0;
      c[ci + j + 1] = beta === 1 ? c[ci + j + 1] + s1 : s1;
      c[ci + j + 2] = beta === 1 ? c[ci + j + 2] + s2 : s2;
      c[ci + j + 3] = beta === 1 ? c[ci + j + 3] + s3 : s3;
    }
    for (; j < n; j++) {
      const bj = bOff + j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[ai + p * s] * b[bj + p];
      c[ci + j] = beta === 1 ? c[ci + j] + sum : sum;
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
