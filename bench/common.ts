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
