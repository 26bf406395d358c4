import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { EnvError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertEnv, checkEnv, formatReport } from '../../src/gym/check-env.ts';
import { bareSpec, seedEnv, type Env, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { registeredIds } from '../../src/gym/registry.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';

describe('checkEnv over every registered id', () => {
  it.each(registeredIds())('%s passes every check', (id) => {
    const report = checkEnv(id);
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThanOrEqual(13);
  });
});

/** A small env with switchable defects, to show each check can fail. */
class FlawedEnv implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace = box(-1, 1, { shape: [2] });
  readonly actionSpace: DiscreteSpace = discrete(2);
  readonly spec = bareSpec('Test/Flawed-v0', { maxEpisodeSteps: 5 });
  readonly actionRng = new Rng(1);
  readonly unwrapped = this;
  private readonly rng = new Rng(0);
  private t = 0;
  private started = false;
  private readonly buffer = new Float32Array(2);
  constructor(private readonly flaw: string) {}
  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined && this.flaw !== 'ignores-seed') {
      if (this.flaw === 'unseeded-actions') this.rng.seed(opts.seed);
      else seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    }
    this.t = 0;
    this.started = true;
    const obs = this.flaw === 'reused-buffer' ? this.buffer : new Float32Array(2);
    obs[0] = this.rng.uniform(-0.5, 0.5);
    return { obs, info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    if (this.flaw !== 'no-validation') {
      if (!this.started) throw new EnvError(this.spec.id, 'step before reset');
      if (action !== 0 && action !== 1) throw new EnvError(this.spec.id, `bad action ${action}`);
    }
    this.t++;
    const obs = this.flaw === 'reused-buffer' ? this.buffer : new Float32Array(2);
    obs[0] = this.flaw === 'escapes' ? 5 : 0.1 * action;
    const reward = this.flaw === 'nan-reward' ? Number.NaN : 1;
    const terminated = this.t >= 5;
    if (terminated && this.flaw !== 'no-validation') this.started = false;
    return { obs, reward, terminated, truncated: false, info: {} };
  }
  render(): Scene {
    const shapes = [{ id: 'dot', kind: 'circle' as const, x: 0, y: 0, angle: 0, radius: 1, fill: '#ff0000' }];
    return { bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, shapes: this.flaw === 'duplicate-ids' ? [...shapes, ...shapes] : shapes };
  }
  close(): void {}
}

describe('checkEnv catches defects', () => {
  const failed = (flaw: string): string[] =>
    checkEnv(() => new FlawedEnv(flaw))
      .checks.filter((c) => c.status === 'fail')
      .map((c) => c.name);

  it('a clean FlawedEnv passes', () => {
    expect(failed('none')).toEqual([]);
  });
  it.each([
    ['ignores-seed', 'reset(seed) is deterministic'],
    ['unseeded-actions', 'rollouts of 200 steps are deterministic'],
    ['nan-reward', 'rewards are finite'],
    ['escapes', 'observations stay in the observation space'],
    ['reused-buffer', 'observations are fresh values'],
    ['no-validation', 'invalid actions throw EnvError'],
    ['no-validation', 'step before reset throws EnvError'],
    ['no-validation', 'step after the episode ended throws EnvError'],
    ['duplicate-ids', 'render() returns a valid Scene'],
  ])('%s fails "%s"', (flaw, check) => {
    expect(failed(flaw).some((name) => name.includes(check))).toBe(true);
  });

  it('assertEnv throws an EnvError listing the failures; formatReport marks them', () => {
    expect(() => assertEnv(() => new FlawedEnv('nan-reward'))).toThrow(/Test\/Flawed-v0: failed \d+ env check/);
    const text = formatReport(checkEnv(() => new FlawedEnv('nan-reward')));
    expect(text).toMatch(/✗ rewards are finite/);
    expect(text).toMatch(/checks failed/);
  });

  it('an env that cannot be built gives a one-check failing report', () => {
    const report = checkEnv('Nope-v0');
    expect(report.ok).toBe(false);
    expect(report.checks[0].message).toMatch(/not registered/);
  });
});
