/**
 * Adadelta. Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method",
 * https://arxiv.org/abs/1212.5701, Algorithm 1, with PyTorch's extra learning-rate factor η
 * (torch.optim.Adadelta; η = 1 is the paper):
 *
 *   g ← ∇θ + λθ;               E[g²] ← ρ·E[g²] + (1 − ρ)·g²
 *   Δx ← √(E[Δx²] + ε) / √(E[g²] + ε) · g
 *   E[Δx²] ← ρ·E[Δx²] + (1 − ρ)·Δx²;   θ ← θ − η·Δx
 */
import type { Tensor } from '../autograd/tensor.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';

/** Adadelta hyperparameters, named as in the paper. */
export interface AdadeltaOptions {
  /** Factor η that scales Δx (the paper has none, i.e. 1). */
  lr?: number;
  /** Decay rate ρ of both running averages. */
  rho?: number;
  /** ε inside both square roots. */
  eps?: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay?: number;
}

/** PyTorch's defaults (ρ = 0.9, ε = 1e-6). */
export const adadeltaDefaults = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 } as const satisfies Required<AdadeltaOptions>;

/** Adadelta; see the file header for the update. */
export class Adadelta implements Optimizer {
  lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  /** Running average of squared gradients E[g²]. */
  private readonly squareAvg: Float32Array[];
  /** Running average of squared updates E[Δx²]. */
  private readonly accDelta: Float32Array[];

  constructor(params: readonly Tensor[], opts: AdadeltaOptions = {}) {
    const o = withDefaults<Required<AdadeltaOptions>>('Adadelta', adadeltaDefaults, opts);
    checkRange('Adadelta', 'lr', o.lr, 0);
    checkRange('Adadelta', 'rho', o.rho, 0, 1);
    checkRange('Adadelta', 'eps', o.eps, 0);
    checkRange('Adadelta', 'weightDecay', o.weightDecay, 0);
    this.params = checkParams('Adadelta', params);
    this.lr = o.lr;
    this.rho = o.rho;
    this.eps = o.eps;
    this.weightDecay = o.weightDecay;
    this.steps = new Float64Array(this.params.length);
    this.squareAvg = makeSlot(this.params);
    this.accDelta = makeSlot(this.params);
  }

  step(): void {
    const { lr, rho, eps, weightDecay: wd } = this;
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      const theta = this.params[i].data;
      const sq = this.squareAvg[i];
      const acc = this.accDelta[i];
      for (let j = 0; j < theta.length; j++) {
        const gj = g[j] + wd * theta[j];
        sq[j] = rho * sq[j] + (1 - rho) * gj * gj;
        const dx = (Math.sqrt(acc[j] + eps) / Math.sqrt(sq[j] + eps)) * gj;
        acc[j] = rho * acc[j] + (1 - rho) * dx * dx;
        theta[j] -= lr * dx;
      }
      this.steps[i]++;
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('Adadelta', this.lr, this.steps, this.slotMap());
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('Adadelta', this.params, s, this.steps, this.slotMap());
  }

  private slotMap(): Record<string, Float32Array[]> {
    return { squareAvg: this.squareAvg, accDelta: this.accDelta };
  }
}
