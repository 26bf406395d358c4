/**
 * PPO's pipelined rollout (`pipelineRollout`): with the envs on worker threads, each worker's copies step in
 * turn while the next group's actions are chosen. Without observation normalisation it must give the numbers
 * of the lockstep rollout bit for bit (autoresets, truncation bootstraps, episode statistics, return
 * normalisation, action masks and LSTM states all pass through the group bookkeeping), and with it the
 * same seed must still give the same run, resumed or not.
 */
import { describe, it, expect } from 'vitest';
import { ppo, ppoSpec } from '../../agents/ppo.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import { WorkerVectorEnv } from '../../src/gym/vector/worker-vector-env.ts';
import { spawnNodeWorker } from '../../src/gym/vector/node-worker.ts';
import { registryModules } from '../../src/gym/registry.ts';

/**
 * A run context whose vector env counts whole steps and group steps; `oneGroup` makes its workers as the page
 * does, without `groupSteps`.
 */
function counted(env: string, opts: { workers: number; kwargs?: Record<string, unknown>; oneGroup?: boolean }): { ctx: RunContext; calls: { step: number; stepAsync: number } } {
  const base = runContext(env, opts);
  const calls = { step: 0, stepAsync: 0 };
  const makeVec = async (n: number): Promise<VectorEnv> => {
    const v = opts.oneGroup === true ? await WorkerVectorEnv.create({ envId: env, numEnvs: n, workers: opts.workers, makeOptions: {}, spawn: spawnNodeWorker, modules: registryModules() }) : await base.makeVec(n);
    return {
      numEnvs: v.numEnvs, spec: v.spec, singleObservationSpace: v.singleObservationSpace, singleActionSpace: v.singleActionSpace, obsDim: v.obsDim, actionDim: v.actionDim, actionRng: v.actionRng,
      groups: v.groups,
      reset: (o) => v.reset(o),
      setAttr: (name, value) => v.setAttr(name, value),
      step: (a) => {
        calls.step += 1;
        return v.step(a);
      },
      stepAsync: (g, a) => {
        calls.stepAsync += 1;
        v.stepAsync(g, a);
      },
      stepWait: (g) => v.stepWait(g),
      close: () => v.close(),
    };
  };
  return { ctx: { ...base, makeVec }, calls };
}

/** The untimed metrics of a PPO run, and how its vector env was stepped. */
async function train(env: string, config: Record<string, unknown>, workers: number, extra: { resume?: CheckpointPayload; kwargs?: Record<string, unknown>; oneGroup?: boolean } = {}): Promise<{ rows: Metrics[]; calls: { step: number; stepAsync: number } }> {
  const { ctx, calls } = counted(env, { workers, kwargs: extra.kwargs, oneGroup: extra.oneGroup });
  const run = ppo.createRun(resolveConfig('ppo', ppoSpec, config), { ...ctx, resume: extra.resume });
  const rows: Metrics[] = [];
  try {
    for await (const row of run.iterations) rows.push(withoutTiming(row));
  } finally {
    await run.close();
  }
  return { rows, calls };
}

describe('PPO pipelined rollout', () => {
  it.each([
    // box actions; Pendulum's 200-step time limit truncates every episode (bootstraps from finalObs), returns normalised
    { name: 'truncation and return normalisation (Pendulum)', env: 'Pendulum-v1', config: { numEnvs: 4, numSteps: 256, totalTimesteps: 2048, normReward: true, numMinibatches: 4 } },
    // colored noise: each group's copies take their own columns of the iteration's noise
    { name: 'colored exploration noise (Pendulum)', env: 'Pendulum-v1', config: { numEnvs: 4, numSteps: 256, totalTimesteps: 2048, noiseColor: 0.5, numMinibatches: 4 } },
    // LSTM states of each group carried, reset at episode ends and replayed in the update; groups of 2 and 3 copies
    { name: 'recurrent policy (CartPole)', env: 'CartPole-v1', config: { numEnvs: 5, numSteps: 64, totalTimesteps: 640, recurrent: true, lstmHidden: 8, numMinibatches: 5, normReward: true } },
    // legal-action masks of each group, episodes of a few steps
    { name: 'action masks (TicTacToe)', env: 'TicTacToe-v0', config: { numEnvs: 4, numSteps: 64, totalTimesteps: 512 } },
  ])('gives the lockstep numbers bit for bit without observation normalisation: $name', async ({ env, config }) => {
    const lockstep = await train(env, { ...config, pipelineRollout: false }, 2);
    const pipelined = await train(env, config, 2);
    const steps = config.totalTimesteps / config.numEnvs;
    expect(lockstep.calls).toEqual({ step: steps, stepAsync: 0 });
    expect(pipelined.calls).toEqual({ step: 0, stepAsync: 2 * steps }); // one group step per worker and step
    expect(pipelined.rows.some((r) => r['charts/episodes'] > 0)).toBe(true);
    expect(pipelined.rows).toEqual(lockstep.rows);
  });

  it('with normalised observations: the same seed repeats the run, and a resumed run repeats it from the checkpoint', async () => {
    const config = { numEnvs: 4, numSteps: 64, totalTimesteps: 1536, normObs: true, normReward: true, checkpointFrequency: 3, seed: 3 };
    const whole = await train('CartPole-v1', config, 2);
    expect(whole.calls.stepAsync).toBe(2 * (1536 / 4));
    expect((await train('CartPole-v1', config, 2)).rows).toEqual(whole.rows);
    const { ctx } = counted('CartPole-v1', { workers: 2 });
    const first = ppo.createRun(resolveConfig('ppo', ppoSpec, config), ctx);
    let saved: CheckpointPayload | null = null;
    for await (const _ of first.iterations) {
      if (first.checkpointDue()) {
        saved = first.checkpoint();
        break;
      }
    }
    await first.close();
    expect(saved).not.toBeNull();
    const resumed = await train('CartPole-v1', config, 2, { resume: saved as CheckpointPayload });
    expect(resumed.rows).toEqual(whole.rows.slice(3));
    // the statistics fold in each worker's observations as they arrive: other numbers than lockstep's
    expect((await train('CartPole-v1', { ...config, pipelineRollout: false }, 2)).rows).not.toEqual(whole.rows);
  });

  it('steps in lockstep when switched off, on one worker, in this thread, on workers in one group, and for cnn policies', async () => {
    const config = { numEnvs: 2, numSteps: 32, totalTimesteps: 64 };
    expect((await train('CartPole-v1', { ...config, pipelineRollout: false }, 2)).calls).toEqual({ step: 32, stepAsync: 0 });
    expect((await train('CartPole-v1', config, 2, { oneGroup: true })).calls).toEqual({ step: 32, stepAsync: 0 });
    expect((await train('CartPole-v1', config, 1)).calls).toEqual({ step: 32, stepAsync: 0 });
    expect((await train('CartPole-v1', config, 0)).calls).toEqual({ step: 32, stepAsync: 0 });
    const pixels = { obs: 'pixels', screenWidth: 20, screenHeight: 36 };
    const cnn = { ...config, network: 'cnn', cnnChannels: [4, 8], cnnHidden: 16 };
    expect((await train('Catch-v0', cnn, 2, { kwargs: pixels })).calls).toEqual({ step: 32, stepAsync: 0 });
  });
});
