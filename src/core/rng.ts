/**
 * The seeded random number generator that every random draw in RL Dojo goes through.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/), 128 bits of state,
 * seeded through SplitMix32 so that nearby seeds give unrelated streams. It is fast in JS
 * (32-bit integer ops only), passes BigCrush, and its state is four numbers, so it can be
 * saved, posted to a worker and restored (`getState`/`setState`).
 *
 * Never use `Math.random` or matter-js's `Common.random`: pass an `Rng` in instead.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Cached second normal from Box–Muller, or NaN when none is cached. */
  private spareNormal: number;

  constructor(seed = 0) {
    this.s0 = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.spareNormal = Number.NaN;
    this.seed(seed);
  }

  /** Re-seeds the stream; the same seed always gives the same sequence. */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng.seed: expected a finite number, received ${seed}`);
    // SplitMix32 expands one 32-bit seed (plus the high bits of larger seeds) into four words.
    let x = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spareNormal = Number.NaN;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new RangeError(`Rng.int: expected an integer n in [1, 2^32], received ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A standard normal draw (Box–Muller, both values used). */
  normal(mean = 0, std = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const z = this.spareNormal;
      this.spareNormal = Number.NaN;
      return mean + std * z;
    }
    let u = this.random();
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000), used for Dirichlet noise. */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`Rng.gamma: expected shape > 0, received ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.random() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.random();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Dirichlet(alpha, …, alpha) draw of length n. */
  dirichlet(alpha: number, n: number): Float64Array {
    const out = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      out[i] = this.gamma(alpha);
      sum += out[i];
    }
    for (let i = 0; i < n; i++) out[i] /= sum;
    return out;
  }

  /** Shuffles an array-like in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Draws an index with probability proportional to `weights` (non-negative, not all zero). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    if (!(total > 0)) throw new RangeError(`Rng.categorical: weights must have a positive sum, received sum ${total}`);
    let u = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** Derives an independent child generator (for sub-envs, workers, network init). */
  spawn(): Rng {
    const child = new Rng(0);
    child.s0 = this.nextUint32();
    child.s1 = this.nextUint32();
    child.s2 = this.nextUint32();
    child.s3 = this.nextUint32() | 1;
    return child;
  }

  /** The full state as plain data, for checkpoints and workers. */
  getState(): RngState {
    return [this.s0, this.s1, this.s2, this.s3, this.spareNormal];
  }

  /** Restores a state captured by `getState`. */
  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 5) {
      throw new TypeError(`Rng.setState: expected [s0, s1, s2, s3, spareNormal], received ${JSON.stringify(state)}`);
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.spareNormal = state[4] ?? Number.NaN;
  }
}

/** An `Rng` state: four 32-bit words and the cached Box–Muller normal (NaN if none). */
export type RngState = readonly [number, number, number, number, number];

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
