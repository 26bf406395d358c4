/**
 * Space definitions: the kinds (Gymnasium 1.x `gymnasium.spaces`) as plain readonly data, their
 * constructors, validation, description and equality. Values live in `values.ts`, flattening in
 * `flatten.ts`; import everything from `../spaces.ts`.
 */
import { ConfigError, describe } from '../../core/errors.ts';

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
      // numpy-style: one number when uniform, else a short list with 4 significant digits
      const num = (v: number): string => (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(Number(v.toPrecision(4))));
      const bound = (b: Float32Array): string =>
        b.every((v) => v === b[0]) ? num(b[0]) : `[${Array.from(b.subarray(0, 6), num).join(', ')}${b.length > 6 ? ', …' : ''}]`;
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

/** Element-wise equality of two array-likes (`Object.is`, so NaN equals NaN). */
export function sameArray(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function broadcastBound(b: number | ArrayLike<number>, size: number, name: string): Float32Array {
  if (typeof b === 'number') return new Float32Array(size).fill(b);
  if (b.length !== size) throw new ConfigError(`box: ${name} has ${b.length} elements but the shape has ${size}`);
  return Float32Array.from(b);
}

/** Compile-time exhaustiveness check for `switch (space.kind)`. */
export function assertNever(x: never): never {
  throw new TypeError(`unknown space kind: ${describe((x as { kind?: unknown }).kind)}`);
}
