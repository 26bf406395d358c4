/**
 * Spaces: what an observation or an action may be, as plain readonly data.
 *
 * The kinds follow Gymnasium 1.x (`gymnasium.spaces`): box, discrete (with `start`), multiDiscrete,
 * multiBinary, dict and tuple. Spaces are plain objects so they can be cloned, posted to a worker and
 * compared; everything you do with one is a free function (`sample`, `contains`, `flatten`, …) with an
 * exhaustive `switch` on `kind`. Values are typed arrays (Float32Array for float boxes, Uint8Array for
 * uint8 boxes and multiBinary, Int32Array for multiDiscrete), numbers for discrete, plain objects for
 * dict and arrays for tuple.
 *
 * Unlike Gymnasium, sampling takes the `Rng` to draw from, so it is seeded wherever the caller's Rng is
 * (Gymnasium #185: `action_space.sample()` ignored `reset(seed=…)`). See `Env.actionRng`.
 */
import type { Rng } from '../core/rng.ts';
import { ConfigError, describe } from '../core/errors.ts';

/** Element type of a box: float32 for features, uint8 for pixels. */
export type BoxDtype = 'float32' | 'uint8';

/** A (possibly unbounded) box in R^shape; values are Float32Array (or Uint8Array for dtype uint8). */
export interface BoxSpace {
  readonly kind: 'box';
  /** Row-major shape; the value is a flat typed array of `prod(shape)` elements. */
  readonly shape: readonly number[];
  /** Per-element lower bounds (may be -Infinity). */
  readonly low: Float32Array;
  /** Per-element upper bounds (may be +Infinity). */
  readonly high: Float32Array;
  readonly dtype: BoxDtype;
}

/** The integers `start, …, start + n - 1`; values are plain numbers. */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
  readonly start: number;
}

/** A vector of discrete values, element i in `start[i] … start[i] + nvec[i] - 1`; values are Int32Array. */
export interface MultiDiscreteSpace {
  readonly kind: 'multiDiscrete';
  readonly nvec: Int32Array;
  readonly start: Int32Array;
}

/** A vector of n bits; values are Uint8Array of 0s and 1s. */
export interface MultiBinarySpace {
  readonly kind: 'multiBinary';
  readonly n: number;
}

/** Named sub-spaces; keys are kept sorted (as Gymnasium does) so flattening has one order. */
export interface DictSpace {
  readonly kind: 'dict';
  readonly spaces: Readonly<Record<string, Space>>;
}

/** An ordered list of sub-spaces; values are arrays. */
export interface TupleSpace {
  readonly kind: 'tuple';
  readonly spaces: readonly Space[];
}

/** Any space. */
export type Space = BoxSpace | DiscreteSpace | MultiDiscreteSpace | MultiBinarySpace | DictSpace | TupleSpace;

/** A value of some space (an observation or an action). */
export type SpaceValue =
  | number
  | Float32Array
  | Uint8Array
  | Int32Array
  | { readonly [key: string]: SpaceValue }
  | readonly SpaceValue[];

// ── constructors ──

/**
 * A box. `low`/`high` are scalars (broadcast over `shape`) or per-element arrays (then `shape`
 * defaults to `[length]`). Bounds are stored as float32, as Gymnasium's float32 boxes do.
 */
export function box(
  low: number | ArrayLike<number>,
  high: number | ArrayLike<number>,
  opts: { readonly shape?: readonly number[]; readonly dtype?: BoxDtype } = {},
): BoxSpace {
  const inferred = typeof low !== 'number' ? [low.length] : typeof high !== 'number' ? [high.length] : undefined;
  const shape = opts.shape ?? inferred;
  if (shape === undefined) throw new ConfigError('box: scalar low and high need an explicit shape');
  const size = shapeSize(shape);
  const space: BoxSpace = {
    kind: 'box',
    shape: Object.freeze([...shape]),
    low: broadcastBound(low, size, 'low'),
    high: broadcastBound(high, size, 'high'),
    dtype: opts.dtype ?? 'float32',
  };
  validateSpace(space);
  return space;
}

/** A discrete space of `n` values starting at `start` (Gymnasium's `Discrete(n, start)`). */
export function discrete(n: number, start = 0): DiscreteSpace {
  const space: DiscreteSpace = { kind: 'discrete', n, start };
  validateSpace(space);
  return space;
}

/** A multi-discrete space (Gymnasium's `MultiDiscrete(nvec, start)`). */
export function multiDiscrete(nvec: ArrayLike<number>, start?: ArrayLike<number>): MultiDiscreteSpace {
  const space: MultiDiscreteSpace = {
    kind: 'multiDiscrete',
    nvec: Int32Array.from(nvec),
    start: start === undefined ? new Int32Array(nvec.length) : Int32Array.from(start),
  };
  validateSpace(space);
  return space;
}

/** A space of `n` bits (Gymnasium's `MultiBinary(n)`). */
export function multiBinary(n: number): MultiBinarySpace {
  const space: MultiBinarySpace = { kind: 'multiBinary', n };
  validateSpace(space);
  return space;
}

/** A dict space; keys are sorted so that flattening order is canonical. */
export function dict(spaces: Readonly<Record<string, Space>>): DictSpace {
  const sorted: Record<string, Space> = {};
  for (const key of Object.keys(spaces).sort()) sorted[key] = spaces[key];
  const space: DictSpace = { kind: 'dict', spaces: Object.freeze(sorted) };
  validateSpace(space);
  return space;
}

/** A tuple space. */
export function tuple(spaces: readonly Space[]): TupleSpace {
  const space: TupleSpace = { kind: 'tuple', spaces: Object.freeze([...spaces]) };
  validateSpace(space);
  return space;
}

// ── validation of definitions ──

/**
 * Checks that `space` is a well-formed space definition (right fields, positive sizes, low ≤ high,
 * no NaN bounds) and throws a ConfigError naming the path of the first problem. Accepts `unknown` so the
 * env checker can run it on anything an env hands out.
 */
export function validateSpace(space: unknown, path = 'space'): asserts space is Space {
  if (typeof space !== 'object' || space === null) throw new ConfigError(`${path}: expected a space object, received ${describe(space)}`);
  const s = space as Record<string, unknown>;
  const fail = (msg: string): never => {
    throw new ConfigError(`${path} (${String(s.kind)}): ${msg}`);
  };
  switch (s.kind) {
    case 'box': {
      const { shape, low, high, dtype } = s;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) fail(`shape must be positive integers, received ${describe(shape)}`);
      const size = shapeSize(shape as number[]);
      if (!(low instanceof Float32Array) || low.length !== size) fail(`low must be a Float32Array of ${size} elements, received ${describe(low)}`);
      if (!(high instanceof Float32Array) || high.length !== size) fail(`high must be a Float32Array of ${size} elements, received ${describe(high)}`);
      if (dtype !== 'float32' && dtype !== 'uint8') fail(`dtype must be 'float32' or 'uint8', received ${describe(dtype)}`);
      const lo = low as Float32Array;
      const hi = high as Float32Array;
      for (let i = 0; i < size; i++) {
        if (Number.isNaN(lo[i]) || Number.isNaN(hi[i])) fail(`bound ${i} is NaN`);
        if (lo[i] > hi[i]) fail(`low[${i}] = ${lo[i]} > high[${i}] = ${hi[i]}`);
        if (dtype === 'uint8' && (lo[i] < 0 || hi[i] > 255)) fail(`uint8 bounds must lie in [0, 255], element ${i} is [${lo[i]}, ${hi[i]}]`);
        if (lo[i] === Infinity || hi[i] === -Infinity) fail(`element ${i} has an empty range [${lo[i]}, ${hi[i]}]`);
      }
      return;
    }
    case 'discrete':
      if (!Number.isInteger(s.n) || (s.n as number) < 1) fail(`n must be a positive integer, received ${describe(s.n)}`);
      if (!Number.isInteger(s.start)) fail(`start must be an integer, received ${describe(s.start)}`);
      return;
    case 'multiDiscrete': {
      const { nvec, start } = s;
      if (!(nvec instanceof Int32Array) || nvec.length === 0) fail(`nvec must be a non-empty Int32Array, received ${describe(nvec)}`);
      if (!(start instanceof Int32Array) || start.length !== (nvec as Int32Array).length) fail(`start must be an Int32Array as long as nvec, received ${describe(start)}`);
      for (const n of nvec as Int32Array) if (n < 1) fail(`every nvec entry must be ≥ 1, received ${describe(nvec)}`);
      return;
    }
    case 'multiBinary':
      if (!Number.isInteger(s.n) || (s.n as number) < 1) fail(`n must be a positive integer, received ${describe(s.n)}`);
      return;
    case 'dict': {
      const subs = s.spaces;
      if (typeof subs !== 'object' || subs === null || Array.isArray(subs)) fail('spaces must be an object of spaces');
      const keys = Object.keys(subs as object);
      if (keys.length === 0) fail('needs at least one sub-space');
      for (const key of keys) validateSpace((subs as Record<string, unknown>)[key], `${path}.${key}`);
      return;
    }
    case 'tuple': {
      const subs = s.spaces;
      if (!Array.isArray(subs) || subs.length === 0) fail('spaces must be a non-empty array of spaces');
      (subs as unknown[]).forEach((sub, i) => validateSpace(sub, `${path}[${i}]`));
      return;
    }
    default:
      throw new ConfigError(`${path}: unknown space kind ${describe(s.kind)}; expected box, discrete, multiDiscrete, multiBinary, dict or tuple`);
  }
}

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

// ── helpers ──

/** Product of a shape's dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A short Gymnasium-like description such as `Box(-2, 2, [1], float32)` or `Discrete(3)`. */
export function describeSpace(space: Space): string {
  switch (space.kind) {
    case 'box': {
      const bound = (b: Float32Array): string => (b.every((v) => v === b[0]) ? String(b[0]) : describe(b, 6));
      return `Box(${bound(space.low)}, ${bound(space.high)}, [${space.shape.join(', ')}], ${space.dtype})`;
    }
    case 'discrete':
      return space.start === 0 ? `Discrete(${space.n})` : `Discrete(${space.n}, start=${space.start})`;
    case 'multiDiscrete':
      return `MultiDiscrete([${Array.from(space.nvec).join(', ')}])`;
    case 'multiBinary':
      return `MultiBinary(${space.n})`;
    case 'dict':
      return `Dict(${Object.entries(space.spaces).map(([k, v]) => `${k}: ${describeSpace(v)}`).join(', ')})`;
    case 'tuple':
      return `Tuple(${space.spaces.map(describeSpace).join(', ')})`;
    default:
      return assertNever(space);
  }
}

/** True when two spaces describe the same set (same kind, shape, bounds, sizes). */
export function spacesEqual(a: Space, b: Space): boolean {
  switch (a.kind) {
    case 'box':
      return b.kind === 'box' && a.dtype === b.dtype && sameArray(a.shape, b.shape) && sameArray(a.low, b.low) && sameArray(a.high, b.high);
    case 'discrete':
      return b.kind === 'discrete' && a.n === b.n && a.start === b.start;
    case 'multiDiscrete':
      return b.kind === 'multiDiscrete' && sameArray(a.nvec, b.nvec) && sameArray(a.start, b.start);
    case 'multiBinary':
      return b.kind === 'multiBinary' && a.n === b.n;
    case 'dict': {
      if (b.kind !== 'dict') return false;
      const ka = Object.keys(a.spaces);
      return sameArray(ka, Object.keys(b.spaces)) && ka.every((k) => spacesEqual(a.spaces[k], b.spaces[k]));
    }
    case 'tuple':
      return b.kind === 'tuple' && a.spaces.length === b.spaces.length && a.spaces.every((s, i) => spacesEqual(s, b.spaces[i]));
    default:
      return assertNever(a);
  }
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

function sameArray(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function broadcastBound(b: number | ArrayLike<number>, size: number, name: string): Float32Array {
  if (typeof b === 'number') return new Float32Array(size).fill(b);
  if (b.length !== size) throw new ConfigError(`box: ${name} has ${b.length} elements but the shape has ${size}`);
  return Float32Array.from(b);
}

function isPlainObject(x: unknown): x is Record<string, SpaceValue> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function typeName(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `Array ${describe(x, 4)}`;
  if (ArrayBuffer.isView(x)) return describe(x, 4);
  if (typeof x === 'object') return `object ${describe(x, 4)}`;
  return `${typeof x} ${describe(x)}`;
}

/** Compile-time exhaustiveness check for `switch (space.kind)`. */
export function assertNever(x: never): never {
  throw new TypeError(`unknown space kind: ${describe((x as { kind?: unknown }).kind)}`);
}
