/**
 * `dojo new-env <Name> [--category c]`: starts a new env. It writes `envs/custom/<name>.ts` from a template
 * that already passes `dojo check` and learns in a minute (a grid world: Gymnasium's doc sections, spaces,
 * a seeded reset through `seedEnv`, actions validated with `actionError`, a Scene, a keymap), registers
 * `<Name>-v0` in `envs/index.ts` (the one place that registers envs, which the CLI, the vector workers and
 * the page's catalog all import), and prints the next three commands. It never overwrites: an existing file,
 * a registered id or a name that is not PascalCase stops it with a message that says what to do.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import '../../envs/index.ts';
import { ConfigError } from '../core/errors.ts';
import { ENV_CATEGORIES, registeredIds, type EnvCategory } from '../gym/registry.ts';

/** The repository this CLI runs from (src/cli/ → ../../). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `dojo new-env` writes envs, relative to the repository root. */
const CUSTOM_DIR = 'envs/custom';

/** The line in envs/index.ts after which new registrations go (added when missing). */
const SECTION = '// ── your envs (dojo new-env adds them here) ──';

/** What `scaffoldEnv` wrote. */
export interface Scaffold {
  /** The registered id, `<Name>-v0`. */
  readonly id: string;
  /** The env file, relative to the repository root. */
  readonly file: string;
}

/** The names a new env's id, class, file and constants take from `Name`. */
function names(name: string): { id: string; file: string; constant: string } {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [name];
  return { id: `${name}-v0`, file: words.map((w) => w.toLowerCase()).join('-'), constant: words.map((w) => w.toUpperCase()).join('_') };
}

/** Throws a ConfigError unless `name` is a PascalCase class name (letters and digits, a capital first). */
function validateName(name: string): void {
  const example = 'e.g. `dojo new-env GridTreasure`';
  if (/-v\d+$/.test(name)) throw new ConfigError(`new-env: give the name without a version ("${name.replace(/-v\d+$/, '')}"); the id gets -v0, ${example}`);
  if (!/^[A-Z][A-Za-z0-9]{1,47}$/.test(name)) {
    throw new ConfigError(`new-env: the name becomes a class and an id, so it must be PascalCase: a capital letter, then 1–47 letters or digits (${example}); received ${JSON.stringify(name)}`);
  }
}

/** Names the template itself imports or uses: a class of the same name would clash with them. */
const TEMPLATE_NAMES = ['ConfigError', 'Rng', 'Env', 'EnvMetadata', 'EnvSpec', 'EpisodePhase', 'ResetOptions', 'ResetResult', 'StepResult', 'Scene', 'Shape', 'BoxSpace', 'DiscreteSpace', 'MOVES'];

/**
 * Throws a ConfigError when an env of that name (any version) is registered or named in index.ts, or when
 * the class or its constants would clash with a name index.ts imports, the template uses, or a global
 * (`Map`, `Math`: a class of that name would hide it).
 */
function refuseTakenName(name: string, id: string, constant: string, indexText: string): void {
  const taken = registeredIds().filter((other) => other.replace(/-v\d+$/, '').toLowerCase() === name.toLowerCase());
  if (taken.length > 0) throw new ConfigError(`new-env: ${taken.join(', ')} is already registered; pick another name (or bump the version of that env by hand)`);
  if (indexText.includes(`'${id}'`)) throw new ConfigError(`new-env: envs/index.ts already names '${id}'; pick another name`);
  const imported = [...indexText.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}\s+from/gm)].flatMap((m) => m[1].split(',').map((x) => x.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop() ?? ''));
  for (const mine of [name, `${constant}_DEFAULTS`, `${constant}_METADATA`]) {
    if (imported.includes(mine)) throw new ConfigError(`new-env: envs/index.ts already imports a ${mine}; pick another name`);
  }
  if (TEMPLATE_NAMES.includes(name)) throw new ConfigError(`new-env: the env file already imports or defines a ${name}; pick another name`);
  if (name in globalThis) throw new ConfigError(`new-env: a class named ${name} would hide JavaScript's global ${name}; pick another name`);
}

/**
 * Writes `envs/custom/<name>.ts` and registers `<Name>-v0` in `envs/index.ts` under `root`. Refuses (a
 * ConfigError, nothing written) a bad name, an unknown category, an existing file or a taken id.
 */
export function scaffoldEnv(name: string, opts: { root?: string; category?: string } = {}): Scaffold {
  const root = opts.root ?? REPO_ROOT;
  validateName(name);
  const category = opts.category ?? 'other';
  if (!ENV_CATEGORIES.includes(category as EnvCategory)) throw new ConfigError(`new-env: --category must be one of ${ENV_CATEGORIES.join(', ')}, received ${JSON.stringify(category)}`);
  const { id, file, constant } = names(name);
  const indexPath = join(root, 'envs', 'index.ts');
  const envPath = join(root, CUSTOM_DIR, `${file}.ts`);
  const rel = relative(root, envPath);
  if (existsSync(envPath)) throw new ConfigError(`new-env: ${rel} already exists; pick another name, or delete the file if you mean to start over`);
  const indexText = readFileSync(indexPath, 'utf8');
  refuseTakenName(name, id, constant, indexText);
  const next = registerIn(indexText, `import { ${name}, ${constant}_DEFAULTS, ${constant}_METADATA } from './custom/${file}.ts';`, registration(name, id, constant, category as EnvCategory));
  mkdirSync(dirname(envPath), { recursive: true });
  writeFileSync(envPath, envTemplate(name, id, constant), { flag: 'wx' });
  try {
    writeFileSync(`${indexPath}.tmp`, next);
    renameSync(`${indexPath}.tmp`, indexPath);
  } catch (err) {
    rmSync(envPath, { force: true });
    throw err;
  }
  return { id, file: rel };
}

/** `indexText` with `importLine` after its last import and `block` at the end of the "your envs" section. */
function registerIn(indexText: string, importLine: string, block: string): string {
  const lines = indexText.split('\n');
  let lastImport = -1;
  for (let i = 0; i < lines.length; i++) if (/^import .* from '.*';$/.test(lines[i])) lastImport = i;
  if (lastImport < 0) throw new ConfigError('new-env: envs/index.ts has no import lines to add to; is this an RL Dojo checkout?');
  lines.splice(lastImport + 1, 0, importLine);
  let text = lines.join('\n').replace(/\n*$/, '\n');
  if (!text.includes(SECTION)) text += `\n${SECTION}\n`;
  return `${text}\n${block}`;
}

function registration(name: string, id: string, constant: string, category: EnvCategory): string {
  return [
    'register({',
    `  id: '${id}',`,
    `  category: '${category}', // the picker group: ${ENV_CATEGORIES.join(' | ')}`,
    `  factory: (kwargs, spec) => new ${name}(kwargs, spec),`,
    '  maxEpisodeSteps: 50,',
    '  rewardThreshold: 0.9,',
    `  kwargs: ${constant}_DEFAULTS,`,
    `  metadata: ${constant}_METADATA,`,
    '});',
    '',
  ].join('\n');
}

/** The env file: a grid world that passes every check, to be edited into the user's env. */
function envTemplate(name: string, id: string, constant: string): string {
  return `/**
 * ${id}: walk to the treasure in the far corner of a grid. Written by \`dojo new-env ${name}\` as a
 * starting point that already passes \`dojo check\` and learns in a minute; change the dynamics, keep the
 * contract (envs/README.md, "Adding an env"), and bump the version in the id once you have shared results
 * and then change the dynamics, reward or observation. Cite the source of your dynamics here (a URL).
 *
 * ## Description
 * The agent stands on one cell of a \`size\` × \`size\` grid and moves one cell at a time, or stays; the
 * treasure is in the top-right corner. Moves off the grid leave the agent where it is.
 *
 * ## Observation (Box, float32, shape [2])
 * | Index | Meaning               | Min | Max |
 * |-------|-----------------------|-----|-----|
 * | 0     | column / (size − 1)   | 0   | 1   |
 * | 1     | row / (size − 1)      | 0   | 1   |
 *
 * ## Actions (Discrete(5))
 * 0: stay; 1: up; 2: right; 3: down; 4: left. Action 0 is a true no-op, so keyboard play can apply it
 * while no key is held.
 *
 * ## Reward
 * +1 on reaching the treasure, −0.01 for every other step.
 *
 * ## Start state
 * A cell drawn uniformly from \`this.rng\` among all cells but the treasure's.
 *
 * ## Episode end
 * Termination: the treasure is reached. Truncation: \`maxEpisodeSteps\` (50) from the registration in
 * envs/index.ts (an env never truncates itself).
 *
 * ## Version history
 * - v0: initial version (the \`dojo new-env\` template).
 */
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { box, contains, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';

/** Constructor arguments (\`make('${id}', { kwargs: { size: 7 } })\`); parseKwargs rejects unknown keys and wrong types. */
export const ${constant}_DEFAULTS = { size: 5 } as const satisfies { size: number };

/**
 * A frame rate for watching, and the arrow keys for playing. \`play: 'turns'\`: one step per key press, since
 * nothing happens in a grid world until the player moves; an env that moves on its own (a game with a clock)
 * plays in \`'realtime'\` instead and names the action no key plays (\`noop\`).
 */
export const ${constant}_METADATA: EnvMetadata = {
  renderFps: 8,
  keymap: { play: 'turns', keys: { ArrowUp: 1, ArrowRight: 2, ArrowDown: 3, ArrowLeft: 4 }, legend: { ArrowUp: 'move up', ArrowRight: 'move right', ArrowDown: 'move down', ArrowLeft: 'move left' } },
};

/** Cell offsets [dx, dy] of the actions stay, up, right, down, left (y up, as in the Scene). */
const MOVES: ReadonlyArray<readonly [number, number]> = [[0, 0], [0, 1], [1, 0], [0, -1], [-1, 0]];

/** The ${id} env. */
export class ${name} implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace = box(0, 1, { shape: [2] });
  readonly actionSpace: DiscreteSpace = discrete(MOVES.length);
  readonly spec: EnvSpec;
  /** The stream random actions are sampled from; \`seedEnv\` re-seeds it with the env's. */
  readonly actionRng = new Rng(1);
  readonly unwrapped: ${name} = this;
  /** Every random draw of reset and step comes from here (never Math.random), so a seed repeats a run. */
  private readonly rng = new Rng(0);
  private readonly size: number;
  private x = 0;
  private y = 0;
  /** needs-reset → running → terminated; \`assertCanStep\` turns a step out of turn into an EnvError. */
  private phase: EpisodePhase = 'needs-reset';

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('${id}', { metadata: ${constant}_METADATA })) {
    this.spec = spec;
    const { size } = parseKwargs(spec.id, kwargs, ${constant}_DEFAULTS);
    if (!Number.isInteger(size) || size < 2) throw new ConfigError(\`\${spec.id}: kwarg size must be an integer ≥ 2, received \${size}\`);
    this.size = size;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const cell = this.rng.int(this.size * this.size - 1); // cells are numbered row by row; the last is the treasure's
    this.x = cell % this.size;
    this.y = Math.floor(cell / this.size);
    this.phase = 'running';
    return { obs: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    const [dx, dy] = MOVES[action];
    this.x = Math.min(this.size - 1, Math.max(0, this.x + dx));
    this.y = Math.min(this.size - 1, Math.max(0, this.y + dy));
    const terminated = this.x === this.size - 1 && this.y === this.size - 1;
    if (terminated) this.phase = 'terminated';
    return { obs: this.observe(), reward: terminated ? 1 : -0.01, terminated, truncated: false, info: {} };
  }

  /** One world unit per cell, y up; ids are stable across frames, so the page only moves the agent. */
  render(): Scene {
    const shapes: Shape[] = [];
    for (let row = 0; row < this.size; row++) {
      for (let col = 0; col < this.size; col++) {
        const treasure = col === this.size - 1 && row === this.size - 1;
        shapes.push({ id: \`cell-\${col}-\${row}\`, kind: 'rect', x: col + 0.5, y: row + 0.5, angle: 0, width: 0.94, height: 0.94, fill: treasure ? '#fde047' : '#f3f4f6', stroke: '#9ca3af', lineWidth: 0.02 });
      }
    }
    shapes.push({ id: 'agent', kind: 'circle', x: this.x + 0.5, y: this.y + 0.5, angle: 0, radius: 0.32, fill: '#2563eb' });
    return { bounds: { xMin: -0.25, xMax: this.size + 0.25, yMin: -0.25, yMax: this.size + 0.25 }, background: '#ffffff', shapes };
  }

  close(): void {}

  /** A fresh array every call: agents keep observations, so a reused buffer would change their past. */
  private observe(): Float32Array {
    return Float32Array.of(this.x / (this.size - 1), this.y / (this.size - 1));
  }
}
`;
}

/** Adds `dojo new-env`. */
export function register(program: Command): void {
  program
    .command('new-env')
    .description('write a documented env file from a template (envs/custom/) and register it as <Name>-v0')
    .argument('<Name>', 'the env class name in PascalCase, e.g. GridTreasure (its id becomes GridTreasure-v0)')
    .option('--category <c>', `the picker group: ${ENV_CATEGORIES.join(', ')}`, 'other')
    .action((name: string, flags: { category: string }) => {
      const { id, file } = scaffoldEnv(name, { category: flags.category });
      const next = [
        [`npx dojo check ${id}`, 'the contract: spaces, seeding, bad actions, scene'],
        [`npx dojo train --env ${id} --algo ppo --total-timesteps 20000`, 'learns to reach the treasure in about 10 s'],
        ['npm start', `pick ${id} in the page; saving ${file} while it trains swaps the new code in`],
      ];
      const width = Math.max(...next.map(([cmd]) => cmd.length));
      process.stdout.write(
        [
          `Created ${file} (${id}): a grid world to edit into your env; its header says what each part is for.`,
          `Registered ${id} in envs/index.ts (category "${flags.category}").`,
          '',
          'Next:',
          ...next.map(([cmd, what]) => `  ${cmd.padEnd(width)}   # ${what}`),
          '',
        ].join('\n'),
      );
    });
}
