/**
 * The activations of the deep-learning canon, each a primitive with its derivative beside it.
 */
import { reluGradWasm, reluWasm, tanhGradWasm, tanhWasm } from '../kernels/wasm.ts';
import { alloc } from '../alloc.ts';
import { result, type Tensor } from '../tensor.ts';

/** From this many elements on, tanh runs in wasm SIMD (the copies in and out cost less than the JS loop). */
const WASM_TANH_MIN = 256;
/** The same for relu, whose JS loop is cheaper. */
const WASM_RELU_MIN = 2048;

/** σ(x) = 1 / (1 + e^-x), computed stably on both sides. */
export function sigmoid(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) {
    const v = d[i];
    if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      out[i] = e / (1 + e);
    }
  }
  return result(out, x.shape, [x], (g) => {
    // d/dx σ = σ(1 - σ)
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += g[i] * out[i] * (1 - out[i]);
  });
}

// Odd/even polynomial coefficients of a [13/6] rational approximation of tanh on [-7.905, 7.905],
// accurate to about 2 float32 ulp: the approximation Eigen uses for float tanh
// (https://gitlab.com/libeigen/eigen, MathFunctionsImpl.h, generic_fast_tanh_float).
const T1 = 4.89352455891786e-3, T3 = 6.37261928875436e-4, T5 = 1.48572235717979e-5, T7 = 5.12229709037114e-8;
const T9 = -8.60467152213735e-11, T11 = 2.00018790482477e-13, T13 = -2.76076847742355e-16;
const U0 = 4.89352518554385e-3, U2 = 2.268434632439e-3, U4 = 1.18534705686654e-4, U6 = 1.19825839466702e-6;
const TANH_CLAMP = 7.90531110763549805;

/**
 * tanh x, for float32 results through the rational approximation above (max error 2.4e-7,
 * about 4× faster than Math.tanh in V8, which dominated PPO's update time). Large tensors go through
 * the same approximation in wasm f32x4 lanes (kernels/elementwise.as), about 8× faster again.
 */
export function tanh(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  if (n < WASM_TANH_MIN || !tanhWasm(d, out)) tanhJs(d, out);
  return result(out, x.shape, [x], (g) => {
    // d/dx tanh = 1 - y²
    const gx = x.gradBuffer();
    if (n >= WASM_TANH_MIN && tanhGradWasm(out, g, gx)) return;
    for (let i = 0; i < n; i++) gx[i] += g[i] * (1 - out[i] * out[i]);
  });
}

/** The JS path of tanh: out[i] = tanh(d[i]) through the rational approximation, in float64. */
export function tanhJs(d: Float32Array, out: Float32Array): void {
  const n = d.length;
  for (let i = 0; i < n; i++) {
    const v = d[i];
    if (v - v !== 0) {
      out[i] = Math.tanh(v); // NaN stays NaN, ±Infinity gives ±1
      continue;
    }
    const c = v > TANH_CLAMP ? TANH_CLAMP : v < -TANH_CLAMP ? -TANH_CLAMP : v;
    const c2 = c * c;
    const p = c * (T1 + c2 * (T3 + c2 * (T5 + c2 * (T7 + c2 * (T9 + c2 * (T11 + c2 * T13))))));
    out[i] = p / (U0 + c2 * (U2 + c2 * (U4 + c2 * U6)));
  }
}

/** max(0, x) (gradient 0 at 0). */
export function relu(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  if (n < WASM_RELU_MIN || !reluWasm(d, out)) {
    // Branch-free on the float's bits: a set sign bit (x < 0, -0, or a negative NaN) gives +0, anything
    // else passes through, so NaN propagates. `x > 0 ? x : 0` mispredicts on random signs: 2.8 vs 1.4 ns.
    const di = new Int32Array(d.buffer, d.byteOffset, n), oi = new Int32Array(out.buffer, out.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const b = di[i];
      oi[i] = b & ~(b >> 31);
    }
  }
  return result(out, x.shape, [x], (g) => {
    // d/dx relu = 1 if x > 0 else 0
    const gx = x.gradBuffer();
    if (n >= WASM_RELU_MIN && reluGradWasm(d, g, gx)) return;
    for (let i = 0; i < n; i++) if (d[i] > 0) gx[i] += g[i];
  });
}

/** x if x > 0 else slope·x. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = d[i] > 0 ? d[i] : slope * d[i];
  return result(out, x.shape, [x], (g) => {
    // d/dx = 1 if x > 0 else slope
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += d[i] > 0 ? g[i] : slope * g[i];
  });
}

/** x if x > 0 else α(e^x - 1) (Clevert et al. 2015, https://arxiv.org/abs/1511.07289). */
export function elu(x: Tensor, alpha = 1): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = d[i] > 0 ? d[i] : alpha * (Math.exp(d[i]) - 1);
  return result(out, x.shape, [x], (g) => {
    // d/dx = 1 if x > 0 else y + α
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += d[i] > 0 ? g[i] : g[i] * (out[i] + alpha);
  });
}

/** ln(1 + e^x), computed stably as max(x, 0) + ln(1 + e^-|x|). */
export function softplus(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) {
    const v = d[i];
    out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return result(out, x.shape, [x], (g) => {
    // d/dx softplus = σ(x)
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) {
      const v = d[i];
      const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      gx[i] += g[i] * s;
    }
  });
}

/** x·Φ(x), the exact GELU (Hendrycks & Gimpel 2016, https://arxiv.org/abs/1606.08415). */
export function gelu(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  const cdf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cdf[i] = 0.5 * (1 + erf(d[i] / Math.SQRT2));
    out[i] = d[i] * cdf[i];
  }
  return result(out, x.shape, [x], (g) => {
    // d/dx xΦ(x) = Φ(x) + x·φ(x), φ the standard normal density
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) {
      const v = d[i];
      const pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
      gx[i] += g[i] * (cdf[i] + v * pdf);
    }
  });
}

/**
 * The error function, to about 1e-12 relative accuracy: a Taylor series near 0 and a continued
 * fraction for the complement further out (Numerical Recipes 3rd ed., §6.2).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2) {
    // erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const v = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -v : v;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc x = e^{-x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) via Lentz's method
  let f = ax, c = ax, dd = 0;
  for (let k = 1; k < 200; k++) {
    const a = k / 2;
    dd = ax + a * dd;
    dd = 1 / dd;
    c = ax + a / c;
    const delta = c * dd;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}
