/**
 * The zoo in the unit suite: every shipped file is listed with a recipe that still resolves to the config
 * saved in the file, zoo/README.md gives its command and commit, and CartPole's claim holds. The full
 * re-evaluation of every claim is `npm run zoo:check` (the board-game matches take minutes).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkClaim, checkRecipe, configDrift, readZoo, recipeConfig, shellWords } from '../../bench/zoo-check.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { readCheckpoint } from '../../src/cli/run-context.ts';

const ZOO = join(__dirname, '..', '..', 'zoo');
const readme = readFileSync(join(ZOO, 'README.md'), 'utf8');

describe('zoo', () => {
  it('zoo.json lists exactly the files in zoo/', () => {
    const shipped = readdirSync(ZOO).filter((f) => f.endsWith('.safetensors')).sort();
    expect(readZoo().map((e) => e.file).sort()).toEqual(shipped);
  });

  for (const entry of readZoo()) {
    it(`${entry.file}: its recipe resolves to its saved config, and the README gives its command and commit`, () => {
      expect(checkRecipe(entry, readme)).toEqual([]);
    });
  }

  it('finds the drift that broke the old recipes: a preset changed after training, a budget left out', () => {
    const saved = (file: string): Record<string, unknown> => readCheckpointMeta(readCheckpoint(join(ZOO, file))).config;
    const catchRecipe = recipeConfig('dojo train --env Catch-v0 --env-kwargs \'{"obs":"pixels","frameStack":1}\' --algo ppo --seed 1');
    expect(configDrift(saved('Catch-v0.ppo.safetensors'), catchRecipe.config, catchRecipe.spec)).toEqual(['totalTimesteps: the file has 200000, the recipe gives 500000']);
    const cartPole = recipeConfig('dojo train --env CartPole-v1 --algo ppo --total-timesteps 100000 --seed 1 --update-epochs 20');
    expect(configDrift(saved('CartPole-v1.ppo.safetensors'), cartPole.config, cartPole.spec)).toEqual(['updateEpochs: the file has 14, the recipe gives 20']);
    // a field the file predates must resolve to its default
    const { numEnvs: _numEnvs, ...withoutNumEnvs } = saved('CartPole-v1.ppo.safetensors');
    expect(configDrift(withoutNumEnvs, cartPole.config, cartPole.spec)).toContain('numEnvs: the file predates this field, the recipe sets 8 instead of its default 4');
  });

  it('reads the command and commit from the file\'s own README row', () => {
    const entry = readZoo()[0];
    const elsewhere = readme.split('\n').filter((line) => !line.startsWith(`| \`${entry.file}\` |`)).join('\n') + `\n\`${entry.command}\` ${entry.commit}\n`;
    expect(checkRecipe(entry, elsewhere)).toEqual([`zoo/README.md has no table row for ${entry.file}`]);
    const stale = readme.replace(`| ${entry.commit} |`, '| 0000000 |');
    expect(checkRecipe(entry, stale)).toEqual([`zoo/README.md's row for ${entry.file} does not give the commit ${entry.commit}`]);
  });

  it('splits a recipe into words as a shell would, single quotes grouping', () => {
    expect(shellWords('dojo train --env-kwargs \'{"obs":"pixels", "frameStack":1}\' --seed 1')).toEqual(['dojo', 'train', '--env-kwargs', '{"obs":"pixels", "frameStack":1}', '--seed', '1']);
  });

  it('CartPole-v1.ppo meets its claim, and its metadata names the commit zoo.json gives', () => {
    const entry = readZoo().find((e) => e.file === 'CartPole-v1.ppo.safetensors');
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    expect(readCheckpoint(join(ZOO, entry.file)).metadata.commit).toBe(entry.commit);
    expect(checkClaim(entry)).toEqual({ measured: 'return 500.00 over 100 episodes from seed 0', met: true });
  });
});
