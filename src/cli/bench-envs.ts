/**
 * `dojo bench envs [--json] [--seconds s] [--only id,id]` (also `npm run bench:envs`): steps/s of every
 * registered env with random actions, resets included, in three modes: `single` (one `make(id)` env,
 * default wrappers included, as a user gets it), `vector` (a SyncVectorEnv of 16 copies in this thread)
 * and `workers` (16 copies on 2 worker threads). Classic envs are compared with Gymnasium's single-env
 * rates (GYMNASIUM_REFERENCE); the target is 30× in single mode. `Debug/SlowEnv-v0` (≈ 56 µs of CPU work
 * per step) shows the worker speed-up (target ≥ 1.6× single). The painting env adds a `brush` row: its stroke
 * rasteriser alone on random strokes at 64×64 (issue 27's target: ≥ 20k strokes/s single-threaded).
 *
 * Each env is measured in its own child process, so the JIT sees only that env (as in a training run, and
 * as Gymnasium's per-env numbers were taken). Every mode warms up by the same rule (`warmUp`), then
 * reports the best of a few short runs (Gymnasium's baseline is the best of 8 runs).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import '../../envs/index.ts';
import { ConfigError } from '../core/errors.ts';
import { makeSyncVec, make, makeVec, registeredIds } from '../gym/registry.ts';
import { sample } from '../gym/spaces.ts';
import { sampleActions, type VectorEnv } from '../gym/vector/vector-env.ts';
import { Brush, strokeFromAction } from '../../envs/art/stroke.ts';
import { benchCommand } from './bench.ts';
import { commitId, machine } from './provenance.ts';

/**
 * Gymnasium's single-env steps/s, with where they come from. The rates are issue 3's: "Gymnasium 1.4
 * (Python 3.11, NumPy 1.24) on these machines, `gymnasium.make(id)` with random actions, best of 8 runs";
 * the command that measured them was not recorded. `bench/gymnasium_envs.py` measures the same way
 * (random actions from `action_space.sample()`, resets included, best of 8 runs) and prints rates to
 * replace these with.
 */
export const GYMNASIUM_REFERENCE = {
  source: 'issue 3: Gymnasium 1.4, Python 3.11, NumPy 1.24, gymnasium.make(id), random actions, best of 8 runs; the measuring command was not recorded',
  reproduce: 'pip install "gymnasium==1.4.*" "numpy==1.24.*" && python3 bench/gymnasium_envs.py',
  stepsPerS: {
    'CartPole-v1': 112_000,
    'Acrobot-v1': 19_600,
    'MountainCar-v0': 55_500,
    'MountainCarContinuous-v0': 39_700,
    'Pendulum-v1': 24_200,
  } as Readonly<Record<string, number>>,
} as const;

/** Issue 27's rate for the painting envs' brush (strokes/s single-threaded at 64×64), measured as a `brush` row. */
const STROKE_RATE_TARGETS: Readonly<Record<string, number>> = { 'Paint-v0': 20_000 };

/** Copies in the vector modes. */
const NUM_ENVS = 16;
/** Worker threads in the `workers` mode. */
const WORKERS = 2;
/** Short runs per mode; the best counts. */
const REPEATS = 8;
/** Length of one warm-up chunk (ms): long enough that its rate is not noise. */
const WARMUP_CHUNK_MS = 500;
/** Longest warm-up of one mode (ms). */
const WARMUP_MAX_MS = 20_000;

/** One measurement. */
interface EnvBenchRow {
  readonly id: string;
  /** `brush`: the painting envs' stroke rasteriser alone (strokes/s), next to their env rates. */
  readonly mode: 'single' | 'vector' | 'workers' | 'brush';
  readonly steps_per_s: number;
}

/** Options of `runEnvBench`. */
interface EnvBenchOptions {
  readonly json?: boolean;
  /** Measuring time per env and mode, after the warm-up. */
  readonly seconds?: number;
  readonly only?: readonly string[];
}

/** Steps/s of one timed run of `budgetMs`. */
type TimedRun = (budgetMs: number) => number | Promise<number>;

/**
 * The warm-up of every mode: runs of WARMUP_CHUNK_MS until the rate stops rising (two chunks in a row no
 * faster than the best so far by 2 %), at most WARMUP_MAX_MS. Worker threads compile the env afresh, and a
 * heavy env (the walker) needs seconds of steps before its workers run at speed (on an Intel VM ~10 s; a
 * warm-up that stopped at two 0.1 s chunks within 3 % read 1.30× single for AmpFootWalker-v0 on 2 workers
 * where 20 s of measuring reads 1.6×); single mode warms by the same rule so the modes compare alike.
 */
export async function warmUp(run: TimedRun, chunkMs = WARMUP_CHUNK_MS, maxMs = WARMUP_MAX_MS): Promise<number> {
  let fastest = await run(chunkMs);
  let flat = 0;
  let spent = chunkMs;
  for (; spent < maxMs && flat < 2; spent += chunkMs) {
    const rate = await run(chunkMs);
    if (rate > 1.02 * fastest) {
      fastest = rate;
      flat = 0;
    } else flat++;
  }
  return spent;
}

/** Warms up, then the best rate of REPEATS runs sharing `seconds`. */
async function bestRate(run: TimedRun, seconds: number): Promise<number> {
  await warmUp(run);
  let best = 0;
  for (let i = 0; i < REPEATS; i++) best = Math.max(best, await run((seconds * 1000) / REPEATS));
  return best;
}

/** Steps/s of one `make(id)` env stepped with `sample(actionSpace, actionRng)`. */
async function benchSingle(id: string, seconds: number): Promise<number> {
  const env = make<unknown, unknown>(id);
  let mask = env.reset({ seed: 0 }).mask; // board games take legal moves only
  const run = (budgetMs: number): number => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let k = 0; k < 256; k++) {
        const r = env.step(sample(env.actionSpace, env.actionRng, mask));
        mask = r.terminated || r.truncated ? env.reset().mask : r.mask;
      }
      steps += 256;
      now = performance.now();
    }
    return (steps * 1000) / (now - start);
  };
  const best = await bestRate(run, seconds);
  env.close();
  return best;
}

/** Steps/s (summed over copies) of a vector env stepped with random actions. */
async function benchVector(vec: VectorEnv, seconds: number): Promise<number> {
  let masks = (await vec.reset({ seed: 0 })).masks;
  const run = async (budgetMs: number): Promise<number> => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      masks = (await vec.step(sampleActions(vec.singleActionSpace, vec.numEnvs, vec.actionRng, masks))).masks;
      steps += vec.numEnvs;
      now = performance.now();
    }
    return (steps * 1000) / (now - start);
  };
  const best = await bestRate(run, seconds);
  await vec.close();
  return best;
}

/** Strokes/s of the painting envs' brush alone: random strokes (the env's action distribution) on a 64×64 canvas. */
async function benchBrush(seconds: number): Promise<number> {
  const size = 64;
  const brush = new Brush(size);
  const canvas = new Float32Array(size * size);
  const env = make<unknown, unknown>('Paint-v0');
  env.reset({ seed: 0 });
  const strokes = Array.from({ length: 1024 }, () => strokeFromAction(sample(env.actionSpace, env.actionRng) as Float32Array, size));
  env.close();
  let k = 0;
  const run = (budgetMs: number): number => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let i = 0; i < 256; i++) brush.draw(canvas, strokes[k++ & 1023]);
      n += 256;
      now = performance.now();
    }
    return (n * 1000) / (now - start);
  };
  return bestRate(run, seconds);
}

/** All three modes for one env, in this process (and the brush alone for the painting envs). */
async function benchOne(id: string, seconds: number): Promise<EnvBenchRow[]> {
  const single = await benchSingle(id, seconds);
  const vector = await benchVector(makeSyncVec(id, NUM_ENVS), seconds);
  const workers = await benchVector(await makeVec(id, NUM_ENVS, { workers: WORKERS }), seconds);
  const rows: EnvBenchRow[] = [
    { id, mode: 'single', steps_per_s: Math.round(single) },
    { id, mode: 'vector', steps_per_s: Math.round(vector) },
    { id, mode: 'workers', steps_per_s: Math.round(workers) },
  ];
  if (id in STROKE_RATE_TARGETS) rows.push({ id, mode: 'brush', steps_per_s: Math.round(await benchBrush(seconds)) });
  return rows;
}

/** Runs `benchOne` in a child process (this file as a script, with tsx's loader) and parses its rows. */
function benchIsolated(id: string, seconds: number): EnvBenchRow[] {
  const script = fileURLToPath(import.meta.url);
  // Under `npx tsx` the loader flags are in execArgv; under the dojo CLI (tsx's register API) they are not.
  const loader = process.execArgv.some((arg) => arg.includes('tsx')) ? [] : ['--import', import.meta.resolve('tsx')];
  const child = spawnSync(process.execPath, [...process.execArgv, ...loader, script, '--child', id, '--seconds', String(seconds)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench envs: measuring ${id} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-12).join('\n')}`);
  const rows: unknown = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '[]');
  if (!Array.isArray(rows) || rows.length < 3) throw new Error(`bench envs: unexpected output for ${id}: ${child.stdout}`);
  return rows as EnvBenchRow[];
}

function formatRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0);
}

/** Runs the benchmark and prints a table (or JSON). Returns the rows. */
async function runEnvBench(opts: EnvBenchOptions = {}): Promise<EnvBenchRow[]> {
  const seconds = opts.seconds ?? 0.4;
  const ids = registeredIds().filter((id) => opts.only === undefined || opts.only.includes(id));
  const rows: EnvBenchRow[] = [];
  const log = (line: string): void => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  log(`bench envs · commit ${commitId()} · ${machine()}`);
  log(`random actions, resets included; vector = ${NUM_ENVS} copies in-process, workers = ${NUM_ENVS} copies on ${WORKERS} threads;`);
  log(`every mode warms up in ${WARMUP_CHUNK_MS / 1000} s runs until its rate stops rising (at most ${WARMUP_MAX_MS / 1000} s), then the best of ${REPEATS} runs over ${seconds} s`);
  log(`Gymnasium reference: ${GYMNASIUM_REFERENCE.source}; to reproduce: ${GYMNASIUM_REFERENCE.reproduce}\n`);
  log(`${'env'.padEnd(26)} ${'single'.padStart(9)} ${'vector'.padStart(9)} ${'workers'.padStart(9)}   notes`);
  for (const id of ids) {
    const [singleRow, vectorRow, workersRow, brushRow] = benchIsolated(id, seconds);
    rows.push(singleRow, vectorRow, workersRow, ...(brushRow === undefined ? [] : [brushRow]));
    const single = singleRow.steps_per_s;
    const gym = GYMNASIUM_REFERENCE.stepsPerS[id];
    const notes =
      gym !== undefined
        ? `${(single / gym).toFixed(1)}× Gymnasium (${formatRate(gym)}/s; target 30×${single >= 30 * gym ? ', met' : ', NOT met'})`
        : brushRow !== undefined
          ? `one stroke per step; brush alone ${formatRate(brushRow.steps_per_s)} strokes/s at 64×64 (target ≥ ${formatRate(STROKE_RATE_TARGETS[id])}${brushRow.steps_per_s >= STROKE_RATE_TARGETS[id] ? ', met' : ', NOT met'})`
          : `workers ${(workersRow.steps_per_s / single).toFixed(2)}× single`;
    log(`${id.padEnd(26)} ${formatRate(single).padStart(9)} ${formatRate(vectorRow.steps_per_s).padStart(9)} ${formatRate(workersRow.steps_per_s).padStart(9)}   ${notes}`);
  }
  if (opts.json) {
    const gymnasium = { source: GYMNASIUM_REFERENCE.source, reproduce: GYMNASIUM_REFERENCE.reproduce, steps_per_s: GYMNASIUM_REFERENCE.stepsPerS };
    process.stdout.write(`${JSON.stringify({ commit: commitId(), machine: machine(), gymnasium, envs: rows })}\n`);
  }
  return rows;
}

/** Options of `dojo bench envs`. */
interface BenchEnvsFlags {
  json?: boolean;
  seconds?: string;
  only?: string;
}

/** Adds `dojo bench envs`. */
export function register(program: Command): void {
  benchCommand(program)
    .command('envs')
    .description('steps/s of every registered env: single, vector in-process, 2 workers (random actions, resets included)')
    .option('--json', 'print {"commit","machine","gymnasium","envs":[{"id","mode","steps_per_s"}]}')
    .option('--seconds <s>', 'measuring time per env and mode, after the warm-up', '0.4')
    .option('--only <ids>', 'comma-separated env ids')
    .action(async (flags: BenchEnvsFlags) => {
      const seconds = Number(flags.seconds ?? '0.4');
      if (!(seconds > 0 && seconds <= 60)) throw new ConfigError(`bench envs: --seconds must be in (0, 60], received "${flags.seconds}"`);
      await runEnvBench({ json: flags.json === true, seconds, only: flags.only?.split(',').filter((s) => s.length > 0) });
    });
}

// the child process of `benchIsolated`: one env, all modes, rows as JSON on stdout
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const child = at('--child');
  if (child === undefined) throw new ConfigError('bench envs: run `dojo bench envs`; this file runs as a script only as its own child (--child <id>)');
  process.stdout.write(`${JSON.stringify(await benchOne(child, Number(at('--seconds') ?? '0.4')))}\n`);
  process.exit(0);
}
