/** TimeLimit, PassiveEnvChecker and RecordEpisodeStatistics. */
import { describe, expect, it, vi } from 'vitest';
import { EnvError } from '../../../src/core/errors.ts';
import { bareSpec, type Env } from '../../../src/gym/env.ts';
import { box, discrete } from '../../../src/gym/spaces.ts';
import { passiveEnvChecker } from '../../../src/gym/wrappers/env-checker.ts';
import { recordEpisodeStatistics, type EpisodeStatistics } from '../../../src/gym/wrappers/record-episode-statistics.ts';
import { timeLimit } from '../../../src/gym/wrappers/time-limit.ts';
import { CounterEnv } from './counter-env.ts';

describe('timeLimit', () => {
  it('truncates at maxEpisodeSteps, counts from each reset and updates the spec', () => {
    const env = timeLimit(new CounterEnv({ length: 100 }), { maxEpisodeSteps: 3 });
    expect(env.spec.maxEpisodeSteps).toBe(3);
    env.reset();
    expect([0, 1, 2].map(() => env.step(0).truncated)).toEqual([false, false, true]);
    expect(env.elapsedSteps).toBe(3);
    env.reset();
    expect(env.elapsedSteps).toBe(0);
    expect(env.step(0).truncated).toBe(false);
  });

  it('leaves terminated alone and reports both when they coincide', () => {
    const env = timeLimit(new CounterEnv({ length: 2 }), { maxEpisodeSteps: 2 });
    env.reset();
    env.step(0);
    const r = env.step(0);
    expect([r.terminated, r.truncated]).toEqual([true, true]);
  });

  it('throws an EnvError when stepped after truncation without reset', () => {
    const env = timeLimit(new CounterEnv({ length: 100 }), { maxEpisodeSteps: 1 });
    env.reset();
    env.step(1);
    expect(() => env.step(1)).toThrow(/Test\/Counter-v0: step\(1\) called after the episode ended \(truncated = true\)/);
    env.reset();
    expect(() => env.step(1)).not.toThrow();
  });

  it('rejects bad limits and passes render/close/unwrapped through explicitly', () => {
    const inner = new CounterEnv();
    expect(() => timeLimit(inner, { maxEpisodeSteps: 0 })).toThrow(/positive integer/);
    const env = timeLimit(inner, { maxEpisodeSteps: 5 });
    expect(env.unwrapped).toBe(inner);
    expect(env.inner).toBe(inner);
    expect(env.render().shapes[0].id).toBe('bar');
    env.close();
    expect(inner.closes).toBe(1);
    // No attribute forwarding: the wrapper does not expose the inner env's own fields.
    expect((env as unknown as Record<string, unknown>).length).toBeUndefined();
  });
});

describe('passiveEnvChecker', () => {
  it('enforces reset before step and no step after the end', () => {
    const env = passiveEnvChecker(new CounterEnv({ length: 1 }));
    expect(() => env.step(0)).toThrow(/before reset/);
    env.reset();
    expect(env.step(0).terminated).toBe(true);
    expect(() => env.step(0)).toThrow(/terminated = true/);
  });

  it('checks the action on every step', () => {
    const env = passiveEnvChecker(new CounterEnv());
    env.reset();
    for (let i = 0; i < 3; i++) env.step(i);
    expect(() => env.step(3)).toThrow(/action 3 is not in the action space Discrete\(3\)/);
  });

  it('validates spaces at construction', () => {
    const bad = new CounterEnv();
    (bad as { observationSpace: unknown }).observationSpace = { kind: 'box', shape: [2], low: new Float32Array(2), high: new Float32Array(1), dtype: 'float32' };
    expect(() => passiveEnvChecker(bad)).toThrow(/invalid observationSpace/);
  });

  /** An env whose step returns `patch` merged into a good result. */
  function lying(patch: Record<string, unknown>, onReset = false): Env<Float32Array, number> {
    const base = new CounterEnv();
    return {
      observationSpace: box(-10, 10, { shape: [2] }),
      actionSpace: discrete(2),
      spec: bareSpec('Test/Liar-v0'),
      actionRng: base.actionRng,
      unwrapped: base,
      reset: () => ({ ...base.reset(), ...(onReset ? patch : {}) }) as ReturnType<CounterEnv['reset']>,
      step: (a: number) => ({ ...base.step(a), ...patch }) as ReturnType<CounterEnv['step']>,
      render: () => base.render(),
      close: () => base.close(),
    };
  }

  it.each([
    ['a NaN reward', { reward: Number.NaN }, /reward NaN; rewards must be finite/],
    ['a string flag', { terminated: 'no' }, /boolean terminated\/truncated/],
    ['a wrong observation type', { obs: [0, 0] }, /not in the observation space/],
    ['a NaN observation', { obs: Float32Array.of(Number.NaN, 0) }, /element 0 is NaN/],
    ['a null info', { info: null }, /info as a plain object/],
    ['a mask of the wrong size', { mask: new Uint8Array(5) }, /mask must be a Uint8Array of 2/],
  ])('throws an EnvError when step returns %s', (_name, patch, message) => {
    const env = passiveEnvChecker(lying(patch));
    env.reset();
    expect(() => env.step(0)).toThrow(EnvError);
    const again = passiveEnvChecker(lying(patch));
    again.reset();
    expect(() => again.step(0)).toThrow(message);
  });

  it('only warns (once) for observations outside the box bounds', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const env = passiveEnvChecker(lying({ obs: Float32Array.of(50, 0) }, true));
    env.reset();
    env.step(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/outside \[-10, 10\]/);
    warn.mockRestore();
  });

  it('validates the first scene', () => {
    const env = passiveEnvChecker(new CounterEnv());
    (env.inner as { render: () => unknown }).render = () => ({ bounds: { xMin: 0, xMax: 0, yMin: 0, yMax: 1 }, shapes: [] });
    expect(() => env.render()).toThrow(/invalid Scene: scene.bounds must have min < max/);
  });

  it('rejects bad seeds before the env sees them', () => {
    const inner = new CounterEnv();
    const env = passiveEnvChecker(inner);
    expect(() => env.reset({ seed: -3 })).toThrow(/non-negative integer/);
    expect(inner.resets).toBe(0);
  });
});

describe('recordEpisodeStatistics', () => {
  it('adds info.episode = { r, l, t } on the last step only and keeps queues', () => {
    const env = recordEpisodeStatistics(new CounterEnv({ length: 3 }), { bufferLength: 2 });
    for (let episode = 0; episode < 3; episode++) {
      env.reset();
      const infos = [env.step(0).info, env.step(0).info, env.step(0).info];
      expect(infos[0].episode).toBeUndefined();
      expect(infos[1].episode).toBeUndefined();
      const ep = infos[2].episode as EpisodeStatistics;
      expect(ep.r).toBe(1 + 2 + 3);
      expect(ep.l).toBe(3);
      expect(ep.t).toBeGreaterThanOrEqual(0);
      expect(infos[2].t).toBe(3);
    }
    expect(env.returnQueue).toEqual([6, 6]);
    expect(env.lengthQueue).toEqual([3, 3]);
    expect(env.episodeCount).toBe(3);
  });

  it('counts truncated episodes and restarts the counters at reset', () => {
    const env = recordEpisodeStatistics(timeLimit(new CounterEnv({ length: 100 }), { maxEpisodeSteps: 2 }));
    env.reset();
    env.step(0);
    expect((env.step(0).info.episode as EpisodeStatistics).l).toBe(2);
    env.reset();
    env.step(0);
    expect(env.episodeReturn).toBe(1);
    env.reset();
    expect(env.episodeLength).toBe(0);
  });
});
