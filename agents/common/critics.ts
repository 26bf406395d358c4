/**
 * The critics of the off-policy trainers (DQN, SAC, TD3): CleanRL's Q network on (observation, action)
 * for continuous actions, Polyak averaging of a target network, and a pass with a network's parameters
 * left out of the gradient.
 */
import type { Rng } from '../../src/core/rng.ts';
import { concat, type Tensor } from '../../src/autograd/index.ts';
import { mlp, parameters, type Module, type Sequential } from '../../src/nn/index.ts';

/** CleanRL's SoftQNetwork / QNetwork of sac_continuous_action.py and td3_continuous_action.py: ReLU layers over [obs, env-scale action] → Q. */
export function buildContinuousQ(obsDim: number, actDim: number, hidden: readonly number[], rng: Rng): Sequential {
  return mlp([obsDim + actDim, ...hidden, 1], 'relu', rng, { init: 'pytorch', hiddenGain: 1, outputGain: 1 });
}

/** Q(s, a) per row [B] of a continuous Q network. */
export function qValue(qf: Module, obs: Tensor, action: Tensor): Tensor {
  return qf.forward(concat([obs, action], 1)).reshape([obs.shape[0]]);
}

/**
 * θ' ← τθ + (1 − τ)θ' over every parameter (Polyak averaging of a target network; Lillicrap et al. 2016,
 * https://arxiv.org/abs/1509.02971); τ = 1 copies θ.
 */
export function softUpdate(target: Module, source: Module, tau: number): void {
  const ts = parameters(target), ss = parameters(source);
  for (let p = 0; p < ts.length; p++) {
    const t = ts[p].data, s = ss[p].data;
    if (tau >= 1) t.set(s);
    else for (let i = 0; i < t.length; i++) t[i] = tau * s[i] + (1 - tau) * t[i];
  }
}

/** Runs `fn` (forward and backward) with `params` excluded from gradient computation, e.g. the critics in an actor update. */
export function frozen<T>(params: readonly Tensor[], fn: () => T): T {
  for (const p of params) p.requiresGrad = false;
  try {
    return fn();
  } finally {
    for (const p of params) p.requiresGrad = true;
  }
}
