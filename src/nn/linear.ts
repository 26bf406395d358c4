/**
 * Linear and Embedding layers.
 */
import type { Rng } from '../core/rng.ts';
import { linear } from '../autograd/ops/matmul.ts';
import { indexSelect } from '../autograd/ops/shape.ts';
import { parameter, type Tensor } from '../autograd/tensor.ts';
import { initWeight, type InitName } from './init.ts';
import type { Module } from './module.ts';

/** Options for a weight layer's initialisation. */
export type LayerInit = {
  /** Weight initialiser (default 'orthogonal', CleanRL's `layer_init`). */
  init?: InitName;
  /** Gain for the initialiser (default √2 for orthogonal/kaiming, 1 otherwise). */
  gain?: number;
  /** Constant for the bias (default 0). */
  biasConst?: number;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
};

/** y = x·Wᵀ + b, weight [out, in] as in PyTorch. */
export class Linear implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, rng: Rng, opts: LayerInit = {}) {
    const shape = [outFeatures, inFeatures];
    this.weight = parameter(initWeight(new Float32Array(outFeatures * inFeatures), shape, rng, opts.init ?? 'orthogonal', opts.gain), shape, 'weight');
    this.bias = opts.bias === false ? null : parameter(new Float32Array(outFeatures).fill(opts.biasConst ?? 0), [outFeatures], 'bias');
    this.params = this.bias === null ? { weight: this.weight } : { weight: this.weight, bias: this.bias };
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** A lookup table: integer ids → rows of a [num, dim] weight. Input: a tensor of ids. */
export class Embedding implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly weight: Tensor;

  constructor(num: number, dim: number, rng: Rng) {
    const w = new Float32Array(num * dim);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal();
    this.weight = parameter(w, [num, dim], 'weight');
    this.params = { weight: this.weight };
  }

  /** ids of shape [...] → embeddings of shape [..., dim]. */
  forward(ids: Tensor): Tensor {
    const rows = indexSelect(this.weight, ids.data);
    return rows.reshape([...ids.shape, this.weight.shape[1]]);
  }
}
