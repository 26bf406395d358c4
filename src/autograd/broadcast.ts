/**
 * Numpy broadcasting: the output shape of a binary op, the map from output positions to input
 * positions, and `accumulate`, which sums a gradient back down into an input's shape
 * [tfjs getReductionAxes; numpy broadcasting rules].
 */
import { ShapeError } from '../core/errors.ts';
import { shapeSize, type Shape } from './tensor.ts';

/** The broadcast shape of two shapes, or a ShapeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `cannot broadcast shapes [${a.join(', ')}] and [${b.join(', ')}] (axis ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const mapCache = new Map<string, Int32Array>();
const MAP_CACHE_LIMIT = 512;

/**
 * For each position of `outShape`, the flat position in an input of shape `inShape` that
 * broadcasts to it; null when the shapes are equal (identity). Cached by shape pair.
 */
export function broadcastMap(outShape: Shape, inShape: Shape): Int32Array | null {
  if (sameShape(outShape, inShape)) return null;
  const key = `${outShape.join(',')}|${inShape.join(',')}`;
  const hit = mapCache.get(key);
  if (hit !== undefined) return hit;
  const n = outShape.length;
  const size = shapeSize(outShape);
  const map = new Int32Array(size);
  const inSize = shapeSize(inShape);
  if (inSize === 1) {
    // scalar: all zeros
  } else if (isSuffix(outShape, inShape)) {
    for (let i = 0; i < size; i++) map[i] = i % inSize;
  } else {
    const strides = new Array<number>(n).fill(0);
    let s = 1;
    for (let i = n - 1; i >= 0; i--) {
      const j = i - (n - inShape.length);
      const d = j >= 0 ? inShape[j] : 1;
      strides[i] = d === 1 ? 0 : s;
      s *= d;
    }
    const idx = new Array<number>(n).fill(0);
    let pos = 0;
    for (let i = 0; i < size; i++) {
      map[i] = pos;
      for (let ax = n - 1; ax >= 0; ax--) {
        idx[ax]++;
        pos += strides[ax];
        if (idx[ax] < outShape[ax]) break;
        pos -= strides[ax] * idx[ax];
        idx[ax] = 0;
      }
    }
  }
  if (mapCache.size >= MAP_CACHE_LIMIT) mapCache.clear();
  mapCache.set(key, map);
  return map;
}

/** Whether `inShape` equals the trailing axes of `outShape` (a bias-like broadcast). */
function isSuffix(outShape: Shape, inShape: Shape): boolean {
  const off = outShape.length - inShape.length;
  for (let i = 0; i < inShape.length; i++) if (inShape[i] !== outShape[i + off]) return false;
  return true;
}

/** Adds `g` (of `outShape`) into a parent's grad buffer, summing over broadcast axes. */
export function accumulate(parentGrad: Float32Array, g: Float32Array, outShape: Shape, inShape: Shape): void {
  const map = broadcastMap(outShape, inShape);
  if (map === null) {
    for (let i = 0; i < g.length; i++) parentGrad[i] += g[i];
  } else {
    for (let i = 0; i < g.length; i++) parentGrad[map[i]] += g[i];
  }
}
