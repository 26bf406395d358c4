import { describe, it, expect } from 'vitest';
import { a2c, a2cSpec } from '../../agents/a2c.ts';
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

const cfgOf = (o: Record<string, unknown>) => resolveConfig('a2c', a2cSpec, o);

function collect(cfg: Record<string, unknown>, ctx: RunContext): Promise<Metrics[]> {
  return collectRows(a2c.createRun(cfgOf(cfg), ctx));
}

describe('A2C', () => {
  it('learns a bandit', async () => {
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const rows = await collect({ totalTimesteps: 2000, numEnvs: 4, learningRate: 3e-3 }, ctx);
    expect(lastReturns(rows, 10)).toBeGreaterThan(0.95);
  });

  it('learns the identity task (discrete)', async () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = a2c.createRun(cfgOf({ totalTimesteps: 10_000, numEnvs: 4, learningRate: 3e-3 }), ctx);
    await collectRows(run);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns the identity task with Adam instead of RMSProp', async () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = a2c.createRun(cfgOf({ totalTimesteps: 10_000, numEnvs: 4, learningRate: 3e-3, useRmsProp: false }), ctx);
    await collectRows(run);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns MultiDiscrete actions', async () => {
    const ctx = toyContext('Test/PairIdentity-v0', () => new PairIdentityEnv());
    const run = a2c.createRun(cfgOf({ totalTimesteps: 15_000, numEnvs: 4, learningRate: 3e-3, normAdv: true }), ctx);
    await collectRows(run);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(18);
  });

  it('improves on the identity task with Box actions (diagonal Gaussian)', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const rows = await collect({ totalTimesteps: 20_000, numEnvs: 4, learningRate: 3e-3, normAdv: true }, ctx);
    const first = rows.find((r) => r['charts/episodes'] > 0)?.['charts/episodic_return'] ?? Number.NaN;
    const last = lastReturns(rows, 20);
    expect(last).toBeGreaterThan(first + 2);
    expect(last).toBeGreaterThan(-2.5);
  });

  it('bootstraps from V(final obs) on truncation, so V approaches 1/(1 − γ)', async () => {
    // reward 1 forever, cut at 5 steps: bootstrapping gives V = 10 at γ = 0.9; treating the cut as an end gives ≈ 2.6
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv(), 5);
    const run = a2c.createRun(cfgOf({ totalTimesteps: 8000, numEnvs: 4, gamma: 0.9, learningRate: 3e-3, hiddenSizes: [16] }), ctx);
    await collectRows(run);
    const critic = mlp([1, 16, 1], 'tanh', new Rng(0));
    loadNets(run.checkpoint(), { critic });
    expect(critic.forward(new Tensor(Float32Array.of(1), [1, 1])).data[0]).toBeGreaterThan(8.5);
  });

  it('a non-finite loss stops training with the step in the message', async () => {
    const run = (): Promise<Metrics[]> => collect({ totalTimesteps: 4000, learningRate: 1e30, maxGradNorm: 1e30 }, runContext('CartPole-v1'));
    await expect(run()).rejects.toThrow(NonFiniteError);
    await expect(run()).rejects.toThrow(/a2c: .* at global step \d+/);
  });
});
