/**
 * The zoo's check (`npm run zoo:check`): for every file listed in zoo/zoo.json,
 *  - provenance: zoo/README.md gives the file's exact command and commit, and a file whose metadata
 *    carries a `commit` (every file `dojo train` writes since the presets-bench branch) names that commit;
 *  - the recipe: the config its command resolves to today (preset, `--config`, flags, through the same
 *    layering as `dojo train`) equals the config in the file's metadata, field by field; a field the
 *    agent gained after the file was trained must resolve to its default;
 *  - the claim: the file is evaluated as zoo/zoo.json says (deterministic episodes from seed 0, or an arena
 *    match) and fails when the measured score misses the claim.
 * Exits 1 when any check fails. The board games' matches take minutes, hence a bench script and not a test;
 * tests/zoo/zoo.test.ts runs the provenance and recipe checks (and CartPole's claim) in the unit suite.
 *
 *   npm run zoo:check [-- --only CartPole-v1.ppo,Pendulum-v1.sac] [-- --json]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { defaultsOf, resolveConfig, splitPreset, type ConfigSpec } from '../agents/common/config.ts';
import { runArena } from '../src/cli/arena.ts';
import { evaluateCheckpoint } from '../src/cli/eval.ts';
import { freshEnvKwargs, layerConfig, startingConfig } from '../src/cli/presets.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { parseKwargsFlag, readCheckpoint } from '../src/cli/run-context.ts';
import { parseConfigFlags } from '../src/cli/train.ts';
import { parsePlayer } from '../src/game/players.ts';
import { getGame } from '../src/game/registry.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ZOO = join(ROOT, 'zoo');

/** What a zoo file is claimed to score. */
export type Claim =
  | { kind: 'episodes'; episodes: number; seed: number; metric: string; min: number }
  | { kind: 'arena'; opponent: string; games: number; seed: number; minWins?: number; maxLosses?: number };

/** One zoo file: how it was made, at which commit, and what it scores. */
export interface ZooEntry {
  readonly file: string;
  /** The `dojo train` command that trained it. */
  readonly command: string;
  /** What turned the run into the zoo file. */
  readonly then: string;
  /** The commit whose code trained the file. */
  readonly commit: string;
  readonly claim: Claim;
}

/** zoo/zoo.json. */
export function readZoo(): ZooEntry[] {
  return JSON.parse(readFileSync(join(ZOO, 'zoo.json'), 'utf8')) as ZooEntry[];
}

/** Splits a command line into words: spaces separate, single quotes group (as a POSIX shell for these recipes). */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2]);
  return words;
}

/** `dojo train` options that are not config fields, and whether each takes a value. */
const TRAIN_OPTIONS: Readonly<Record<string, boolean>> = {
  '--env': true, '--env-kwargs': true, '--algo': true, '--config': true, '--out': true, '--workers': true,
  '--eval-episodes': true, '--eval-seed': true, '--no-preset': false, '--quiet': false,
};

/** The algorithm, env, env kwargs and resolved config a `dojo train …` recipe gives today. */
export function recipeConfig(command: string): { algo: string; envId: string; envKwargs: Record<string, unknown>; config: Record<string, unknown>; spec: ConfigSpec } {
  const words = shellWords(command);
  if (words[0] !== 'dojo' || words[1] !== 'train') throw new Error(`zoo: a recipe must start with "dojo train", received ${JSON.stringify(command)}`);
  const opts: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 2; i < words.length; i++) {
    const takesValue = TRAIN_OPTIONS[words[i]];
    if (takesValue === undefined) rest.push(words[i]);
    else opts[words[i]] = takesValue ? words[++i] : true;
  }
  const algo = opts['--algo'], envId = opts['--env'];
  if (typeof algo !== 'string' || typeof envId !== 'string') throw new Error(`zoo: the recipe ${JSON.stringify(command)} needs --env and --algo`);
  const agent = getAgent(algo);
  const named = parseKwargsFlag('zoo', '--env-kwargs', opts['--env-kwargs'] as string | undefined, '{"obs":"pixels"}');
  const { values: file, envKwargs: fileKwargs } = typeof opts['--config'] === 'string' ? splitPreset(opts['--config'], JSON.parse(readFileSync(join(ROOT, opts['--config']), 'utf8')) as Record<string, unknown>) : { values: {}, envKwargs: null };
  // as dojo train: a recipe that names no env kwargs takes its --config file's, else its preset's
  const envKwargs = freshEnvKwargs(named, fileKwargs, agent.name, envId, opts['--no-preset'] !== true);
  const start = startingConfig(agent.name, envId, envKwargs, { usePreset: opts['--no-preset'] !== true, resumed: false });
  const config = resolveConfig(agent.name, agent.spec, layerConfig({}, start, file, parseConfigFlags(agent.name, agent.spec, rest))) as Record<string, unknown>;
  return { algo: agent.name, envId, envKwargs, config, spec: agent.spec };
}

/**
 * Where a recipe's config differs from a file's: every field the file saved must match; a field the file
 * predates (the agent gained it later) must resolve to its default, which keeps the old behaviour.
 */
export function configDrift(saved: Readonly<Record<string, unknown>>, resolved: Readonly<Record<string, unknown>>, spec: ConfigSpec): string[] {
  const defaults = defaultsOf(spec) as Record<string, unknown>;
  const out: string[] = [];
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  for (const k of Object.keys(saved)) {
    if (!(k in spec)) out.push(`${k}: the file has ${JSON.stringify(saved[k])}, the agent no longer has this field`);
    else if (!same(saved[k], resolved[k])) out.push(`${k}: the file has ${JSON.stringify(saved[k])}, the recipe gives ${JSON.stringify(resolved[k])}`);
  }
  for (const k of Object.keys(resolved)) {
    if (!(k in saved) && !same(resolved[k], defaults[k])) out.push(`${k}: the file predates this field, the recipe sets ${JSON.stringify(resolved[k])} instead of its default ${JSON.stringify(defaults[k])}`);
  }
  return out;
}

/** Problems with an entry's provenance and recipe (empty when the recipe reproduces the file's config). */
export function checkRecipe(entry: ZooEntry, readme: string): string[] {
  const problems: string[] = [];
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${entry.file}\` |`));
  if (row === undefined) problems.push(`zoo/README.md has no table row for ${entry.file}`);
  else {
    if (!row.includes(`\`${entry.command}\``)) problems.push(`zoo/README.md's row for ${entry.file} does not give the command \`${entry.command}\``);
    if (!row.includes(`| ${entry.commit} |`)) problems.push(`zoo/README.md's row for ${entry.file} does not give the commit ${entry.commit}`);
  }
  const payload = readCheckpoint(join(ZOO, entry.file));
  const meta = readCheckpointMeta(payload);
  const saved = payload.metadata.commit;
  if (saved !== undefined && saved !== entry.commit) problems.push(`its metadata says commit ${saved}, zoo/zoo.json says ${entry.commit}`);
  const recipe = recipeConfig(entry.command);
  if (recipe.algo !== meta.algo || recipe.envId !== meta.envId) problems.push(`the recipe trains ${recipe.algo} on ${recipe.envId}, the file is ${meta.algo} on ${meta.envId}`);
  if (JSON.stringify(recipe.envKwargs) !== JSON.stringify(meta.envKwargs)) problems.push(`the recipe's env kwargs ${JSON.stringify(recipe.envKwargs)} differ from the file's ${JSON.stringify(meta.envKwargs)}`);
  problems.push(...configDrift(meta.config, recipe.config, recipe.spec).map((d) => `config ${d}`));
  return problems;
}

/** The measured score of an entry, and whether it meets the claim. */
export function checkClaim(entry: ZooEntry): { measured: string; met: boolean } {
  const path = join(ZOO, entry.file);
  const claim = entry.claim;
  if (claim.kind === 'arena') {
    const meta = readCheckpointMeta(readCheckpoint(path));
    const game = getGame(meta.envId, meta.envKwargs);
    const r = runArena(game, parsePlayer(path, game), parsePlayer(claim.opponent, game), claim.games, claim.seed);
    const met = (claim.minWins === undefined || r.a_wins >= claim.minWins) && (claim.maxLosses === undefined || r.b_wins <= claim.maxLosses);
    return { measured: `vs ${claim.opponent}, ${claim.games} games (seed ${claim.seed}): ${r.a_wins} won, ${r.draws} drawn, ${r.b_wins} lost`, met };
  }
  const r = evaluateCheckpoint(readCheckpoint(path), claim.episodes, claim.seed);
  const value = claim.metric === 'return' ? r.mean_return : r.info[claim.metric];
  if (value === undefined) throw new Error(`zoo: ${entry.file}: the episodes' info has no numeric "${claim.metric}"; it has ${Object.keys(r.info).join(', ')}`);
  return { measured: `${claim.metric} ${value.toFixed(2)} over ${claim.episodes} episodes from seed ${claim.seed}`, met: value >= claim.min };
}

/** The claim in words. */
function claimText(c: Claim): string {
  if (c.kind === 'episodes') return `${c.metric} ≥ ${c.min}`;
  return [c.minWins !== undefined ? `≥ ${c.minWins} won` : '', c.maxLosses !== undefined ? `≤ ${c.maxLosses} lost` : ''].filter((s) => s !== '').join(', ');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : null;
  const json = args.includes('--json');
  const readme = readFileSync(join(ZOO, 'README.md'), 'utf8');
  const entries = readZoo().filter((e) => only === null || only.has(e.file.replace(/\.safetensors$/, '')));
  if (only !== null && entries.length !== only.size) throw new Error(`zoo: --only names files zoo/zoo.json does not list: ${[...only].join(', ')}`);
  let failed = 0;
  const rows: Array<Record<string, unknown>> = [];
  if (!json) console.log(`zoo:check · commit ${commitId()} · ${machine()}`);
  for (const entry of entries) {
    if (!existsSync(join(ZOO, entry.file))) throw new Error(`zoo: zoo/zoo.json lists ${entry.file}, which is not in zoo/`);
    const t0 = performance.now();
    const problems = checkRecipe(entry, readme);
    const claim = checkClaim(entry);
    const ok = problems.length === 0 && claim.met;
    if (!ok) failed++;
    const seconds = (performance.now() - t0) / 1000;
    rows.push({ file: entry.file, commit: entry.commit, recipe_problems: problems, claim: claimText(entry.claim), measured: claim.measured, met: claim.met, seconds });
    if (!json) {
      console.log(`${ok ? '✔' : '✘'} ${entry.file} (commit ${entry.commit}, ${seconds.toFixed(1)} s)`);
      console.log(`    claim ${claimText(entry.claim)}: ${claim.measured} ${claim.met ? '✔' : '✘ NOT MET'}`);
      console.log(`    recipe \`${entry.command}\` ${problems.length === 0 ? 'resolves to the file\'s config ✔' : '✘'}`);
      for (const p of problems) console.log(`      ${p}`);
    }
  }
  if (json) console.log(JSON.stringify({ commit: commitId(), machine: machine(), files: rows }));
  if (failed > 0) {
    console.error(`zoo:check: ${failed} of ${entries.length} files failed`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
