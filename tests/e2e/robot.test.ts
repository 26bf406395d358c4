/**
 * The shipped AmpFootWalker checkpoint walks in the browser: one click in the model zoo, and the
 * robot's hull moves forward in the scene. Skipped until zoo/ holds an AmpFootWalker checkpoint.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { E2E, sharedBrowser, dojo, openSandbox } from './browser.ts';

const WALKER = readdirSync('zoo').find((f) => /^AmpFootWalker-v\d+\..+\.safetensors$/.test(f));

describe.skipIf(!E2E || WALKER === undefined)('the robot', () => {
  const browser = sharedBrowser();

  it(`loading ${WALKER} shows the robot walking forward`, async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.click(`[data-zoo="${WALKER}"]`);
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true, null, { timeout: 30_000 });
    const hullX = async (): Promise<{ x: number; len: number }> => {
      const f = await dojo(page, (d) => d.lastFrame());
      return { x: f?.scene.shapes.find((s) => s.id === 'hull')?.x ?? NaN, len: f?.len ?? 0 };
    };
    // the first frame of the loaded policy may still be on its way after the status line changes
    await page.waitForFunction(() => (window as unknown as { dojo: { lastFrame(): { scene: { shapes: Array<{ id: string }> } } | null } }).dojo.lastFrame()?.scene.shapes.some((s) => s.id === 'hull') === true, null, { timeout: 30_000 });
    // follow one episode for a few seconds; the hull's x must advance within it
    let start = await hullX();
    let best = 0;
    for (let i = 0; i < 16; i++) {
      await page.waitForTimeout(250);
      const now = await hullX();
      if (now.len < start.len) start = now; // a new episode began
      best = Math.max(best, now.x - start.x);
    }
    expect(best).toBeGreaterThan(0.3);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
