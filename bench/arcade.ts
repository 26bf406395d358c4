/**
 * Arcade throughput: steps/s of each arcade env as `make(id, { kwargs: { obs } })` gives it (time limit and
 * passive checker included), with random actions and resets, in both observation modes. `dojo bench envs`
 * measures registered ids with their default kwargs only, so the pixels mode needs this script. Targets
 * (issue 7): features ≥ 1M steps/s for Catch and Snake and ≥ 300k for the others; pixels (84×84 grayscale,
 * frame skip, sticky actions and a 4-frame stack, rasterizer included) ≥ 10k steps/s.
 *
 * Each (env, mode) runs in its own child process, so the JIT sees one game (as in training), and reports the
 * best of a few short runs after the same warm-up, like `dojo bench envs` (src/cli/bench-envs.ts). `--breakdown` adds where a pixel step's time goes per frame:
 * the game's tick, building the Scene, the arcade rasterizer, and the generic `rasterizeGray` for comparison.
 *
 *   npx tsx bench/arcade.ts [--json] [--seconds 0.4] [--only Catch-v0,Pong-v0] [--breakdown]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import '../envs/index.ts';
import type { ArcadeEnv, ArcadeGame } from '../envs/arcade/arcade-env.ts';
import { FrameRasterizer } from '../envs/arcade/pixels.ts';
import { make } from '../src/gym/registry.ts';
import { rasterizeGray } from '../src/gym/raster.ts';
import { sample } from '../src/gym/spaces.ts';
import { warmUp } from '../src/cli/bench-envs.ts';
import { commitId, machine } from '../src/cli/provenance.ts';

/** The arcade ids and their features-mode targets (steps/s). */
export const ARCADE_TARGETS: Readonly<Record<string, { features: number; pixels: number }>> = {
  'Catch-v0': { features: 1_000_000, pixels: 10_000 },
  'Snake-v0': { features: 1_000_000, pixels: 10_000 },
  'Pong-v0': { features: 300_000, pixels: 10_000 },
  'Breakout-v0': { features: 300_000, pixels: 10_000 },
  'Flappy-v0': { features: 300_000, pixels: 10_000 },
};

type Mode = 'features' | 'pixels';

/** One measurement. */
export interface ArcadeBenchRow {
  readonly id: string;
  readonly mode: Mode;
  readonly steps_per_s: number;
}

const REPEATS = 6;

/** Steps/s of one env in one mode (best of REPEATS runs after the warm-up of `dojo bench envs`). */
async function benchOne(id: string, mode: Mode, seconds: number): Promise<number> {
  const env = make<unknown, unknown>(id, { kwargs: { obs: mode } });
  env.reset({ seed: 0 });
  const run = (budgetMs: number): number => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let k = 0; k < 64; k++) {
        const r = env.step(sample(env.actionSpace, env.actionRng));
        if (r.terminated || r.truncated) env.reset();
      }
      steps += 64;
      now = performance.now();
    }
    return (steps * 1000) / (now - start);
  };
  await warmUp(run);
  let best = 0;
  for (let i = 0; i < REPEATS; i++) best = Math.max(best, run((seconds * 1000) / REPEATS));
  env.close();
  return best;
}

/** Microseconds per frame of tick, Scene building, arcade rasterizer and generic rasterizer (84×84 gray). */
function breakdown(id: string): string {
  const env = make<unknown, unknown>(id, { kwargs: { obs: 'features' } });
  env.reset({ seed: 0 });
  const game = (env.unwrapped as ArcadeEnv<ArcadeGame>).game;
  const rng = (env.unwrapped as ArcadeEnv<ArcadeGame>).rng;
  const fast = new FrameRasterizer(84, 84, false);
  const out = new Uint8Array(84 * 84);
  const time = (fn: (i: number) => void): number => {
    let best = Infinity;
    for (let rep = 0; rep < 5; rep++) {
      const n = 2000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) fn(i);
      best = Math.min(best, ((performance.now() - t0) * 1000) / n);
    }
    return best;
  };
  const tick = time((i) => {
    game.tick(i % game.numActions, rng);
    if (game.over) game.reset(rng);
  });
  const scene = game.render();
  const render = time(() => game.render());
  const draw = time(() => fast.draw(scene, out));
  const generic = time(() => rasterizeGray(scene, 84, 84, { out }));
  const f = (x: number): string => `${x.toFixed(2)} µs`;
  return `tick ${f(tick)} · scene ${f(render)} (${scene.shapes.length} shapes) · arcade raster ${f(draw)} · generic rasterizeGray ${f(generic)}`;
}

/** Runs `benchOne` in a child process (same loader flags as this one). */
function benchIsolated(id: string, mode: Mode, seconds: number): number {
  const script = fileURLToPath(import.meta.url);
  const loader = process.execArgv.some((arg) => arg.includes('tsx')) ? [] : ['--import', import.meta.resolve('tsx')];
  const child = spawnSync(process.execPath, [...process.execArgv, ...loader, script, '--child', id, '--mode', mode, '--seconds', String(seconds)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench arcade: measuring ${id} (${mode}) failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-12).join('\n')}`);
  return Number(child.stdout.trim().split('\n').at(-1));
}

function formatRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}

/** Options of `runArcadeBench`. */
export interface ArcadeBenchOptions {
  readonly json?: boolean;
  readonly seconds?: number;
  readonly only?: readonly string[];
  readonly breakdown?: boolean;
}

/** Runs the benchmark and prints a table (or JSON). Returns the rows. */
export function runArcadeBench(opts: ArcadeBenchOptions = {}): ArcadeBenchRow[] {
  const seconds = opts.seconds ?? 0.4;
  const ids = Object.keys(ARCADE_TARGETS).filter((id) => opts.only === undefined || opts.only.includes(id));
  const log = (line: string): void => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  log(`bench arcade · commit ${commitId()} · ${machine()}`);
  log('make(id, { kwargs: { obs } }), random actions, resets included; pixels = 84×84 gray, frame skip, sticky actions, 4-frame stack\n');
  log(`${'env'.padEnd(14)} ${'features'.padStart(10)} ${'target'.padStart(8)} ${'pixels'.padStart(10)} ${'target'.padStart(8)}`);
  const rows: ArcadeBenchRow[] = [];
  for (const id of ids) {
    const features = benchIsolated(id, 'features', seconds);
    const pixels = benchIsolated(id, 'pixels', seconds);
    rows.push({ id, mode: 'features', steps_per_s: Math.round(features) }, { id, mode: 'pixels', steps_per_s: Math.round(pixels) });
    const target = ARCADE_TARGETS[id];
    const met = (x: number, t: number): string => `${formatRate(t)}${x >= t ? ' ✓' : ' ✗'}`;
    log(`${id.padEnd(14)} ${formatRate(features).padStart(10)} ${met(features, target.features).padStart(8)} ${formatRate(pixels).padStart(10)} ${met(pixels, target.pixels).padStart(8)}`);
  }
  if (opts.breakdown) {
    log('\nper frame (pixels mode renders 2 frames per step at frameSkip ≥ 2, 1 at frameSkip 1):');
    for (const id of ids) log(`${id.padEnd(14)} ${breakdown(id)}`);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify({ commit: commitId(), machine: machine(), envs: rows })}\n`);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const secondsArg = at('--seconds');
  const seconds = secondsArg === undefined ? 0.4 : Number(secondsArg);
  if (!(seconds > 0 && seconds <= 60)) throw new Error(`bench arcade: --seconds must be in (0, 60], received "${secondsArg}"`);
  const child = at('--child');
  if (child !== undefined) {
    const mode = at('--mode') === 'pixels' ? 'pixels' : 'features';
    process.stdout.write(`${await benchOne(child, mode, seconds)}\n`);
    process.exit(0);
  }
  runArcadeBench({ json: args.includes('--json'), seconds, only: at('--only')?.split(','), breakdown: args.includes('--breakdown') });
}
