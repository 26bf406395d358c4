/**
 * The replay buffer: transitions come back as they went in (float and byte storage, one by one or a vector
 * step at a time), the ring overwrites
 * the oldest, byte storage refuses what it cannot hold exactly, and prioritized sampling follows priorities.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { ReplayBuffer } from '../../agents/common/replay-buffer.ts';

describe('ReplayBuffer', () => {
  it.each(['float32', 'uint8'] as const)('returns the stored transitions (%s observations)', (obsType) => {
    const rb = new ReplayBuffer(4, 3, 1, { obsType });
    expect(rb.obs).toBeInstanceOf(obsType === 'uint8' ? Uint8Array : Float32Array);
    for (let i = 0; i < 4; i++) rb.add([i, 2 * i, 255], [i % 2], i / 10, [i + 1, 0, 7], i === 3, 0.99);
    const s = rb.sample(64, new Rng(1));
    for (let b = 0; b < 64; b++) {
      const i = s.obs[3 * b];
      expect(Array.from(s.obs.subarray(3 * b, 3 * b + 3))).toEqual([i, 2 * i, 255]);
      expect(Array.from(s.nextObs.subarray(3 * b, 3 * b + 3))).toEqual([i + 1, 0, 7]);
      expect(s.actions[b]).toBe(i % 2);
      expect(s.rewards[b]).toBeCloseTo(i / 10, 6);
      expect(s.terminated[b]).toBe(i === 3 ? 1 : 0);
      expect(s.discounts[b]).toBeCloseTo(0.99, 6);
    }
    expect(new Set(Array.from(s.indices)).size).toBe(4);
  });

  it('stores a vector step copy by copy, a finished copy with its real last observation as next obs', () => {
    const rb = new ReplayBuffer(4, 2, 1);
    const step = {
      obs: Float32Array.of(10, 11, 20, 21), rewards: Float64Array.of(1, 2), terminated: Uint8Array.of(0, 1),
      finalObs: [null, Float32Array.of(98, 99)],
    };
    rb.addStep(Float32Array.of(0, 1, 2, 3), Float32Array.of(5, 6), step, 0.9);
    expect(rb.size).toBe(2);
    expect(Array.from(rb.obs.subarray(0, 4))).toEqual([0, 1, 2, 3]);
    expect(Array.from(rb.nextObs.subarray(0, 4))).toEqual([10, 11, 98, 99]);
    expect(Array.from(rb.actions.subarray(0, 2))).toEqual([5, 6]);
    expect(Array.from(rb.rewards.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(rb.terminated.subarray(0, 2))).toEqual([0, 1]);
    expect(rb.discounts[0]).toBeCloseTo(0.9, 6);
  });

  it('overwrites the oldest transition when full', () => {
    const rb = new ReplayBuffer(2, 1, 1, { obsType: 'uint8' });
    for (let i = 0; i < 5; i++) rb.add([i], [0], 0, [i], false, 1);
    expect(rb.size).toBe(2);
    expect(new Set(Array.from(rb.sample(32, new Rng(2)).obs))).toEqual(new Set([3, 4]));
  });

  it('byte storage refuses values it cannot hold exactly, naming the value and the fix', () => {
    const rb = new ReplayBuffer(2, 2, 1, { obsType: 'uint8' });
    expect(() => rb.add([1, 256], [0], 0, [0, 0], false, 1)).toThrow(/obs\[1\] is 256.*uint8.*obsType 'float32'/);
    expect(() => rb.add([0, 0], [0], 0, [0.5, 0], false, 1)).toThrow(/nextObs\[0\] is 0.5/);
    expect(() => rb.add([Number.NaN, 0], [0], 0, [0, 0], false, 1)).toThrow(/obs\[0\] is NaN/);
    expect(rb.size).toBe(0);
    rb.add(Uint8Array.of(9, 10), [0], 0, Uint8Array.of(11, 12), false, 1);
    expect(Array.from(rb.sample(1, new Rng(3)).nextObs)).toEqual([11, 12]);
  });

  it('prioritized sampling draws high-priority transitions more often', () => {
    const rb = new ReplayBuffer(4, 1, 1, { prioritized: true, alpha: 1 });
    for (let i = 0; i < 4; i++) rb.add([i], [0], 0, [i], false, 1);
    rb.updatePriorities(Int32Array.of(0, 1, 2, 3), [0.1, 0.1, 0.1, 10]);
    const counts = [0, 0, 0, 0];
    const rng = new Rng(4);
    for (let k = 0; k < 100; k++) for (const i of rb.sample(8, rng).indices) counts[i]++;
    expect(counts[3]).toBeGreaterThan(0.9 * 800);
  });
});
