/**
 * `dojo new-env`: the template it writes passes the env checks, and it registers the env without ever
 * overwriting a file or an id. `scaffoldEnv` runs here against a scratch `envs/index.ts`; the generated
 * file is then loaded from the scratch folder and checked like any registered env.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkEnv, formatReport } from '../../src/gym/check-env.ts';
import { scaffoldEnv } from '../../src/cli/new-env.ts';
import { envCategory, make, register, unregister } from '../../src/gym/registry.ts';
import type { EnvFactory } from '../../src/gym/registry.ts';

const REPO = join(__dirname, '..', '..');
const DOJO = join(REPO, 'bin', 'dojo.js');
let root = '';

beforeEach(() => {
  // a scratch checkout: envs/index.ts, and src/ linked so the generated file's imports resolve
  root = mkdtempSync(join(tmpdir(), 'dojo-new-env-'));
  mkdirSync(join(root, 'envs'));
  copyFileSync(join(REPO, 'envs', 'index.ts'), join(root, 'envs', 'index.ts'));
  symlinkSync(join(REPO, 'src'), join(root, 'src'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  unregister('GridTreasure-v0');
});

/** The files under root/envs, to show a refusal wrote nothing. */
function snapshot(): string {
  const custom = join(root, 'envs', 'custom');
  return JSON.stringify([readFileSync(join(root, 'envs', 'index.ts'), 'utf8'), existsSync(custom) ? readdirSync(custom) : null]);
}

describe('dojo new-env', () => {
  it('writes a documented env from the template that passes every check, and registers it in envs/index.ts', async () => {
    const made = scaffoldEnv('GridTreasure', { root });
    expect(made).toEqual({ id: 'GridTreasure-v0', file: join('envs', 'custom', 'grid-treasure.ts') });
    const source = readFileSync(join(root, made.file), 'utf8');
    for (const section of ['## Description', '## Observation', '## Actions', '## Reward', '## Start state', '## Episode end', '## Version history']) expect(source).toContain(section);
    for (const helper of ['seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng)', 'assertCanStep(this, this.phase, action)', 'throw actionError(this.spec.id, this.actionSpace, action)', 'render(): Scene', 'keymap: {']) expect(source).toContain(helper);
    const index = readFileSync(join(root, 'envs', 'index.ts'), 'utf8');
    expect(index).toContain("import { GridTreasure, GRID_TREASURE_DEFAULTS, GRID_TREASURE_METADATA } from './custom/grid-treasure.ts';");
    expect(index).toMatch(/\/\/ ── your envs \(dojo new-env adds them here\) ──\n\nregister\(\{\n {2}id: 'GridTreasure-v0',\n {2}category: 'other',/);

    // register the generated class as index.ts would, and run the checker over it
    const mod = (await import(pathToFileURL(join(root, made.file)).href)) as Record<string, unknown>;
    const Env = mod.GridTreasure as new (...args: Parameters<EnvFactory>) => ReturnType<EnvFactory>;
    register({ id: 'GridTreasure-v0', category: 'other', factory: (kwargs, spec) => new Env(kwargs, spec), maxEpisodeSteps: 50, rewardThreshold: 0.9, kwargs: mod.GRID_TREASURE_DEFAULTS as Record<string, unknown> });
    const report = checkEnv('GridTreasure-v0');
    expect(report.ok, formatReport(report)).toBe(true);
    expect(envCategory('GridTreasure-v0')).toBe('other');
    expect(() => make('GridTreasure-v0', { kwargs: { size: 1 } })).toThrow(/size must be an integer ≥ 2, received 1/);
  });

  it('a second env goes under the first in the same section, with the category asked for', () => {
    scaffoldEnv('GridTreasure', { root });
    scaffoldEnv('LavaPit2', { root, category: 'classic' });
    const index = readFileSync(join(root, 'envs', 'index.ts'), 'utf8');
    expect(index.match(/your envs \(dojo new-env/g)).toHaveLength(1);
    expect(index.indexOf("id: 'GridTreasure-v0'")).toBeLessThan(index.indexOf("id: 'LavaPit2-v0'"));
    expect(index).toMatch(/id: 'LavaPit2-v0',\n {2}category: 'classic',/);
    expect(existsSync(join(root, 'envs', 'custom', 'lava-pit-2.ts'))).toBe(true);
  });

  it('refuses to overwrite an existing file or a registered id, and writes nothing', () => {
    scaffoldEnv('GridTreasure', { root });
    const before = snapshot();
    expect(() => scaffoldEnv('GridTreasure', { root })).toThrow('new-env: envs/custom/grid-treasure.ts already exists; pick another name, or delete the file if you mean to start over');
    expect(() => scaffoldEnv('CartPole', { root })).toThrow('new-env: CartPole-v1 is already registered; pick another name (or bump the version of that env by hand)');
    rmSync(join(root, 'envs', 'custom', 'grid-treasure.ts'));
    const noFile = snapshot();
    expect(() => scaffoldEnv('GridTreasure', { root })).toThrow("new-env: envs/index.ts already names 'GridTreasure-v0'; pick another name");
    expect(snapshot()).toBe(noFile);
    expect(noFile).not.toBe(before);
  });

  it.each([
    ['gridTreasure', /must be PascalCase: a capital letter, then 1–47 letters or digits \(e\.g\. `dojo new-env GridTreasure`\); received "gridTreasure"/],
    ['Grid-Treasure', /must be PascalCase.*received "Grid-Treasure"/],
    ['Grid Treasure', /must be PascalCase/],
    ['../Evil', /must be PascalCase/],
    ['G', /must be PascalCase/],
    ['GridTreasure-v1', /give the name without a version \("GridTreasure"\); the id gets -v0/],
  ])('rejects the name %j', (name, message) => {
    const before = snapshot();
    expect(() => scaffoldEnv(name, { root })).toThrow(message);
    expect(snapshot()).toBe(before);
  });

  it.each([
    ['Corridor', 'new-env: envs/index.ts already imports a Corridor; pick another name'],
    ['Math', "new-env: a class named Math would hide JavaScript's global Math; pick another name"],
    ['Rng', 'new-env: the env file already imports or defines a Rng; pick another name'],
  ])('refuses %s, whose class would clash with another name', (name, message) => {
    const before = snapshot();
    expect(() => scaffoldEnv(name, { root })).toThrow(message);
    expect(snapshot()).toBe(before);
  });

  it('rejects an unknown category, naming the ones there are', () => {
    expect(() => scaffoldEnv('GridTreasure', { root, category: 'puzzle' })).toThrow('new-env: --category must be one of robot, classic, board, arcade, art, other, received "puzzle"');
  });

  it('the command exits 1 with the message and no stack trace for a bad name', () => {
    const r = spawnSync(process.execPath, [DOJO, 'new-env', 'grid'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dojo: new-env: the name becomes a class and an id, so it must be PascalCase/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
