/**
 * Scripted controllers for the AMP-Foot envs: the fixed-timing baseline that a learned prosthesis controller
 * is compared with (motor energy at the same speed), and an open-loop gait for AmpFootWalker-v0 that shows
 * what the actuators do.
 *
 * The fixed-timing AMP-Foot cycle follows the controller of the AMP-Foot 2.0 (Cherelle et al., IEEE TNSRE
 * 22(1), 2014): close the lock once the foot is flat after heel strike, load the push-off spring with the
 * motor through mid-stance, release the lock at a fixed phase of late stance, and unload the motor during
 * swing so the foot lands relaxed.
 */
import { GAIT_PERIOD } from './gait.ts';

/** Gait phase (heel strike = 0) at which the lock closes. */
export const LOCK_PHASE = 0.05;
/** Phase until which the motor loads the push-off spring. */
export const LOAD_END_PHASE = 0.45;
/** Phase at which the baseline releases the lock (late stance; toe-off is near 0.6). */
export const RELEASE_PHASE = 0.5;
/** Phases during which the motor unloads (swing). */
export const UNLOAD_START_PHASE = 0.65;

/** The fixed-timing AMP-Foot commands `[motor rate, lock]` (each in [−1, 1]) at gait phase `phase` in [0, 1). */
export function fixedTimingCommands(phase: number, releasePhase = RELEASE_PHASE): [number, number] {
  const locked = phase >= LOCK_PHASE && phase < releasePhase;
  const rate = phase >= LOCK_PHASE && phase < LOAD_END_PHASE ? 1 : phase >= UNLOAD_START_PHASE ? -1 : 0;
  return [rate, locked ? 1 : -1];
}

/** The gait phase in [0, 1) from AmpFootProsthesis-v0's observation (its last two entries are sin and cos of 2π·phase). */
export function phaseFromObservation(obs: Float32Array): number {
  const s = obs[obs.length - 2];
  const c = obs[obs.length - 1];
  const p = Math.atan2(s, c) / (2 * Math.PI);
  return p < 0 ? p + 1 : p;
}

/** The baseline policy of AmpFootProsthesis-v0: fixed-timing AMP-Foot commands from the observed gait phase. */
export function baselineProsthesisAction(obs: Float32Array, releasePhase = RELEASE_PHASE): Float32Array {
  const [rate, lock] = fixedTimingCommands(phaseFromObservation(obs), releasePhase);
  return Float32Array.of(rate, lock);
}

/**
 * An open-loop gait for AmpFootWalker-v0 at time `t` (s): hips and knees driven by fixed torque profiles
 * half a cycle apart, and each AMP-Foot run through the fixed-timing cycle. It does not balance and falls
 * within a few steps; it is for watching and testing the actuators.
 */
export function scriptedWalkerAction(t: number): Float32Array {
  const action = new Float32Array(8);
  for (let i = 0; i < 2; i++) {
    const p = (t / GAIT_PERIOD + 0.5 * i) % 1;
    const stance = p < 0.55;
    action[4 * i] = stance ? -0.35 : p < 0.85 ? 0.6 : 0;
    action[4 * i + 1] = p >= 0.55 && p < 0.7 ? -0.5 : p >= 0.8 && p < 0.95 ? 0.4 : 0.1;
    const [rate, lock] = fixedTimingCommands(p);
    action[4 * i + 2] = rate;
    action[4 * i + 3] = lock;
  }
  return action;
}
