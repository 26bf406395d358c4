/**
 * Experience replay for off-policy agents (DQN, SAC, TD3): a ring buffer of flat float
 * transitions, uniform sampling [Mnih et al. 2015], and optional proportional prioritized
 * sampling with a sum tree [Schaul et al. 2016, https://arxiv.org/abs/1511.05952].
 *
 * `terminated` (not `truncated`) is stored as the done flag: a time-limit cut still bootstraps
 * from `nextObs`, which is the real final observation (the vector env's `finalObs`).
 */
import type { Rng } from '../../src/core/rng.ts';

/** A sampled minibatch, flat row-major. */
export type ReplaySample = {
  obs: Float32Array; nextObs: Float32Array; actions: Float32Array; rewards: Float32Array; terminated: Float32Array;
  /** Discount to apply to the bootstrap (γⁿ for n-step transitions). */
  discounts: Float32Array;
  /** Buffer slots, for priority updates. */
  indices: Int32Array;
  /** Importance-sampling weights (all 1 for uniform sampling). */
  weights: Float32Array;
};

/**
 * Options for the buffer. `obsType: 'uint8'` stores observations as bytes (a quarter of the memory, for
 * pixel frames whose values are whole numbers in [0, 255]; `add` rejects anything else) and samples them
 * back as floats: a 100k-transition buffer of 2×48×48 frames takes 0.9 GB instead of 3.7 GB.
 */
export type ReplayOptions = { prioritized?: boolean; alpha?: number; eps?: number; obsType?: 'float32' | 'uint8' };

/** A fixed-capacity transition store. */
export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly actDim: number;
  size = 0;
  private pos = 0;
  readonly obs: Float32Array | Uint8Array;
  readonly nextObs: Float32Array | Uint8Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Float32Array;
  readonly discounts: Float32Array;
  private readonly tree: SumTree | null;
  private readonly alpha: number;
  private readonly eps: number;
  private maxPriority = 1;

  constructor(capacity: number, obsDim: number, actDim: number, opts: ReplayOptions = {}) {
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.actDim = actDim;
    const bytes = opts.obsType === 'uint8';
    this.obs = bytes ? new Uint8Array(capacity * obsDim) : new Float32Array(capacity * obsDim);
    this.nextObs = bytes ? new Uint8Array(capacity * obsDim) : new Float32Array(capacity * obsDim);
    this.actions = new Float32Array(capacity * actDim);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Float32Array(capacity);
    this.discounts = new Float32Array(capacity);
    this.tree = opts.prioritized ? new SumTree(capacity) : null;
    this.alpha = opts.alpha ?? 0.6;
    this.eps = opts.eps ?? 1e-6;
  }

  /**
   * Stores the one-step transitions of a vector step, copy by copy: `obs` and `actions` [N·dim] before it,
   * the step's rewards and `terminated`, and as next observation the step's `obs`, or the real last
   * observation (`finalObs`) of a copy that finished, so a time-limit cut keeps bootstrapping.
   */
  addStep(obs: Float32Array, actions: Float32Array, step: { obs: Float32Array; rewards: ArrayLike<number>; terminated: ArrayLike<number>; finalObs: ReadonlyArray<Float32Array | null> }, gamma: number): void {
    const n = step.rewards.length, d = this.obsDim, a = this.actDim;
    for (let i = 0; i < n; i++) {
      const nextObs = step.finalObs[i] ?? step.obs.subarray(i * d, (i + 1) * d);
      this.add(obs.subarray(i * d, (i + 1) * d), actions.subarray(i * a, (i + 1) * a), step.rewards[i], nextObs, step.terminated[i] === 1, gamma);
    }
  }

  /** Stores one transition; overwrites the oldest when full. */
  add(obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, nextObs: ArrayLike<number>, terminated: boolean, discount: number): void {
    const i = this.pos;
    if (this.obs instanceof Uint8Array) {
      checkBytes(obs, 'obs');
      checkBytes(nextObs, 'nextObs');
    }
    this.obs.set(obs, i * this.obsDim);
    this.nextObs.set(nextObs, i * this.obsDim);
    this.actions.set(action, i * this.actDim);
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.discounts[i] = discount;
    if (this.tree !== null) this.tree.set(i, this.maxPriority ** this.alpha);
    this.pos = (this.pos + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Samples `batch` transitions: uniformly, or by priority with IS weights (exponent `beta`). */
  sample(batch: number, rng: Rng, beta = 0.4): ReplaySample {
    if (this.size === 0) throw new Error('ReplayBuffer.sample: the buffer is empty');
    const indices = new Int32Array(batch);
    const weights = new Float32Array(batch).fill(1);
    if (this.tree === null) {
      for (let b = 0; b < batch; b++) indices[b] = rng.int(this.size);
    } else {
      const total = this.tree.total();
      const seg = total / batch;
      let maxW = 0;
      for (let b = 0; b < batch; b++) {
        const i = this.tree.find(Math.min((b + rng.random()) * seg, total * (1 - 1e-12)));
        indices[b] = Math.min(i, this.size - 1);
        const p = this.tree.get(indices[b]) / total;
        // w_i = (N · P(i))^−β, normalised by the batch maximum
        weights[b] = Math.pow(this.size * p, -beta);
        maxW = Math.max(maxW, weights[b]);
      }
      for (let b = 0; b < batch; b++) weights[b] /= maxW;
    }
    const take = (src: Float32Array | Uint8Array, dim: number): Float32Array => {
      const out = new Float32Array(batch * dim);
      for (let b = 0; b < batch; b++) out.set(src.subarray(indices[b] * dim, (indices[b] + 1) * dim), b * dim);
      return out;
    };
    return {
      obs: take(this.obs, this.obsDim), nextObs: take(this.nextObs, this.obsDim), actions: take(this.actions, this.actDim),
      rewards: take(this.rewards, 1), terminated: take(this.terminated, 1), discounts: take(this.discounts, 1), indices, weights,
    };
  }

  /** Sets priorities |δ| + ε for sampled slots (prioritized mode only). */
  updatePriorities(indices: Int32Array, tdErrors: ArrayLike<number>): void {
    if (this.tree === null) return;
    for (let b = 0; b < indices.length; b++) {
      const p = Math.abs(tdErrors[b]) + this.eps;
      this.maxPriority = Math.max(this.maxPriority, p);
      this.tree.set(indices[b], p ** this.alpha);
    }
  }
}

/** Throws unless every value is a whole number in [0, 255] (what a uint8 buffer can hold exactly). */
function checkBytes(values: ArrayLike<number>, name: string): void {
  if (values instanceof Uint8Array) return;
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= 0 && v <= 255 && Math.round(v) === v)) throw new RangeError(`ReplayBuffer.add: ${name}[${k}] is ${v}, but this buffer stores observations as uint8 (expected whole numbers in [0, 255]; use obsType 'float32' for other observations)`);
  }
}

/** A binary tree whose internal nodes hold the sums of their leaves: O(log n) set and prefix search. */
class SumTree {
  readonly capacity: number;
  private readonly nodes: Float64Array;

  constructor(capacity: number) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.capacity = size;
    this.nodes = new Float64Array(2 * size);
  }

  set(i: number, value: number): void {
    let n = i + this.capacity;
    const delta = value - this.nodes[n];
    while (n >= 1) {
      this.nodes[n] += delta;
      n >>= 1;
    }
  }

  get(i: number): number {
    return this.nodes[i + this.capacity];
  }

  total(): number {
    return this.nodes[1];
  }

  /** The leaf where the running sum passes `mass`. */
  find(mass: number): number {
    let n = 1;
    while (n < this.capacity) {
      const left = 2 * n;
      if (mass < this.nodes[left]) n = left;
      else {
        mass -= this.nodes[left];
        n = left + 1;
      }
    }
    return n - this.capacity;
  }
}
