/**
 * The vector episode-statistics wrapper the agents step through: each finished episode with its copy,
 * return and length of the raw rewards and its final info, in this thread and on worker threads alike.
 */
import { describe, it, expect } from 'vitest';
import '../../../envs/index.ts';
import { makeVec } from '../../../src/gym/registry.ts';
import { SyncVectorEnv } from '../../../src/gym/vector/sync-vector-env.ts';
import { recordVectorEpisodeStatistics, type FinishedEpisode } from '../../../src/gym/vector/record-episode-statistics.ts';
import type { StepResult } from '../../../src/gym/env.ts';
import { IdentityEnv } from '../../agents/toy-envs.ts';

/** IdentityEnv whose info counts its steps and says how often it named the target. */
class InfoEnv extends IdentityEnv {
  private hits = 0;
  private steps = 0;
  override reset(opts: { seed?: number } = {}) {
    this.hits = 0;
    this.steps = 0;
    return super.reset(opts);
  }
  override step(action: number): StepResult<Float32Array> {
    const r = super.step(action);
    this.steps += 1;
    this.hits += r.reward;
    return { ...r, info: { steps: this.steps, hits: this.hits } };
  }
}

describe('recordVectorEpisodeStatistics', () => {
  it('reports each finished episode once, with its copy, return, length and final info', async () => {
    const lengths = [3, 2, 4];
    const vec = recordVectorEpisodeStatistics(new SyncVectorEnv(lengths.map((l) => new InfoEnv(4, l))));
    expect([vec.numEnvs, vec.obsDim, vec.actionDim]).toEqual([3, 4, 1]);
    await vec.reset({ seed: 5 });
    const seen: FinishedEpisode[] = [];
    const returns = [0, 0, 0];
    for (let t = 0; t < 12; t++) {
      const r = await vec.step([0, 1, 2]);
      for (let i = 0; i < 3; i++) returns[i] += r.rewards[i];
      for (const e of r.episodes) {
        expect(r.terminated[e.index]).toBe(1);
        expect(e.r).toBe(returns[e.index]);
        returns[e.index] = 0;
      }
      seen.push(...r.episodes);
    }
    // 12 steps: copy 0 ends 4 episodes of 3 steps, copy 1 six of 2, copy 2 three of 4
    expect(seen.map((e) => e.index).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2]);
    for (const e of seen) {
      expect(e.l).toBe(lengths[e.index]);
      expect(e.info.steps).toBe(e.l);
      expect(e.info.hits).toBe(e.r); // the final info is the last step's, not the next episode's first
    }
    await vec.close();
  });

  it('starts counting afresh at a reset', async () => {
    const vec = recordVectorEpisodeStatistics(new SyncVectorEnv([new InfoEnv(4, 3)]));
    await vec.reset({ seed: 1 });
    await vec.step([0]);
    await vec.step([0]);
    await vec.reset({ seed: 1 });
    const lengths: number[] = [];
    for (let t = 0; t < 3; t++) lengths.push(...(await vec.step([0])).episodes.map((e) => e.l));
    expect(lengths).toEqual([3]);
  });

  it('reports the same episodes for copies on worker threads as in this thread', async () => {
    const sync = recordVectorEpisodeStatistics(await makeVec('CartPole-v1', 4));
    const workers = recordVectorEpisodeStatistics(await makeVec('CartPole-v1', 4, { workers: 2 }));
    try {
      await sync.reset({ seed: 9 });
      await workers.reset({ seed: 9 });
      const a: FinishedEpisode[] = [], b: FinishedEpisode[] = [];
      for (let t = 0; t < 60; t++) {
        const actions = [t % 2, (t >> 1) % 2, 1, 0];
        a.push(...(await sync.step(actions)).episodes);
        b.push(...(await workers.step(actions)).episodes);
      }
      expect(a.length).toBeGreaterThan(4);
      expect(b).toEqual(a);
    } finally {
      await sync.close();
      await workers.close();
    }
  });
});
