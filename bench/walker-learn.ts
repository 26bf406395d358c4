/**
 * When did a walker run learn to walk, and how well does its best checkpoint walk? For each
 * `dojo train --eval-episodes n` run folder of AmpFootWalker-v0 (or Rough), in checkpoint order: the
 * checkpoint's deterministic episodes from the training evaluations' seeds (1,000,000 on) until the first
 * checkpoint whose every episode crosses the finish without a fall ("walks the track"), with its step and
 * the wall clock since the run started (the checkpoint file's time minus config.json's); then
 * best.safetensors over `--final-episodes` fresh episodes (seeds 0 on): mean return, falls, finishes and
 * steps to the finish. Prints one markdown row per run, for bench/LEARNING.md.
 *
 *   npx tsx bench/walker-learn.ts runs/<run> [runs/<run> …] [--episodes 10] [--final-episodes 100] [--json]
 *     [--env-kwargs '{"energyCostWeight":0.01}']
 *
 * `--env-kwargs` is laid over each checkpoint's own env kwargs: a run trained with a changed reward
 * (e.g. `energyCostWeight`) is scored on the env's task.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import '../envs/index.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import type { CheckpointPayload } from '../agents/common/agent.ts';
import { evaluatePolicy } from '../src/cli/eval.ts';
import { parseKwargsFlag, readCheckpoint, runContext } from '../src/cli/run-context.ts';
import { TRAIN_EVAL_SEED } from '../src/cli/train.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { FINISH_X, START_X } from '../envs/robot/terrain.ts';

/** What a set of deterministic episodes did. */
interface Walk {
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  falls: number;
  finishes: number;
  /** Mean episode length of the episodes that finished (NaN when none did). */
  stepsToFinish: number;
}

/** One run's row. */
interface RunRow {
  run: string;
  seed: number;
  steps: number;
  minutes: number;
  /** The first checkpoint that walks the track without a fall in every episode (null: none did). */
  firstWalk: { step: number; minutes: number } | null;
  best: Walk | null;
}

/** Plays `episodes` deterministic episodes of a checkpoint from `seed` and counts falls and finishes. */
function walk(ckpt: CheckpointPayload, episodes: number, seed: number, kwargs: Record<string, unknown>): Walk {
  const meta = readCheckpointMeta(ckpt);
  const ctx = runContext(meta.envId, { kwargs: { ...meta.envKwargs, ...kwargs } });
  const probe = ctx.makeEnv();
  const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
  probe.close();
  const r = evaluatePolicy(policy, ctx.makeEnv, episodes, seed);
  let falls = 0, finishes = 0, finishSteps = 0;
  r.ends.forEach((info, e) => {
    if (!r.terminated[e]) return; // 1,600 steps without reaching the finish: neither
    if ((info.distance as number) >= FINISH_X - START_X) {
      finishes += 1;
      finishSteps += r.lengths[e];
    } else {
      falls += 1; // fell, or left the track backwards
    }
  });
  const mean = r.returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(r.returns.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes);
  return { episodes, meanReturn: mean, stdReturn: std, falls, finishes, stepsToFinish: finishSteps / finishes };
}

/** The checkpoints of a run folder in step order. */
function checkpoints(dir: string): { step: number; file: string }[] {
  const folder = join(dir, 'checkpoints');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .map((name) => ({ step: Number(/^step-(\d+)\.safetensors$/.exec(name)?.[1] ?? NaN), file: join(folder, name) }))
    .filter((c) => Number.isFinite(c.step))
    .sort((a, b) => a.step - b.step);
}

/** Minutes from a run's start (its config.json) to when `file` was written. */
function minutesSinceStart(dir: string, file: string): number {
  return (statSync(file).mtimeMs - statSync(join(dir, 'config.json')).mtimeMs) / 60_000;
}

function scoreRun(dir: string, episodes: number, finalEpisodes: number, kwargs: Record<string, unknown>): RunRow {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { seed?: number; config?: { seed?: number } };
  const seed = config.seed ?? config.config?.seed ?? NaN;
  const ckpts = checkpoints(dir);
  let firstWalk: RunRow['firstWalk'] = null;
  for (const c of ckpts) {
    const w = walk(readCheckpoint(c.file), episodes, TRAIN_EVAL_SEED, kwargs);
    if (w.falls === 0 && w.finishes === episodes) {
      firstWalk = { step: c.step, minutes: minutesSinceStart(dir, c.file) };
      break;
    }
  }
  const last = existsSync(join(dir, 'final.safetensors')) ? join(dir, 'final.safetensors') : ckpts.at(-1)?.file;
  const bestFile = join(dir, 'best.safetensors');
  return {
    run: dir,
    seed,
    steps: ckpts.at(-1)?.step ?? 0,
    minutes: last !== undefined ? minutesSinceStart(dir, last) : NaN,
    firstWalk,
    best: existsSync(bestFile) ? walk(readCheckpoint(bestFile), finalEpisodes, 0, kwargs) : null,
  };
}

function formatRow(r: RunRow): string {
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const first = r.firstWalk === null ? 'never' : `${(r.firstWalk.step / 1e6).toFixed(2)}M, ${f(r.firstWalk.minutes)} min`;
  const b = r.best;
  const best = b === null ? '— | — | —' : `${f(b.meanReturn)} ± ${f(b.stdReturn)} | ${b.falls} / ${b.episodes} | ${b.finishes} / ${b.episodes} (${f(b.stepsToFinish, 0)} steps)`;
  return `| ${r.run} | ${r.seed} | ${(r.steps / 1e6).toFixed(2)}M | ${f(r.minutes)} min | ${first} | ${best} |`;
}

function main(argv: readonly string[]): void {
  const dirs: string[] = [];
  let episodes = 10, finalEpisodes = 100, json = false;
  let kwargs: Record<string, unknown> = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--episodes') episodes = Number(argv[++i]);
    else if (argv[i] === '--env-kwargs') kwargs = parseKwargsFlag('walker-learn', '--env-kwargs', argv[++i], '{"energyCostWeight":0.01}');
    else if (argv[i] === '--final-episodes') finalEpisodes = Number(argv[++i]);
    else if (argv[i] === '--json') json = true;
    else dirs.push(argv[i]);
  }
  if (dirs.length === 0 || !Number.isInteger(episodes) || episodes < 1 || !Number.isInteger(finalEpisodes) || finalEpisodes < 1) {
    throw new Error(`usage: npx tsx bench/walker-learn.ts <run folder>… [--episodes n ≥ 1] [--final-episodes n ≥ 1]; received ${JSON.stringify(argv)}`);
  }
  for (const d of dirs) if (!existsSync(join(d, 'config.json'))) throw new Error(`walker-learn: ${d} is not a dojo train run folder (expected ${join(d, 'config.json')})`);
  if (!json) {
    process.stdout.write(`commit ${commitId()} · ${machine()} · first walk: first checkpoint whose ${episodes} evaluation episodes (seeds ${TRAIN_EVAL_SEED}…) all finish without a fall; best: best.safetensors over ${finalEpisodes} episodes (seeds 0…)\n\n`);
    process.stdout.write('| run | seed | steps | wall clock | first walk (step, min) | best: return | falls | finishes (steps to finish) |\n|---|---|---|---|---|---|---|---|\n');
  }
  for (const d of dirs) {
    const row = scoreRun(d, episodes, finalEpisodes, kwargs);
    process.stdout.write((json ? JSON.stringify(row) : formatRow(row)) + '\n');
  }
}

main(process.argv.slice(2));
