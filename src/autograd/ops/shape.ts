/**
 * Shape primitives: reshape, permute/transpose, slice, concat, stack, gather, broadcastTo.
 * Each moves values by an index map and sends gradients back along the same map.
 */
import { ShapeError, describe } from '../../core/errors.ts';
import { broadcastMap, broadcastShapes } from '../broadcast.ts';
import { alloc } from '../alloc.ts';
import { result, shapeSize, type Shape, type Tensor } from '../tensor.ts';

function fmt(s: Shape): string {
  return `[${s.join(', ')}]`;
}

function axisOf(op: string, axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= ndim) throw new ShapeError(op, `axis ${axis} is out of range for ${ndim} axes`);
  return a;
}

/** Output built by reading input position `map[i]` into output position i. */
function gatherMap(x: Tensor, map: Int32Array, outShape: Shape): Tensor {
  const d = x.data, n = map.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = d[map[i]];
  return result(out, outShape, [x], (g) => {
    // d/dx: each output position sends its gradient back to the input position it read
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[map[i]] += g[i];
  });
}

function strides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Same values, new shape; one size may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = [...shape];
  const infer = resolved.indexOf(-1);
  if (infer !== -1) {
    const rest = resolved.reduce((p, d, i) => (i === infer ? p : p * d), 1);
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError('reshape', `cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
    resolved[infer] = x.size / rest;
  }
  if (shapeSize(resolved) !== x.size) throw new ShapeError('reshape', `cannot reshape ${fmt(x.shape)} (${x.size} values) to ${fmt(shape)}`);
  return result(x.data, resolved, [x], (g) => {
    // d/dx reshape = identity on the flat values
    const gx = x.gradBuffer();
    for (let i = 0; i < g.length; i++) gx[i] += g[i];
  });
}

/** Reorders axes: output axis i is input axis order[i]. */
export function permute(x: Tensor, order: readonly number[]): Tensor {
  const n = x.ndim;
  const ord = order.map((a) => axisOf('permute', a, n));
  if (ord.length !== n || new Set(ord).size !== n) {
    throw new ShapeError('permute', `order ${describe(order)} is not a permutation of the ${n} axes of ${fmt(x.shape)}`);
  }
  const outShape = ord.map((a) => x.shape[a]);
  const inStrides = strides(x.shape);
  const size = x.size;
  const map = new Int32Array(size);
  const idx = new Array<number>(n).fill(0);
  let pos = 0;
  for (let i = 0; i < size; i++) {
    map[i] = pos;
    for (let a = n - 1; a >= 0; a--) {
      idx[a]++;
      pos += inStrides[ord[a]];
      if (idx[a] < outShape[a]) break;
      pos -= inStrides[ord[a]] * idx[a];
      idx[a] = 0;
    }
  }
  return gatherMap(x, map, outShape);
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const order = x.shape.map((_, i) => i);
  const ia = axisOf('transpose', a, x.ndim), ib = axisOf('transpose', b, x.ndim);
  order[ia] = ib;
  order[ib] = ia;
  return permute(x, order);
}

/**
 * A rectangular sub-block: `ranges[i]` is [start, end) on axis i (negative counts from the end),
 * or null for the whole axis. Missing trailing entries mean whole axes.
 */
export function slice(x: Tensor, ranges: ReadonlyArray<readonly [number, number] | null>): Tensor {
  if (ranges.length > x.ndim) throw new ShapeError('slice', `${ranges.length} ranges for ${fmt(x.shape)}`);
  const starts: number[] = [], outShape: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    const r = ranges[i] ?? null;
    const d = x.shape[i];
    let s = r === null ? 0 : r[0], e = r === null ? d : r[1];
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > d || s > e) {
      throw new ShapeError('slice', `range ${describe(r)} is out of bounds for axis ${i} of ${fmt(x.shape)}`);
    }
    starts.push(s);
    outShape.push(e - s);
  }
  const inStrides = strides(x.shape);
  const size = shapeSize(outShape);
  const map = new Int32Array(size);
  const n = x.ndim;
  const idx = new Array<number>(n).fill(0);
  let base = 0;
  for (let i = 0; i < n; i++) base += starts[i] * inStrides[i];
  let pos = base;
  for (let i = 0; i < size; i++) {
    map[i] = pos;
    for (let a = n - 1; a >= 0; a--) {
      idx[a]++;
      pos += inStrides[a];
      if (idx[a] < outShape[a]) break;
      pos -= inStrides[a] * idx[a];
      idx[a] = 0;
    }
  }
  return gatherMap(x, map, outShape);
}

/** Joins tensors along an existing axis; all other sizes must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat', 'needs at least one tensor');
  const first = xs[0];
  const ax = axisOf('concat', axis, first.ndim);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError('concat', `shapes ${fmt(first.shape)} and ${fmt(t.shape)} differ outside axis ${ax}`);
    }
  }
  const outer = shapeSize(first.shape.slice(0, ax));
  const inner = shapeSize(first.shape.slice(ax + 1));
  const total = xs.reduce((s, t) => s + t.shape[ax], 0);
  const outShape = [...first.shape];
  outShape[ax] = total;
  const out = alloc(outer * total * inner);
  const rowLen = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const t of xs) {
    offsets.push(offset);
    const chunk = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * rowLen + offset);
    offset += chunk;
  }
  return result(out, outShape, xs, (g) => {
    // d/dx_i concat = the slice of G that x_i filled
    xs.forEach((t, j) => {
      if (!t.requiresGrad) return;
      const gt = t.gradBuffer();
      const chunk = t.shape[ax] * inner;
      for (let o = 0; o < outer; o++) {
        const src = o * rowLen + offsets[j], dst = o * chunk;
        for (let i = 0; i < chunk; i++) gt[dst + i] += g[src + i];
      }
    });
  });
}

/** Stacks same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack', 'needs at least one tensor');
  const shape = xs[0].shape;
  const ax = axis < 0 ? axis + shape.length + 1 : axis;
  if (ax < 0 || ax > shape.length) throw new ShapeError('stack', `axis ${axis} is out of range for ${shape.length + 1} axes`);
  for (const t of xs) if (fmt(t.shape) !== fmt(shape)) throw new ShapeError('stack', `shapes ${fmt(shape)} and ${fmt(t.shape)} differ`);
  const expanded = [...shape.slice(0, ax), 1, ...shape.slice(ax)];
  return concat(xs.map((t) => reshape(t, expanded)), ax);
}

/**
 * Picks one element per row along `axis`: out[..., ...] = x[..., index[r], ...], where `index`
 * has one entry per position of x with `axis` removed. Picks Q(s, a) and log π(a|s).
 */
export function gather(x: Tensor, axis: number, index: ArrayLike<number>): Tensor {
  const ax = axisOf('gather', axis, x.ndim);
  const outShape = x.shape.filter((_, i) => i !== ax);
  const outer = shapeSize(x.shape.slice(0, ax)), inner = shapeSize(x.shape.slice(ax + 1)), d = x.shape[ax];
  if (index.length !== outer * inner) {
    throw new ShapeError('gather', `index has ${index.length} entries, expected ${outer * inner} for ${fmt(x.shape)} along axis ${ax}`);
  }
  const map = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const j = index[o * inner + i];
      if (!Number.isInteger(j) || j < 0 || j >= d) throw new ShapeError('gather', `index ${j} at position ${o * inner + i} is out of range [0, ${d})`);
      map[o * inner + i] = (o * d + j) * inner + i;
    }
  return gatherMap(x, map, outShape);
}

/** Repeats x to a broadcast-compatible larger shape (numpy broadcast_to). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const outShape = broadcastShapes('broadcastTo', x.shape, shape);
  if (fmt(outShape) !== fmt(shape)) throw new ShapeError('broadcastTo', `cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  const map = broadcastMap(outShape, x.shape);
  if (map === null) return x;
  return gatherMap(x, map, outShape);
}

/** Inserts a size-1 axis. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.ndim + 1 : axis;
  return reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)]);
}

/** Removes a size-1 axis. */
export function squeeze(x: Tensor, axis: number): Tensor {
  const ax = axisOf('squeeze', axis, x.ndim);
  if (x.shape[ax] !== 1) throw new ShapeError('squeeze', `axis ${axis} of ${fmt(x.shape)} has size ${x.shape[ax]}, not 1`);
  return reshape(x, x.shape.filter((_, i) => i !== ax));
}

/** Flattens all axes from `startAxis` on into one. */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, startAxis), shapeSize(x.shape.slice(startAxis))]);
}

/**
 * Rows of x (along axis 0) at `indices`, repeats allowed: an embedding lookup, or a minibatch
 * drawn from a buffer. Output shape [indices.length, ...x.shape[1:]].
 */
export function indexSelect(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.ndim < 1) throw new ShapeError('indexSelect', 'needs at least one axis');
  const rows = x.shape[0], row = x.size / Math.max(1, rows);
  const map = new Int32Array(indices.length * row);
  for (let r = 0; r < indices.length; r++) {
    const j = indices[r];
    if (!Number.isInteger(j) || j < 0 || j >= rows) throw new ShapeError('indexSelect', `index ${j} at position ${r} is out of range [0, ${rows})`);
    for (let i = 0; i < row; i++) map[r * row + i] = j * row + i;
  }
  return gatherMap(x, map, [indices.length, ...x.shape.slice(1)]);
}
