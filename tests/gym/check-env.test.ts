import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../envs/index.ts';
import { EnvError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertEnv, checkEnv, explainInvisibleScene, formatReport } from '../../src/gym/check-env.ts';
import { bareSpec, seedEnv, type Env, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { register, registeredIds, unregister } from '../../src/gym/registry.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';

describe('checkEnv over every registered id', () => {
  it.each(registeredIds())('%s passes every check', (id) => {
    const report = checkEnv(id);
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThanOrEqual(14);
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
    // a grid world's `MOVES[action].dx` without validation: a TypeError for every action outside the space
    if (this.flaw === 'indexes-moves') return this.move([{ dx: -1 }, { dx: 1 }][action as number].dx);
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
  private move(dx: number): StepResult<Float32Array> {
    this.t++;
    return { obs: Float32Array.of(0.1 * dx, 0), reward: 1, terminated: this.t >= 5, truncated: false, info: {} };
  }
  render(): Scene {
    const shapes = [{ id: 'dot', kind: 'circle' as const, x: 0, y: 0, angle: 0, radius: 1, fill: '#ff0000' }];
    // 'far-away': the shapes in other units than the bounds (a dot at 500 in bounds of ±1)
    if (this.flaw === 'far-away') return { bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, shapes: [{ ...shapes[0], x: 500 }] };
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
    ['far-away', 'render() draws something visible'],
    ['indexes-moves', 'invalid actions throw EnvError'],
  ])('%s fails "%s"', (flaw, check) => {
    expect(failed(flaw).some((name) => name.includes(check))).toBe(true);
  });

  const message = (flaw: string, check: string): string => checkEnv(() => new FlawedEnv(flaw)).checks.find((c) => c.name.includes(check))?.message ?? '(no such check)';

  it('an env that does not validate actions gets one message naming actionError, each distinct error once', () => {
    const text = message('indexes-moves', 'invalid actions throw EnvError');
    expect(text).toMatch(/^step\(\) does not reject 7 of 7 actions outside Discrete\(2\): /);
    expect(text.match(/TypeError/g)).toHaveLength(1);
    expect(text.match(/actionError/g)?.length).toBeGreaterThanOrEqual(1);
    expect(text).toContain('throw actionError(this.spec.id, this.actionSpace, action)');
    expect(message('no-validation', 'invalid actions throw EnvError')).toMatch(/2, -1, 0\.5, NaN, Infinity, "0", null were accepted\. Validate the action first/);
  });

  it('a reset that ignores the seed is told about seedEnv and this.rng; unseeded actions about actionRng', () => {
    const text = message('ignores-seed', 'reset(seed) is deterministic');
    expect(text).toMatch(/^reset\(\{ seed: 42 \}\) gave .* then .*\. When reset\(\) gets a seed, call `seedEnv\(this\.spec\.id, seed, this\.rng, this\.actionRng\)`/);
    expect(text).toContain('from `this.rng`');
    expect(message('unseeded-actions', 'rollouts of 200 steps')).toMatch(/this\.actionRng.*random actions are sampled from actionRng/);
  });

  it('a step before reset or after the end that is let through is told about assertCanStep', () => {
    expect(message('no-validation', 'step before reset')).toMatch(/did not throw\. Keep an `EpisodePhase` field and call `assertCanStep\(this, this\.phase, action\)` first in step\(\)/);
    expect(message('no-validation', 'step after the episode ended')).toContain('assertCanStep(this, this.phase, action)');
  });

  it('a scene whose shapes lie outside its bounds says how many pixels it drew and where the bounds are', () => {
    expect(message('far-away', 'render() draws something visible')).toBe(
      'only 0 of 7056 pixels differ from the background (default): put the shapes inside the scene\'s bounds x -1..1, y -1..1 (the same world units), and give them a fill or stroke colour other than the background',
    );
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

describe('the visibility rule (replaces "the colour of pixel (0, 0) covers more than 20 % of the frame")', () => {
  const cell = (i: number, j: number, fill: string) => ({ id: `cell-${i}-${j}`, kind: 'rect' as const, x: i + 0.5, y: j + 0.5, angle: 0, width: 1, height: 1, fill });

  it('a 5×5 grid that fills its whole frame passes (the old heuristic failed it: 1296 of 7056 pixels)', () => {
    const shapes = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) shapes.push(cell(i, j, i === 4 && j === 4 ? '#fde047' : '#e5e7eb'));
    shapes.push({ id: 'agent', kind: 'circle' as const, x: 0.5, y: 0.5, angle: 0, radius: 0.3, fill: '#2563eb' });
    expect(explainInvisibleScene({ bounds: { xMin: 0, xMax: 5, yMin: 0, yMax: 5 }, shapes })).toBeNull();
  });

  it('a frame that one shape covers in one colour fails and says so', () => {
    const scene = { bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, background: '#ffffff', shapes: [{ ...cell(0, 0, '#112233'), width: 3, height: 3 }] };
    expect(explainInvisibleScene(scene)).toBe("the whole frame is one colour (#112233): a shape covers all of the scene's bounds x 0..1, y 0..1; make the bounds larger than the world, or draw the agent in a colour of its own");
  });

  it('shapes in the background colour are invisible', () => {
    expect(explainInvisibleScene({ bounds: { xMin: 0, xMax: 5, yMin: 0, yMax: 5 }, background: '#ffffff', shapes: [cell(2, 2, '#ffffff')] })).toMatch(/^only 0 of 7056 pixels differ from the background #ffffff/);
  });
});

describe('the out-of-bounds observation warning', () => {
  afterEach(() => {
    unregister('Test/Escapes-v0');
    vi.restoreAllMocks();
  });

  it('is shown once per env id, though checkEnv and vector envs build many checked copies', () => {
    register({ id: 'Test/Escapes-v0', factory: () => new FlawedEnv('escapes'), maxEpisodeSteps: 5 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    checkEnv('Test/Escapes-v0');
    checkEnv('Test/Escapes-v0');
    const shown = warn.mock.calls.filter((args) => String(args[0]).startsWith('Test/Flawed-v0:'));
    expect(shown).toHaveLength(1);
    expect(String(shown[0][0])).toMatch(/not in the observation space Box.*\(warning only; shown once\)/);
  });
});
