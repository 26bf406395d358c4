/**
 * The page loads cleanly, the model zoo plays with one click, and a bad checkpoint upload shows a
 * readable error and changes nothing.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { E2E, sharedBrowser, dojo, openSandbox } from './browser.ts';
import { encodeSafetensors } from '../../src/nn/safetensors.ts';

describe.skipIf(!E2E)('sandbox page', () => {
  const browser = sharedBrowser();

  it('loads with no console errors, lists envs by group and algorithms that fit', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
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

  it('starts un-tuned pairs from a budget that fits a tab (TD3 on MountainCarContinuous: not CleanRL\'s 13-hour million steps)', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.selectOption('#env-select', 'MountainCarContinuous-v0');
    await page.selectOption('#algo-select', 'td3');
    await page.click('#defaults-btn');
    const steps = Number(await page.inputValue('#cfg-totalTimesteps'));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1_000_000);
    expect(await page.textContent('#config-note')).toMatch(/total-timesteps [\d,]+.*capped so the run takes about ten minutes/);
    expect(Number(await page.inputValue('#cfg-learningStarts'))).toBeLessThan(steps); // it still learns
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('plays the shipped CartPole checkpoint with one click', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
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

  it('plays every checkpoint of the model zoo with one click, each in the env it was trained on', async () => {
    const files = readdirSync('zoo').filter((f) => f.endsWith('.safetensors')).sort();
    expect(files.length).toBeGreaterThanOrEqual(7);
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    for (const file of files) {
      await page.click(`[data-zoo="${file}"]`);
      await page.waitForFunction((f) => document.querySelector('#ckpt-status')?.textContent?.startsWith(`Playing ${f}`) === true, file, { timeout: 30_000 });
      const state = await dojo(page, (d) => d.state());
      expect(state.envId, file).toBe(file.split('.')[0]);
      // frames keep coming: the view plays the loaded policy (Catch-v0 from pixels needs its env kwargs)
      const before = state.framesDrawn;
      await page.waitForFunction((n) => ((window as unknown as { dojo: { state(): { framesDrawn: number } } }).dojo.state().framesDrawn) > n + 5, before, { timeout: 30_000 });
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('rejects bad checkpoint files with a readable error and changes nothing', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
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

  it('plays CartPole with the keyboard', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.click('#play-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { state(): { view: string } } }).dojo.state().view === 'keys');
    // hold → from the start of an episode: the cart moves right (an episode that ends holds its last frame a moment first)
    await page.keyboard.down('ArrowRight');
    const cart = (): Promise<{ x: number; len: number }> => dojo(page, (d) => ({ x: d.lastScene()?.shapes.find((s) => s.id === 'cart')?.x ?? NaN, len: d.lastFrame()?.len ?? -1 }));
    await page.waitForFunction(() => (window as unknown as { dojo: { lastFrame(): { len: number } | null } }).dojo.lastFrame()?.len === 1, null, { timeout: 20_000 });
    const start = await cart();
    await page.waitForFunction(() => ((window as unknown as { dojo: { lastFrame(): { len: number } | null } }).dojo.lastFrame()?.len ?? 0) >= 6, null, { timeout: 20_000 });
    const later = await cart();
    await page.keyboard.up('ArrowRight');
    expect(later.len).toBeGreaterThan(start.len);
    expect(later.x).toBeGreaterThan(start.x); // pushed right
    expect(await page.isVisible('#keys-legend kbd')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('remembers the last config and the last checkpoint across a reload', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.selectOption('#env-select', 'Acrobot-v1');
    await page.fill('#cfg-learningRate', '0.0007');
    await page.dispatchEvent('#cfg-learningRate', 'change');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { dojo: { state(): { framesDrawn: number } } }).dojo.state().framesDrawn > 0);
    expect(await page.inputValue('#env-select')).toBe('Acrobot-v1');
    expect(await page.inputValue('#cfg-learningRate')).toBe('0.0007');

    await page.click('[data-zoo="CartPole-v1.ppo.safetensors"]');
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    await page.waitForTimeout(300); // IndexedDB write
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#ckpt-status')?.textContent?.startsWith('Playing') === true);
    expect((await dojo(page, (d) => d.state())).loaded).toBe('CartPole-v1.ppo.safetensors');
    expect(await page.inputValue('#env-select')).toBe('CartPole-v1');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
