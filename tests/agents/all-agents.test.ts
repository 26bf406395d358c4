/**
 * The checks every agent of the registry passes (as `checkEnv` for every env): a few hundred steps with
 * CleanRL's keys and no NaN, the same metrics for the same seed, a checkpoint that loads back into the
 * same policy and resumes into the same trainer, another algorithm's checkpoint refused, the seed's range,
 * action masks obeyed, and `--workers 2` giving the numbers of an in-process run (or refused, by an agent
 * that steps no vector env).
 */
import { setPooling } from '../../src/autograd/alloc.ts';
import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import { AGENTS } from '../../agents/index.ts';
import type { AnyAgent, CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { MAX_SEED } from '../../agents/common/run.ts';
import { CheckpointError, ConfigError } from '../../src/core/errors.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { box, dict, discrete, multiBinary, multiDiscrete, type Space } from '../../src/gym/spaces.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import { WorkerVectorEnv } from '../../src/gym/vector/worker-vector-env.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { MaskedBanditEnv, collectRows, expectSameActions, toyContext } from './toy-envs.ts';

/** How each agent is exercised: its env, a small config (about three iterations) and what it must report. */
type Case = {
  env: string;
  config: Record<string, unknown>;
  /** Keys the last metrics row must hold, besides `global_step` and `charts/episodes`. */
  keys: readonly string[];
  /** Whether a run resumed at a boundary repeats the uninterrupted metrics (off-policy agents refill an unsaved replay buffer). */
  exactResume: boolean;
  /** Whether the agent steps vector envs (and so takes `--workers`). */
  vectorEnvs: boolean;
  /** Spaces the agent handles and spaces it refuses, with what the refusal must name. */
  handles: ReadonlyArray<readonly [Space, Space]>;
  refuses: ReadonlyArray<readonly [Space, Space, RegExp]>;
  /** A config that trains on the masked bandit, for agents that take action masks through the vector env. */
  masked?: Record<string, unknown>;
};

const FLAT_HANDLES = [[box(0, 1, { shape: [2] }), discrete(2)], [multiBinary(3), multiDiscrete([2, 3])], [box(0, 1, { shape: [2] }), box(-1, 1, { shape: [2] })]] as const;
const FLAT_REFUSES = [[dict({ a: discrete(2) }), discrete(2), /observation space dict/], [box(0, 1, { shape: [2] }), multiBinary(2), /action space multiBinary/]] as const;
const BOX_HANDLES = [[box(-1, 1, { shape: [3] }), box(-2, 2, { shape: [1] })]] as const;
const BOX_REFUSES = [
  [box(-1, 1, { shape: [3] }), discrete(3), /action space Discrete\(3\) is not a Box/],
  [box(-1, 1, { shape: [3] }), box(-Infinity, Infinity, { shape: [2] }), /finite bounds/],
  [dict({ a: discrete(2) }), box(-1, 1, { shape: [1] }), /observation space Dict/],
] as const;
const OFF_POLICY = { numEnvs: 2, iterationSteps: 100, learningStarts: 100, batchSize: 32, totalTimesteps: 300, checkpointFrequency: 2 };

const CASES: Record<string, Case> = {
  ppo: {
    env: 'CartPole-v1', config: { numEnvs: 2, numSteps: 64, totalTimesteps: 384, checkpointFrequency: 2 },
    keys: ['losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'losses/explained_variance', 'charts/learning_rate', 'grads/actor.0', 'grads/critic.4'],
    exactResume: true, vectorEnvs: true, handles: FLAT_HANDLES, refuses: FLAT_REFUSES,
    masked: { totalTimesteps: 1024, numEnvs: 2, numSteps: 64, learningRate: 0.01 },
  },
  a2c: {
    env: 'CartPole-v1', config: { numEnvs: 2, numSteps: 50, totalTimesteps: 300, checkpointFrequency: 2, normObs: true },
    keys: ['losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/explained_variance', 'charts/learning_rate', 'grads/actor.0', 'grads/actor.4', 'grads/critic.0', 'grads/critic.4'],
    exactResume: true, vectorEnvs: true, handles: FLAT_HANDLES, refuses: FLAT_REFUSES,
    masked: { totalTimesteps: 400, numEnvs: 2, learningRate: 0.01 },
  },
  reinforce: {
    env: 'CartPole-v1', config: { numEnvs: 2, totalTimesteps: 300, checkpointFrequency: 2, normObs: true },
    keys: ['losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/explained_variance', 'charts/episodic_return', 'grads/actor.0', 'grads/critic.0'],
    exactResume: true, vectorEnvs: true, handles: FLAT_HANDLES, refuses: FLAT_REFUSES,
    masked: { totalTimesteps: 400, learningRate: 0.01 },
  },
  dqn: {
    env: 'CartPole-v1', config: { ...OFF_POLICY, trainFrequency: 4 },
    keys: ['losses/td_loss', 'losses/q_values', 'charts/epsilon', 'charts/learning_rate', 'grads/q.0'],
    exactResume: false, vectorEnvs: true,
    handles: [[box(0, 1, { shape: [2] }), discrete(2)]],
    refuses: [[box(0, 1, { shape: [2] }), box(-1, 1, { shape: [2] }), /action space Box\(.*\) is not discrete/], [dict({ a: discrete(2) }), discrete(2), /observation space Dict/]],
  },
  sac: {
    env: 'Pendulum-v1', config: { ...OFF_POLICY, hiddenSizes: [32, 32] },
    keys: ['losses/qf1_values', 'losses/qf2_values', 'losses/qf1_loss', 'losses/qf2_loss', 'losses/qf_loss', 'losses/actor_loss', 'losses/alpha', 'losses/alpha_loss', 'grads/qf1.0', 'grads/qf2.4', 'grads/actor.trunk.0', 'grads/actor.fc_mean', 'grads/actor.fc_logstd'],
    exactResume: false, vectorEnvs: true, handles: BOX_HANDLES, refuses: BOX_REFUSES,
  },
  td3: {
    env: 'Pendulum-v1', config: { ...OFF_POLICY, hiddenSizes: [32, 32] },
    keys: ['losses/qf1_values', 'losses/qf2_values', 'losses/qf1_loss', 'losses/qf2_loss', 'losses/qf_loss', 'losses/actor_loss', 'grads/qf1.0', 'grads/qf2.4', 'grads/actor.0', 'grads/actor.4'],
    exactResume: false, vectorEnvs: true, handles: BOX_HANDLES, refuses: BOX_REFUSES,
  },
  alphazero: {
    env: 'TicTacToe-v0', config: { numIterations: 3, gamesPerIteration: 4, numSimulations: 8, playSimulations: 8, trainSteps: 3, batchSize: 16, arenaGames: 2, checkpointFrequency: 2 },
    keys: ['losses/policy_loss', 'losses/value_loss', 'arena/win_rate', 'arena/accepted'],
    exactResume: true, vectorEnvs: false,
    handles: [[box(0, 1, { shape: [2, 3, 3] }), discrete(9)]],
    refuses: [[box(0, 1, { shape: [4] }), discrete(2), /not board planes/], [box(0, 1, { shape: [2, 3, 3] }), box(-1, 1, { shape: [1] }), /not discrete moves/]],
  },
};

/** A metrics row without wall-clock numbers (AlphaZero's search rate is one too). */
const untimed = (m: Metrics): Metrics => {
  const { ['charts/sims_per_s']: _sims, ...rest } = withoutTiming(m);
  return rest;
};

function caseOf(agent: AnyAgent): Case {
  const c = CASES[agent.name];
  if (c === undefined) throw new Error(`all-agents.test.ts has no case for the agent "${agent.name}": add one to CASES`);
  return c;
}

/** The untimed metrics of a run of `agent` on its case (config `overrides` on top), at most `limit` rows. */
async function train(agent: AnyAgent, overrides: Record<string, unknown> = {}, opts: { workers?: number; resume?: CheckpointPayload; limit?: number } = {}): Promise<Metrics[]> {
  const c = caseOf(agent);
  const run = agent.createRun(resolveConfig(agent.name, agent.spec, { ...c.config, ...overrides }), runContext(c.env, { workers: opts.workers, resume: opts.resume }));
  return (await collectRows(run, opts.limit)).map(untimed);
}

/** A run context of `env` that records the vector envs the run opens and the env seeds it resets them with (copy 0's). */
function spiedContext(env: string, workers = 0): { ctx: RunContext; opened: VectorEnv[]; seeds: number[] } {
  const base = runContext(env, { workers });
  const opened: VectorEnv[] = [], seeds: number[] = [];
  const makeVec = async (n: number): Promise<VectorEnv> => {
    const v = await base.makeVec(n);
    opened.push(v);
    return {
      numEnvs: v.numEnvs, spec: v.spec, singleObservationSpace: v.singleObservationSpace, singleActionSpace: v.singleActionSpace, obsDim: v.obsDim, actionDim: v.actionDim, actionRng: v.actionRng,
      reset: (opts) => {
        if (typeof opts?.seed === 'number') seeds.push(opts.seed);
        return v.reset(opts);
      },
      step: (actions) => v.step(actions),
      groups: v.groups,
      stepAsync: (group, actions) => v.stepAsync(group, actions),
      setAttr: (name, value) => v.setAttr(name, value),
      stepWait: (group) => v.stepWait(group),
      close: () => v.close(),
    };
  };
  return { ctx: { ...base, makeVec }, opened, seeds };
}

/** Trains up to the first checkpoint boundary (after 2 iterations) and returns the checkpoint there, through safetensors bytes. */
async function firstBoundary(agent: AnyAgent): Promise<CheckpointPayload> {
  const c = caseOf(agent);
  const run = agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env));
  await run.iterations.next();
  expect(run.checkpointDue()).toBe(false);
  await run.iterations.next();
  expect(run.checkpointDue()).toBe(true);
  const ckpt = run.checkpoint();
  await run.close();
  return decodeSafetensors(encodeSafetensors(ckpt.tensors, ckpt.metadata));
}

describe.each(AGENTS.map((a) => [a.name, a] as const))('agent %s', (name, agent) => {
  const c = caseOf(agent);

  it('trains a few hundred steps with its metric keys and no NaN', async () => {
    const rows = await train(agent);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < rows.length; i++) expect(rows[i].global_step).toBeGreaterThan(rows[i - 1].global_step);
    for (const row of rows) for (const [k, v] of Object.entries(row)) expect(Number.isNaN(v), `${name} ${k} at step ${row.global_step}`).toBe(false);
    const last = rows[rows.length - 1];
    for (const key of ['global_step', 'charts/episodes', ...c.keys]) expect(Number.isFinite(last[key]), `${name} ${key}`).toBe(true);
  });

  it('is deterministic: the same seed gives the same metrics, another seed others', async () => {
    const a = await train(agent, { seed: 7 }, { limit: 2 });
    const b = await train(agent, { seed: 7 }, { limit: 2 });
    const other = await train(agent, { seed: 8 }, { limit: 2 });
    expect(a.length).toBe(2);
    expect(b).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it('gives the same metrics with the allocator’s pool (freed graphs, recycled gradients) as without it', async () => {
    const pooled = await train(agent, { seed: 7 }, { limit: 2 });
    setPooling(false);
    try {
      expect(await train(agent, { seed: 7 }, { limit: 2 })).toEqual(pooled);
    } finally {
      setPooling(true);
    }
  });

  it('checkpoints round-trip through safetensors bytes into a policy that acts the same', async () => {
    const ctx = runContext(c.env);
    const run = agent.createRun(resolveConfig(agent.name, agent.spec, c.config), ctx);
    await collectRows(run);
    const ckpt = run.checkpoint();
    const back = decodeSafetensors(encodeSafetensors(ckpt.tensors, ckpt.metadata));
    const env = ctx.makeEnv();
    const policy = agent.loadPolicy(back, env.observationSpace, env.actionSpace);
    expect(policy.algo).toBe(name);
    expect(policy.envId).toBe(c.env);
    expectSameActions(run.policy, policy, env, 50);
  });

  it('resumes from a boundary checkpoint with the trainer state it saved', async () => {
    const saved = await firstBoundary(agent);
    const resumed = agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env, { resume: saved }));
    const again = resumed.checkpoint();
    expect(again.metadata).toEqual(saved.metadata);
    expect([...again.tensors.keys()].sort()).toEqual([...saved.tensors.keys()].sort());
    for (const [k, t] of saved.tensors) expect(again.tensors.get(k)?.data, k).toEqual(t.data);
    const rows = (await collectRows(resumed)).map(untimed);
    const whole = await train(agent);
    expect(rows.length).toBe(whole.length - 2);
    if (c.exactResume) expect(rows).toEqual(whole.slice(2));
    else expect(rows.map((r) => r.global_step)).toEqual(whole.slice(2).map((r) => r.global_step));
  });

  it('refuses another algorithm’s checkpoint, naming both', async () => {
    const ckpt = await firstBoundary(agent);
    ckpt.metadata.algo = name === 'ppo' ? 'a2c' : 'ppo';
    const env = runContext(c.env).makeEnv();
    const wrong = new RegExp(`${name}: the checkpoint was written by ${ckpt.metadata.algo} \\(trained on ${c.env}\\)`);
    expect(() => agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env, { resume: ckpt }))).toThrow(CheckpointError);
    expect(() => agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env, { resume: ckpt }))).toThrow(wrong);
    expect(() => agent.loadPolicy(ckpt, env.observationSpace, env.actionSpace)).toThrow(wrong);
  });

  it('refuses a resume without trainer state', async () => {
    const ckpt = await firstBoundary(agent);
    ckpt.metadata.trainer = 'null';
    expect(() => agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env, { resume: ckpt }))).toThrow(/cannot resume from a checkpoint without trainer state/);
  });

  it('takes seeds from 0 to 2^32 − 1 and refuses larger ones up front', async () => {
    expect(() => resolveConfig(agent.name, agent.spec, { seed: 2 ** 40 })).toThrow(ConfigError);
    expect(() => resolveConfig(agent.name, agent.spec, { seed: 2 ** 40 })).toThrow(/"seed" expects a number <= 4294967295, received 1099511627776/);
    expect(() => resolveConfig(agent.name, agent.spec, { seed: -1 })).toThrow(/"seed" expects a number >= 0/);
    const rows = await train(agent, { seed: MAX_SEED }, { limit: 1 });
    expect(rows.length).toBe(1);
  });

  it('says which spaces it handles and names the space it refuses', () => {
    for (const [obs, act] of c.handles) expect(agent.supports(obs, act)).toBeNull();
    for (const [obs, act, why] of c.refuses) expect(agent.supports(obs, act)).toMatch(why);
  });

  const masked = c.masked;
  if (masked !== undefined) {
    it('never takes a masked action, in training or when acting', async () => {
      const run = agent.createRun(resolveConfig(agent.name, agent.spec, masked), toyContext('Test/MaskedBandit-v0', () => new MaskedBanditEnv()));
      const rows = await collectRows(run);
      // arm 0 pays 0.2 ± 0.1: a single pull of arm 1 would lift a row's mean above 0.3
      for (const r of rows) if (r['charts/episodes'] > 0) expect(r['charts/episodic_return']).toBeLessThan(0.31);
      for (let i = 0; i < 50; i++) expect(run.policy.act(Float32Array.of(1), { mask: Uint8Array.of(1, 0) })).toBe(0);
    });
  }

  if (c.vectorEnvs) {
    it('steps its envs on 2 worker threads with the numbers of an in-process run', async () => {
      const local = await train(agent);
      const { ctx, opened } = spiedContext(c.env, 2);
      const workers = (await collectRows(agent.createRun(resolveConfig(agent.name, agent.spec, c.config), ctx))).map(untimed);
      expect(opened.length).toBe(1);
      expect(opened[0]).toBeInstanceOf(WorkerVectorEnv);
      expect(workers).toEqual(local);
    });

    it('seeds its copies from the run seed alone, apart from the seeds of any nearby run', async () => {
      const envSeeds = async (seed: number): Promise<Set<number>> => {
        const { ctx, seeds } = spiedContext(c.env);
        const run = agent.createRun(resolveConfig(agent.name, agent.spec, { ...c.config, seed }), ctx);
        await collectRows(run);
        const numEnvs = c.config.numEnvs as number;
        expect(seeds.length).toBeGreaterThan(0);
        for (const s of seeds) expect(Math.floor(s / 100_003), `${name} seed ${seed}: env seed ${s}`).toBe(seed);
        return new Set(seeds.flatMap((s) => Array.from({ length: numEnvs }, (_, i) => s + i)));
      };
      const a = await envSeeds(3), b = await envSeeds(4);
      expect([...a].filter((s) => b.has(s))).toEqual([]);
    });

    it('refuses more worker threads than env copies when the run is created', () => {
      const run = (): unknown => agent.createRun(resolveConfig(agent.name, agent.spec, { ...c.config, numEnvs: 2 }), runContext(c.env, { workers: 3 }));
      expect(run).toThrow(ConfigError);
      expect(run).toThrow(`${name}: --workers 3 spreads the env copies over 3 worker threads, and the run has 2 (numEnvs); set --num-envs 3 or more, or fewer workers`);
    });
  } else {
    it('refuses --workers, which it would ignore, saying what to use instead', () => {
      expect(() => agent.createRun(resolveConfig(agent.name, agent.spec, c.config), runContext(c.env, { workers: 2 }))).toThrow(/--workers 2 puts vector envs on worker threads, and alphazero steps none/);
    });
  }
});
