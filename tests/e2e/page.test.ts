/**
 * The page loads cleanly, the model zoo plays with one click, and a bad checkpoint upload shows a
 * readable error and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { E2E, dojo, launch, openSandbox } from './browser.ts';
import { encodeSafetensors } from '../../src/nn/safetensors.ts';

describe.skipIf(!E2E)('sandbox page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console errors, lists envs by group and algorithms that fit', async () => {
    const { page, errors } = await openSandbox(browser, inject('baseUrl'));
    const groups = await page.$$eval('#env-select optgroup', (gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
    expect(groups).toContain('Classic control');
    expect(groups).toContain('Board games');
    expect(await page.inputValue('#env-select')).toBe('CartPole-v1');
    const algos = await page.$$eval('#algo-select option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(algos).toContain('ppo');
    expect(algos).not.toContain('sac'); // SAC needs a Box action space; CartPole's is Discrete(2)
    expect(await page.textContent('#env-doc')).toContain('475');
    await page.waitForTimeout(1500); // let the random-action view run a while
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('plays the shipped CartPole checkpoint with one click', async () => {
    const { page, errors } = await openSandbox(browser, inject('baseUrl'));
    await page.click('[data-zoo="CartPole-v1.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    await page.waitForTimeout(3000);
    const frame = await dojo(page, (d) => d.lastFrame());
    // the trained policy keeps the pole up: at 50 fps, 3 s of view is well over 100 steps of one episode
    expect(frame?.len).toBeGreaterThan(100);
    expect(await page.locator('.layer').count()).toBeGreaterThan(0); // network view of the loaded nets
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('rejects bad checkpoint files with a readable error and changes nothing', async () => {
    const { page, errors } = await openSandbox(browser, inject('baseUrl'));
    await page.click('[data-zoo="CartPole-v1.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    const before = await dojo(page, (d) => d.state());
    const formBefore = await page.inputValue('#cfg-learningRate');

    await page.setInputFiles('#load-input', { name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a checkpoint') });
    await page.waitForSelector('#error:not([hidden])');
    const text = (await page.textContent('#error-text')) ?? '';
    expect(text).toMatch(/^Could not load bad\.safetensors: safetensors: /);
    expect(text.length).toBeLessThan(400);

    // a valid safetensors file that is not an RL Dojo checkpoint
    const foreign = Buffer.from(encodeSafetensors(new Map([['w', { data: new Float32Array(4), shape: [2, 2] }]]), { format: 'pt' }));
    await page.setInputFiles('#load-input', { name: 'foreign.safetensors', mimeType: 'application/octet-stream', buffer: foreign });
    await page.waitForFunction(() => document.querySelector('#error-text')?.textContent?.startsWith('Could not load foreign') === true);
    expect(await page.textContent('#error-text')).toContain('not an RL Dojo agent checkpoint');

    const after = await dojo(page, (d) => d.state());
    expect(after.loaded).toBe(before.loaded);
    expect(after.envId).toBe(before.envId);
    expect(after.algo).toBe(before.algo);
    expect(after.runState).toBe(before.runState);
    expect(await page.inputValue('#cfg-learningRate')).toBe(formBefore);
    // the loaded policy still plays
    const drawn = after.framesDrawn;
    await page.waitForTimeout(500);
    expect((await dojo(page, (d) => d.state())).framesDrawn).toBeGreaterThan(drawn);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
