/**
 * The planar biped of the AMP-Foot envs: a hull (head, arms and trunk), and per leg a thigh, a shank and a
 * foot, joined by pin joints at hip, knee and ankle. Built like matter's `Example.car.car`: a builder that
 * returns `{ composite, bodies, joints }`.
 *
 * The layout follows Gymnasium's BipedalWalker-v3 (a wide hull with both hips under its centre, two
 * two-segment legs), with feet added for the ankles and human dimensions so that the AMP-Foot numbers
 * (N·m, W, J) mean what they mean for a prosthesis: a 75 kg walker (the `bodyMass` kwarg) standing about
 * 1.1 m tall at the hull, segment masses after Winter, "Biomechanics and Motor Control of Human Movement"
 * (4th ed., 2009, table 4.1; the foot is a prosthesis, a little heavier than a 1.45 % anatomical foot).
 *
 * Joint angles are relative (child minus parent), counter-clockwise positive, x forward: hip flexion
 * (thigh forward) and ankle dorsiflexion (toe up) are positive, knee flexion is negative. All bodies are
 * built at angle 0 with the legs straight down, so that pose is zero on every joint.
 */
import Matter from 'matter-js';
import { jointInertia } from './actuators.ts';
import { JOINT_STIFFNESS, ROBOT_GROUP, UNITS_PER_M, createBoxBody, createPolygonBody, setMassProperties } from './world.ts';

const { Body, Composite, Constraint, Vertices } = Matter;

/** Thigh length (m, hip to knee). */
export const THIGH_LENGTH = 0.43;
/** Thigh width (m). */
export const THIGH_WIDTH = 0.12;
/** Shank length (m, knee to ankle). */
export const SHANK_LENGTH = 0.43;
/** Shank width (m). */
export const SHANK_WIDTH = 0.09;
/** Foot (sole) length (m). */
export const FOOT_LENGTH = 0.26;
/** Foot height (m). */
export const FOOT_HEIGHT = 0.06;
/** Ankle above the sole (m). */
export const ANKLE_HEIGHT = 0.08;
/** Ankle in front of the heel (m). */
export const ANKLE_FROM_HEEL = 0.07;
/** Hull outline around the hip (m): BipedalWalker-v3's hull polygon, scaled by 0.28/30. */
export const HULL_POLYGON: readonly (readonly [number, number])[] = [
  [-0.28, 0.0],
  [0.3, 0.0],
  [0.3, 0.08],
  [0.05, 0.15],
  [-0.28, 0.15],
];
/** Height of the hip above the sole when standing straight (m). */
export const HIP_HEIGHT = ANKLE_HEIGHT + SHANK_LENGTH + THIGH_LENGTH;

/** Mass fractions of the segments (Winter 2009); the hull takes the rest (0.666). */
export const MASS_FRACTION = { thigh: 0.1, shank: 0.0465, foot: 0.0205 } as const;

/**
 * The foot's moment of inertia over that of a uniform 26 × 6 cm box of its mass. A prosthetic foot carries
 * its springs and lever ahead of and behind the ankle, and the larger inertia keeps the foot's rocking on its
 * heel and toe contacts (a 0.4 kg effective mass at the toe otherwise) stable at the 2.5 ms step.
 */
export const FOOT_INERTIA_SCALE = 4;

/** Joint ranges (rad): hip extension/flexion, knee flexion/straight, ankle plantar/dorsiflexion. */
export const JOINT_LIMITS = {
  hip: [-0.6, 1.3],
  knee: [-2.0, 0.0],
  ankle: [-0.5, 0.35],
} as const;

/** One pin joint: the bodies, the anchor in each body's frame (m, relative to its centre at angle 0), its range. */
export interface Joint {
  readonly name: string;
  readonly bodyA: Matter.Body;
  readonly bodyB: Matter.Body;
  readonly anchorA: readonly [number, number];
  readonly anchorB: readonly [number, number];
  readonly constraint: Matter.Constraint;
  /** Length of the shorter segment the joint connects (m), the scale of an acceptable joint gap. */
  readonly segmentLength: number;
  readonly low: number;
  readonly high: number;
  /** Reduced inertia of the relative rotation (kg·m²), for the implicit joint torques. */
  readonly inertia: number;
}

/** One leg. */
export interface Leg {
  readonly thigh: Matter.Body;
  readonly shank: Matter.Body;
  readonly foot: Matter.Body;
  readonly hip: Joint;
  readonly knee: Joint;
  readonly ankle: Joint;
}

/** What `buildWalker` returns. */
export interface Walker {
  readonly composite: Matter.Composite;
  readonly bodies: readonly Matter.Body[];
  readonly joints: readonly Joint[];
  readonly hull: Matter.Body;
  /** Hull outline relative to the hull's centre of mass (m, angle 0). */
  readonly hullVertices: readonly (readonly [number, number])[];
  readonly legs: readonly [Leg, Leg];
  /** Heel and toe points in the foot's frame (m). */
  readonly heel: readonly [number, number];
  readonly toe: readonly [number, number];
  /**
   * Where the ground can push, as (body index in `bodies`, point in its frame): per leg heel, mid-sole, toe
   * and knee (`contactIndex`), then the hull's corners (from `FIRST_HULL_SITE`).
   */
  readonly contactSites: readonly ContactSite[];
}

/** A point where the ground can push on the walker. */
export interface ContactSite {
  readonly body: number;
  readonly local: readonly [number, number];
}

// ── index layout of `Walker.bodies`, `Walker.joints` and `Walker.contactSites` ──

/** Legs of the walker (leg 0, then leg 1, in every per-leg list). */
export const LEG_COUNT = 2;
/** `bodies[HULL]` is the hull; each leg's segments follow it (`legBody`). */
export const HULL = 0;
/** A leg's segments, in `bodies` order: thigh, shank, foot. */
export const THIGH = 0;
/** See `THIGH`. */
export const SHANK = 1;
/** See `THIGH`. */
export const FOOT = 2;
/** Bodies per leg. */
const SEGMENTS_PER_LEG = 3;
/** Bodies of the walker: hull, then thigh, shank, foot of each leg. */
export const BODY_COUNT = 1 + SEGMENTS_PER_LEG * LEG_COUNT;
/** A leg's joints, in `joints` (and observation) order: hip, knee, ankle. */
export const HIP = 0;
/** See `HIP`. */
export const KNEE = 1;
/** See `HIP`. */
export const ANKLE = 2;
/** Joints per leg. */
export const JOINTS_PER_LEG = 3;
/** Joints of the walker: hip, knee, ankle of leg 0, then of leg 1. */
export const JOINT_COUNT = JOINTS_PER_LEG * LEG_COUNT;
/** A leg's contact sites, in `contactSites` order: heel, mid-sole, toe (foot corners and centre), knee (shank top). */
export const HEEL_SITE = 0;
/** See `HEEL_SITE`. */
export const SOLE_SITE = 1;
/** See `HEEL_SITE`. */
export const TOE_SITE = 2;
/** See `HEEL_SITE`. */
export const KNEE_SITE = 3;
/** Contact sites per leg. */
const SITES_PER_LEG = 4;
/** Index of the hull's first contact site: the hull's corners follow the legs' sites. */
export const FIRST_HULL_SITE = SITES_PER_LEG * LEG_COUNT;

/** Index in `bodies` of leg `leg`'s `segment` (THIGH, SHANK or FOOT). */
export function legBody(leg: number, segment: number): number {
  return HULL + 1 + SEGMENTS_PER_LEG * leg + segment;
}

/** Index in `joints` (and in `q`, `qd`, observation order) of leg `leg`'s `joint` (HIP, KNEE or ANKLE). */
export function jointIndex(leg: number, joint: number): number {
  return JOINTS_PER_LEG * leg + joint;
}

/** Index in `contactSites` of leg `leg`'s `site` (HEEL_SITE, SOLE_SITE, TOE_SITE or KNEE_SITE). */
export function contactIndex(leg: number, site: number): number {
  return SITES_PER_LEG * leg + site;
}

/** Options of `buildWalker`. */
export interface WalkerOptions {
  /** Hip position (m). */
  readonly x: number;
  readonly y: number;
  /** Total mass (kg). */
  readonly bodyMass: number;
  /** Initial joint angles of each leg, `[hip, knee, ankle]` (rad), with the hull level. */
  readonly pose: readonly [LegPose, LegPose];
}

/** Joint angles of one leg, `[hip, knee, ankle]` (rad). */
export type LegPose = readonly [number, number, number];

const robotFilter = (): Matter.ICollisionFilter => ({ group: ROBOT_GROUP });

const bodyOptions = (label: string, friction: number): Matter.IChamferableBodyDefinition => ({
  label,
  friction,
  frictionStatic: friction,
  frictionAir: 0,
  restitution: 0,
  collisionFilter: robotFilter(),
});

/** Moment of inertia of a uniform rectangle about its centre (kg·m²). */
function boxInertia(mass: number, width: number, height: number): number {
  return (mass * (width * width + height * height)) / 12;
}

/** Moment of inertia of a uniform convex polygon about its centroid (kg·m²); vertices in m. */
function polygonInertia(mass: number, vertices: readonly (readonly [number, number])[]): number {
  const pts = vertices.map(([x, y]) => ({ x, y }));
  const c = Vertices.centre(pts);
  return Vertices.inertia(
    pts.map((p) => ({ x: p.x - c.x, y: p.y - c.y })),
    mass,
  );
}

/** A pin joint whose anchors coincide at the bodies' current poses. */
function pin(name: string, bodyA: Matter.Body, bodyB: Matter.Body, anchorA: readonly [number, number], anchorB: readonly [number, number], segmentLength: number, range: readonly [number, number], inertiaA: number, inertiaB: number): Joint {
  const inertia = jointInertia(bodyA.mass, inertiaA, Math.hypot(anchorA[0], anchorA[1]), bodyB.mass, inertiaB, Math.hypot(anchorB[0], anchorB[1]));
  const rotate = (b: Matter.Body, [x, y]: readonly [number, number]): Matter.Vector => ({
    x: (Math.cos(b.angle) * x - Math.sin(b.angle) * y) * UNITS_PER_M,
    y: (Math.sin(b.angle) * x + Math.cos(b.angle) * y) * UNITS_PER_M,
  });
  const constraint = Constraint.create({ bodyA, bodyB, pointA: rotate(bodyA, anchorA), pointB: rotate(bodyB, anchorB), length: 0, stiffness: JOINT_STIFFNESS, damping: 0, label: name });
  return { name, bodyA, bodyB, anchorA, anchorB, constraint, segmentLength, low: range[0], high: range[1], inertia };
}

/** Places `body` at `angle` so that its local `anchor` sits at world (x, y) (m). */
function placeAt(body: Matter.Body, angle: number, anchor: readonly [number, number], x: number, y: number): void {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  Body.setAngle(body, angle);
  Body.setPosition(body, { x: (x - (c * anchor[0] - s * anchor[1])) * UNITS_PER_M, y: (y - (s * anchor[0] + c * anchor[1])) * UNITS_PER_M });
  Body.setVelocity(body, { x: 0, y: 0 });
  Body.setAngularVelocity(body, 0);
}

/** Builds the walker in `opts.pose` with its hip at (x, y). Its bodies collide with nothing in matter (see contact.ts). */
export function buildWalker(opts: WalkerOptions): Walker {
  const M = opts.bodyMass;
  const mThigh = MASS_FRACTION.thigh * M;
  const mShank = MASS_FRACTION.shank * M;
  const mFoot = MASS_FRACTION.foot * M;
  const mHull = M - 2 * (mThigh + mShank + mFoot);

  const hull = createPolygonBody(opts.x, opts.y, HULL_POLYGON, bodyOptions('hull', 0.5));
  const iHull = polygonInertia(mHull, HULL_POLYGON);
  setMassProperties(hull, mHull, iHull);
  const hipAnchor: [number, number] = [opts.x - hull.position.x / UNITS_PER_M, opts.y - hull.position.y / UNITS_PER_M];
  const hullVertices = HULL_POLYGON.map(([vx, vy]) => [vx + hipAnchor[0], vy + hipAnchor[1]] as const);

  const iThigh = boxInertia(mThigh, THIGH_WIDTH, THIGH_LENGTH);
  const iShank = boxInertia(mShank, SHANK_WIDTH, SHANK_LENGTH);
  const iFoot = FOOT_INERTIA_SCALE * boxInertia(mFoot, FOOT_LENGTH, FOOT_HEIGHT);
  const thighTop: [number, number] = [0, THIGH_LENGTH / 2];
  const thighBottom: [number, number] = [0, -THIGH_LENGTH / 2];
  const shankTop: [number, number] = [0, SHANK_LENGTH / 2];
  const shankBottom: [number, number] = [0, -SHANK_LENGTH / 2];
  const footAnkle: [number, number] = [ANKLE_FROM_HEEL - FOOT_LENGTH / 2, ANKLE_HEIGHT - FOOT_HEIGHT / 2];
  const heel: [number, number] = [-FOOT_LENGTH / 2, -FOOT_HEIGHT / 2];
  const toe: [number, number] = [FOOT_LENGTH / 2, -FOOT_HEIGHT / 2];

  const makeLeg = (side: number): Leg => {
    const [hipAngle, kneeAngle, ankleAngle] = opts.pose[side];
    const shankAngle = hipAngle + kneeAngle;
    const footAngle = shankAngle + ankleAngle;
    const thigh = createBoxBody(0, 0, THIGH_WIDTH, THIGH_LENGTH, bodyOptions(`thigh-${side}`, 0.5));
    const shank = createBoxBody(0, 0, SHANK_WIDTH, SHANK_LENGTH, bodyOptions(`shank-${side}`, 0.5));
    const foot = createBoxBody(0, 0, FOOT_LENGTH, FOOT_HEIGHT, bodyOptions(`foot-${side}`, 1.0));
    setMassProperties(thigh, mThigh, iThigh);
    setMassProperties(shank, mShank, iShank);
    setMassProperties(foot, mFoot, iFoot);
    // forward kinematics from the hip
    const kneeX = opts.x + Math.sin(hipAngle) * THIGH_LENGTH;
    const kneeY = opts.y - Math.cos(hipAngle) * THIGH_LENGTH;
    const ankleX = kneeX + Math.sin(shankAngle) * SHANK_LENGTH;
    const ankleY = kneeY - Math.cos(shankAngle) * SHANK_LENGTH;
    placeAt(thigh, hipAngle, thighTop, opts.x, opts.y);
    placeAt(shank, shankAngle, shankTop, kneeX, kneeY);
    placeAt(foot, footAngle, footAnkle, ankleX, ankleY);
    return {
      thigh,
      shank,
      foot,
      hip: pin(`hip-${side}`, hull, thigh, hipAnchor, thighTop, THIGH_LENGTH, JOINT_LIMITS.hip, iHull, iThigh),
      knee: pin(`knee-${side}`, thigh, shank, thighBottom, shankTop, SHANK_LENGTH, JOINT_LIMITS.knee, iThigh, iShank),
      ankle: pin(`ankle-${side}`, shank, foot, shankBottom, footAnkle, FOOT_LENGTH, JOINT_LIMITS.ankle, iShank, iFoot),
    };
  };
  const legs: [Leg, Leg] = [makeLeg(0), makeLeg(1)];
  const bodies = new Array<Matter.Body>(BODY_COUNT);
  const joints = new Array<Joint>(JOINT_COUNT);
  const contactSites = new Array<ContactSite>(FIRST_HULL_SITE);
  bodies[HULL] = hull;
  legs.forEach((leg, i) => {
    bodies[legBody(i, THIGH)] = leg.thigh;
    bodies[legBody(i, SHANK)] = leg.shank;
    bodies[legBody(i, FOOT)] = leg.foot;
    joints[jointIndex(i, HIP)] = leg.hip;
    joints[jointIndex(i, KNEE)] = leg.knee;
    joints[jointIndex(i, ANKLE)] = leg.ankle;
    contactSites[contactIndex(i, HEEL_SITE)] = { body: legBody(i, FOOT), local: heel };
    contactSites[contactIndex(i, SOLE_SITE)] = { body: legBody(i, FOOT), local: [0, -FOOT_HEIGHT / 2] };
    contactSites[contactIndex(i, TOE_SITE)] = { body: legBody(i, FOOT), local: toe };
    contactSites[contactIndex(i, KNEE_SITE)] = { body: legBody(i, SHANK), local: shankTop };
  });
  for (const v of hullVertices) contactSites.push({ body: HULL, local: v });
  const composite = Composite.create({ label: 'walker' });
  Composite.add(composite, [...bodies, ...joints.map((j) => j.constraint)]);
  return { composite, bodies, joints, hull, hullVertices, legs, heel, toe, contactSites };
}

/** Distance (m) between a joint's two anchors: zero for a perfect pin joint. */
export function jointGap(joint: Joint): number {
  const a = joint.bodyA;
  const b = joint.bodyB;
  const [ax, ay] = joint.anchorA;
  const [bx, by] = joint.anchorB;
  const ca = Math.cos(a.angle);
  const sa = Math.sin(a.angle);
  const cb = Math.cos(b.angle);
  const sb = Math.sin(b.angle);
  const dx = a.position.x / UNITS_PER_M + ca * ax - sa * ay - (b.position.x / UNITS_PER_M + cb * bx - sb * by);
  const dy = a.position.y / UNITS_PER_M + sa * ax + ca * ay - (b.position.y / UNITS_PER_M + sb * bx + cb * by);
  return Math.hypot(dx, dy);
}
