/**
 * The learning benchmark (issue: "Learning results"): every (algorithm, env) row trains for its
 * budget on each seed, then the final policy is scored by the mean return of 100 deterministic
 * evaluation episodes. Also records the wall clock and, from every training episode, the step and
 * time at which the mean of the last 20 training episodes first reached the env's threshold.
 *
 *   npm run bench:learn [-- --only ppo-CartPole-v1,dqn-CartPole-v1] [-- --seeds 5] [-- --parallel n] [-- --in-process] [-- --no-write] [-- --save dir]
 *
 * A row's seeds run through the sweep machinery (`dojo sweep`'s local runner, src/cli/sweep-local.ts):
 * each seed is a `dojo train` child in a temporary sweep folder, `--parallel` at a time (default: the
 * core count), so a 5-seed row uses every core; then this process scores each seed's final checkpoint.
 * The last-20 column then comes from the metrics rows (the mean return of the iterations' finished
 * episodes, weighted by their counts, over the latest iterations that hold at least 20 episodes; the time
 * is the row's step divided by its SPS). `--in-process` trains the seeds one after another in this
 * process instead and watches every training episode (the first tables of bench/LEARNING.md).
 * `--save dir` also writes each seed's final checkpoint as dir/<row name>.seed<k>.safetensors.
 *
 * The board row of issue 6 (BOARD_ROWS: PPO with masks on Connect Four) also runs only with `--only`.
 * The arcade rows of issue 7 (ARCADE_ROWS: Pong, Snake, Flappy from features, Catch and Pong from pixels) run only
 * when named, e.g. `--only ppo-Pong-v0,ppo-Snake-v0,ppo-Flappy-v0,ppo-Catch-v0-pixels,dqn-Pong-v0-pixels`; they score the
 * game's own measure (score difference, length, pipes, share caught) from the last `info` of each
 * evaluation episode.
 *
 * Configs live in agents/configs/<algo>-<env>.json (or <row name>.json).
 * A full run rewrites only its own section of bench/LEARNING.md (between LEARN_BEGIN and LEARN_END) and
 * keeps the hand-assembled sections; a run with `--only` writes bench/LEARNING.partial.md.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAgent } from '../agents/index.ts';
import { resolveConfig } from '../agents/common/config.ts';
import type { Policy, RunContext } from '../agents/common/agent.ts';
import type { Episode } from '../agents/common/metrics.ts';
import type { VectorEnv } from '../src/gym/vector/vector-env.ts';
import { recordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';
import { readCheckpoint, runContext, writeCheckpoint } from '../src/cli/run-context.ts';
import { evaluatePolicy } from '../src/cli/eval.ts';
import { spec as envSpec } from '../src/gym/registry.ts';
import type { Info } from '../src/gym/env.ts';
import { readPreset } from '../src/cli/presets.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { parseSweepSpec, planSweep } from '../src/cli/sweep-spec.ts';
import { runLocalSweep } from '../src/cli/sweep-local.ts';
import type { Env } from '../src/gym/env.ts';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * What a row scores, when it is not the mean return: `of` reads one evaluation episode's last `info` (and
 * its return), and the row's score is the mean over the episodes. `trainReturn` is the training-return
 * level that counts as reaching the target for the last-20 column (training episodes carry no info).
 */
type Metric = { name: string; of: (info: Info, ret: number) => number; trainReturn: number; digits?: number };

/**
 * One row of a table: `target` on the mean of `metric` (default: the return) over `episodes` (default
 * 100) deterministic evaluation episodes, within `steps`. `name` (default `<algo>-<env>`) names the row for
 * `--only` and its config file; `kwargs` go to `make` for training and evaluation.
 */
type Row = {
  algo: string; env: string; target: number; steps: number; need?: string; zoo?: string;
  name?: string; kwargs?: Record<string, unknown>; episodes?: number; metric?: Metric; seeds?: number;
};

/** The row's name: `--only` key and config file stem. */
const rowName = (row: Row): string => row.name ?? `${row.algo}-${row.env}`;

/** Snake's length when the episode ended (info.length). */
const snakeLength: Metric = { name: 'length', of: (info) => info.length as number, trainReturn: 11 };
/** Flappy's pipes passed (info.score). */
const flappyPipes: Metric = { name: 'pipes', of: (info) => info.score as number, trainReturn: 49 };
/** Catch's share of balls caught (info.caught, info.missed). */
const catchRate: Metric = { name: 'caught', of: (info) => (info.caught as number) / ((info.caught as number) + (info.missed as number)), trainReturn: 0.9, digits: 2 };
/** Pong's final score difference, agent minus opponent (equal to the return). */
const pongDifference: Metric = { name: 'score difference', of: (info) => (info.agentScore as number) - (info.opponentScore as number), trainReturn: 10 };

/** The issue's table: target on the 100-episode evaluation, within a step budget. */
export const ROWS: readonly Row[] = [
  { algo: 'ppo', env: 'CartPole-v1', target: 475, steps: 100_000, need: '≥ 4 of 5 seeds', zoo: '500 at 100k' },
  { algo: 'dqn', env: 'CartPole-v1', target: 475, steps: 100_000, need: '≥ 4 of 5 seeds', zoo: '500 at 50k' },
  { algo: 'a2c', env: 'CartPole-v1', target: 475, steps: 500_000 },
  { algo: 'ppo', env: 'Acrobot-v1', target: -100, steps: 200_000 },
  { algo: 'dqn', env: 'Acrobot-v1', target: -100, steps: 100_000, zoo: '−76.6' },
  { algo: 'dqn', env: 'MountainCar-v0', target: -110, steps: 150_000, zoo: '−100.8 at 120k' },
  { algo: 'sac', env: 'Pendulum-v1', target: -200, steps: 20_000, zoo: '−157' },
  { algo: 'td3', env: 'Pendulum-v1', target: -200, steps: 20_000, zoo: '−152' },
  { algo: 'sac', env: 'MountainCarContinuous-v0', target: 90, steps: 50_000, zoo: '94.7' },
  { algo: 'ppo', env: 'Pendulum-v1', target: -250, steps: 200_000 },
];

/** Issue 7 (arcade games): the learning targets from features; `--only` runs them (not part of the default table). */
export const ARCADE_ROWS: readonly Row[] = [
  { algo: 'ppo', env: 'Pong-v0', target: 10, steps: 2_000_000, episodes: 20, metric: pongDifference, need: 'score difference ≥ +10 over 20 games' },
  { algo: 'ppo', env: 'Snake-v0', target: 15, steps: 2_000_000, metric: snakeLength, need: 'mean length ≥ 15 (10×10)' },
  { algo: 'ppo', env: 'Flappy-v0', target: 50, steps: 1_000_000, metric: flappyPipes, need: '≥ 50 pipes on average' },
  // 84×84 grayscale pixels, one frame per observation: a falling ball's column and row, and the paddle, are all in one frame
  { algo: 'ppo', env: 'Catch-v0', name: 'ppo-Catch-v0-pixels', kwargs: { obs: 'pixels', frameStack: 1 }, target: 0.95, steps: 200_000, metric: catchRate, need: '≥ 95% caught, CNN policy' },
  // 64×64 grayscale pixels (half the CNN work of 84×84), two stacked frames (the ball's velocity), ALE's sticky actions;
  // 2.1M steps fit the issue's 60 minutes on one core here (bench/LEARNING.md)
  { algo: 'ppo', env: 'Pong-v0', name: 'ppo-Pong-v0-pixels', kwargs: { obs: 'pixels', frameStack: 2, screenWidth: 64, screenHeight: 64 }, target: 0, steps: 2_100_000, episodes: 20, metric: pongDifference, need: 'score difference ≥ 0 over 20 games, CNN policy, ≤ 60 min' },
  // DQN with the CNN on 48×48 frames rendered at 96×96 and max-pooled 2×2 (the 4-unit ball never drops out), two
  // stacked; 1.25M steps take 59.4 minutes on one core here (bench/LEARNING.md, run 11)
  { algo: 'dqn', env: 'Pong-v0', name: 'dqn-Pong-v0-pixels', kwargs: { obs: 'pixels', frameStack: 2, screenWidth: 48, screenHeight: 48, supersample: 2, downscale: 'max' }, target: 0, steps: 1_250_000, episodes: 20, metric: pongDifference, need: 'score difference ≥ 0 over 20 games, CNN Q-network, ≤ 60 min' },
];

/** A board game's share of games won by the agent (the return is +1, 0 or −1). */
const winRate: Metric = { name: 'won', of: (_info, ret) => (ret > 0 ? 1 : 0), trainReturn: 0.9, digits: 3 };

/** Issue 6 (board games): PPO with action masks against the random opponent, seats alternating; `--only` runs it. */
export const BOARD_ROWS: readonly Row[] = [
  { algo: 'ppo', env: 'ConnectFour-v0', target: 0.95, steps: 500_000, episodes: 400, metric: winRate, need: '≥ 95% won vs random, no illegal move' },
];

/** One seed's outcome. */
export type SeedResult = { seed: number; evalMean: number; evalStd: number; wallS: number; solvedStep: number | null; solvedS: number | null };

/** Wraps a context so every finished training episode is seen (for the last-20 threshold). */
function watched(ctx: RunContext, onEpisodes: (eps: readonly Episode[], steps: number) => void): RunContext {
  let steps = 0;
  return {
    ...ctx,
    makeVec: async (n: number): Promise<VectorEnv> => {
      const v = recordVectorEpisodeStatistics(await ctx.makeVec(n));
      return {
        numEnvs: v.numEnvs, spec: v.spec, singleObservationSpace: v.singleObservationSpace, singleActionSpace: v.singleActionSpace, obsDim: v.obsDim, actionDim: v.actionDim, actionRng: v.actionRng,
        reset: (o) => v.reset(o),
        step: async (a) => {
          const r = await v.step(a);
          steps += n;
          onEpisodes(r.episodes, steps);
          return r;
        },
        groups: v.groups,
        setAttr: (name, value) => v.setAttr(name, value),
        stepAsync: (g, a) => v.stepAsync(g, a),
        stepWait: async (g) => {
          const r = await v.stepWait(g);
          steps += r.rewards.length;
          onEpisodes(r.episodes, steps);
          return r;
        },
        close: () => v.close(),
      };
    },
  };
}

/** Trains one seed of one row and scores it. */
export async function runSeed(row: Row, seed: number, overrides: Record<string, unknown> = {}, saveDir: string | null = null): Promise<SeedResult> {
  const agent = getAgent(row.algo);
  // the row's budget, or a smaller one the config was tuned for ("within 100k" is met by a 50k run)
  const cfg = resolveConfig(agent.name, agent.spec, { ...rowConfig(row), ...overrides, seed });
  const threshold = row.metric?.trainReturn ?? envSpec(row.env).rewardThreshold ?? row.target;
  const recent: number[] = [];
  let solvedStep: number | null = null, solvedS: number | null = null;
  const t0 = performance.now();
  const ctx = watched(runContext(row.env, { kwargs: row.kwargs }), (eps, steps) => {
    for (const e of eps) {
      recent.push(e.r);
      if (recent.length > 20) recent.shift();
      if (solvedStep === null && recent.length === 20 && recent.reduce((a, b) => a + b, 0) / 20 >= threshold) {
        solvedStep = steps;
        solvedS = (performance.now() - t0) / 1000;
      }
    }
  });
  const run = agent.createRun(cfg, ctx);
  for await (const _ of run.iterations);
  const wallS = (performance.now() - t0) / 1000;
  if (saveDir !== null) writeCheckpoint(join(saveDir, `${rowName(row)}.seed${seed}.safetensors`), run.checkpoint());
  await run.close();
  return { seed, ...scorePolicy(row, run.policy, ctx.makeEnv), wallS, solvedStep, solvedS };
}

/** The row's score of a policy: the mean and std of its metric (default: the return) over the row's deterministic evaluation episodes. */
function scorePolicy(row: Row, policy: Policy, makeEnv: () => Env): { evalMean: number; evalStd: number } {
  const { returns, ends } = evaluatePolicy(policy, makeEnv, row.episodes ?? 100, 10_000);
  const metric = row.metric;
  const scores = metric === undefined ? returns : returns.map((r, i) => metric.of(ends[i], r));
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  return { evalMean: mean, evalStd: std };
}

/** A row's config for one seed: its preset (or `<row name>.json`) with the row's budget, or the smaller one the config was tuned for. */
function rowConfig(row: Row): Record<string, unknown> {
  const fromFile = readPreset(rowName(row))?.values ?? {};
  const budget = typeof fromFile.totalTimesteps === 'number' && fromFile.totalTimesteps < row.steps ? fromFile.totalTimesteps : row.steps;
  return { ...fromFile, totalTimesteps: budget };
}

/**
 * Trains a row's seeds as a local sweep (`dojo train` children, `parallel` at a time, in a temporary
 * sweep folder) and scores each seed's final checkpoint here; the last-20 column comes from each run's
 * metrics rows (see the file header).
 */
export async function runSeedsInSweep(row: Row, seeds: readonly number[], parallel: number, saveDir: string | null = null): Promise<SeedResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dojo-bench-learn-'));
  try {
    const spec = parseSweepSpec({ name: rowName(row), env: row.env, envKwargs: row.kwargs ?? {}, algo: row.algo, base: 'defaults', config: rowConfig(row), seeds, evalEpisodes: 1 });
    const plan = planSweep(spec, here);
    const results = await runLocalSweep(plan, dir, { parallel, log: () => {} });
    const threshold = row.metric?.trainReturn ?? envSpec(row.env).rewardThreshold ?? row.target;
    const agent = getAgent(row.algo);
    return plan.trials.map((t) => {
      const r = results.get(t.id);
      const final = join(dir, t.id, 'final.safetensors');
      if (r?.status !== 'done' || !existsSync(final)) throw new Error(`bench learn: ${rowName(row)} seed ${t.seed} did not finish: ${r?.error ?? 'no result (stopped by a signal?)'}`);
      if (saveDir !== null) {
        mkdirSync(saveDir, { recursive: true });
        copyFileSync(final, join(saveDir, `${rowName(row)}.seed${t.seed}.safetensors`));
      }
      const ctx = runContext(row.env, { kwargs: row.kwargs });
      const probe = ctx.makeEnv();
      const policy = agent.loadPolicy(readCheckpoint(final), probe.observationSpace, probe.actionSpace);
      probe.close();
      return { seed: t.seed, ...scorePolicy(row, policy, ctx.makeEnv), wallS: r.wall_s, ...lastTwentyFromMetrics(join(dir, t.id, 'metrics.jsonl'), threshold) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The first step (and time) at which the mean return of the latest training episodes, at least 20,
 * reached `threshold`, from the metrics rows: each row's finished episodes (`charts/episodes`) count
 * with their mean return, and the time is the row's step over its `charts/SPS` (steps per second since the start).
 */
export function lastTwentyFromMetrics(file: string, threshold: number): { solvedStep: number | null; solvedS: number | null } {
  const window: { n: number; mean: number }[] = [];
  let count = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Record<string, number>;
    const n = row['charts/episodes'] ?? 0;
    if (n === 0 || typeof row['charts/episodic_return'] !== 'number') continue;
    window.push({ n, mean: row['charts/episodic_return'] });
    count += n;
    while (count - window[0].n >= 20) count -= (window.shift() as { n: number }).n;
    if (count >= 20 && window.reduce((a, w) => a + w.n * w.mean, 0) / count >= threshold) {
      const sps = row['charts/SPS'];
      return { solvedStep: row.global_step, solvedS: typeof sps === 'number' && sps > 0 ? row.global_step / sps : null };
    }
  }
  return { solvedStep: null, solvedS: null };
}

function fmtRow(row: Row, results: SeedResult[]): string {
  const passed = results.filter((r) => r.evalMean >= row.target).length;
  const mean = results.reduce((a, r) => a + r.evalMean, 0) / results.length;
  const digits = row.metric?.digits ?? 1;
  const seeds = results.map((r) => `${r.seed}: ${r.evalMean.toFixed(digits)}`).join(' · ');
  const wall = results.map((r) => r.wallS.toFixed(1)).join(', ');
  const solved = results.map((r) => (r.solvedStep === null ? '—' : `${(r.solvedStep / 1000).toFixed(0)}k/${(r.solvedS as number).toFixed(1)}s`)).join(', ');
  const env = row.kwargs === undefined ? row.env : `${row.env} ${JSON.stringify(row.kwargs)}`;
  const target = `${row.metric === undefined ? '' : `${row.metric.name} `}≥ ${row.target}${row.episodes === undefined ? '' : ` (${row.episodes} episodes)`} in ${row.steps >= 1e6 ? `${row.steps / 1e6}M` : `${row.steps / 1000}k`}`;
  return `| ${row.algo.toUpperCase()} | ${env} | ${target} | ${mean.toFixed(digits)} | ${passed}/${results.length} | ${seeds} | ${wall} | ${solved} | ${row.zoo ?? ''} |`;
}

/** The markers around the section of bench/LEARNING.md that a full run rewrites. */
export const LEARN_BEGIN = '<!-- bench:learn begin: written by `npm run bench:learn`; edits here are overwritten -->';
export const LEARN_END = '<!-- bench:learn end -->';

/**
 * `doc` with its bench:learn section replaced by `section`; without markers yet, the section goes in
 * before the first `## ` heading (after the introduction), or at the end. Everything else stays as it was.
 */
export function replaceLearnSection(doc: string, section: string): string {
  const block = `${LEARN_BEGIN}\n${section.trim()}\n${LEARN_END}`;
  const begin = doc.indexOf(LEARN_BEGIN);
  const end = doc.indexOf(LEARN_END);
  if (begin >= 0 && end > begin) return doc.slice(0, begin) + block + doc.slice(end + LEARN_END.length);
  if (begin >= 0 || end >= 0) throw new Error(`bench learn: bench/LEARNING.md has ${begin >= 0 ? 'the begin marker without the end marker after it' : 'the end marker without the begin marker'}; expected both, in order: ${LEARN_BEGIN} … ${LEARN_END}`);
  const heading = doc.search(/^## /m);
  if (heading < 0) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, heading)}${block}\n\n${doc.slice(heading)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
  const seedsIdx = args.indexOf('--seeds');
  const numSeeds = seedsIdx >= 0 ? Number(args[seedsIdx + 1]) : 5;
  const write = !args.includes('--no-write');
  const saveIdx = args.indexOf('--save');
  const saveDir = saveIdx >= 0 ? args[saveIdx + 1] : null;
  const inProcess = args.includes('--in-process');
  const parallelIdx = args.indexOf('--parallel');
  const parallel = parallelIdx >= 0 ? Number(args[parallelIdx + 1]) : availableParallelism();
  if (!Number.isInteger(parallel) || parallel < 1) throw new Error(`bench learn: --parallel expects a positive integer, received ${args[parallelIdx + 1]}`);
  const lines: string[] = [];
  const rows = only === null ? ROWS : [...ROWS, ...ARCADE_ROWS, ...BOARD_ROWS].filter((r) => only.has(rowName(r)));
  const header = [
    only === null ? `## Latest full run (${new Date().toISOString().slice(0, 10)})` : '# Learning results (partial run)',
    '',
    `Written by \`npm run bench:learn${only === null ? '' : ` -- --only ${[...only].join(',')}`}\` at commit ${commitId()} on ${machine()}; ${inProcess ? 'seeds one after another in one process' : `seeds as a local sweep, ${parallel} at a time (wall clock: each seed's dojo train child; last-20 from the metrics rows)`}.`,
    'Score: mean return (or the row\'s metric) of 100 (or the row\'s count of) deterministic evaluation episodes of the',
    'final policy, per seed. "Last-20" is the step and wall-clock time at which the mean return of the last 20 training',
    'episodes first reached the env\'s threshold (or the return level that matches the row\'s target).',
    'Configs: agents/configs/<algo>-<env>.json.',
    '',
    '| algo | env | target | mean of seeds | seeds ≥ target | per seed | wall clock (s) | last-20 threshold (steps/time) | SB3 zoo |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  // written after every row, so a long run leaves its finished rows behind
  const save = (): void => {
    if (!write) return;
    const table = [...header, ...lines, ''].join('\n');
    if (only !== null) writeFileSync(join(here, 'LEARNING.partial.md'), table);
    else writeFileSync(join(here, 'LEARNING.md'), replaceLearnSection(readFileSync(join(here, 'LEARNING.md'), 'utf8'), table));
  };
  for (const row of rows) {
    const seeds = Array.from({ length: row.seeds ?? numSeeds }, (_, i) => i + 1);
    const results: SeedResult[] = [];
    if (inProcess) for (const seed of seeds) results.push(await runSeed(row, seed, {}, saveDir));
    else results.push(...await runSeedsInSweep(row, seeds, parallel, saveDir));
    for (const r of results) {
      const digits = row.metric?.digits ?? 1;
      console.error(`${rowName(row)} seed ${r.seed}: eval ${r.evalMean.toFixed(digits)} ± ${r.evalStd.toFixed(digits)}, ${r.wallS.toFixed(1)} s, last-20 threshold at ${r.solvedStep ?? '—'} steps${r.solvedS !== null ? ` (${(r.solvedS as number).toFixed(1)} s)` : ''}`);
    }
    lines.push(fmtRow(row, results));
    console.log(lines[lines.length - 1]);
    save();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
