/**
 * What SAC and TD3 share beyond the all-agents suite: they learn a Box identity task, bootstrap through a
 * time-limit truncation but not through a termination, keep every action inside the Box, refuse a
 * discrete env when the run starts, and stop on a non-finite loss with the step and the loss named.
 */
import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import { sac, sacSpec } from '../../agents/sac.ts';
import { td3, td3Spec } from '../../agents/td3.ts';
import type { AnyAgent, RunContext } from '../../agents/common/agent.ts';
import { resolveConfig, type ConfigSpec } from '../../agents/common/config.ts';
import type { Metrics } from '../../src/core/metrics.ts';
import { ConfigError, NonFiniteError } from '../../src/core/errors.ts';
import type { StepResult } from '../../src/gym/env.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { evaluatePolicy } from '../../src/cli/eval.ts';
import { IdentityBoxEnv, IdentityEnv, toyContext, collectRows } from './toy-envs.ts';

/** A small, fast run: 2 iterations of 200 steps, training from step 100. */
const SMALL = { totalTimesteps: 400, iterationSteps: 200, learningStarts: 100, batchSize: 32, hiddenSizes: [32, 32] };

/** Each agent with its learning rates for the toy tasks (SAC: separate policy and Q rates; TD3: one) and its settings without entropy. */
const CASES: ReadonlyArray<readonly [string, AnyAgent, ConfigSpec, Record<string, unknown>, Record<string, unknown>]> = [
  ['sac', sac, sacSpec, { policyLr: 3e-3, qLr: 3e-3 }, { autotune: false, alpha: 0, qLr: 1e-2 }],
  ['td3', td3, td3Spec, { learningRate: 3e-3 }, { learningRate: 1e-2 }],
];

describe.each(CASES)('%s (continuous control)', (name, agent, spec, fast, plainQ) => {
  const collect = (cfg: Record<string, unknown>, ctx: RunContext): Promise<Metrics[]> => collectRows(agent.createRun(resolveConfig(name, spec, cfg), ctx));

  it('learns the identity task with Box actions', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const run = agent.createRun(resolveConfig(name, spec, { totalTimesteps: 1500, iterationSteps: 500, learningStarts: 300, batchSize: 64, hiddenSizes: [32, 32], gamma: 0.5, seed: 1, ...fast }), ctx);
    await collectRows(run);
    // a uniform random policy scores −6.7 per 10-step episode; the optimum is 0
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 20, 0);
    expect(returns.reduce((s, r) => s + r, 0) / returns.length).toBeGreaterThan(-1);
  });

  it('bootstraps through a time-limit truncation but not through a termination', async () => {
    // reward 1 every step, whatever the action: Q = 1/(1 − γ) = 10 when the episode is only cut
    // off; when it really ends after 5 steps (and the observation does not show the time), Q → 1/(1 − 0.8γ) ≈ 3.6
    class ConstantReward extends IdentityBoxEnv {
      override step(action: Float32Array): StepResult<Float32Array> {
        return { ...super.step(action), reward: 1 };
      }
    }
    const cfg = { totalTimesteps: 2000, iterationSteps: 500, learningStarts: 100, batchSize: 64, hiddenSizes: [16], gamma: 0.9, tau: 0.1, ...plainQ };
    const truncated = await collect(cfg, toyContext('Test/ConstantReward-v0', () => new ConstantReward(1, 1_000_000), 5));
    const terminated = await collect(cfg, toyContext('Test/ConstantReward-v0', () => new ConstantReward(1, 5)));
    expect(truncated[truncated.length - 1]['losses/qf1_values']).toBeGreaterThan(8.5);
    expect(terminated[terminated.length - 1]['losses/qf1_values']).toBeLessThan(4.5);
  });

  it('keeps deterministic and exploring actions inside the Box', async () => {
    const ctx = runContext('Pendulum-v1');
    const run = agent.createRun(resolveConfig(name, spec, SMALL), ctx);
    await collectRows(run);
    const env = ctx.makeEnv();
    let obs = env.reset({ seed: 3 }).obs;
    for (let i = 0; i < 50; i++) {
      const a = run.policy.act(obs, { deterministic: i % 2 === 0 }) as Float32Array;
      expect(Math.abs(a[0])).toBeLessThanOrEqual(2);
      obs = env.step(a).obs;
    }
  });

  it('refuses a discrete env when the run starts', () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    expect(() => agent.createRun(resolveConfig(name, spec, SMALL), ctx)).toThrow(ConfigError);
    expect(() => agent.createRun(resolveConfig(name, spec, SMALL), ctx)).toThrow(new RegExp(`${name}: action space Discrete\\(4\\) is not a Box`));
  });

  it('a non-finite loss stops training with the step and the loss in the message', async () => {
    class InfiniteReward extends IdentityBoxEnv {
      override step(action: Float32Array): StepResult<Float32Array> {
        return { ...super.step(action), reward: Infinity };
      }
    }
    const ctx = toyContext('Test/InfiniteReward-v0', () => new InfiniteReward(1, 10));
    await expect(collect(SMALL, ctx)).rejects.toThrow(NonFiniteError);
    await expect(collect(SMALL, ctx)).rejects.toThrow(new RegExp(`${name}: losses/qf_loss is (NaN|Infinity) at global step 101`));
  });
});
