/**
 * Training health shared by every agent: per-layer gradient norms for the `grads/<net>.<layer>`
 * metrics, and the check that stops a run when a parameter goes NaN or infinite.
 */
import { NonFiniteError } from '../../src/core/errors.ts';
import { firstNonFinite } from '../../src/autograd/index.ts';
import { gradNorms, namedParameters, type Module } from '../../src/nn/index.ts';

/** Gradient norm per layer of every net, keyed `actor.0`, `critic.2`, … (a net with loose params: its prefix). */
export function layerGradNorms(nets: Readonly<Record<string, Module>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [prefix, net] of Object.entries(nets)) {
    for (const [layer, v] of Object.entries(gradNorms(net))) out[layer === '(root)' ? prefix : `${prefix}.${layer}`] = v;
  }
  return out;
}

/** Throws a NonFiniteError naming the agent, the first bad parameter and the step. */
export function checkParamsFinite(algo: string, nets: Readonly<Record<string, Module>>, step: number): void {
  for (const [prefix, net] of Object.entries(nets)) {
    for (const [name, p] of namedParameters(net)) {
      const i = firstNonFinite(p.data);
      if (i >= 0) throw new NonFiniteError(`${algo}: parameter ${prefix}.${name} became ${p.data[i]} at global step ${step}`);
    }
  }
}

/** Throws a NonFiniteError when a loss is NaN or infinite, naming the agent, the loss, the step and what it was made of. */
export function checkLossFinite(algo: string, name: string, value: number, step: number, detail: string): void {
  if (!Number.isFinite(value)) throw new NonFiniteError(`${algo}: ${name} is ${value} at global step ${step} (${detail})`);
}
