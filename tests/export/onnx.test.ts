/**
 * ONNX export checked by ONNX Runtime: every zoo file and a fresh checkpoint of every other model kind
 * is exported, loaded in onnxruntime-web, and run on 1,000 random observations from the env's space.
 * Every output must be within 1e-5 of our core's (integer outputs identical), and the deterministic
 * action must be the one the agent's own `loadPolicy` takes (AlphaZero, which plays by search: the
 * net's own heads).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, noGrad } from '../../src/autograd/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { make } from '../../src/gym/registry.ts';
import type { Space } from '../../src/gym/spaces.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import { getAgent } from '../../agents/index.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { loadAlphaZero } from '../../agents/alphazero.ts';
import { exportOnnx, type OnnxExport } from '../../agents/export/onnx.ts';
import '../../envs/index.ts';
import { multiDiscrete } from '../../src/gym/spaces.ts';
import { actionHead } from '../../agents/common/action-head.ts';
import { buildCheckpoint } from '../../agents/common/checkpoint.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { buildPpoNets, ppoSpec } from '../../agents/ppo.ts';
import { expectOutputsMatch, loadSession, maxAbsDiff, randomCheckpoint, randomObservations, randomizeWeights, runSession } from './ort.ts';

const N = 1000;

function zooFile(file: string): CheckpointPayload {
  const { tensors, metadata } = readSafetensorsFile(new URL(`../../zoo/${file}`, import.meta.url).pathname);
  return { tensors, metadata };
}

function spacesOf(ckpt: CheckpointPayload): { obsSpace: Space; actSpace: Space } {
  const meta = readCheckpointMeta(ckpt);
  const env = make(meta.envId, { kwargs: meta.envKwargs });
  const spaces = { obsSpace: env.observationSpace, actSpace: env.actionSpace };
  env.close();
  return spaces;
}

/** The input dims of `io` for `batch` rows. */
function dimsOf(exp: OnnxExport, name: string, batch: number): number[] {
  const io = exp.inputs.find((i) => i.name === name);
  if (io === undefined) throw new Error(`no input ${name}`);
  return io.dims.map((d) => (typeof d === 'number' ? d : batch));
}

/**
 * Exports `ckpt`, runs N random observations through ONNX Runtime and our core, and checks the outputs
 * and (feed-forward policies) the agent's own deterministic actions.
 */
async function checkFeedForward(ckpt: CheckpointPayload, seed: number, spaces = spacesOf(ckpt)): Promise<OnnxExport> {
  const { obsSpace, actSpace } = spaces;
  const exp = exportOnnx(ckpt, obsSpace, actSpace, 'test');
  const session = await loadSession(exp.bytes);
  const obs = randomObservations(obsSpace, N, new Rng(seed));
  const onnx = await runSession(session, { obs: { data: obs.flat, dims: dimsOf(exp, 'obs', N) } });
  const ours = exp.reference({ obs: obs.flat }, N);
  const ints = exp.outputs.filter((o) => o.elemType === 'int64').map((o) => o.name);
  expect(Object.keys(onnx).sort()).toEqual(exp.outputs.map((o) => o.name).sort());
  expectOutputsMatch(onnx, ours, ints);
  const meta = readCheckpointMeta(ckpt);
  if (meta.algo === 'alphazero') {
    const { net } = loadAlphaZero(ckpt);
    const heads = noGrad(() => net.heads(new Tensor(obs.flat, [N, obs.dim])));
    expect(maxAbsDiff(onnx.logits, heads.logits.data)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(onnx.value, heads.value.data)).toBeLessThanOrEqual(1e-5);
  } else {
    const policy = getAgent(meta.algo).loadPolicy(ckpt, obsSpace, actSpace);
    const width = onnx.action.length / N;
    const acts = new Float32Array(onnx.action.length);
    obs.values.forEach((o, i) => {
      const a = policy.act(o, { deterministic: true });
      if (typeof a === 'number') acts[i] = a;
      else acts.set(a, i * width);
    });
    const intAction = ints.includes('action');
    expect(maxAbsDiff(onnx.action, acts), `${meta.algo} on ${meta.envId}: deterministic actions of loadPolicy vs ONNX Runtime`).toBeLessThanOrEqual(intAction ? 0 : 1e-5);
  }
  return exp;
}

describe('ONNX export of the zoo, checked by ONNX Runtime', () => {
  const zoo = JSON.parse(readFileSync(new URL('../../zoo/zoo.json', import.meta.url), 'utf8')) as Array<{ file: string }>;
  it.each(zoo.map((z) => z.file))('%s', async (file) => {
    const exp = await checkFeedForward(zooFile(file), 7);
    expect(exp.metadata.env_id).toBe(file.split('.')[0]);
  });
});

describe('ONNX export of fresh checkpoints, checked by ONNX Runtime', () => {
  const cases: Array<[string, string, string, Record<string, unknown>, { kwargs?: Record<string, unknown>; obsNorm?: boolean }]> = [
    ['ppo, discrete, normalised observations', 'ppo', 'CartPole-v1', { normObs: true }, { obsNorm: true }],
    ['ppo, Box actions, normalised observations', 'ppo', 'Pendulum-v1', { normObs: true }, { obsNorm: true }],
    ['ppo, CNN', 'ppo', 'Catch-v0', { network: 'cnn', cnnChannels: [8, 16], cnnHidden: 32 }, { kwargs: { obs: 'pixels', screenWidth: 20, screenHeight: 36 } }],
    ['a2c, discrete, relu', 'a2c', 'CartPole-v1', { activation: 'relu', normObs: true }, { obsNorm: true }],
    ['a2c, Box actions', 'a2c', 'Pendulum-v1', {}, {}],
    ['reinforce, discrete', 'reinforce', 'Acrobot-v1', { normObs: true }, { obsNorm: true }],
    ['dqn, MLP', 'dqn', 'CartPole-v1', {}, {}],
    ['dqn, dueling', 'dqn', 'Acrobot-v1', { dueling: true }, {}],
    ['dqn, CNN, dueling', 'dqn', 'Catch-v0', { network: 'cnn', cnnChannels: [8, 16], cnnHidden: 32, dueling: true }, { kwargs: { obs: 'pixels', screenWidth: 20, screenHeight: 36 } }],
    ['td3', 'td3', 'Pendulum-v1', { hiddenSizes: [32, 32] }, {}],
    ['sac', 'sac', 'MountainCarContinuous-v0', { hiddenSizes: [32, 32] }, {}],
    ['alphazero, residual CNN', 'alphazero', 'TicTacToe-v0', { network: 'resnet', channels: 8, resBlocks: 2 }, {}],
  ];
  it.each(cases)('%s', async (_name, algo, envId, config, opts) => {
    await checkFeedForward(randomCheckpoint(algo, envId, config, 11, opts), 5);
  });
});

describe('ONNX export of a PPO policy over MultiDiscrete actions', () => {
  it('gives the logits of every component and the argmax of each, as loadPolicy acts', async () => {
    const env = make('CartPole-v1');
    const obsSpace = env.observationSpace, actSpace = multiDiscrete([3, 2, 4]);
    env.close();
    const cfg = resolveConfig('ppo', ppoSpec, { hiddenSizes: [16] });
    const nets = buildPpoNets(cfg, obsSpace, actionHead('ppo', actSpace), new Rng(1));
    const ckpt = buildCheckpoint({ algo: 'ppo', envId: 'CartPole-v1', config: cfg, nets: { actor: nets.actor, critic: nets.critic } });
    randomizeWeights(ckpt, new Rng(2));
    const exp = await checkFeedForward(ckpt, 9, { obsSpace, actSpace });
    expect(exp.outputs.find((o) => o.name === 'action')?.dims).toEqual(['batch', 3]);
  });
});

describe('ONNX export of a recurrent PPO policy (state in, state out)', () => {
  it('carries the LSTM state as ours does: 250 sequences of 4 steps, outputs within 1e-5 and the same actions as loadPolicy', async () => {
    const ckpt = randomCheckpoint('ppo', 'CartPole-v1', { recurrent: true, lstmHidden: 16, hiddenSizes: [32], normObs: true }, 13, { obsNorm: true });
    const { obsSpace, actSpace } = spacesOf(ckpt);
    const exp = exportOnnx(ckpt, obsSpace, actSpace, 'test');
    expect(exp.inputs.map((i) => i.name)).toEqual(['obs', 'h_in', 'c_in']);
    expect(exp.outputs.map((o) => o.name)).toEqual(['logits', 'action', 'value', 'h_out', 'c_out']);
    const session = await loadSession(exp.bytes);
    const B = 250, T = 4, H = 16;
    const rng = new Rng(3);
    const steps = Array.from({ length: T }, () => randomObservations(obsSpace, B, rng));
    let h: Float32Array<ArrayBufferLike> = new Float32Array(2 * B * H), c: Float32Array<ArrayBufferLike> = new Float32Array(2 * B * H);
    const onnxActions: Float32Array[] = [];
    for (const obs of steps) {
      const feeds = { obs: obs.flat, h_in: h, c_in: c };
      const onnx = await runSession(session, { obs: { data: obs.flat, dims: [B, obs.dim] }, h_in: { data: h, dims: [2, B, H] }, c_in: { data: c, dims: [2, B, H] } });
      expectOutputsMatch(onnx, exp.reference(feeds, B), ['action']);
      onnxActions.push(onnx.action);
      // the state moves on: a zero state stays zero only if the graph ignored it
      expect(maxAbsDiff(onnx.h_out, h)).toBeGreaterThan(1e-3);
      h = onnx.h_out;
      c = onnx.c_out;
    }
    const policy = getAgent('ppo').loadPolicy(ckpt, obsSpace, actSpace);
    for (let b = 0; b < B; b++) {
      policy.resetState();
      for (let t = 0; t < T; t++) expect(policy.act(steps[t].values[b], { deterministic: true }), `sequence ${b}, step ${t}`).toBe(onnxActions[t][b]);
    }
  });
});
