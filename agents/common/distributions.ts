/**
 * Action distributions over network outputs: a masked categorical (discrete and, one per
 * component, MultiDiscrete actions) and a tanh-squashed Gaussian (SAC); the diagonal Gaussian of
 * PPO, A2C and REINFORCE is in action-head.ts. Sampling reads the passed-in Rng; log-probabilities and entropies are tensors
 * so losses can backpropagate through them.
 */
import type { Rng } from '../../src/core/rng.ts';
import { Tensor, sub } from '../../src/autograd/index.ts';

/** Large negative logit for illegal actions: exp() underflows to 0 but stays finite. */
const MASKED_LOGIT = -1e8;

/** Applies an action mask [B·n] (1 = legal) to logits [B, n]. */
export function maskLogits(logits: Tensor, mask: Uint8Array | null): Tensor {
  if (mask === null) return logits;
  const cond = new Float32Array(logits.size);
  for (let i = 0; i < cond.length; i++) cond[i] = mask[i];
  return logits.where(new Tensor(cond, logits.shape), MASKED_LOGIT);
}

/** Draws one action per row from softmax(logits) [B, n]. */
export function sampleCategorical(logits: Tensor, rng: Rng): Int32Array {
  const [b, n] = logits.shape;
  const out = new Int32Array(b);
  const p = new Float64Array(n);
  for (let r = 0; r < b; r++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, logits.data[r * n + j]);
    for (let j = 0; j < n; j++) p[j] = Math.exp(logits.data[r * n + j] - m);
    out[r] = rng.categorical(p);
  }
  return out;
}

/** The most likely action per row. */
export function argmaxRows(x: Tensor): Int32Array {
  const [b, n] = x.shape;
  const out = new Int32Array(b);
  for (let r = 0; r < b; r++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (x.data[r * n + j] > x.data[r * n + best]) best = j;
    out[r] = best;
  }
  return out;
}

/** log π(a|s) per row for a categorical given (masked) logits [B, n]. */
export function categoricalLogProb(logits: Tensor, actions: ArrayLike<number>): Tensor {
  return logits.logSoftmax().gather(-1, actions);
}

/** Entropy per row −Σ p log p; masked actions (p = 0) contribute 0. */
export function categoricalEntropy(logits: Tensor): Tensor {
  const logp = logits.logSoftmax();
  return logp.exp().mul(logp).sum(-1).neg();
}

/**
 * A tanh-squashed Gaussian sample with the reparameterisation trick, and its log-probability
 * with the change-of-variables correction Σ log(1 − tanh(u)² + ε) (Haarnoja et al. 2018, app. C).
 * Returns actions in (−1, 1) [B, d] and log π [B].
 */
export function sampleSquashedGaussian(mean: Tensor, logStd: Tensor, rng: Rng): { action: Tensor; logProb: Tensor } {
  const noise = new Float32Array(mean.size);
  for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
  const eps = new Tensor(noise, mean.shape);
  const u = mean.add(logStd.exp().mul(eps));
  const action = u.tanh();
  // log N(u; μ, σ) with u = μ + σε is −½ε² − log σ − ½ log 2π: written through ε so it is exact
  const logProbU = eps.square().mul(0.5).add(logStd).add(0.5 * Math.log(2 * Math.PI)).sum(-1).neg();
  // Σ log(1 − tanh(u)² + ε)
  const correction = sub(1, action.square()).add(1e-6).log().sum(-1);
  return { action, logProb: logProbU.sub(correction) };
}
