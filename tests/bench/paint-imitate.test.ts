/**
 * bench/paint-imitate.ts: the painter learned by imitating search is an ordinary PPO checkpoint of Paint-v0
 * (played by loadPolicy, resumed by a PPO run), the run is a function of its seed, fitting the labels is
 * what makes it paint, and a stroke's label does not depend on which end it was drawn from.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { canonicalStroke, imitate, type ImitateOptions } from '../../bench/paint-imitate.ts';
import { Brush, strokeFromAction } from '../../envs/art/stroke.ts';
import { ppo } from '../../agents/ppo.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { make } from '../../src/gym/registry.ts';

const TINY: ImitateOptions = { seed: 7, rounds: 2, episodes: 3, searchK: 32, refine: 30, step: 0.2, window: 0, epochs: 150, batch: 16, lr: 0.003, featureSize: 8, frameSpan: 0, hidden: [32, 32], logStd: -2.5 };

describe('paint-imitate', () => {
  it('writes each stroke from the end nearer the top-left corner; the reverse stroke covers the same pixels', () => {
    const a = Float32Array.from([0.5, 0.4, 0, -0.2, -0.6, -0.3, 0.1, -0.7, 0.3]);
    const c = canonicalStroke(a);
    expect(Array.from(c)).toEqual(Array.from(Float32Array.from([-0.6, -0.3, 0, -0.2, 0.5, 0.4, -0.7, 0.1, 0.3])));
    expect(canonicalStroke(c)).toEqual(c);
    const draw = (x: Float32Array): Float32Array => {
      const canvas = new Float32Array(64 * 64);
      new Brush(64).draw(canvas, strokeFromAction(x, 64));
      return canvas;
    };
    const before = draw(a), after = draw(c);
    expect(Math.max(...before.map((v, i) => Math.abs(v - after[i])))).toBeLessThan(1e-6);
  });

  it('learns from the labels: fitting brings the policy near the expert\'s strokes, which an untrained policy is not', () => {
    const [expertRound, policyRound] = imitate(TINY).rounds;
    expect(expertRound.painter).toBe('expert');
    expect(policyRound.painter).toBe('policy');
    expect(expertRound.loss, `mean squared error to the labels after fitting ${expertRound.loss}, before ${expertRound.lossBefore}`).toBeLessThan(0.5 * expertRound.lossBefore);
    expect(policyRound.loss, `policy round: after fitting ${policyRound.loss}, before ${policyRound.lossBefore}`).toBeLessThan(policyRound.lossBefore);
    const untrained = imitate({ ...TINY, epochs: 0 }).rounds[0];
    expect(untrained.loss).toBe(0);
    expect(untrained.lossBefore).toBe(expertRound.lossBefore);
  });

  it('in the window frame, searches and labels in the square around the focus window, and the checkpoint carries the frame', () => {
    const { checkpoint, rounds } = imitate({ ...TINY, frameSpan: 1 });
    expect(readCheckpointMeta(checkpoint, 'ppo').envKwargs).toEqual({ obs: 'features', featureSize: 8, actionFrame: 'window', frameSpan: 1 });
    // the expert's strokes are placed by the env in the window's frame: searched in another frame they would paint paper
    expect(rounds[0].removed, 'the expert round in the window frame (0.56 when written; 0.32 searched in the canvas frame)').toBeGreaterThan(0.45);
    expect(rounds[0].loss).toBeLessThan(0.5 * rounds[0].lossBefore);
  });

  it('is a PPO checkpoint of Paint-v0 that loadPolicy plays and a PPO run resumes, the same for the same seed', async () => {
    const a = imitate(TINY).checkpoint, b = imitate(TINY).checkpoint;
    expect([...a.tensors.keys()]).toEqual([...b.tensors.keys()]);
    for (const [k, t] of a.tensors) expect(t.data, k).toEqual(b.tensors.get(k)?.data);
    const meta = readCheckpointMeta(a, 'ppo');
    expect([meta.envId, meta.envKwargs]).toEqual(['Paint-v0', { obs: 'features', featureSize: 8 }]);
    const env = make<Float32Array, Float32Array>('Paint-v0', { kwargs: meta.envKwargs });
    const policy = ppo.loadPolicy(a, env.observationSpace, env.actionSpace);
    const action = policy.act(env.reset({ seed: 1 }).obs, { deterministic: true }) as Float32Array;
    expect(action.length).toBe(9);
    expect(action.every((v) => v >= -1 && v <= 1)).toBe(true);
    env.close();
    const cfg = resolveConfig('ppo', ppo.spec, { ...meta.config, numEnvs: 2, numSteps: 20, numMinibatches: 2, totalTimesteps: 40 });
    const run = ppo.createRun(cfg, runContext('Paint-v0', { resume: a, kwargs: meta.envKwargs }));
    const row = await run.iterations.next();
    expect(row.done).toBe(false);
    expect(row.value?.global_step).toBe(40);
    await run.close();
  });
});
