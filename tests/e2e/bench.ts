/**
 * Browser performance, a script and not a test (STYLE.md §11): `npx tsx tests/e2e/bench.ts [heapSeconds]`
 * after `npm run build`. Prints, for PPO on CartPole-v1 with the tuned config (agents/configs):
 *
 * - fps: page frames per second (requestAnimationFrame) and scenes drawn per second, at "fast" speed
 *   while training (the view plays the env at its renderFps, 50 for CartPole);
 * - turbo throughput: env steps per second of the browser worker against `dojo train` (the agent's own
 *   `charts/SPS` of the last row in both) and against the bare training loop in this Node process,
 *   run back to back twice;
 * - heap: the page's JS heap (after a forced GC) at the start and the end of a long training run at
 *   "fast" speed (default 120 s; the budget is < 30 MB over 10 minutes: pass 600).
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import '../../envs/index.ts';
import { getAgent } from '../../agents/index.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { chromium } from 'playwright-core';
import { CHROMIUM, openSandbox, setUp } from './browser.ts';
import { serveSite } from './server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tuned = JSON.parse(readFileSync(`${root}/agents/configs/ppo-CartPole-v1.json`, 'utf8')) as Record<string, unknown>;
const STEPS = 40_960; // 160 iterations of 8 × 32
const heapSeconds = Number(process.argv[2] ?? 120);

type Row = Record<string, number>;
const rows = (page: Page): Promise<Row[]> => page.evaluate(() => (window as unknown as { dojo: { rows(): Row[] } }).dojo.rows());

/** Steps per second of `dojo train`'s loop here (tsx, no progress bar), after the first 10 iterations. */
async function nodeThroughput(): Promise<number> {
  const agent = getAgent('ppo');
  const run = agent.createRun(resolveConfig('ppo', agent.spec, { ...tuned, totalTimesteps: STEPS }), runContext('CartPole-v1'));
  let t0 = 0, s0 = 0, last = 0, i = 0;
  for await (const row of run.iterations) {
    if (++i === 10) {
      t0 = performance.now();
      s0 = row.global_step;
    }
    last = row.global_step;
  }
  await run.close();
  return (last - s0) / ((performance.now() - t0) / 1000);
}

/** `dojo train` itself (a child process with metrics.jsonl and checkpoints): the `charts/SPS` of its last row. */
function cliThroughput(): number {
  const out = mkdtempSync(join(tmpdir(), 'dojo-bench-'));
  try {
    execFileSync(process.execPath, ['bin/dojo.js', 'train', '--env', 'CartPole-v1', '--algo', 'ppo', '--config', 'agents/configs/ppo-CartPole-v1.json', '--total-timesteps', String(STEPS), '--quiet', '--out', out], { cwd: root, stdio: 'pipe' });
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    return (JSON.parse(lines[lines.length - 1]) as Row)['charts/SPS'];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The same in the browser at turbo speed: steps per second timed from the page's side between the
 * 10th and the last row, and the agent's own `charts/SPS` of the last row (as dojo train reports it).
 */
async function browserThroughput(browser: Browser, url: string): Promise<{ page: number; sps: number }> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: String(STEPS) }, 'turbo');
  await page.click('#start-btn');
  await page.waitForFunction(() => (window as unknown as { dojo: { rows(): unknown[] } }).dojo.rows().length >= 10, null, { polling: 20, timeout: 120_000 });
  const t0 = performance.now();
  const s0 = (await rows(page))[9].global_step;
  await page.waitForFunction(() => (window as unknown as { dojo: { state(): { runState: string } } }).dojo.state().runState === 'finished', null, { polling: 20, timeout: 300_000 });
  const seconds = (performance.now() - t0) / 1000;
  const all = await rows(page);
  await page.context().close();
  return { page: (all[all.length - 1].global_step - s0) / seconds, sps: all[all.length - 1]['charts/SPS'] };
}

async function fps(browser: Browser, url: string): Promise<{ raf: number; drawn: number }> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '500000' }, 'fast');
  await page.click('#start-btn');
  await page.waitForTimeout(3000);
  // a string, not a function: tsx would wrap inner named functions in a helper the page lacks
  const r = (await page.evaluate(`(async () => {
    const d = window.dojo;
    let n = 0;
    const count = () => { n++; requestAnimationFrame(count); };
    requestAnimationFrame(count);
    const f0 = d.state().framesDrawn;
    await new Promise((res) => setTimeout(res, 10000));
    return { raf: n / 10, drawn: (d.state().framesDrawn - f0) / 10 };
  })()`)) as { raf: number; drawn: number };
  await page.context().close();
  return r;
}

async function heap(browser: Browser, url: string, seconds: number): Promise<{ startMb: number; endMb: number; rows: number }> {
  const { page } = await openSandbox(browser, url);
  const used = (): Promise<number> => page.evaluate(() => {
    (window as unknown as { gc(): void }).gc();
    return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 2 ** 20;
  });
  await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '100000000' }, 'fast');
  await page.click('#start-btn');
  await page.waitForTimeout(10_000); // warm-up: charts, pixi objects, JIT
  const startMb = await used();
  await page.waitForTimeout(seconds * 1000);
  const endMb = await used();
  const n = (await rows(page)).length;
  await page.context().close();
  return { startMb, endMb, rows: n };
}

const site = await serveSite(root);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc'],
  headless: true,
});
try {
  const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  console.log(`browser bench · commit ${commit} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length} · load ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const f = await fps(browser, site.url);
  console.log(`fps while training at "fast": ${f.raf.toFixed(1)} page frames/s, ${f.drawn.toFixed(1)} scenes drawn/s (CartPole renderFps 50)`);
  const ratios: number[] = [];
  for (let round = 0; round < 2; round++) {
    const node = await nodeThroughput();
    const cli = cliThroughput();
    const web = await browserThroughput(browser, site.url);
    ratios.push(web.sps / cli);
    console.log(`turbo throughput, round ${round + 1}: browser ${web.page.toFixed(0)} steps/s after warm-up (charts/SPS ${web.sps}); ` +
      `dojo train charts/SPS ${cli} (ratio ${(web.sps / cli).toFixed(2)}); the bare training loop in Node ${node.toFixed(0)} steps/s after warm-up (ratio ${(web.page / node).toFixed(2)})`);
  }
  const h = await heap(browser, site.url, heapSeconds);
  console.log(`page heap over ${heapSeconds} s of training at "fast" (${h.rows} iterations): ${h.startMb.toFixed(1)} MB → ${h.endMb.toFixed(1)} MB (${(h.endMb - h.startMb).toFixed(1)} MB)`);
} finally {
  await browser.close();
  await site.close();
}
