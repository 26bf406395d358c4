/**
 * RMSProp. Tieleman & Hinton 2012, "Lecture 6.5 — RMSProp: divide the gradient by a running
 * average of its recent magnitude", COURSERA: Neural Networks for Machine Learning,
 * https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf; the centered variant
 * is Graves 2013, "Generating Sequences With Recurrent Neural Networks", eq. 38–41,
 * https://arxiv.org/abs/1308.0850. PyTorch's semantics (torch.optim.RMSprop):
 *
 *   g ← ∇θ + λθ;            E[g²] ← α·E[g²] + (1 − α)·g²
 *   centered: E[g] ← α·E[g] + (1 − α)·g,  d ← √(E[g²] − E[g]²) + ε;   else d ← √E[g²] + ε
 *   momentum μ > 0: b ← μ·b + g/d,  θ ← θ − η·b;                       else θ ← θ − η·g/d
 */
import type { Tensor } from '../autograd/tensor.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';

/** RMSProp hyperparameters; PyTorch's names in camelCase. */
export interface RmsPropOptions {
  /** Learning rate η. */
  lr?: number;
  /** Smoothing constant α of the running averages. */
  alpha?: number;
  /** ε, added to the root mean square. */
  eps?: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay?: number;
  /** Momentum factor μ applied to the scaled gradient. */
  momentum?: number;
  /** Normalize by the estimated variance instead of the uncentered second moment. */
  centered?: boolean;
}

/** PyTorch's defaults. */
export const rmsPropDefaults = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false } as const satisfies Required<RmsPropOptions>;

/** RMSProp, optionally centered and with momentum; see the file header for the update. */
export class RMSProp implements Optimizer {
  lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  /** Slots: squareAvg E[g²] always; gradAvg E[g] when centered; momentumBuffer b when μ > 0. */
  private readonly slots: Record<string, Float32Array[]>;

  constructor(params: readonly Tensor[], opts: RmsPropOptions = {}) {
    const o = withDefaults<Required<RmsPropOptions>>('RMSProp', rmsPropDefaults, opts);
    checkRange('RMSProp', 'lr', o.lr, 0);
    checkRange('RMSProp', 'alpha', o.alpha, 0, 1);
    checkRange('RMSProp', 'eps', o.eps, 0);
    checkRange('RMSProp', 'weightDecay', o.weightDecay, 0);
    checkRange('RMSProp', 'momentum', o.momentum, 0);
    this.params = checkParams('RMSProp', params);
    this.lr = o.lr;
    this.alpha = o.alpha;
    this.eps = o.eps;
    this.weightDecay = o.weightDecay;
    this.momentum = o.momentum;
    this.centered = o.centered;
    this.steps = new Float64Array(this.params.length);
    this.slots = { squareAvg: makeSlot(this.params) };
    if (o.centered) this.slots.gradAvg = makeSlot(this.params);
    if (o.momentum > 0) this.slots.momentumBuffer = makeSlot(this.params);
  }

  step(): void {
    const { lr, alpha, eps, weightDecay: wd, momentum: mu } = this;
    const { squareAvg, gradAvg, momentumBuffer } = this.slots;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      const theta = this.params[i].data;
      const sq = squareAvg[i];
      const ga = this.centered ? gradAvg[i] : null;
      const b = mu > 0 ? momentumBuffer[i] : null;
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + wd * theta[j];
        sq[j] = alpha * sq[j] + (1 - alpha) * gj * gj;
        let d: number;
        if (ga !== null) {
          ga[j] = alpha * ga[j] + (1 - alpha) * gj;
          d = Math.sqrt(Math.max(0, sq[j] - ga[j] * ga[j])) + eps; // max: float rounding, not math, can go below 0
        } else {
          d = Math.sqrt(sq[j]) + eps;
        }
        if (b !== null) {
          b[j] = mu * b[j] + gj / d;
          theta[j] -= lr * b[j];
        } else {
          theta[j] -= (lr * gj) / d;
        }
      }
      this.steps[i]++;
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('RMSProp', this.lr, this.steps, this.slots);
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('RMSProp', this.params, s, this.steps, this.slots);
  }
}
