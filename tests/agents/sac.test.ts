/**
 * SAC's own behaviour: the entropy coefficient α, tuned automatically or fixed. The checks it shares
 * with the other agents are in all-agents.test.ts, those it shares with TD3 in continuous-control.test.ts.
 */
import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import { sac, sacSpec } from '../../agents/sac.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { collectRows } from './toy-envs.ts';

/** A small, fast Pendulum run: 2 iterations of 200 steps, training from step 100. */
const SMALL = { totalTimesteps: 400, iterationSteps: 200, learningStarts: 100, batchSize: 32, hiddenSizes: [32, 32] };

describe('SAC', () => {
  it('tunes alpha automatically, from 1 downwards', async () => {
    const rows = await collectRows(sac.createRun(resolveConfig('sac', sacSpec, SMALL), runContext('Pendulum-v1')));
    expect(rows[1]['losses/alpha']).toBeLessThan(1);
    expect(Number.isFinite(rows[1]['losses/alpha_loss'])).toBe(true);
  });

  it('uses the fixed alpha when autotune is off', async () => {
    const rows = await collectRows(sac.createRun(resolveConfig('sac', sacSpec, { ...SMALL, autotune: false, alpha: 0.05 }), runContext('Pendulum-v1')));
    expect(rows[1]['losses/alpha']).toBe(0.05);
    expect(rows[1]['losses/alpha_loss']).toBeUndefined();
  });
});
