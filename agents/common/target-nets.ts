/**
 * Helpers of the off-policy trainers (DQN, SAC, TD3) on their networks: Polyak averaging of a target
 * network, and a pass with a network's parameters left out of the gradient.
 */
import type { Tensor } from '../../src/autograd/index.ts';
import { parameters, type Module } from '../../src/nn/index.ts';

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
