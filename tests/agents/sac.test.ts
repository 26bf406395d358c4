import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import { sac, sacSpec } from '../../agents/sac.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { ConfigError, NonFiniteError } from '../../src/core/errors.ts';
import { encodeSafetensors, decodeSafetensors } from '../../src/nn/safetensors.ts';
import { box, dict, discrete } from '../../src/gym/spaces.ts';
import type { StepResult } from '../../src/gym/env.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { evaluatePolicy } from '../../src/cli/eval.ts';
import { IdentityBoxEnv, IdentityEnv, toyContext, syncRows } from './toy-envs.ts';
import type { RunContext } from '../../agents/common/agent.ts';

const cfgOf = (o: Record<string, unknown>) => resolveConfig('sac', sacSpec, o);
/** A small, fast Pendulum run: 2 iterations of 200 steps, training from step 100. */
const SMALL = { totalTimesteps: 400, iterationSteps: 200, learningStarts: 100, batchSize: 32, hiddenSizes: [32, 32] };

function collect(cfg: Record<string, unknown>, ctx: RunContext): Metrics[] {
  const run = sac.createRun(cfgOf(cfg), ctx);
  const rows = [...syncRows(run)];
  void run.close();
  return rows;
}

describe('SAC', () => {
  it('runs on Pendulum-v1 with CleanRL metric keys and no NaN', () => {
    const rows = collect(SMALL, runContext('Pendulum-v1'));
    expect(rows.map((r) => r.global_step)).toEqual([200, 400]);
    const keys = [
      'global_step', 'charts/episodic_return', 'charts/episodic_length', 'charts/episodes', 'charts/SPS',
      'losses/qf1_values', 'losses/qf2_values', 'losses/qf1_loss', 'losses/qf2_loss', 'losses/qf_loss',
      'losses/actor_loss', 'losses/alpha', 'losses/alpha_loss', 'grads/qf1.0', 'grads/qf2.4', 'grads/actor.trunk.0', 'grads/actor.fc_mean', 'grads/actor.fc_logstd',
    ];
    for (const key of keys) expect(Number.isFinite(rows[1][key]), key).toBe(true);
    for (const row of rows) for (const [k, v] of Object.entries(row)) expect(Number.isNaN(v), k).toBe(false);
    expect(rows[1]['charts/episodic_length']).toBe(200); // Pendulum truncates at 200 steps
    expect(rows[1]['losses/alpha']).toBeLessThan(1); // autotune moved α from its start at 1
  });

  it('uses the fixed alpha when autotune is off', () => {
    const rows = collect({ ...SMALL, autotune: false, alpha: 0.05 }, runContext('Pendulum-v1'));
    expect(rows[1]['losses/alpha']).toBe(0.05);
    expect(rows[1]['losses/alpha_loss']).toBeUndefined();
  });

  it('is deterministic: the same seed gives the same metrics', () => {
    const a = collect({ ...SMALL, seed: 7 }, runContext('Pendulum-v1')).map(withoutTiming);
    const b = collect({ ...SMALL, seed: 7 }, runContext('Pendulum-v1')).map(withoutTiming);
    const c = collect({ ...SMALL, seed: 8 }, runContext('Pendulum-v1')).map(withoutTiming);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('learns the identity task with Box actions', () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const run = sac.createRun(cfgOf({ totalTimesteps: 1500, iterationSteps: 500, learningStarts: 300, batchSize: 64, hiddenSizes: [32, 32], policyLr: 3e-3, qLr: 3e-3, gamma: 0.5, seed: 1 }), ctx);
    for (const _ of syncRows(run));
    void run.close();
    // a uniform random policy scores −6.7 per 10-step episode; the optimum is 0
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 20, 0);
    const meanReturn = returns.reduce((s, r) => s + r, 0) / returns.length;
    expect(meanReturn).toBeGreaterThan(-1);
  });

  it('bootstraps through a time-limit truncation but not through a termination', () => {
    // reward 1 every step, whatever the action: Q = 1/(1 − γ) = 10 when the episode is only cut
    // off; when it really ends after 5 steps (and the observation does not show the time), Q → 1/(1 − 0.8γ) ≈ 3.6
    class ConstantReward extends IdentityBoxEnv {
      override step(action: Float32Array): StepResult<Float32Array> {
        return { ...super.step(action), reward: 1 };
      }
    }
    const cfg = { totalTimesteps: 2000, iterationSteps: 500, learningStarts: 100, batchSize: 64, hiddenSizes: [16], gamma: 0.9, tau: 0.1, autotune: false, alpha: 0, qLr: 1e-2 };
    const truncated = collect(cfg, toyContext('Test/ConstantReward-v0', () => new ConstantReward(1, 1_000_000), 5));
    const terminated = collect(cfg, toyContext('Test/ConstantReward-v0', () => new ConstantReward(1, 5)));
    expect(truncated[truncated.length - 1]['losses/qf1_values']).toBeGreaterThan(8.5);
    expect(terminated[terminated.length - 1]['losses/qf1_values']).toBeLessThan(4.5);
  });

  it('refuses spaces it cannot handle, naming the space', () => {
    expect(sac.supports(box(-1, 1, { shape: [3] }), box(-2, 2, { shape: [1] }))).toBeNull();
    expect(sac.supports(box(-1, 1, { shape: [3] }), discrete(3))).toMatch(/action space Discrete\(3\) is not a Box: sac/);
    expect(sac.supports(box(-1, 1, { shape: [3] }), box(-Infinity, Infinity, { shape: [2] }))).toMatch(/finite bounds/);
    expect(sac.supports(dict({ a: discrete(2) }), box(-1, 1, { shape: [1] }))).toMatch(/observation space Dict/);
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    expect(() => sac.createRun(cfgOf(SMALL), ctx)).toThrow(ConfigError);
  });

  it('checkpoints round-trip through safetensors bytes and act the same', () => {
    const ctx = runContext('Pendulum-v1');
    const run = sac.createRun(cfgOf(SMALL), ctx);
    for (const _ of syncRows(run));
    void run.close();
    const payload = run.checkpoint();
    const back = decodeSafetensors(encodeSafetensors(payload.tensors, payload.metadata));
    const env = ctx.makeEnv();
    const policy = sac.loadPolicy({ tensors: back.tensors, metadata: back.metadata }, env.observationSpace, env.actionSpace);
    let obs = env.reset({ seed: 3 }).obs;
    for (let i = 0; i < 50; i++) {
      const a = run.policy.act(obs, { deterministic: true }) as Float32Array;
      expect(policy.act(obs, { deterministic: true })).toEqual(a);
      expect(Math.abs(a[0])).toBeLessThanOrEqual(2);
      obs = env.step(a).obs;
    }
    // stochastic actions stay inside the Box too
    for (let i = 0; i < 50; i++) expect(Math.abs((policy.act(obs) as Float32Array)[0])).toBeLessThanOrEqual(2);
  });

  it('resumes with the nets, targets, optimizers, alpha and RNG it saved', () => {
    const cfg = { ...SMALL, totalTimesteps: 800 };
    const first = sac.createRun(cfgOf(cfg), runContext('Pendulum-v1'));
    const it1 = syncRows(first);
    it1.next();
    it1.next();
    const saved = first.checkpoint();
    void first.close();
    const resumed = sac.createRun(cfgOf(cfg), runContext('Pendulum-v1', { resume: saved }));
    const again = resumed.checkpoint();
    expect(again.metadata).toEqual(saved.metadata);
    expect([...again.tensors.keys()]).toEqual([...saved.tensors.keys()]);
    for (const [k, t] of saved.tensors) expect(again.tensors.get(k)?.data, k).toEqual(t.data);
    expect([...saved.tensors.keys()]).toEqual(expect.arrayContaining(['qf1_target.0.weight', 'alpha.log_alpha', 'optim.q.m.0', 'optim.alpha.v.0']));
    const rows = [...syncRows(resumed)];
    void resumed.close();
    expect(rows.map((r) => r.global_step)).toEqual([600, 800]);
  });

  it('a non-finite loss stops training with the step and the loss in the message', () => {
    class InfiniteReward extends IdentityBoxEnv {
      override step(action: Float32Array): StepResult<Float32Array> {
        return { ...super.step(action), reward: Infinity };
      }
    }
    const ctx = toyContext('Test/InfiniteReward-v0', () => new InfiniteReward(1, 10));
    expect(() => collect(SMALL, ctx)).toThrow(NonFiniteError);
    expect(() => collect(SMALL, ctx)).toThrow(/losses\/qf_loss is (NaN|Infinity) at global step 101/);
  });
});
