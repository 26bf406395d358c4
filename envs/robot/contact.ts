/**
 * Ground contact of the robot: penalty springs with Coulomb friction at a few points of the feet, knees and
 * hull, against the terrain polyline (see world.ts for why matter's own contacts are not used).
 *
 * Each contact point that is below the ground feels a normal force `F_n = max(0, k_n δ − damping)` (δ the
 * depth along the ground normal) and a tangential force from an elastic stick–slip friction model: a spring
 * `k_t` from the point to an anchor set where the point touched down, with damping, capped at `μ F_n`; while
 * the cap binds the point slides and the anchor follows it (the bristle model of Simbody's and OpenSim's
 * contact, Sherman, Seth & Delp, Procedia IUTAM 2, 2011, https://doi.org/10.1016/j.piutam.2011.04.023).
 *
 * Damping is split by the two ways a contact point moves. Its body's translation is tied by the pin joints
 * to the rest of the walker (a stance leg carries the whole body), so it is damped with the full
 * `CONTACT_DAMPING` / `FRICTION_DAMPING`, applied at the body's centre so it puts no torque on it. Its body's
 * rotation about its centre is light (a foot rocking on heel and toe), so that part is damped at the point,
 * at most at `I / (6 r⊥² dt)`: the three points of a foot together never reverse its rotation within a step.
 *
 * Forces are computed from the state at the start of a sub-step and applied through matter's force and
 * torque accumulators, so the contact is deterministic and costs a few multiplications per point.
 */
import type Matter from 'matter-js';
import { terrainHeight, terrainSlope, type Terrain } from './terrain.ts';
import { UNITS_PER_M, addForceAt, inertiaOf, localToWorld } from './world.ts';

/** Normal stiffness (N/m per point): a 75 kg walker standing on two heels sinks about 5 mm. */
export const CONTACT_STIFFNESS = 50_000;
/** Normal damping of the body's translation (N·s/m per point; a foot has three points). */
export const CONTACT_DAMPING = 600;
/** Tangential (stick) stiffness (N/m per point). */
export const FRICTION_STIFFNESS = 30_000;
/** Tangential damping of the body's translation (N·s/m per point). */
export const FRICTION_DAMPING = 300;
/** Coulomb friction coefficient (rubber sole on ground). */
export const FRICTION_COEFFICIENT = 1.0;

/** One contact point on a body: plain data, updated in place. */
export interface ContactPoint {
  /** Index of the body in the walker's body list. */
  readonly body: number;
  /** Position in the body's frame (m). */
  readonly local: readonly [number, number];
  /** Friction anchor (world, m) while in contact; NaN when not touching. */
  anchorX: number;
  anchorY: number;
  /** Depth below the ground along its normal (m; negative above the ground) at the last sub-step. */
  depth: number;
  /** Normal force of the last sub-step (N). */
  normalForce: number;
}

/** A contact point at `local` of body `body`. */
export function createContactPoint(body: number, local: readonly [number, number]): ContactPoint {
  return { body, local, anchorX: Number.NaN, anchorY: Number.NaN, depth: -Infinity, normalForce: 0 };
}

/** Forgets contact state (for a reset). */
export function clearContact(c: ContactPoint): void {
  c.anchorX = Number.NaN;
  c.anchorY = Number.NaN;
  c.depth = -Infinity;
  c.normalForce = 0;
}

/**
 * Damping coefficient (N·s/m) for the rotational part of a point's velocity along a direction with lever arm
 * `arm` (m): at most what stops the body's rotation in `ROTATION_STEPS` steps, so the three points of a foot
 * together never overshoot.
 */
function rotationalDamping(c: number, inertia: number, arm: number, dt: number): number {
  return arm === 0 ? 0 : Math.min(c, inertia / (arm * arm * dt * ROTATION_STEPS));
}

/** See `rotationalDamping`. */
const ROTATION_STEPS = 6;

const p = { x: 0, y: 0 };

/**
 * Computes and applies the contact force of one point on `body` for a step of `dt` seconds, with the body's
 * velocity over the last step at `c.body` in `vxs`, `vys` (m/s) and `omegas` (rad/s). Updates the point's
 * depth, normal force and friction anchor. (The velocities come as arrays, not numbers: a number passed to a
 * call the JIT does not inline is boxed, three allocations per point and sub-step.)
 */
export function applyContact(c: ContactPoint, terrain: Terrain, body: Matter.Body, vxs: Float64Array, vys: Float64Array, omegas: Float64Array, dt: number): void {
  localToWorld(body, c.local[0], c.local[1], p);
  const slope = terrainSlope(terrain, p.x);
  const norm = 1 / Math.sqrt(1 + slope * slope);
  const nx = -slope * norm;
  const ny = norm;
  const depth = (terrainHeight(terrain, p.x) - p.y) * ny;
  c.depth = depth;
  if (depth <= 0) {
    c.anchorX = Number.NaN;
    c.anchorY = Number.NaN;
    c.normalForce = 0;
    return;
  }
  const vx = vxs[c.body];
  const vy = vys[c.body];
  const omega = omegas[c.body];
  const tx = ny;
  const ty = -nx;
  const inertia = inertiaOf(body);
  const cx = body.position.x / UNITS_PER_M;
  const cy = body.position.y / UNITS_PER_M;
  const rx = p.x - cx;
  const ry = p.y - cy;
  // spring and rotational damping act at the point, translational damping at the centre (no torque)
  const armN = rx * ny - ry * nx;
  const armT = rx * ty - ry * tx;
  const fnPoint = CONTACT_STIFFNESS * depth - rotationalDamping(CONTACT_DAMPING, inertia, armN, dt) * armN * omega;
  const fnCentre = -CONTACT_DAMPING * (vx * nx + vy * ny);
  const fn = fnPoint + fnCentre;
  if (fn <= 0) {
    c.normalForce = 0;
    return;
  }
  if (Number.isNaN(c.anchorX)) {
    c.anchorX = p.x;
    c.anchorY = p.y;
  }
  const s = (p.x - c.anchorX) * tx + (p.y - c.anchorY) * ty;
  let ftPoint = -FRICTION_STIFFNESS * s - rotationalDamping(FRICTION_DAMPING, inertia, armT, dt) * armT * omega;
  let ftCentre = -FRICTION_DAMPING * (vx * tx + vy * ty);
  const limit = FRICTION_COEFFICIENT * fn;
  const ft = ftPoint + ftCentre;
  if (ft > limit || ft < -limit) {
    // sliding: the force sits on the cone and the anchor follows the point
    const scale = limit / Math.abs(ft);
    ftPoint *= scale;
    ftCentre *= scale;
    const held = -(ft > 0 ? limit : -limit) / FRICTION_STIFFNESS;
    c.anchorX = p.x - held * tx;
    c.anchorY = p.y - held * ty;
  }
  c.normalForce = fn;
  addForceAt(body, p.x, p.y, fnPoint * nx + ftPoint * tx, fnPoint * ny + ftPoint * ty);
  addForceAt(body, cx, cy, fnCentre * nx + ftCentre * tx, fnCentre * ny + ftCentre * ty);
}
