/**
 * The interleaved timer of bench:nn: ours and the peer alternate round by round (the order flipping), so
 * both meet the same machine load, and each round gives one ratio.
 */
import { describe, it, expect } from 'vitest';
import { interleavedMs, median } from '../../bench/common.ts';

/** Busy-waits `ms` milliseconds (a call of known cost). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('interleavedMs', () => {
  it('alternates ours and the peer in rounds, flipping the order, and gives one peer/ours ratio per round', async () => {
    const order: string[] = [];
    let last = '';
    const note = (who: string): void => {
      if (who !== last) order.push(who);
      last = who;
    };
    const r = await interleavedMs(() => (note('ours'), spin(0.2)), () => (note('peer'), spin(0.6)), { rounds: 4, roundBudgetMs: 5, warmupMs: 5, minSampleMs: 1 });
    // warm-ups (ours, peer), then rounds ours peer | peer ours | ours peer | peer ours; runs of one name merge
    expect(order).toEqual(['ours', 'peer', 'ours', 'peer', 'ours', 'peer', 'ours']);
    expect(r.ours.length).toBe(4);
    expect(r.ratios).toEqual(r.peer.map((p, i) => p / r.ours[i]));
    expect(median(r.ratios)).toBeGreaterThan(2);
  });

  it('takes the median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
