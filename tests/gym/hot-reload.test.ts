/**
 * The registry's hot reload (what the page's workers do when an env file is saved under `npm start`,
 * src/web/hot-envs.ts): while envs/index.ts runs again every id stays registered, each replaced once by the
 * new code; ids the new code no longer registers go, and code that fails leaves the registry as it was.
 * (This file has its own registry: vitest runs each test file in its own process.)
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { CartPole } from '../../envs/classic/cart-pole.ts';
import { DebugEnv } from '../../src/gym/debug-env.ts';
import { beginHotReload, endHotReload, envCategory, make, register, registeredIds } from '../../src/gym/registry.ts';

describe('hot reload of the registrations', () => {
  it('code that fails half-way leaves every registration as it was', () => {
    const ids = registeredIds();
    beginHotReload();
    register({ id: 'CartPole-v1', category: 'other', factory: (kwargs, spec) => new DebugEnv(kwargs, spec) });
    register({ id: 'Test/New-v0', factory: (kwargs, spec) => new DebugEnv(kwargs, spec) });
    expect(make('CartPole-v1').unwrapped).toBeInstanceOf(DebugEnv); // replaced at once: never missing
    endHotReload(false);
    expect(registeredIds()).toEqual(ids);
    expect(make('CartPole-v1').unwrapped).toBeInstanceOf(CartPole);
    expect(envCategory('CartPole-v1')).toBe('classic');
  });

  it('an id registered twice in one reload is still an error', () => {
    beginHotReload();
    register({ id: 'CartPole-v1', factory: (kwargs, spec) => new CartPole(kwargs, spec) });
    expect(() => register({ id: 'CartPole-v1', factory: (kwargs, spec) => new CartPole(kwargs, spec) })).toThrow(/already registered/);
    endHotReload(false);
  });

  it('code that loads replaces what it registers again and drops the ids it no longer registers', () => {
    beginHotReload();
    register({ id: 'CartPole-v1', category: 'classic', factory: (kwargs, spec) => new DebugEnv(kwargs, spec), maxEpisodeSteps: 7 });
    register({ id: 'Test/New-v0', factory: (kwargs, spec) => new DebugEnv(kwargs, spec) });
    endHotReload(true);
    expect(registeredIds()).toEqual(['CartPole-v1', 'Test/New-v0']);
    expect(make('CartPole-v1').spec.maxEpisodeSteps).toBe(7);
    expect(() => register({ id: 'Test/New-v0', factory: (kwargs, spec) => new DebugEnv(kwargs, spec) })).toThrow(/already registered/);
  });
});
