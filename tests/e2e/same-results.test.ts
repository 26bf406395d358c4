/**
 * Same code, same results: for the same env, algorithm, config and seed, the first 20 metrics rows
 * of a browser run equal those of `dojo train` (timing fields aside). The CLI runs as a child process,
 * exactly as a user would run it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { metricsLine, withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { E2E, sharedBrowser, dojo, openSandbox, setUp } from './browser.ts';

const ROWS = 20;

/** `dojo train` rows, as metrics.jsonl holds them. */
function dojoTrain(envId: string, algo: string, configFile: string, flags: readonly string[]): Metrics[] {
  const out = mkdtempSync(join(tmpdir(), 'dojo-e2e-'));
  try {
    execFileSync(process.execPath, ['bin/dojo.js', 'train', '--env', envId, '--algo', algo, '--config', configFile, '--quiet', '--out', out, ...flags], { stdio: 'pipe' });
    return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Metrics);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** A row as comparable JSON: no timing keys, non-finite numbers as null (as metrics.jsonl writes them). */
function comparable(rows: readonly Metrics[]): unknown[] {
  return rows.map((r) => JSON.parse(metricsLine(withoutTiming(r))));
}

/** The keys of rows whose values differ by more than `tolerance` relative (timing fields aside), as "row i key: a ≠ b". */
function mismatches(a: readonly Metrics[], b: readonly Metrics[], tolerance: number): string[] {
  const out: string[] = [];
  const [ra, rb] = [comparable(a), comparable(b)] as Record<string, number | null>[][];
  if (ra.length !== rb.length) return [`${ra.length} rows ≠ ${rb.length} rows`];
  ra.forEach((row, i) => {
    for (const key of new Set([...Object.keys(row), ...Object.keys(rb[i])])) {
      const x = row[key], y = rb[i][key];
      const same = x === y || (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)));
      if (!same) out.push(`row ${i} ${key}: ${x} ≠ ${y}`);
    }
  });
  return out;
}

describe.skipIf(!E2E)('browser and dojo train agree', () => {
  const browser = sharedBrowser();

  const cases: { envId: string; algo: string; config: string; seed: number; totalTimesteps: number; rows?: number; workers?: number; fields?: Record<string, string>; tolerance?: number }[] = [
    // PPO: an async generator; 8 envs × 32 steps per iteration
    { envId: 'CartPole-v1', algo: 'ppo', config: 'agents/configs/ppo-CartPole-v1.json', seed: 3, totalTimesteps: 8 * 32 * ROWS },
    // A2C: a sync generator; 8 envs × 5 steps per iteration
    { envId: 'CartPole-v1', algo: 'a2c', config: 'agents/configs/a2c-CartPole-v1.json', seed: 7, totalTimesteps: 8 * 5 * ROWS },
    // PPO on 2 env workers with observation normalisation: both sides pipeline the rollout (each worker's copies
    // step while the other's actions are chosen), so the statistics take in the observations in the same order
    // (a lockstep page differs from 1e-5 on). The walker's physics itself differs in the last bits between
    // Chromium's V8 and Node's (1e-13 relative after 256 steps, in-process too), hence a relative tolerance.
    { envId: 'AmpFootWalker-v0', algo: 'ppo', config: 'agents/configs/ppo-AmpFootWalker-v0.json', seed: 5, totalTimesteps: 4 * 64 * 4, rows: 4, workers: 2, fields: { numEnvs: '4', numSteps: '64', numMinibatches: '4', updateEpochs: '2' }, tolerance: 1e-9 },
  ];

  for (const c of cases) {
    const rows = c.rows ?? ROWS;
    it(`${c.algo} on ${c.envId}${c.workers !== undefined ? ` with ${c.workers} env workers` : ''}: the first ${rows} rows match`, async () => {
      const fields = c.fields ?? {};
      const flags = Object.entries(fields).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`, v]);
      const cli = dojoTrain(c.envId, c.algo, c.config, ['--seed', String(c.seed), '--total-timesteps', String(c.totalTimesteps), ...flags, ...(c.workers !== undefined ? ['--workers', String(c.workers)] : [])]);
      expect(cli.length).toBeGreaterThanOrEqual(rows);

      const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
      await setUp(page, c.envId, c.algo, { seed: String(c.seed), totalTimesteps: String(c.totalTimesteps), ...fields }, 'turbo');
      if (c.workers !== undefined) await page.selectOption('#workers-select', String(c.workers));
      await page.click('#start-btn');
      await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= n, rows, { timeout: 90_000, polling: 250 });
      await page.click('#pause-btn', { timeout: 1000 }).catch(() => undefined); // the run may have finished already
      const browserRows = (await dojo(page, (d) => d.rows())).slice(0, rows);
      if (c.tolerance === undefined) expect(comparable(browserRows)).toEqual(comparable(cli.slice(0, rows)));
      else expect(mismatches(browserRows, cli.slice(0, rows), c.tolerance)).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
