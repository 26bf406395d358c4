/**
 * DQN: a CartPole smoke run with CleanRL's keys, determinism, learning on tiny envs, the values
 * that n-step returns, truncation bootstrapping and masked targets must converge to, masks,
 * space refusal, checkpoint round trips and resume, and non-finite stops.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { NonFiniteError } from '../../src/core/errors.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { bareSpec, type Env, type EnvSpec, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, discrete, type Space } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { Tensor, noGrad } from '../../src/autograd/index.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { buildQNetwork, dqn, dqnSpec, type DqnConfig } from '../../agents/dqn.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { loadNets } from '../../agents/common/checkpoint.ts';
import type { CheckpointPayload, Policy, RunContext, TrainRun } from '../../agents/common/agent.ts';
import { BanditEnv, IdentityBoxEnv, IdentityEnv, toyContext, collectRows, EndlessEnv } from './toy-envs.ts';

const EMPTY_SCENE: Scene = { bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, shapes: [] };

/** A small, fast config for tests; `over` replaces any field. */
function config(over: Partial<DqnConfig> = {}): DqnConfig {
  return resolveConfig('dqn', dqnSpec, {
    totalTimesteps: 2000, learningRate: 1e-3, bufferSize: 2000, batchSize: 32, learningStarts: 200, trainFrequency: 1,
    targetNetworkFrequency: 100, explorationFraction: 0.3, endE: 0.05, hiddenSizes: [32], iterationSteps: 500, ...over,
  });
}

async function runAll(cfg: DqnConfig, ctx: RunContext): Promise<{ rows: Metrics[]; run: TrainRun }> {
  const run = dqn.createRun(cfg, ctx);
  const rows = await collectRows(run);
  return { rows, run };
}

/** Greedy Q-values of a run's checkpoint for some observations [rows, obsDim]. */
function qValues(ckpt: CheckpointPayload, cfg: DqnConfig, obs: number[][], nActions: number): number[][] {
  const q = buildQNetwork(cfg, box(-Infinity, Infinity, { shape: [obs[0].length] }), nActions, new Rng(0));
  loadNets(ckpt, { q });
  const out = noGrad(() => q.forward(new Tensor(Float32Array.from(obs.flat()), [obs.length, obs[0].length])).data);
  return obs.map((_, r) => Array.from(out.subarray(r * nActions, (r + 1) * nActions)));
}

/**
 * A pixel task: a 12×12 one-channel uint8 frame with a bright 3×3 block at a random place in its left or
 * right half; action 0 or 1 names the half (reward 1 when right). Ten frames per episode.
 */
class PixelSideEnv implements Env<Uint8Array, number> {
  readonly observationSpace = box(0, 255, { shape: [1, 12, 12], dtype: 'uint8' });
  readonly actionSpace = discrete(2);
  readonly spec: EnvSpec = bareSpec('Test/PixelSide-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);
  private side = 0;
  private frame = new Uint8Array(144);
  private t = 0;

  private draw(): Uint8Array {
    this.side = this.rng.int(2);
    const x = this.side * 6 + this.rng.int(4), y = this.rng.int(10);
    this.frame = new Uint8Array(144).fill(30);
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) this.frame[(y + dy) * 12 + x + dx] = 230;
    return this.frame;
  }

  reset(opts: { seed?: number } = {}): ResetResult<Uint8Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    this.t = 0;
    return { obs: this.draw(), info: {} };
  }

  step(action: number): StepResult<Uint8Array> {
    const reward = action === this.side ? 1 : 0;
    this.t += 1;
    return { obs: this.draw(), reward, terminated: this.t >= 10, truncated: false, info: {} };
  }

  render(): Scene {
    return EMPTY_SCENE;
  }

  close(): void {}
}

/** Mean return of `episodes` greedy episodes. */
function greedyReturn(policy: Policy, env: Env, episodes: number): number {
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    let r = env.reset({ seed: 1000 + e });
    for (;;) {
      const s = env.step(policy.act(r.obs, { deterministic: true, mask: r.mask }));
      total += s.reward;
      if (s.terminated || s.truncated) break;
      r = s;
    }
  }
  return total / episodes;
}

/** Observation: one-hot of the step index t < L; reward 1 per step; terminates after L steps. */
class ChainEnv implements Env<Float32Array, number> {
  readonly observationSpace: Space;
  readonly actionSpace: Space = discrete(2);
  readonly spec: EnvSpec = bareSpec('Test/Chain-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  readonly length: number;
  private t = 0;
  constructor(length: number) {
    this.length = length;
    this.observationSpace = box(0, 1, { shape: [length] });
  }
  private obs(): Float32Array {
    const o = new Float32Array(this.length);
    if (this.t < this.length) o[this.t] = 1;
    return o;
  }
  reset(): ResetResult<Float32Array> {
    this.t = 0;
    return { obs: this.obs(), info: {} };
  }
  step(): StepResult<Float32Array> {
    this.t += 1;
    return { obs: this.obs(), reward: 1, terminated: this.t >= this.length, truncated: false, info: {} };
  }
  render(): Scene {
    return EMPTY_SCENE;
  }
  close(): void {}
}

/**
 * Four actions; action 3 pays 1, the others 0. Action 3 is legal half of the time (drawn each step),
 * and the observation is the mask. Terminates with probability 0.2 per step. An illegal action throws.
 */
class MaskedEnv implements Env<Float32Array, number> {
  readonly observationSpace: Space = box(0, 1, { shape: [4] });
  readonly actionSpace: Space = discrete(4);
  readonly spec: EnvSpec = bareSpec('Test/Masked-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);
  private mask = new Uint8Array(4);
  private draw(): { obs: Float32Array; mask: Uint8Array } {
    this.mask = Uint8Array.of(this.rng.int(2), this.rng.int(2), 1, this.rng.int(2));
    return { obs: Float32Array.from(this.mask), mask: this.mask.slice() };
  }
  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    return { ...this.draw(), info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    if (this.mask[action] !== 1) throw new Error(`MaskedEnv: illegal action ${action} under mask ${this.mask.join('')}`);
    const terminated = this.rng.random() < 0.2;
    return { ...this.draw(), reward: action === 3 ? 1 : 0, terminated, truncated: false, info: {} };
  }
  render(): Scene {
    return EMPTY_SCENE;
  }
  close(): void {}
}

/** IdentityEnv whose rewards turn NaN after `after` steps. */
class PoisonedEnv extends IdentityEnv {
  private steps = 0;
  private readonly after: number;
  constructor(after: number) {
    super(2, 10);
    this.after = after;
  }
  override step(action: number): StepResult<Float32Array> {
    const s = super.step(action);
    this.steps += 1;
    return this.steps > this.after ? { ...s, reward: Number.NaN } : s;
  }
}

describe('dqn', () => {
  it('runs a few hundred CartPole steps with CleanRL keys and finite values', async () => {
    const cfg = config({ totalTimesteps: 600, learningStarts: 100, iterationSteps: 200, numEnvs: 2, explorationFraction: 1 });
    const { rows } = await runAll(cfg, runContext('CartPole-v1'));
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.global_step)).toEqual([200, 400, 600]);
    const last = rows[2];
    for (const key of ['global_step', 'charts/epsilon', 'charts/SPS', 'charts/episodes', 'charts/episodic_return', 'charts/episodic_length', 'losses/td_loss', 'losses/q_values', 'grads/q.0', 'grads/q.2']) {
      expect(last[key], key).toBeTypeOf('number');
      expect(Number.isFinite(last[key]), key).toBe(true);
    }
    for (const row of rows) for (const [k, v] of Object.entries(row)) expect(Number.isFinite(v), k).toBe(true);
    expect(rows[0]['charts/epsilon']).toBeGreaterThan(last['charts/epsilon']);
  });

  it('is deterministic: the same seed gives the same metrics', async () => {
    const cfg = config({ totalTimesteps: 800, learningStarts: 100, iterationSteps: 400, doubleQ: true, dueling: true, nStep: 3, prioritizedReplay: true, numEnvs: 2 });
    const a = (await runAll(cfg, runContext('CartPole-v1'))).rows.map(withoutTiming);
    const b = (await runAll(cfg, runContext('CartPole-v1'))).rows.map(withoutTiming);
    expect(a).toEqual(b);
    const c = (await runAll({ ...cfg, seed: 2 }, runContext('CartPole-v1'))).rows.map(withoutTiming);
    expect(c).not.toEqual(a);
  });

  it('learns the identity env', async () => {
    const cfg = config({ totalTimesteps: 3000, gamma: 0.5 });
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const { run } = await runAll(cfg, ctx);
    expect(greedyReturn(run.policy, ctx.makeEnv(), 20)).toBeGreaterThanOrEqual(9.5);
  });

  it('learns the bandit', async () => {
    const cfg = config({ totalTimesteps: 1000, learningStarts: 100, gamma: 0.99 });
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const { run } = await runAll(cfg, ctx);
    for (let i = 0; i < 5; i++) expect(run.policy.act(Float32Array.of(1), { deterministic: true })).toBe(1);
    const q = qValues(run.checkpoint(), cfg, [[1]], 2)[0];
    expect(q[1]).toBeCloseTo(1, 1);
    expect(q[0]).toBeCloseTo(0.2, 1);
  });

  it.each([
    ['double', { doubleQ: true }],
    ['dueling', { dueling: true }],
    ['n-step', { nStep: 3 }],
    ['prioritized', { prioritizedReplay: true }],
    ['soft target, huber, 2 envs, 2 gradient steps', { tau: 0.05, targetNetworkFrequency: 1, tdLoss: 'huber', numEnvs: 2, trainFrequency: 2, gradientSteps: 2 }],
  ] as const)('learns the identity env with %s', async (_name, over) => {
    const cfg = config({ totalTimesteps: 3000, gamma: 0.5, ...over });
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const { rows, run } = await runAll(cfg, ctx);
    expect(greedyReturn(run.policy, ctx.makeEnv(), 20)).toBeGreaterThanOrEqual(9.5);
    if ('prioritizedReplay' in over) expect(rows.at(-1)?.['charts/beta']).toBeCloseTo(1, 5);
  });

  it.each([1, 3])('bootstraps through truncation from the final observation (nStep %i)', async (nStep) => {
    // Q(1) = 1 + γ·2 = 2 and Q(0) = 0.5 + γ·2 = 1.5 with γ = 0.5; treating the cut as an end gives less
    const cfg = config({ totalTimesteps: 3000, gamma: 0.5, nStep, tdLoss: 'mse', targetNetworkFrequency: 50 });
    // observation [1] forever; action 1 pays 1, action 0 pays 0.5
    const ctx = toyContext('Test/Const-v0', () => new EndlessEnv('Test/Const-v0', (a) => (a === 1 ? 1 : 0.5)), 4);
    const { run } = await runAll(cfg, ctx);
    const q = qValues(run.checkpoint(), cfg, [[1]], 2)[0];
    expect(q[1]).toBeCloseTo(2, 1);
    expect(q[0]).toBeCloseTo(1.5, 1);
  });

  it.each([1, 3])('stops at termination: chain values are Σ γᵏ over the steps left (nStep %i)', async (nStep) => {
    const L = 4, gamma = 0.5;
    const cfg = config({ totalTimesteps: 3000, gamma, nStep, tdLoss: 'mse', targetNetworkFrequency: 50 });
    const ctx = toyContext('Test/Chain-v0', () => new ChainEnv(L));
    const { run } = await runAll(cfg, ctx);
    const obs = Array.from({ length: L }, (_, t) => Array.from({ length: L }, (_, j) => (j === t ? 1 : 0)));
    const q = qValues(run.checkpoint(), cfg, obs, 2);
    for (let t = 0; t < L; t++) {
      const expected = (1 - gamma ** (L - t)) / (1 - gamma);
      expect(q[t][0], `t=${t}`).toBeCloseTo(expected, 1);
      expect(q[t][1], `t=${t}`).toBeCloseTo(expected, 1);
    }
  });

  it('never picks an illegal action and maxes the target over legal next actions', async () => {
    // legal 3 pays 1; V(s') is 1 + c·E[V] when 3 is legal, c·E[V] otherwise, c = γ(1 − 0.2) = 0.56:
    // E[V] = 0.5 / (1 − c), so Q(s, 3) = 1 + c·E[V] = 1.636 and Q(s, 2) = 0.636 (an unmasked max gives 2.27 and 1.27)
    const cfg = config({ totalTimesteps: 4000, gamma: 0.7, tdLoss: 'mse', targetNetworkFrequency: 50, endE: 0.5, explorationFraction: 0.2, batchSize: 64 });
    const ctx = toyContext('Test/Masked-v0', () => new MaskedEnv());
    const { run } = await runAll(cfg, ctx); // MaskedEnv throws on any illegal action
    const q = qValues(run.checkpoint(), cfg, [[1, 1, 1, 1], [0, 0, 1, 1]], 4);
    const c = 0.7 * 0.8, q3 = 1 + (c * 0.5) / (1 - c);
    expect(Math.abs(q[0][3] - q3), `Q(1111, 3) = ${q[0][3]}`).toBeLessThan(0.15);
    expect(Math.abs(q[1][3] - q3), `Q(0011, 3) = ${q[1][3]}`).toBeLessThan(0.15);
    expect(Math.abs(q[1][2] - (q3 - 1)), `Q(0011, 2) = ${q[1][2]}`).toBeLessThan(0.15);
    const rng = new Rng(5);
    for (let i = 0; i < 200; i++) {
      const mask = Uint8Array.of(rng.int(2), rng.int(2), rng.int(2), rng.int(2));
      if (mask.every((m) => m === 0)) mask[rng.int(4)] = 1;
      const obs = Float32Array.from(mask);
      for (const deterministic of [true, false]) {
        const a = run.policy.act(obs, { deterministic, mask }) as number;
        expect(mask[a], `action ${a} under mask ${mask.join('')}`).toBe(1);
      }
      if (mask[3] === 1) expect(run.policy.act(obs, { deterministic: true, mask })).toBe(3);
    }
    expect(() => run.policy.act(Float32Array.of(0, 0, 0, 0), { mask: new Uint8Array(4) })).toThrow(/allows no action/);
  });

  it.each([false, true])('learns a pixel task with the cnn network (dueling %s), storing replay as bytes, and round-trips its checkpoint', async (dueling) => {
    const cfg = config({ network: 'cnn', cnnChannels: [8], cnnHidden: 32, totalTimesteps: 3000, gamma: 0.5, dueling });
    const ctx = toyContext('Test/PixelSide-v0', () => new PixelSideEnv());
    const { run } = await runAll(cfg, ctx);
    const env = ctx.makeEnv();
    expect(greedyReturn(run.policy, env, 20)).toBeGreaterThanOrEqual(9.5);
    expect([...run.checkpoint().tensors.values()].some((t) => t.shape.length === 4)).toBe(true); // a conv kernel
    const bytes = encodeSafetensors(run.checkpoint().tensors, run.checkpoint().metadata);
    const decoded = decodeSafetensors(bytes);
    const loaded = dqn.loadPolicy({ tensors: decoded.tensors, metadata: decoded.metadata }, env.observationSpace, env.actionSpace);
    const source = new PixelSideEnv();
    let obs = source.reset({ seed: 7 }).obs;
    for (let i = 0; i < 50; i++) {
      expect(loaded.act(obs, { deterministic: true })).toBe(run.policy.act(obs, { deterministic: true }));
      obs = source.step(0).obs;
    }
  });

  it('the cnn network stores replay as bytes: frames scaled to [0, 1] are refused with the fix named', async () => {
    class ScaledPixelEnv extends PixelSideEnv {
      override reset(opts: { seed?: number } = {}): ResetResult<Uint8Array> {
        const r = super.reset(opts);
        return { ...r, obs: Float32Array.from(r.obs, (v) => v / 255) as unknown as Uint8Array };
      }
    }
    const ctx = toyContext('Test/PixelSide-v0', () => new ScaledPixelEnv());
    await expect(runAll(config({ network: 'cnn', cnnChannels: [8], cnnHidden: 32, totalTimesteps: 300 }), ctx)).rejects.toThrow(/stores observations as uint8/);
  });

  it('refuses the cnn network for flat observations, naming the shape', async () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    expect(() => dqn.createRun(config({ network: 'cnn' }), ctx)).toThrow(/dqn: network "cnn" needs image observations.*Box of shape \[4\]/);
  });

  it('refuses non-discrete action spaces, naming the space', async () => {
    const env = new IdentityBoxEnv(2);
    const why = dqn.supports(env.observationSpace, env.actionSpace);
    expect(why).toMatch(/action space Box\(-1, 1, \[2\], float32\) is not discrete/);
    expect(dqn.supports(box(0, 1, { shape: [3] }), discrete(3))).toBeNull();
    expect(() => dqn.createRun(config(), toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(2)))).toThrow(/not discrete/);
  });

  it('round-trips a checkpoint through safetensors: same greedy actions; resume continues the run', async () => {
    const cfg = config({ totalTimesteps: 1000, dueling: true, checkpointFrequency: 1 });
    const run = dqn.createRun(cfg, runContext('CartPole-v1'));
    await run.iterations.next();
    expect(run.checkpointDue()).toBe(true);
    const bytes = encodeSafetensors(run.checkpoint().tensors, run.checkpoint().metadata);
    const decoded = decodeSafetensors(bytes);
    const ckpt: CheckpointPayload = { tensors: decoded.tensors, metadata: decoded.metadata };
    const env = runContext('CartPole-v1').makeEnv();
    const loaded = dqn.loadPolicy(ckpt, env.observationSpace, env.actionSpace);
    const rng = new Rng(3);
    let differs = 0;
    for (let i = 0; i < 200; i++) {
      const obs = Float32Array.from({ length: 4 }, () => rng.uniform(-2, 2));
      const a = run.policy.act(obs, { deterministic: true });
      expect(loaded.act(obs, { deterministic: true })).toBe(a);
      if (a !== run.policy.act(Float32Array.from(obs, (v) => -v), { deterministic: true })) differs += 1;
    }
    expect(differs).toBeGreaterThan(0); // the policy is not constant, so the comparison means something
    const resumed = dqn.createRun(cfg, { ...runContext('CartPole-v1'), resume: ckpt });
    expect(resumed.globalStep()).toBe(500);
    const rows = await collectRows(resumed);
    expect(rows.map((r) => r.global_step)).toEqual([1000]);
    expect(() => dqn.createRun(cfg, { ...runContext('CartPole-v1'), resume: { ...ckpt, metadata: { ...ckpt.metadata, trainer: 'null' } } })).toThrow(/resume/);
  });

  it('stops with a NonFiniteError naming the step when a reward is NaN', async () => {
    const cfg = config({ totalTimesteps: 2000, learningStarts: 100 });
    const run = dqn.createRun(cfg, toyContext('Test/Poisoned-v0', () => new PoisonedEnv(300)));
    await expect(collectRows(run)).rejects.toThrow(NonFiniteError);
    const again = dqn.createRun(cfg, toyContext('Test/Poisoned-v0', () => new PoisonedEnv(300)));
    await expect(collectRows(again)).rejects.toThrow(/TD target is NaN at global step \d+ \(tensor td_target/);
  });

  it('stops with a NonFiniteError naming the step and tensor when the learning rate explodes', async () => {
    const cfg = config({ totalTimesteps: 2000, learningStarts: 100, learningRate: 1e30, maxGradNorm: 0 });
    const run = dqn.createRun(cfg, toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10)));
    let message = '';
    try {
      await collectRows(run);
    } catch (e) {
      expect(e).toBeInstanceOf(NonFiniteError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/at global step \d+/);
    expect(message).toMatch(/losses\/td_loss|td_target|parameter q\./);
  });
});
