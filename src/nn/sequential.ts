/**
 * Sequential containers, activation layers and `mlp`, which builds CleanRL's networks in one line.
 */
import type { Rng } from '../core/rng.ts';
import * as act from '../autograd/ops/activation.ts';
import type { Tensor } from '../autograd/tensor.ts';
import type { InitName } from './init.ts';
import { Linear } from './linear.ts';
import type { Module } from './module.ts';

/** Applies its children in order; children are named "0", "1", … as in PyTorch. */
export class Sequential implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children: Record<string, Module>;
  training = true;
  readonly layers: readonly Module[];

  constructor(...layers: Module[]) {
    this.layers = layers;
    this.children = Object.fromEntries(layers.map((l, i) => [String(i), l]));
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.layers) y = l.forward(y);
    return y;
  }
}

/** The activation functions available as layers. */
export type ActivationName = 'tanh' | 'relu' | 'sigmoid' | 'leakyRelu' | 'elu' | 'softplus' | 'gelu' | 'identity';

/** An activation function as a parameter-free layer. */
export class Activation implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly kind: ActivationName;

  constructor(kind: ActivationName) {
    this.kind = kind;
  }

  forward(x: Tensor): Tensor {
    return applyActivation(this.kind, x);
  }
}

/** Applies an activation by name. */
export function applyActivation(kind: ActivationName, x: Tensor): Tensor {
  switch (kind) {
    case 'tanh': return act.tanh(x);
    case 'relu': return act.relu(x);
    case 'sigmoid': return act.sigmoid(x);
    case 'leakyRelu': return act.leakyRelu(x);
    case 'elu': return act.elu(x);
    case 'softplus': return act.softplus(x);
    case 'gelu': return act.gelu(x);
    case 'identity': return x;
  }
}

/** Options for `mlp`. */
export type MlpOptions = {
  /** Weight init for every layer (default orthogonal). */
  init?: InitName;
  /** Gain of hidden layers (default √2). */
  hiddenGain?: number;
  /** Gain of the output layer (CleanRL: 0.01 for a policy head, 1 for a value head; default 1). */
  outputGain?: number;
  /** Activation after the output layer (default identity). */
  outputActivation?: ActivationName;
};

/**
 * A multilayer perceptron: sizes [in, h1, …, out] with `activation` between layers.
 * `mlp([4, 64, 64, 2], 'tanh', rng, { outputGain: 0.01 })` is CleanRL's PPO actor.
 */
export function mlp(sizes: readonly number[], activation: ActivationName, rng: Rng, opts: MlpOptions = {}): Sequential {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers.push(new Linear(sizes[i], sizes[i + 1], rng, { init: opts.init ?? 'orthogonal', gain: last ? (opts.outputGain ?? 1) : (opts.hiddenGain ?? Math.SQRT2) }));
    if (!last) layers.push(new Activation(activation));
    else if (opts.outputActivation !== undefined && opts.outputActivation !== 'identity') layers.push(new Activation(opts.outputActivation));
  }
  return new Sequential(...layers);
}
