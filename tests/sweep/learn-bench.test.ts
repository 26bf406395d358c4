/**
 * bench:learn's seeds through the sweep machinery (bench/learn.ts runSeedsInSweep): two seeds as a
 * local sweep of `dojo train` children score exactly what the in-process path scores (training is
 * deterministic), and the last-20 column read from metrics rows weighs each iteration's episodes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastTwentyFromMetrics, runSeed, runSeedsInSweep } from '../../bench/learn.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-learn-bench-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('bench:learn through the sweep machinery', () => {
  it('trains the seeds as sweep trials and scores them as the in-process path does', async () => {
    // the PPO CartPole preset (8 envs × 32 steps) for 2 iterations
    const row = { algo: 'ppo', env: 'CartPole-v1', target: 475, steps: 512 };
    const save = path.join(tmp, 'saved');
    const swept = await runSeedsInSweep(row, [1, 2], 2, save);
    expect(swept.map((r) => r.seed)).toEqual([1, 2]);
    expect(fs.readdirSync(save).sort()).toEqual(['ppo-CartPole-v1.seed1.safetensors', 'ppo-CartPole-v1.seed2.safetensors']);
    const direct = await runSeed(row, 1);
    expect(swept[0].evalMean).toBe(direct.evalMean);
    expect(swept[0].evalStd).toBe(direct.evalStd);
    expect(swept[1].evalMean).not.toBe(swept[0].evalMean);
    for (const r of swept) {
      expect(r.wallS).toBeGreaterThan(0);
      expect(r.solvedStep).toBeNull(); // 512 steps are far from 475
    }
  }, 120_000);

  it('reads the last-20 threshold from the metrics rows, weighting each iteration by its episodes', () => {
    const file = path.join(tmp, 'metrics.jsonl');
    const rows = [
      { global_step: 100, 'charts/SPS': 50, 'charts/episodes': 15, 'charts/episodic_return': 10 },
      { global_step: 200, 'charts/SPS': 50, 'charts/episodes': 0 },
      // 15 × 10 + 10 × 40 over 25 episodes = 22: below 25
      { global_step: 300, 'charts/SPS': 50, 'charts/episodes': 10, 'charts/episodic_return': 40 },
      // both earlier iterations leave the window (the last alone holds 20 episodes): 30
      { global_step: 400, 'charts/SPS': 80, 'charts/episodes': 20, 'charts/episodic_return': 30 },
    ];
    fs.writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    expect(lastTwentyFromMetrics(file, 25)).toEqual({ solvedStep: 400, solvedS: 5 });
    expect(lastTwentyFromMetrics(file, 22)).toEqual({ solvedStep: 300, solvedS: 6 });
    expect(lastTwentyFromMetrics(file, 40)).toEqual({ solvedStep: null, solvedS: null });
  });
});
