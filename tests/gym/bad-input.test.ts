/**
 * Bad input to every classic env, with and without make's checker: each case must throw an EnvError that
 * names the env id, the space and the value received. Nothing is clipped silently.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { EnvError } from '../../src/core/errors.ts';
import { make } from '../../src/gym/registry.ts';
import { describeSpace } from '../../src/gym/spaces.ts';

const DISCRETE = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0'];
const CONTINUOUS = ['MountainCarContinuous-v0', 'Pendulum-v1'];
const MODES = [
  ['with the checker', {}],
  ['without the checker', { disableEnvChecker: true }],
  ['raw env (no time limit, no checker)', { disableEnvChecker: true, maxEpisodeSteps: null }],
] as const;

function expectEnvError(fn: () => unknown, ...fragments: (string | RegExp)[]): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(EnvError);
  for (const f of fragments) expect((caught as Error).message).toMatch(f);
}

describe.each(MODES)('bad input %s', (_mode, opts) => {
  it.each(DISCRETE)('%s: out-of-range, fractional, NaN, Infinity and non-number actions', (id) => {
    const env = make<Float32Array, unknown>(id, opts);
    env.reset({ seed: 0 });
    const space = describeSpace(env.actionSpace);
    const n = (env.actionSpace as { n: number }).n;
    expectEnvError(() => env.step(n), id, space, new RegExp(`action ${n} `));
    expectEnvError(() => env.step(-1), id, space);
    expectEnvError(() => env.step(0.5), id, space, /action 0\.5 /);
    expectEnvError(() => env.step(Number.NaN), id, space, /NaN/);
    expectEnvError(() => env.step(Infinity), id, space, /Infinity/);
    expectEnvError(() => env.step('1'), id, space, /"1"/);
    expectEnvError(() => env.step(Float32Array.of(1)), id, space, /Float32Array\[1\]/);
    // The env is still usable after rejected actions.
    expect(env.step(0).reward).toBeTypeOf('number');
  });

  it.each(CONTINUOUS)('%s: out-of-range, NaN, Infinity, wrong length and wrong type actions', (id) => {
    const env = make<Float32Array, unknown>(id, opts);
    env.reset({ seed: 0 });
    const space = describeSpace(env.actionSpace);
    expectEnvError(() => env.step(Float32Array.of(100)), id, space, /Float32Array\[100\]/, /outside/);
    expectEnvError(() => env.step(Float32Array.of(Number.NaN)), id, space, /NaN/);
    expectEnvError(() => env.step(Float32Array.of(-Infinity)), id, space, /-Infinity/);
    expectEnvError(() => env.step(Float32Array.of(0, 0)), id, space, /length/);
    expectEnvError(() => env.step([0]), id, space, /expected a Float32Array/);
    expectEnvError(() => env.step(0), id, space);
    expect(env.step(Float32Array.of(0)).reward).toBeTypeOf('number');
  });

  it.each([...DISCRETE, ...CONTINUOUS])('%s: step before reset', (id) => {
    const env = make<Float32Array, unknown>(id, opts);
    const action = DISCRETE.includes(id) ? 0 : Float32Array.of(0);
    expectEnvError(() => env.step(action), id, /before reset\(\)/, describeSpace(env.actionSpace));
  });

  it.each([...DISCRETE, ...CONTINUOUS])('%s: step after the episode ended without reset', (id) => {
    const env = make<Float32Array, unknown>(id, { ...opts, maxEpisodeSteps: opts === MODES[2][1] ? null : 3 });
    env.reset({ seed: 0 });
    const action = DISCRETE.includes(id) ? 1 : Float32Array.of(0);
    if (opts === MODES[2][1]) {
      // The raw env only knows termination: start it at the goal/edge and take one step.
      const u = env.unwrapped as unknown as { state: Float64Array };
      if (id === 'Pendulum-v1') return; // never terminates; truncation is TimeLimit's job (tested above)
      if (id === 'CartPole-v1') u.state.set([0, 0, 0.5, 0]);
      if (id === 'Acrobot-v1') u.state.set([Math.PI, 0, 0, 0]);
      if (id === 'MountainCar-v0' || id === 'MountainCarContinuous-v0') u.state.set([0.59, 0.05]);
      expect(env.step(action).terminated).toBe(true);
      expectEnvError(() => env.step(action), id, /terminated = true/, /Call reset\(\) first/);
    } else {
      let r = env.step(action);
      while (!r.terminated && !r.truncated) r = env.step(action);
      expectEnvError(() => env.step(action), id, /(terminated|truncated) = true/);
      env.reset();
      expect(() => env.step(action)).not.toThrow();
    }
  });

  it.each([...DISCRETE, ...CONTINUOUS])('%s: bad reset seeds and options', (id) => {
    const env = make<Float32Array, unknown>(id, opts);
    expectEnvError(() => env.reset({ seed: -1 }), id, /seed/);
    expectEnvError(() => env.reset({ seed: 0.5 }), id, /seed/);
    if (id !== 'Pendulum-v1') {
      expectEnvError(() => env.reset({ options: { low: 0.1, high: -0.1 } }), id, /low \(0\.1\) must not exceed high/);
      expectEnvError(() => env.reset({ options: { low: 'a' } }), id, /"low" must be a finite number/);
    } else {
      expectEnvError(() => env.reset({ options: { xInit: Number.NaN } }), id, /"xInit"/);
    }
  });
});

it('ClipAction is the only place where actions are clipped', async () => {
  const { clipAction } = await import('../../src/gym/wrappers/action.ts');
  const env = clipAction(make<Float32Array, Float32Array>('Pendulum-v1'));
  env.reset({ seed: 0 });
  expect(() => env.step(Float32Array.of(100))).not.toThrow();
  expectEnvError(() => env.step(Float32Array.of(Number.NaN)), 'Pendulum-v1', /NaN/);
});
