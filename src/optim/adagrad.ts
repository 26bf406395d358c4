/**
 * Adagrad. Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, https://jmlr.org/papers/v12/duchi11a.html (the diagonal
 * variant), with PyTorch's learning-rate decay and initial accumulator (torch.optim.Adagrad):
 *
 *   g ← ∇θ + λθ;   η̃ ← η / (1 + (t − 1)·lrDecay);   G ← G + g²;   θ ← θ − η̃·g / (√G + ε)
 *
 * G starts at `initialAccumulatorValue`.
 */
import type { Tensor } from '../autograd/tensor.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';

/** Adagrad hyperparameters; PyTorch's names in camelCase. */
export interface AdagradOptions {
  /** Learning rate η. */
  lr?: number;
  /** Per-step decay of the learning rate: η / (1 + (t − 1)·lrDecay). */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay?: number;
  /** Starting value of the sum of squared gradients G. */
  initialAccumulatorValue?: number;
  /** ε, added to √G. */
  eps?: number;
}

/** PyTorch's defaults. */
export const adagradDefaults = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 } as const satisfies Required<AdagradOptions>;

/** Diagonal Adagrad; see the file header for the update. */
export class Adagrad implements Optimizer {
  lr: number;
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly eps: number;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  /** Running sums of squared gradients G. */
  private readonly sum: Float32Array[];

  constructor(params: readonly Tensor[], opts: AdagradOptions = {}) {
    const o = withDefaults<Required<AdagradOptions>>('Adagrad', adagradDefaults, opts);
    checkRange('Adagrad', 'lr', o.lr, 0);
    checkRange('Adagrad', 'lrDecay', o.lrDecay, 0);
    checkRange('Adagrad', 'weightDecay', o.weightDecay, 0);
    checkRange('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue, 0);
    checkRange('Adagrad', 'eps', o.eps, 0);
    this.params = checkParams('Adagrad', params);
    this.lr = o.lr;
    this.lrDecay = o.lrDecay;
    this.weightDecay = o.weightDecay;
    this.eps = o.eps;
    this.steps = new Float64Array(this.params.length);
    this.sum = makeSlot(this.params, o.initialAccumulatorValue);
  }

  step(): void {
    const { eps, weightDecay: wd } = this;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      const theta = this.params[i].data;
      const G = this.sum[i];
      const t = ++this.steps[i];
      const clr = this.lr / (1 + (t - 1) * this.lrDecay);
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + wd * theta[j];
        G[j] += gj * gj;
        theta[j] -= (clr * gj) / (Math.sqrt(G[j]) + eps);
      }
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('Adagrad', this.lr, this.steps, { sum: this.sum });
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('Adagrad', this.params, s, this.steps, { sum: this.sum });
  }
}
