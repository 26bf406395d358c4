/**
 * The test rig of AmpFootProsthesis-v0: a boom that holds the hull level and a carriage that guides it
 * forward at walking speed through a soft spring, like the harness and instrumented walkway prostheses are
 * evaluated on. The reference-gait controller (`gait.ts`) tracks joint trajectories but does not balance the
 * hull; the rig does, so an episode measures the prosthesis, not the balance controller.
 *
 * The carriage spring is soft (a 10 cm lag draws 30 N, 4 % of body weight), so the walker's speed still
 * follows its own propulsion; the rig's positive work on the walker (`assistWork`) says how much push the
 * legs did not provide.
 */
import type { AmpFootSim } from './sim.ts';
import { START_X } from './terrain.ts';
import { addForceAt, addTorque, bodyX, bodyY } from './world.ts';

/** Stiffness and damping of the boom holding the hull level (N·m/rad, N·m·s/rad). */
export const BOOM_STIFFNESS = 2000;
export const BOOM_DAMPING = 200;
/** Stiffness and damping of the carriage spring (N/m, N·s/m). */
export const CARRIAGE_STIFFNESS = 300;
export const CARRIAGE_DAMPING = 90;
/** Carriage speed (m/s). */
export const CARRIAGE_SPEED = 1.0;

/** Where the carriage is and what it has done this episode; plain data. */
export interface RigState {
  /** Carriage position (m). */
  carriageX: number;
  /** Positive work of the carriage on the walker (J). */
  assistWork: number;
  /** Negative work (J, as a positive number): the carriage held the walker back. */
  brakeWork: number;
}

/** A rig with its carriage at the start. */
export function createRig(): RigState {
  return { carriageX: START_X, assistWork: 0, brakeWork: 0 };
}

/** Applies the boom torque and carriage force to the hull for the next sub-step of `dt`, and advances the carriage. */
export function applyRig(rig: RigState, sim: AmpFootSim, dt: number): void {
  const hull = sim.walker.hull;
  addTorque(hull, -BOOM_STIFFNESS * hull.angle - BOOM_DAMPING * sim.omega[0]);
  const x = bodyX(hull);
  const fx = -CARRIAGE_STIFFNESS * (x - rig.carriageX) - CARRIAGE_DAMPING * (sim.vx[0] - CARRIAGE_SPEED);
  addForceAt(hull, x, bodyY(hull), fx, 0);
  const work = fx * sim.vx[0] * dt;
  if (work > 0) rig.assistWork += work;
  else rig.brakeWork -= work;
  rig.carriageX += CARRIAGE_SPEED * dt;
}
