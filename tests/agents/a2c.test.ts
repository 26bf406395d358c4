import { describe, it, expect } from 'vitest';
import { a2c, a2cSpec } from '../../agents/a2c.ts';
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

const cfgOf = (o: Record<string, unknown>) => resolveConfig('a2c', a2cSpec, o);

function collect(cfg: Record<string, unknown>, ctx: RunContext): Metrics[] {
  const run = a2c.createRun(cfgOf(cfg), ctx);
  const rows = [...syncRows(run)];
  run.close();
  return rows;
}

describe('A2C', () => {
  it('runs on CartPole with CleanRL metric keys and no NaN', () => {
    const rows = collect({ totalTimesteps: 400 }, runContext('CartPole-v1'));
    expect(rows.length).toBe(10);
    expect(rows[9].global_step).toBe(400);
    for (const row of rows) {
      for (const [k, v] of Object.entries(row)) if (k !== 'losses/explained_variance') expect(Number.isFinite(v), k).toBe(true);
    }
    for (const key of ['global_step', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'charts/SPS', 'charts/learning_rate', 'charts/episodes', 'grads/actor.0', 'grads/actor.4', 'grads/critic.0', 'grads/critic.4']) {
      expect(rows[9][key], key).toBeTypeOf('number');
    }
    const withEpisodes = rows.filter((r) => r['charts/episodes'] > 0);
    expect(withEpisodes.length).toBeGreaterThan(0);
    expect(withEpisodes[0]['charts/episodic_return']).toBeGreaterThan(0);
    expect(withEpisodes[0]['charts/episodic_length']).toBeGreaterThan(0);
    expect(rows[9]['charts/learning_rate']).toBe(7e-4);
  });

  it('is deterministic: the same seed gives the same metrics', () => {
    const a = collect({ totalTimesteps: 800, seed: 7 }, runContext('CartPole-v1')).map(withoutTiming);
    const b = collect({ totalTimesteps: 800, seed: 7 }, runContext('CartPole-v1')).map(withoutTiming);
    const c = collect({ totalTimesteps: 800, seed: 8 }, runContext('CartPole-v1')).map(withoutTiming);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('learns a bandit', () => {
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const rows = collect({ totalTimesteps: 2000, numEnvs: 4, learningRate: 3e-3 }, ctx);
    expect(lastReturns(rows, 10)).toBeGreaterThan(0.95);
  });

  it('learns the identity task (discrete)', () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = a2c.createRun(cfgOf({ totalTimesteps: 10_000, numEnvs: 4, learningRate: 3e-3 }), ctx);
    for (const _ of syncRows(run));
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns the identity task with Adam instead of RMSProp', () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = a2c.createRun(cfgOf({ totalTimesteps: 10_000, numEnvs: 4, learningRate: 3e-3, useRmsProp: false }), ctx);
    for (const _ of syncRows(run));
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns MultiDiscrete actions', () => {
    const ctx = toyContext('Test/PairIdentity-v0', () => new PairIdentityEnv());
    const run = a2c.createRun(cfgOf({ totalTimesteps: 15_000, numEnvs: 4, learningRate: 3e-3, normAdv: true }), ctx);
    for (const _ of syncRows(run));
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(18);
  });

  it('improves on the identity task with Box actions (diagonal Gaussian)', () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const rows = collect({ totalTimesteps: 20_000, numEnvs: 4, learningRate: 3e-3, normAdv: true }, ctx);
    const first = rows.find((r) => r['charts/episodes'] > 0)?.['charts/episodic_return'] ?? Number.NaN;
    const last = lastReturns(rows, 20);
    expect(last).toBeGreaterThan(first + 2);
    expect(last).toBeGreaterThan(-2.5);
  });

  it('bootstraps from V(final obs) on truncation, so V approaches 1/(1 − γ)', () => {
    // reward 1 forever, cut at 5 steps: bootstrapping gives V = 10 at γ = 0.9; treating the cut as an end gives ≈ 2.6
    const ctx = toyContext('Test/Endless-v0', () => new EndlessEnv(), 5);
    const run = a2c.createRun(cfgOf({ totalTimesteps: 8000, numEnvs: 4, gamma: 0.9, learningRate: 3e-3, hiddenSizes: [16] }), ctx);
    for (const _ of syncRows(run));
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
    const rows = collect({ totalTimesteps: 400, numEnvs: 2, learningRate: 0.01 }, ctx);
    // arm 0 pays 0.2 ± 0.1: a single pull of arm 1 would lift a row's mean above 0.3
    for (const r of rows) expect(r['charts/episodic_return']).toBeLessThan(0.31);
    const run = a2c.createRun(cfgOf({ totalTimesteps: 40, numEnvs: 2 }), ctx);
    for (let i = 0; i < 50; i++) expect(run.policy.act(Float32Array.of(1), { mask: Uint8Array.of(1, 0) })).toBe(0);
  });

  it('refuses spaces it cannot handle, naming the space', () => {
    expect(a2c.supports(box(0, 1, { shape: [2] }), discrete(2))).toBeNull();
    expect(a2c.supports(multiBinary(3), multiDiscrete([2, 3]))).toBeNull();
    expect(a2c.supports(box(0, 1, { shape: [2] }), box(-1, 1, { shape: [2] }))).toBeNull();
    expect(a2c.supports(dict({ a: discrete(2) }), discrete(2))).toMatch(/observation space dict/);
    expect(a2c.supports(box(0, 1, { shape: [2] }), multiBinary(2))).toMatch(/action space multiBinary/);
  });

  it('checkpoints round-trip through safetensors bytes and act the same', () => {
    const ctx = runContext('CartPole-v1');
    const run = a2c.createRun(cfgOf({ totalTimesteps: 2000, normObs: true }), ctx);
    for (const _ of syncRows(run));
    const ckpt = run.checkpoint();
    const back = decodeSafetensors(encodeSafetensors(ckpt.tensors, ckpt.metadata));
    const env = ctx.makeEnv();
    const policy = a2c.loadPolicy({ tensors: back.tensors, metadata: back.metadata }, env.observationSpace, env.actionSpace);
    expect(policy.algo).toBe('a2c');
    expect(policy.envId).toBe('CartPole-v1');
    expectSameActions(run.policy, policy, env, 100);
  });

  it('a run resumed from a boundary checkpoint repeats the uninterrupted metrics', () => {
    const cfg = { totalTimesteps: 2400, checkpointFrequency: 20, seed: 5, normObs: true };
    const whole = collect(cfg, runContext('CartPole-v1')).map(withoutTiming);
    const first = a2c.createRun(cfgOf(cfg), runContext('CartPole-v1'));
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
    expect(resumed.length).toBe(whole.length - 20);
    expect(resumed).toEqual(whole.slice(20));
  });

  it('refuses to resume from another algorithm’s checkpoint', () => {
    const ckpt = a2c.createRun(cfgOf({ totalTimesteps: 40 }), runContext('CartPole-v1')).checkpoint();
    ckpt.metadata.algo = 'ppo';
    expect(() => a2c.createRun(cfgOf({}), runContext('CartPole-v1', { resume: ckpt }))).toThrow(/a2c: cannot resume from a ppo checkpoint/);
  });

  it('a non-finite loss stops training with the step in the message', () => {
    const run = (): Metrics[] => collect({ totalTimesteps: 4000, learningRate: 1e30, maxGradNorm: 1e30 }, runContext('CartPole-v1'));
    expect(run).toThrow(NonFiniteError);
    expect(run).toThrow(/a2c: .* at global step \d+/);
  });
});
