/**
 * Recurrent layers, single or stacked: LSTM (Hochreiter & Schmidhuber 1997) and GRU (Cho et al.
 * 2014), with PyTorch's parameter names, shapes and gate order, so checkpoints interchange.
 * Sequences are time-major [T, B, in]; state goes in and comes out as [layers, B, hidden].
 */
import type { Rng } from '../core/rng.ts';
import { sigmoid, tanh } from '../autograd/ops/activation.ts';
import { add, mul, sub } from '../autograd/ops/elementwise.ts';
import { linear } from '../autograd/ops/matmul.ts';
import { reshape, slice, stack } from '../autograd/ops/shape.ts';
import { Tensor, parameter, zeros } from '../autograd/tensor.ts';
import { ShapeError } from '../core/errors.ts';
import { uniform } from './init.ts';
import type { Module } from './module.ts';

/** Hidden state of a recurrent layer: h (and c for LSTM), each [layers, B, hidden]. */
export type RecurrentState = { h: Tensor; c: Tensor | null };

/** The output sequence [T, B, hidden] and the final state. */
export type RecurrentOutput = { output: Tensor; state: RecurrentState };

type Cell = 'lstm' | 'gru';

/** Shared machinery of LSTM and GRU; the cell equations differ and live in `cellStep`. */
class Recurrent implements Module {
  readonly params: Record<string, Tensor>;
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly cell: Cell;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;

  constructor(cell: Cell, inputSize: number, hiddenSize: number, rng: Rng, numLayers = 1) {
    this.cell = cell;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    const gates = cell === 'lstm' ? 4 : 3;
    const k = 1 / Math.sqrt(hiddenSize); // PyTorch: every weight and bias ~ U(-1/√H, 1/√H)
    const params: Record<string, Tensor> = {};
    for (let l = 0; l < numLayers; l++) {
      const inF = l === 0 ? inputSize : hiddenSize;
      const mk = (name: string, shape: number[]): Tensor =>
        parameter(uniform(new Float32Array(shape.reduce((a, b) => a * b, 1)), rng, -k, k), shape, name);
      params[`weight_ih_l${l}`] = mk(`weight_ih_l${l}`, [gates * hiddenSize, inF]);
      params[`weight_hh_l${l}`] = mk(`weight_hh_l${l}`, [gates * hiddenSize, hiddenSize]);
      params[`bias_ih_l${l}`] = mk(`bias_ih_l${l}`, [gates * hiddenSize]);
      params[`bias_hh_l${l}`] = mk(`bias_hh_l${l}`, [gates * hiddenSize]);
    }
    this.params = params;
  }

  /** A zero state for a batch. */
  initialState(batch: number): RecurrentState {
    const shape = [this.numLayers, batch, this.hiddenSize];
    return { h: zeros(shape), c: this.cell === 'lstm' ? zeros(shape) : null };
  }

  /** Runs the whole sequence x [T, B, in] from `state` (zeros if omitted). */
  run(x: Tensor, state?: RecurrentState): RecurrentOutput {
    if (x.ndim !== 3 || x.shape[2] !== this.inputSize) {
      throw new ShapeError(this.cell.toUpperCase(), `expected input [T, B, ${this.inputSize}], received [${x.shape.join(', ')}]`);
    }
    const [steps, batch] = x.shape;
    const s = state ?? this.initialState(batch);
    const H = this.hiddenSize;
    if (s.h.shape.join(',') !== [this.numLayers, batch, H].join(',')) {
      throw new ShapeError(this.cell.toUpperCase(), `state h must be [${this.numLayers}, ${batch}, ${H}], received [${s.h.shape.join(', ')}]`);
    }
    let layerInput = x;
    const hs: Tensor[] = [], cs: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const p = this.params;
      // input projections for all steps at once: [T, B, gates·H]
      const xProj = linear(layerInput, p[`weight_ih_l${l}`], p[`bias_ih_l${l}`]);
      let h = reshape(slice(s.h, [[l, l + 1]]), [batch, H]);
      let c = s.c !== null ? reshape(slice(s.c, [[l, l + 1]]), [batch, H]) : null;
      const outs: Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        const xt = reshape(slice(xProj, [[t, t + 1]]), [batch, xProj.shape[2]]);
        const hProj = linear(h, p[`weight_hh_l${l}`], p[`bias_hh_l${l}`]);
        [h, c] = this.cellStep(xt, hProj, h, c);
        outs.push(h);
      }
      hs.push(h);
      if (c !== null) cs.push(c);
      layerInput = stack(outs, 0);
    }
    return { output: layerInput, state: { h: stack(hs, 0), c: cs.length > 0 ? stack(cs, 0) : null } };
  }

  /** One time step of the cell, given the input and hidden projections [B, gates·H]. */
  private cellStep(xt: Tensor, hProj: Tensor, h: Tensor, c: Tensor | null): [Tensor, Tensor | null] {
    const H = this.hiddenSize;
    const chunk = (t: Tensor, i: number): Tensor => slice(t, [null, [i * H, (i + 1) * H]]);
    if (this.cell === 'lstm') {
      // i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh); c' = f⊙c + i⊙g; h' = o⊙tanh(c')
      const gates = add(xt, hProj);
      const i = sigmoid(chunk(gates, 0)), f = sigmoid(chunk(gates, 1)), g = tanh(chunk(gates, 2)), o = sigmoid(chunk(gates, 3));
      const c2 = add(mul(f, c as Tensor), mul(i, g));
      return [mul(o, tanh(c2)), c2];
    }
    // r, z = σ(W_i x + b_i + W_h h + b_h); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)); h' = (1 − z)⊙n + z⊙h
    const r = sigmoid(add(chunk(xt, 0), chunk(hProj, 0)));
    const z = sigmoid(add(chunk(xt, 1), chunk(hProj, 1)));
    const n = tanh(add(chunk(xt, 2), mul(r, chunk(hProj, 2))));
    return [add(mul(sub(1, z), n), mul(z, h)), null];
  }

  /** The output sequence from a zero state (the Module contract). */
  forward(x: Tensor): Tensor {
    return this.run(x).output;
  }
}

/** Long short-term memory, single or stacked. */
export class LSTM extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, rng: Rng, numLayers = 1) {
    super('lstm', inputSize, hiddenSize, rng, numLayers);
  }
}

/** Gated recurrent unit, single or stacked. */
export class GRU extends Recurrent {
  constructor(inputSize: number, hiddenSize: number, rng: Rng, numLayers = 1) {
    super('gru', inputSize, hiddenSize, rng, numLayers);
  }
}
