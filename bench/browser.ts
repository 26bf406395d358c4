/**
 * The page as a benchmark (a script that drives Debian's Chromium, never a test): `npm run bench:browser -- <mode>`
 * after `npm run build`.
 *
 * - `throughput [--rounds 3] [--only <env id>]`: env steps per second of PPO training in the page at "turbo" against `dojo train`
 *   with the same config and the same number of env workers, in rounds that alternate page and CLI (so machine
 *   load hits both alike): CartPole-v1 with its tuned config (no workers) and AmpFootWalker-v0 with its tuned
 *   config on 2 env workers. Both sides report the agent's own `charts/SPS` of their last row. Prints each
 *   round, the median ratio and its spread (min–max).
 * - `view [--seconds 120]`: at "fast" on CartPole-v1, page frames and scenes drawn per second, and the page's JS
 *   heap (after a forced GC) after a warm-up and after `--seconds` of training (a leak shows as growth).
 * - `view-gaps [--workers auto] [--seconds 60]`: trains AmpFootWalker-v0 with its tuned config (16 × 2048 steps
 *   an iteration) at "fast" and times the gaps between drawn frames: frames a second, the longest gap, the 99th
 *   percentile and how many exceed 100 ms (issue 20's target: none).
 * - `walker [--seeds 1,2,3] [--minutes 20]`: trains AmpFootWalker-v0 in the page ("fast", auto env workers,
 *   the tuned config) from pressing Start, watching the page's own view: the minute at which a view episode
 *   first carries the hull 20 m from its start (the robot falls: the episode ends), per seed.
 *
 * Prints the commit and machine with every result, for bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, openSandbox, setUp } from '../tests/e2e/browser.ts';
import { serveSite } from '../tests/e2e/server.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { median } from './common.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
type Row = Record<string, number>;

/** One benchmark case: env, preset, budget in steps, env workers. */
interface Case {
  readonly envId: string;
  readonly preset: string;
  readonly steps: number;
  readonly workers: number;
}

const CASES: readonly Case[] = [
  { envId: 'CartPole-v1', preset: 'ppo-CartPole-v1', steps: 40_960, workers: 0 },
  { envId: 'AmpFootWalker-v0', preset: 'ppo-AmpFootWalker-v0', steps: 3 * 32_768, workers: 2 },
];

function presetPath(name: string): string {
  const path = `agents/configs/${name}.json`;
  if (!existsSync(join(root, path))) throw new Error(`bench/browser.ts: no preset ${path}`);
  return path;
}

const rows = (page: Page): Promise<Row[]> => page.evaluate(() => (window as unknown as { dojo: { rows(): Row[] } }).dojo.rows());

/** The page at turbo: the last row's `charts/SPS` once the budget is done. */
async function pageSps(browser: Browser, url: string, c: Case): Promise<number> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, c.envId, 'ppo', { totalTimesteps: String(c.steps) }, 'turbo');
  await page.selectOption('#workers-select', String(c.workers));
  await page.click('#start-btn');
  await page.waitForFunction(() => (window as unknown as { dojo: { state(): { runState: string } } }).dojo.state().runState === 'finished', null, { polling: 100, timeout: 900_000 });
  const all = await rows(page);
  await page.context().close();
  return all[all.length - 1]['charts/SPS'];
}

/** `dojo train` with the same config and workers: the last row's `charts/SPS`. */
function cliSps(c: Case): number {
  const out = mkdtempSync(join(tmpdir(), 'dojo-bench-'));
  try {
    const args = ['bin/dojo.js', 'train', '--env', c.envId, '--algo', 'ppo', '--config', presetPath(c.preset), '--total-timesteps', String(c.steps), '--quiet', '--out', join(out, 'run')];
    if (c.workers > 0) args.push('--workers', String(c.workers));
    execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe' });
    const lines = readFileSync(join(out, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n');
    return (JSON.parse(lines[lines.length - 1]) as Row)['charts/SPS'];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function throughput(browser: Browser, url: string, rounds: number, only: string | null): Promise<void> {
  for (const c of CASES.filter((x) => only === null || x.envId === only)) {
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const web = await pageSps(browser, url, c);
      const cli = cliSps(c);
      ratios.push(web / cli);
      console.log(`${c.envId} (${c.preset}, ${c.workers} env workers) round ${r + 1}: page ${web} steps/s, dojo train ${cli} steps/s, ratio ${(web / cli).toFixed(2)} · load ${loadavg()[0].toFixed(1)}`);
    }
    console.log(`| ${c.envId} | ${c.workers} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, ${rounds} rounds) |`);
  }
}

/** Trains the walker in the page and returns the minute at which a view episode first covered 20 m, or null. */
async function walker(browser: Browser, url: string, seed: number, minutes: number): Promise<{ minute: number | null; best: number; steps: number }> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, 'AmpFootWalker-v0', 'ppo', { seed: String(seed) }, 'fast');
  await page.click('#start-btn');
  const t0 = Date.now();
  let start = NaN, lastLen = 0, best = 0;
  while (Date.now() - t0 < minutes * 60_000) {
    await page.waitForTimeout(200);
    const f = (await page.evaluate(() => (window as unknown as { dojo: { lastFrame(): { len: number; scene: { shapes: Array<{ id: string; x: number }> } } | null } }).dojo.lastFrame())) as { len: number; scene: { shapes: Array<{ id: string; x: number }> } } | null;
    const x = f?.scene.shapes.find((s) => s.id === 'hull')?.x;
    if (f === null || x === undefined) continue;
    if (f.len < lastLen || Number.isNaN(start)) start = x; // a new view episode
    lastLen = f.len;
    best = Math.max(best, x - start);
    if (x - start >= 20) {
      const steps = (await rows(page)).at(-1)?.global_step ?? 0;
      await page.context().close();
      return { minute: (Date.now() - t0) / 60_000, best, steps };
    }
  }
  const steps = (await rows(page)).at(-1)?.global_step ?? 0;
  await page.context().close();
  return { minute: null, best, steps };
}

async function view(browser: Browser, url: string, seconds: number): Promise<void> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, 'CartPole-v1', 'ppo', { totalTimesteps: '100000000' }, 'fast');
  await page.click('#start-btn');
  await page.waitForTimeout(10_000); // warm-up: charts, pixi objects, JIT
  const used = (): Promise<number> => page.evaluate(() => {
    (window as unknown as { gc(): void }).gc();
    return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 2 ** 20;
  });
  // a string, not a function: tsx would wrap inner named functions in a helper the page lacks
  const fps = (await page.evaluate(`(async () => {
    const d = window.dojo;
    let n = 0;
    const count = () => { n++; requestAnimationFrame(count); };
    requestAnimationFrame(count);
    const f0 = d.state().framesDrawn;
    await new Promise((res) => setTimeout(res, 10000));
    return { raf: n / 10, drawn: (d.state().framesDrawn - f0) / 10 };
  })()`)) as { raf: number; drawn: number };
  console.log(`fps while training at "fast": ${fps.raf.toFixed(1)} page frames/s, ${fps.drawn.toFixed(1)} scenes drawn/s (CartPole renderFps 50)`);
  const startMb = await used();
  await page.waitForTimeout(seconds * 1000);
  const endMb = await used();
  console.log(`page heap over ${seconds} s of training at "fast" (${(await rows(page)).length} iterations): ${startMb.toFixed(1)} MB → ${endMb.toFixed(1)} MB`);
  await page.context().close();
}

async function viewGaps(browser: Browser, url: string, workers: string, seconds: number): Promise<void> {
  const { page } = await openSandbox(browser, url);
  await setUp(page, 'AmpFootWalker-v0', 'ppo', {}, 'fast');
  await page.selectOption('#workers-select', workers);
  if (process.env.DOJO_BENCH_HIDE !== undefined) await page.addStyleTag({ content: process.env.DOJO_BENCH_HIDE });
  await page.click('#start-btn');
  await page.waitForFunction(() => /collecting/.test(document.getElementById('status-line')?.textContent ?? ''), null, { timeout: 60_000 });
  // a string, not a function: tsx would wrap inner named functions in a helper the page lacks
  const r = (await page.evaluate(`(async () => {
    const d = window.dojo;
    const gaps = [];
    let last = -1, frames = d.state().framesDrawn;
    const t0 = performance.now();
    await new Promise((done) => {
      const loop = (now) => {
        const n = d.state().framesDrawn;
        if (n !== frames) {
          if (last >= 0) gaps.push(now - last);
          last = now;
          frames = n;
        }
        if (now - t0 < ${seconds * 1000}) requestAnimationFrame(loop);
        else done();
      };
      requestAnimationFrame(loop);
    });
    gaps.sort((a, b) => a - b);
    return { fps: gaps.length / ${seconds}, max: gaps[gaps.length - 1] ?? 0, p99: gaps[Math.floor(gaps.length * 0.99)] ?? 0, over100: gaps.filter((g) => g > 100).length, iterations: d.rows().length };
  })()`)) as { fps: number; max: number; p99: number; over100: number; iterations: number };
  console.log(`| AmpFootWalker-v0, ${workers} env workers | ${r.fps.toFixed(1)} | ${r.max.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${r.over100} | ${r.iterations} iterations in ${seconds} s |`);
  await page.context().close();
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const mode = process.argv[2] ?? 'throughput';
if (!['throughput', 'view', 'view-gaps', 'walker'].includes(mode)) throw new Error(`bench/browser.ts: mode must be "throughput", "view", "view-gaps" or "walker", received ${mode}`);
const site = await serveSite(root);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc'], headless: true });
try {
  console.log(`browser bench · ${mode} · commit ${commitId()} · ${machine()}`);
  if (mode === 'throughput') await throughput(browser, site.url, Number(flag('rounds', '3')), flag('only', '') || null);
  else if (mode === 'view') await view(browser, site.url, Number(flag('seconds', '120')));
  else if (mode === 'view-gaps') await viewGaps(browser, site.url, flag('workers', 'auto'), Number(flag('seconds', '60')));
  else {
    const minutes = Number(flag('minutes', '20'));
    for (const seed of flag('seeds', '1,2,3').split(',').map(Number)) {
      const r = await walker(browser, site.url, seed, minutes);
      console.log(`| ${seed} | ${r.minute === null ? `not within ${minutes} min` : `${r.minute.toFixed(1)} min`} | ${r.steps.toLocaleString('en')} | ${r.best.toFixed(1)} m |`);
    }
  }
} finally {
  await browser.close();
  await site.close();
}
