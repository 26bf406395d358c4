/**
 * The AMP-Foot envs as envs: registration, conformance (checkEnv), bad input, reward and termination,
 * terrain and lidar, info metrics, and the scene.
 */
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { AmpFootWalker, ENERGY_COST_PER_J, PROGRESS_REWARD_PER_M, UPRIGHT_WEIGHT } from '../../../envs/robot/amp-foot-walker.ts';
import { FALL_REWARD, MIN_HULL_HEIGHT } from '../../../envs/robot/common.ts';
import { bodyY } from '../../../envs/robot/world.ts';
import { AmpFootProsthesis } from '../../../envs/robot/amp-foot-prosthesis.ts';
import { LIDAR_RANGE } from '../../../envs/robot/sim.ts';
import { FINISH_X, START_PAD_M, START_X, flatTerrain, raycastTerrain, roughTerrain, terrainHeight } from '../../../envs/robot/terrain.ts';
import { ConfigError, EnvError } from '../../../src/core/errors.ts';
import { Rng } from '../../../src/core/rng.ts';
import { checkEnv, formatReport } from '../../../src/gym/check-env.ts';
import { bareSpec } from '../../../src/gym/env.ts';
import { make } from '../../../src/gym/registry.ts';
import { explainInvalidScene, type Shape } from '../../../src/gym/scene.ts';

const IDS = ['AmpFootWalker-v0', 'AmpFootWalkerRough-v0', 'AmpFootProsthesis-v0', 'AmpFootProsthesis-v1'] as const;

describe('registration', () => {
  it('registers the ids with BipedalWalker-v3 episode length', () => {
    const walker = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    const rough = make<Float32Array, Float32Array>('AmpFootWalkerRough-v0');
    const prosthesis = make<Float32Array, Float32Array>('AmpFootProsthesis-v0');
    expect([walker.spec.maxEpisodeSteps, walker.spec.rewardThreshold]).toEqual([1600, 300]);
    expect([rough.spec.maxEpisodeSteps, rough.spec.rewardThreshold, rough.spec.kwargs.terrainDifficulty]).toEqual([1600, 300, 1]);
    expect([prosthesis.spec.maxEpisodeSteps, prosthesis.spec.rewardThreshold]).toEqual([1600, null]);
    expect(walker.observationSpace.kind === 'box' && walker.observationSpace.shape).toEqual([38]);
    expect(walker.actionSpace.kind === 'box' && walker.actionSpace.shape).toEqual([8]);
    expect(prosthesis.observationSpace.kind === 'box' && prosthesis.observationSpace.shape).toEqual([40]);
    expect(prosthesis.actionSpace.kind === 'box' && prosthesis.actionSpace.shape).toEqual([2]);
    const v1 = make<Float32Array, Float32Array>('AmpFootProsthesis-v1');
    expect([v1.spec.maxEpisodeSteps, v1.spec.rewardThreshold, (v1.unwrapped as AmpFootProsthesis).version, (prosthesis.unwrapped as AmpFootProsthesis).version]).toEqual([1600, null, 1, 0]);
  });
});

describe('checkEnv', () => {
  it.each(IDS)('%s passes every check', (id) => {
    const report = checkEnv(id);
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
  });

  it.each([{ lockEnabled: false }, { renderLidar: true, terrainDifficulty: 0.3 }, { bodyMass: 60, springStiffness: 250, motorPowerLimit: 100, maxAnkleTorque: 90 }])(
    'AmpFootWalker with kwargs %j passes every check',
    (kwargs) => {
      const report = checkEnv(() => new AmpFootWalker(kwargs, bareSpec('AmpFootWalker-v0', { maxEpisodeSteps: 1600, kwargs })));
      expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
    },
  );
});

describe('bad use', () => {
  it.each(IDS)('%s rejects bad actions with an EnvError naming the env and the space', (id) => {
    const env = make<unknown, unknown>(id, { disableEnvChecker: true });
    expect(() => env.step(new Float32Array(8))).toThrow(EnvError);
    env.reset({ seed: 0 });
    const n = id.startsWith('AmpFootProsthesis') ? 2 : 8;
    const bad = [Float32Array.of(...new Array<number>(n).fill(Number.NaN)), new Float32Array(n + 1), Float32Array.from({ length: n }, (_, i) => (i === 0 ? 1.5 : 0)), new Array<number>(n).fill(0), 0];
    for (const action of bad) {
      expect(() => env.step(action)).toThrow(EnvError);
      expect(() => env.step(action)).toThrow(new RegExp(`${id}.*Box`));
    }
  });

  it('rejects bad kwargs with a ConfigError', () => {
    expect(() => new AmpFootWalker({ terrainDifficulty: 2 })).toThrow(ConfigError);
    expect(() => new AmpFootWalker({ bodyMass: -1 })).toThrow(/bodyMass/);
    expect(() => new AmpFootWalker({ lockEnabled: 'yes' })).toThrow(ConfigError);
    expect(() => new AmpFootProsthesis({ gravity: 3 })).toThrow(/unknown kwarg "gravity"/);
  });
});

describe('reward and termination', () => {
  it('rewards the change of 10·x − 5·|hull angle| minus 0.01 per joule', () => {
    const env = new AmpFootWalker();
    env.reset({ seed: 2 });
    const rng = new Rng(4);
    for (let t = 0; t < 30; t++) {
      const shaping = (): number => PROGRESS_REWARD_PER_M * env.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(env.sim.walker.hull.angle);
      const before = shaping();
      const r = env.step(Float32Array.from({ length: 8 }, () => rng.uniform(-0.3, 0.3)));
      if (r.terminated) break;
      expect(r.reward).toBeCloseTo(shaping() - before - ENERGY_COST_PER_J * env.sim.stepEnergy, 9);
    }
  });

  it('energyCostWeight scales the energy term and nothing else; a bad weight is refused', () => {
    const rewards = (kwargs: Record<string, unknown>): number[] => {
      const env = new AmpFootWalker(kwargs);
      env.reset({ seed: 3 });
      const rng = new Rng(5);
      const out: number[] = [];
      for (let t = 0; t < 20; t++) {
        const before = PROGRESS_REWARD_PER_M * env.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(env.sim.walker.hull.angle);
        const r = env.step(Float32Array.from({ length: 8 }, () => rng.uniform(-0.3, 0.3)));
        out.push(r.reward - (PROGRESS_REWARD_PER_M * env.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(env.sim.walker.hull.angle) - before), env.sim.stepEnergy);
      }
      return out;
    };
    const base = rewards({}), zero = rewards({ energyCostWeight: 0 }), triple = rewards({ energyCostWeight: 0.03 });
    for (let t = 0; t < base.length; t += 2) {
      expect(zero[t + 1]).toBe(base[t + 1]); // the same motion: the weight changes the reward only
      expect(base[t]).toBeCloseTo(-0.01 * base[t + 1], 12);
      expect(zero[t]).toBeCloseTo(0, 12);
      expect(triple[t]).toBeCloseTo(-0.03 * base[t + 1], 12);
    }
    expect(() => new AmpFootWalker({ energyCostWeight: -0.01 })).toThrow(/energyCostWeight.*≥ 0.*received -0.01/);
  });

  it('control "pd": hip and knee actions are target angles that PD drives hold; the reward and the energy count are the same', () => {
    const env = new AmpFootWalker({ control: 'pd' });
    env.reset({ seed: 2 });
    const action = new Float32Array(8);
    action[0] = 0.4 / 1.3; // leg 0's hip to 0.4 rad (flexed), its knee to −0.6 rad; the other leg straight
    action[1] = -0.3;
    for (let t = 0; t < 15; t++) {
      const before = PROGRESS_REWARD_PER_M * env.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(env.sim.walker.hull.angle);
      const r = env.step(action);
      expect(r.terminated).toBe(false);
      expect(r.reward).toBeCloseTo(PROGRESS_REWARD_PER_M * env.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(env.sim.walker.hull.angle) - before - ENERGY_COST_PER_J * env.sim.stepEnergy, 9);
    }
    const q = env.sim.q; // observation order: hip, knee, ankle of leg 0, then of leg 1
    expect(Math.abs(q[0] - 0.4)).toBeLessThan(0.1);
    expect(Math.abs(q[1] + 0.6)).toBeLessThan(0.1);
    expect(Math.abs(q[3])).toBeLessThan(0.1);
    expect(Math.abs(q[4])).toBeLessThan(0.1);
    // under torque control the same action is a torque: the hip flexes to its stop, the knee folds
    const torque = new AmpFootWalker();
    torque.reset({ seed: 2 });
    for (let t = 0; t < 15; t++) torque.step(action);
    expect(Math.abs(torque.sim.q[0] - 0.4)).toBeGreaterThan(0.2);
    expect(() => new AmpFootWalker({ control: 'position' })).toThrow(/kwarg "control" must be "torque".*or "pd".*received "position"/);
  });

  it('assist: a training hand holds the hull upright, draws it forward and carries some weight, fading with the curriculum; none once it is done', () => {
    const run = (kwargs: Record<string, unknown>, progress: number): { x: number; angle: number; energy: number[]; rewards: number[] } => {
      const env = new AmpFootWalker(kwargs);
      env.curriculumProgress = progress;
      env.reset({ seed: 4 });
      const rng = new Rng(6);
      let angle = 0;
      const energy: number[] = [], rewards: number[] = [];
      for (let t = 0; t < 30; t++) {
        const r = env.step(Float32Array.from({ length: 8 }, () => rng.uniform(-0.3, 0.3)));
        angle = Math.max(angle, Math.abs(env.sim.walker.hull.angle));
        energy.push(env.sim.stepEnergy);
        rewards.push(r.reward);
        if (r.terminated) break;
      }
      return { x: env.sim.hullX(), angle, energy, rewards };
    };
    const alone = run({}, 0), helped = run({ assist: 1 }, 0), half = run({ assist: 1 }, 0.5), done = run({ assist: 1 }, 1);
    expect(helped.angle).toBeLessThan(0.5 * alone.angle);
    expect(helped.x).toBeGreaterThan(alone.x + 0.3);
    expect(half.x).toBeGreaterThan(alone.x);
    expect(half.x).toBeLessThan(helped.x);
    // at the curriculum's end (and in every env no trainer drives) the assistance is gone: the same trajectory to the bit
    const plain = run({}, 1);
    expect(done.rewards).toEqual(plain.rewards);
    expect(done.energy).toEqual(plain.energy);
    expect(() => new AmpFootWalker({ assist: -1 })).toThrow(/kwarg "assist" must be ≥ 0.*received -1/);
  });

  it('a fall (the hull touches the ground) gives −100 and ends the episode', () => {
    const env = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    env.reset({ seed: 0 });
    // limp legs: the walker folds up and lands on its hull
    let last = null;
    for (let t = 0; t < 500 && last?.terminated !== true; t++) last = env.step(new Float32Array(8));
    expect(last?.terminated).toBe(true);
    expect(last?.truncated).toBe(false);
    expect(last?.reward).toBe(FALL_REWARD);
    expect(() => env.step(new Float32Array(8))).toThrow(EnvError);
  });

  it('sinking below the minimum hull height is a fall, before the hull lands: sitting on folded legs is not a place to stay', () => {
    const env = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    env.reset({ seed: 0 });
    const walker = env.unwrapped as AmpFootWalker;
    let last = null;
    for (let t = 0; t < 500 && last?.terminated !== true; t++) last = env.step(new Float32Array(8));
    expect(last?.reward).toBe(FALL_REWARD);
    expect(walker.sim.hullContact).toBe(false);
    expect(bodyY(walker.sim.walker.hull)).toBeLessThan(MIN_HULL_HEIGHT);
    expect(bodyY(walker.sim.walker.hull)).toBeGreaterThan(MIN_HULL_HEIGHT - 0.1);
  });

  it('reports the episode metrics in info', () => {
    const env = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    const { info } = env.reset({ seed: 0 });
    expect(info).toMatchObject({ pushOffWork: 0, motorEnergy: 0, jointEnergy: 0, peakAnkleTorque: 0, peakAnklePower: 0, peakPowerRatio: 0, costOfTransport: null });
    const r = env.step(Float32Array.of(0.5, 0.5, 1, 1, -0.5, 0.5, 1, 1));
    for (const key of ['distance', 'pushOffWork', 'motorEnergy', 'jointEnergy', 'peakAnkleTorque', 'peakAnklePower', 'peakPowerRatio']) {
      expect(Number.isFinite(r.info[key]), key).toBe(true);
    }
    expect(r.info.motorEnergy as number).toBeGreaterThan(0);
    expect(r.info.jointEnergy as number).toBeGreaterThan(0);
  });
});

describe('terrain and lidar', () => {
  it('rough ground is seeded, flat on the start pad, and scales with difficulty', () => {
    const a = roughTerrain(new Rng(1), 1);
    expect(roughTerrain(new Rng(1), 1)).toEqual(a);
    expect(roughTerrain(new Rng(2), 1)).not.toEqual(a);
    expect(terrainHeight(a, START_X)).toBe(0);
    expect(terrainHeight(a, START_X + START_PAD_M - 0.01)).toBe(0);
    expect(a.xs[a.xs.length - 1]).toBeGreaterThan(FINISH_X);
    for (let i = 1; i < a.xs.length; i++) expect(a.xs[i]).toBeGreaterThan(a.xs[i - 1]);
    const flat = roughTerrain(new Rng(1), 0);
    expect(Math.max(...flat.ys.map(Math.abs))).toBe(0);
    const heights = (t: typeof a): number => Math.max(...t.ys.map(Math.abs));
    expect(heights(roughTerrain(new Rng(1), 0.5))).toBeCloseTo(heights(a) / 2, 9);
  });

  it('rays meet the polyline where geometry says', () => {
    const flat = flatTerrain();
    expect(raycastTerrain(flat, 0, 1, 0, -1)).toBeCloseTo(0.5, 12);
    expect(raycastTerrain(flat, 0, 1, 1, 0.5)).toBe(1);
    const step = { xs: Float64Array.of(-5, 1, 1.04, 10), ys: Float64Array.of(0, 0, 0.1, 0.1), finishX: 9 };
    expect(raycastTerrain(step, 0, 0.05, 2, 0.05)).toBeCloseTo(0.51, 9);
    expect(terrainHeight(step, 1.02)).toBeCloseTo(0.05, 12);
  });

  it('the straight-down ray reads the hull height on flat ground', () => {
    const env = new AmpFootWalker();
    const { obs } = env.reset({ seed: 0 });
    const hullY = env.sim.walker.hull.position.y / 100;
    expect(obs[28]).toBeCloseTo(hullY / LIDAR_RANGE, 5);
    for (let k = 28; k < 38; k++) expect(obs[k]).toBeLessThanOrEqual(1);
  });
});

describe('scene', () => {
  const shapeOf = (shapes: readonly Shape[], id: string): Shape => {
    const s = shapes.find((x) => x.id === id);
    if (s === undefined) throw new Error(`no shape ${id}`);
    return s;
  };

  it('draws segments, springs, locks, contacts and terrain with stable ids', () => {
    const env = new AmpFootWalker({ renderLidar: true });
    env.reset({ seed: 0 });
    const first = env.render();
    expect(explainInvalidScene(first)).toBeNull();
    const ids = first.shapes.map((s) => s.id);
    for (const id of ['ground', 'ground-line', 'hull', 'thigh-0', 'shank-1', 'foot-0', 'spring-0', 'lock-1', 'motor-0', 'heel-0', 'toe-1', 'lidar-0', 'lidar-9']) expect(ids).toContain(id);
    const open = shapeOf(first.shapes, 'lock-0');
    const spring0 = shapeOf(first.shapes, 'spring-0');
    // close the lock of leg 0 and load its push-off spring
    for (let t = 0; t < 15; t++) env.step(Float32Array.of(0, 0, 1, 1, 0, 0, 0, -1));
    const later = env.render();
    expect(later.shapes.map((s) => s.id)).toEqual(ids);
    expect(structuredClone(later)).toEqual(later);
    const closed = shapeOf(later.shapes, 'lock-0');
    expect(open.fill).toBeUndefined();
    expect(closed.fill).toBeDefined();
    const length = (s: Shape): number => (s.kind === 'polyline' ? Math.abs(s.points[s.points.length - 1] - s.points[1]) : 0);
    expect(length(shapeOf(later.shapes, 'spring-0'))).toBeLessThan(length(spring0));
  });

  it('hides lidar rays by default and highlights the prosthesis', () => {
    const walker = new AmpFootWalker();
    walker.reset({ seed: 0 });
    expect(walker.render().shapes.some((s) => s.id.startsWith('lidar'))).toBe(false);
    const prosthesis = new AmpFootProsthesis();
    prosthesis.reset({ seed: 0 });
    const scene = prosthesis.render();
    expect(explainInvalidScene(scene)).toBeNull();
    expect(shapeOf(scene.shapes, 'shank-0').fill).not.toEqual(shapeOf(scene.shapes, 'shank-1').fill);
  });
});
