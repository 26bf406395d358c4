/**
 * The run plumbing every agent shares (agents/common/run.ts, critics.ts): boundary seeds that stay exact
 * for every valid seed, the checkpoint cadence, the algorithm check of a checkpoint, Polyak averaging and
 * frozen parameters; and the CLI refusing an out-of-range seed before it starts.
 */
import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import { MAX_SEED, boundarySeed, checkpointDue, checkpointInterval, readCheckpointMeta, resumeRun } from '../../agents/common/run.ts';
import { frozen, softUpdate } from '../../agents/common/critics.ts';
import { buildCheckpoint } from '../../agents/common/checkpoint.ts';
import { CheckpointError, ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { Tensor, mean, mul } from '../../src/autograd/index.ts';
import { Linear, parameters } from '../../src/nn/index.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { train } from '../../src/cli/train.ts';

describe('boundary seeds', () => {
  it('are seed · 100,003 + iteration · numEnvs, the derivation PPO, A2C, REINFORCE and DQN always used', () => {
    expect(boundarySeed(1, 0, 4)).toBe(100_003);
    expect(boundarySeed(7, 12, 8)).toBe(7 * 100_003 + 96);
  });

  it('stay exact integers for every seed up to 2^32 − 1, and the env accepts them', async () => {
    const s = boundarySeed(MAX_SEED, 1_000_000, 64);
    expect(Number.isSafeInteger(s + 64)).toBe(true);
    const vec = await runContext('CartPole-v1').makeVec(2);
    await expect(vec.reset({ seed: s })).resolves.toBeDefined();
    await vec.close();
  });

  it('refuse seeds outside 0…2^32 − 1, where seed · 100,003 would leave the exact integers', () => {
    expect(() => boundarySeed(2 ** 40, 0, 1)).toThrow(ConfigError);
    expect(() => boundarySeed(2 ** 40, 0, 1)).toThrow(/seed must be an integer from 0 to 4294967295, received 1099511627776/);
    expect(() => boundarySeed(-1, 0, 1)).toThrow(/received -1/);
    expect(() => boundarySeed(1.5, 0, 1)).toThrow(/received 1.5/);
    expect(() => boundarySeed(MAX_SEED, 2 ** 53, 4)).toThrow(/exceed 2\^53/);
  });

  it('differ between runs with neighbouring seeds (SAC and TD3 once gave seed s copy 1 the seed of run s + 1)', () => {
    const used = (seed: number): Set<number> => {
      const out = new Set<number>();
      for (let it = 0; it < 100; it++) for (let i = 0; i < 4; i++) out.add(boundarySeed(seed, it, 4) + i);
      return out;
    };
    const a = used(1), b = used(2);
    expect([...a].filter((s) => b.has(s))).toEqual([]);
  });

  it('are checked by the CLI before a run starts', async () => {
    await expect(train({ env: 'CartPole-v1', algo: 'ppo', quiet: true }, ['--seed', String(2 ** 40)])).rejects.toThrow(/ppo: config field "seed" expects a number <= 4294967295, received 1099511627776/);
  });
});

describe('checkpoint cadence', () => {
  it('is the configured frequency, else a tenth of the run, never under the minimum', () => {
    expect(checkpointInterval(3, 1000)).toBe(3);
    expect(checkpointInterval(0, 1000)).toBe(100);
    expect(checkpointInterval(0, 4)).toBe(1);
    expect(checkpointInterval(0, 40, 8)).toBe(8);
  });

  it('falls on multiples of the interval, never at the end of the run', () => {
    expect([1, 2, 3, 4, 5, 6].filter((i) => checkpointDue(i, 2, 6))).toEqual([2, 4]);
  });
});

describe('checkpoint metadata', () => {
  const ckpt = buildCheckpoint({ algo: 'sac', envId: 'Pendulum-v1', config: {}, nets: {}, trainer: { iteration: 1, globalStep: 1000, rng: [1, 2, 3, 4, null] } });

  it('is read only by the algorithm that wrote it', () => {
    expect(readCheckpointMeta(ckpt, 'sac').envId).toBe('Pendulum-v1');
    expect(() => readCheckpointMeta(ckpt, 'td3')).toThrow(CheckpointError);
    expect(() => readCheckpointMeta(ckpt, 'td3')).toThrow('td3: the checkpoint was written by sac (trained on Pendulum-v1); td3 reads only its own checkpoints');
  });

  it('gives a resume its trainer state, and nothing for a fresh run', () => {
    const ctx = runContext('Pendulum-v1');
    expect(resumeRun('sac', ctx, {}, {})).toBeNull();
    expect(resumeRun<{ iteration: number }>('sac', { ...ctx, resume: ckpt }, {}, {})?.trainer.iteration).toBe(1);
  });
});

describe('target networks', () => {
  it('softUpdate moves every parameter τ of the way to the source; τ = 1 copies it', () => {
    const source = new Linear(3, 2, new Rng(1)), target = new Linear(3, 2, new Rng(2));
    const before = parameters(target).map((p) => p.data.slice());
    softUpdate(target, source, 0.25);
    parameters(target).forEach((p, k) => {
      const s = parameters(source)[k].data;
      for (let i = 0; i < p.data.length; i++) expect(p.data[i]).toBeCloseTo(0.25 * s[i] + 0.75 * before[k][i], 6);
    });
    softUpdate(target, source, 1);
    parameters(target).forEach((p, k) => expect(p.data).toEqual(parameters(source)[k].data));
  });

  it('frozen leaves the given parameters without gradients, and trainable again afterwards, even after a throw', () => {
    const net = new Linear(2, 1, new Rng(3));
    const x = new Tensor(Float32Array.of(1, 2), [1, 2]);
    const w = net.params.weight, b = net.params.bias;
    frozen([w], () => mean(mul(net.forward(x), 2)).backward());
    expect(w.grad === null || w.grad.every((g) => g === 0)).toBe(true);
    expect(b.grad?.[0]).toBe(2);
    expect(parameters(net).every((p) => p.requiresGrad)).toBe(true);
    expect(() => frozen(parameters(net), () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(parameters(net).every((p) => p.requiresGrad)).toBe(true);
  });
});
