/**
 * The physics world of the robot envs: one matter-js `Engine` per env instance, SI units at the edges, a
 * fixed time step, and the terrain as our own polyline (heights, normals, lidar rays; the ground contact in
 * `contact.ts` pushes against it).
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
 * Determinism (STYLE.md §5). The engine is stepped only with `Engine.update(engine, DT_MS)`, never the
 * Runner. matter-js draws from its global `Common.random` only through `Common.shuffle`/`Common.choose`:
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
 */
import Matter from 'matter-js';
import type { Rng } from '../../src/core/rng.ts';
import { installConstraintSolve } from './constraint-solve.ts';

// matter's constraint solver, without its temporary vectors (bit-identical; see constraint-solve.ts).
installConstraintSolve();

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

/** A new engine for one env: y-up gravity of 9.81 m/s², no sleeping, fixed iteration counts. */
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
  return engine;
}

/** Advances the engine by one physics step. */
export function stepEngine(engine: Matter.Engine): void {
  Engine.update(engine, DT_MS);
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

// ── terrain ──

/**
 * The ground as a polyline of vertices with strictly increasing x (a step is a steep ramp a few cm long);
 * plain data. Outside [xs[0], xs[n-1]] the ground continues at the end heights.
 */
export interface Terrain {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Where the walkable track ends (m); crossing it ends the episode with success, as BipedalWalker's terrain end. */
  readonly finishX: number;
}

/** Start of the terrain (m, behind the robot). */
export const TERRAIN_START_X = -2;
/** The robot starts at this x (m). */
export const START_X = 1.0;
/** Length of the flat start pad (m) before any roughness. */
export const START_PAD_M = 3;
/** Where the episode is won (m); about 36 m of walking, BipedalWalker-v3's track scaled to a human leg. */
export const FINISH_X = 37;
/** Terrain continues past the finish for the lidar (m). */
const TERRAIN_END_X = FINISH_X + 5;
/** Horizontal length of one rough-terrain piece (m). */
const PIECE_M = 0.5;
/** Horizontal run of a step's riser (m): steps are steep ramps, so the ground is a function of x. */
const STEP_RUN_M = 0.04;

/** Flat ground at height 0. */
export function flatTerrain(): Terrain {
  return { xs: Float64Array.of(TERRAIN_START_X, TERRAIN_END_X), ys: Float64Array.of(0, 0), finishX: FINISH_X };
}

/**
 * Seeded rough ground after a flat start pad: bumps, ramps and steps (BipedalWalker-hardcore's obstacle
 * mix, scaled down to a human leg). `difficulty` in [0, 1] scales every height: at 1, steps are up to 8 cm
 * (rising over 4 cm), ramps up to about ±9°, bumps up to ±4 cm per 0.5 m; at 0 the ground is flat.
 */
export function roughTerrain(rng: Rng, difficulty: number): Terrain {
  const xs: number[] = [TERRAIN_START_X, START_X + START_PAD_M];
  const ys: number[] = [0, 0];
  let x = START_X + START_PAD_M;
  let y = 0;
  while (x < TERRAIN_END_X) {
    const kind = rng.int(3);
    const pieces = 2 + rng.int(5);
    if (kind === 0) {
      // bumps: a smooth random walk of heights
      for (let i = 0; i < pieces; i++) {
        y += rng.uniform(-0.04, 0.04) * difficulty;
        x += PIECE_M;
        xs.push(x);
        ys.push(y);
      }
    } else if (kind === 1) {
      // a ramp
      const slope = rng.uniform(-0.16, 0.16) * difficulty;
      for (let i = 0; i < pieces; i++) {
        x += PIECE_M;
        y += slope * PIECE_M;
        xs.push(x);
        ys.push(y);
      }
    } else {
      // a step up or down, then flat
      y += (rng.random() < 0.5 ? -1 : 1) * rng.uniform(0.03, 0.08) * difficulty;
      x += STEP_RUN_M;
      xs.push(x);
      ys.push(y);
      x += pieces * PIECE_M;
      xs.push(x);
      ys.push(y);
    }
  }
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys), finishX: FINISH_X };
}

/** Index i of the terrain segment [i, i+1] that contains x (clamped to the ends). */
function segmentIndex(terrain: Terrain, x: number): number {
  const xs = terrain.xs;
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]) return 0;
  if (x >= xs[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Ground height (m) at x. */
export function terrainHeight(terrain: Terrain, x: number): number {
  const { xs, ys } = terrain;
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  const i = segmentIndex(terrain, x);
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - xs[i])) / (xs[i + 1] - xs[i]);
}

/** Slope dy/dx of the ground at x (0 beyond the ends). */
export function terrainSlope(terrain: Terrain, x: number): number {
  const { xs, ys } = terrain;
  if (x <= xs[0] || x >= xs[xs.length - 1]) return 0;
  const i = segmentIndex(terrain, x);
  return (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
}

/**
 * Fraction in [0, 1] of the ray from (x0, y0) to (x1, y1) at which it first meets the terrain polyline, or 1
 * when it meets nothing (BipedalWalker's lidar value). Only segments overlapping the ray's x range are tested.
 */
export function raycastTerrain(terrain: Terrain, x0: number, y0: number, x1: number, y1: number): number {
  const { xs, ys } = terrain;
  const rx = x1 - x0;
  const ry = y1 - y0;
  const xMin = Math.min(x0, x1);
  const xMax = Math.max(x0, x1);
  let best = 1;
  for (let i = segmentIndex(terrain, xMin); i < xs.length - 1 && xs[i] <= xMax; i++) {
    const sx = xs[i + 1] - xs[i];
    const sy = ys[i + 1] - ys[i];
    const denom = rx * sy - ry * sx;
    if (denom === 0) continue;
    const qx = xs[i] - x0;
    const qy = ys[i] - y0;
    const t = (qx * sy - qy * sx) / denom;
    const u = (qx * ry - qy * rx) / denom;
    if (t >= 0 && t < best && u >= 0 && u <= 1) best = t;
  }
  return best;
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
