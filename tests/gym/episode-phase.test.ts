/**
 * The episode guard of the Env contract: `assertCanStep` lets a step through only while the episode is
 * running, and every registered env uses it, so a raw env (no checker, no time limit) rejects a step before
 * its first reset and after termination with an EnvError that names the env id, the action and the space.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { EnvError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertCanStep, bareSpec, type EpisodePhase } from '../../src/gym/env.ts';
import { make, registeredIds } from '../../src/gym/registry.ts';
import { describeSpace, discrete, sample } from '../../src/gym/spaces.ts';

const RAW = { disableEnvChecker: true, maxEpisodeSteps: null } as const;

/** What to change when a registered env breaks the rule (envs/README.md, "Adding an env"). */
const RULE = 'keep an `EpisodePhase` field (needs-reset → running → terminated) and call `assertCanStep(this, this.phase, action)` first in step() (src/gym/env.ts); it throws the EnvError these tests expect';

function caught(fn: () => unknown, what: string): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${what} did not throw: ${RULE}`);
}

describe('assertCanStep', () => {
  const env = { spec: bareSpec('Toy-v3'), actionSpace: discrete(4) };

  it('lets a running episode step', () => {
    expect(() => assertCanStep(env, 'running', 2)).not.toThrow();
  });

  it.each([
    ['needs-reset', /before reset\(\)/],
    ['terminated', /after the episode ended \(terminated = true\) without reset\(\)/],
  ] as const)('in phase %s throws an EnvError naming the env, the action, the space and the fix', (phase: EpisodePhase, when) => {
    const err = caught(() => assertCanStep(env, phase, 7), `assertCanStep in phase ${phase}`);
    expect(err).toBeInstanceOf(EnvError);
    expect(err.message).toMatch('Toy-v3');
    expect(err.message).toMatch('step(7)');
    expect(err.message).toMatch(when);
    expect(err.message).toMatch('Call reset() first');
    expect(err.message).toMatch(describeSpace(env.actionSpace));
  });
});

describe.each(registeredIds())('%s (raw env) guards its episode', (id) => {
  it('rejects a step before the first reset', () => {
    const env = make<unknown, unknown>(id, RAW);
    const action = sample(env.actionSpace, env.actionRng);
    const err = caught(() => env.step(action), `${id}: a step before the first reset`);
    expect(err, `${id}: a step before reset threw ${err.name}: ${err.message}; ${RULE}`).toBeInstanceOf(EnvError);
    expect(err.message, RULE).toMatch(id);
    expect(err.message, RULE).toMatch(/before reset\(\)/);
    expect(err.message, RULE).toMatch(describeSpace(env.actionSpace));
    env.close();
  });

  it('rejects a step after termination, and steps again after reset', () => {
    const env = make<unknown, unknown>(id, RAW);
    const rng = new Rng(5);
    let mask = env.reset({ seed: 3 }).mask;
    let terminated = false;
    for (let t = 0; t < 300 && !terminated; t++) {
      const r = env.step(sample(env.actionSpace, rng, mask));
      terminated = r.terminated;
      mask = r.mask;
    }
    if (terminated) {
      const err = caught(() => env.step(sample(env.actionSpace, rng)), `${id}: a step after termination`);
      expect(err, `${id}: a step after termination threw ${err.name}: ${err.message}; ${RULE}`).toBeInstanceOf(EnvError);
      expect(err.message, RULE).toMatch(id);
      expect(err.message, RULE).toMatch(/terminated = true/);
    }
    mask = env.reset().mask;
    expect(() => env.step(sample(env.actionSpace, rng, mask)), `${id}: reset() must start a new episode (set the phase to 'running')`).not.toThrow();
    env.close();
  });
});
