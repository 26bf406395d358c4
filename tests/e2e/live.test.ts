/**
 * The live view and the training loop as people meet them: a run goes on in a hidden tab, the view keeps
 * playing during the walker's 13-second iterations (with progress on the page), no action throws a run
 * away (it moves to the run list, which survives a reload and can overlay, re-open and continue runs),
 * and a played checkpoint shows its network and the spaces its policy sees.
 */
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E, sharedBrowser, dojo, openSandbox, setUp } from './browser.ts';

type RunView = { id: string; envId: string; algo: string; status: string; rows: number; checkpoint: boolean; current: boolean; overlay: boolean };

const rowCount = (page: Page): Promise<number> => dojo(page, (d) => d.rows().length);
const runs = (page: Page): Promise<RunView[]> => page.evaluate('window.dojo.runs()') as Promise<RunView[]>;

/** What a hidden tab does to a page: no animation frames, `document.hidden`, a visibilitychange event. */
async function hideTab(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.requestAnimationFrame = () => 0;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

async function rowsIn(page: Page, ms: number): Promise<number> {
  const before = await rowCount(page);
  await page.waitForTimeout(ms);
  return (await rowCount(page)) - before;
}

describe.skipIf(!E2E)('the live view and the training loop', () => {
  const browser = sharedBrowser();

  it('trains on at full speed in a hidden tab, in fast and in turbo; real time paces one iteration a second', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '2000000' }, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 3);
    const visible = await rowsIn(page, 3000);
    await hideTab(page);
    const hiddenFast = await rowsIn(page, 3000);
    // the page's radio still works from script while hidden
    await page.check('input[name="speed"][value="turbo"]');
    const hiddenTurbo = await rowsIn(page, 3000);
    await page.check('input[name="speed"][value="realtime"]');
    await page.waitForTimeout(1200); // the iteration in flight lands
    const realtime = await rowsIn(page, 5000);
    console.log(`rows per 3 s: visible ${visible}, hidden fast ${hiddenFast}, hidden turbo ${hiddenTurbo}; real time ${realtime} in 5 s`);
    expect(visible).toBeGreaterThan(10);
    expect(hiddenFast).toBeGreaterThan(visible * 0.6);
    expect(hiddenTurbo).toBeGreaterThan(visible * 0.6);
    expect(realtime).toBeGreaterThanOrEqual(3);
    expect(realtime).toBeLessThanOrEqual(6);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the walker playing during 13-second iterations (no gap over 100 ms in 60 s) and shows the iteration progress and an ETA', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'AmpFootWalker-v0', 'ppo', {}, 'fast');
    expect(await page.inputValue('#cfg-numSteps')).toBe('2048'); // the tuned config: 16 × 2048 steps an iteration
    // sample the page: when each frame was drawn, and every status line shown
    await page.evaluate(() => {
      const w = window as unknown as { dojo: { state(): { framesDrawn: number } }; __gaps: { last: number; max: number; frames: number; base: number; status: Set<string> } };
      w.__gaps = { last: -1, max: 0, frames: 0, base: 0, status: new Set() };
      const loop = (now: number): void => {
        const g = w.__gaps;
        const n = w.dojo.state().framesDrawn;
        if (n !== g.frames) {
          if (g.last >= 0) g.max = Math.max(g.max, now - g.last);
          g.last = now;
          g.frames = n;
        }
        g.status.add(document.getElementById('status-line')?.textContent ?? '');
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    await page.click('#start-btn');
    await page.waitForFunction(() => /collecting/.test(document.getElementById('status-line')?.textContent ?? ''), null, { timeout: 30_000 });
    await page.evaluate(() => {
      const w = window as unknown as { __gaps: { last: number; max: number; base: number }; dojo: { state(): { framesDrawn: number } } };
      w.__gaps.last = -1;
      w.__gaps.max = 0;
      w.__gaps.base = w.dojo.state().framesDrawn;
    });
    await page.waitForTimeout(60_000);
    const g = (await page.evaluate(() => {
      const x = (window as unknown as { __gaps: { max: number; frames: number; base: number; status: Set<string> } }).__gaps;
      return { max: x.max, frames: x.frames - x.base, status: [...x.status] };
    })) as { max: number; frames: number; status: string[] };
    const rows = await rowCount(page);
    console.log(`walker: ${rows} iterations in 60 s, ${g.frames} frames drawn, longest gap between frames ${g.max.toFixed(0)} ms`);
    expect(rows).toBeGreaterThanOrEqual(1); // an iteration ended inside the window: the view played through updates too
    // Before the view had its own worker it drew nothing for the whole 13 s of each iteration. On an idle
    // 2-core machine the longest gap is 33–50 ms (bench/RESULTS.md; 50–67 ms before the charts made one
    // chart a frame, and 116 ms once in CI); other processes busy on the same cores
    // stretch it to 200–300 ms, so this test needs the machine to itself, as CI gives it.
    expect(g.max).toBeLessThan(100);
    expect(g.frames).toBeGreaterThan(60 * 40); // the walker's 50 frames a second, nearly all drawn
    expect(g.status.some((s) => /collecting [\d,]+ \/ 32,768 steps/.test(s))).toBe(true);
    expect(g.status.some((s) => /updating the networks: epoch \d+\/10/.test(s))).toBe(true);
    expect(g.status.some((s) => /left/.test(s))).toBe(true);
    await page.click('#pause-btn');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps every run it leaves (env picked with the keyboard, Reset, a zoo entry), across a reload; overlays, re-opens and continues them', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '300000' }, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 5);
    // one arrow key while the env picker has focus picks another env
    await page.focus('#env-select');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => (document.querySelector('#env-select') as HTMLSelectElement).value !== 'CartPole-v1');
    await page.waitForFunction(() => (window as unknown as { dojo: { runs(): Array<{ checkpoint: boolean }> } }).dojo.runs()[0]?.checkpoint === true);
    let list = await runs(page);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ envId: 'CartPole-v1', algo: 'ppo', status: 'stopped', current: false });
    expect(list[0].rows).toBeGreaterThanOrEqual(5);
    const first = list[0];

    // a second run, left with Reset
    await setUp(page, 'CartPole-v1', 'a2c', { totalTimesteps: '300000' }, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 3);
    await page.click('#reset-btn');
    // a third, left by a click on the model zoo
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 3);
    await page.click('[data-zoo="CartPole-v1.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    await page.waitForFunction(() => (window as unknown as { dojo: { runs(): Array<{ checkpoint: boolean }> } }).dojo.runs().every((r) => r.checkpoint));
    list = await runs(page);
    expect(list.map((r) => r.algo)).toEqual(['ppo', 'a2c', 'a2c']);
    expect(await page.locator('#runs-body tr').count()).toBe(3);

    // a reload keeps them, rows and checkpoints
    await page.waitForTimeout(500); // IndexedDB writes
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { dojo?: { runs(): unknown[] } }).dojo?.runs().length === 3, null, { timeout: 30_000 });
    const restored = await runs(page);
    expect(restored.map((r) => [r.id, r.rows, r.checkpoint])).toEqual(list.map((r) => [r.id, r.rows, r.checkpoint]));

    // overlay the first run on the return chart
    await page.check(`#runs-body tr[data-run="${first.id}"] input[type="checkbox"]`);
    await page.waitForFunction(() => document.querySelector('[data-chart="return"] .u-legend')?.textContent?.includes('PPO CartPole-v1 seed') === true);

    // re-open it: its curve returns, and Start with "continue" resumes it past its last step
    await page.click(`#runs-body tr[data-run="${first.id}"] button:has-text("Open")`);
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    const old = await dojo(page, (d) => d.rows());
    expect(old).toHaveLength(first.rows);
    await page.check('#resume-check');
    await page.click('#start-btn');
    await page.waitForFunction((n) => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length > n + 2, old.length);
    const now = await dojo(page, (d) => d.rows());
    expect(now[old.length].global_step).toBeGreaterThan(old[old.length - 1].global_step);
    await page.click('#pause-btn');
    expect((await runs(page)).length).toBe(4);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a played checkpoint\'s activations live, and the spaces its policy sees (pixels)', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.click('[data-zoo="CartPole-v1.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    const acts = (): Promise<string | null> => page.evaluate(() => document.querySelector('.layer[data-activations]:not([data-activations="none"])')?.getAttribute('data-activations') ?? null);
    await page.waitForFunction(() => document.querySelector('.layer[data-activations]:not([data-activations="none"])') !== null, null, { timeout: 10_000 });
    const a0 = await acts();
    await page.waitForFunction((a) => document.querySelector('.layer[data-activations]:not([data-activations="none"])')?.getAttribute('data-activations') !== a, a0, { timeout: 10_000 });

    await page.click('[data-zoo="Catch-v0.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing Catch') === true);
    const doc = (await page.textContent('#env-doc')) ?? '';
    expect(doc).toMatch(/84, 84/); // one 84×84 frame, not the feature vector
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
