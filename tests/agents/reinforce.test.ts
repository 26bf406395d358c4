import { describe, it, expect } from 'vitest';
import { reinforce, reinforceSpec } from '../../agents/reinforce.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { loadNets } from '../../agents/common/checkpoint.ts';
import type { Metrics } from '../../src/core/metrics.ts';
import { NonFiniteError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { Tensor } from '../../src/autograd/index.ts';
import { mlp } from '../../src/nn/index.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { evaluatePolicy } from '../../src/cli/eval.ts';
import { IdentityEnv, IdentityBoxEnv, BanditEnv, EndlessEnv, PairIdentityEnv, toyContext, lastReturns, collectRows } from './toy-envs.ts';
import type { RunContext } from '../../agents/common/agent.ts';
import '../../envs/index.ts';

const cfgOf = (o: Record<string, unknown>) => resolveConfig('reinforce', reinforceSpec, o);

function collect(cfg: Record<string, unknown>, ctx: RunContext): Promise<Metrics[]> {
  return collectRows(reinforce.createRun(cfgOf(cfg), ctx));
}

describe('REINFORCE with a baseline', () => {
  it('learns a bandit', async () => {
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const rows = await collect({ totalTimesteps: 2000, learningRate: 1e-2, vfLearningRate: 1e-2 }, ctx);
    expect(lastReturns(rows, 10)).toBeGreaterThan(0.95);
  });

  it('learns the identity task (discrete)', async () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 10_000, learningRate: 1e-2, vfLearningRate: 1e-2 }), ctx);
    await collectRows(run);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns MultiDiscrete actions', async () => {
    const ctx = toyContext('Test/PairIdentity-v0', () => new PairIdentityEnv());
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 20_000, learningRate: 3e-3, vfLearningRate: 1e-2 }), ctx);
    await collectRows(run);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(18);
  });

  it('improves on the identity task with Box actions (diagonal Gaussian)', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const rows = await collect({ totalTimesteps: 20_000, learningRate: 5e-3, vfLearningRate: 1e-2 }, ctx);
    // Monte-Carlo returns over 10 independent steps are noisy: a clear gain, not PPO's or A2C's bar
    const first = rows[0]['charts/episodic_return'], last = lastReturns(rows, 10);
    expect(last).toBeGreaterThan(first + 2.5);
  });

  it('bootstraps from b(final obs) on truncation, so the baseline approaches 1/(1 − γ)', async () => {
    // reward 1 forever, cut at 5 steps: bootstrapping gives b = 10 at γ = 0.9; treating the cut as an end gives ≈ 2.6
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv(), 5);
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 8000, gamma: 0.9, vfLearningRate: 1e-2, trainVIters: 5, normAdv: false, hiddenSizes: [16] }), ctx);
    await collectRows(run);
    const critic = mlp([1, 16, 1], 'tanh', new Rng(0));
    loadNets(run.checkpoint(), { critic });
    expect(critic.forward(new Tensor(Float32Array.of(1), [1, 1])).data[0]).toBeGreaterThan(8.5);
  });

  it('cuts an endless episode at maxRolloutSteps and bootstraps there too', async () => {
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv());
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 8000, maxRolloutSteps: 5, gamma: 0.9, vfLearningRate: 1e-2, trainVIters: 5, normAdv: false, hiddenSizes: [16] }), ctx);
    const rows = await collectRows(run);
    expect(rows[0]['charts/episodic_length']).toBe(5);
    const critic = mlp([1, 16, 1], 'tanh', new Rng(0));
    loadNets(run.checkpoint(), { critic });
    expect(critic.forward(new Tensor(Float32Array.of(1), [1, 1])).data[0]).toBeGreaterThan(8.5);
  });

  it('by default offers a checkpoint each time another tenth of the budget is done', async () => {
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 2000 }), runContext('CartPole-v1'));
    let due = 0;
    for await (const _ of run.iterations) if (run.checkpointDue()) due += 1;
    expect(due).toBeGreaterThanOrEqual(5);
    expect(due).toBeLessThanOrEqual(9);
  });

  it('a non-finite loss stops training with the step in the message', async () => {
    const run = (): Promise<Metrics[]> => collect({ totalTimesteps: 4000, learningRate: 1e30, vfLearningRate: 1e30, maxGradNorm: 0 }, runContext('CartPole-v1'));
    await expect(run()).rejects.toThrow(NonFiniteError);
    await expect(run()).rejects.toThrow(/reinforce: .* at global step \d+/);
  });
});
