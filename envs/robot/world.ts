/**
 * The physics world of the robot envs: one matter-js `Engine` per env instance, SI units at the edges and a
 * fixed time step. The ground is our own polyline (`terrain.ts`), which the contact model in `contact.ts`
 * pushes against.
 *
 * matter-js integrates the bodies and holds the pin joints; it does no collision work. Its contact model
 * cannot carry a 75 kg walker on 26 cm feet: friction is a fixed velocity decrement independent of the load
 * (`Resolver.solveVelocity`) and penetration is corrected by translation only, so even a walker whose joints
 * are welded by constraints slides off its feet and falls over within a second. All robot bodies therefore
 * share one negative collision group (they never collide with anything in matter), and `contact.ts` applies
 * our own penalty contact with Coulomb friction at the feet, knees and hull.
 *
 * Units. Inside matter 1 m = 100 units (`UNITS_PER_M`), the scale matter is tuned for, and time is in ms.
 * Everything outside this file, `contact.ts` and the body builders is SI: metres, seconds, kg, N, N·m, rad.
 * The y axis points up (gravity is `{ x: 0, y: -1 }`), angles are counter-clockwise. Conversions: a force F
 * [N] is `F · UNITS_PER_M / MS_PER_S²` in matter units, a torque τ [N·m] is `τ · UNITS_PER_M² / MS_PER_S²`,
 * an inertia I [kg·m²] is `I · UNITS_PER_M²`, masses are kg.
 *
 * Determinism (docs/ARCHITECTURE.md). The engine is stepped only by `stepEngine`, which calls
 * `Engine.update(engine, DT_MS)`, never the Runner. matter-js draws from its global `Common.random` only through `Common.shuffle`/`Common.choose`:
 * `Engine.update` never does, but `Body.create` picks a render colour with `Common.choose` for every body.
 * The colour is unused, and `buildQuietly` restores matter's global seed after building, so building a
 * walker leaves matter's global stream as it found it. `Common.now` only times the update
 * (`engine.timing.lastElapsed`) and feeds nothing back; body ids (a global counter) are only keys of the
 * collision pair table, which stays empty here. `tests/envs/robot/determinism.test.ts` checks interleaved
 * envs bit for bit and that stepping never draws from `Common.random`.
 *
 * Joints. Matter's rigid constraints move each body by its mass share of `stiffness · min(1, dtMs / 16.67)`
 * of the error per iteration and, on top, rotate it by a torque estimate; for a slender segment with its
 * physical inertia (matter's default inertia is 4× that) the rotation alone is about 3× the translation, so
 * a full correction overshoots and a pin joint diverges. `JOINT_STIFFNESS` (0.43 of the error per iteration)
 * with 4 constraint iterations per 2.5 ms step keeps joint gaps below 0.2 % of the segment length under
 * random and bang-bang actions (tests/envs/robot/stability.test.ts).
 *
 * Time step. 2.5 ms sub-steps, 8 per 20 ms control step: the foot is light next to the body it carries, and
 * its rocking on the stiff ground contact and the joint stops needs the short step to stay stable.
 *
 * Solver. `createEngine` installs the allocation-free constraint solver of `constraint-solve.ts` on the
 * engine it makes, and `stepEngine` uses it for that engine's updates only: importing this module changes
 * nothing in matter-js, and any other engine in the process keeps matter's own solver.
 */
import Matter from 'matter-js';
import { installConstraintSolve, updateEngine } from './constraint-solve.ts';

const { Bodies, Body, Composite, Detector, Engine, Vertices } = Matter;

/** matter-js length units per metre. */
export const UNITS_PER_M = 100;
/** Milliseconds per second (matter-js time unit). */
export const MS_PER_S = 1000;
/** Control rate of the robot envs (Hz), as BipedalWalker-v3's FPS. */
export const CONTROL_HZ = 50;
/** Physics sub-steps per control step. */
export const SUBSTEPS = 8;
/** Physics time step (ms): 20 ms / 8 = 2.5 ms. */
export const DT_MS = MS_PER_S / CONTROL_HZ / SUBSTEPS;
/** Physics time step (s). */
export const DT = DT_MS / MS_PER_S;
/** Standard gravity (m/s²). */
export const GRAVITY = 9.81;
/** matter's reference step (ms): constraint stiffness is scaled by `dtMs` over it. */
const MATTER_BASE_DELTA_MS = 1000 / 60;
/** Stiffness of the pin joints' matter constraints: 0.43 of the error per iteration (see the header). */
export const JOINT_STIFFNESS = (0.43 * MATTER_BASE_DELTA_MS) / DT_MS;

/** Force [N] → matter force units. */
const FORCE_TO_MATTER = UNITS_PER_M / (MS_PER_S * MS_PER_S);
/** Torque [N·m] → matter torque units. */
const TORQUE_TO_MATTER = (UNITS_PER_M * UNITS_PER_M) / (MS_PER_S * MS_PER_S);

/** The collision group of every robot body: negative, so matter never makes them collide. */
export const ROBOT_GROUP = -1;

/** Solver settings of every robot engine (matter defaults: 6 / 4 / 2; no contacts, so only the constraint count matters). */
export const ENGINE_ITERATIONS = { positionIterations: 6, velocityIterations: 4, constraintIterations: 4 } as const;

/** `Composite.setModified` (matter-js API, not in @types/matter-js). */
type ModifiableComposite = typeof Composite & { setModified(composite: Matter.Composite, isModified: boolean, updateParents?: boolean, updateChildren?: boolean): void };

/** matter's global seeded-random state (not in @types/matter-js). */
type SeededCommon = typeof Matter.Common & { _seed: number };

/**
 * Runs `build` (which creates matter bodies) and restores matter's global random seed afterwards: body
 * creation draws a render colour from `Common.random`, which must not move the stream other code may use.
 */
export function buildQuietly<T>(build: () => T): T {
  const common = Matter.Common as SeededCommon;
  const seed = common._seed;
  try {
    return build();
  } finally {
    common._seed = seed;
  }
}

/** A new engine for one env: y-up gravity of 9.81 m/s², no sleeping, fixed iteration counts, our constraint solver. */
export function createEngine(): Matter.Engine {
  const engine = Engine.create({
    ...ENGINE_ITERATIONS,
    enableSleeping: false,
    gravity: { x: 0, y: -1, scale: (GRAVITY * UNITS_PER_M) / (MS_PER_S * MS_PER_S) },
  });
  // Nothing listens to the engine's events. Without an events object `Events.trigger` returns at once,
  // instead of listing the object's keys into a new array, three times per update (`Events.on` makes one
  // again if a listener comes).
  (engine as { events?: unknown }).events = undefined;
  installConstraintSolve(engine);
  return engine;
}

/** Advances the engine by one physics step (with its installed constraint solver). */
export function stepEngine(engine: Matter.Engine): void {
  updateEngine(engine, DT_MS);
}

// ── body state in SI units ──

/** The Verlet fields matter-js keeps on every body but @types/matter-js does not declare. */
type VerletBody = Matter.Body & { positionPrev: Matter.Vector; anglePrev: number; deltaTime: number };

function verlet(body: Matter.Body): VerletBody {
  return body as VerletBody;
}

/** x of a body's centre of mass (m). */
export function bodyX(body: Matter.Body): number {
  return body.position.x / UNITS_PER_M;
}

/** y of a body's centre of mass (m). */
export function bodyY(body: Matter.Body): number {
  return body.position.y / UNITS_PER_M;
}

/** Adds an SI torque [N·m] to a body for the next update (matter clears `body.torque` after each update). */
export function addTorque(body: Matter.Body, torqueNm: number): void {
  body.torque += torqueNm * TORQUE_TO_MATTER;
}

/** Adds an SI force [N] acting at world point (px, py) [m] to a body for the next update: the force and its moment about the centre of mass. */
export function addForceAt(body: Matter.Body, px: number, py: number, fx: number, fy: number): void {
  body.force.x += fx * FORCE_TO_MATTER;
  body.force.y += fy * FORCE_TO_MATTER;
  const rx = px - body.position.x / UNITS_PER_M;
  const ry = py - body.position.y / UNITS_PER_M;
  body.torque += (rx * fy - ry * fx) * TORQUE_TO_MATTER;
}

/** Moment of inertia about the centre of mass [kg·m²]. */
export function inertiaOf(body: Matter.Body): number {
  return body.inertia / (UNITS_PER_M * UNITS_PER_M);
}

/**
 * Sets a body's velocity (m/s) and angular velocity (rad/s) as seen by the next `DT_MS` update: matter
 * derives velocity from `position - positionPrev` scaled by the body's previous step length, so that is
 * set to `DT_MS` too.
 */
export function setBodyVelocity(body: Matter.Body, vx: number, vy: number, omega: number): void {
  const b = verlet(body);
  b.deltaTime = DT_MS;
  b.positionPrev.x = b.position.x - (vx * UNITS_PER_M * DT_MS) / MS_PER_S;
  b.positionPrev.y = b.position.y - (vy * UNITS_PER_M * DT_MS) / MS_PER_S;
  b.anglePrev = b.angle - (omega * DT_MS) / MS_PER_S;
}

/** Sets mass [kg] and moment of inertia about the centre of mass [kg·m²] (matter's default inertia is 4× the physical one). */
export function setMassProperties(body: Matter.Body, massKg: number, inertiaKgM2: number): void {
  Body.setMass(body, massKg);
  Body.setInertia(body, inertiaKgM2 * UNITS_PER_M * UNITS_PER_M);
}

/** A dynamic convex body from SI vertices given counter-clockwise around its own origin, placed so that origin sits at (x, y). */
export function createPolygonBody(x: number, y: number, vertices: readonly (readonly [number, number])[], options: Matter.IBodyDefinition): Matter.Body {
  const points = vertices.map(([vx, vy]) => ({ x: (x + vx) * UNITS_PER_M, y: (y + vy) * UNITS_PER_M }));
  const centre = Vertices.centre(points);
  return Body.create({ ...options, position: centre, vertices: points });
}

/** A dynamic rectangle centred on (x, y) (SI). */
export function createBoxBody(x: number, y: number, width: number, height: number, options: Matter.IChamferableBodyDefinition): Matter.Body {
  return Bodies.rectangle(x * UNITS_PER_M, y * UNITS_PER_M, width * UNITS_PER_M, height * UNITS_PER_M, options);
}

/** World position (m) of a point given in a body's local frame (m, relative to its centre of mass, unrotated). */
export function localToWorld(body: Matter.Body, lx: number, ly: number, out: { x: number; y: number }): { x: number; y: number } {
  const c = Math.cos(body.angle);
  const s = Math.sin(body.angle);
  out.x = body.position.x / UNITS_PER_M + c * lx - s * ly;
  out.y = body.position.y / UNITS_PER_M + s * lx + c * ly;
  return out;
}

/**
 * Adds robot bodies and constraints to the engine's world, and leaves matter's broadphase without bodies:
 * robot bodies share `ROBOT_GROUP` and never collide, yet at every update matter would sort them all by
 * their bounds (allocating as it goes) only to find no pair. Matter refills its detector from the world
 * when the world is next modified, so this holds until something else is added.
 */
export function addToWorld(engine: Matter.Engine, items: readonly (Matter.Body | Matter.Constraint | Matter.Composite)[]): void {
  const world = engine.world;
  Composite.add(world, items as (Matter.Body | Matter.Constraint | Matter.Composite)[]);
  for (const body of Composite.allBodies(world)) {
    if (body.collisionFilter.group !== ROBOT_GROUP) throw new Error(`addToWorld: body '${body.label}' has collision group ${body.collisionFilter.group}; robot bodies must be in ROBOT_GROUP (${ROBOT_GROUP})`);
  }
  Detector.setBodies(engine.detector, []);
  (Composite as ModifiableComposite).setModified(world, false, false, true);
}
