/**
 * The first minute of a newcomer (issue 21): a first visit plays a trained agent, every env with a zoo
 * checkpoint offers one where the env is picked, loading brings the view into sight, a link restores
 * env, algorithm, seed and changed settings, and a phone shows the view and Start first.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { E2E, SCREENS, dojo, openSandbox, sharedBrowser } from './browser.ts';

/** True when the element's box lies inside the viewport. */
async function inSight(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;
  });
}

function waitPlaying(page: Page, file: string): Promise<unknown> {
  return page.waitForFunction((f) => document.querySelector('#ckpt-status')?.textContent?.startsWith(`Playing ${f}`) === true, file, { timeout: 60_000 });
}

describe.skipIf(!E2E)('the first minute', () => {
  const browser = sharedBrowser();

  it('a first visit plays the trained walker from the model zoo, with the view in sight', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'), SCREENS.desktop, '');
    await waitPlaying(page, 'AmpFootWalker-v0.ppo.safetensors');
    expect(await page.inputValue('#env-select')).toBe('AmpFootWalker-v0');
    const drawn = (await dojo(page, (d) => d.state())).framesDrawn;
    await page.waitForFunction((n) => (window as unknown as { dojo: { state(): { framesDrawn: number } } }).dojo.state().framesDrawn > n + 10, drawn, { timeout: 30_000 });
    expect(await inSight(page, '#view')).toBe(true);
    expect(new URL(page.url()).searchParams.get('env')).toBe('AmpFootWalker-v0');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('offers "Watch a trained agent" for every env with a zoo checkpoint, and only there', async () => {
    const zooEnvs = [...new Set(readdirSync('zoo').filter((f) => f.endsWith('.safetensors')).map((f) => f.split('.')[0]))];
    expect(zooEnvs.length).toBeGreaterThanOrEqual(7);
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    for (const env of zooEnvs) {
      await page.selectOption('#env-select', env);
      expect(await page.isVisible('#watch-btn'), env).toBe(true);
    }
    await page.selectOption('#env-select', 'Acrobot-v1');
    expect(await page.isVisible('#watch-btn')).toBe(false);
    await page.selectOption('#env-select', 'CartPole-v1');
    await page.click('#watch-btn');
    await waitPlaying(page, 'CartPole-v1.ppo.safetensors');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('brings the view into sight when a zoo entry far down the page is loaded (phone)', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'), SCREENS.phone);
    const entry = '[data-zoo="Snake-v0.ppo.safetensors"]';
    await page.$eval(entry, (e) => e.scrollIntoView({ block: 'start', behavior: 'instant' }));
    expect(await inSight(page, '#view')).toBe(false);
    await page.locator(entry).tap();
    await waitPlaying(page, 'Snake-v0.ppo.safetensors');
    await page.waitForFunction(() => {
      const r = document.querySelector('#view')!.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps env, algorithm, seed and changed settings in the URL, and a link restores them', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'));
    await page.selectOption('#env-select', 'Acrobot-v1');
    await page.selectOption('#algo-select', 'a2c');
    await page.fill('#cfg-seed', '7');
    await page.dispatchEvent('#cfg-seed', 'change');
    await page.fill('#cfg-learningRate', '0.0042');
    await page.dispatchEvent('#cfg-learningRate', 'change');
    const link = new URL(page.url());
    expect(link.searchParams.get('env')).toBe('Acrobot-v1');
    expect(link.searchParams.get('algo')).toBe('a2c');
    expect(link.searchParams.get('seed')).toBe('7');
    expect(link.searchParams.get('learningRate')).toBe('0.0042');
    expect(link.searchParams.has('gamma')).toBe(false); // unchanged settings stay out of the link
    await page.context().close();

    // a fresh visitor (nothing remembered) opens the link
    const other = await openSandbox(browser(), inject('baseUrl'), SCREENS.desktop, link.search);
    expect(await other.page.inputValue('#env-select')).toBe('Acrobot-v1');
    expect(await other.page.inputValue('#algo-select')).toBe('a2c');
    expect(await other.page.inputValue('#cfg-seed')).toBe('7');
    expect(await other.page.inputValue('#cfg-learningRate')).toBe('0.0042');
    expect(new URL(other.page.url()).search).toBe(link.search);
    expect(errors).toEqual([]);
    expect(other.errors).toEqual([]);
    await other.page.context().close();
  });

  it('names the settings of a link that do not apply', async () => {
    const { page } = await openSandbox(browser(), inject('baseUrl'), SCREENS.desktop, '?env=CartPole-v1&algo=ppo&learningRat=0.1&numEnvs=many');
    await page.waitForSelector('#error:not([hidden])');
    const text = await page.textContent('#error-text');
    expect(text).toContain('"learningRat"');
    expect(text).toContain('--num-envs expects a number, received "many"');
    await page.context().close();
  });
});

describe.skipIf(!E2E)('the phone layout (390×844)', () => {
  const browser = sharedBrowser();

  it('shows Start and the view first, the charts next, and the settings collapsed below', async () => {
    const { page, errors } = await openSandbox(browser(), inject('baseUrl'), SCREENS.phone);
    const top = (selector: string): Promise<number> => page.$eval(selector, (e) => e.getBoundingClientRect().top + window.scrollY);
    const order = ['#start-btn', '#view', '#charts-card', '#env-card', '#algo-card', '#settings'];
    const tops = await Promise.all(order.map(top));
    for (let i = 1; i < tops.length; i++) expect(tops[i], `${order[i]} below ${order[i - 1]}: ${JSON.stringify(tops)}`).toBeGreaterThan(tops[i - 1]);
    // Start and the view's top are on the first screen
    expect(tops[0]).toBeLessThan(844);
    expect(tops[1]).toBeLessThan(844);
    // the view fills the column and nothing is wider than the phone
    const widths = await page.evaluate(() => ({ view: document.querySelector('#view')!.getBoundingClientRect().width, canvas: document.querySelector('#view canvas')!.getBoundingClientRect().width, page: document.documentElement.scrollWidth, screen: window.innerWidth }));
    expect(widths.view, JSON.stringify(widths)).toBeGreaterThan(350);
    expect(Math.abs(widths.canvas - widths.view), JSON.stringify(widths)).toBeLessThan(2);
    expect(widths.page, JSON.stringify(widths)).toBeLessThanOrEqual(widths.screen);
    expect(await page.$eval('#settings', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.isVisible('#config-form')).toBe(false);
    // touch opens them
    await page.locator('#settings > summary').tap();
    expect(await page.isVisible('#cfg-learningRate')).toBe(true);
    // and Start trains from a tap
    await page.locator('#start-btn').tap();
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length > 0, null, { timeout: 60_000 });
    await page.locator('#pause-btn').tap();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
