import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { ConfigError, EnvError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { actionSeed, bareSpec, parseKwargs, seedEnv } from '../../src/gym/env.ts';
import { make, registeredIds } from '../../src/gym/registry.ts';
import { sample, valuesEqual } from '../../src/gym/spaces.ts';

describe('seeding', () => {
  it('seedEnv seeds the env stream with the seed and the action stream with a derived seed', () => {
    const rng = new Rng(99);
    const actionRng = new Rng(99);
    seedEnv('X-v0', 5, rng, actionRng);
    expect(rng.getState()).toEqual(new Rng(5).getState());
    expect(actionRng.getState()).toEqual(new Rng(actionSeed(5)).getState());
    expect(actionRng.nextUint32()).not.toBe(new Rng(5).nextUint32());
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 60])('seedEnv rejects seed %s with an EnvError', (seed) => {
    expect(() => seedEnv('X-v0', seed, new Rng(), new Rng())).toThrow(EnvError);
  });

  it.each(registeredIds())('%s: reset(seed) makes random-action runs repeat (Gymnasium #185)', (id) => {
    const run = (): string[] => {
      const env = make<unknown, unknown>(id);
      const out: string[] = [];
      let mask = env.reset({ seed: 7 }).mask; // board games only accept legal moves
      for (let t = 0; t < 30; t++) {
        const a = sample(env.actionSpace, env.actionRng, mask);
        const r = env.step(a);
        mask = r.mask;
        out.push(JSON.stringify([Array.from(typeof a === 'number' ? [a] : (a as Float32Array)), Array.from(r.obs as Float32Array)]));
        if (r.terminated || r.truncated) mask = env.reset().mask;
      }
      return out;
    };
    // the rule (envs/README.md, "Adding an env"): the same seed gives the same run
    expect(run(), `${id}: two runs from reset({ seed: 7 }) differ. When reset() gets a seed, call seedEnv(this.spec.id, seed, this.rng, this.actionRng) (src/gym/env.ts) and draw every random number in reset() and step() from this.rng`).toEqual(run());
  });

  it('reset without a seed continues the stream; a different seed gives a different start', () => {
    const env = make('CartPole-v1');
    const a = env.reset({ seed: 1 }).obs;
    const b = env.reset().obs;
    const c = env.reset({ seed: 1 }).obs;
    const d = env.reset({ seed: 2 }).obs;
    expect(valuesEqual(a, c)).toBe(true);
    expect(valuesEqual(a, b)).toBe(false);
    expect(valuesEqual(a, d)).toBe(false);
  });
});

describe('parseKwargs', () => {
  const defaults = { g: 10, flag: false, mode: 'book' };
  it('fills defaults and overrides given values', () => {
    expect(parseKwargs('X-v0', { g: 3 }, defaults)).toEqual({ g: 3, flag: false, mode: 'book' });
  });
  it('rejects unknown keys, wrong types and non-finite numbers with ConfigErrors naming the env', () => {
    expect(() => parseKwargs('X-v0', { G: 3 }, defaults)).toThrow(/X-v0: unknown kwarg "G"; accepted: g \(number\), flag \(boolean\), mode \(string\)/);
    expect(() => parseKwargs('X-v0', { flag: 1 }, defaults)).toThrow(ConfigError);
    expect(() => parseKwargs('X-v0', { g: Infinity }, defaults)).toThrow(/finite number/);
  });
});

describe('bareSpec', () => {
  it('gives a spec with no time limit and frozen fields', () => {
    const s = bareSpec('Foo-v0');
    expect(s).toMatchObject({ id: 'Foo-v0', maxEpisodeSteps: null, rewardThreshold: null, kwargs: {} });
    expect(Object.isFrozen(s)).toBe(true);
  });
});
