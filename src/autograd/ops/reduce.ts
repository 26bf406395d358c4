/**
 * Reductions over axes (sum, mean, max, min), with keepdim. Sums accumulate in float64.
 */
import { ShapeError } from '../../core/errors.ts';
import { alloc } from '../alloc.ts';
import { result, shapeSize, type Shape, type Tensor } from '../tensor.ts';

type Plan = { outShape: number[]; keptShape: number[]; outer: number; inner: number; reduced: number; map: Int32Array | null };

/** Normalises axes (negative allowed; undefined = all) and checks them against the shape. */
export function normalizeAxes(op: string, shape: Shape, axes: number | readonly number[] | undefined): number[] {
  if (axes === undefined) return shape.map((_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out: number[] = [];
  for (const a of list) {
    const ax = a < 0 ? a + shape.length : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= shape.length) {
      throw new ShapeError(op, `axis ${a} is out of range for shape [${shape.join(', ')}]`);
    }
    if (!out.includes(ax)) out.push(ax);
  }
  return out.sort((x, y) => x - y);
}

/**
 * How to reduce: contiguous axes become an (outer, reduced, inner) view with no index map;
 * anything else gets a map from input position to output position.
 */
function plan(op: string, shape: Shape, axes: number | readonly number[] | undefined, keepdim: boolean): Plan {
  const ax = normalizeAxes(op, shape, axes);
  const keptShape = shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const outShape = keepdim ? keptShape : shape.filter((_, i) => !ax.includes(i));
  const contiguous = ax.length === 0 || ax[ax.length - 1] - ax[0] === ax.length - 1;
  if (contiguous) {
    const first = ax.length === 0 ? shape.length : ax[0];
    const last = ax.length === 0 ? shape.length - 1 : ax[ax.length - 1];
    return {
      outShape, keptShape, map: null,
      outer: shapeSize(shape.slice(0, first)),
      reduced: shapeSize(shape.slice(first, last + 1)),
      inner: shapeSize(shape.slice(last + 1)),
    };
  }
  const size = shapeSize(shape);
  const map = new Int32Array(size);
  const n = shape.length;
  const outStrides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = n - 1; i >= 0; i--) {
    outStrides[i] = ax.includes(i) ? 0 : s;
    if (!ax.includes(i)) s *= shape[i];
  }
  const idx = new Array<number>(n).fill(0);
  let pos = 0;
  for (let i = 0; i < size; i++) {
    map[i] = pos;
    for (let a = n - 1; a >= 0; a--) {
      idx[a]++;
      pos += outStrides[a];
      if (idx[a] < shape[a]) break;
      pos -= outStrides[a] * idx[a];
      idx[a] = 0;
    }
  }
  return { outShape, keptShape, map, outer: 0, inner: 0, reduced: size / Math.max(1, shapeSize(outShape)) };
}

/** Sum over `axes` (all by default). */
export function sum(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const p = plan('sum', x.shape, axes, keepdim);
  const d = x.data, outSize = shapeSize(p.outShape);
  const acc = new Float64Array(outSize);
  if (p.map === null) {
    const { outer, reduced, inner } = p;
    for (let o = 0; o < outer; o++)
      for (let r = 0; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) acc[o * inner + i] += d[base + i];
      }
  } else {
    const map = p.map;
    for (let i = 0; i < d.length; i++) acc[map[i]] += d[i];
  }
  return result(Float32Array.from(acc), p.outShape, [x], (g) => {
    // d/dx Σx = 1, spread back over the reduced axes
    spread(x.gradBuffer(), g, p, 1);
  });
}

/** Mean over `axes` (all by default). */
export function mean(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  const p = plan('mean', x.shape, axes, keepdim);
  const s = sum(x, axes, keepdim);
  const count = p.reduced;
  const out = alloc(s.data.length);
  for (let i = 0; i < out.length; i++) out[i] = s.data[i] / count;
  return result(out, p.outShape, [x], (g) => {
    // d/dx mean(x) = 1/N
    spread(x.gradBuffer(), g, p, 1 / count);
  });
}

/** Adds g (per output position) times `scale` to every input position that fed it. */
function spread(gx: Float32Array, g: Float32Array, p: Plan, scale: number): void {
  if (p.map === null) {
    const { outer, reduced, inner } = p;
    for (let o = 0; o < outer; o++)
      for (let r = 0; r < reduced; r++) {
        const base = (o * reduced + r) * inner;
        for (let i = 0; i < inner; i++) gx[base + i] += g[o * inner + i] * scale;
      }
  } else {
    const map = p.map;
    for (let i = 0; i < gx.length; i++) gx[i] += g[map[i]] * scale;
  }
}

/** Max over `axes`; the gradient goes to the first maximal element. */
export function max(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  return extreme('max', x, axes, keepdim, (a, b) => a > b);
}

/** Min over `axes`; the gradient goes to the first minimal element. */
export function min(x: Tensor, axes?: number | readonly number[], keepdim = false): Tensor {
  return extreme('min', x, axes, keepdim, (a, b) => a < b);
}

function extreme(op: string, x: Tensor, axes: number | readonly number[] | undefined, keepdim: boolean, better: (a: number, b: number) => boolean): Tensor {
  const p = plan(op, x.shape, axes, keepdim);
  const d = x.data, outSize = shapeSize(p.outShape);
  if (d.length === 0) throw new ShapeError(op, `cannot reduce an empty tensor of shape [${x.shape.join(', ')}]`);
  const out = alloc(outSize);
  const arg = new Int32Array(outSize).fill(-1);
  const consider = (i: number, o: number): void => {
    if (arg[o] === -1 || better(d[i], out[o]) || (Number.isNaN(d[i]) && !Number.isNaN(out[o]))) {
      out[o] = d[i];
      arg[o] = i;
    }
  };
  if (p.map === null) {
    const { outer, reduced, inner } = p;
    for (let o = 0; o < outer; o++)
      for (let r = 0; r < reduced; r++)
        for (let i = 0; i < inner; i++) consider((o * reduced + r) * inner + i, o * inner + i);
  } else {
    for (let i = 0; i < d.length; i++) consider(i, p.map[i]);
  }
  return result(out, p.outShape, [x], (g) => {
    // d/dx max(x) = 1 at the argmax, 0 elsewhere
    const gx = x.gradBuffer();
    for (let o = 0; o < outSize; o++) gx[arg[o]] += g[o];
  });
}
