/**
 * Weight initialisers. Each fills a Float32Array from the passed-in `Rng`; fan-in/fan-out follow
 * PyTorch's convention for [out, in, ...kernel] weights.
 */
import type { Rng } from '../core/rng.ts';
import type { Shape } from '../autograd/tensor.ts';

/** Fan-in and fan-out of a weight of shape [out, in, ...kernel]. */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) return { fanIn: shape[0] ?? 1, fanOut: shape[0] ?? 1 };
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Uniform in [low, high). */
export function uniform(out: Float32Array, rng: Rng, low: number, high: number): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(low, high);
  return out;
}

/** Normal with the given mean and std. */
export function normal(out: Float32Array, rng: Rng, mean = 0, std = 1): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(mean, std);
  return out;
}

/** Xavier/Glorot uniform: U(±gain·√(6 / (fanIn + fanOut))) (Glorot & Bengio 2010). */
export function xavierUniform(out: Float32Array, shape: Shape, rng: Rng, gain = 1): Float32Array {
  const { fanIn, fanOut } = fans(shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(out, rng, -a, a);
}

/** Xavier/Glorot normal: N(0, gain²·2 / (fanIn + fanOut)). */
export function xavierNormal(out: Float32Array, shape: Shape, rng: Rng, gain = 1): Float32Array {
  const { fanIn, fanOut } = fans(shape);
  return normal(out, rng, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/** He/Kaiming uniform for ReLU nets: U(±gain·√(3 / fanIn)), gain √2 (He et al. 2015). */
export function kaimingUniform(out: Float32Array, shape: Shape, rng: Rng, gain = Math.SQRT2): Float32Array {
  const a = gain * Math.sqrt(3 / fans(shape).fanIn);
  return uniform(out, rng, -a, a);
}

/** He/Kaiming normal: N(0, gain² / fanIn), gain √2. */
export function kaimingNormal(out: Float32Array, shape: Shape, rng: Rng, gain = Math.SQRT2): Float32Array {
  return normal(out, rng, 0, gain / Math.sqrt(fans(shape).fanIn));
}

/**
 * Orthogonal initialisation with a gain (Saxe et al. 2014, https://arxiv.org/abs/1312.6120):
 * the Q of a QR decomposition of a Gaussian matrix, sign-corrected so it is uniformly distributed,
 * reshaped to [out, rest]. CleanRL's `layer_init` uses it with gain √2 (hidden), 0.01 (policy
 * head) and 1 (value head).
 */
export function orthogonal(out: Float32Array, shape: Shape, rng: Rng, gain = 1): Float32Array {
  const rows = shape[0] ?? 1;
  const cols = out.length / rows;
  // QR of a tall matrix [big × small] by modified Gram–Schmidt, in float64
  const big = Math.max(rows, cols), small = Math.min(rows, cols);
  const q = new Float64Array(big * small); // column-major columns of length `big`
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < small; j++) {
    const cj = j * big;
    for (let p = 0; p < j; p++) {
      const cp = p * big;
      let dot = 0;
      for (let i = 0; i < big; i++) dot += q[cp + i] * q[cj + i];
      for (let i = 0; i < big; i++) q[cj + i] -= dot * q[cp + i];
    }
    let norm = 0;
    for (let i = 0; i < big; i++) norm += q[cj + i] * q[cj + i];
    norm = Math.sqrt(norm);
    // the diagonal of R is positive by construction, so Q is already sign-corrected
    for (let i = 0; i < big; i++) q[cj + i] /= norm;
  }
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      // rows ≥ cols: W = Q (big=rows); rows < cols: W = Qᵀ (big=cols)
      const v = rows >= cols ? q[c * big + r] : q[r * big + c];
      out[r * cols + c] = gain * v;
    }
  return out;
}

/** Names of the initialisers a layer can be asked for. */
export type InitName = 'orthogonal' | 'xavierUniform' | 'xavierNormal' | 'kaimingUniform' | 'kaimingNormal' | 'pytorch';

/**
 * Fills a weight by name. 'pytorch' is nn.Linear's default, U(±1/√fanIn) (kaiming uniform with
 * a=√5), which is what most supervised examples expect.
 */
export function initWeight(out: Float32Array, shape: Shape, rng: Rng, init: InitName, gain?: number): Float32Array {
  switch (init) {
    case 'orthogonal': return orthogonal(out, shape, rng, gain ?? Math.SQRT2);
    case 'xavierUniform': return xavierUniform(out, shape, rng, gain ?? 1);
    case 'xavierNormal': return xavierNormal(out, shape, rng, gain ?? 1);
    case 'kaimingUniform': return kaimingUniform(out, shape, rng, gain ?? Math.SQRT2);
    case 'kaimingNormal': return kaimingNormal(out, shape, rng, gain ?? Math.SQRT2);
    case 'pytorch': {
      const a = 1 / Math.sqrt(fans(shape).fanIn);
      return uniform(out, rng, -a * (gain ?? 1), a * (gain ?? 1));
    }
  }
}
