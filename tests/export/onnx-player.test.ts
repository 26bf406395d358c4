/**
 * The page's "ONNX Runtime" mode (src/web/onnx-player.ts), in Node: a display played by the exported
 * model through ONNX Runtime takes, step after step, the action our core's policy takes on the same
 * observation: recurrent state carried and reset at each episode start, legal-action masks, Box actions.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import type { Observation } from '../../src/gym/env.ts';
import { Display } from '../../src/web/display.ts';
import { OnnxPolicy, exportSnapshot } from '../../src/web/onnx-player.ts';
import type { PolicySnapshot } from '../../src/web/protocol.ts';
import type { ActOptions, CheckpointPayload, Policy } from '../../agents/common/agent.ts';
import { getAgent } from '../../agents/index.ts';
import { maxAbsDiff, randomCheckpoint } from './ort.ts';

ort.env.wasm.numThreads = 1;

function snapshotOf(algo: string, envId: string, payload: CheckpointPayload | null): PolicySnapshot {
  return { type: 'policy', envId, envKwargs: {}, algo: payload === null ? null : algo, payload, source: 'checkpoint', runId: -1, globalStep: 0 };
}

/** What `steps` display steps played through ONNX Runtime saw, each action compared with our core's (deterministic) on the same observation. */
type Played = { steps: number; episodes: number; maxDiff: number; maskedAway: number };

async function playThroughOnnx(algo: string, envId: string, ckpt: CheckpointPayload, steps: number): Promise<Played> {
  const display = new Display(envId, 3);
  const onnx = await OnnxPolicy.create(snapshotOf(algo, envId, ckpt), display.env, () => Promise.resolve(ort));
  const core = getAgent(algo).loadPolicy(ckpt, display.env.observationSpace, display.env.actionSpace);
  const plain = getAgent(algo).loadPolicy(ckpt, display.env.observationSpace, display.env.actionSpace);
  const played: Played = { steps: 0, episodes: 0, maxDiff: 0, maskedAway: 0 };
  const checked: Policy = {
    algo,
    envId,
    act(obs: Observation, opts?: ActOptions) {
      const a = onnx.act(obs);
      const b = core.act(obs, { deterministic: true, mask: opts?.mask });
      played.maxDiff = Math.max(played.maxDiff, typeof a === 'number' || typeof b === 'number' ? (a === b ? 0 : Infinity) : maxAbsDiff(a, b));
      // the mask changed the action: the unmasked argmax was illegal (feed-forward policies only)
      if (opts?.mask !== undefined && plain.act(obs, { deterministic: true }) !== b) played.maskedAway++;
      played.steps++;
      return a;
    },
    resetState() {
      onnx.resetState();
      core.resetState();
      played.episodes++;
    },
  };
  for (let i = 0; i < steps; i++) {
    const next = display.nextObservation();
    if (next !== null) await onnx.prepare(next.obs, next.mask);
    display.step(checked);
  }
  display.close();
  return played;
}

describe('the page plays a policy through ONNX Runtime as our core does', () => {
  it('recurrent PPO: the LSTM state is carried from step to step and reset at each episode start', async () => {
    const ckpt = randomCheckpoint('ppo', 'CartPole-v1', { recurrent: true, lstmHidden: 16, hiddenSizes: [32], normObs: true }, 13, { obsNorm: true });
    const played = await playThroughOnnx('ppo', 'CartPole-v1', ckpt, 300);
    expect(played.episodes).toBeGreaterThan(2);
    expect(played.steps).toBeGreaterThan(250);
    expect(played.maxDiff).toBe(0);
  });

  it('PPO on tic-tac-toe: the best legal move under the action mask', async () => {
    const played = await playThroughOnnx('ppo', 'TicTacToe-v0', randomCheckpoint('ppo', 'TicTacToe-v0', {}, 17), 200);
    expect(played.maxDiff).toBe(0);
    expect(played.maskedAway, 'steps where the mask ruled out the unmasked best move').toBeGreaterThan(0);
  });

  it('SAC on Pendulum: Box actions within 1e-5', async () => {
    const played = await playThroughOnnx('sac', 'Pendulum-v1', randomCheckpoint('sac', 'Pendulum-v1', { hiddenSizes: [32, 32] }, 19), 200);
    expect(played.steps).toBeGreaterThan(190);
    expect(played.maxDiff).toBeLessThanOrEqual(1e-5);
  });

  it('an act() without its prepare() is an error, and random actions have nothing to export', async () => {
    const display = new Display('CartPole-v1', 3);
    const onnx = await OnnxPolicy.create(snapshotOf('ppo', 'CartPole-v1', randomCheckpoint('ppo', 'CartPole-v1', {}, 23)), display.env, () => Promise.resolve(ort));
    display.step(null); // the reset
    expect(() => display.step(onnx)).toThrow(/act\(\) was called for an observation that prepare\(\) has not run/);
    expect(() => exportSnapshot(snapshotOf('ppo', 'CartPole-v1', null), display.env)).toThrow(/^nothing to export: the view plays random actions/);
    display.close();
  });
});
