/**
 * An allocation-free `Matter.Constraint.solve`, installed per engine: `installConstraintSolve(engine)` marks
 * an engine, and `updateEngine` runs that engine's updates with this solver in place of matter-js's own.
 *
 * Why. matter 0.20's `Constraint.solve` builds four to seven fresh `{x, y}` vectors per call (`Vector.add`,
 * `Vector.sub`, `Vector.mult`, ...). The walker solves its 6 pin joints 4 times before and 4 times after
 * matter's collision pass in every 2.5 ms sub-step, 8 sub-steps per control step (384 solves): about 68 KB of
 * garbage per env step, three quarters of everything a step allocates, so a young-generation collection
 * every ~20 ms of stepping. Those pauses are the long tail of a block of
 * walkers on a worker thread, and the slower of two workers sets the pace of every vector step.
 *
 * What. The same arithmetic on plain numbers: every floating-point operation of matter's version, in the
 * same order and with the same operands, so a trajectory is bit for bit the one matter's own solver gives
 * (tests/envs/robot/constraint-solve.test.ts steps walkers under both and compares every number). Only the
 * temporary vectors are gone.
 *
 * How. matter calls `Constraint.solve` through its module object, so `updateEngine` puts this function in
 * that property for the length of one `Engine.update` of a marked engine and puts matter's back afterwards
 * (also when the update throws). Nothing changes at import time, and an engine that was not marked (made
 * by other code in the same process) always runs matter's own solver.
 */
import Matter from 'matter-js';

/** The constraint fields `solve` reads that @types/matter-js does not declare. */
type SolvableConstraint = Matter.Constraint & { angleA: number; angleB: number; angularStiffness: number };
/** The body fields `solve` touches that @types/matter-js does not declare. */
type SolvableBody = Matter.Body & { positionPrev: Matter.Vector; constraintImpulse: { x: number; y: number; angle: number } };
/** matter's solver tunables (module properties, not in @types/matter-js). */
type ConstraintModule = typeof Matter.Constraint & {
  solve: (constraint: Matter.Constraint, timeScale: number) => void;
  _minLength: number;
  _torqueDampen: number;
};

const Constraint = Matter.Constraint as ConstraintModule;

/** matter-js's own `Constraint.solve`, restored after every update and kept for the equivalence test. */
export const matterConstraintSolve = Constraint.solve;

/** Engines whose updates run `solveConstraint`. */
const installed = new WeakSet<Matter.Engine>();

/** One Gauss-Seidel pass over `constraint`, exactly as matter-js 0.20 does it, without allocating. */
export function solveConstraint(constraint: Matter.Constraint, timeScale: number): void {
  const c = constraint as SolvableConstraint;
  const bodyA = c.bodyA as SolvableBody | null | undefined;
  const bodyB = c.bodyB as SolvableBody | null | undefined;
  const pointA = c.pointA;
  const pointB = c.pointB;
  if (!bodyA && !bodyB) return;

  // update the reference angles
  if (bodyA && !bodyA.isStatic) {
    rotateInPlace(pointA, bodyA.angle - c.angleA);
    c.angleA = bodyA.angle;
  }
  if (bodyB && !bodyB.isStatic) {
    rotateInPlace(pointB, bodyB.angle - c.angleB);
    c.angleB = bodyB.angle;
  }

  if (!pointA || !pointB) return;
  const ax = bodyA ? bodyA.position.x + pointA.x : pointA.x;
  const ay = bodyA ? bodyA.position.y + pointA.y : pointA.y;
  const bx = bodyB ? bodyB.position.x + pointB.x : pointB.x;
  const by = bodyB ? bodyB.position.y + pointB.y : pointB.y;
  const dx = ax - bx;
  const dy = ay - by;
  let currentLength = Math.sqrt(dx * dx + dy * dy);
  if (currentLength < Constraint._minLength) currentLength = Constraint._minLength; // prevent singularity

  const difference = (currentLength - c.length) / currentLength;
  const isRigid = c.stiffness >= 1 || c.length === 0;
  const stiffness = isRigid ? c.stiffness * timeScale : c.stiffness * timeScale * timeScale;
  const damping = c.damping * timeScale;
  const scale = difference * stiffness;
  const fx = dx * scale;
  const fy = dy * scale;
  const massTotal = (bodyA ? bodyA.inverseMass : 0) + (bodyB ? bodyB.inverseMass : 0);
  const inertiaTotal = (bodyA ? bodyA.inverseInertia : 0) + (bodyB ? bodyB.inverseInertia : 0);
  const resistanceTotal = massTotal + inertiaTotal;

  let nx = 0, ny = 0, normalVelocity = 0;
  if (damping > 0) {
    nx = dx / currentLength;
    ny = dy / currentLength;
    // matter: sub(bodyB ? B.position − B.positionPrev : zero, bodyA ? A.position − A.positionPrev : zero)
    const rvx = (bodyB ? bodyB.position.x - bodyB.positionPrev.x : 0) - (bodyA ? bodyA.position.x - bodyA.positionPrev.x : 0);
    const rvy = (bodyB ? bodyB.position.y - bodyB.positionPrev.y : 0) - (bodyA ? bodyA.position.y - bodyA.positionPrev.y : 0);
    normalVelocity = nx * rvx + ny * rvy;
  }

  if (bodyA && !bodyA.isStatic) {
    const share = bodyA.inverseMass / massTotal;
    bodyA.constraintImpulse.x -= fx * share;
    bodyA.constraintImpulse.y -= fy * share;
    bodyA.position.x -= fx * share;
    bodyA.position.y -= fy * share;
    if (damping > 0) {
      bodyA.positionPrev.x -= damping * nx * normalVelocity * share;
      bodyA.positionPrev.y -= damping * ny * normalVelocity * share;
    }
    const torque = ((pointA.x * fy - pointA.y * fx) / resistanceTotal) * Constraint._torqueDampen * bodyA.inverseInertia * (1 - c.angularStiffness);
    bodyA.constraintImpulse.angle -= torque;
    bodyA.angle -= torque;
  }

  if (bodyB && !bodyB.isStatic) {
    const share = bodyB.inverseMass / massTotal;
    bodyB.constraintImpulse.x += fx * share;
    bodyB.constraintImpulse.y += fy * share;
    bodyB.position.x += fx * share;
    bodyB.position.y += fy * share;
    if (damping > 0) {
      bodyB.positionPrev.x += damping * nx * normalVelocity * share;
      bodyB.positionPrev.y += damping * ny * normalVelocity * share;
    }
    const torque = ((pointB.x * fy - pointB.y * fx) / resistanceTotal) * Constraint._torqueDampen * bodyB.inverseInertia * (1 - c.angularStiffness);
    bodyB.constraintImpulse.angle += torque;
    bodyB.angle += torque;
  }
}

/** matter's `Vector.rotate(point, angle, point)`. */
function rotateInPlace(point: Matter.Vector, angle: number): void {
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const x = point.x * cos - point.y * sin;
  point.y = point.x * sin + point.y * cos;
  point.x = x;
}

/** Makes `engine`'s updates through `updateEngine` solve constraints with `solveConstraint` (idempotent). */
export function installConstraintSolve(engine: Matter.Engine): void {
  installed.add(engine);
}

/** Whether `installConstraintSolve(engine)` was called. */
export function hasConstraintSolve(engine: Matter.Engine): boolean {
  return installed.has(engine);
}

/** `Engine.update(engine, deltaMs)`, solving constraints with `solveConstraint` when the engine has it installed. */
export function updateEngine(engine: Matter.Engine, deltaMs: number): void {
  if (!installed.has(engine)) {
    Matter.Engine.update(engine, deltaMs);
    return;
  }
  Constraint.solve = solveConstraint;
  try {
    Matter.Engine.update(engine, deltaMs);
  } finally {
    Constraint.solve = matterConstraintSolve;
  }
}
