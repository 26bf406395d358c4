/**
 * The AMP-Foot envs: throughput and the reference numbers of the scripted controllers.
 *
 * 1. Steps/s of each env, single-threaded, all eight 2.5 ms physics sub-steps included: with random actions
 *    (the walker falls and resets often, so resets are included) and, for AmpFootProsthesis-v0, with the
 *    baseline controller (full 1,600-step episodes). Best of a few runs after a warm-up.
 * 2. AmpFootProsthesis-v0 with the fixed-timing baseline (`envs/robot/baseline.ts`) over full episodes, powered
 *    and with the lock disabled (a passive spring foot): distance, prosthesis motor energy, push-off work,
 *    peak ankle power and its ratio to the motor power limit, cost of transport. A learned controller is
 *    compared against these rows.
 *
 *   npx tsx bench/robot.ts [--json] [--seconds 2] [--episodes 3]
 */
import '../envs/index.ts';
import { baselineProsthesisAction } from '../envs/robot/baseline.ts';
import { SUBSTEPS } from '../envs/robot/world.ts';
import { make } from '../src/gym/registry.ts';
import { sample } from '../src/gym/spaces.ts';
import { commitId, machine } from '../src/cli/provenance.ts';

interface SpeedRow {
  readonly id: string;
  readonly policy: 'random' | 'baseline';
  readonly steps_per_s: number;
  readonly substeps_per_s: number;
}

interface BaselineRow {
  readonly lockEnabled: boolean;
  readonly seed: number;
  readonly steps: number;
  readonly return: number;
  readonly distance: number;
  readonly motorEnergy: number;
  readonly pushOffWork: number;
  readonly peakAnklePower: number;
  readonly peakPowerRatio: number;
  readonly costOfTransport: number | null;
}

const REPEATS = 5;

/** Best steps/s of REPEATS runs of `seconds / REPEATS` each, after a warm-up, for one env and policy. */
function measure(id: string, policy: 'random' | 'baseline', seconds: number): SpeedRow {
  const env = make<Float32Array, Float32Array>(id, { disableEnvChecker: true });
  let obs = env.reset({ seed: 0 }).obs;
  const act = (): Float32Array => (policy === 'baseline' ? baselineProsthesisAction(obs) : (sample(env.actionSpace, env.actionRng) as Float32Array));
  const run = (budgetMs: number): number => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let k = 0; k < 100; k++) {
        const r = env.step(act());
        obs = r.obs;
        if (r.terminated || r.truncated) obs = env.reset().obs;
      }
      steps += 100;
      now = performance.now();
    }
    return (steps * 1000) / (now - start);
  };
  run(seconds * 250);
  let best = 0;
  for (let i = 0; i < REPEATS; i++) best = Math.max(best, run((seconds * 1000) / REPEATS));
  env.close();
  return { id, policy, steps_per_s: Math.round(best), substeps_per_s: Math.round(best * SUBSTEPS) };
}

/** One full AmpFootProsthesis-v0 episode with the baseline. */
function baselineEpisode(lockEnabled: boolean, seed: number): BaselineRow {
  const env = make<Float32Array, Float32Array>('AmpFootProsthesis-v0', { kwargs: { lockEnabled } });
  let { obs, info } = env.reset({ seed });
  let steps = 0;
  let ret = 0;
  for (;;) {
    const r = env.step(baselineProsthesisAction(obs));
    steps++;
    ret += r.reward;
    obs = r.obs;
    info = r.info;
    if (r.terminated || r.truncated) break;
  }
  env.close();
  const num = (key: string): number => info[key] as number;
  return {
    lockEnabled,
    seed,
    steps,
    return: ret,
    distance: num('distance'),
    motorEnergy: num('motorEnergy'),
    pushOffWork: num('pushOffWork'),
    peakAnklePower: num('peakAnklePower'),
    peakPowerRatio: num('peakPowerRatio'),
    costOfTransport: info.costOfTransport as number | null,
  };
}

function parseArgs(argv: readonly string[]): { json: boolean; seconds: number; episodes: number } {
  const value = (flag: string, fallback: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 && i + 1 < argv.length ? Number(argv[i + 1]) : fallback;
  };
  return { json: argv.includes('--json'), seconds: value('--seconds', 2), episodes: value('--episodes', 3) };
}

function main(): void {
  const { json, seconds, episodes } = parseArgs(process.argv.slice(2));
  const speed = [
    measure('AmpFootWalker-v0', 'random', seconds),
    measure('AmpFootWalkerRough-v0', 'random', seconds),
    measure('AmpFootProsthesis-v0', 'random', seconds),
    measure('AmpFootProsthesis-v0', 'baseline', seconds),
  ];
  const baseline: BaselineRow[] = [];
  for (const lockEnabled of [true, false]) for (let seed = 0; seed < episodes; seed++) baseline.push(baselineEpisode(lockEnabled, seed));
  if (json) {
    process.stdout.write(`${JSON.stringify({ commit: commitId(), machine: machine(), speed, baseline })}\n`);
    return;
  }
  const f = (x: number, digits = 1): string => x.toFixed(digits);
  console.log(`bench robot · commit ${commitId()} · ${machine()}\n`);
  console.log(`${'env'.padEnd(24)} ${'policy'.padEnd(9)} ${'steps/s'.padStart(8)} ${'sub-steps/s'.padStart(12)}`);
  for (const r of speed) console.log(`${r.id.padEnd(24)} ${r.policy.padEnd(9)} ${String(r.steps_per_s).padStart(8)} ${String(r.substeps_per_s).padStart(12)}`);
  console.log(`\nAmpFootProsthesis-v0, fixed-timing baseline (full episodes)`);
  console.log(`${'foot'.padEnd(8)} ${'seed'.padStart(4)} ${'steps'.padStart(6)} ${'return'.padStart(7)} ${'dist m'.padStart(7)} ${'motor J'.padStart(8)} ${'push-off J'.padStart(10)} ${'peak W'.padStart(7)} ${'peak/limit'.padStart(10)} ${'CoT'.padStart(5)}`);
  for (const r of baseline) {
    console.log(
      `${(r.lockEnabled ? 'powered' : 'passive').padEnd(8)} ${String(r.seed).padStart(4)} ${String(r.steps).padStart(6)} ${f(r.return).padStart(7)} ${f(r.distance).padStart(7)} ${f(r.motorEnergy).padStart(8)} ${f(r.pushOffWork).padStart(10)} ${f(r.peakAnklePower, 0).padStart(7)} ${f(r.peakPowerRatio, 2).padStart(10)} ${(r.costOfTransport === null ? '–' : f(r.costOfTransport, 2)).padStart(5)}`,
    );
  }
}

main();
