/**
 * The allocation-free constraint solver (envs/robot/constraint-solve.ts) must be matter-js's own, bit for bit.
 * Checked on random constraints of every kind matter allows (rigid or soft, damped, with a static body or a
 * world point) and on walker rollouts. It is installed per engine: importing the robot envs leaves matter-js
 * as it ships, and an engine made by other code keeps matter's solver even while robot envs step.
 */
import fc from 'fast-check';
import Matter from 'matter-js';
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { hasConstraintSolve, matterConstraintSolve, solveConstraint } from '../../../envs/robot/constraint-solve.ts';
import { createEngine, stepEngine } from '../../../envs/robot/world.ts';
import { Rng } from '../../../src/core/rng.ts';
import type { Env } from '../../../src/gym/env.ts';
import { make } from '../../../src/gym/registry.ts';

type SolveFn = (constraint: Matter.Constraint, timeScale: number) => void;
const Constraint = Matter.Constraint as typeof Matter.Constraint & { solve: SolveFn };

/** Every number `solve` may change, as raw float64 bits (so -0 and NaN count). */
function state(constraint: Matter.Constraint, bodies: Matter.Body[]): string[] {
  const c = constraint as Matter.Constraint & { angleA: number; angleB: number };
  const nums: number[] = [c.pointA.x, c.pointA.y, c.pointB.x, c.pointB.y, c.angleA, c.angleB];
  for (const b of bodies) {
    const body = b as Matter.Body & { positionPrev: Matter.Vector; constraintImpulse: { x: number; y: number; angle: number } };
    nums.push(body.position.x, body.position.y, body.positionPrev.x, body.positionPrev.y, body.angle, body.constraintImpulse.x, body.constraintImpulse.y, body.constraintImpulse.angle);
  }
  const bits = new BigUint64Array(Float64Array.from(nums).buffer);
  return Array.from(bits, (v) => v.toString(16));
}

const coord = fc.double({ min: -500, max: 500, noNaN: true });
const arbConstraint = fc.record({
  a: fc.record({ x: coord, y: coord, angle: fc.double({ min: -7, max: 7, noNaN: true }), vx: fc.double({ min: -5, max: 5, noNaN: true }), isStatic: fc.boolean(), present: fc.boolean() }),
  b: fc.record({ x: coord, y: coord, angle: fc.double({ min: -7, max: 7, noNaN: true }), vx: fc.double({ min: -5, max: 5, noNaN: true }), isStatic: fc.boolean(), present: fc.boolean() }),
  pointA: fc.record({ x: fc.double({ min: -50, max: 50, noNaN: true }), y: fc.double({ min: -50, max: 50, noNaN: true }) }),
  pointB: fc.record({ x: fc.double({ min: -50, max: 50, noNaN: true }), y: fc.double({ min: -50, max: 50, noNaN: true }) }),
  length: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 300, noNaN: true })),
  stiffness: fc.oneof(fc.constant(1), fc.double({ min: 0.001, max: 2.5, noNaN: true })),
  damping: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
  angularStiffness: fc.double({ min: 0, max: 1, noNaN: true }),
  timeScale: fc.double({ min: 0.05, max: 1, noNaN: true }),
  turns: fc.double({ min: -1, max: 1, noNaN: true }),
});

type Case = typeof arbConstraint extends fc.Arbitrary<infer T> ? T : never;

/** Builds the case's bodies and constraint afresh (so both solvers start from the same state). */
function build(k: Case): { constraint: Matter.Constraint; bodies: Matter.Body[] } {
  const bodies: Matter.Body[] = [];
  const body = (spec: Case['a']): Matter.Body | undefined => {
    if (!spec.present) return undefined;
    const b = Matter.Bodies.rectangle(spec.x, spec.y, 40, 10, { isStatic: spec.isStatic });
    Matter.Body.setVelocity(b, { x: spec.vx, y: -spec.vx });
    bodies.push(b);
    return b;
  };
  const bodyA = body(k.a);
  const bodyB = body(k.b);
  const constraint = Matter.Constraint.create({
    bodyA,
    bodyB,
    pointA: { ...k.pointA },
    pointB: { ...k.pointB },
    length: k.length,
    stiffness: k.stiffness,
    damping: k.damping,
    angularStiffness: k.angularStiffness, // a matter-js option @types/matter-js does not declare
  } as Matter.IConstraintDefinition);
  // Turn the bodies after the constraint took their angles, so the reference-angle update has work to do.
  for (const b of bodies) if (!b.isStatic) Matter.Body.setAngle(b, b.angle + k.turns);
  return { constraint, bodies };
}

/** The `Constraint.solve` in place during each of the engine's updates (seen from its beforeUpdate event). */
function solversDuringUpdates(engine: Matter.Engine, update: () => void): SolveFn[] {
  const seen: SolveFn[] = [];
  Matter.Events.on(engine, 'beforeUpdate', () => seen.push(Constraint.solve));
  update();
  update();
  return seen;
}

describe('the solver is installed per engine, not at import', () => {
  it('importing the robot envs leaves matter-js’s solver in place', () => {
    expect(matterConstraintSolve).not.toBe(solveConstraint);
    expect(Constraint.solve).toBe(matterConstraintSolve);
  });

  it('a robot engine is patched for its own updates only', () => {
    const engine = createEngine();
    expect(hasConstraintSolve(engine)).toBe(true);
    expect(solversDuringUpdates(engine, () => stepEngine(engine))).toEqual([solveConstraint, solveConstraint]);
    expect(Constraint.solve).toBe(matterConstraintSolve);
  });

  it('a plain matter engine made after the robot envs stepped is untouched', () => {
    const walker = make<Float32Array, Float32Array>('AmpFootWalker-v0');
    walker.reset({ seed: 1 });
    walker.step(new Float32Array(8));
    const plain = Matter.Engine.create();
    expect(hasConstraintSolve(plain)).toBe(false);
    expect(solversDuringUpdates(plain, () => Matter.Engine.update(plain, 1000 / 60))).toEqual([matterConstraintSolve, matterConstraintSolve]);
    walker.step(new Float32Array(8)); // interleaved with a robot env
    expect(solversDuringUpdates(plain, () => stepEngine(plain))).toEqual([matterConstraintSolve, matterConstraintSolve]);
    walker.close();
  });
});

describe('allocation-free Constraint.solve, empty broadphase', () => {

  it('changes every number exactly as matter-js’s solve does, on random constraints', () => {
    fc.assert(
      fc.property(arbConstraint, (k) => {
        const ours = build(k);
        const theirs = build(k);
        for (let i = 0; i < 8; i++) {
          solveConstraint(ours.constraint, k.timeScale);
          matterConstraintSolve(theirs.constraint, k.timeScale);
        }
        expect(state(ours.constraint, ours.bodies)).toEqual(state(theirs.constraint, theirs.bodies));
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it.each([
    ['AmpFootWalker-v0', 8],
    ['AmpFootWalkerRough-v0', 8],
    ['AmpFootProsthesis-v1', 2],
  ] as const)('%s: a rollout under matter-js’s own solver and broadphase gives the same numbers bit for bit', (id, dim) => {
    const rollout = (): number[] => {
      const env = make<Float32Array, Float32Array>(id) as Env<Float32Array, Float32Array>;
      const rng = new Rng(3);
      const out: number[] = [...env.reset({ seed: 4 }).obs];
      for (let t = 0; t < 300; t++) {
        const r = env.step(Float32Array.from({ length: dim }, () => rng.uniform(-1, 1)));
        out.push(...r.obs, r.reward);
        if (r.terminated || r.truncated) out.push(...env.reset().obs);
      }
      env.close();
      return out;
    };
    const ours = rollout();
    // matter-js as it ships: its own solver (put back in place inside the robot engine's update), and its
    // broadphase fed every body (addToWorld leaves it empty).
    const stockUpdate = Matter.Engine.update;
    Matter.Engine.update = (engine, delta) => {
      Constraint.solve = matterConstraintSolve;
      if (engine.detector.bodies.length === 0) Matter.Detector.setBodies(engine.detector, Matter.Composite.allBodies(engine.world));
      return stockUpdate(engine, delta);
    };
    let theirs: number[];
    try {
      theirs = rollout();
    } finally {
      Matter.Engine.update = stockUpdate;
    }
    expect(ours).toEqual(theirs);
    expect(ours.length).toBeGreaterThan(300 * 10);
  });
});
