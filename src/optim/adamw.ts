/**
 * AdamW: Adam with decoupled weight decay. Loshchilov & Hutter 2019, "Decoupled Weight Decay
 * Regularization", ICLR, https://arxiv.org/abs/1711.05101, Algorithm 2, in PyTorch's form
 * (torch.optim.AdamW), where the decay is scaled by the learning rate:
 *
 *   θ ← θ·(1 − α·λ)                                     (decay, applied to θ, not to g)
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − α·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)   (Kingma & Ba 2015)
 */
import type { Tensor } from '../autograd/tensor.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';
import { adamUpdate } from './adam.ts';

/** AdamW hyperparameters, named as in the papers (α is `lr`, λ is `weightDecay`). */
export interface AdamWOptions {
  /** Step size α. */
  lr?: number;
  /** Decay rate of the first-moment estimate. */
  beta1?: number;
  /** Decay rate of the second-moment estimate. */
  beta2?: number;
  /** ε, added to √v̂ for numerical stability. */
  eps?: number;
  /** Decoupled weight decay λ; each step multiplies θ by (1 − α·λ). */
  weightDecay?: number;
}

/** PyTorch's defaults (weight decay 0.01). */
export const adamWDefaults = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 } as const satisfies Required<AdamWOptions>;

/** Adam with decoupled weight decay; see the file header for the update. */
export class AdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(params: readonly Tensor[], opts: AdamWOptions = {}) {
    const o = withDefaults<Required<AdamWOptions>>('AdamW', adamWDefaults, opts);
    checkRange('AdamW', 'lr', o.lr, 0);
    checkRange('AdamW', 'beta1', o.beta1, 0, 1, true);
    checkRange('AdamW', 'beta2', o.beta2, 0, 1, true);
    checkRange('AdamW', 'eps', o.eps, 0);
    checkRange('AdamW', 'weightDecay', o.weightDecay, 0);
    this.params = checkParams('AdamW', params);
    this.lr = o.lr;
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.eps = o.eps;
    this.weightDecay = o.weightDecay;
    this.steps = new Float64Array(this.params.length);
    this.m = makeSlot(this.params);
    this.v = makeSlot(this.params);
  }

  step(): void {
    const decay = 1 - this.lr * this.weightDecay;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      adamUpdate(this.params[i].data, g, this.m[i], this.v[i], ++this.steps[i], this.lr, this.beta1, this.beta2, this.eps, 0, decay);
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('AdamW', this.lr, this.steps, { m: this.m, v: this.v });
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('AdamW', this.params, s, this.steps, { m: this.m, v: this.v });
  }
}
