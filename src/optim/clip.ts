/**
 * Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013, "On the difficulty of
 * training recurrent neural networks", https://arxiv.org/abs/1211.5063), with the semantics of
 * PyTorch's torch.nn.utils.clip_grad_norm_: one L2 norm over all gradients together, scaled by
 * maxNorm / (norm + 1e-6) when that factor is below 1. PPO clips at 0.5 (CleanRL `max_grad_norm`).
 */
import type { Tensor } from '../autograd/tensor.ts';
import { ConfigError, NonFiniteError } from '../core/errors.ts';

/** Options of `clipGradNorm`. */
export interface ClipOptions {
  /** Throw a NonFiniteError (and leave the gradients alone) when the total norm is NaN or ±Infinity. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients of `params` in place so that their joint L2 norm is at most `maxNorm`,
 * and returns the norm before clipping (the value CleanRL logs). Parameters whose grad is null are
 * skipped. The sum of squares is accumulated in float64. As in PyTorch, a non-finite norm still
 * scales the gradients (to NaN) unless `errorIfNonfinite` is set.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, opts: ClipOptions = {}): number {
  if (!(maxNorm >= 0)) throw new ConfigError(`clipGradNorm: maxNorm must be a non-negative number, received ${maxNorm}`);
  let sumSq = 0;
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    if (g === null) continue;
    for (let j = 0; j < g.length; j++) sumSq += g[j] * g[j];
  }
  const totalNorm = Math.sqrt(sumSq);
  if (opts.errorIfNonfinite === true && !Number.isFinite(totalNorm)) {
    throw new NonFiniteError(`clipGradNorm: the total gradient norm is ${totalNorm}; a loss or a gradient is NaN or infinite`);
  }
  const coef = maxNorm / (totalNorm + 1e-6);
  if (coef >= 1) return totalNorm; // PyTorch clamps the factor at 1: no change
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    if (g === null) continue;
    for (let j = 0; j < g.length; j++) g[j] *= coef;
  }
  return totalNorm;
}
