import { describe, it, expect } from 'vitest';
import { reinforce, reinforceSpec } from '../../agents/reinforce.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { loadNets } from '../../agents/common/checkpoint.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { NonFiniteError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { Tensor } from '../../src/autograd/index.ts';
import { mlp } from '../../src/nn/index.ts';
import { encodeSafetensors, decodeSafetensors } from '../../src/nn/safetensors.ts';
import { box, dict, discrete, multiBinary, multiDiscrete } from '../../src/gym/spaces.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { evaluatePolicy } from '../../src/cli/eval.ts';
import { IdentityEnv, IdentityBoxEnv, BanditEnv, EndlessEnv, PairIdentityEnv, toyContext, expectSameActions, lastReturns, syncRows } from './toy-envs.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import '../../envs/index.ts';

const cfgOf = (o: Record<string, unknown>) => resolveConfig('reinforce', reinforceSpec, o);

function collect(cfg: Record<string, unknown>, ctx: RunContext): Metrics[] {
  const run = reinforce.createRun(cfgOf(cfg), ctx);
  const rows = [...syncRows(run)];
  run.close();
  return rows;
}

describe('REINFORCE with a baseline', () => {
  it('runs on CartPole with CleanRL metric keys and no NaN', () => {
    const rows = collect({ totalTimesteps: 300 }, runContext('CartPole-v1'));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const last = rows[rows.length - 1];
    expect(last.global_step).toBeGreaterThanOrEqual(300);
    for (const row of rows) for (const [k, v] of Object.entries(row)) expect(Number.isFinite(v), k).toBe(true);
    for (const key of ['global_step', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/explained_variance', 'charts/SPS', 'charts/learning_rate', 'charts/episodes', 'charts/episodic_return', 'charts/episodic_length', 'grads/actor.0', 'grads/actor.4', 'grads/critic.0', 'grads/critic.4']) {
      expect(last[key], key).toBeTypeOf('number');
    }
    // one complete episode per copy per iteration, and global_step counts exactly their steps
    expect(rows[0]['charts/episodes']).toBe(8);
    expect(rows[0].global_step).toBe(8 * rows[0]['charts/episodic_length']);
    expect(rows[0]['charts/episodic_return']).toBe(rows[0]['charts/episodic_length']);
  });

  it('is deterministic: the same seed gives the same metrics', () => {
    const a = collect({ totalTimesteps: 1000, seed: 7 }, runContext('CartPole-v1')).map(withoutTiming);
    const b = collect({ totalTimesteps: 1000, seed: 7 }, runContext('CartPole-v1')).map(withoutTiming);
    const c = collect({ totalTimesteps: 1000, seed: 8 }, runContext('CartPole-v1')).map(withoutTiming);
    expect(a.length).toBeGreaterThan(2);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('learns a bandit', () => {
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const rows = collect({ totalTimesteps: 2000, learningRate: 1e-2, vfLearningRate: 1e-2 }, ctx);
    expect(lastReturns(rows, 10)).toBeGreaterThan(0.95);
  });

  it('learns the identity task (discrete)', () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 10_000, learningRate: 1e-2, vfLearningRate: 1e-2 }), ctx);
    for (const _ of syncRows(run));
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns MultiDiscrete actions', () => {
    const ctx = toyContext('Test/PairIdentity-v0', () => new PairIdentityEnv());
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 20_000, learningRate: 3e-3, vfLearningRate: 1e-2 }), ctx);
    for (const _ of syncRows(run));
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(18);
  });

  it('improves on the identity task with Box actions (diagonal Gaussian)', () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const rows = collect({ totalTimesteps: 20_000, learningRate: 5e-3, vfLearningRate: 1e-2 }, ctx);
    // Monte-Carlo returns over 10 independent steps are noisy: a clear gain, not PPO's or A2C's bar
    const first = rows[0]['charts/episodic_return'], last = lastReturns(rows, 10);
    expect(last).toBeGreaterThan(first + 2.5);
  });

  it('bootstraps from b(final obs) on truncation, so the baseline approaches 1/(1 − γ)', () => {
    // reward 1 forever, cut at 5 steps: bootstrapping gives b = 10 at γ = 0.9; treating the cut as an end gives ≈ 2.6
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv(), 5);
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 8000, gamma: 0.9, vfLearningRate: 1e-2, trainVIters: 5, normAdv: false, hiddenSizes: [16] }), ctx);
    for (const _ of syncRows(run));
    const critic = mlp([1, 16, 1], 'tanh', new Rng(0));
    loadNets(run.checkpoint(), { critic });
    expect(critic.forward(new Tensor(Float32Array.of(1), [1, 1])).data[0]).toBeGreaterThan(8.5);
  });

  it('cuts an endless episode at maxRolloutSteps and bootstraps there too', () => {
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv());
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 8000, maxRolloutSteps: 5, gamma: 0.9, vfLearningRate: 1e-2, trainVIters: 5, normAdv: false, hiddenSizes: [16] }), ctx);
    const rows = [...syncRows(run)];
    expect(rows[0]['charts/episodic_length']).toBe(5);
    const critic = mlp([1, 16, 1], 'tanh', new Rng(0));
    loadNets(run.checkpoint(), { critic });
    expect(critic.forward(new Tensor(Float32Array.of(1), [1, 1])).data[0]).toBeGreaterThan(8.5);
  });

  it('never takes a masked action', () => {
    class MaskedBandit extends BanditEnv {
      override reset(opts: { seed?: number } = {}) {
        return { ...super.reset(opts), mask: Uint8Array.of(1, 0) };
      }
    }
    const ctx = toyContext('Test/MaskedBandit-v0', () => new MaskedBandit());
    const rows = collect({ totalTimesteps: 400, learningRate: 0.01 }, ctx);
    for (const r of rows) expect(r['charts/episodic_return']).toBeLessThan(0.31);
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 40 }), ctx);
    for (let i = 0; i < 50; i++) expect(run.policy.act(Float32Array.of(1), { mask: Uint8Array.of(1, 0) })).toBe(0);
  });

  it('refuses spaces it cannot handle, naming the space', () => {
    expect(reinforce.supports(box(0, 1, { shape: [2] }), discrete(2))).toBeNull();
    expect(reinforce.supports(multiBinary(3), multiDiscrete([2, 3]))).toBeNull();
    expect(reinforce.supports(box(0, 1, { shape: [2] }), box(-1, 1, { shape: [2] }))).toBeNull();
    expect(reinforce.supports(dict({ a: discrete(2) }), discrete(2))).toMatch(/observation space dict/);
    expect(reinforce.supports(box(0, 1, { shape: [2] }), multiBinary(2))).toMatch(/action space multiBinary/);
  });

  it('checkpoints round-trip through safetensors bytes and act the same', () => {
    const ctx = runContext('CartPole-v1');
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 2000, normObs: true }), ctx);
    for (const _ of syncRows(run));
    const ckpt = run.checkpoint();
    const back = decodeSafetensors(encodeSafetensors(ckpt.tensors, ckpt.metadata));
    const env = ctx.makeEnv();
    const policy = reinforce.loadPolicy({ tensors: back.tensors, metadata: back.metadata }, env.observationSpace, env.actionSpace);
    expect(policy.algo).toBe('reinforce');
    expect(policy.envId).toBe('CartPole-v1');
    expectSameActions(run.policy, policy, env, 100);
  });

  it('a run resumed from a boundary checkpoint repeats the uninterrupted metrics', () => {
    const cfg = { totalTimesteps: 3000, checkpointFrequency: 4, seed: 5, normObs: true, trainVIters: 2 };
    const whole = collect(cfg, runContext('CartPole-v1')).map(withoutTiming);
    const first = reinforce.createRun(cfgOf(cfg), runContext('CartPole-v1'));
    let saved: CheckpointPayload | null = null;
    for (const _ of syncRows(first)) {
      if (first.checkpointDue()) {
        saved = first.checkpoint();
        break;
      }
    }
    first.close();
    expect(saved).not.toBeNull();
    const bytes = encodeSafetensors(saved!.tensors, saved!.metadata);
    const resumed = collect(cfg, runContext('CartPole-v1', { resume: decodeSafetensors(bytes) })).map(withoutTiming);
    expect(whole.length).toBeGreaterThan(6);
    expect(resumed.length).toBe(whole.length - 4);
    expect(resumed).toEqual(whole.slice(4));
  });

  it('by default offers a checkpoint each time another tenth of the budget is done', () => {
    const run = reinforce.createRun(cfgOf({ totalTimesteps: 2000 }), runContext('CartPole-v1'));
    let due = 0;
    for (const _ of syncRows(run)) if (run.checkpointDue()) due += 1;
    expect(due).toBeGreaterThanOrEqual(5);
    expect(due).toBeLessThanOrEqual(9);
  });

  it('refuses to resume from another algorithm’s checkpoint', () => {
    const ckpt = reinforce.createRun(cfgOf({ totalTimesteps: 40 }), runContext('CartPole-v1')).checkpoint();
    ckpt.metadata.algo = 'a2c';
    expect(() => reinforce.createRun(cfgOf({}), runContext('CartPole-v1', { resume: ckpt }))).toThrow(/reinforce: cannot resume from a a2c checkpoint/);
  });

  it('a non-finite loss stops training with the step in the message', () => {
    const run = (): Metrics[] => collect({ totalTimesteps: 4000, learningRate: 1e30, vfLearningRate: 1e30, maxGradNorm: 0 }, runContext('CartPole-v1'));
    expect(run).toThrow(NonFiniteError);
    expect(run).toThrow(/reinforce: .* at global step \d+/);
  });
});
