// AssemblyScript source of the wasm elementwise kernels; compiled into the same module as gemm.as
// by scripts/build-kernels.mjs. The JS ops in ../ops/activation.ts call them through wasm.ts for
// large tensors and keep a plain loop for small ones and for runtimes without wasm SIMD.
//
// Why wasm: tanh is a [13/6] rational function, about 20 flops and a division per element. V8 runs
// the JS loop in scalar float64 at ~7 ns per element (mlp_ppo_b2048 spent half its step there);
// f32x4 lanes do four elements per instruction.
//
// Pointers are byte addresses into this module's memory.

// The float32 coefficients of Eigen's generic_fast_tanh_float (see tanh in ../ops/activation.ts).
const T1: f32 = 4.89352455891786e-3, T3: f32 = 6.37261928875436e-4, T5: f32 = 1.48572235717979e-5;
const T7: f32 = 5.12229709037114e-8, T9: f32 = -8.60467152213735e-11, T11: f32 = 2.00018790482477e-13;
const T13: f32 = -2.76076847742355e-16;
const U0: f32 = 4.89352518554385e-3, U2: f32 = 2.268434632439e-3, U4: f32 = 1.18534705686654e-4;
const U6: f32 = 1.19825839466702e-6;
const CLAMP: f32 = 7.90531110763549805;

// The coefficients as 4-lane vectors in memory: loaded once into locals before the loop. Written as
// v128.const, binaryen propagates them into the loop body and V8 (x64) then rebuilds each constant
// from immediates on every iteration, about 50 extra instructions per 4 elements (2.5 vs 0.6 ns/elem).
const TANH_COEF: usize = memory.data<f32>([
  -CLAMP, -CLAMP, -CLAMP, -CLAMP, CLAMP, CLAMP, CLAMP, CLAMP,
  T1, T1, T1, T1, T3, T3, T3, T3, T5, T5, T5, T5, T7, T7, T7, T7,
  T9, T9, T9, T9, T11, T11, T11, T11, T13, T13, T13, T13,
  U0, U0, U0, U0, U2, U2, U2, U2, U4, U4, U4, U4, U6, U6, U6, U6,
], 16);

/**
 * y[i] = tanh(x[i]) for n float32 values (x and y may be the same). Max error about 2 float32 ulp;
 * NaN stays NaN (pmax/pmin return their first operand when it is NaN) and ±∞ clamps to ±1.
 */
export function tanhF32(x: usize, y: usize, n: i32): void {
  const k = TANH_COEF;
  const lo = v128.load(k), hi = v128.load(k, 16);
  const t1 = v128.load(k, 32), t3 = v128.load(k, 48), t5 = v128.load(k, 64), t7 = v128.load(k, 80);
  const t9 = v128.load(k, 96), t11 = v128.load(k, 112), t13 = v128.load(k, 128);
  const u0 = v128.load(k, 144), u2 = v128.load(k, 160), u4 = v128.load(k, 176), u6 = v128.load(k, 192);
  const end = x + (<usize>(n & ~3) << 2);
  let out = y;
  for (let p = x; p < end; p += 16, out += 16) {
    // pmax/pmin map to maxps/minps (min/max need NaN and -0 fix-ups); pmax(NaN, lo) and pmin(NaN, hi) stay NaN.
    const c = f32x4.pmin(f32x4.pmax(v128.load(p), lo), hi);
    const c2 = f32x4.mul(c, c);
    let num = f32x4.add(t11, f32x4.mul(c2, t13));
    num = f32x4.add(t9, f32x4.mul(c2, num));
    num = f32x4.add(t7, f32x4.mul(c2, num));
    num = f32x4.add(t5, f32x4.mul(c2, num));
    num = f32x4.add(t3, f32x4.mul(c2, num));
    num = f32x4.add(t1, f32x4.mul(c2, num));
    num = f32x4.mul(c, num);
    let den = f32x4.add(u4, f32x4.mul(c2, u6));
    den = f32x4.add(u2, f32x4.mul(c2, den));
    den = f32x4.add(u0, f32x4.mul(c2, den));
    v128.store(out, f32x4.div(num, den));
  }
  for (let i = n & ~3; i < n; i++) {
    const c = min(max(load<f32>(x + (<usize>i << 2)), -CLAMP), CLAMP);
    const c2 = c * c;
    const num = c * (T1 + c2 * (T3 + c2 * (T5 + c2 * (T7 + c2 * (T9 + c2 * (T11 + c2 * T13))))));
    store<f32>(y + (<usize>i << 2), num / (U0 + c2 * (U2 + c2 * (U4 + c2 * U6))));
  }
}

/** gx[i] += g[i]·(1 − y[i]²) for n values: tanh's backward, given its output y. */
export function tanhGradF32(y: usize, g: usize, gx: usize, n: i32): void {
  const one = f32x4.splat(1);
  const end = y + (<usize>(n & ~3) << 2);
  let pg = g, px = gx;
  for (let py = y; py < end; py += 16, pg += 16, px += 16) {
    const yv = v128.load(py);
    v128.store(px, f32x4.add(v128.load(px), f32x4.mul(v128.load(pg), f32x4.sub(one, f32x4.mul(yv, yv)))));
  }
  for (let i = n & ~3; i < n; i++) {
    const o = <usize>i << 2;
    const yi = load<f32>(y + o);
    store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o) * (1 - yi * yi));
  }
}

/**
 * One Adam/AdamW step over n parameters, in place, all float32 (as PyTorch computes it):
 *   θ ← θ·decay;  g ← g + l2·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   θ ← θ − stepSize·m / (√v·invSqrtBc2 + ε)
 * with stepSize = lr / (1 − β1ᵗ) and invSqrtBc2 = 1 / √(1 − β2ᵗ) computed by the caller.
 */
export function adamF32(theta: usize, g: usize, m: usize, v: usize, n: i32, beta1: f32, beta2: f32,
  stepSize: f32, invSqrtBc2: f32, eps: f32, l2: f32, decay: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), c1 = f32x4.splat(1 - beta1), c2 = f32x4.splat(1 - beta2);
  const ss = f32x4.splat(stepSize), inv = f32x4.splat(invSqrtBc2), ep = f32x4.splat(eps);
  const wl = f32x4.splat(l2), dc = f32x4.splat(decay);
  const bytes = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const th = f32x4.mul(v128.load(theta + o), dc);
    const gj = f32x4.add(v128.load(g + o), f32x4.mul(wl, th));
    const mj = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gj));
    const vj = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gj, gj)));
    v128.store(m + o, mj);
    v128.store(v + o, vj);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vj), inv), ep);
    v128.store(theta + o, f32x4.sub(th, f32x4.div(f32x4.mul(ss, mj), den)));
  }
  for (let i = n & ~3; i < n; i++) {
    const o = <usize>i << 2;
    const th = load<f32>(theta + o) * decay;
    const gj = load<f32>(g + o) + l2 * th;
    const mj = beta1 * load<f32>(m + o) + (1 - beta1) * gj;
    const vj = beta2 * load<f32>(v + o) + (1 - beta2) * gj * gj;
    store<f32>(m + o, mj);
    store<f32>(v + o, vj);
    store<f32>(theta + o, th - (stepSize * mj) / (sqrt<f32>(vj) * invSqrtBc2 + eps));
  }
}

/** y[i] = max(x[i], 0) for n values; NaN stays NaN (f32x4.max propagates it), -0 becomes +0. */
export function reluF32(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const bytes = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) v128.store(y + o, f32x4.max(v128.load(x + o), zero));
  for (let i = n & ~3; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, max(load<f32>(x + o), 0));
  }
}

/** gx[i] += g[i] where x[i] > 0: relu's backward, masking with the comparison's bits (no NaN from ∞·0). */
export function reluGradF32(x: usize, g: usize, gx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  const bytes = <usize>(n & ~3) << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const pass = v128.and(v128.load(g + o), f32x4.gt(v128.load(x + o), zero));
    v128.store(gx + o, f32x4.add(v128.load(gx + o), pass));
  }
  for (let i = n & ~3; i < n; i++) {
    const o = <usize>i << 2;
    if (load<f32>(x + o) > 0) store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o));
  }
}
