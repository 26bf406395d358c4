/**
 * Dropout (Srivastava et al. 2014): in train mode, zero each value with probability p and scale
 * the rest by 1/(1-p) ("inverted dropout"); in eval mode, the identity.
 */
import { ConfigError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { mul } from '../autograd/ops/elementwise.ts';
import { Tensor } from '../autograd/tensor.ts';
import type { Module } from './module.ts';

/** Randomly zeroes activations during training; its mask comes from the passed-in Rng. */
export class Dropout implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly p: number;
  private readonly rng: Rng;

  constructor(p: number, rng: Rng) {
    if (!(p >= 0 && p < 1)) throw new ConfigError(`Dropout: p must be in [0, 1), received ${p}`);
    this.p = p;
    this.rng = rng;
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    const mask = new Float32Array(x.size);
    const scale = 1 / (1 - this.p);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.random() < this.p ? 0 : scale;
    return mul(x, new Tensor(mask, x.shape));
  }
}
