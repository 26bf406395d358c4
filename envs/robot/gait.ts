/**
 * A reference gait and the controller that walks the robot with it: joint trajectories of normal walking
 * (hip, knee, ankle over one gait cycle) tracked by PD drives, stepping on foot contact and placing the swing
 * foot by the hull's offset and speed over the stance foot, as in SIMBICON (Yin, Loken & van de Panne,
 * "SIMBICON: Simple Biped Locomotion Control", SIGGRAPH 2007, https://doi.org/10.1145/1275808.1276509).
 * It does not balance the hull by itself: AmpFootProsthesis-v0 walks it in a test rig (`rig.ts`) that holds
 * the hull level and guides it forward softly, as prostheses are tested on an instrumented walkway.
 *
 * The trajectories are keypoints read off the sagittal joint angles of normal walking in Winter,
 * "Biomechanics and Motor Control of Human Movement" (4th ed., 2009, appendix A), smoothed by periodic
 * Catmull–Rom interpolation. Phase 0 is heel strike; stance lasts until toe-off near 0.6. Angles follow the
 * walker's conventions: hip flexion +, knee flexion −, ankle dorsiflexion +.
 */
import { wrapAngle } from './actuators.ts';
import { HEEL_FLAG, TOE_FLAG, contactFlag, type AmpFootSim } from './sim.ts';
import type { LegPose } from './walker.ts';
import { bodyX } from './world.ts';

/** Duration of one gait cycle (s): about 109 steps per minute. */
export const GAIT_PERIOD = 1.1;
/** Phase at which the reference foot leaves the ground. */
export const TOE_OFF_PHASE = 0.6;

type Keys = readonly (readonly [number, number])[];

/** Hip angle keypoints (phase, rad). */
const HIP_KEYS: Keys = [
  [0.0, 0.3],
  [0.1, 0.28],
  [0.3, 0.05],
  [0.5, -0.2],
  [0.6, -0.1],
  [0.68, 0.15],
  [0.8, 0.4],
  [0.9, 0.38],
];
/** Knee angle keypoints (phase, rad; flexion negative). */
const KNEE_KEYS: Keys = [
  [0.0, -0.05],
  [0.12, -0.15],
  [0.4, -0.05],
  [0.55, -0.4],
  [0.63, -0.9],
  [0.72, -1.2],
  [0.82, -0.9],
  [0.93, -0.15],
];
/** Ankle angle keypoints (phase, rad; dorsiflexion positive). */
const ANKLE_KEYS: Keys = [
  [0.0, 0.0],
  [0.08, -0.08],
  [0.45, 0.15],
  [0.6, -0.1],
  [0.66, 0.05],
  [0.75, 0.15],
  [0.9, 0.05],
];

/** Periodic Catmull–Rom interpolation of keypoints at `phase` in [0, 1). */
function interpolate(keys: Keys, phase: number): number {
  const n = keys.length;
  let i = n - 1;
  for (let k = 0; k < n; k++) {
    if (keys[k][0] <= phase) i = k;
    else break;
  }
  const at = (k: number): readonly [number, number] => {
    const wrapped = ((k % n) + n) % n;
    const shift = Math.floor(k / n);
    return [keys[wrapped][0] + shift, keys[wrapped][1]];
  };
  const p0 = at(i - 1);
  const p1 = at(i);
  const p2 = at(i + 1);
  const p3 = at(i + 2);
  let x = phase;
  if (x < p1[0]) x += 1;
  const t = (x - p1[0]) / (p2[0] - p1[0]);
  // tangents scaled to the local spacing (non-uniform Catmull–Rom)
  const m1 = ((p2[1] - p0[1]) / (p2[0] - p0[0])) * (p2[0] - p1[0]);
  const m2 = ((p3[1] - p1[1]) / (p3[0] - p1[0])) * (p2[0] - p1[0]);
  const t2 = t * t;
  const t3 = t2 * t;
  return (2 * t3 - 3 * t2 + 1) * p1[1] + (t3 - 2 * t2 + t) * m1 + (-2 * t3 + 3 * t2) * p2[1] + (t3 - t2) * m2;
}

/** The reference joint angles `[hip, knee, ankle]` at `phase` (any real; taken modulo 1). */
export function referencePose(phase: number): LegPose {
  const p = phase - Math.floor(phase);
  return [interpolate(HIP_KEYS, p), interpolate(KNEE_KEYS, p), interpolate(ANKLE_KEYS, p)];
}

/** Gains and limits of the gait controller. */
export interface GaitGains {
  /** PD gains (N·m/rad, N·m·s/rad) of hip, knee and ankle. */
  readonly kp: readonly [number, number, number];
  readonly kd: readonly [number, number, number];
  /** SIMBICON foot placement: swing hip target += cd · (hull x − stance foot x) + cv · (hull vx − targetSpeed). */
  readonly cd: number;
  readonly cv: number;
  /** Walking speed the foot placement steers to (m/s). */
  readonly targetSpeed: number;
  /** Torque limit of every drive (N·m). */
  readonly maxTorque: number;
}

/** Gains that walk the 75 kg walker in the rig at about 1 m/s for 32 s (tests/envs/robot/prosthesis.test.ts). */
export const DEFAULT_GAIT_GAINS: GaitGains = {
  kp: [800, 800, 300],
  kd: [20, 10, 1],
  cd: 0.3,
  cv: 0.3,
  targetSpeed: 1.0,
  maxTorque: 300,
};

/**
 * Where the gait is: which leg is in stance (between its heel strike, phase 0, and mid-cycle, phase 0.5)
 * and for how long. Plain data. The other leg goes through push-off, swing and landing meanwhile (phases
 * 0.5 … 1). A step ends when the swing foot touches down (SIMBICON's contact-triggered transition), not
 * earlier than `MIN_STEP` of the nominal half-cycle nor later than `MAX_STEP`; until then the swing leg holds
 * its landing pose.
 */
export interface GaitState {
  stance: number;
  stepTime: number;
}

/** A gait starting at heel strike of leg 0. */
export function createGait(): GaitState {
  return { stance: 0, stepTime: 0 };
}

const HALF = GAIT_PERIOD / 2;
const MIN_STEP = 0.7;
const MAX_STEP = 1.4;

/** Progress s in [0, 1] through the current step. */
function stepProgress(gait: GaitState): number {
  return Math.min(1, gait.stepTime / HALF);
}

/** The gait phase of leg i (in [0, 1)). */
export function legPhase(gait: GaitState, leg: number): number {
  const s = 0.5 * stepProgress(gait);
  return leg === gait.stance ? s : (0.5 + s) % 1;
}

/** Advances the gait by `dt`; switches stance when the swing foot touches the ground late enough in the step. */
export function advanceGait(gait: GaitState, sim: AmpFootSim, dt: number): void {
  gait.stepTime += dt;
  const swing = 1 - gait.stance;
  const touched = sim.contacts[contactFlag(swing, HEEL_FLAG)] === 1 || sim.contacts[contactFlag(swing, TOE_FLAG)] === 1;
  const s = gait.stepTime / HALF;
  if ((touched && s >= MIN_STEP) || s >= MAX_STEP) {
    gait.stance = swing;
    gait.stepTime = 0;
  }
}

const clamp = (x: number, limit: number): number => (x > limit ? limit : x < -limit ? -limit : x);

/**
 * Drive torques (N·m, observation order) that track the reference gait, writing into `out`. Ankles with an
 * AMP-Foot get 0 (the foot's own commands act there).
 */
export function gaitTorques(sim: AmpFootSim, gait: GaitState, gains: GaitGains, out: Float64Array): Float64Array {
  const hull = sim.walker.hull;
  const hullAngle = wrapAngle(hull.angle);
  const stance = gait.stance;
  const swing = 1 - stance;
  for (let i = 0; i < 2; i++) {
    const phase = legPhase(gait, i);
    const ref = referencePose(phase);
    for (let j = 0; j < 3; j++) {
      let target = ref[j];
      if (j === 0) {
        // SIMBICON foot placement, faded in after toe-off
        if (i === swing) {
          const fade = Math.min(1, Math.max(0, (phase - TOE_OFF_PHASE) / 0.1));
          target += fade * (gains.cd * (bodyX(hull) - bodyX(sim.walker.legs[stance].foot)) + gains.cv * (sim.vx[0] - gains.targetSpeed));
        }
        // hip targets are angles of the thigh in the world; the hip joint measures them from the hull
        target -= hullAngle;
      }
      const k = 3 * i + j;
      out[k] = j === 2 && sim.ampFoot[i] ? 0 : clamp(gains.kp[j] * (target - sim.q[k]) - gains.kd[j] * sim.qd[k], gains.maxTorque);
    }
  }
  return out;
}
