/**
 * How hard can you push the walker? A trained AmpFootWalker-v0 checkpoint (by default the zoo's) plays
 * deterministic episodes with the env's `pushImpulse` kwarg at increasing sizes (horizontal impulses on the
 * hull, forward or backward at random, every `pushInterval` s on average; seeded by the episode seed), and
 * the table gives, per size, the share of episodes that end in a fall, the share that reach the finish and
 * the mean return. The plot (fall rate against impulse) goes to `--out`.
 *
 *   npx tsx bench/walker-push.ts [--checkpoint zoo/AmpFootWalker-v0.ppo.safetensors] [--impulses 0,10,20,30,40,60,80]
 *                                [--interval 2] [--episodes 50] [--seed 0] [--out docs/walker-push.png]
 */
import { writeFileSync } from 'node:fs';
import '../envs/index.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { evaluatePolicy } from '../src/cli/eval.ts';
import { encodePng } from '../src/cli/render.ts';
import { readCheckpoint } from '../src/cli/run-context.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { rasterize } from '../src/gym/raster.ts';
import { make } from '../src/gym/registry.ts';
import type { Scene, Shape } from '../src/gym/scene.ts';
import { FINISH_X, START_X } from '../envs/robot/terrain.ts';

/** Mass of the hull at the default 75 kg body (kg): an impulse J changes the hull's speed by J / HULL_MASS_KG before the legs take part. */
const HULL_MASS_KG = 49.95;

/** One push size's outcome. */
interface PushRow {
  impulse: number;
  episodes: number;
  falls: number;
  finishes: number;
  meanReturn: number;
}

interface Args {
  checkpoint: string;
  impulses: number[];
  interval: number;
  episodes: number;
  seed: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
  };
  const num = (flag: string, fallback: number, ok: (n: number) => boolean, expected: string): number => {
    const v = value(flag);
    const n = v === undefined ? fallback : Number(v);
    if (!ok(n)) throw new Error(`bench/walker-push: ${flag} must be ${expected}, received ${v}`);
    return n;
  };
  const impulses = (value('--impulses') ?? '0,10,20,30,40,60,80').split(',').map(Number);
  if (impulses.some((j) => !(j >= 0))) throw new Error(`bench/walker-push: --impulses must be a comma-separated list of numbers ≥ 0 (N·s), received ${value('--impulses')}`);
  return {
    checkpoint: value('--checkpoint') ?? 'zoo/AmpFootWalker-v0.ppo.safetensors',
    impulses,
    interval: num('--interval', 2, (n) => n > 0, 'a number > 0 (s)'),
    episodes: num('--episodes', 50, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1'),
    seed: num('--seed', 0, (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0'),
    out: value('--out') ?? 'docs/walker-push.png',
  };
}

/** Plays the checkpoint's deterministic policy under pushes of each size. */
function measure(args: Args): PushRow[] {
  const ckpt = readCheckpoint(args.checkpoint);
  const meta = readCheckpointMeta(ckpt);
  const probe = make(meta.envId, { kwargs: meta.envKwargs });
  const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
  probe.close();
  return args.impulses.map((impulse) => {
    const kwargs = { ...meta.envKwargs, pushImpulse: impulse, pushInterval: args.interval };
    const r = evaluatePolicy(policy, () => make(meta.envId, { kwargs }), args.episodes, args.seed);
    const finished = (e: number): boolean => r.terminated[e] && (r.ends[e].distance as number) >= FINISH_X - START_X;
    const falls = r.terminated.filter((t, e) => t && !finished(e)).length;
    const finishes = r.terminated.filter((_, e) => finished(e)).length;
    return { impulse, episodes: args.episodes, falls, finishes, meanReturn: r.returns.reduce((a, b) => a + b, 0) / args.episodes };
  });
}

// ── the plot ──

const PLOT = { width: 720, height: 440, left: 80, right: 690, bottom: 60, top: 370 } as const;
const TEXT = '#202020';
const SMALL = 10;

function text(id: string, x: number, y: number, s: string, opts: { size?: number; align?: 'left' | 'center' | 'right'; angle?: number } = {}): Shape {
  return { id, kind: 'text', x: Math.round(x), y: Math.round(y), angle: opts.angle ?? 0, text: s, size: opts.size ?? SMALL, align: opts.align ?? 'left', fill: TEXT };
}

function segment(id: string, x0: number, y0: number, x1: number, y1: number, stroke: string, lineWidth = 1): Shape {
  return { id, kind: 'line', x: 0, y: 0, angle: 0, points: [x0, y0, x1, y1], stroke, lineWidth };
}

/** Fall rate (red) and finish rate (blue) against impulse, with grid, ticks and labels, in pixel units (y up). */
function plotScene(rows: readonly PushRow[], args: Args): Scene {
  const { width, height, left, right, bottom, top } = PLOT;
  const jMax = Math.max(10, ...rows.map((r) => r.impulse));
  const px = (j: number): number => left + (j / jMax) * (right - left);
  const py = (share: number): number => bottom + share * (top - bottom);
  const shapes: Shape[] = [];
  for (let k = 0; k <= 10; k++) {
    shapes.push(segment(`grid-y-${k}`, left, py(k / 10), right, py(k / 10), '#e2e2e2'));
    shapes.push(text(`label-y-${k}`, left - 8, py(k / 10) - SMALL / 2, `${k * 10}%`, { align: 'right' }));
  }
  const tick = jMax <= 50 ? 5 : jMax <= 100 ? 10 : 20;
  for (let j = 0, k = 0; j <= jMax; j += tick, k++) {
    shapes.push(segment(`grid-x-${k}`, px(j), bottom, px(j), top, '#e2e2e2'));
    shapes.push(text(`label-x-${k}`, px(j), bottom - 20, String(j), { align: 'center' }));
  }
  const curve = (id: string, share: (r: PushRow) => number, color: string): void => {
    const points = rows.flatMap((r) => [px(r.impulse), py(share(r))]);
    shapes.push({ id, kind: 'polyline', x: 0, y: 0, angle: 0, points, stroke: color, lineWidth: 3 });
    rows.forEach((r, k) => shapes.push({ id: `${id}-dot-${k}`, kind: 'circle', x: px(r.impulse), y: py(share(r)), angle: 0, radius: 4, fill: color }));
  };
  curve('falls', (r) => r.falls / r.episodes, '#d62728');
  curve('finishes', (r) => r.finishes / r.episodes, '#1f77b4');
  shapes.push({ id: 'frame', kind: 'rect', x: (left + right) / 2, y: (bottom + top) / 2, angle: 0, width: right - left, height: top - bottom, stroke: TEXT, lineWidth: 1 });
  // the legend at mid height on the right, where the falls have reached 100 % and the finishes 0 % at large pushes
  const ly = py(0.6);
  shapes.push({ id: 'legend', kind: 'rect', x: right - 112, y: ly - 9, angle: 0, width: 200, height: 44, fill: '#ffffff', stroke: '#b0b0b0', lineWidth: 1 });
  shapes.push(segment('legend-falls', right - 205, ly, right - 180, ly, '#d62728', 3));
  shapes.push(text('legend-falls-label', right - 173, ly - 5, 'EPISODES THAT FALL'));
  shapes.push(segment('legend-finishes', right - 205, ly - 18, right - 180, ly - 18, '#1f77b4', 3));
  shapes.push(text('legend-finishes-label', right - 173, ly - 23, 'EPISODES THAT FINISH'));
  shapes.push(text('title', width / 2, top + 40, 'AMPFOOTWALKER-V0: THE ZOO WALKER UNDER RANDOM PUSHES ON THE HULL', { size: 13, align: 'center' }));
  shapes.push(text('subtitle', width / 2, top + 18, `FORWARD OR BACKWARD, EVERY ${args.interval} S ON AVERAGE, ${args.episodes} DETERMINISTIC EPISODES PER SIZE`, { align: 'center' }));
  shapes.push(text('x-label', (left + right) / 2, 14, 'IMPULSE PER PUSH (NEWTON SECONDS)', { align: 'center' }));
  shapes.push(text('y-label', 24, (bottom + top) / 2, 'SHARE OF EPISODES', { align: 'center', angle: Math.PI / 2 }));
  return { bounds: { xMin: 0, xMax: width, yMin: 0, yMax: height }, background: '#ffffff', shapes };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const rows = measure(args);
  writeFileSync(args.out, encodePng(rasterize(plotScene(rows, args), PLOT.width, PLOT.height, { supersample: 2 }), PLOT.width, PLOT.height));
  console.log(`bench walker-push · commit ${commitId()} · ${machine()}`);
  console.log(`${args.checkpoint}, pushes every ${args.interval} s on average (0.5–1.5×), ${args.episodes} episodes per size from seed ${args.seed}; plot ${args.out}\n`);
  console.log('| impulse (N·s) | hull Δv (m/s) | falls | finishes | mean return |\n|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.impulse} | ${(r.impulse / HULL_MASS_KG).toFixed(2)} | ${r.falls} / ${r.episodes} (${((100 * r.falls) / r.episodes).toFixed(0)} %) | ${r.finishes} / ${r.episodes} | ${r.meanReturn.toFixed(1)} |`);
  }
}

main();
