/**
 * `describe` formats values from strangers (checkpoint configs, config files, env kwargs) for error
 * messages: a value nested 100,000 deep or a megabyte long must give a short message, not a
 * RangeError or a megabyte of text (issue 24, items 3 and 5).
 */
import { describe as group, expect, it } from 'vitest';
import { describe } from '../../src/core/errors.ts';

function nested(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

group('describe', () => {
  it('keeps short values exact', () => {
    expect(describe(1.5)).toBe('1.5');
    expect(describe('abc')).toBe('"abc"');
    expect(describe([1, [2, [3]]])).toBe('[1, [2, [3]]]');
    expect(describe(Float32Array.of(1, 2))).toBe('Float32Array[1, 2]');
    expect(describe({ a: 1 })).toBe('{"a":1}');
    expect(describe(new Array(10).fill(0))).toBe('[0, 0, 0, 0, 0, 0, 0, 0, … (10 items)]');
  });

  it('an array nested 100,000 deep', () => {
    expect(describe(nested(100_000))).toBe('[[[[[…]]]]]');
  });

  it('an object nested 100,000 deep', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = { k: v };
    expect(describe(v)).toBe('[object Object]');
  });

  it('long strings and objects are cut', () => {
    expect(describe('x'.repeat(1_000_000)).length).toBeLessThan(260);
    expect(describe({ s: 'x'.repeat(1_000_000) }).length).toBeLessThan(260);
  });
});
