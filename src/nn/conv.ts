/**
 * Convolutional layers: Conv2d, MaxPool2d and Flatten (NCHW).
 */
import type { Rng } from '../core/rng.ts';
import { conv2d, maxPool2d } from '../autograd/ops/conv.ts';
import { flatten } from '../autograd/ops/shape.ts';
import { parameter, type Tensor } from '../autograd/tensor.ts';
import { initWeight } from './init.ts';
import type { LayerInit } from './linear.ts';
import type { Module } from './module.ts';

/** Options for Conv2d. */
export type Conv2dOptions = LayerInit & { stride?: number; padding?: number };

/** 2-D convolution, weight [out, in, k, k] as in PyTorch. */
export class Conv2d implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;

  constructor(inChannels: number, outChannels: number, kernel: number, rng: Rng, opts: Conv2dOptions = {}) {
    const shape = [outChannels, inChannels, kernel, kernel];
    const w = initWeight(new Float32Array(outChannels * inChannels * kernel * kernel), shape, rng, opts.init ?? 'orthogonal', opts.gain);
    this.weight = parameter(w, shape, 'weight');
    this.bias = opts.bias === false ? null : parameter(new Float32Array(outChannels).fill(opts.biasConst ?? 0), [outChannels], 'bias');
    this.params = this.bias === null ? { weight: this.weight } : { weight: this.weight, bias: this.bias };
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.stride, this.padding);
  }
}

/** Max pooling over square windows. */
export class MaxPool2d implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly kernel: number;
  readonly stride: number;

  constructor(kernel: number, stride = kernel) {
    this.kernel = kernel;
    this.stride = stride;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernel, this.stride);
  }
}

/** Flattens every axis after the batch axis. */
export class Flatten implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;

  forward(x: Tensor): Tensor {
    return flatten(x, 1);
  }
}
