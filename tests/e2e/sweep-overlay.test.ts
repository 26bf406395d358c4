/**
 * A sweep's report on the return chart (issue 25, src/web/panels/sweep-overlay.ts): "Open sweep
 * report…" in the run list reads a report.json written by the sweep's own writer (sweep-results.ts
 * writeReport, here over a few evaluations in a temporary folder) and adds one legend entry per config
 * point with an eval curve, while the current run keeps training; a point can be ticked off, the sweep
 * removed, and a wrong file is refused with a message naming the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pointCurve, writeReport, type TrialResult } from '../../src/cli/sweep-results.ts';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { E2E, dojo, openSandbox, setUp, sharedBrowser } from './browser.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-e2e-sweep-overlay-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A report.json of a 3-point sweep named `lr` in which point 2 has no evaluation yet. */
function writeSweepReport(): string {
  const plan = planSweep(parseSweepSpec({ name: 'lr', env: 'CartPole-v1', algo: 'ppo', base: 'defaults', seeds: [1], search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4, 1e-4] } } }), dir);
  const evals = (trial: string, rows: [number, number][]): void => {
    fs.mkdirSync(path.join(dir, trial), { recursive: true });
    fs.writeFileSync(path.join(dir, trial, 'evaluations.jsonl'), rows.map(([s, r]) => `${JSON.stringify({ global_step: s, checkpoint: `${trial}/x`, mean_return: r, std_return: 0, mean_length: r, best: false })}\n`).join(''));
  };
  evals('c0-s1', [[500, 20], [1000, 60]]);
  evals('c1-s1', [[500, 30], [1000, 120]]);
  const done = (trial: string, point: number, objective: number): TrialResult => ({ trial, point, seed: 1, params: {}, status: 'done', objective, final_eval: objective, eval_auc: null, steps: 1000, wall_s: 1 });
  writeReport(plan, dir, new Map([done('c0-s1', 0, 60), done('c1-s1', 1, 120)].map((r) => [r.trial, r])), 'npx dojo sweep spec.json');
  expect(pointCurve(plan, dir, 1).mean).toEqual([30, 120]);
  return path.join(dir, 'report.json');
}

/** The labels of the return chart's legend. */
function legend(page: Page): Promise<string[]> {
  return page.$$eval('[data-chart="return"] .u-legend .u-series .u-label', (ls) => ls.map((l) => l.textContent ?? ''));
}

describe.skipIf(!E2E)('a sweep report on the return chart', () => {
  const browser = sharedBrowser();

  it('overlays each config point\'s eval curve without disturbing the current run, and can hide and remove them', async () => {
    const file = writeSweepReport();
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'CartPole-v1', 'ppo', {}, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 1, null, { timeout: 90_000 });

    await page.setInputFiles('#sweep-input', file);
    const c1 = 'sweep lr c1 learningRate=0.0003 (eval)', c0 = 'sweep lr c0 learningRate=0.001 (eval)';
    await page.waitForFunction((label) => [...document.querySelectorAll('[data-chart="return"] .u-legend .u-label')].some((l) => l.textContent === label), c1, { timeout: 10_000 });
    const labels = await legend(page);
    expect(labels).toContain(c0);
    expect(labels.filter((l) => l.startsWith('sweep '))).toEqual([c1, c0]); // best first; c2 has no curve
    expect(labels).toContain('mean of last 10');
    expect(await page.textContent('#sweep-list li[data-sweep="lr"] [data-point="2"]')).toContain('no evaluations');

    // the current run goes on training
    const before = (await dojo(page, (d) => d.rows())).length;
    expect(await dojo(page, (d) => d.state().running)).toBe(true);
    await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length > n, before, { timeout: 90_000 });

    // tick a point off, then remove the sweep
    await page.uncheck('#sweep-list li[data-sweep="lr"] [data-point="0"] input');
    await page.waitForFunction((label) => ![...document.querySelectorAll('[data-chart="return"] .u-legend .u-label')].some((l) => l.textContent === label), c0);
    expect((await legend(page)).filter((l) => l.startsWith('sweep '))).toEqual([c1]);
    await page.click('#sweep-list li[data-sweep="lr"] button:has-text("Remove")');
    await page.waitForFunction(() => ![...document.querySelectorAll('[data-chart="return"] .u-legend .u-label')].some((l) => l.textContent?.startsWith('sweep ') === true));
    expect(await page.locator('#sweep-list li').count()).toBe(0);

    // a wrong file is refused, naming the field
    const bad = JSON.parse(fs.readFileSync(file, 'utf8')) as { points: Array<Record<string, unknown>> };
    bad.points[0].curve = 'none';
    await page.setInputFiles('#sweep-input', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error-text')).toMatch(/^bad\.json: not a valid sweep report .*points\.0\.curve: Invalid input: expected array, received string/);
    expect(await page.locator('#sweep-list li').count()).toBe(0);
    await page.click('#pause-btn');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
