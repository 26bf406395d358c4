/**
 * The newcomer's path in the page, on vite's dev server (`npm start`) over a copy of the repository: an env
 * made by `dojo new-env` is in the picker, trains with PPO, and survives edits of its file while it trains.
 * Saving new code swaps it into the training run (no reload: the run, its rows and its step go on, and the
 * view draws the new scene); saving a changed observation space stops the run and says why. The run's last
 * autosave, made for the old spaces, is never loaded into the changed env: going idle restores nothing, and a
 * later visit says the autosave stays in the run list.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { scaffoldEnv } from '../../src/cli/new-env.ts';
import { box, describeSpace } from '../../src/gym/spaces.ts';
import { copyRepo } from '../cli/repo-copy.ts';
import { E2E, dojo, openSandbox, setUp, sharedBrowser } from './browser.ts';
import { serveDev } from './dev-server.ts';

const ID = 'GridTreasure-v0';

describe.skipIf(!E2E)('bring your own env: a scaffolded env trains in the page and takes edits while it trains', () => {
  const browser = sharedBrowser();
  let copy: ReturnType<typeof copyRepo> | null = null;
  let dev: Awaited<ReturnType<typeof serveDev>> | null = null;
  let file = '';

  beforeAll(async () => {
    copy = copyRepo();
    file = join(copy.root, scaffoldEnv('GridTreasure', { root: copy.root }).file);
    dev = await serveDev(copy.root);
  });

  afterAll(async () => {
    await dev?.close();
    copy?.remove();
  });

  /** Replaces each `from` by its `to` in the env file (the text must be there), and saves it once, as an editor does. */
  function edit(...changes: ReadonlyArray<readonly [string, string]>): void {
    let text = readFileSync(file, 'utf8');
    for (const [from, to] of changes) {
      expect(text, `the template no longer contains ${from}`).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(file, text);
  }

  const rowCount = (page: Page): Promise<number> => dojo(page, (d) => d.rows().length);
  const agentFill = (page: Page): Promise<string | null> => dojo(page, (d) => (d.lastScene()?.shapes.find((s) => s.id === 'agent') as { fill?: string } | undefined)?.fill ?? null);

  it('lists the new env under "other", trains it, swaps saved code into the run, pauses on code that does not load, stops with the reason when the spaces change, refreshes the pickers when idle, and keeps the autosave of the old spaces out of the changed env', async () => {
    const { page, errors } = await openSandbox(browser(), (dev as { url: string }).url);
    // the picker: the new id, in the group its registration names
    const group = await page.$eval(`#env-select option[value="${ID}"]`, (o) => (o.parentElement as HTMLOptGroupElement).label);
    expect(group).toBe('Examples and debug');
    await setUp(page, ID, 'ppo', { totalTimesteps: '5000000', numEnvs: '4', numSteps: '64' }, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 3, null, { timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as { dojo: { lastScene(): { shapes: Array<{ id: string }> } | null } }).dojo.lastScene()?.shapes.some((s) => s.id === 'agent') === true);
    expect(await agentFill(page)).toBe('#2563eb');
    await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));

    // 1. new code, same spaces: the run goes on (same page, same run, more rows) and the view draws the new agent
    const before = await rowCount(page);
    edit(["radius: 0.32, fill: '#2563eb'", "radius: 0.32, fill: '#dc2626'"]);
    await page.waitForFunction(() => {
      const s = (window as unknown as { dojo: { lastScene(): { shapes: Array<{ id: string; fill?: string }> } | null } }).dojo.lastScene();
      return s?.shapes.find((x) => x.id === 'agent')?.fill === '#dc2626';
    }, null, { timeout: 60_000 });
    await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= n + 3, before, { timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    const steps = await dojo(page, (d) => d.rows().map((r) => r.global_step as number));
    expect(steps.every((s, i) => i === 0 || s > steps[i - 1]), `global_step must keep rising across the swap: ${steps.join(', ')}`).toBe(true);
    expect(await dojo(page, (d) => d.state().runState)).toBe('live');
    expect(await page.isHidden('#error')).toBe(true);
    expect(errors).toEqual([]);

    // 2. code that does not load pauses the run and says so; fixed, it swaps in and Resume goes on
    const good = readFileSync(file, 'utf8');
    edit(['  close(): void {}', '  close(): void {']);
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error-text')).toMatch(/the edited env code did not load \(the browser console shows why\), so GridTreasure-v0 trains on the code it had; the run is paused and kept: fix the file and save it again, then press Resume/);
    await page.waitForFunction(() => (window as unknown as { dojo: { state(): { running: boolean } } }).dojo.state().running === false);
    expect(await dojo(page, (d) => d.state().runState)).toBe('live');
    // the fixed file swaps in: the view starts a new display on the new code (the failed save left it alone)
    const display = await dojo(page, (d) => d.lastFrame()?.display ?? -1);
    writeFileSync(file, good);
    await page.waitForFunction((n) => ((window as unknown as { dojo: { lastFrame(): { display: number } | null } }).dojo.lastFrame()?.display ?? -1) > n, display, { timeout: 60_000 });
    await page.evaluate(() => (document.getElementById('error-close') as HTMLButtonElement).click());
    const paused = await rowCount(page);
    await page.evaluate(() => (document.getElementById('start-btn') as HTMLButtonElement).click()); // Resume (vite's error overlay may still cover the page)
    await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= n + 2, paused, { timeout: 60_000 });

    // 3. a changed observation space: the run stops, the page says why and offers a fresh start
    edit(
      ['readonly observationSpace: BoxSpace = box(0, 1, { shape: [2] });', 'readonly observationSpace: BoxSpace = box(0, 1, { shape: [3] });'],
      ['return Float32Array.of(this.x / (this.size - 1), this.y / (this.size - 1));', 'return Float32Array.of(this.x / (this.size - 1), this.y / (this.size - 1), 0);'],
    );
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    const message = (await page.textContent('#error-text')) ?? '';
    expect(message).toMatch(/the new code of GridTreasure-v0 changed its observation space from Box\(.*\[2\].*\) to Box\(.*\[3\].*\), which the PPO networks of this run cannot take\. The run stopped at step \d+ and is kept in the run list; press Start for a fresh run on the new code/);
    await page.waitForFunction(() => (window as unknown as { dojo: { state(): { runState: string } } }).dojo.state().runState === 'finished');
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);

    // 4. the pickers learn what changed during the run once the page goes idle (Reset): the new observation space.
    // The URL as a user who kept the default settings has it (a link with settings never restores a checkpoint)
    await page.evaluate((id) => history.replaceState(null, '', `${location.pathname}?env=${id}&algo=ppo`), ID);
    await page.evaluate(() => (document.getElementById('reset-btn') as HTMLButtonElement).click());
    const observation = describeSpace(box(0, 1, { shape: [3] }));
    await page.waitForFunction((text) => document.getElementById('env-doc')?.textContent?.includes(text) === true, observation, { timeout: 60_000 });

    // 5. with no run live, an env registered while the page is open (dojo new-env) is in the picker at once
    scaffoldEnv('LavaPit', { root: (copy as { root: string }).root, category: 'classic' });
    await page.waitForSelector('#env-select option[value="LavaPit-v0"]', { state: 'attached', timeout: 60_000 });
    expect(await page.$eval('#env-select option[value="LavaPit-v0"]', (o) => (o.parentElement as HTMLOptGroupElement).label)).toBe('Classic control');
    expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
    // the two refreshes restored nothing: the last autosave (of the old spaces) was not loaded into the changed env
    expect(await page.isHidden('#error'), `an error after the pickers refreshed: ${await page.textContent('#error-text')}`).toBe(true);
    expect(await dojo(page, (d) => d.state().loaded)).toBe(null);

    // 6. a later visit (no link) restores the last autosave: it has the old spaces, so the page says it stays in the run list, and plays random actions
    await page.goto((dev as { url: string }).url);
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(await page.textContent('#error-text')).toMatch(/^The last autosave, GridTreasure-v0\.ppo\.step-\d+\.safetensors, was not loaded: it does not fit the current code of GridTreasure-v0, whose spaces changed since it was saved \(now observation Box\(.*\[3\].*\), action .+; .+\)\. It stays in the run list with its run and is not loaded into the changed env: nothing is lost\. Random actions; press Start for a fresh run on the new code$/);
    await page.waitForFunction(() => document.getElementById('status-line')?.textContent === 'Random actions. Press Start to train.', null, { timeout: 60_000 });
    const kept = await page.evaluate(() => (window as unknown as { dojo: { runs(): Array<{ envId: string; checkpoint: boolean }> } }).dojo.runs().filter((r) => r.envId === 'GridTreasure-v0' && r.checkpoint).length);
    expect(kept, 'the run of the old spaces, with its checkpoint, in the run list').toBe(1);
    expect(await dojo(page, (d) => d.state().loaded)).toBe(null);
    await page.context().close();
  });
});
