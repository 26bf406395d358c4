/**
 * Normalisation layers: BatchNorm1d/2d (Ioffe & Szegedy 2015) and LayerNorm (Ba et al. 2016).
 * Composed from primitives, so their gradients are the autograd's.
 */
import { add, div, mul, sqrt, square, sub } from '../autograd/ops/elementwise.ts';
import { mean } from '../autograd/ops/reduce.ts';
import { reshape } from '../autograd/ops/shape.ts';
import { Tensor, parameter } from '../autograd/tensor.ts';
import { ShapeError } from '../core/errors.ts';
import type { Module } from './module.ts';

/** Options for batch normalisation. */
export type BatchNormOptions = { eps?: number; momentum?: number; affine?: boolean };

/**
 * Batch normalisation over [N, C] (1d) or [N, C, H, W] (2d). Train mode normalises with the
 * batch statistics and updates running estimates (PyTorch: momentum 0.1, unbiased running
 * variance); eval mode uses the running estimates.
 */
export class BatchNorm implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers: Record<string, Tensor>;
  readonly children = {};
  training = true;
  readonly features: number;
  readonly spatial: boolean;
  readonly eps: number;
  readonly momentum: number;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(features: number, spatial: boolean, opts: BatchNormOptions = {}) {
    this.features = features;
    this.spatial = spatial;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.params = opts.affine === false ? {} : {
      weight: parameter(new Float32Array(features).fill(1), [features], 'weight'),
      bias: parameter(new Float32Array(features), [features], 'bias'),
    };
    this.runningMean = new Tensor(new Float32Array(features), [features]);
    this.runningVar = new Tensor(new Float32Array(features).fill(1), [features]);
    this.buffers = { runningMean: this.runningMean, runningVar: this.runningVar };
  }

  forward(x: Tensor): Tensor {
    const expectDims = this.spatial ? 4 : 2;
    if (x.ndim !== expectDims || x.shape[1] !== this.features) {
      throw new ShapeError('BatchNorm', `expected input [N, ${this.features}${this.spatial ? ', H, W' : ''}], received [${x.shape.join(', ')}]`);
    }
    const axes = this.spatial ? [0, 2, 3] : [0];
    const bshape = this.spatial ? [1, this.features, 1, 1] : [1, this.features];
    let mu: Tensor, variance: Tensor;
    if (this.training) {
      mu = mean(x, axes, true);
      variance = mean(square(sub(x, mu)), axes, true);
      const count = x.size / this.features;
      const unbias = count > 1 ? count / (count - 1) : 1;
      for (let c = 0; c < this.features; c++) {
        this.runningMean.data[c] = (1 - this.momentum) * this.runningMean.data[c] + this.momentum * mu.data[c];
        this.runningVar.data[c] = (1 - this.momentum) * this.runningVar.data[c] + this.momentum * variance.data[c] * unbias;
      }
    } else {
      mu = reshape(this.runningMean, bshape);
      variance = reshape(this.runningVar, bshape);
    }
    let y = div(sub(x, mu), sqrt(add(variance, this.eps)));
    const { weight, bias } = this.params;
    if (weight !== undefined && bias !== undefined) y = add(mul(y, reshape(weight, bshape)), reshape(bias, bshape));
    return y;
  }
}

/** BatchNorm over [N, C]. */
export function batchNorm1d(features: number, opts?: BatchNormOptions): BatchNorm {
  return new BatchNorm(features, false, opts);
}

/** BatchNorm over [N, C, H, W], per channel. */
export function batchNorm2d(channels: number, opts?: BatchNormOptions): BatchNorm {
  return new BatchNorm(channels, true, opts);
}

/** Layer normalisation over the last axis, with a learned scale and shift. */
export class LayerNorm implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly features: number;
  readonly eps: number;

  constructor(features: number, eps = 1e-5) {
    this.features = features;
    this.eps = eps;
    this.params = {
      weight: parameter(new Float32Array(features).fill(1), [features], 'weight'),
      bias: parameter(new Float32Array(features), [features], 'bias'),
    };
  }

  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.features) {
      throw new ShapeError('LayerNorm', `expected last axis ${this.features}, received [${x.shape.join(', ')}]`);
    }
    const mu = mean(x, -1, true);
    const centered = sub(x, mu);
    const variance = mean(square(centered), -1, true);
    const y = div(centered, sqrt(add(variance, this.eps)));
    return add(mul(y, this.params.weight), this.params.bias);
  }
}
