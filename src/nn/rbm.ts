/**
 * A Bernoulli restricted Boltzmann machine trained by contrastive divergence (CD-k; Hinton 2002,
 * "Training products of experts by minimizing contrastive divergence", and Hinton's 2010
 * practical guide, https://www.cs.toronto.edu/~hinton/absps/guideTR.pdf). It does not use
 * backprop: its update is the difference of data and model correlations.
 */
import type { Rng } from '../core/rng.ts';
import { normal } from './init.ts';

/** Options for CD-k training. */
export type RbmTrainOptions = { lr?: number; k?: number; momentum?: number; weightDecay?: number };

/** Visible units v ∈ {0,1}^nv, hidden units h ∈ {0,1}^nh, energy −vᵀWh − bᵀv − cᵀh. */
export class Rbm {
  readonly visible: number;
  readonly hidden: number;
  /** Weights [hidden, visible]. */
  readonly weight: Float32Array;
  readonly visibleBias: Float32Array;
  readonly hiddenBias: Float32Array;
  private readonly velocity: Float32Array;
  private readonly rng: Rng;

  constructor(visible: number, hidden: number, rng: Rng) {
    this.visible = visible;
    this.hidden = hidden;
    this.rng = rng;
    this.weight = normal(new Float32Array(visible * hidden), rng, 0, 0.01);
    this.visibleBias = new Float32Array(visible);
    this.hiddenBias = new Float32Array(hidden);
    this.velocity = new Float32Array(visible * hidden);
  }

  /** p(h_j = 1 | v) = σ(c_j + Σ_i W_ji v_i). */
  hiddenProbs(v: Float32Array): Float32Array {
    const p = new Float32Array(this.hidden);
    for (let j = 0; j < this.hidden; j++) {
      let s = this.hiddenBias[j];
      for (let i = 0; i < this.visible; i++) s += this.weight[j * this.visible + i] * v[i];
      p[j] = 1 / (1 + Math.exp(-s));
    }
    return p;
  }

  /** p(v_i = 1 | h) = σ(b_i + Σ_j W_ji h_j). */
  visibleProbs(h: Float32Array): Float32Array {
    const p = new Float32Array(this.visible);
    for (let i = 0; i < this.visible; i++) {
      let s = this.visibleBias[i];
      for (let j = 0; j < this.hidden; j++) s += this.weight[j * this.visible + i] * h[j];
      p[i] = 1 / (1 + Math.exp(-s));
    }
    return p;
  }

  private sample(p: Float32Array): Float32Array {
    const out = new Float32Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = this.rng.random() < p[i] ? 1 : 0;
    return out;
  }

  /**
   * One CD-k update on a minibatch of binary vectors; returns the mean squared reconstruction
   * error of the first Gibbs step. ΔW ∝ ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_k.
   */
  trainBatch(batch: readonly Float32Array[], opts: RbmTrainOptions = {}): number {
    const { lr = 0.1, k = 1, momentum = 0.5, weightDecay = 0 } = opts;
    const nv = this.visible, nh = this.hidden, B = batch.length;
    const dW = new Float64Array(nv * nh), dB = new Float64Array(nv), dC = new Float64Array(nh);
    let err = 0;
    for (const v0 of batch) {
      const ph0 = this.hiddenProbs(v0);
      let h = this.sample(ph0);
      let vk = v0, phk = ph0;
      for (let step = 0; step < k; step++) {
        const pv = this.visibleProbs(h);
        if (step === 0) for (let i = 0; i < nv; i++) err += (pv[i] - v0[i]) ** 2;
        vk = step === k - 1 ? pv : this.sample(pv); // last step uses probabilities (Hinton's guide §3)
        phk = this.hiddenProbs(vk);
        h = this.sample(phk);
      }
      for (let j = 0; j < nh; j++) {
        for (let i = 0; i < nv; i++) dW[j * nv + i] += ph0[j] * v0[i] - phk[j] * vk[i];
        dC[j] += ph0[j] - phk[j];
      }
      for (let i = 0; i < nv; i++) dB[i] += v0[i] - vk[i];
    }
    for (let i = 0; i < dW.length; i++) {
      this.velocity[i] = momentum * this.velocity[i] + lr * (dW[i] / B - weightDecay * this.weight[i]);
      this.weight[i] += this.velocity[i];
    }
    for (let i = 0; i < nv; i++) this.visibleBias[i] += (lr * dB[i]) / B;
    for (let j = 0; j < nh; j++) this.hiddenBias[j] += (lr * dC[j]) / B;
    return err / (B * nv);
  }

  /** Deterministic reconstruction v → p(h|v) → p(v|h). */
  reconstruct(v: Float32Array): Float32Array {
    return this.visibleProbs(this.hiddenProbs(v));
  }
}
