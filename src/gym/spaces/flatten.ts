/**
 * Flattening (Gymnasium's `flatdim`, `flatten_space`, `flatten`, `unflatten`): any value as one Float32Array,
 * discrete values one-hot, dict keys in sorted order.
 */
import { describe } from '../../core/errors.ts';
import { assertNever, box, describeSpace, type BoxSpace, type Space, type SpaceValue } from './define.ts';
import { isPlainObject } from './values.ts';

// ── flattening ──

/** Number of floats in `flatten(space, x)` (Gymnasium's `flatdim`: discrete counts as one-hot n). */
export function flatDim(space: Space): number {
  switch (space.kind) {
    case 'box':
      return space.low.length;
    case 'discrete':
      return space.n;
    case 'multiDiscrete':
      return space.nvec.reduce((a, b) => a + b, 0);
    case 'multiBinary':
      return space.n;
    case 'dict':
      return Object.values(space.spaces).reduce((a, sub) => a + flatDim(sub), 0);
    case 'tuple':
      return space.spaces.reduce((a, sub) => a + flatDim(sub), 0);
    default:
      return assertNever(space);
  }
}

/** The box that `flatten` maps `space` into (Gymnasium's `flatten_space`). */
export function flattenSpace(space: Space): BoxSpace {
  if (space.kind === 'box') return box(space.low, space.high, { shape: [space.low.length], dtype: 'float32' });
  const n = flatDim(space);
  const low = new Float32Array(n);
  const high = new Float32Array(n);
  writeFlatBounds(space, low, high, 0);
  return box(low, high);
}

function writeFlatBounds(space: Space, low: Float32Array, high: Float32Array, offset: number): number {
  switch (space.kind) {
    case 'box':
      low.set(space.low, offset);
      high.set(space.high, offset);
      return offset + space.low.length;
    case 'discrete':
    case 'multiDiscrete':
    case 'multiBinary': {
      const n = flatDim(space);
      high.fill(1, offset, offset + n);
      return offset + n;
    }
    case 'dict':
      for (const sub of Object.values(space.spaces)) offset = writeFlatBounds(sub, low, high, offset);
      return offset;
    case 'tuple':
      for (const sub of space.spaces) offset = writeFlatBounds(sub, low, high, offset);
      return offset;
    default:
      return assertNever(space);
  }
}

/**
 * `x` as one Float32Array of `flatDim(space)` numbers: boxes copied, discrete values one-hot,
 * multiDiscrete as concatenated one-hots, dict (sorted keys) and tuple concatenated.
 */
export function flatten(space: Space, x: SpaceValue, out: Float32Array = new Float32Array(flatDim(space)), offset = 0): Float32Array {
  writeFlat(space, x, out, offset);
  return out;
}

function writeFlat(space: Space, x: SpaceValue, out: Float32Array, offset: number): number {
  switch (space.kind) {
    case 'box': {
      if (!(x instanceof Float32Array || x instanceof Uint8Array) || x.length !== space.low.length) return badValue(space, x);
      out.set(x, offset);
      return offset + space.low.length;
    }
    case 'discrete': {
      if (typeof x !== 'number') return badValue(space, x);
      out.fill(0, offset, offset + space.n);
      out[offset + x - space.start] = 1;
      return offset + space.n;
    }
    case 'multiDiscrete': {
      if (!(x instanceof Int32Array)) return badValue(space, x);
      for (let i = 0; i < space.nvec.length; i++) {
        out.fill(0, offset, offset + space.nvec[i]);
        out[offset + x[i] - space.start[i]] = 1;
        offset += space.nvec[i];
      }
      return offset;
    }
    case 'multiBinary': {
      if (!(x instanceof Uint8Array)) return badValue(space, x);
      out.set(x, offset);
      return offset + space.n;
    }
    case 'dict': {
      if (!isPlainObject(x)) return badValue(space, x);
      for (const key of Object.keys(space.spaces)) offset = writeFlat(space.spaces[key], x[key], out, offset);
      return offset;
    }
    case 'tuple': {
      if (!Array.isArray(x)) return badValue(space, x);
      const arr = x as readonly SpaceValue[];
      for (let i = 0; i < space.spaces.length; i++) offset = writeFlat(space.spaces[i], arr[i], out, offset);
      return offset;
    }
    default:
      return assertNever(space);
  }
}

function badValue(space: Space, x: unknown): never {
  throw new TypeError(`flatten: ${describe(x)} is not a value of ${describeSpace(space)}`);
}

/** The inverse of `flatten`: a flat Float32Array back to a value of `space`. */
export function unflatten(space: Space, flat: Float32Array): SpaceValue {
  if (flat.length !== flatDim(space)) throw new TypeError(`unflatten: ${describeSpace(space)} needs ${flatDim(space)} numbers, received ${flat.length}`);
  return readFlat(space, flat, 0).value;
}

function readFlat(space: Space, flat: Float32Array, offset: number): { value: SpaceValue; offset: number } {
  switch (space.kind) {
    case 'box': {
      const n = space.low.length;
      const part = flat.subarray(offset, offset + n);
      const value = space.dtype === 'uint8' ? Uint8Array.from(part) : Float32Array.from(part);
      return { value, offset: offset + n };
    }
    case 'discrete':
      return { value: space.start + oneHotIndex(flat, offset, space.n), offset: offset + space.n };
    case 'multiDiscrete': {
      const value = new Int32Array(space.nvec.length);
      for (let i = 0; i < value.length; i++) {
        value[i] = space.start[i] + oneHotIndex(flat, offset, space.nvec[i]);
        offset += space.nvec[i];
      }
      return { value, offset };
    }
    case 'multiBinary':
      return { value: Uint8Array.from(flat.subarray(offset, offset + space.n)), offset: offset + space.n };
    case 'dict': {
      const value: Record<string, SpaceValue> = {};
      for (const key of Object.keys(space.spaces)) {
        const r = readFlat(space.spaces[key], flat, offset);
        value[key] = r.value;
        offset = r.offset;
      }
      return { value, offset };
    }
    case 'tuple': {
      const value: SpaceValue[] = [];
      for (const sub of space.spaces) {
        const r = readFlat(sub, flat, offset);
        value.push(r.value);
        offset = r.offset;
      }
      return { value, offset };
    }
    default:
      return assertNever(space);
  }
}

function oneHotIndex(flat: Float32Array, offset: number, n: number): number {
  for (let i = 0; i < n; i++) if (flat[offset + i] !== 0) return i;
  throw new TypeError(`unflatten: expected a one-hot block of ${n} numbers at offset ${offset}, received all zeros`);
}
