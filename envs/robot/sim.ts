/**
 * The simulation shared by the AMP-Foot envs: one engine, the terrain, the walker and its two ankles,
 * stepped in fixed 2.5 ms physics sub-steps. The envs choose the drive torques (the agent's hip and knee
 * motors, or a reference gait's PD) and the AMP-Foot commands; each sub-step this class adds the AMP-Foot
 * spring torques, joint stops, joint damping and the ground contact forces, steps matter, measures the
 * bodies' velocities, and adds up the episode's energy and ankle metrics.
 */
import Matter from 'matter-js';
import type { Rng } from '../../src/core/rng.ts';
import { ANKLE_DAMPING, JOINT_DAMPING, applyJointTorque, createAmpFoot, jointElectricalPower, jointLimitTorque, relativeAngle, stableSpringDamper, stepAmpFoot, type AmpFootParams, type AmpFootState } from './actuators.ts';
import { applyContact, clearContact, createContactPoint, type ContactPoint } from './contact.ts';
import { ANKLE, BODY_COUNT, FIRST_HULL_SITE, HEEL_SITE, FOOT, HIP, HIP_HEIGHT, HULL, JOINT_COUNT, JOINTS_PER_LEG, LEG_COUNT, SHANK, SOLE_SITE, THIGH, TOE_SITE, buildWalker, contactIndex, jointGap, jointIndex, legBody, type LegPose, type Walker } from './walker.ts';
import { START_X, flatTerrain, raycastTerrain, roughTerrain, terrainHeight, type Terrain } from './terrain.ts';
import { DT, UNITS_PER_M, addToWorld, buildQuietly, bodyX, bodyY, createEngine, localToWorld, setBodyVelocity, stepEngine } from './world.ts';

/** Parameters of a robot (the physical spec kwargs). */
export interface RobotParams extends AmpFootParams {
  /** Total mass (kg). */
  readonly bodyMass: number;
  /** 0: flat ground; (0, 1]: seeded rough ground of that difficulty. */
  readonly terrainDifficulty: number;
}

/** Per joint of a leg (HIP, KNEE, ANKLE): the segment above it (null: the hull) and the segment below it. */
const SEGMENT_ABOVE = [null, THIGH, SHANK] as const;
const SEGMENT_BELOW = [THIGH, SHANK, FOOT] as const;
/** The parent body of each joint (index in `Walker.bodies`), in joint order. */
const JOINT_PARENT = jointBodies((leg, joint) => {
  const segment = SEGMENT_ABOVE[joint];
  return segment === null ? HULL : legBody(leg, segment);
});
/** The child body of each joint (index in `Walker.bodies`), in joint order. */
const JOINT_CHILD = jointBodies((leg, joint) => legBody(leg, SEGMENT_BELOW[joint]));

/** A per-joint table (in joint order) of body indices. */
function jointBodies(body: (leg: number, joint: number) => number): Int8Array {
  const out = new Int8Array(JOINT_COUNT);
  for (let leg = 0; leg < LEG_COUNT; leg++) for (let joint = HIP; joint <= ANKLE; joint++) out[jointIndex(leg, joint)] = body(leg, joint);
  return out;
}

/** `AmpFootSim.contacts` holds, per leg, whether the heel and then the toe touch: index `contactFlag(leg, HEEL_FLAG | TOE_FLAG)`. */
export const HEEL_FLAG = 0;
/** See `HEEL_FLAG`. */
export const TOE_FLAG = 1;

/** Index in `AmpFootSim.contacts` of leg `leg`'s heel (`HEEL_FLAG`) or toe (`TOE_FLAG`) flag. */
export function contactFlag(leg: number, flag: number): number {
  return 2 * leg + flag;
}

/** Number of lidar rays. */
export const LIDAR_RAYS = 10;
/** Angle between the first lidar ray (straight down) and the last (rad), as BipedalWalker-v3. */
const LIDAR_SPREAD_RAD = 1.5;
/** Lidar range (m): BipedalWalker-v3's 160/30 scaled to the leg (0.38 of its length). */
export const LIDAR_RANGE = 2.0;

/** Per-ankle episode metrics (SI), accumulated over sub-steps. */
export interface AnkleMetrics {
  /** Positive work of the ankle actuator on the foot while the foot is on the ground (J). */
  pushOffWork: number;
  /** Negative work while the foot is on the ground (energy the ankle absorbed, J, as a positive number). */
  absorbedWork: number;
  /** Net work of the ankle actuator on the foot, on the ground or not (J): its change over a control step, over the step's duration, is the step's mean ankle power. */
  work: number;
  /** Electrical energy of the AMP-Foot motor (J; 0 for an intact ankle, whose drive counts as a joint). */
  motorEnergy: number;
  /** Largest |ankle actuator torque| (N·m). */
  peakTorque: number;
  /** Largest ankle power while the foot is on the ground (W). */
  peakPower: number;
}

function emptyAnkleMetrics(): AnkleMetrics {
  return { pushOffWork: 0, absorbedWork: 0, work: 0, motorEnergy: 0, peakTorque: 0, peakPower: 0 };
}

/** One robot in its own world. Rebuilt by `reset`. */
export class AmpFootSim {
  readonly params: RobotParams;
  /** Which ankles are AMP-Feet (the others are intact ankles driven like hips and knees). */
  readonly ampFoot: readonly [boolean, boolean];
  engine: Matter.Engine;
  terrain: Terrain;
  walker: Walker;
  readonly feet: [AmpFootState, AmpFootState];
  /** Joint angles (rad) and speeds (rad/s) after the last sub-step, in observation order. */
  readonly q: Float64Array;
  readonly qd: Float64Array;
  /** The actuator torques of the last sub-step (N·m), per joint: motor torques, and the spring torque at an AMP-Foot. */
  readonly driveTorque: Float64Array;
  /**
   * Velocities of the bodies over the last sub-step, in `walker.bodies` order (hull, thigh0, shank0, foot0,
   * thigh1, shank1, foot1): vx, vy (m/s), ω (rad/s). They are measured from the displacement over the step,
   * not read from matter's Verlet state, because matter's constraint solver moves positions after setting
   * `positionPrev`/`anglePrev`, so those differences are not the motion.
   */
  readonly vx: Float64Array;
  readonly vy: Float64Array;
  readonly omega: Float64Array;
  /** Ground contact points (see `Walker.contactSites`). */
  contactPoints: ContactPoint[];
  /** Heel and toe contacts, [heel0, toe0, heel1, toe1] (`contactFlag`): 1 while the ground pushes there. */
  readonly contacts: Uint8Array;
  readonly ankleMetrics: [AnkleMetrics, AnkleMetrics];
  /** Electrical energy of the hip and knee drives (and intact ankles) this episode (J). */
  jointEnergy: number;
  /** Electrical energy over the last control step, all motors (J); the env zeroes it before a step. */
  stepEnergy: number;
  /** Set once the hull touches the ground. */
  hullContact: boolean;
  /** Largest joint gap seen by `measureGaps` this episode (fraction of its segment length). */
  maxGapFraction: number;
  /** Simulated time this episode (s). */
  time: number;
  private readonly prevX: Float64Array;
  private readonly prevY: Float64Array;
  private readonly prevAngle: Float64Array;

  constructor(params: RobotParams, ampFoot: readonly [boolean, boolean] = [true, true]) {
    this.params = params;
    this.ampFoot = ampFoot;
    this.feet = [createAmpFoot(), createAmpFoot()];
    this.q = new Float64Array(JOINT_COUNT);
    this.qd = new Float64Array(JOINT_COUNT);
    this.driveTorque = new Float64Array(JOINT_COUNT);
    this.vx = new Float64Array(BODY_COUNT);
    this.vy = new Float64Array(BODY_COUNT);
    this.omega = new Float64Array(BODY_COUNT);
    this.prevX = new Float64Array(BODY_COUNT);
    this.prevY = new Float64Array(BODY_COUNT);
    this.prevAngle = new Float64Array(BODY_COUNT);
    this.contacts = new Uint8Array(2 * LEG_COUNT);
    this.ankleMetrics = [emptyAnkleMetrics(), emptyAnkleMetrics()];
    this.jointEnergy = 0;
    this.stepEnergy = 0;
    this.hullContact = false;
    this.maxGapFraction = 0;
    this.time = 0;
    this.terrain = flatTerrain();
    this.engine = createEngine();
    this.walker = buildQuietly(() => buildWalker({ x: START_X, y: HIP_HEIGHT, bodyMass: params.bodyMass, pose: [[0, 0, 0], [0, 0, 0]] }));
    this.contactPoints = this.walker.contactSites.map((site) => createContactPoint(site.body, site.local));
  }

  /**
   * Rebuilds the world: terrain from `rng` (rough ground only), the walker at the start in `pose` with its
   * lowest foot corner 1 mm above the ground, every body moving forward at `vx` (m/s).
   */
  reset(rng: Rng, pose: readonly [LegPose, LegPose], vx: number): void {
    this.terrain = this.params.terrainDifficulty > 0 ? roughTerrain(rng, this.params.terrainDifficulty) : flatTerrain();
    this.engine = createEngine();
    this.walker = buildQuietly(() => buildWalker({ x: START_X, y: HIP_HEIGHT, bodyMass: this.params.bodyMass, pose }));
    const { legs, heel, toe } = this.walker;
    let lift = -Infinity;
    const p = { x: 0, y: 0 };
    for (const leg of legs) {
      for (const [lx, ly] of [heel, toe]) {
        localToWorld(leg.foot, lx, ly, p);
        lift = Math.max(lift, terrainHeight(this.terrain, p.x) - p.y);
      }
    }
    for (const body of this.walker.bodies) {
      Matter.Body.setPosition(body, { x: body.position.x, y: body.position.y + (lift + 0.001) * UNITS_PER_M });
      setBodyVelocity(body, vx, 0, 0);
    }
    addToWorld(this.engine, [this.walker.composite]);
    this.contactPoints = this.walker.contactSites.map((site) => createContactPoint(site.body, site.local));
    for (const c of this.contactPoints) clearContact(c);
    this.vx.fill(vx);
    this.vy.fill(0);
    this.omega.fill(0);
    for (const foot of this.feet) Object.assign(foot, createAmpFoot());
    for (const m of this.ankleMetrics) Object.assign(m, emptyAnkleMetrics());
    this.jointEnergy = 0;
    this.stepEnergy = 0;
    this.hullContact = false;
    this.maxGapFraction = 0;
    this.time = 0;
    this.driveTorque.fill(0);
    this.contacts.fill(0);
    this.readJoints();
  }

  /** Updates `q` and `qd` from the bodies and their velocities. */
  readJoints(): void {
    const joints = this.walker.joints;
    for (let j = 0; j < JOINT_COUNT; j++) {
      const joint = joints[j];
      this.q[j] = relativeAngle(joint.bodyA, joint.bodyB, 0);
      this.qd[j] = this.omega[JOINT_CHILD[j]] - this.omega[JOINT_PARENT[j]];
    }
  }

  /**
   * One physics sub-step. `drive` holds the motor torques of the six joints (N·m, observation order) chosen
   * by the env from the current `q`/`qd`; an ankle with an AMP-Foot ignores its entry and gets the AMP-Foot's
   * spring torque under `ankleRate` and `ankleLock` instead, an intact ankle (`ampFoot[i]` false) is driven
   * like a hip or knee.
   */
  substep(drive: Float64Array, ankleRate: Float64Array, ankleLock: readonly boolean[]): void {
    const joints = this.walker.joints;
    const bodies = this.walker.bodies;
    const q = this.q;
    const qd = this.qd;
    const torque = this.driveTorque;
    for (let j = 0; j < JOINT_COUNT; j++) torque[j] = drive[j];
    for (let i = 0; i < LEG_COUNT; i++) {
      const ankle = jointIndex(i, ANKLE);
      if (this.ampFoot[i]) torque[ankle] = stepAmpFoot(this.feet[i], this.params, q[ankle], ankleRate[i], ankleLock[i], DT);
    }
    for (let j = 0; j < JOINT_COUNT; j++) {
      const joint = joints[j];
      const damping = j % JOINTS_PER_LEG === ANKLE ? ANKLE_DAMPING : JOINT_DAMPING;
      const passive = jointLimitTorque(q[j], qd[j], joint.low, joint.high, joint.inertia, DT) + stableSpringDamper(0, qd[j], 0, damping, joint.inertia, DT);
      applyJointTorque(joint.bodyA, joint.bodyB, torque[j] + passive);
    }
    for (const c of this.contactPoints) applyContact(c, this.terrain, bodies[c.body], this.vx, this.vy, this.omega, DT);
    for (let b = 0; b < BODY_COUNT; b++) {
      this.prevX[b] = bodies[b].position.x;
      this.prevY[b] = bodies[b].position.y;
      this.prevAngle[b] = bodies[b].angle;
    }
    stepEngine(this.engine);
    for (let b = 0; b < BODY_COUNT; b++) {
      this.vx[b] = (bodies[b].position.x - this.prevX[b]) / (UNITS_PER_M * DT);
      this.vy[b] = (bodies[b].position.y - this.prevY[b]) / (UNITS_PER_M * DT);
      this.omega[b] = (bodies[b].angle - this.prevAngle[b]) / DT;
    }
    this.time += DT;
    this.readJoints();
    this.account(torque);
    const points = this.contactPoints;
    for (let i = 0; i < LEG_COUNT; i++) {
      this.contacts[contactFlag(i, HEEL_FLAG)] = points[contactIndex(i, HEEL_SITE)].normalForce > 0 ? 1 : 0;
      this.contacts[contactFlag(i, TOE_FLAG)] = points[contactIndex(i, TOE_SITE)].normalForce > 0 ? 1 : 0;
    }
    for (let k = FIRST_HULL_SITE; k < points.length; k++) if (points[k].depth > 0) this.hullContact = true;
  }

  /** Adds the sub-step's electrical energy and ankle work, at the speeds reached over the step. */
  private account(torque: Float64Array): void {
    const qd = this.qd;
    for (let leg = 0; leg < LEG_COUNT; leg++) {
      for (let joint = HIP; joint <= ANKLE; joint++) {
        if (joint === ANKLE && this.ampFoot[leg]) continue; // its energy is the AMP-Foot motor's, below
        const j = jointIndex(leg, joint);
        const e = jointElectricalPower(torque[j], qd[j]) * DT;
        this.jointEnergy += e;
        this.stepEnergy += e;
      }
    }
    for (let i = 0; i < LEG_COUNT; i++) {
      const m = this.ankleMetrics[i];
      const ankle = jointIndex(i, ANKLE);
      const tau = torque[ankle];
      const power = tau * qd[ankle];
      if (Math.abs(tau) > m.peakTorque) m.peakTorque = Math.abs(tau);
      m.work += power * DT;
      if (this.footOnGround(i)) {
        if (power > 0) m.pushOffWork += power * DT;
        else m.absorbedWork -= power * DT;
        if (power > m.peakPower) m.peakPower = power;
      }
      if (this.ampFoot[i]) {
        const e = this.feet[i].motorElectricalPower * DT;
        m.motorEnergy += e;
        this.stepEnergy += e;
      }
    }
  }

  /** True while the ground pushes on any of leg i's foot points (heel, mid-sole, toe). */
  footOnGround(i: number): boolean {
    const points = this.contactPoints;
    return points[contactIndex(i, HEEL_SITE)].normalForce > 0 || points[contactIndex(i, SOLE_SITE)].normalForce > 0 || points[contactIndex(i, TOE_SITE)].normalForce > 0;
  }

  /** Largest joint gap now, as a fraction of the joint's segment length; also updates `maxGapFraction`. */
  measureGaps(): number {
    let worst = 0;
    for (const joint of this.walker.joints) worst = Math.max(worst, jointGap(joint) / joint.segmentLength);
    if (worst > this.maxGapFraction) this.maxGapFraction = worst;
    return worst;
  }

  /** Lidar fractions in [0, 1] from the hull centre: ray i points 1.5·i/10 rad forward of straight down (BipedalWalker-v3). */
  lidar(out: Float64Array): Float64Array {
    const hull = this.walker.hull;
    const x0 = bodyX(hull);
    const y0 = bodyY(hull);
    for (let i = 0; i < LIDAR_RAYS; i++) {
      const a = (LIDAR_SPREAD_RAD * i) / LIDAR_RAYS;
      out[i] = raycastTerrain(this.terrain, x0, y0, x0 + Math.sin(a) * LIDAR_RANGE, y0 - Math.cos(a) * LIDAR_RANGE);
    }
    return out;
  }

  /** Hull x (m). */
  hullX(): number {
    return bodyX(this.walker.hull);
  }

  /** Hull velocity (m/s). */
  hullVelocity(): [number, number] {
    return [this.vx[HULL], this.vy[HULL]];
  }

  /** Frees the world. */
  close(): void {
    Matter.Composite.clear(this.engine.world, false, true);
    Matter.Engine.clear(this.engine);
  }
}
