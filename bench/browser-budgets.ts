/**
 * Browser budgets for the pairs without a tuned preset: `npm run bench:browser-budgets` measures, for every
 * env × algorithm the page offers and no preset covers, the algorithm's plain defaults in this process
 * (steps per second over iterations after learning has started), and writes src/web/browser-budgets.json:
 * config overrides the page starts such a pair from, so that its default run takes about ten minutes in the
 * page (the page trains at ~0.7× Node's speed, bench/RESULTS.md) instead of hours (TD3 on
 * MountainCarContinuous-v0 with CleanRL's 1M steps: about 13 h). The budget caps `totalTimesteps` (AlphaZero:
 * `numIterations`, its budget's unit); an off-policy agent's `learningStarts` shrinks with it to a fifth of the
 * budget, so the capped run still learns for most of its steps. Pairs whose default already fits are left
 * out. The file records the command, commit and machine that produced it.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../envs/index.ts';
import { AGENTS } from '../agents/index.ts';
import { resolveConfig } from '../agents/common/config.ts';
import { runContext } from '../src/cli/run-context.ts';
import { listEnvs, make } from '../src/gym/registry.ts';
import { commitId, machine } from '../src/cli/provenance.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Wall-clock target of a default run in the page. */
const TARGET_SECONDS = 600;
/** The page's speed relative to Node (bench/RESULTS.md, browser rows). */
const BROWSER_FACTOR = 0.7;
/** Seconds of measured training per pair (after learning has started). */
const MEASURE_SECONDS = Number(process.argv[2] ?? 3);

function presetKeys(): Set<string> {
  return new Set(readdirSync(`${root}/agents/configs`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')));
}

/** Steps per second of the algorithm's defaults on `envId`, once learning has started. */
async function measure(algo: string, envId: string): Promise<{ sps: number; total: number } | null> {
  const agent = AGENTS.find((a) => a.name === algo);
  if (agent === undefined) return null;
  // rows every 100 steps (the per-step cost is the same), so an off-policy row does not take a minute
  const defaults = resolveConfig(agent.name, agent.spec, 'iterationSteps' in agent.spec ? { iterationSteps: 100 } : {});
  const learningStarts = typeof defaults.learningStarts === 'number' ? defaults.learningStarts : 0;
  const run = agent.createRun(defaults, runContext(envId));
  let t0 = 0, s0 = -1, last = 0;
  try {
    for await (const row of run.iterations) {
      last = row.global_step ?? 0;
      if (s0 < 0 && last > learningStarts) {
        t0 = performance.now();
        s0 = last;
      } else if (s0 >= 0 && performance.now() - t0 > MEASURE_SECONDS * 1000) break;
    }
  } finally {
    await run.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return s0 < 0 || last <= s0 ? null : { sps: (last - s0) / seconds, total: run.totalTimesteps };
}

/** A round number of steps at most `n` (two significant digits). */
function roundDown(n: number): number {
  const p = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.max(p, Math.floor(n / p) * p);
}

/** The overrides that make a default run of `algo` take `steps` env steps (games for AlphaZero). */
function overrides(algo: string, steps: number): Record<string, number> {
  const agent = AGENTS.find((a) => a.name === algo);
  const defaults = agent === undefined ? {} : resolveConfig(agent.name, agent.spec, {});
  if (typeof defaults.gamesPerIteration === 'number') return { numIterations: Math.max(1, Math.floor(steps / defaults.gamesPerIteration)) };
  const out: Record<string, number> = { totalTimesteps: roundDown(steps) };
  if (typeof defaults.learningStarts === 'number' && defaults.learningStarts > steps / 5) out.learningStarts = roundDown(steps / 5);
  return out;
}

const commit = commitId(); // the code measured, before anything is written
const presets = presetKeys();
const budgets: Record<string, Record<string, number>> = {};
const notes: string[] = [];
for (const spec of listEnvs()) {
  if (spec.id.startsWith('Debug/')) continue;
  const env = make(spec.id);
  for (const agent of AGENTS) {
    if (agent.supports(env.observationSpace, env.actionSpace) !== null || presets.has(`${agent.name}-${spec.id}`)) continue;
    let m: { sps: number; total: number } | null;
    try {
      m = await measure(agent.name, spec.id);
    } catch (err) {
      notes.push(`${agent.name}-${spec.id}: cannot train (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    if (m === null) {
      notes.push(`${agent.name}-${spec.id}: no measurement (the default run ends before learning starts)`);
      continue;
    }
    const pageSeconds = m.total / (m.sps * BROWSER_FACTOR);
    const line = `${agent.name}-${spec.id}: ${m.sps.toFixed(0)} steps/s here, default ${m.total.toLocaleString('en')} steps ≈ ${(pageSeconds / 60).toFixed(1)} min in the page`;
    console.log(line);
    if (pageSeconds > TARGET_SECONDS) budgets[`${agent.name}-${spec.id}`] = overrides(agent.name, m.sps * BROWSER_FACTOR * TARGET_SECONDS);
  }
  env.close();
}
const out = {
  about: `config overrides for the page's pairs without a tuned preset, so a default run takes about ${TARGET_SECONDS / 60} min in the browser; written by \`npm run bench:browser-budgets\` at ${commit} on ${machine()}, measured with ${MEASURE_SECONDS} s per pair`,
  budgets,
};
writeFileSync(`${root}/src/web/browser-budgets.json`, JSON.stringify(out, null, 2) + '\n');
for (const n of notes) console.log(n);
console.log(`wrote src/web/browser-budgets.json (${Object.keys(budgets).length} capped pairs)`);
