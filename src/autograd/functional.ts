/**
 * Composites built only from primitives, so their gradients come for free and need no checks of
 * their own beyond the finite-difference tests: softmax family and the losses RL and supervised
 * learning use.
 */
import { ShapeError } from '../core/errors.ts';
import { relu, softplus } from './ops/activation.ts';
import { abs, add, div, exp, log, mul, neg, square, sub, where } from './ops/elementwise.ts';
import { max, mean, sum } from './ops/reduce.ts';
import { gather } from './ops/shape.ts';
import { Tensor, type TensorLike } from './tensor.ts';

/** log Σ exp(x) along `axis`, stabilised by subtracting the (constant) max. */
export function logsumexp(x: Tensor, axis = -1, keepdim = false): Tensor {
  const m = max(x, axis, true).detach();
  const lse = add(log(sum(exp(sub(x, m)), axis, true)), m);
  if (keepdim) return lse;
  const ax = axis < 0 ? axis + x.ndim : axis;
  return lse.reshape(x.shape.filter((_, i) => i !== ax));
}

/** log softmax along `axis`: x - logsumexp(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logsumexp(x, axis, true));
}

/** softmax along `axis`, as exp(logSoftmax) so it never overflows. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/** Mean squared error. */
export function mse(pred: Tensor, target: TensorLike): Tensor {
  return mean(square(sub(pred, target)));
}

/**
 * Huber loss, mean over elements: ½d² where |d| ≤ δ, else δ(|d| − ½δ). With δ = 1 it is the
 * smooth L1 loss that DQN uses (Mnih et al. 2015).
 */
export function huber(pred: Tensor, target: TensorLike, delta = 1): Tensor {
  const d = sub(pred, target);
  const a = abs(d);
  const small = new Tensor(a.data.map((v) => (v <= delta ? 1 : 0)), a.shape);
  return mean(where(small, mul(square(d), 0.5), mul(sub(a, 0.5 * delta), delta)));
}

/**
 * Cross-entropy from logits [B, C], mean over the batch. Targets are class indices (one per row)
 * or a soft distribution [B, C] (AlphaZero's visit counts).
 */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number> | Tensor): Tensor {
  const logp = logSoftmax(logits, -1);
  if (targets instanceof Tensor) {
    if (targets.shape.join(',') !== logits.shape.join(',')) {
      throw new ShapeError('crossEntropy', `soft targets [${targets.shape.join(', ')}] must match logits [${logits.shape.join(', ')}]`);
    }
    return neg(mean(sum(mul(targets, logp), -1)));
  }
  return neg(mean(gather(logp, -1, targets)));
}

/** Binary cross-entropy from logits, mean over elements: max(x,0) − x·t + ln(1 + e^−|x|). */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: TensorLike): Tensor {
  return mean(add(sub(relu(logits), mul(logits, targets)), softplus(neg(abs(logits)))));
}

/** KL(p ‖ q) between categoricals given by logits, summed over the last axis (one per row). */
export function klCategorical(pLogits: Tensor, qLogits: Tensor): Tensor {
  const logp = logSoftmax(pLogits, -1);
  const logq = logSoftmax(qLogits, -1);
  return sum(mul(exp(logp), sub(logp, logq)), -1);
}

/**
 * KL(N(μ1, σ1²) ‖ N(μ2, σ2²)) for diagonal Gaussians given log-stds, summed over the last axis:
 * log σ2/σ1 + (σ1² + (μ1 − μ2)²) / (2σ2²) − ½.
 */
export function klDiagGaussian(mu1: Tensor, logStd1: Tensor, mu2: Tensor, logStd2: Tensor): Tensor {
  const var1 = exp(mul(logStd1, 2));
  const var2 = exp(mul(logStd2, 2));
  const t = div(add(var1, square(sub(mu1, mu2))), mul(var2, 2));
  return sum(sub(add(sub(logStd2, logStd1), t), 0.5), -1);
}

/** Entropy −Σ p log p of categoricals given by logits, one per row. */
export function entropy(logits: Tensor): Tensor {
  const logp = logSoftmax(logits, -1);
  return neg(sum(mul(exp(logp), logp), -1));
}

/** Entropy of a diagonal Gaussian with the given log-stds: Σ (log σ + ½ ln 2πe), one per row. */
export function gaussianEntropy(logStd: Tensor): Tensor {
  return sum(add(logStd, 0.5 * Math.log(2 * Math.PI * Math.E)), -1);
}

/** Log-density of x under a diagonal Gaussian, summed over the last axis. */
export function gaussianLogProb(x: TensorLike, mu: Tensor, logStd: Tensor): Tensor {
  const z = div(sub(x, mu), exp(logStd));
  return neg(sum(add(add(mul(square(z), 0.5), logStd), 0.5 * Math.log(2 * Math.PI)), -1));
}
