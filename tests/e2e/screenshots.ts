/**
 * Screenshots of the sandbox for the docs: `npx tsx tests/e2e/screenshots.ts` (after `npm run build`)
 * writes the first screen of a first visit (the zoo's walker playing, its mind beside it) at 1440×900
 * (docs/screenshot-first.png), at 1440×900 with device pixel ratio 2 (screenshot-first-hidpi.png) and on a
 * 390×844 phone (screenshot-phone.png); then docs/screenshot-main.png (CartPole + PPO past its threshold),
 * docs/screenshot-board.png (Tic-Tac-Toe click-to-move) and docs/screenshot-robot.png (the walker training).
 */
import { fileURLToPath } from 'node:url';
import { SCREENS, launch, openSandbox, setUp } from './browser.ts';
import { serveSite } from './server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const site = await serveSite(root);
const browser = await launch();
try {
  // the first screen of a first visit, on three screens: the walker from the zoo, with its mind updating
  for (const [file, screen] of [['screenshot-first.png', SCREENS.desktop], ['screenshot-first-hidpi.png', SCREENS.hidpi], ['screenshot-phone.png', SCREENS.phone]] as const) {
    const { page } = await openSandbox(browser, site.url, screen, '');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#mind')?.dataset.kind === 'box', null, { timeout: 60_000 });
    await page.waitForFunction(() => (window as unknown as { dojo: { lastFrame(): { len: number } | null } }).dojo.lastFrame()!.len > 150, null, { timeout: 60_000 });
    await page.screenshot({ path: `${root}/docs/${file}` });
    await page.context().close();
  }
  // CartPole + PPO: train in turbo until the running mean passes 400, then watch in fast mode
  {
    const { page } = await openSandbox(browser, site.url);
    await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '100000' }, 'turbo');
    await page.click('#start-btn');
    await page.waitForFunction(() => {
      const rows = (window as unknown as { dojo: { rows(): Array<Record<string, number>> } }).dojo.rows();
      const r = rows.map((x) => x['charts/episodic_return']).filter((v) => v !== undefined).slice(-10);
      return r.length === 10 && r.reduce((a, b) => a + b, 0) / 10 > 450;
    }, null, { timeout: 240_000, polling: 1000 });
    await page.check('input[name="speed"][value="fast"]');
    await page.waitForSelector('#solved:not([hidden])');
    await page.waitForTimeout(4000);
    await page.screenshot({ path: `${root}/docs/screenshot-main.png` });
    await page.click('#pause-btn');
    await page.context().close();
  }
  // Tic-Tac-Toe against minimax, a few moves in
  {
    const { page } = await openSandbox(browser, site.url);
    await page.selectOption('#env-select', 'TicTacToe-v0');
    await page.click('#board-btn');
    await page.selectOption('#opponent-select', 'minimax:4');
    await page.click('#board-new');
    for (const cell of ['cell:1:1', 'cell:0:2']) {
      await page.waitForTimeout(800);
      const p = await page.evaluate((id) => (window as unknown as { dojo: { shapePoint(id: string): { x: number; y: number } | null } }).dojo.shapePoint(id), cell);
      if (p !== null) await page.mouse.click(p.x, p.y);
    }
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${root}/docs/screenshot-board.png` });
    await page.context().close();
  }
  // the walker, a few PPO iterations in
  {
    const { page } = await openSandbox(browser, site.url);
    await setUp(page, 'AmpFootWalker-v0', 'ppo', {}, 'fast');
    await page.click('#start-btn');
    await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 4, null, { timeout: 120_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${root}/docs/screenshot-robot.png` });
    await page.context().close();
  }
} finally {
  await browser.close();
  await site.close();
}
console.log('wrote docs/screenshot-first.png, screenshot-first-hidpi.png, screenshot-phone.png, screenshot-main.png, screenshot-board.png, screenshot-robot.png');
