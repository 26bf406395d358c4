/**
 * `curriculumSteps`: PPO, SAC and TD3 drive an env's training curriculum (`curriculumProgress`,
 * AmpFootWalker-v0's energy price) from 0 to 1 over that many steps, set between iterations through `VectorEnv.setAttr`; a resumed run
 * sets it as the uninterrupted one did; an env without a curriculum is refused when the run is created.
 */
import { describe, expect, it } from 'vitest';
import { ppo, ppoSpec } from '../../agents/ppo.ts';
import { sac, sacSpec } from '../../agents/sac.ts';
import { td3, td3Spec } from '../../agents/td3.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import { collectRows, firstCheckpoint } from './toy-envs.ts';

const cfgOf = (o: Record<string, unknown>) => resolveConfig('ppo', ppoSpec, o);
// 4 iterations of 2 copies × 32 steps; the curriculum runs over the first two
const CFG = { totalTimesteps: 256, numEnvs: 2, numSteps: 32, numMinibatches: 2, updateEpochs: 1, hiddenSizes: [8], checkpointFrequency: 2, curriculumSteps: 128, seed: 3 };

/** A walker context whose vector env records every setAttr call. */
function spied(resume?: CheckpointPayload): { ctx: RunContext; calls: [string, unknown][] } {
  const base = runContext('AmpFootWalker-v0', { resume });
  const calls: [string, unknown][] = [];
  const makeVec = async (n: number): Promise<VectorEnv> => {
    const v = await base.makeVec(n);
    return Object.assign(Object.create(v) as VectorEnv, {
      setAttr: (name: string, value: number) => {
        calls.push([name, value]);
        return v.setAttr(name, value);
      },
    });
  };
  return { ctx: { ...base, makeVec }, calls };
}

// SAC and TD3: 4 iterations of 2 copies × 16 steps (one row each), learning from step 32; the curriculum over the first two
const OFF = { totalTimesteps: 128, numEnvs: 2, iterationSteps: 32, learningStarts: 32, batchSize: 16, hiddenSizes: [8], checkpointFrequency: 2, curriculumSteps: 64, seed: 3 };

// 4 rows each, the curriculum over the first two; a loss of `row` shows that the rewards learnt from changed
const everyAgent = [
  { name: 'PPO', create: (o: Record<string, unknown>, ctx: RunContext) => ppo.createRun(cfgOf({ ...CFG, ...o }), ctx), loss: 'losses/value_loss', row: 0 },
  { name: 'SAC', create: (o: Record<string, unknown>, ctx: RunContext) => sac.createRun(resolveConfig('sac', sacSpec, { ...OFF, ...o }), ctx), loss: 'losses/qf_loss', row: 1 },
  { name: 'TD3', create: (o: Record<string, unknown>, ctx: RunContext) => td3.createRun(resolveConfig('td3', td3Spec, { ...OFF, ...o }), ctx), loss: 'losses/qf_loss', row: 1 },
] as const;

describe.each(everyAgent)('$name curriculumSteps', ({ create, loss, row }) => {
  it('sets the copies\' curriculum progress between iterations, from 0 to 1, and reports it; the rewards it learns from change', async () => {
    const { ctx, calls } = spied();
    const rows = await collectRows(create({}, ctx));
    expect(calls).toEqual([['curriculumProgress', 0], ['curriculumProgress', 0.5], ['curriculumProgress', 1]]);
    expect(rows.map((r) => r['charts/curriculum_progress'])).toEqual([0, 0.5, 1, 1]);
    const without = await collectRows(create({ curriculumSteps: 0 }, runContext('AmpFootWalker-v0')));
    expect(without[row][loss]).not.toBe(rows[row][loss]);
    expect(without[0]).not.toHaveProperty('charts/curriculum_progress');
  });

  it('is refused on an env without a curriculum', () => {
    expect(() => create({ curriculumSteps: 1000 }, runContext('Pendulum-v1'))).toThrow(ConfigError);
    expect(() => create({ curriculumSteps: 1000 }, runContext('Pendulum-v1'))).toThrow(/curriculumSteps 1000 needs an env with a training curriculum \(a numeric curriculumProgress attribute\), and Pendulum-v1 has none/);
  });
});

describe('PPO curriculumSteps', () => {
  it('a run resumed at a boundary sets the progress the uninterrupted run had, and repeats its rows', async () => {
    const whole = (await collectRows(ppo.createRun(cfgOf(CFG), runContext('AmpFootWalker-v0')))).map(withoutTiming);
    const { ctx, calls } = spied(await firstCheckpoint(ppo.createRun(cfgOf(CFG), runContext('AmpFootWalker-v0'))));
    const resumed: Metrics[] = (await collectRows(ppo.createRun(cfgOf(CFG), ctx))).map(withoutTiming);
    expect(calls).toEqual([['curriculumProgress', 1]]);
    expect(resumed).toEqual(whole.slice(2));
  });
});

describe.each(everyAgent.slice(1))('$name curriculumSteps, resumed', ({ create }) => {
  it('a run resumed from a checkpoint sets the progress its step has reached', async () => {
    const { ctx, calls } = spied(await firstCheckpoint(create({}, runContext('AmpFootWalker-v0'))));
    const rows = await collectRows(create({}, ctx));
    expect(calls).toEqual([['curriculumProgress', 1]]);
    expect(rows.map((r) => r['charts/curriculum_progress'])).toEqual([1, 1]);
  });
});
