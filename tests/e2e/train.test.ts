/**
 * CartPole + PPO in the browser: Start makes the return curve rise past 400 within two minutes of
 * browser training (the tuned config of agents/configs), the canvas shows the cart moving, and Pause
 * stops the metrics while Resume continues them. Save downloads a checkpoint that `dojo eval` reads.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E, sharedBrowser, dojo, openSandbox, setUp } from './browser.ts';

async function rowCount(page: Page): Promise<number> {
  return dojo(page, (d) => d.rows().length);
}

describe.skipIf(!E2E)('training CartPole with PPO', () => {
  const browser = sharedBrowser();

  it('learns past 400 within 2 minutes, draws the cart moving, and pauses and resumes', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    // A budget well past what 400 takes (~55k steps, ~220 iterations of 256), so the run is still live when the test pauses it: with
    // 100k, a slow machine finished the run between the return check and the click, and Pause was disabled.
    await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '300000' }, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => ((window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 2));

    // the view plays the learning policy: consecutive canvas screenshots differ
    const canvas = page.locator('#view canvas');
    const shots: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      shots.push(await canvas.screenshot());
      await page.waitForTimeout(400);
    }
    expect(shots[0].equals(shots[1]) && shots[1].equals(shots[2])).toBe(false);
    const x0 = (await dojo(page, (d) => d.lastScene()))?.shapes.find((s) => s.id === 'cart')?.x;
    await page.waitForTimeout(600);
    const x1 = (await dojo(page, (d) => d.lastScene()))?.shapes.find((s) => s.id === 'cart')?.x;
    expect(x0).not.toBe(x1);

    // full speed until the return curve (the chart's mean of the last 10 episode returns) passes 400
    await page.check('input[name="speed"][value="turbo"]');
    const t0 = Date.now();
    await page.waitForFunction(
      () => {
        const rows = (window as unknown as { dojo: { rows(): Array<Record<string, number>> } }).dojo.rows();
        const recent: number[] = [];
        for (const r of rows) {
          const v = r['charts/episodic_return'];
          if (v === undefined) continue;
          recent.push(v);
          if (recent.length > 10) recent.shift();
          if (recent.length === 10 && recent.reduce((a, b) => a + b, 0) / 10 > 400) return true;
        }
        return false;
      },
      null,
      { timeout: 120_000, polling: 1000 },
    );
    const seconds = (Date.now() - t0) / 1000;
    expect(seconds).toBeLessThan(120);
    expect(await page.locator('[data-chart="return"] canvas').count()).toBeGreaterThan(0);

    // pause: the in-flight iteration lands, then no more rows
    await page.click('#pause-btn');
    await page.waitForTimeout(1000);
    const paused = await rowCount(page);
    await page.waitForTimeout(2000);
    expect(await rowCount(page)).toBe(paused);
    expect(await page.textContent('#start-btn')).toBe('Resume');
    // resume continues the same run
    await page.click('#start-btn');
    await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length > n + 2, paused, { timeout: 30_000 });
    const rows = await dojo(page, (d) => d.rows());
    for (let i = 1; i < rows.length; i++) expect(rows[i].global_step).toBeGreaterThan(rows[i - 1].global_step);
    await page.click('#pause-btn');

    // Save downloads a .safetensors that dojo eval reads (same format as dojo train's)
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-btn')]);
    expect(download.suggestedFilename()).toMatch(/^CartPole-v1\.ppo\.step-\d+\.safetensors$/);
    const dir = mkdtempSync(join(tmpdir(), 'dojo-e2e-'));
    try {
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const evaluation = JSON.parse(execFileSync(process.execPath, ['bin/dojo.js', 'eval', '--checkpoint', file, '--episodes', '3', '--json'], { encoding: 'utf8' })) as { env: string; algo: string; mean_return: number };
      expect(evaluation.env).toBe('CartPole-v1');
      expect(evaluation.algo).toBe('ppo');
      expect(evaluation.mean_return).toBeGreaterThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(errors).toEqual([]);
    console.log(`CartPole PPO passed 400 after ${seconds.toFixed(1)} s of turbo training (${rows.length} iterations seen)`);
    await page.context().close();
  });
});
