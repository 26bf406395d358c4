/**
 * Does the AMP-Foot's lock matter? Two arms of `dojo train` runs of AmpFootWalker-v0, one with the lock (the
 * default) and one with `--env-kwargs '{"lockEnabled":false}'` (a passive spring foot), each run's
 * best.safetensors walked over `--episodes` deterministic episodes (seeds 0 on) in its own env. Per run: the
 * mean cost of transport (all motor energy / (m g distance)) and push-off work per metre over the episodes that
 * finish the track, with falls and return. Per arm: the mean over its runs. The difference of the arm means
 * (lock on − lock off) gets a 95 % percentile bootstrap interval, resampling each arm's runs with replacement
 * (Efron & Tibshirani 1993, ch. 13), from a seeded Rng; an interval that holds 0 says the seeds cannot tell the
 * arms apart.
 *
 *   npx tsx bench/walker-ablation.ts --on runs/a runs/b … --off runs/c runs/d … [--episodes 100] [--resamples 10000]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import '../envs/index.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { evaluatePolicy } from '../src/cli/eval.ts';
import { readCheckpoint, runContext } from '../src/cli/run-context.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { Rng } from '../src/core/rng.ts';
import { FINISH_X, START_X } from '../envs/robot/terrain.ts';

/** What one run's best checkpoint does over the episodes. */
interface RunWalk {
  run: string;
  lockEnabled: boolean;
  meanReturn: number;
  falls: number;
  finishes: number;
  /** Mean over finishing episodes (NaN when none finish). */
  costOfTransport: number;
  /** Push-off work per metre (J/m), mean over finishing episodes. */
  pushOffPerM: number;
}

function walkRun(dir: string, episodes: number): RunWalk {
  const file = join(dir, 'best.safetensors');
  if (!existsSync(file)) throw new Error(`walker-ablation: ${dir} has no best.safetensors (train with --eval-episodes n)`);
  const ckpt = readCheckpoint(file);
  const meta = readCheckpointMeta(ckpt);
  const ctx = runContext(meta.envId, { kwargs: meta.envKwargs });
  const probe = ctx.makeEnv();
  const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
  probe.close();
  const r = evaluatePolicy(policy, ctx.makeEnv, episodes, 0);
  let falls = 0, finishes = 0, cot = 0, push = 0;
  r.ends.forEach((info, e) => {
    const distance = info.distance as number;
    if (r.terminated[e] && distance >= FINISH_X - START_X) {
      finishes += 1;
      cot += info.costOfTransport as number;
      push += (info.pushOffWork as number) / distance;
    } else if (r.terminated[e]) falls += 1;
  });
  return {
    run: dir,
    lockEnabled: meta.envKwargs.lockEnabled !== false,
    meanReturn: r.returns.reduce((a, b) => a + b, 0) / episodes,
    falls,
    finishes,
    costOfTransport: cot / finishes,
    pushOffPerM: push / finishes,
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 95 % percentile bootstrap interval of mean(a) − mean(b), each arm resampled with replacement. */
function bootstrapDifference(a: readonly number[], b: readonly number[], resamples: number, rng: Rng): [number, number] {
  const diffs = new Float64Array(resamples);
  const draw = (xs: readonly number[]): number => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rng.random() * xs.length)];
    return s / xs.length;
  };
  for (let k = 0; k < resamples; k++) diffs[k] = draw(a) - draw(b);
  diffs.sort();
  return [diffs[Math.floor(0.025 * (resamples - 1))], diffs[Math.ceil(0.975 * (resamples - 1))]];
}

function main(argv: readonly string[]): void {
  const on: string[] = [], off: string[] = [];
  let episodes = 100, resamples = 10_000, arm: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--on') arm = on;
    else if (argv[i] === '--off') arm = off;
    else if (argv[i] === '--episodes') episodes = Number(argv[++i]);
    else if (argv[i] === '--resamples') resamples = Number(argv[++i]);
    else if (arm !== null) arm.push(argv[i]);
    else throw new Error(`walker-ablation: run folders follow --on or --off, received ${argv[i]}`);
  }
  if (on.length < 2 || off.length < 2 || !Number.isInteger(episodes) || episodes < 1 || !Number.isInteger(resamples) || resamples < 100) {
    throw new Error(`usage: npx tsx bench/walker-ablation.ts --on <run>… --off <run>… (≥ 2 runs an arm) [--episodes n ≥ 1] [--resamples n ≥ 100]; received ${JSON.stringify(argv)}`);
  }
  const rows = [...on, ...off].map((d) => walkRun(d, episodes));
  for (const r of rows) {
    const wanted = on.includes(r.run);
    if (r.lockEnabled !== wanted) throw new Error(`walker-ablation: ${r.run} was trained with lockEnabled ${r.lockEnabled}, but is listed under ${wanted ? '--on' : '--off'}`);
  }
  const f = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  process.stdout.write(`commit ${commitId()} · ${machine()} · best.safetensors of each run over ${episodes} episodes (seeds 0…); cost of transport and push-off work over the episodes that finish\n\n`);
  process.stdout.write('| arm | run | return | falls | finishes | cost of transport | push-off work (J/m) |\n|---|---|---|---|---|---|---|\n');
  for (const r of rows) process.stdout.write(`| ${r.lockEnabled ? 'lock' : 'no lock'} | ${r.run} | ${f(r.meanReturn, 1)} | ${r.falls} | ${r.finishes} | ${f(r.costOfTransport)} | ${f(r.pushOffPerM, 1)} |\n`);
  const rng = new Rng(20261207);
  const onRows = rows.filter((r) => r.lockEnabled), offRows = rows.filter((r) => !r.lockEnabled);
  process.stdout.write('\n| measure | lock (mean of runs) | no lock | difference (lock − no lock) | 95 % bootstrap interval |\n|---|---|---|---|---|\n');
  for (const [name, key, d] of [['cost of transport', 'costOfTransport', 3], ['push-off work (J/m)', 'pushOffPerM', 1], ['return', 'meanReturn', 1]] as const) {
    // runs that never finish have no cost of transport: they are left out of that measure, and counted
    const a = onRows.map((r) => r[key]).filter(Number.isFinite), b = offRows.map((r) => r[key]).filter(Number.isFinite);
    const [lo, hi] = bootstrapDifference(a, b, resamples, rng);
    const note = a.length < onRows.length || b.length < offRows.length ? ` (runs that finish: ${a.length} + ${b.length})` : '';
    process.stdout.write(`| ${name}${note} | ${f(mean(a), d)} | ${f(mean(b), d)} | ${f(mean(a) - mean(b), d)} | [${f(lo, d)}, ${f(hi, d)}]${lo > 0 || hi < 0 ? ' (excludes 0)' : ' (holds 0)'} |\n`);
  }
}

main(process.argv.slice(2));
