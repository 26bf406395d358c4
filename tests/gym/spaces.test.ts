import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/core/rng.ts';
import { ConfigError } from '../../src/core/errors.ts';
import {
  box,
  contains,
  describeSpace,
  dict,
  discrete,
  explainNotContained,
  flatDim,
  flatten,
  flattenSpace,
  multiBinary,
  multiDiscrete,
  sample,
  spacesEqual,
  tuple,
  unflatten,
  validateSpace,
  valuesEqual,
  type Space,
} from '../../src/gym/spaces.ts';

// ── arbitrary spaces for property tests ──

const boundKind = fc.constantFrom('both', 'low', 'high', 'none');
const boxArb: fc.Arbitrary<Space> = fc
  .record({
    dims: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
    uint8: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e6 }),
    kinds: fc.array(boundKind, { minLength: 9, maxLength: 9 }),
  })
  .map(({ dims, uint8, seed, kinds }) => {
    const rng = new Rng(seed);
    const n = dims.reduce((a, b) => a * b, 1);
    const low: number[] = [];
    const high: number[] = [];
    for (let i = 0; i < n; i++) {
      if (uint8) {
        const lo = rng.int(200);
        low.push(lo);
        high.push(lo + rng.int(56));
        continue;
      }
      const lo = Math.fround(rng.uniform(-10, 10));
      const kind = kinds[i % kinds.length];
      low.push(kind === 'both' || kind === 'low' ? lo : -Infinity);
      high.push(kind === 'both' || kind === 'high' ? lo + Math.fround(rng.uniform(0, 5)) : Infinity);
    }
    return box(low, high, { shape: dims, dtype: uint8 ? 'uint8' : 'float32' });
  });
const leafArb: fc.Arbitrary<Space> = fc.oneof(
  boxArb,
  fc.record({ n: fc.integer({ min: 1, max: 6 }), start: fc.integer({ min: -3, max: 3 }) }).map(({ n, start }) => discrete(n, start)),
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).map((nvec) => multiDiscrete(nvec, nvec.map((_, i) => i - 1))),
  fc.integer({ min: 1, max: 6 }).map((n) => multiBinary(n)),
);
const spaceArb: fc.Arbitrary<Space> = fc.oneof(
  { weight: 3, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.array(leafArb, { minLength: 1, maxLength: 3 }).map((s) => tuple(s)) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'pos', 'vel', 'z'), leafArb, { minKeys: 1, maxKeys: 3 }).map((s) => dict(s)) },
);

describe('spaces: properties', () => {
  it('samples lie in the space, and contains agrees with explainNotContained', () => {
    fc.assert(
      fc.property(spaceArb, fc.integer({ min: 0, max: 2 ** 31 }), (space, seed) => {
        const rng = new Rng(seed);
        for (let k = 0; k < 5; k++) {
          const x = sample(space, rng);
          expect(contains(space, x)).toBe(true);
          expect(explainNotContained(space, x)).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('flatten/unflatten round-trips and flattens into flattenSpace', () => {
    fc.assert(
      fc.property(spaceArb, fc.integer({ min: 0, max: 2 ** 31 }), (space, seed) => {
        const x = sample(space, new Rng(seed));
        const flat = flatten(space, x);
        expect(flat.length).toBe(flatDim(space));
        expect(contains(flattenSpace(space), flat)).toBe(true);
        expect(valuesEqual(unflatten(space, flat), x)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('sampling is deterministic given the Rng seed', () => {
    fc.assert(
      fc.property(spaceArb, fc.integer({ min: 0, max: 2 ** 31 }), (space, seed) => {
        expect(valuesEqual(sample(space, new Rng(seed)), sample(space, new Rng(seed)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('every space validates and equals itself after structuredClone', () => {
    fc.assert(
      fc.property(spaceArb, (space) => {
        const clone = structuredClone(space);
        validateSpace(clone);
        expect(spacesEqual(space, clone)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('masked discrete samples are always legal', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 1e6 }), (legal, seed) => {
        const space = discrete(legal.length, 2);
        const mask = Uint8Array.from(legal, (b) => (b ? 1 : 0));
        const rng = new Rng(seed);
        for (let k = 0; k < 10; k++) {
          const a = sample(space, rng, mask) as number;
          if (legal.some((b) => b)) expect(legal[a - 2]).toBe(true);
          else expect(a).toBe(2);
        }
      }),
    );
  });
});

describe('spaces: membership edge cases', () => {
  const b = box([-1, -2], [1, 2]);
  it.each([
    ['a Float32Array inside', Float32Array.of(0.5, -2), true],
    ['on the bounds', Float32Array.of(-1, 2), true],
    ['NaN', Float32Array.of(Number.NaN, 0), false],
    ['Infinity', Float32Array.of(0, Infinity), false],
    ['outside', Float32Array.of(1.5, 0), false],
    ['wrong length', Float32Array.of(0), false],
    ['a plain array', [0, 0], false],
    ['a Float64Array', Float64Array.of(0, 0), false],
  ])('box contains %s: %s', (_name, x, expected) => {
    expect(contains(b, x)).toBe(expected);
    expect(explainNotContained(b, x) === null).toBe(expected);
  });

  it('an unbounded box still rejects non-finite values', () => {
    const u = box(-Infinity, Infinity, { shape: [2] });
    expect(contains(u, Float32Array.of(1e30, -1e30))).toBe(true);
    expect(contains(u, Float32Array.of(Infinity, 0))).toBe(false);
  });

  it('discrete membership needs an integer number in range', () => {
    const d = discrete(3, -1);
    expect([-1, 0, 1].every((a) => contains(d, a))).toBe(true);
    for (const bad of [2, -2, 0.5, Number.NaN, Infinity, '0', null, undefined]) expect(contains(d, bad)).toBe(false);
    expect(explainNotContained(d, 2)).toMatch(/\[-1, 1\]/);
    expect(explainNotContained(d, '0')).toMatch(/integer number, received string/);
  });

  it('dict and tuple reject missing, extra and wrong items with a path', () => {
    const s = dict({ pos: box(-1, 1, { shape: [2] }), k: discrete(2) });
    expect(contains(s, { pos: Float32Array.of(0, 0), k: 1 })).toBe(true);
    expect(explainNotContained(s, { pos: Float32Array.of(0, 0) })).toMatch(/missing key "k"/);
    expect(explainNotContained(s, { pos: Float32Array.of(0, 0), k: 1, extra: 0 })).toMatch(/unexpected key/);
    expect(explainNotContained(s, { pos: Float32Array.of(0, 5), k: 1 })).toMatch(/key "pos": element 1/);
    const t = tuple([discrete(2), multiBinary(2)]);
    expect(contains(t, [1, Uint8Array.of(0, 1)])).toBe(true);
    expect(explainNotContained(t, [1, Uint8Array.of(0, 2)])).toMatch(/item 1: element 1 = 2/);
  });

  it('dict keys are sorted so flattening has one order', () => {
    const s = dict({ z: discrete(2), a: box(0, 1, { shape: [1] }) });
    expect(Object.keys(s.spaces)).toEqual(['a', 'z']);
    expect(Array.from(flatten(s, { z: 1, a: Float32Array.of(0.5) }))).toEqual([0.5, 0, 1]);
  });
});

describe('spaces: flatten, sample and description', () => {
  it('flattens discrete one-hot with start and multiDiscrete as concatenated one-hots', () => {
    expect(Array.from(flatten(discrete(3, 5), 6))).toEqual([0, 1, 0]);
    expect(Array.from(flatten(multiDiscrete([2, 3]), Int32Array.of(1, 2)))).toEqual([0, 1, 0, 0, 1]);
    expect(unflatten(discrete(3, 5), Float32Array.of(0, 0, 1))).toBe(7);
    expect(() => unflatten(discrete(3), Float32Array.of(0, 0, 0))).toThrow(/one-hot/);
    expect(() => unflatten(discrete(3), Float32Array.of(0, 1))).toThrow(/needs 3 numbers/);
  });

  it('samples half-bounded and unbounded box elements from the right side', () => {
    const s = box([0, -Infinity, -Infinity], [Infinity, 0, Infinity]);
    const rng = new Rng(3);
    let normalSum = 0;
    for (let i = 0; i < 2000; i++) {
      const x = sample(s, rng) as Float32Array;
      expect(x[0]).toBeGreaterThanOrEqual(0);
      expect(x[1]).toBeLessThanOrEqual(0);
      normalSum += x[2];
    }
    expect(Math.abs(normalSum / 2000)).toBeLessThan(0.1);
  });

  it('uniform box samples cover the range', () => {
    const rng = new Rng(1);
    const s = box(-2, 2, { shape: [1] });
    const xs = Array.from({ length: 4000 }, () => (sample(s, rng) as Float32Array)[0]);
    expect(Math.min(...xs)).toBeLessThan(-1.95);
    expect(Math.max(...xs)).toBeGreaterThan(1.95);
  });

  it('rejects masks on spaces that do not support them and masks of the wrong size', () => {
    expect(() => sample(box(0, 1, { shape: [1] }), new Rng(0), new Uint8Array(1))).toThrow(/masks are supported/);
    expect(() => sample(discrete(3), new Rng(0), new Uint8Array(2))).toThrow(/mask must have 3/);
  });

  it('describes spaces like Gymnasium', () => {
    expect(describeSpace(box(-2, 2, { shape: [1] }))).toBe('Box(-2, 2, [1], float32)');
    expect(describeSpace(discrete(2))).toBe('Discrete(2)');
    expect(describeSpace(discrete(3, -1))).toBe('Discrete(3, start=-1)');
    expect(describeSpace(multiDiscrete([3, 3]))).toBe('MultiDiscrete([3, 3])');
    expect(describeSpace(dict({ a: multiBinary(4) }))).toBe('Dict(a: MultiBinary(4))');
    expect(describeSpace(box([0, 1], [1, 2]))).toBe('Box([0, 1], [1, 2], [2], float32)');
    expect(describeSpace(box([-4.8, -Infinity], [4.8, Infinity]))).toBe('Box([-4.8, -inf], [4.8, inf], [2], float32)');
    expect(describeSpace(box([-0.41887903], [0.41887903]))).toBe('Box(-0.4189, 0.4189, [1], float32)');
  });
});

describe('spaces: validation of definitions', () => {
  it.each([
    ['low > high', () => box(1, 0, { shape: [1] }), /low\[0\] = 1 > high\[0\] = 0/],
    ['NaN bound', () => box(Number.NaN, 1, { shape: [1] }), /NaN/],
    ['bad shape', () => box(0, 1, { shape: [0] }), /positive integers/],
    ['length mismatch', () => box([0, 0], [1, 1, 1]), /has 3 elements but the shape has 2/],
    ['scalar without shape', () => box(0, 1), /explicit shape/],
    ['uint8 outside 0..255', () => box(0, 300, { shape: [1], dtype: 'uint8' }), /\[0, 255\]/],
    ['discrete n = 0', () => discrete(0), /positive integer/],
    ['discrete fractional start', () => discrete(2, 0.5), /start must be an integer/],
    ['multiDiscrete zero', () => multiDiscrete([2, 0]), /≥ 1/],
    ['empty tuple', () => tuple([]), /non-empty/],
    ['empty dict', () => dict({}), /at least one/],
  ])('%s throws a ConfigError', (_name, build, message) => {
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });

  it('names the path of a bad nested space and rejects unknown kinds', () => {
    const bad = { kind: 'tuple', spaces: [{ kind: 'discrete', n: 2, start: 0 }, { kind: 'discrete', n: -1, start: 0 }] };
    expect(() => validateSpace(bad)).toThrow(/space\[1\] \(discrete\): n must be a positive integer/);
    expect(() => validateSpace({ kind: 'graph' })).toThrow(/unknown space kind "graph"/);
    expect(() => validateSpace(null)).toThrow(/expected a space object/);
  });
});
