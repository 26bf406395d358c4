/**
 * The episodes the trainers log: return, length and the final info's numbers as `env/<key>` (the robot's
 * push-off work, motor energy, … reach metrics.jsonl this way), the same in-process and from a gym vector env.
 */
import { describe, it, expect } from 'vitest';
import { addEpisodeMetrics } from '../../agents/common/metrics.ts';
import { LocalVecEnv, fromVectorEnv, type Episode } from '../../agents/common/vec.ts';
import { SyncVectorEnv } from '../../src/gym/vector/sync-vector-env.ts';
import type { Metrics } from '../../src/core/metrics.ts';
import type { StepResult } from '../../src/gym/env.ts';
import { IdentityEnv } from './toy-envs.ts';

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
    return { ...r, info: { steps: this.steps, hits: this.hits, label: 'x', missing: this.steps === 3 ? null : 1 } };
  }
}

describe('episode metrics', () => {
  it('averages each finite number of the final infos as env/<key>, over the episodes that have it', () => {
    const row: Metrics = {};
    const episodes: Episode[] = [
      { r: 1, l: 10, info: { a: 1, b: null, c: 'text', d: Number.NaN } },
      { r: 3, l: 20, info: { a: 3, b: 2, d: 4, e: true } },
    ];
    addEpisodeMetrics(row, episodes);
    expect(row).toEqual({ 'charts/episodes': 2, 'charts/episodic_return': 2, 'charts/episodic_length': 15, 'env/a': 2, 'env/b': 2, 'env/d': 4 });
    const none: Metrics = {};
    addEpisodeMetrics(none, []);
    expect(none).toEqual({ 'charts/episodes': 0 });
  });

  it('carries the final info of each finished episode, in-process and through a gym vector env alike', async () => {
    const n = 3, actions = [0, 1, 2];
    const local = new LocalVecEnv(Array.from({ length: n }, () => new InfoEnv(4, 3)));
    const gym = fromVectorEnv(new SyncVectorEnv(Array.from({ length: n }, () => new InfoEnv(4, 3))));
    local.reset(5);
    await gym.reset(5);
    const seen: Episode[][] = [[], []];
    for (let t = 0; t < 6; t++) {
      seen[0].push(...local.step(actions).episodes);
      seen[1].push(...(await gym.step(actions)).episodes);
    }
    expect(seen[0].length).toBe(2 * n);
    expect(seen[1]).toEqual(seen[0]);
    for (const e of seen[0]) {
      expect(e.info).toMatchObject({ steps: 3, label: 'x', missing: null });
      expect(e.info.hits).toBe(e.r); // the final info is the last step's, not the next episode's first
    }
    const row: Metrics = {};
    addEpisodeMetrics(row, seen[0]);
    expect(row['env/steps']).toBe(3);
    expect(row).not.toHaveProperty('env/missing');
    expect(row).not.toHaveProperty('env/label');
    local.close();
    await gym.close();
  });
});
