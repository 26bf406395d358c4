/**
 * The Tensor: a Float32Array with a shape, a gradient and the closure that carries gradients to
 * its parents. Reverse-mode autograd in the micrograd style, sized for small RL networks.
 *
 * Each op (in ops/*.ts) computes its output and attaches a `backward` closure that ADDS into its
 * parents' `grad`. `backward()` sorts the graph iteratively (no recursion, so 10k-deep chains are
 * fine), clears the grads of intermediate nodes first (so calling it twice is safe) and runs the
 * closures in reverse topological order. Leaves accumulate, as in PyTorch.
 */
import { ShapeError, describe } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { alloc, poolingEnabled, release } from './alloc.ts';
import * as ew from './ops/elementwise.ts';
import * as act from './ops/activation.ts';
import * as red from './ops/reduce.ts';
import * as mm from './ops/matmul.ts';
import * as sh from './ops/shape.ts';
import * as fn from './functional.ts';

/** A tensor's shape: sizes per axis, outermost first (row-major). */
export type Shape = readonly number[];

/** Something that can be combined with a tensor: another tensor or a scalar. */
export type TensorLike = Tensor | number;

let gradEnabled = true;
let nextId = 0;

/** A row-major float32 n-dimensional array that records how it was computed. */
export class Tensor {
  /** The values, row-major. Ops never write into an existing tensor's data. */
  data: Float32Array;
  /** Sizes per axis. */
  readonly shape: Shape;
  /** dLoss/dThis, same length as `data`, or null before any gradient has flowed (and, for tensors computed by ops, again after `backward` has used it). */
  grad: Float32Array | null;
  /** Whether gradients flow into this tensor. */
  requiresGrad: boolean;
  /** The tensors this one was computed from (empty for leaves). */
  readonly parents: readonly Tensor[];
  /** Adds this tensor's `grad` into its parents' grads; null for leaves. */
  backwardFn: (() => void) | null;
  /** An optional label, used in error messages and gradient-norm reports. */
  name: string;
  /** A unique id, for stable ordering in graph traversal. */
  readonly id: number;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false, parents: readonly Tensor[] = [], name = '') {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new ShapeError('Tensor', `data has ${data.length} values but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.data = data;
    this.shape = shape;
    this.grad = null;
    this.requiresGrad = requiresGrad;
    this.parents = parents;
    this.backwardFn = null;
    this.name = name;
    this.id = nextId++;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new ShapeError('item', `expected a one-element tensor, received shape [${this.shape.join(', ')}]`);
    return this.data[0];
  }

  /** Returns the gradient buffer, allocating zeros on first use. */
  gradBuffer(): Float32Array {
    if (this.grad === null) this.grad = alloc(this.data.length);
    return this.grad;
  }

  /**
   * Backpropagates from this tensor; a non-scalar root needs an explicit seed gradient. With `freeGraph`
   * the graph's intermediate values go back to the allocator afterwards (see `backward`).
   */
  backward(seed?: Float32Array, options: BackwardOptions = {}): void {
    backward(this, seed, options);
  }

  /** A tensor that shares the data but is cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /** A deep copy, cut from the graph. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, false);
  }

  /** The values as nested arrays, for printing and tests. */
  toArray(): unknown {
    return toNested(this.data, this.shape, 0, 0);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], data=${describe(this.data)})`;
  }

  // ── one-line delegates to the ops, so a loss reads like its formula: `ratio.mul(A).minimum(…).mean()` ──
  add(o: TensorLike): Tensor { return ew.add(this, o); }
  sub(o: TensorLike): Tensor { return ew.sub(this, o); }
  mul(o: TensorLike): Tensor { return ew.mul(this, o); }
  div(o: TensorLike): Tensor { return ew.div(this, o); }
  pow(o: TensorLike): Tensor { return ew.pow(this, o); }
  neg(): Tensor { return ew.neg(this); }
  exp(): Tensor { return ew.exp(this); }
  log(): Tensor { return ew.log(this); }
  sqrt(): Tensor { return ew.sqrt(this); }
  abs(): Tensor { return ew.abs(this); }
  clamp(min: number, max: number): Tensor { return ew.clamp(this, min, max); }
  square(): Tensor { return ew.square(this); }
  maximum(o: TensorLike): Tensor { return ew.maximum(this, o); }
  minimum(o: TensorLike): Tensor { return ew.minimum(this, o); }
  /** This where `cond` is non-zero, else `other` (PyTorch's `x.where(cond, y)`). */
  where(cond: Tensor, other: TensorLike): Tensor { return ew.where(cond, this, other); }
  tanh(): Tensor { return act.tanh(this); }
  sigmoid(): Tensor { return act.sigmoid(this); }
  relu(): Tensor { return act.relu(this); }
  softplus(): Tensor { return act.softplus(this); }
  logSoftmax(axis = -1): Tensor { return fn.logSoftmax(this, axis); }
  softmax(axis = -1): Tensor { return fn.softmax(this, axis); }
  matmul(o: Tensor): Tensor { return mm.matmul(this, o); }
  sum(axes?: number | readonly number[], keepdim = false): Tensor { return red.sum(this, axes, keepdim); }
  mean(axes?: number | readonly number[], keepdim = false): Tensor { return red.mean(this, axes, keepdim); }
  max(axes?: number | readonly number[], keepdim = false): Tensor { return red.max(this, axes, keepdim); }
  min(axes?: number | readonly number[], keepdim = false): Tensor { return red.min(this, axes, keepdim); }
  reshape(shape: Shape): Tensor { return sh.reshape(this, shape); }
  transpose(a = -2, b = -1): Tensor { return sh.transpose(this, a, b); }
  permute(order: readonly number[]): Tensor { return sh.permute(this, order); }
  gather(axis: number, index: ArrayLike<number>): Tensor { return sh.gather(this, axis, index); }
  squeeze(axis: number): Tensor { return sh.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return sh.unsqueeze(this, axis); }
}

/** Product of a shape's sizes (1 for a scalar). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError('shape', `sizes must be non-negative integers, received [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/** Runs `fn` without recording a graph: for acting, evaluation and target computations. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether an op over these inputs records a backward (grad mode on and an input needs a gradient). */
export function recordsGraph(parents: readonly Tensor[]): boolean {
  if (gradEnabled) for (const p of parents) if (p.requiresGrad) return true;
  return false;
}

/**
 * Builds an op's output: records parents and the backward closure only when a parent needs a
 * gradient and grad mode is on. `backward` receives the output's gradient.
 */
export function result(data: Float32Array, shape: Shape, parents: readonly Tensor[], backward: (g: Float32Array) => void): Tensor {
  if (!recordsGraph(parents)) return new Tensor(data, shape, false);
  const out = new Tensor(data, shape, true, parents);
  out.backwardFn = () => {
    if (out.grad !== null) backward(out.grad);
  };
  return out;
}

/**
 * Reverse-mode sweep from `root`: iterative DFS topological order, intermediate grads cleared
 * first, root seeded with ones (scalars) or `seed`. Afterwards only leaves (parameters, inputs
 * with requiresGrad) keep a `grad`; the intermediates' buffers go back to the allocator.
 */
export function backward(root: Tensor, seed?: Float32Array, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) throw new Error('backward: the tensor does not require grad (was it computed inside noGrad, or from tensors without requiresGrad?)');
  if (seed === undefined && root.size !== 1) {
    throw new ShapeError('backward', `a non-scalar root of shape [${root.shape.join(', ')}] needs an explicit seed gradient`);
  }
  if (seed !== undefined && seed.length !== root.size) {
    throw new ShapeError('backward', `seed has ${seed.length} values, root has shape [${root.shape.join(', ')}]`);
  }
  const order = topoSort(root);
  for (const t of order) if (t.backwardFn !== null) t.grad = null;
  const g = root.gradBuffer();
  if (seed === undefined) g[0] += 1;
  else for (let i = 0; i < g.length; i++) g[i] += seed[i];
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    if (t.backwardFn === null) continue;
    t.backwardFn();
    // An intermediate's gradient is read only by its own node, which just ran (PyTorch does not keep
    // non-leaf gradients either): recycle the buffer.
    if (t.grad !== null) release(t.grad);
    t.grad = null;
  }
  if (options.freeGraph === true && poolingEnabled()) freeIntermediates(root, order);
}

/** How `backward` treats the graph. */
export interface BackwardOptions {
  /**
   * Hands the values of the graph's intermediate tensors (every op output but the root) to the allocator's
   * pool once the sweep is done, and empties those tensors: PyTorch frees a graph's saved tensors after
   * `backward` the same way unless told to retain it. For a training step whose loss is computed, backed up
   * and stepped once, allocating each step's op outputs afresh costs more than the arithmetic of small
   * nets, and far more in browsers' V8 (docs/sandbox.md). The caller promises that nothing reads an
   * intermediate afterwards (scalars of 16 values or fewer, such as loss terms, stay readable), and
   * that the graph is not backed up again.
   */
  readonly freeGraph?: boolean;
}

const EMPTY = new Float32Array(0);

/**
 * Releases the values of the intermediates of `order` (nodes with a backward, the root excepted). An array
 * that shares memory with anything else the graph touches (a leaf, a parent outside the graph, the root,
 * a reshape's view of another array) stays where it is; identical views are released once. Released
 * tensors keep their shape with empty data, so a late read fails loudly rather than reading reused memory.
 */
function freeIntermediates(root: Tensor, order: readonly Tensor[]): void {
  const candidates: Tensor[] = [];
  const kept: Float32Array[] = [root.data];
  const seen = new Set<Tensor>(order);
  for (const t of order) {
    if (t.backwardFn !== null && t !== root && t.data.length > 16) candidates.push(t);
    else kept.push(t.data);
    for (const p of t.parents) if (!seen.has(p)) kept.push(p.data);
  }
  // group the arrays by buffer: one may be released when no other array overlaps it, unless it is the same view
  const byBuffer = new Map<ArrayBufferLike, { a: Float32Array; keep: boolean }[]>();
  const add = (a: Float32Array, keep: boolean): void => {
    const list = byBuffer.get(a.buffer);
    if (list === undefined) byBuffer.set(a.buffer, [{ a, keep }]);
    else list.push({ a, keep });
  };
  for (const a of kept) add(a, true);
  for (const t of candidates) add(t.data, false);
  for (const list of byBuffer.values()) {
    list.sort((x, y) => x.a.byteOffset - y.a.byteOffset || y.a.byteLength - x.a.byteLength);
    for (let i = 0; i < list.length; i++) {
      const { a, keep } = list[i];
      if (keep) continue;
      const end = a.byteOffset + a.byteLength;
      let free = true;
      for (let j = 0; j < list.length && free; j++) {
        if (j === i) continue;
        const b = list[j].a;
        const overlaps = b.byteOffset < end && a.byteOffset < b.byteOffset + b.byteLength;
        if (!overlaps) continue;
        const sameView = b.byteOffset === a.byteOffset && b.byteLength === a.byteLength;
        if (list[j].keep || !sameView) free = false;
        else if (j < i) free = false; // the same view listed earlier is released (or kept) in its own turn
      }
      if (free) release(a);
    }
  }
  for (const t of candidates) t.data = EMPTY;
}

/** Nodes reachable from `root`, parents before children, without recursion. */
function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Array<[Tensor, number]> = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.parents.length) {
      top[1] = i + 1;
      const p = node.parents[i];
      if (p.requiresGrad && !visited.has(p)) {
        visited.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order;
}

// ── constructors ──

/** A tensor from nested arrays or a flat array plus shape. */
export function tensor(values: unknown, shape?: Shape, requiresGrad = false): Tensor {
  if (values instanceof Float32Array) return new Tensor(values, shape ?? [values.length], requiresGrad);
  if (typeof values === 'number') return new Tensor(Float32Array.of(values), shape ?? [], requiresGrad);
  const flat: number[] = [];
  const inferred = inferShape(values, flat);
  return new Tensor(Float32Array.from(flat), shape ?? inferred, requiresGrad);
}

/** A scalar constant. */
export function scalar(x: number): Tensor {
  return new Tensor(Float32Array.of(x), []);
}

/** Zeros of a shape. */
export function zeros(shape: Shape, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)), shape, requiresGrad);
}

/** Ones of a shape. */
export function ones(shape: Shape, requiresGrad = false): Tensor {
  return full(shape, 1, requiresGrad);
}

/** A constant-filled tensor. */
export function full(shape: Shape, value: number, requiresGrad = false): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape)).fill(value), shape, requiresGrad);
}

/** Standard normal draws from `rng`, times `std`. */
export function randn(shape: Shape, rng: Rng, std = 1, requiresGrad = false): Tensor {
  const d = new Float32Array(shapeSize(shape));
  for (let i = 0; i < d.length; i++) d[i] = rng.normal() * std;
  return new Tensor(d, shape, requiresGrad);
}

/** A parameter: a leaf that requires grad. */
export function parameter(data: Float32Array, shape: Shape, name = ''): Tensor {
  return new Tensor(data, shape, true, [], name);
}

/** Wraps a scalar as a constant tensor; tensors pass through. */
export function asTensor(x: TensorLike): Tensor {
  return typeof x === 'number' ? scalar(x) : x;
}

function inferShape(values: unknown, flat: number[]): number[] {
  if (typeof values === 'number') {
    flat.push(values);
    return [];
  }
  if (!Array.isArray(values) && !ArrayBuffer.isView(values)) {
    throw new TypeError(`tensor: expected numbers or nested arrays of numbers, received ${describe(values)}`);
  }
  const arr = values as ArrayLike<unknown>;
  if (arr.length === 0) return [0];
  let inner: number[] = [];
  for (let i = 0; i < arr.length; i++) {
    const s = inferShape(arr[i], flat);
    if (i === 0) inner = s;
    else if (s.join(',') !== inner.join(',')) throw new ShapeError('tensor', `ragged nested array: [${inner.join(', ')}] vs [${s.join(', ')}]`);
  }
  return [arr.length, ...inner];
}

function toNested(data: Float32Array, shape: Shape, axis: number, offset: number): unknown {
  if (axis === shape.length) return data[offset];
  const stride = shapeSize(shape.slice(axis + 1));
  const out: unknown[] = [];
  for (let i = 0; i < shape[axis]; i++) out.push(toNested(data, shape, axis + 1, offset + i * stride));
  return out;
}

/** Whether every value is finite: the cheap check trainers run on losses and parameters. */
export function isFiniteTensor(t: Tensor): boolean {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return false;
  return true;
}

/** Index of the first non-finite value, or -1. */
export function firstNonFinite(d: Float32Array): number {
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return i;
  return -1;
}
