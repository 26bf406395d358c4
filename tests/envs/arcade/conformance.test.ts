/**
 * Every arcade id in both observation modes: the conformance check, spaces, determinism by seed, errors for
 * bad actions and bad kwargs, keymaps, and Scene ids that stay stable for the browser renderer.
 */
import { describe, expect, it } from 'vitest';
import { makePong } from '../../../envs/arcade/pong.ts';
import { ConfigError, EnvError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { checkEnv, formatReport } from '../../../src/gym/check-env.ts';
import { make, spec } from '../../../src/gym/registry.ts';
import { contains } from '../../../src/gym/spaces.ts';
import type { Shape } from '../../../src/gym/scene.ts';
import { ARCADE_IDS, arcade } from './helpers.ts';

const MODES = [{ obs: 'features' }, { obs: 'pixels' }, { obs: 'pixels', rgb: true, screenWidth: 32, screenHeight: 24, frameStack: 2 }, { obs: 'pixels', screenWidth: 48, screenHeight: 48, supersample: 2, downscale: 'max' }] as const;

describe.each(ARCADE_IDS)('%s', (id) => {
  it.each(MODES)('passes checkEnv with kwargs %o', (kwargs) => {
    // 100-step rollouts in pixels mode: the check compares and bounds-checks every byte of every frame.
    const report = checkEnv(() => make<unknown, unknown>(id, { kwargs }), { steps: kwargs.obs === 'pixels' ? 100 : 200 });
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
  });

  it('repeats a random-action run exactly for the same seed (pixels, sticky actions included) and not for another', () => {
    const trace = (seed: number): string[] => {
      const env = make<Uint8Array, number>(id, { kwargs: { obs: 'pixels', screenWidth: 42, screenHeight: 42 } });
      const rng = new Rng(7);
      const rows = [String(env.reset({ seed }).obs.join(''))];
      for (let t = 0; t < 150; t++) {
        const r = env.step(rng.int(env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 1));
        rows.push(`${r.reward} ${r.terminated} ${r.obs.join('')}`);
        if (r.terminated || r.truncated) rows.push(String(env.reset().obs.join('')));
      }
      return rows;
    };
    const a = trace(11);
    expect(trace(11)).toEqual(a);
    expect(trace(12)).not.toEqual(a);
  });

  it('throws an EnvError naming the env for bad actions and bad call order', () => {
    for (const checked of [true, false]) {
      const env = make<unknown, unknown>(id, { disableEnvChecker: !checked });
      const n = env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 0;
      expect(() => env.step(0)).toThrow(EnvError);
      env.reset({ seed: 0 });
      for (const bad of [n, -1, 0.5, Number.NaN, Infinity, '1', null, undefined]) {
        expect(() => env.step(bad)).toThrow(EnvError);
        expect(() => env.step(bad)).toThrow(id);
      }
    }
  });

  it('rejects unknown and out-of-range kwargs with a ConfigError', () => {
    for (const kwargs of [{ speed: 2 }, { obs: 'rgb' }, { frameSkip: 0 }, { frameStack: 1.5 }, { repeatActionProbability: 1 }, { screenWidth: 0 }, { rgb: 'yes' }, { supersample: 0 }, { supersample: 2.5 }, { downscale: 'mean' }, { screenWidth: 1024, supersample: 8 }]) {
      expect(() => make(id, { kwargs }), JSON.stringify(kwargs)).toThrow(ConfigError);
    }
    expect(() => make(id, { kwargs: { speed: 2 } })).toThrow(/accepted: .*frameSkip/);
  });

  it('has pixel observations [4, 84, 84] uint8 by default, [k, 3, H, W] in RGB', () => {
    expect(make(id, { kwargs: { obs: 'pixels' } }).observationSpace).toMatchObject({ kind: 'box', shape: [4, 84, 84], dtype: 'uint8' });
    expect(make(id, { kwargs: { obs: 'pixels', rgb: true, screenWidth: 40, screenHeight: 30, frameStack: 2 } }).observationSpace).toMatchObject({ shape: [2, 3, 30, 40] });
    const features = make(id).observationSpace;
    expect(make(id, { kwargs: { frameStack: 3 } }).observationSpace).toMatchObject({ shape: [3, ...(features.kind === 'box' ? features.shape : [])] });
  });

  it('maps keys to every action, with 0 as the no-op', () => {
    const env = make(id);
    const keymap = env.spec.metadata.keymap;
    const n = env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 0;
    expect(keymap?.noop).toBe(0);
    const mapped = new Set(Object.values(keymap?.keys ?? {}));
    for (let a = 1; a < n; a++) expect(mapped.has(a), `action ${a}`).toBe(true);
  });

  it('keeps each shape id with one kind, colour and size across frames', () => {
    const { env } = arcade(id);
    const rng = new Rng(3);
    const seen = new Map<string, string>();
    const signature = (s: Shape): string => {
      const size = s.kind === 'rect' ? `${s.width}×${s.height}` : s.kind === 'circle' ? `r${s.radius}` : s.kind === 'text' ? `${s.size} ${s.align}` : '';
      return `${s.kind} ${s.fill} ${s.stroke} ${s.angle} ${size}`;
    };
    const changed: string[] = [];
    env.reset({ seed: 0 });
    for (let t = 0; t < 400; t++) {
      for (const s of env.render().shapes) {
        const sig = signature(s);
        if ((seen.get(s.id) ?? sig) !== sig) changed.push(`${s.id}: ${seen.get(s.id)} -> ${sig}`);
        seen.set(s.id, sig);
      }
      const r = env.step(rng.int(env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 1));
      if (r.terminated || r.truncated) env.reset();
    }
    expect(changed).toEqual([]);
    expect(seen.size).toBeGreaterThan(1);
  });
});

describe('registration', () => {
  it('sets the documented limits and thresholds, features by default', () => {
    const rows = ARCADE_IDS.map((id) => [id, spec(id).maxEpisodeSteps, spec(id).rewardThreshold, spec(id).kwargs.obs]);
    expect(rows).toEqual([
      ['Pong-v0', 10000, 10, 'features'],
      ['Breakout-v0', 10000, null, 'features'],
      ['Snake-v0', 1000, null, 'features'],
      ['Flappy-v0', 4000, 50, 'features'],
      ['Catch-v0', null, 0.9, 'features'],
    ]);
  });

  it('has features spaces of the documented shapes and bounds', () => {
    const shapes = ARCADE_IDS.map((id) => {
      const space = make(id).observationSpace;
      return space.kind === 'box' ? [space.shape, Math.min(...space.low), Math.max(...space.high)] : null;
    });
    expect(shapes).toEqual([
      [[6], -1, 1],
      [[115], -1, 1],
      [[3, 10, 10], 0, 1],
      [[6], -1, 1],
      [[3], 0, 1],
    ]);
  });

  it('keeps every features observation inside its space over 5,000 random steps', () => {
    for (const id of ARCADE_IDS) {
      const env = make(id);
      const rng = new Rng(5);
      let obs = env.reset({ seed: 5 }).obs;
      for (let t = 0; t < 5000; t++) {
        expect(contains(env.observationSpace, obs), `${id} at step ${t}`).toBe(true);
        const r = env.step(rng.int((env.actionSpace as { n: number }).n));
        obs = r.terminated || r.truncated ? env.reset().obs : r.obs;
      }
      env.close();
    }
  });

  it('builds directly from the env file without the registry', () => {
    const env = makePong({ obs: 'pixels' });
    expect(env.spec.id).toBe('Pong-v0');
    expect(env.reset({ seed: 1 }).obs).toBeInstanceOf(Uint8Array);
  });
});
