/**
 * Adam. Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR,
 * https://arxiv.org/abs/1412.6980, Algorithm 1 (the form PyTorch's torch.optim.Adam computes):
 *
 *   g ← ∇θ + λθ (optional L2 penalty, PyTorch's `weight_decay`)
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   m̂ ← m / (1 − β1ᵗ);      v̂ ← v / (1 − β2ᵗ)          (bias correction)
 *   θ ← θ − α·m̂ / (√v̂ + ε)
 *
 * ε defaults to 1e-8 as in the paper; CleanRL's PPO passes 1e-5. For decoupled weight decay use AdamW.
 */
import { adamWasm } from '../autograd/kernels/wasm.ts';
import type { Tensor } from '../autograd/tensor.ts';
import type { Optimizer, OptimizerState } from './optimizer.ts';
import { checkParams, checkRange, clearGrads, makeSlot, restore, snapshot, withDefaults } from './optimizer.ts';

/** Adam hyperparameters, named as in the paper (α is `lr`). */
export interface AdamOptions {
  /** Step size α. */
  lr?: number;
  /** Decay rate of the first-moment estimate. */
  beta1?: number;
  /** Decay rate of the second-moment estimate. */
  beta2?: number;
  /** ε, added to √v̂ for numerical stability. */
  eps?: number;
  /** L2 penalty λ added to the gradient (coupled, unlike AdamW). */
  weightDecay?: number;
}

/** The paper's (and PyTorch's) defaults. */
export const adamDefaults = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } as const satisfies Required<AdamOptions>;

/** Adam with bias correction; see the file header for the update. */
export class Adam implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly params: Tensor[];
  private readonly steps: Float64Array;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    const o = withDefaults<Required<AdamOptions>>('Adam', adamDefaults, opts);
    checkRange('Adam', 'lr', o.lr, 0);
    checkRange('Adam', 'beta1', o.beta1, 0, 1, true);
    checkRange('Adam', 'beta2', o.beta2, 0, 1, true);
    checkRange('Adam', 'eps', o.eps, 0);
    checkRange('Adam', 'weightDecay', o.weightDecay, 0);
    this.params = checkParams('Adam', params);
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
    for (let i = 0; i < this.params.length; i++) {
      const g = this.params[i].grad;
      if (g === null) continue;
      adamUpdate(this.params[i].data, g, this.m[i], this.v[i], ++this.steps[i], this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, 1);
    }
  }

  zeroGrad(setToNone = true): void {
    clearGrads(this.params, setToNone);
  }

  state(): OptimizerState {
    return snapshot('Adam', this.lr, this.steps, { m: this.m, v: this.v });
  }

  loadState(s: OptimizerState): void {
    this.lr = restore('Adam', this.params, s, this.steps, { m: this.m, v: this.v });
  }
}

/** From this many parameters on, a tensor's update runs in wasm SIMD (elementwise.as): ~1 vs ~5 ns each. */
const WASM_ADAM_MIN = 64;

/**
 * Adam's update of one parameter tensor at step t, in place; shared by Adam (coupled L2 penalty `l2`)
 * and AdamW (decoupled `decay` = 1 − lr·λ; 1 for plain Adam):
 *   θ ← θ·decay;  g ← ∇θ + l2·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  θ ← θ − α·m̂ / (√v̂ + ε)
 * The wasm kernel computes in float32 like PyTorch; the JS loop (small tensors, or no wasm) in float64.
 */
export function adamUpdate(theta: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number,
  lr: number, beta1: number, beta2: number, eps: number, l2: number, decay: number): void {
  const stepSize = lr / (1 - beta1 ** t);
  const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** t);
  const n = theta.length;
  if (n >= WASM_ADAM_MIN && adamWasm(theta, g, m, v, beta1, beta2, stepSize, invSqrtBc2, eps, l2, decay)) return;
  const c1 = 1 - beta1, c2 = 1 - beta2;
  for (let j = 0; j < n; j++) {
    const th = theta[j] * decay;
    const gj = g[j] + l2 * th;
    const mj = beta1 * m[j] + c1 * gj;
    const vj = beta2 * v[j] + c2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    theta[j] = th - (stepSize * mj) / (Math.sqrt(vj) * invSqrtBc2 + eps);
  }
}
