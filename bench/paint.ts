/**
 * `npx tsx bench/paint.ts [--episodes 100] [--k 64] [--search-k 1024] [--refine 1000] [--search-frame-span 0]
 * [--checkpoint file …] [--json]`:
 * painters on Paint-v0's
 * held-out targets (issue 27). Each painter paints the targets of env seeds 0…episodes−1 with
 * `targets: 'heldout'` (target seeds never drawn in training) for the env's 20 strokes; the score is the
 * fraction of the blank canvas's L2 distance removed (`info.removed` at the last stroke), averaged over the
 * targets. Painters: `random` (uniform strokes), `greedy` (best of K random strokes, envs/art/painters.ts),
 * `search` (best of `--search-k` random strokes refined by `--refine` trial strokes of hill climbing, SearchPainter:
 * how much 20 strokes placed one by one can remove at all; `--search-k 0` leaves it out; with `--search-frame-span S` > 0 it
 * searches in the env's `actionFrame: 'window'` with `frameSpan: S`, the frame a window-frame policy acts in)
 * and each `--checkpoint` (a trained policy, deterministic actions, on the env kwargs it was trained with, its
 * action frame included).
 * The cost per stroke is CPU time (process.cpuUsage, so other load on the machine does not count): of
 * choosing the action alone (`decide`: the policy's forward pass, or greedy's K trial strokes; timed by
 * repeating decisions on the last canvas for a second of CPU), and of choosing it and placing the stroke in
 * the env (`total`, over the whole evaluation). Last, the brush's rate in strokes per CPU-second.
 */
import '../envs/index.ts';
import { Paint } from '../envs/art/paint.ts';
import { GreedyPainter, randomStrokeAction, SearchPainter } from '../envs/art/painters.ts';
import { Brush, strokeFromAction } from '../envs/art/stroke.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { readCheckpoint } from '../src/cli/run-context.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { Rng } from '../src/core/rng.ts';
import { make } from '../src/gym/registry.ts';

/** CPU time spent timing one painter's decisions (µs). */
const DECIDE_CPU_US = 1_000_000;

/** What one painter scored. */
interface PainterResult {
  readonly painter: string;
  readonly episodes: number;
  /** Mean fraction of the blank canvas's distance removed, and its standard deviation over targets. */
  readonly removed: number;
  readonly removed_std: number;
  /** Mean CPU microseconds per stroke: choosing the action (the painter's own cost), and that plus placing the stroke. */
  readonly decide_us_per_stroke: number;
  readonly cpu_us_per_stroke: number;
}

/** Chooses the next action from the observation and the base env. */
type Choose = (obs: Float32Array, env: Paint) => Float32Array;

/** Paints `episodes` held-out targets with `choose`. */
function evaluate(painter: string, id: string, kwargs: Readonly<Record<string, unknown>>, episodes: number, choose: Choose, onEpisode?: () => void): PainterResult {
  const env = make<Float32Array, Float32Array>(id, { kwargs: { ...kwargs, targets: 'heldout' } });
  const base = env.unwrapped as unknown as Paint;
  const removed: number[] = [];
  let strokes = 0;
  let last: Float32Array | null = null;
  const start = process.cpuUsage();
  for (let e = 0; e < episodes; e++) {
    let { obs, info } = env.reset({ seed: e });
    onEpisode?.();
    for (let done = false; !done; strokes++) {
      const r = env.step(choose(obs, base));
      obs = r.obs;
      info = r.info;
      done = r.terminated || r.truncated;
    }
    removed.push(info.removed as number);
    last = obs;
  }
  const cpu = process.cpuUsage(start);
  const decideUs = decideCost(() => choose(last as Float32Array, base));
  env.close();
  const mean = removed.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(removed.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { painter, episodes, removed: mean, removed_std: std, decide_us_per_stroke: decideUs, cpu_us_per_stroke: (cpu.user + cpu.system) / strokes };
}

/**
 * CPU microseconds of one decision, from repeating it for DECIDE_CPU_US of CPU time on the last canvas
 * of the evaluation (process.cpuUsage is too coarse to time one decision of a few microseconds).
 */
function decideCost(decide: () => unknown): number {
  const start = process.cpuUsage();
  let reps = 0, spent = 0;
  while (spent < DECIDE_CPU_US) {
    for (let i = 0; i < 16; i++) decide();
    reps += 16;
    const u = process.cpuUsage(start);
    spent = u.user + u.system;
  }
  return spent / reps;
}

/**
 * The brush alone: random strokes of the env's action distribution drawn on one 64×64 canvas for a second
 * of CPU, as strokes per CPU-second (so it reads the same on a loaded machine; `dojo bench envs` gives the
 * wall-clock rate).
 */
function brushRate(): number {
  const size = 64;
  const rng = new Rng(2);
  const strokes = Array.from({ length: 1024 }, () => strokeFromAction(randomStrokeAction(rng), size));
  const brush = new Brush(size);
  const canvas = new Float32Array(size * size);
  for (let i = 0; i < 20_000; i++) brush.draw(canvas, strokes[i & 1023]); // warm-up
  const start = process.cpuUsage();
  let n = 0, spent = 0;
  while (spent < 1_000_000) {
    for (let i = 0; i < 256; i++) brush.draw(canvas, strokes[(n + i) & 1023]);
    n += 256;
    const u = process.cpuUsage(start);
    spent = u.user + u.system;
  }
  return (n * 1e6) / spent;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const episodes = Number(flag(args, '--episodes') ?? '100');
  const k = Number(flag(args, '--k') ?? '64');
  const searchK = Number(flag(args, '--search-k') ?? '1024');
  const refine = Number(flag(args, '--refine') ?? '1000');
  const searchSpan = Number(flag(args, '--search-frame-span') ?? '0');
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`bench/paint: --episodes must be a positive integer, received ${flag(args, '--episodes')}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`bench/paint: --k must be a positive integer, received ${flag(args, '--k')}`);
  if (!Number.isInteger(searchK) || searchK < 0) throw new Error(`bench/paint: --search-k must be an integer ≥ 0 (0: no search row), received ${flag(args, '--search-k')}`);
  if (!Number.isInteger(refine) || refine < 0) throw new Error(`bench/paint: --refine must be an integer ≥ 0, received ${flag(args, '--refine')}`);
  if (!(searchSpan === 0 || (searchSpan >= 1 && searchSpan <= 4))) throw new Error(`bench/paint: --search-frame-span must be 0 (the canvas frame) or a number in [1, 4], received ${flag(args, '--search-frame-span')}`);
  const checkpoints = args.flatMap((a, i) => (a === '--checkpoint' ? [args[i + 1]] : []));
  const rows: PainterResult[] = [];
  const randomRng = new Rng(0), greedyRng = new Rng(1), searchRng = new Rng(3);
  rows.push(evaluate('random', 'Paint-v0', {}, episodes, () => randomStrokeAction(randomRng)));
  const greedy = new GreedyPainter(k, 64);
  rows.push(evaluate(`greedy (best of ${k})`, 'Paint-v0', {}, episodes, (_obs, env) => greedy.choose(env, greedyRng)));
  if (searchK > 0) {
    const search = new SearchPainter(searchK, refine, 64);
    const frame = searchSpan > 0 ? { actionFrame: 'window', frameSpan: searchSpan } : {};
    const name = `search (best of ${searchK}, ${refine} refining trials${searchSpan > 0 ? `, window frame ×${searchSpan}` : ''})`;
    rows.push(evaluate(name, 'Paint-v0', frame, episodes, (_obs, env) => search.choose(env, searchRng, undefined, env.strokeFrame())));
  }
  for (const path of checkpoints) {
    const ckpt = readCheckpoint(path);
    const meta = readCheckpointMeta(ckpt);
    const probe = make(meta.envId, { kwargs: meta.envKwargs });
    const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
    probe.close();
    rows.push(evaluate(`${meta.algo} ${path}`, meta.envId, meta.envKwargs, episodes, (obs) => policy.act(obs, { deterministic: true }) as Float32Array, () => policy.resetState()));
  }
  const brush = brushRate();
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ commit: commitId(), machine: machine(), brush_strokes_per_cpu_s: Math.round(brush), rows })}\n`);
    return;
  }
  process.stdout.write(`bench paint · commit ${commitId()} · ${machine()}\n${episodes} held-out targets (env seeds 0–${episodes - 1}, targets: 'heldout'), 20 strokes each\n\n`);
  process.stdout.write(`${'painter'.padEnd(60)} ${'removed'.padStart(8)} ${'± std'.padStart(7)} ${'decide µs'.padStart(10)} ${'total µs'.padStart(10)}  (CPU per stroke)\n`);
  for (const r of rows) process.stdout.write(`${r.painter.padEnd(60)} ${(100 * r.removed).toFixed(1).padStart(7)}% ${(100 * r.removed_std).toFixed(1).padStart(6)}% ${r.decide_us_per_stroke.toFixed(1).padStart(10)} ${r.cpu_us_per_stroke.toFixed(1).padStart(10)}\n`);
  process.stdout.write(`\nbrush alone: ${Math.round(brush)} random 64×64 strokes per CPU-second (issue 27's target: ≥ 20,000 strokes/s single-threaded)\n`);
}

main();
