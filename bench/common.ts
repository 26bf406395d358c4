/**
 * Shared bench plumbing: a timer that reports medians. The commit and machine every result is printed
 * with come from src/cli/provenance.ts.
 */

/**
 * Median wall time in ms of one call of `fn`. Warms up for `warmupMs` (so the JIT has compiled the hot
 * paths: a fixed three calls left mlp_ppo_b64 at twice its steady time), then takes samples of `reps`
 * back-to-back calls, with `reps` chosen so a sample lasts at least `minSampleMs` (a lone 5 µs call is
 * mostly timer noise), until `budgetMs` is spent; returns the median sample divided by `reps`.
 * bench/torch_nn.py times the same way. `once` times a single cold call (for minutes-long workloads).
 */
export async function medianMs(
  fn: () => void | Promise<void>,
  opts: { warmupMs?: number; minSamples?: number; maxSamples?: number; budgetMs?: number; minSampleMs?: number; once?: boolean } = {},
): Promise<number> {
  const { warmupMs = 500, minSamples = 5, maxSamples = 200, budgetMs = 2000, minSampleMs = 2, once = false } = opts;
  if (once) {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  }
  let calls = 0;
  const warmStart = performance.now();
  while (calls < 3 || performance.now() - warmStart < warmupMs) {
    await fn();
    calls++;
  }
  const perCall = (performance.now() - warmStart) / calls;
  const reps = Math.max(1, Math.ceil(minSampleMs / perCall));
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxSamples && (times.length < minSamples || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Calls per sample so one sample of `fn` lasts at least `minSampleMs`, after warming `fn` up for `warmupMs`. */
async function calibrate(fn: () => void | Promise<void>, warmupMs: number, minSampleMs: number): Promise<number> {
  let calls = 0;
  const start = performance.now();
  while (calls < 3 || performance.now() - start < warmupMs) {
    await fn();
    calls++;
  }
  return Math.max(1, Math.ceil(minSampleMs / ((performance.now() - start) / calls)));
}

/** Median ms per call of samples of `reps` back-to-back calls taken for `budgetMs` (at least one sample). */
async function roundMs(fn: () => void | Promise<void>, reps: number, budgetMs: number): Promise<number> {
  const times: number[] = [];
  const start = performance.now();
  do {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    times.push((performance.now() - t0) / reps);
  } while (performance.now() - start < budgetMs);
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

/** Per-round ms per call of ours and of a peer timed alternately, and the peer/ours ratio of each round. */
export interface Interleaved {
  readonly ours: number[];
  readonly peer: number[];
  /** peer ms / ours ms, round by round: how many times faster ours is. */
  readonly ratios: number[];
}

/**
 * Times `ours` and `peer` alternately in `rounds` rounds within this process, each round `roundBudgetMs`
 * per function (samples as in `medianMs`), the order flipping every round, so both meet the same machine
 * load: timing one after the other let a busy machine swing the published ratio of mlp_ppo_b64 between
 * 4.2× and 38.8×. Both are warmed up first for `warmupMs`.
 */
export async function interleavedMs(
  ours: () => void | Promise<void>,
  peer: () => void | Promise<void>,
  opts: { rounds?: number; roundBudgetMs?: number; warmupMs?: number; minSampleMs?: number } = {},
): Promise<Interleaved> {
  const { rounds = 8, roundBudgetMs = 250, warmupMs = 500, minSampleMs = 2 } = opts;
  const oursReps = await calibrate(ours, warmupMs, minSampleMs);
  const peerReps = await calibrate(peer, warmupMs, minSampleMs);
  const o: number[] = [], p: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      o.push(await roundMs(ours, oursReps, roundBudgetMs));
      p.push(await roundMs(peer, peerReps, roundBudgetMs));
    } else {
      p.push(await roundMs(peer, peerReps, roundBudgetMs));
      o.push(await roundMs(ours, oursReps, roundBudgetMs));
    }
  }
  return { ours: o, peer: p, ratios: p.map((t, i) => t / o[i]) };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
