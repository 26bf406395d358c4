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

describe.skipIf(!E2E)('browser and dojo train agree', () => {
  const browser = sharedBrowser();

  const cases = [
    // PPO: an async generator; 8 envs × 32 steps per iteration
    { envId: 'CartPole-v1', algo: 'ppo', config: 'agents/configs/ppo-CartPole-v1.json', seed: 3, totalTimesteps: 8 * 32 * ROWS },
    // A2C: a sync generator; 8 envs × 5 steps per iteration
    { envId: 'CartPole-v1', algo: 'a2c', config: 'agents/configs/a2c-CartPole-v1.json', seed: 7, totalTimesteps: 8 * 5 * ROWS },
  ];

  for (const c of cases) {
    it(`${c.algo} on ${c.envId}: the first ${ROWS} rows match`, async () => {
      const cli = dojoTrain(c.envId, c.algo, c.config, ['--seed', String(c.seed), '--total-timesteps', String(c.totalTimesteps)]);
      expect(cli.length).toBeGreaterThanOrEqual(ROWS);

      const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
      await setUp(page, c.envId, c.algo, { seed: String(c.seed), totalTimesteps: String(c.totalTimesteps) }, 'turbo');
      await page.click('#start-btn');
      await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= n, ROWS, { timeout: 90_000, polling: 250 });
      await page.click('#pause-btn', { timeout: 1000 }).catch(() => undefined); // the run may have finished already
      const browserRows = (await dojo(page, (d) => d.rows())).slice(0, ROWS);
      expect(comparable(browserRows)).toEqual(comparable(cli.slice(0, ROWS)));
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});
