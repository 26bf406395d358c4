/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
 * with PyTorch's semantics (https://pytorch.org/docs/stable/generated/torch.optim.SGD.html):
 *
 *   g ← ∇θ + λθ;   b ← μb + (1 − τ)g   (b ← g on a parameter's first step);
 *   g ← g + μb (Nesterov) or g ← b;    θ ← θ − γg.
 *
 * Momentum as in Polyak 1964; the Nesterov variant as reformulated by Sutskever et al. 2013,
 * "On the importance of initialization and momentum in deep learning", ICML,
 * http://proceedings.mlr.press/v28/sutskever13.html (PyTorch, and so this file, keeps γ outside b).
 */
import type { Tensor } from '../autograd/tensor.ts';
import { ConfigError } from '../core/errors.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';

/** SGD hyperparameters; PyTorch's names in camelCase. */
export interface SgdOptions {
  /** Learning rate γ. */
  lr?: number;
  /** Momentum factor μ (0 = plain SGD). */
  momentum?: number;
  /** Dampening τ applied to the gradient entering the momentum buffer. */
  dampening?: number;
  /** L2 penalty λ, added to the gradient. */
  weightDecay?: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0). */
  nesterov?: boolean;
}

/** PyTorch's defaults. */
export const sgdDefaults = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } as const satisfies Required<SgdOptions>;

/** SGD with optional (Nesterov) momentum; see the file header for the update. */
export class SGD implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  /** Momentum buffers b, allocated only when μ > 0. */
  private readonly buf: Float32Array[] | null;

  constructor(params: readonly Tensor[], opts: SgdOptions = {}) {
    const o = withDefaults<Required<SgdOptions>>('SGD', sgdDefaults, opts);
    checkRange('SGD', 'lr', o.lr, 0);
    checkRange('SGD', 'momentum', o.momentum, 0);
    checkRange('SGD', 'dampening', o.dampening, 0, 1);
    checkRange('SGD', 'weightDecay', o.weightDecay, 0);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ConfigError(`SGD: nesterov needs momentum > 0 and dampening = 0, received momentum ${o.momentum}, dampening ${o.dampening}`);
    }
    this.params = checkParams('SGD', params);
    this.lr = o.lr;
    this.momentum = o.momentum;
    this.dampening = o.dampening;
    this.weightDecay = o.weightDecay;
    this.nesterov = o.nesterov;
    this.steps = new Float64Array(this.params.length);
    this.buf = o.momentum > 0 ? makeSlot(this.params) : null;
  }

  step(): void {
    const { lr, momentum: mu, dampening: tau, weightDecay: wd, nesterov } = this;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      const theta = this.params[i].data;
      const b = this.buf === null ? null : this.buf[i];
      const first = this.steps[i] === 0;
      for (let j = 0; j < theta.length; j++) {
        let d = g[j] + wd * theta[j];
        if (b !== null) {
          b[j] = first ? d : mu * b[j] + (1 - tau) * d;
          d = nesterov ? d + mu * b[j] : b[j];
        }
        theta[j] -= lr * d;
      }
      this.steps[i]++;
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('SGD', this.lr, this.steps, this.slots());
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('SGD', this.params, s, this.steps, this.slots());
  }

  private slots(): Record<string, Float32Array[]> {
    return this.buf === null ? {} : { momentumBuffer: this.buf };
  }
}
