/**
 * Shared e2e helpers: Debian's Chromium through playwright-core (never a downloaded browser), a page
 * that records console errors, and small waits on the page's `window.dojo` API (src/web/main.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Metrics } from '../../src/core/metrics.ts';
import type { Frame } from '../../src/web/protocol.ts';
import type { Scene } from '../../src/gym/scene.ts';

/** True when `npm run test:e2e` runs (the plain `npm test` skips these files). */
export const E2E = process.env.DOJO_E2E === '1';

export const CHROMIUM = process.env.DOJO_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/**
 * One browser for the tests of a describe block: launched before them, closed after. Call it inside the
 * block; the returned function gives the browser inside a test.
 */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error('the browser is not launched yet: call sharedBrowser() inside describe');
    return browser;
  };
}

/** The page's test API (`window.dojo`). */
export interface DojoApi {
  rows(): Metrics[];
  state(): { runState: string; running: boolean; envId: string; algo: string; view: string; framesDrawn: number; loaded: string | null; queue: number };
  lastScene(): Scene | null;
  lastFrame(): Frame | null;
  shapePoint(id: string): { x: number; y: number } | null;
}

/** Screens the page is tested on: a desktop monitor, a HiDPI laptop and a phone. */
export const SCREENS = {
  desktop: { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 },
  hidpi: { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 2 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
} as const;

/**
 * A page on the sandbox with console errors and page errors collected in `errors`. It opens on CartPole
 * (`query`, the page's shareable URL state): a plain first visit plays the walker from the model zoo,
 * which the tests of other things do not need; pass `query: ''` for that first visit.
 */
export async function openSandbox(browser: Browser, baseUrl: string, screen: (typeof SCREENS)[keyof typeof SCREENS] = SCREENS.desktop, query = '?env=CartPole-v1'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ ...screen });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl + query);
  // the catalog has arrived when the env picker is filled and the view drew a frame
  await page.waitForFunction(() => (document.querySelector('#env-select') as HTMLSelectElement | null)?.options.length !== 0 && (window as unknown as { dojo?: DojoApi }).dojo?.state().framesDrawn !== 0, null, { timeout: 30_000 });
  return { page, errors };
}

/** Evaluates `fn` against `window.dojo`. */
export function dojo<T>(page: Page, fn: (api: DojoApi) => T): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.dojo)`) as Promise<T>;
}

/** Picks env and algorithm, applies the tuned config, then sets the given fields. */
export async function setUp(page: Page, envId: string, algo: string, fields: Readonly<Record<string, string>>, speed: 'realtime' | 'fast' | 'turbo'): Promise<void> {
  await page.selectOption('#env-select', envId);
  await page.selectOption('#algo-select', algo);
  await openSettings(page);
  if (await page.isVisible('#preset-btn')) await page.click('#preset-btn');
  await openSettings(page);
  for (const [name, value] of Object.entries(fields)) await page.fill(`#cfg-${name}`, value);
  await page.check(`input[name="speed"][value="${speed}"]`);
}

/** Opens the settings and their "Advanced" part (collapsed on a phone, and by default), so every field can be filled. */
export async function openSettings(page: Page): Promise<void> {
  await page.$$eval('#settings, #config-form details.advanced', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
}
