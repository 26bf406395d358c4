/**
 * AlphaZero's policy/value network and the MCTS evaluator built on it (helpers of agents/alphazero.ts).
 *
 * - `mlp`: a shared ReLU trunk over the flattened observation planes, a policy head (logits over
 *   all actions) and a tanh value head; enough for tiny boards such as tic-tac-toe.
 * - `resnet`: a 3×3 convolutional stem and residual blocks (He et al. 2016, https://arxiv.org/abs/1512.03385)
 *   over the planes, then AlphaGo Zero's heads (Silver et al. 2017, https://doi.org/10.1038/nature24270):
 *   a 1×1 convolution to 2 planes → linear policy logits, and a 1×1 convolution to 1 plane → 64 ReLU → tanh value.
 *   Batch normalisation is left out so that one position evaluates the same as a batch.
 */
import type { Rng } from '../src/core/rng.ts';
import { Tensor, add, noGrad, relu, reshape, squeeze, tanh } from '../src/autograd/index.ts';
import { Activation, Conv2d, Flatten, Linear, Sequential, mlp, type Module } from '../src/nn/index.ts';
import type { Game } from '../src/game/game.ts';
import type { Evaluation, Evaluator } from './mcts.ts';

/** Network settings (a subset of the agent config). */
export interface AzNetOptions {
  readonly network: 'auto' | 'mlp' | 'resnet';
  readonly hiddenSizes: readonly number[];
  readonly channels: number;
  readonly resBlocks: number;
}

/** `auto` picks the MLP for boards of at most 16 cells and the residual CNN above. */
function networkKind(opts: AzNetOptions, shape: readonly number[]): 'mlp' | 'resnet' {
  if (opts.network !== 'auto') return opts.network;
  return shape.length === 3 && shape[1] * shape[2] > 16 ? 'resnet' : 'mlp';
}

/** conv → ReLU → conv, plus the input, then ReLU. */
export class ResBlock implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children: Record<string, Module>;
  training = true;
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;

  constructor(channels: number, rng: Rng) {
    this.conv1 = new Conv2d(channels, channels, 3, rng, { padding: 1, init: 'kaimingNormal' });
    this.conv2 = new Conv2d(channels, channels, 3, rng, { padding: 1, init: 'kaimingNormal', gain: 0.5 });
    this.children = { conv1: this.conv1, conv2: this.conv2 };
  }

  forward(x: Tensor): Tensor {
    return relu(add(x, this.conv2.forward(relu(this.conv1.forward(x)))));
  }
}

/** A policy/value network: `heads(obs [B, obsDim])` gives logits [B, numActions] and values [B] in (−1, 1). */
export class AzNet implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children: Record<string, Module>;
  training = true;
  readonly kind: 'mlp' | 'resnet';
  readonly shape: readonly number[];
  readonly obsDim: number;
  private readonly trunk: Module;
  private readonly policy: Module;
  private readonly value: Module;

  constructor(shape: readonly number[], numActions: number, opts: AzNetOptions, rng: Rng) {
    this.kind = networkKind(opts, shape);
    this.shape = shape;
    this.obsDim = shape.reduce((a, b) => a * b, 1);
    if (this.kind === 'mlp') {
      const h = opts.hiddenSizes[opts.hiddenSizes.length - 1] ?? this.obsDim;
      this.trunk = opts.hiddenSizes.length > 0 ? mlp([this.obsDim, ...opts.hiddenSizes], 'relu', rng, { outputActivation: 'relu', outputGain: Math.SQRT2 }) : new Sequential();
      this.policy = new Linear(h, numActions, rng, { gain: 0.01 });
      this.value = new Linear(h, 1, rng, { gain: 1 });
    } else {
      const [planes, rows, cols] = shape;
      const c = opts.channels;
      const blocks: Module[] = [new Conv2d(planes, c, 3, rng, { padding: 1, init: 'kaimingNormal' }), new Activation('relu')];
      for (let i = 0; i < opts.resBlocks; i++) blocks.push(new ResBlock(c, rng));
      this.trunk = new Sequential(...blocks);
      this.policy = new Sequential(new Conv2d(c, 2, 1, rng, { init: 'kaimingNormal' }), new Activation('relu'), new Flatten(), new Linear(2 * rows * cols, numActions, rng, { gain: 0.01 }));
      this.value = new Sequential(new Conv2d(c, 1, 1, rng, { init: 'kaimingNormal' }), new Activation('relu'), new Flatten(), new Linear(rows * cols, 64, rng), new Activation('relu'), new Linear(64, 1, rng, { gain: 1 }));
    }
    this.children = { trunk: this.trunk, policy: this.policy, value: this.value };
  }

  /** Logits and values for a batch of flattened observations [B, obsDim]. */
  heads(obs: Tensor): { logits: Tensor; value: Tensor } {
    const b = obs.shape[0];
    const x = this.kind === 'mlp' ? obs : reshape(obs, [b, ...this.shape]);
    const h = this.trunk.forward(x);
    return { logits: this.policy.forward(h), value: tanh(squeeze(this.value.forward(h), 1)) };
  }

  forward(x: Tensor): Tensor {
    return this.heads(x).logits;
  }
}

/**
 * An MCTS evaluator backed by the network: priors = softmax of the logits over the legal moves, value
 * = the value head, both for the player to move. Evaluations are cached by `stateKey` (a transposition
 * table), so the cache must be dropped whenever the weights change: make a new evaluator.
 */
export function netEvaluator<S>(game: Game<S>, net: AzNet): Evaluator<S> {
  const cache = new Map<string, Evaluation>();
  return (state) => {
    const key = game.stateKey(state);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const player = game.currentPlayer(state);
    const obs = game.observe(state, player === 1 ? 1 : 0);
    const { logits, value } = noGrad(() => net.heads(new Tensor(obs, [1, net.obsDim])));
    const ev = { value: value.data[0], priors: maskedSoftmax(logits.data, game.legalMask(state)) };
    cache.set(key, ev);
    return ev;
  };
}

/** Softmax over the legal entries (illegal ones get 0), computed in float64. */
function maskedSoftmax(logits: Float32Array, mask: Uint8Array): Float32Array {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) if (mask[i] === 1 && logits[i] > m) m = logits[i];
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) if (mask[i] === 1) sum += Math.exp(logits[i] - m);
  for (let i = 0; i < logits.length; i++) out[i] = mask[i] === 1 ? Math.exp(logits[i] - m) / sum : 0;
  return out;
}
