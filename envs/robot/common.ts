/**
 * What the AMP-Foot envs share: their kwargs, the robot parameters made from them, the walker's observation
 * (its table is in amp-foot-walker.ts), the episode metrics reported in `info`, and the action check.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { EnvMetadata, Info } from '../../src/gym/env.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import { M_MAX, pushOffDeflection, wrapAngle } from './actuators.ts';
import { HEEL_FLAG, LIDAR_RAYS, TOE_FLAG, contactFlag, type AmpFootSim, type RobotParams } from './sim.ts';
import { START_X, terrainHeight } from './terrain.ts';
import { GRAVITY, bodyY } from './world.ts';

/** Constructor arguments of the AMP-Foot envs. */
export interface AmpFootKwargs {
  /** Total body mass (kg); segment masses and hip/knee torques scale with it. */
  bodyMass: number;
  /** Force limit of each ankle motor's spindle, as an ankle torque (N·m). */
  maxAnkleTorque: number;
  /** Mechanical power limit of each ankle motor (W). */
  motorPowerLimit: number;
  /** Stiffness of the push-off spring (N·m/rad). */
  springStiffness: number;
  /** False: no motor and no lock, a passive spring foot. */
  lockEnabled: boolean;
  /** 0: flat ground; up to 1: seeded bumps, ramps and steps. */
  terrainDifficulty: number;
  /** Draw the lidar rays. */
  renderLidar: boolean;
}

/** Default kwargs of the AMP-Foot envs (AmpFootWalkerRough-v0 registers `terrainDifficulty: 1`). */
export const AMP_FOOT_DEFAULTS = {
  bodyMass: 75,
  maxAnkleTorque: 120,
  motorPowerLimit: 60,
  springStiffness: 400,
  lockEnabled: true,
  terrainDifficulty: 0,
  renderLidar: false,
} as const satisfies AmpFootKwargs;

/** Constructor arguments of the walkers: the AMP-Foot kwargs and the pushes. */
interface AmpFootWalkerKwargs extends AmpFootKwargs {
  /** Size of each horizontal push on the hull (N·s, forward or backward at random); 0: no pushes. */
  pushImpulse: number;
  /** Mean time between pushes (s): each gap is drawn uniformly from 0.5 to 1.5 times it. */
  pushInterval: number;
  /** Reward cost per joule of the motors' electrical energy (BipedalWalker-v3's torque cost, in joules). */
  energyCostWeight: number;
  /** What a hip or knee action means: `'torque'` (a fraction of the motor's torque) or `'pd'` (a target angle tracked by a PD law). */
  control: string;
  /** Strength of the training assistance at the curriculum's start (0: none); it fades with `curriculumProgress`. */
  assist: number;
}

/** Default kwargs of the walkers: no pushes. */
export const AMP_FOOT_WALKER_DEFAULTS = {
  ...AMP_FOOT_DEFAULTS,
  pushImpulse: 0,
  pushInterval: 2,
  energyCostWeight: 0.01,
  control: 'torque' as string,
  assist: 0,
} as const satisfies AmpFootWalkerKwargs;

/** Indices 0 … size − 1 with the blocks [first, first + block) and [first + block, first + 2·block) swapped. */
function swapBlocks(size: number, first: number, block: number): number[] {
  return Array.from({ length: size }, (_, i) => (i < first || i >= first + 2 * block ? i : i < first + block ? i + block : i - block));
}

/**
 * Walker metadata: the control rate; no keyboard walking, only a noop (limp legs, open locks) for `dojo render
 * --policy noop`; and the mirror symmetry: the two legs are alike and hang from the same hip, so swapping
 * their observation blocks (4 + 12·i …) and action blocks (4·i …) mirrors a state and an action.
 */
export const AMP_FOOT_METADATA: EnvMetadata = {
  renderFps: 50,
  keymap: { play: 'realtime', keys: {}, noop: [0, 0, 0, 0, 0, 0, 0, 0], legend: {}, noopLegend: 'limp legs, open locks' },
  mirror: { obs: swapBlocks(4 + 2 * 12 + LIDAR_RAYS, 4, 12), act: swapBlocks(8, 0, 4) },
};

/** Prosthesis metadata: hold Space (or ArrowDown) to load the spring with the lock closed; let go to release it. */
export const AMP_FOOT_PROSTHESIS_METADATA: EnvMetadata = { renderFps: 50, keymap: { play: 'realtime', keys: { ' ': [1, 1], ArrowDown: [1, 1] }, noop: [-1, -1], legend: { ' ': 'load the push-off spring, lock closed' }, noopLegend: 'motor back, lock open (push off)' } };

/** Reward of a fall. */
export const FALL_REWARD = -100;
/**
 * Below this height of the hull's centre above the ground (m; 1.01 m standing) the walker has collapsed:
 * a fall, like the hull touching the ground. Without it, sitting on the ground on folded legs is a
 * safe place to stay (MuJoCo's Walker2d ends its episodes by height for the same reason).
 */
export const MIN_HULL_HEIGHT = 0.55;

/** True when the walker has fallen: the hull touches the ground or has sunk below `MIN_HULL_HEIGHT`. */
export function hasFallen(sim: AmpFootSim): boolean {
  return sim.hullContact || bodyY(sim.walker.hull) - terrainHeight(sim.terrain, sim.hullX()) < MIN_HULL_HEIGHT;
}

/** Stiffness of the foot spring K_PF (N·m/rad). */
export const FOOT_STIFFNESS = 400;
/** Hip and knee torque at full action for a 75 kg body (N·m). */
export const MAX_JOINT_TORQUE = 150;
/** Stored-energy observation scale (J). */
const ENERGY_SCALE = 50;
/** Observation size. */
export const OBS_SIZE = 4 + 2 * 12 + LIDAR_RAYS;
/** Action size. */
export const ACT_SIZE = 8;

/** Checks the physical kwargs and turns them into robot parameters; a ConfigError names a bad value. */
export function robotParams(envId: string, args: AmpFootKwargs): RobotParams {
  const positive = (name: keyof AmpFootKwargs, value: number): void => {
    if (!(value > 0)) throw new ConfigError(`${envId}: kwarg "${name}" must be > 0, received ${value}`);
  };
  positive('bodyMass', args.bodyMass);
  positive('maxAnkleTorque', args.maxAnkleTorque);
  positive('motorPowerLimit', args.motorPowerLimit);
  positive('springStiffness', args.springStiffness);
  if (!(args.terrainDifficulty >= 0 && args.terrainDifficulty <= 1)) throw new ConfigError(`${envId}: kwarg "terrainDifficulty" must be in [0, 1], received ${args.terrainDifficulty}`);
  return {
    bodyMass: args.bodyMass,
    terrainDifficulty: args.terrainDifficulty,
    footStiffness: FOOT_STIFFNESS,
    springStiffness: args.springStiffness,
    motorPowerLimit: args.motorPowerLimit,
    maxAnkleTorque: args.maxAnkleTorque,
    lockEnabled: args.lockEnabled,
  };
}

/** The observation of `sim` (see the header table). */
export function observe(sim: AmpFootSim, lidar: Float64Array): Float32Array {
  const obs = new Float32Array(OBS_SIZE);
  const hull = sim.walker.hull;
  const [vx, vy] = sim.hullVelocity();
  obs[0] = wrapAngle(hull.angle);
  obs[1] = sim.omega[0] / 5;
  obs[2] = vx / 2;
  obs[3] = vy / 2;
  for (let i = 0; i < 2; i++) {
    const o = 4 + 12 * i;
    for (let j = 0; j < 3; j++) {
      obs[o + 2 * j] = sim.q[3 * i + j];
      obs[o + 2 * j + 1] = sim.qd[3 * i + j] / 10;
    }
    obs[o + 6] = sim.contacts[contactFlag(i, HEEL_FLAG)];
    obs[o + 7] = sim.contacts[contactFlag(i, TOE_FLAG)];
    const foot = sim.feet[i];
    obs[o + 8] = pushOffDeflection(foot);
    obs[o + 9] = foot.springEnergy / ENERGY_SCALE;
    obs[o + 10] = foot.locked ? 1 : 0;
    obs[o + 11] = foot.motorPos / M_MAX;
  }
  for (let k = 0; k < LIDAR_RAYS; k++) obs[28 + k] = lidar[k];
  return obs;
}

/** The observation space of the AMP-Foot walkers. */
export function walkerObservationSpace(): BoxSpace {
  const low = new Float32Array(OBS_SIZE).fill(-Infinity);
  const high = new Float32Array(OBS_SIZE).fill(Infinity);
  low[0] = -Math.PI;
  high[0] = Math.PI;
  for (let i = 0; i < 2; i++) {
    const o = 4 + 12 * i;
    for (const a of [o, o + 2, o + 4]) {
      low[a] = -Math.PI;
      high[a] = Math.PI;
    }
    for (const b of [o + 6, o + 7, o + 10, o + 11]) {
      low[b] = 0;
      high[b] = 1;
    }
    low[o + 9] = 0;
  }
  for (let k = 0; k < LIDAR_RAYS; k++) {
    low[28 + k] = 0;
    high[28 + k] = 1;
  }
  return box(low, high);
}

/** Episode metrics for `info`, over the ankles `legs` (energies and work summed, peaks the largest). */
export function episodeInfo(sim: AmpFootSim, legs: readonly number[]): Info {
  let pushOffWork = 0;
  let motorEnergy = 0;
  let peakAnkleTorque = 0;
  let peakAnklePower = 0;
  for (const i of legs) {
    const m = sim.ankleMetrics[i];
    pushOffWork += m.pushOffWork;
    motorEnergy += m.motorEnergy;
    peakAnkleTorque = Math.max(peakAnkleTorque, m.peakTorque);
    peakAnklePower = Math.max(peakAnklePower, m.peakPower);
  }
  const distance = sim.hullX() - START_X;
  const total = sim.jointEnergy + sim.ankleMetrics[0].motorEnergy + sim.ankleMetrics[1].motorEnergy;
  return {
    distance,
    pushOffWork,
    motorEnergy,
    jointEnergy: sim.jointEnergy,
    peakAnkleTorque,
    peakAnklePower,
    peakPowerRatio: peakAnklePower / sim.params.motorPowerLimit,
    costOfTransport: distance >= 0.5 ? total / (sim.params.bodyMass * GRAVITY * distance) : null,
  };
}

/** True when `action` is a Float32Array of `n` finite values in [−1, 1]. */
export function isUnitAction(action: unknown, n: number): action is Float32Array {
  if (!(action instanceof Float32Array) || action.length !== n) return false;
  for (let i = 0; i < n; i++) if (!(action[i] >= -1 && action[i] <= 1)) return false;
  return true;
}
