/**
 * The page's catalog groups envs by the category their registration names, never by their ids: Acrobot
 * (whose name contains "robot") is classic control, a namespaced or plain id without a category is "other".
 * Presets reach the page with their env kwargs apart from their config fields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { DebugEnv } from '../../src/gym/debug-env.ts';
import { register, unregister } from '../../src/gym/registry.ts';
import { buildCatalog, presetEnvKwargs } from '../../src/web/catalog.ts';
import { readPreset } from '../../src/cli/presets.ts';

afterEach(() => {
  unregister('Robot/Unnamed-v0');
  unregister('WalkerLike-v0');
});

describe('the picker catalog', () => {
  it('takes each env\'s group from its registration', () => {
    // ids that the old name patterns put in "robot": a Robot/ namespace and a walker name, registered without a category
    register({ id: 'Robot/Unnamed-v0', factory: (kwargs, spec) => new DebugEnv({ ...kwargs, stepWork: 1 }, spec) });
    register({ id: 'WalkerLike-v0', category: 'arcade', factory: (kwargs, spec) => new DebugEnv({ ...kwargs, stepWork: 1 }, spec) });
    const category = Object.fromEntries(buildCatalog().envs.map((e) => [e.id, e.category]));
    expect(category).toMatchObject({
      'Acrobot-v1': 'classic',
      'CartPole-v1': 'classic',
      'AmpFootWalker-v0': 'robot',
      'TicTacToe-v0': 'board',
      'Breakout-v0': 'arcade',
      'Examples/Corridor-v0': 'other',
      'Debug/SlowEnv-v0': 'other',
      'Robot/Unnamed-v0': 'other',
      'WalkerLike-v0': 'arcade',
    });
  });

  it('gives the page each preset\'s config fields and, apart, the env kwargs a fresh run of the pair takes', () => {
    const catalog = buildCatalog();
    expect(catalog.presets['ppo-Paint-v0']).not.toHaveProperty('envKwargs');
    expect(catalog.presets['ppo-Paint-v0']).toMatchObject({ totalTimesteps: 1_000_000 });
    expect(catalog.presetKwargs['ppo-Paint-v0']).toEqual(readPreset('ppo-Paint-v0')?.envKwargs);
    expect(presetEnvKwargs('ppo', 'Paint-v0')).toEqual({ obs: 'features', featureSize: 8, actionFrame: 'window', frameSpan: 1 });
    expect(presetEnvKwargs('ppo', 'CartPole-v1')).toEqual({});
    expect(catalog.presetKwargs).not.toHaveProperty('ppo-CartPole-v1');
  });
});
