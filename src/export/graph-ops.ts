/**
 * The operations a policy graph is written in, with two backends: `onnxOps` adds ONNX nodes to an
 * `OnnxGraph` (values are tensor names), `coreOps` computes the same thing with our autograd core
 * (values are Tensors). An exporter writes each policy's graph once, generic over the backend, so the
 * model it writes and the reference it is checked against are the same computation by construction; a
 * test then compares ONNX Runtime's outputs with the reference, and the actions with the agent's own
 * `loadPolicy`.
 *
 * Modules lower layer by layer: Sequential, Linear (Gemm), Activation, Conv2d (Conv), Flatten, and a
 * single-layer LSTM cell as Gemm, Add, Slice, Sigmoid, Tanh and Mul (PyTorch's gate order i, f, g, o,
 * as src/nn/recurrent.ts computes it). A module with no lowering is an `ExportError` naming its class
 * and place, never a silently different graph.
 */
import {
  Tensor, add, concat, flatten as flattenT, mean, mul, noGrad, reshape, slice, squeeze, stack, sub, tanh as tanhT, unsqueeze, relu as reluT,
} from '../autograd/index.ts';
import { Activation, Conv2d, Flatten, LSTM, Linear, Sequential, type Module } from '../nn/index.ts';
import type { OnnxGraph } from './onnx-graph.ts';

/** A policy that cannot be expressed in ONNX (a module or an option with no lowering); says which and where. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** Observation statistics to fold into the graph: (x − mean) / √(var + 1e-8), clipped to ±10 (RunningMeanStd.normalize). */
export type NormStats = { mean: readonly number[]; var: readonly number[] };

/** The clip and ε of observation normalisation (agents/common/normalize.ts). */
const NORM_CLIP = 10;
const NORM_EPS = 1e-8;

/** The operations of a policy graph over values of type T (a tensor name in ONNX, a Tensor in our core); B is the batch. */
export interface GraphOps<T> {
  /** Applies a module (its layers must have lowerings). */
  module(m: Module, x: T, where: string): T;
  /** One step of a single-layer LSTM: x [B, in], h and c [B, H] → the next h and c. */
  lstmCell(lstm: LSTM, x: T, h: T, c: T, where: string): { h: T; c: T };
  /** [B, ...] → [B, n]. */
  flatten(x: T): T;
  /** [B, n] → [B, ...shape]. */
  reshapeRows(x: T, shape: readonly number[]): T;
  /** Observation normalisation with saved statistics. */
  normalize(x: T, stats: NormStats): T;
  /** [B, 1] → [B]. */
  squeezeLast(x: T): T;
  /** The index of the largest entry of each row, first on ties: [B, n] → [B] (int64 in ONNX), plus `offset`. */
  argmax(x: T, offset?: number): T;
  /** Argmax per consecutive segment of sizes `sizes`: [B, Σ sizes] → [B, k]. */
  argmaxSegments(x: T, sizes: readonly number[]): T;
  /** Clips each column j to [low[j], high[j]]. */
  clipColumns(x: T, low: Float32Array, high: Float32Array): T;
  /** x · scale + bias per column. */
  affine(x: T, scale: Float32Array, bias: Float32Array): T;
  /** (x + shift) · factor + offset, elementwise (a squashing of SAC's log σ). */
  rescale(x: T, shift: number, factor: number, offset: number): T;
  tanh(x: T): T;
  relu(x: T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  /** Mean over the last axis, kept: [B, n] → [B, 1]. */
  meanLast(x: T): T;
  /** A constant row [1, d] repeated for every row of `like` [B, ·]: [B, d]. */
  repeatRow(row: Tensor, like: T): T;
  /** Entry l of the leading axis: [L, B, H] → [B, H]. */
  layer(x: T, l: number): T;
  /** Stacks along a new leading axis: [B, H] × L → [L, B, H]. */
  stack(xs: readonly T[]): T;
}

// ── our core ──

/** The backend that computes with our autograd core (no graph is kept). */
export function coreOps(): GraphOps<Tensor> {
  return {
    module: (m, x) => noGrad(() => m.forward(x)),
    lstmCell: (lstm, x, h, c) => noGrad(() => {
      const b = x.shape[0];
      const r = lstm.run(reshape(x, [1, b, -1]), { h: unsqueeze(h, 0), c: unsqueeze(c, 0) });
      return { h: reshape(r.state.h, [b, lstm.hiddenSize]), c: reshape(r.state.c as Tensor, [b, lstm.hiddenSize]) };
    }),
    flatten: (x) => flattenT(x, 1),
    reshapeRows: (x, shape) => reshape(x, [x.shape[0], ...shape]),
    normalize: (x, s) => {
      const out = new Float32Array(x.size), d = s.mean.length;
      for (let i = 0; i < out.length; i++) {
        const j = i % d;
        const v = (x.data[i] - s.mean[j]) / Math.sqrt(s.var[j] + NORM_EPS);
        out[i] = v > NORM_CLIP ? NORM_CLIP : v < -NORM_CLIP ? -NORM_CLIP : v;
      }
      return new Tensor(out, x.shape);
    },
    squeezeLast: (x) => squeeze(x, x.ndim - 1),
    argmax: (x, offset = 0) => {
      const [b, n] = x.shape, out = new Float32Array(b);
      for (let r = 0; r < b; r++) out[r] = firstMax(x.data, r * n, n) + offset;
      return new Tensor(out, [b]);
    },
    argmaxSegments: (x, sizes) => {
      const [b, n] = x.shape, out = new Float32Array(b * sizes.length);
      for (let r = 0; r < b; r++) {
        let off = 0;
        sizes.forEach((k, c) => {
          out[r * sizes.length + c] = firstMax(x.data, r * n + off, k);
          off += k;
        });
      }
      return new Tensor(out, [b, sizes.length]);
    },
    clipColumns: (x, low, high) => {
      const out = x.data.slice(), d = low.length;
      for (let i = 0; i < out.length; i++) out[i] = Math.min(high[i % d], Math.max(low[i % d], out[i]));
      return new Tensor(out, x.shape);
    },
    affine: (x, scale, bias) => add(mul(x, new Tensor(scale, [scale.length])), new Tensor(bias, [bias.length])),
    rescale: (x, shift, factor, offset) => add(mul(add(x, shift), factor), offset),
    tanh: (x) => tanhT(x),
    relu: (x) => reluT(x),
    add: (a, b) => add(a, b),
    sub: (a, b) => sub(a, b),
    meanLast: (x) => mean(x, -1, true),
    repeatRow: (row, like) => concat(Array.from({ length: like.shape[0] }, () => row), 0),
    layer: (x, l) => reshape(slice(x, [[l, l + 1]]), x.shape.slice(1)),
    stack: (xs) => stack(xs, 0),
  };
}

/** The first index of the largest of `n` values from `start`. */
function firstMax(data: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (data[start + j] > data[start + best]) best = j;
  return best;
}

// ── ONNX ──

/** Lowers a module the nn package does not know (an agent's own layer) into `g`; null when it does not know it either. */
export type CustomLowering = (m: Module, x: string, g: OnnxGraph, lower: (m: Module, x: string, where: string) => string, where: string) => string | null;

/** The backend that adds ONNX nodes to `g`; `custom` lowers the agents' own layers. */
export function onnxOps(g: OnnxGraph, custom: CustomLowering = () => null): GraphOps<string> {
  const lower = (m: Module, x: string, where: string): string => lowerModule(g, m, x, where, custom, lower);
  const axes = (...a: number[]): string => g.int64s(a);
  return {
    module: lower,
    lstmCell: (lstm, x, h, c, where) => lowerLstmCell(g, lstm, x, h, c, where),
    flatten: (x) => g.op('Flatten', [x], { axis: { int: 1 } }),
    reshapeRows: (x, shape) => g.op('Reshape', [x, g.int64s([-1, ...shape])]),
    normalize: (x, s) => {
      const std = s.var.map((v) => Math.sqrt(v + NORM_EPS));
      const z = g.op('Div', [g.op('Sub', [x, g.floats(s.mean, [s.mean.length], 'obs_mean')]), g.floats(std, [std.length], 'obs_std')]);
      return g.op('Clip', [z, g.floats([-NORM_CLIP], [], 'clip_min'), g.floats([NORM_CLIP], [], 'clip_max')]);
    },
    squeezeLast: (x) => g.op('Squeeze', [x, axes(-1)]),
    argmax: (x, offset = 0) => {
      const i = g.op('ArgMax', [x], { axis: { int: -1 }, keepdims: { int: 0 } });
      return offset === 0 ? i : g.op('Add', [i, g.int64s([offset], [])]);
    },
    argmaxSegments: (x, sizes) => {
      let off = 0;
      const parts = sizes.map((k) => {
        const seg = g.op('Slice', [x, axes(off), axes(off + k), axes(1)]);
        off += k;
        return g.op('ArgMax', [seg], { axis: { int: 1 }, keepdims: { int: 1 } });
      });
      return parts.length === 1 ? parts[0] : g.op('Concat', parts, { axis: { int: 1 } });
    },
    clipColumns: (x, low, high) => g.op('Min', [g.op('Max', [x, g.floats(low, [low.length], 'low')]), g.floats(high, [high.length], 'high')]),
    affine: (x, scale, bias) => g.op('Add', [g.op('Mul', [x, g.floats(scale, [scale.length], 'scale')]), g.floats(bias, [bias.length], 'bias')]),
    rescale: (x, shift, factor, offset) => {
      const s = g.op('Add', [x, g.floats([shift], [])]);
      return g.op('Add', [g.op('Mul', [s, g.floats([factor], [])]), g.floats([offset], [])]);
    },
    tanh: (x) => g.op('Tanh', [x]),
    relu: (x) => g.op('Relu', [x]),
    add: (a, b) => g.op('Add', [a, b]),
    sub: (a, b) => g.op('Sub', [a, b]),
    meanLast: (x) => g.op('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: { int: 1 } }),
    repeatRow: (row, like) => {
      const rows = g.op('Slice', [g.op('Shape', [like]), axes(0), axes(1)]);
      const shape = g.op('Concat', [rows, g.int64s([row.shape[1]])], { axis: { int: 0 } });
      return g.op('Expand', [g.floats(row.data, row.shape, 'row'), shape]);
    },
    layer: (x, l) => g.op('Gather', [x, g.int64s([l], [])], { axis: { int: 0 } }),
    stack: (xs) => g.op('Concat', xs.map((x) => g.op('Unsqueeze', [x, axes(0)])), { axis: { int: 0 } }),
  };
}

/** One module as ONNX nodes; the error names the module's class and its place in the network. */
function lowerModule(g: OnnxGraph, m: Module, x: string, where: string, custom: CustomLowering, lower: (m: Module, x: string, where: string) => string): string {
  if (m instanceof Sequential) return m.layers.reduce((y, l, i) => lower(l, y, `${where}.${i}`), x);
  if (m instanceof Linear) {
    const w = g.floats(m.weight.data, m.weight.shape, `${where}.weight`);
    return g.op('Gemm', m.bias === null ? [x, w] : [x, w, g.floats(m.bias.data, m.bias.shape, `${where}.bias`)], { transB: { int: 1 } });
  }
  if (m instanceof Activation) return lowerActivation(g, m, x, where);
  if (m instanceof Conv2d) {
    const [, , kh, kw] = m.weight.shape;
    const inputs = [x, g.floats(m.weight.data, m.weight.shape, `${where}.weight`)];
    if (m.bias !== null) inputs.push(g.floats(m.bias.data, m.bias.shape, `${where}.bias`));
    return g.op('Conv', inputs, { kernel_shape: { ints: [kh, kw] }, strides: { ints: [m.stride, m.stride] }, pads: { ints: [m.padding, m.padding, m.padding, m.padding] } });
  }
  if (m instanceof Flatten) return g.op('Flatten', [x], { axis: { int: 1 } });
  const y = custom(m, x, g, lower, where);
  if (y !== null) return y;
  throw new ExportError(`onnx export: the layer ${where} (${m.constructor.name}) has no ONNX lowering; the exporter knows Sequential, Linear, Activation, Conv2d, Flatten and single-layer LSTM cells`);
}

/** The activations with an exact ONNX counterpart (gelu has none before opset 20, so it is refused). */
function lowerActivation(g: OnnxGraph, m: Activation, x: string, where: string): string {
  switch (m.kind) {
    case 'tanh': return g.op('Tanh', [x]);
    case 'relu': return g.op('Relu', [x]);
    case 'sigmoid': return g.op('Sigmoid', [x]);
    case 'leakyRelu': return g.op('LeakyRelu', [x], { alpha: { float: 0.01 } });
    case 'elu': return g.op('Elu', [x], { alpha: { float: 1 } });
    case 'softplus': return g.op('Softplus', [x]);
    case 'identity': return x;
    case 'gelu': throw new ExportError(`onnx export: the layer ${where} is a gelu activation, which opset 13 has no op for`);
  }
}

/** i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih) + (W_hh h + b_hh); c' = f⊙c + i⊙g; h' = o⊙tanh(c'). */
function lowerLstmCell(g: OnnxGraph, lstm: LSTM, x: string, h: string, c: string, where: string): { h: string; c: string } {
  if (!(lstm instanceof LSTM) || lstm.numLayers !== 1) throw new ExportError(`onnx export: ${where} is a ${lstm.numLayers}-layer ${lstm.cell}; the exporter lowers single-layer LSTM cells only`);
  const p = lstm.params, H = lstm.hiddenSize;
  const gemm = (input: string, w: string, b: string): string => g.op('Gemm', [input, g.floats(p[w].data, p[w].shape, `${where}.${w}`), g.floats(p[b].data, p[b].shape, `${where}.${b}`)], { transB: { int: 1 } });
  const gates = g.op('Add', [gemm(x, 'weight_ih_l0', 'bias_ih_l0'), gemm(h, 'weight_hh_l0', 'bias_hh_l0')]);
  const chunk = (i: number): string => g.op('Slice', [gates, g.int64s([i * H]), g.int64s([(i + 1) * H]), g.int64s([1])]);
  const i = g.op('Sigmoid', [chunk(0)]), f = g.op('Sigmoid', [chunk(1)]), gg = g.op('Tanh', [chunk(2)]), o = g.op('Sigmoid', [chunk(3)]);
  const c2 = g.op('Add', [g.op('Mul', [f, c]), g.op('Mul', [i, gg])]);
  return { h: g.op('Mul', [o, g.op('Tanh', [c2])]), c: c2 };
}
