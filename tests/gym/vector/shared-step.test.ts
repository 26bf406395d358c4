import { describe, expect, it } from 'vitest';
import {
  allocateSharedStep,
  collectStepInfos,
  decodeStepInfos,
  encodeStepInfos,
  isEmptyInfo,
  sharedMemoryAvailable,
  sharedStepViews,
  type StepInfos,
} from '../../../src/gym/vector/shared-step.ts';

const room = (): Uint8Array => new Uint8Array(new SharedArrayBuffer(4096));

describe('shared step channel', () => {
  it('is available in Node', () => {
    expect(sharedMemoryAvailable()).toBe(true);
  });

  it('lays out aligned, non-overlapping views for any sizes', () => {
    for (const dims of [
      { count: 1, obsDim: 1, actionDim: 1, maskDim: 0 },
      { count: 3, obsDim: 5, actionDim: 3, maskDim: 7 },
      { count: 8, obsDim: 84 * 84, actionDim: 1, maskDim: 4 },
    ]) {
      const buffer = allocateSharedStep(dims);
      const v = sharedStepViews(buffer, dims);
      const regions = [v.ctrl, v.actions, v.rewards, v.obs, v.finalObs, v.terminated, v.truncated, v.masks, v.infoText].map((a) => [a.byteOffset, a.byteOffset + a.byteLength] as const);
      for (let k = 1; k < regions.length; k++) expect(regions[k][0]).toBe(regions[k - 1][1]);
      expect(regions.at(-1)?.[1]).toBe(buffer.byteLength);
      expect([v.actions.length, v.obs.length, v.masks.length]).toEqual([dims.count * dims.actionDim, dims.count * dims.obsDim, dims.count * dims.maskDim]);
    }
  });

  it('sends nothing for empty infos, and only the non-empty ones otherwise', () => {
    expect(isEmptyInfo({})).toBe(true);
    expect(isEmptyInfo(Object.create(null) as Record<string, unknown>)).toBe(true);
    expect(isEmptyInfo({ a: undefined })).toBe(false);
    expect(isEmptyInfo(new Map() as unknown as Record<string, unknown>)).toBe(false);
    expect(collectStepInfos([{}, {}, {}], [null, {}, null])).toBeNull();
    expect(collectStepInfos([{}, { score: 2 }, {}], [{ lives: 0 }, null, {}])).toEqual({ infos: [[1, { score: 2 }]], finalInfos: [[0, { lives: 0 }]] });
  });

  it('round-trips JSON-exact infos through shared memory', () => {
    const infos: StepInfos = {
      infos: [
        [0, { score: 3, name: 'ünïcode ✓', nested: { list: [1, 2.5e-300, null, false], empty: {} } }],
        [2, { seat: 1, opponentActions: [4, 7] }],
      ],
      finalInfos: [[2, { episode: { r: -1.25, l: 9, t: 0.001 } }]],
    };
    const text = room();
    const bytes = encodeStepInfos(infos, text);
    expect(bytes).toBeGreaterThan(0);
    expect(decodeStepInfos(text, bytes)).toEqual(infos);
  });

  it('refuses (-1: send by message) what JSON would change, and what does not fit', () => {
    // `s` keeps each info off the number table (strings are not numbers), so JSON has to judge it.
    const refuse = (info: Record<string, unknown>): number => encodeStepInfos({ infos: [[0, { s: '', ...info }]], finalInfos: [] }, room());
    expect(refuse({ v: new Float32Array(2) })).toBe(-1);
    expect(refuse({ v: NaN })).toBe(-1);
    expect(refuse({ v: Infinity })).toBe(-1);
    expect(refuse({ v: -0 })).toBe(-1);
    expect(refuse({ v: undefined })).toBe(-1);
    expect(refuse({ v: [1, , 3] })).toBe(-1);
    expect(refuse({ v: new Date(0) })).toBe(-1);
    expect(refuse({ v: new Map() })).toBe(-1);
    expect(refuse({ v: 1n })).toBe(-1);
    expect(refuse({ toJSON: 1 })).toBe(-1);
    expect(refuse({ text: 'x'.repeat(5000) })).toBe(-1);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refuse(cyclic)).toBe(-1);
    expect(refuse({ v: 0, ok: [0.1, 'a'] })).toBeGreaterThan(0);
  });

  it('sends flat number records with shared keys as a number table, exactly (NaN, ±Infinity, -0, null included)', () => {
    const walker = (x: number): Record<string, number | null> => ({ distance: x, pushOffWork: 0.1 * x, motorEnergy: 1 / 3, costOfTransport: x > 1 ? 0.5 : null });
    const infos: StepInfos = {
      infos: [[0, walker(0.25)], [3, walker(7)], [5, { distance: NaN, pushOffWork: -0, motorEnergy: Infinity, costOfTransport: -Infinity }]],
      finalInfos: [[3, walker(36.5)]],
    };
    const text = room();
    const bytes = encodeStepInfos(infos, text);
    expect(text[0]).toBe(1); // the table, not JSON ('{')
    const back = decodeStepInfos(text, bytes);
    expect(back).toEqual(infos);
    expect(Object.is(back.infos[2][1].pushOffWork, -0)).toBe(true);
    expect(Object.keys(back.infos[0][1])).toEqual(['distance', 'pushOffWork', 'motorEnergy', 'costOfTransport']);
    // The next step reuses the cached keys on both sides; a new key order is a new table.
    const next: StepInfos = { infos: [[1, walker(2)]], finalInfos: [] };
    expect(decodeStepInfos(text, encodeStepInfos(next, text))).toEqual(next);
    const swapped: StepInfos = { infos: [[1, { motorEnergy: 2, distance: 1 }]], finalInfos: [] };
    const again = decodeStepInfos(text, encodeStepInfos(swapped, text));
    expect(again).toEqual(swapped);
    expect(Object.keys(again.infos[0][1])).toEqual(['motorEnergy', 'distance']);
  });

  it('keeps JSON for infos that are not one shape of number records', () => {
    const text = room();
    encodeStepInfos({ infos: [[0, { a: 1, b: 2 }]], finalInfos: [] }, text); // a table: keys [a, b] cached
    expect(text[0]).toBe(1);
    for (const infos of [
      { infos: [[0, { a: 1, b: 2 }], [1, { a: 1, b: 2, c: 3 }]], finalInfos: [] }, // the cached keys, then more
      { infos: [[0, { a: 1, b: 2 }], [1, { a: 1 }]], finalInfos: [] }, // the cached keys, then fewer
      { infos: [[0, { a: 1 }], [1, { a: 1, b: 2 }]], finalInfos: [] }, // a prefix of the cached keys first
      { infos: [[0, { a: 1 }], [1, { b: 1 }]], finalInfos: [] }, // different keys
      { infos: [[0, { a: 1, b: 2 }], [1, { b: 2, a: 1 }]], finalInfos: [] }, // different order
      { infos: [[0, { a: 1 }]], finalInfos: [[0, { a: 1, episode: { r: 1 } }]] }, // nested
      { infos: [[0, { a: true }]], finalInfos: [] }, // not a number
    ] as StepInfos[]) {
      const bytes = encodeStepInfos(infos, text);
      expect(text[0], JSON.stringify(infos)).toBe('{'.charCodeAt(0));
      expect(decodeStepInfos(text, bytes)).toEqual(infos);
    }
    const own = JSON.parse('{"__proto__": 1}') as Record<string, number>;
    const bytes = encodeStepInfos({ infos: [[0, own]], finalInfos: [] }, text);
    expect(text[0]).toBe('{'.charCodeAt(0));
    expect(Object.hasOwn(decodeStepInfos(text, bytes).infos[0][1], '__proto__')).toBe(true);
  });

  it('falls back to JSON, then to a message, when a table does not fit', () => {
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const text = new Uint8Array(2048); // 300 numbers take 2,400 bytes as a table, ~2,900 as JSON
    expect(encodeStepInfos({ infos: [[0, wide]], finalInfos: [] }, text)).toBe(-1);
    const small = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 1]));
    const bytes = encodeStepInfos({ infos: [[0, small]], finalInfos: [] }, text); // 1,800 + keys > 2,048: JSON (~1,600) fits
    expect(text[0]).toBe('{'.charCodeAt(0));
    expect(decodeStepInfos(text, bytes).infos[0][1]).toEqual(small);
  });
});
