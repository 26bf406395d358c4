import { afterEach, describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { ConfigError, EnvError } from '../../src/core/errors.ts';
import { CartPole } from '../../envs/classic/cart-pole.ts';
import { editDistance, envCategory, listEnvs, make, makeSyncVec, register, registeredIds, registryModules, spec, unregister } from '../../src/gym/registry.ts';
import { PassiveEnvChecker } from '../../src/gym/wrappers/env-checker.ts';
import { TimeLimit } from '../../src/gym/wrappers/time-limit.ts';
import { RecordEpisodeStatistics } from '../../src/gym/wrappers/record-episode-statistics.ts';
import { DebugEnv } from '../../src/gym/debug-env.ts';

afterEach(() => {
  unregister('Test/Temp-v0');
});

describe('registry', () => {
  it('lists the classic suite with Gymnasium limits and thresholds', () => {
    const rows = Object.fromEntries(listEnvs().map((s) => [s.id, [s.maxEpisodeSteps, s.rewardThreshold]]));
    expect(rows).toMatchObject({
      'CartPole-v1': [500, 475],
      'Acrobot-v1': [500, -100],
      'MountainCar-v0': [200, -110],
      'MountainCarContinuous-v0': [999, 90],
      'Pendulum-v1': [200, null],
    });
    expect(registeredIds()).toEqual([...registeredIds()].sort());
    expect(registryModules().some((url) => url.endsWith('/envs/index.ts'))).toBe(true);
  });

  it('make stacks checker(timeLimit(env)) and unwrapped reaches the env', () => {
    const env = make('CartPole-v1');
    expect(env).toBeInstanceOf(PassiveEnvChecker);
    const inner = (env as PassiveEnvChecker<Float32Array, number>).inner;
    expect(inner).toBeInstanceOf(TimeLimit);
    expect(env.unwrapped).toBeInstanceOf(CartPole);
    expect(env.spec.maxEpisodeSteps).toBe(500);
    expect(env.spec.disableEnvChecker).toBe(false);
    expect(env.actionRng).toBe(env.unwrapped.actionRng);
  });

  it('make honours overrides: no checker, another time limit, no time limit, episode statistics', () => {
    const plain = make('CartPole-v1', { disableEnvChecker: true });
    expect(plain).toBeInstanceOf(TimeLimit);
    expect(plain.spec.disableEnvChecker).toBe(true);
    const short = make('CartPole-v1', { maxEpisodeSteps: 3 });
    short.reset({ seed: 0 });
    expect([short.step(0).truncated, short.step(1).truncated, short.step(0).truncated]).toEqual([false, false, true]);
    expect(make('CartPole-v1', { maxEpisodeSteps: null, disableEnvChecker: true })).toBeInstanceOf(CartPole);
    const stats = make('CartPole-v1', { recordEpisodeStatistics: true, disableEnvChecker: true });
    expect(stats).toBeInstanceOf(RecordEpisodeStatistics);
  });

  it('make passes kwargs over the registered defaults, and rejects unknown kwargs', () => {
    const env = make('Pendulum-v1', { kwargs: { g: 9.81 } });
    expect(env.spec.kwargs).toEqual({ g: 9.81 });
    expect(() => make('Pendulum-v1', { kwargs: { gravity: 9.81 } })).toThrow(/unknown kwarg "gravity"; accepted: g \(number\)/);
    expect(() => make('Pendulum-v1', { kwargs: { g: 'ten' } })).toThrow(ConfigError);
    const sb = make('CartPole-v1', { kwargs: { suttonBartoReward: true } });
    sb.reset({ seed: 1 });
    expect(sb.step(0).reward).toBe(0);
    // env kwargs passed Gymnasium-style, beside the options, are refused rather than dropped
    expect(() => make('Pendulum-v1', { g: 9.81 } as never)).toThrow(/make\("Pendulum-v1"\): unknown option "g"; expected kwargs, maxEpisodeSteps, disableEnvChecker, recordEpisodeStatistics \(env kwargs go in \{ kwargs: \{ g: … \} \}\)/);
  });

  it('an unknown id names close matches or other versions', () => {
    expect(() => make('CartPol-v1')).toThrow(/not registered\. Did you mean "CartPole-v1"\?/);
    expect(() => make('cartpole-v1')).toThrow(/Did you mean "CartPole-v1"/);
    expect(() => spec('CartPole-v0')).toThrow(/available version\(s\): CartPole-v1/);
    expect(() => make('Zzzzzzzzzzzzzzz-v9')).toThrow(/Registered: .*Acrobot-v1, .*CartPole-v1/);
  });

  it('register validates ids, duplicates and limits', () => {
    const factory = () => new DebugEnv();
    expect(() => register({ id: 'no version', factory })).toThrow(/must look like/);
    expect(() => register({ id: 'CartPole-v1', factory })).toThrow(/already registered/);
    expect(() => register({ id: 'Test/Temp-v0', factory, maxEpisodeSteps: 0 })).toThrow(/positive integer/);
    register({ id: 'Test/Temp-v0', factory: (kwargs, s) => new DebugEnv(kwargs, s), maxEpisodeSteps: 7 });
    const env = make('Test/Temp-v0');
    expect(env.spec.id).toBe('Test/Temp-v0');
    expect(env.unwrapped.spec.id).toBe('Test/Temp-v0');
  });

  it('categories come from the registration, not the id: Acrobot is classic control; none named means other', () => {
    expect(Object.fromEntries(['Acrobot-v1', 'CartPole-v1', 'AmpFootWalker-v0', 'AmpFootProsthesis-v1', 'TicTacToe-v0', 'Pong-v0', 'Snake-v0', 'Examples/Corridor-v0', 'Debug/SlowEnv-v0'].map((id) => [id, envCategory(id)]))).toEqual({
      'Acrobot-v1': 'classic',
      'CartPole-v1': 'classic',
      'AmpFootWalker-v0': 'robot',
      'AmpFootProsthesis-v1': 'robot',
      'TicTacToe-v0': 'board',
      'Pong-v0': 'arcade',
      'Snake-v0': 'arcade',
      'Examples/Corridor-v0': 'other',
      'Debug/SlowEnv-v0': 'other',
    });
    const factory = () => new DebugEnv();
    register({ id: 'Test/Temp-v0', factory });
    expect(envCategory('Test/Temp-v0')).toBe('other');
    unregister('Test/Temp-v0');
    register({ id: 'Test/Temp-v0', factory, category: 'robot' });
    expect(envCategory('Test/Temp-v0')).toBe('robot');
    unregister('Test/Temp-v0');
    expect(() => register({ id: 'Test/Temp-v0', factory, category: 'puzzle' as never })).toThrow(/category must be one of robot, classic, board, arcade, art, other, received "puzzle"/);
    expect(() => envCategory('Nope-v0')).toThrow(/not registered/);
  });

  it('makeSyncVec builds independent copies', () => {
    const vec = makeSyncVec('CartPole-v1', 3);
    expect(vec.numEnvs).toBe(3);
    expect(new Set(vec.envs.map((e) => e.unwrapped)).size).toBe(3);
    expect(() => makeSyncVec('CartPole-v1', 0)).toThrow(/positive integer/);
  });

  it('editDistance is Levenshtein', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('errors from bad env use are EnvErrors', () => {
    const env = make('CartPole-v1');
    expect(() => env.step(0)).toThrow(EnvError);
  });
});
