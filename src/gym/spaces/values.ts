/**
 * Space values: membership (`contains`, `explainNotContained`), seeded sampling and deep equality.
 */
import type { Rng } from '../../core/rng.ts';
import { describe } from '../../core/errors.ts';
import { assertNever, describeSpace, sameArray, type BoxSpace, type Space, type SpaceValue } from './define.ts';

// ── membership ──

/**
 * True when `x` is a value of `space`: the right type (Float32Array for float boxes, Uint8Array for
 * uint8 boxes and multiBinary, Int32Array for multiDiscrete, an integer number for discrete), the right
 * length, every element finite and inside the bounds. Fast; `explainNotContained` says why not.
 */
export function contains(space: Space, x: unknown): boolean {
  switch (space.kind) {
    case 'discrete':
      return typeof x === 'number' && Number.isInteger(x) && x >= space.start && x < space.start + space.n;
    case 'box': {
      const arr = space.dtype === 'float32' ? (x instanceof Float32Array ? x : null) : x instanceof Uint8Array ? x : null;
      if (arr === null || arr.length !== space.low.length) return false;
      const { low, high } = space;
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        // `!(v >= lo)` is also true for NaN.
        if (!(v >= low[i] && v <= high[i]) || v === Infinity || v === -Infinity) return false;
      }
      return true;
    }
    case 'multiDiscrete': {
      if (!(x instanceof Int32Array) || x.length !== space.nvec.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] < space.start[i] || x[i] >= space.start[i] + space.nvec[i]) return false;
      return true;
    }
    case 'multiBinary': {
      if (!(x instanceof Uint8Array) || x.length !== space.n) return false;
      for (let i = 0; i < x.length; i++) if (x[i] > 1) return false;
      return true;
    }
    case 'dict': {
      if (!isPlainObject(x)) return false;
      const keys = Object.keys(space.spaces);
      if (Object.keys(x).length !== keys.length) return false;
      for (const key of keys) if (!(key in x) || !contains(space.spaces[key], x[key])) return false;
      return true;
    }
    case 'tuple':
      return Array.isArray(x) && x.length === space.spaces.length && space.spaces.every((sub, i) => contains(sub, x[i]));
    default:
      return assertNever(space);
  }
}

/** Why `x` is not in `space` (one short sentence), or null when it is. Agrees with `contains`. */
export function explainNotContained(space: Space, x: unknown): string | null {
  switch (space.kind) {
    case 'discrete': {
      if (typeof x !== 'number') return `expected an integer number, received ${typeName(x)}`;
      if (!Number.isFinite(x)) return `expected a finite integer, received ${x}`;
      if (!Number.isInteger(x)) return `expected an integer, received ${x}`;
      if (x < space.start || x >= space.start + space.n) return `expected an integer in [${space.start}, ${space.start + space.n - 1}], received ${x}`;
      return null;
    }
    case 'box': {
      const want = space.dtype === 'float32' ? 'Float32Array' : 'Uint8Array';
      const ok = space.dtype === 'float32' ? x instanceof Float32Array : x instanceof Uint8Array;
      if (!ok) return `expected a ${want} of length ${space.low.length}, received ${typeName(x)}`;
      const arr = x as Float32Array | Uint8Array;
      if (arr.length !== space.low.length) return `expected length ${space.low.length} (shape [${space.shape.join(', ')}]), received length ${arr.length}`;
      for (let i = 0; i < arr.length; i++) {
        const v = arr[i];
        if (!Number.isFinite(v)) return `element ${i} is ${v}`;
        if (v < space.low[i] || v > space.high[i]) return `element ${i} = ${v} is outside [${space.low[i]}, ${space.high[i]}]`;
      }
      return null;
    }
    case 'multiDiscrete': {
      if (!(x instanceof Int32Array)) return `expected an Int32Array of length ${space.nvec.length}, received ${typeName(x)}`;
      if (x.length !== space.nvec.length) return `expected length ${space.nvec.length}, received length ${x.length}`;
      for (let i = 0; i < x.length; i++) {
        const lo = space.start[i];
        if (x[i] < lo || x[i] >= lo + space.nvec[i]) return `element ${i} = ${x[i]} is outside [${lo}, ${lo + space.nvec[i] - 1}]`;
      }
      return null;
    }
    case 'multiBinary': {
      if (!(x instanceof Uint8Array)) return `expected a Uint8Array of length ${space.n}, received ${typeName(x)}`;
      if (x.length !== space.n) return `expected length ${space.n}, received length ${x.length}`;
      for (let i = 0; i < x.length; i++) if (x[i] > 1) return `element ${i} = ${x[i]} is not 0 or 1`;
      return null;
    }
    case 'dict': {
      if (!isPlainObject(x)) return `expected a plain object with keys ${Object.keys(space.spaces).join(', ')}, received ${typeName(x)}`;
      const keys = Object.keys(space.spaces);
      for (const key of keys) {
        if (!(key in x)) return `missing key "${key}"`;
        const why = explainNotContained(space.spaces[key], x[key]);
        if (why !== null) return `key "${key}": ${why}`;
      }
      const extra = Object.keys(x).filter((k) => !(k in space.spaces));
      if (extra.length > 0) return `unexpected key(s) ${extra.map((k) => `"${k}"`).join(', ')}`;
      return null;
    }
    case 'tuple': {
      if (!Array.isArray(x)) return `expected an array of ${space.spaces.length} values, received ${typeName(x)}`;
      if (x.length !== space.spaces.length) return `expected ${space.spaces.length} values, received ${x.length}`;
      for (let i = 0; i < x.length; i++) {
        const why = explainNotContained(space.spaces[i], x[i]);
        if (why !== null) return `item ${i}: ${why}`;
      }
      return null;
    }
    default:
      return assertNever(space);
  }
}

// ── sampling ──

/**
 * A uniform draw from `space` using `rng` (Gymnasium's `Space.sample`). Bounded box elements are uniform,
 * half-bounded ones are the bound plus/minus an Exp(1) draw, unbounded ones are standard normal.
 * `mask` (discrete: n bytes; multiDiscrete: the per-element masks concatenated) restricts the draw to
 * entries that are 1; an all-zero mask gives `start`, as in Gymnasium.
 */
export function sample(space: Space, rng: Rng, mask?: Uint8Array): SpaceValue {
  if (mask !== undefined && space.kind !== 'discrete' && space.kind !== 'multiDiscrete') {
    throw new TypeError(`sample: masks are supported for discrete and multiDiscrete spaces, not ${describeSpace(space)}`);
  }
  switch (space.kind) {
    case 'discrete':
      return space.start + sampleIndex(space.n, rng, mask, 0, 'sample(Discrete)');
    case 'box':
      return sampleBox(space, rng);
    case 'multiDiscrete': {
      const total = space.nvec.reduce((a, b) => a + b, 0);
      if (mask !== undefined && mask.length !== total) throw new TypeError(`sample: mask for ${describeSpace(space)} must have ${total} entries, received ${mask.length}`);
      const out = new Int32Array(space.nvec.length);
      let offset = 0;
      for (let i = 0; i < out.length; i++) {
        out[i] = space.start[i] + sampleIndex(space.nvec[i], rng, mask, offset, 'sample(MultiDiscrete)');
        offset += space.nvec[i];
      }
      return out;
    }
    case 'multiBinary': {
      const out = new Uint8Array(space.n);
      for (let i = 0; i < out.length; i++) out[i] = rng.nextUint32() & 1;
      return out;
    }
    case 'dict': {
      const out: Record<string, SpaceValue> = {};
      for (const key of Object.keys(space.spaces)) out[key] = sample(space.spaces[key], rng);
      return out;
    }
    case 'tuple':
      return space.spaces.map((sub) => sample(sub, rng));
    default:
      return assertNever(space);
  }
}

/** A uniform integer in [0, n), restricted to `mask[offset + i] === 1` when a mask is given. */
function sampleIndex(n: number, rng: Rng, mask: Uint8Array | undefined, offset: number, where: string): number {
  if (mask === undefined) return rng.int(n);
  if (offset === 0 && mask.length < n) throw new TypeError(`${where}: mask must have ${n} entries, received ${mask.length}`);
  let legal = 0;
  for (let i = 0; i < n; i++) legal += mask[offset + i] === 1 ? 1 : 0;
  if (legal === 0) return 0;
  let k = rng.int(legal);
  for (let i = 0; i < n; i++) {
    if (mask[offset + i] === 1 && k-- === 0) return i;
  }
  return 0;
}

function sampleBox(space: BoxSpace, rng: Rng): Float32Array | Uint8Array {
  const { low, high } = space;
  if (space.dtype === 'uint8') {
    const out = new Uint8Array(low.length);
    for (let i = 0; i < out.length; i++) {
      const lo = Math.ceil(low[i]);
      out[i] = lo + rng.int(Math.floor(high[i]) - lo + 1);
    }
    return out;
  }
  const out = new Float32Array(low.length);
  for (let i = 0; i < out.length; i++) {
    const lo = low[i];
    const hi = high[i];
    const loBounded = lo > -Infinity;
    const hiBounded = hi < Infinity;
    let v: number;
    if (loBounded && hiBounded) v = lo + (hi - lo) * rng.random();
    else if (loBounded) v = lo - Math.log1p(-rng.random());
    else if (hiBounded) v = hi + Math.log1p(-rng.random());
    else v = rng.normal();
    // float32 rounding may land on a bound's neighbour; the bounds are float32 so clamping is exact.
    out[i] = Math.min(Math.max(v, lo), hi);
  }
  return out;
}

/** Deep equality of two space values (typed arrays element-wise, NaN equal to NaN). */
export function valuesEqual(a: SpaceValue, b: SpaceValue): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b) || a === b;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    return ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && a.constructor === b.constructor && sameArray(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v: SpaceValue, i: number) => valuesEqual(v, (b as readonly SpaceValue[])[i]));
  }
  const oa = a as Record<string, SpaceValue>;
  const ob = b as Record<string, SpaceValue>;
  const keys = Object.keys(oa);
  return sameArray(keys, Object.keys(ob)) && keys.every((k) => valuesEqual(oa[k], ob[k]));
}

/** True for a plain object value (a dict value), not an array or typed array. */
export function isPlainObject(x: unknown): x is Record<string, SpaceValue> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `Array ${describe(x, 4)}`;
  if (ArrayBuffer.isView(x)) return describe(x, 4);
  if (typeof x === 'object') return `object ${describe(x, 4)}`;
  return `${typeof x} ${describe(x)}`;
}
