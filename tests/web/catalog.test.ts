/**
 * The page's catalog groups envs by the category their registration names, never by their ids: Acrobot
 * (whose name contains "robot") is classic control, a namespaced or plain id without a category is "other".
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { DebugEnv } from '../../src/gym/debug-env.ts';
import { register, unregister } from '../../src/gym/registry.ts';
import { buildCatalog } from '../../src/web/catalog.ts';

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
});
