/**
 * AmpFootProsthesis-v1 (and v0): only the prosthesis learns. A walker follows a reference gait; the agent controls
 * the AMP-Foot of one leg (its motor rate and its lock) and should reproduce healthy push-off (positive
 * ankle work late in stance) with as little motor energy as it can.
 *
 * ## Description
 * The walker of AmpFootWalker-v0 (see `walker.ts`) walks in a test rig (`rig.ts`: a boom holds the hull level,
 * a carriage guides it forward at 1 m/s through a soft spring). Both hips and knees and the intact ankle of
 * leg 1 track the joint trajectories of normal walking with PD drives, stepping on foot contact and placing
 * the swing foot by the hull's speed (`gait.ts`, after SIMBICON). Leg 0's ankle is an AMP-Foot (Cherelle et
 * al., "Design and validation of the Ankle Mimicking Prosthetic (AMP-) Foot 2.0", IEEE TNSRE 22(1), 2014;
 * https://doi.org/10.1186/s12938-016-0285-8 for the AMP-Foot 3): a motor slowly loads a push-off spring while a lock holds it,
 * and releasing the lock late in stance gives the push-off. The fixed-timing controller in `baseline.ts` is
 * the baseline to beat on motor energy at the same speed.
 *
 * ## Observation (Box, float32, shape [40])
 * Indices 0–37 as AmpFootWalker-v0 (hull, both legs' joints, contacts and AMP-Foot states; leg 1's AMP-Foot
 * entries stay 0 because its ankle is intact; lidar). Then:
 * | Index | Meaning                                     | Min | Max |
 * |-------|---------------------------------------------|-----|-----|
 * | 38    | sin(2π · gait phase of leg 0)               | -1  | 1   |
 * | 39    | cos(2π · gait phase of leg 0)               | -1  | 1   |
 * The phase is 0 at leg 0's heel strike and 0.5 at the other leg's.
 *
 * ## Actions (Box(-1, 1, [2], float32))
 * 0: the AMP-Foot motor rate (times 2 rad/s, cut by the motor power limit); 1: the lock (> 0: closed).
 *
 * ## Reward
 * v1, per step: `10 · Δx` (forward progress in m; the carriage pace gives about 0.2), minus
 * `0.5 · Σ (q − q_ref)²` over leg 0's hip, knee and ankle angles (gait tracking, rad²), minus `0.35` per joule
 * of electrical energy of the AMP-Foot motor, plus push-off: `1` per joule of net ankle work done on the
 * ground in late stance (leg 0's gait phase ≥ 0.4, `LATE_STANCE_PHASE`) since the prosthesis's last heel
 * strike, counted up to the healthy 0.15 J/kg per stride (11.25 J at 75 kg; the running total is clipped,
 * so work the ankle absorbs in late stance must be returned before it pays again). −100 when the walker
 * falls (the hull touches the ground or sinks below 0.55 m). No threshold.
 *
 * v0 paid for net ankle work anywhere in the stride and charged `0.05` per motor joule. Net work can only
 * come from the motor, at up to 0.8 J per joule, so under v0 buying push-off with the motor paid, and PPO
 * learned to drive the foot through the springs at the motor's power limit with the lock open: three times
 * the fixed-timing baseline's motor energy and no late-stance release (envs/robot/README.md). v1 counts the
 * work only when the healthy ankle does it, which at a 60 W motor only a lock that holds energy until late
 * stance can deliver (driving through the springs in late stance gives ~1 J per stride), and prices a motor
 * joule at 0.35, below the ≈ 0.5 J of late-stance work it returns through the catapult, so loading pays up to
 * the healthy target and no further.
 *
 * ## Start state
 * Leg 0 at heel strike and leg 1 half a cycle later in the reference pose, moving at U(0.9, 1.1) m/s.
 *
 * ## Episode end
 * Termination: a fall (−100). Truncation: 1,600 steps (added by `make`).
 *
 * ## Info
 * For the prosthesis (leg 0): `distance`, `pushOffWork`, `motorEnergy`, `peakAnkleTorque`, `peakAnklePower`,
 * `peakPowerRatio`, `costOfTransport` (as AmpFootWalker-v0); also `intactPushOffWork` (J, leg 1's ankle),
 * `trackingError` (mean squared error per step, rad²), `assistWork` (J, the carriage's positive work),
 * `lateStanceWork` (J, net ankle work on the ground in late stance: what v1's push-off term counts).
 *
 * ## Kwargs
 * As AmpFootWalker-v0 (`bodyMass`, `maxAnkleTorque`, `motorPowerLimit`, `springStiffness`, `lockEnabled`,
 * `terrainDifficulty`, `renderLidar`).
 *
 * ## Version history
 * - v1: push-off pays only for late-stance ankle work; motor energy costs 0.35 per joule (was 0.05). Same
 *   dynamics, observations and info (`lateStanceWork` added to both).
 * - v0: initial version.
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvSpec, type EpisodePhase, type Info, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { AMP_FOOT_DEFAULTS, AMP_FOOT_PROSTHESIS_METADATA, FALL_REWARD, OBS_SIZE, episodeInfo, hasFallen, isUnitAction, observe, robotParams, walkerObservationSpace } from './common.ts';
import { DEFAULT_GAIT_GAINS, advanceGait, createGait, gaitTorques, legPhase, referencePose, type GaitState } from './gait.ts';
import { robotScene } from './render.ts';
import { applyRig, createRig, type RigState } from './rig.ts';
import { AmpFootSim, LIDAR_RAYS } from './sim.ts';
import { DT, SUBSTEPS } from './world.ts';

/** The leg with the AMP-Foot. */
export const PROSTHESIS_LEG = 0;
/** Reward per metre of forward progress. */
export const PROGRESS_REWARD_PER_M = 10;
/** Reward cost per rad² of squared tracking error of the prosthetic leg's joints. */
export const TRACKING_WEIGHT = 0.5;
/** v0: reward cost per joule of AMP-Foot motor energy. */
export const MOTOR_ENERGY_COST_PER_J = 0.05;
/** Reward per joule of net ankle work on the ground within a stride (v1: in late stance), up to the healthy target. */
export const PUSH_OFF_REWARD_PER_J = 1;
/**
 * Healthy net ankle work per stride (J/kg): the ankle gives about 0.25 J/kg in push-off and takes about
 * 0.1 J/kg in controlled dorsiflexion at normal walking speed (Winter 2009, ch. 7).
 */
export const PUSH_OFF_TARGET_J_PER_KG = 0.15;

/**
 * v1: where late stance begins (leg 0's gait phase). Push-off pays only for ankle work done on the ground
 * from here to toe-off (near 0.6): the other foot has landed (the phase reaches 0.5 at its heel strike, see
 * `gait.ts`) or is about to, which is when the healthy ankle's push-off burst comes (Winter 2009, ch. 7).
 */
export const LATE_STANCE_PHASE = 0.4;
/**
 * v1: reward cost per joule of AMP-Foot motor energy (v0: `MOTOR_ENERGY_COST_PER_J`). Scripted loads show a
 * motor joule returning ≈ 0.5 J of late-stance work through the lock; PPO (seed 1, 2M steps) at 0.25 spent
 * as much as the fixed-timing baseline, at 0.35 41 % less for 97 % of its late-stance work, at 0.5 90 % less
 * for half of it (envs/robot/README.md).
 */
export const MOTOR_ENERGY_COST_PER_J_V1 = 0.35;

/** The prosthesis env (`version` 0 or 1: the reward; everything else is the same). */
export class AmpFootProsthesis implements Env<Float32Array, Float32Array> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AmpFootProsthesis;
  /** Physics random stream (start state, terrain). */
  readonly rng: Rng;
  /** The simulation (public for tests). */
  readonly sim: AmpFootSim;
  /** The reference gait's state. */
  gait: GaitState;
  /** The test rig's state. */
  rig: RigState;
  private readonly renderLidar: boolean;
  private readonly lidar: Float64Array;
  private readonly drive: Float64Array;
  private readonly ankleRate: Float64Array;
  private readonly ankleLock: boolean[];
  private trackingSum: number;
  private steps: number;
  /** The push-off term's running total since the prosthesis's last heel strike (J): net ankle work on the ground (v1: in late stance only). */
  private strideWork: number;
  /** v1's push-off measure: net ankle work on the ground in late stance, this episode (J). */
  private lateStanceWork: number;
  private readonly pushOffTarget: number;
  private phase: EpisodePhase;
  /** The reward's version: 0 (net work anywhere in the stride, cheap motor) or 1 (late-stance work, motor priced). */
  readonly version: 0 | 1;
  private readonly motorCost: number;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec?: EnvSpec, version: 0 | 1 = 0) {
    this.version = version;
    spec ??= bareSpec(`AmpFootProsthesis-v${version}`, { metadata: AMP_FOOT_PROSTHESIS_METADATA });
    const args = parseKwargs(spec.id, kwargs, AMP_FOOT_DEFAULTS);
    const obsSpace = walkerObservationSpace();
    const low = new Float32Array(OBS_SIZE + 2);
    const high = new Float32Array(OBS_SIZE + 2);
    low.set(obsSpace.low);
    high.set(obsSpace.high);
    low.fill(-1, OBS_SIZE);
    high.fill(1, OBS_SIZE);
    this.observationSpace = box(low, high);
    this.actionSpace = box(-1, 1, { shape: [2] });
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.sim = new AmpFootSim(robotParams(spec.id, args), [true, false]);
    this.gait = createGait();
    this.rig = createRig();
    this.renderLidar = args.renderLidar;
    this.lidar = new Float64Array(LIDAR_RAYS).fill(1);
    this.drive = new Float64Array(6);
    this.ankleRate = new Float64Array(2);
    this.ankleLock = [false, false];
    this.trackingSum = 0;
    this.steps = 0;
    this.strideWork = 0;
    this.lateStanceWork = 0;
    this.pushOffTarget = PUSH_OFF_TARGET_J_PER_KG * args.bodyMass;
    this.motorCost = version === 0 ? MOTOR_ENERGY_COST_PER_J : MOTOR_ENERGY_COST_PER_J_V1;
    this.phase = 'needs-reset';
  }

  /** Starts the walker at leg 0's heel strike in the reference pose. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const speed = this.rng.uniform(0.9, 1.1);
    this.sim.reset(this.rng, [referencePose(0), referencePose(0.5)], speed);
    this.gait = createGait();
    this.rig = createRig();
    this.trackingSum = 0;
    this.steps = 0;
    this.strideWork = 0;
    this.lateStanceWork = 0;
    this.phase = 'running';
    return { obs: this.observe(), info: this.info() };
  }

  /** One 20 ms control step: eight 2.5 ms sub-steps of the reference gait with the agent's AMP-Foot commands. */
  step(action: Float32Array): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (!isUnitAction(action, 2)) throw actionError(this.spec.id, this.actionSpace, action);
    const sim = this.sim;
    this.ankleRate[PROSTHESIS_LEG] = action[0];
    this.ankleLock[PROSTHESIS_LEG] = action[1] > 0;
    const x0 = sim.hullX();
    const ankle = sim.ankleMetrics[PROSTHESIS_LEG];
    const motor0 = ankle.motorEnergy;
    let pushOffReward = 0;
    for (let k = 0; k < SUBSTEPS; k++) {
      gaitTorques(sim, this.gait, DEFAULT_GAIT_GAINS, this.drive);
      applyRig(this.rig, sim, DT);
      const net0 = ankle.pushOffWork - ankle.absorbedWork;
      sim.substep(this.drive, this.ankleRate, this.ankleLock);
      const before = Math.min(this.strideWork, this.pushOffTarget);
      const net = ankle.pushOffWork - ankle.absorbedWork - net0;
      const late = legPhase(this.gait, PROSTHESIS_LEG) >= LATE_STANCE_PHASE;
      if (late) this.lateStanceWork += net;
      if (this.version === 0 || late) this.strideWork += net;
      pushOffReward += PUSH_OFF_REWARD_PER_J * (Math.min(this.strideWork, this.pushOffTarget) - before);
      const stance = this.gait.stance;
      advanceGait(this.gait, sim, DT);
      if (this.gait.stance !== stance && this.gait.stance === PROSTHESIS_LEG) this.strideWork = 0;
    }
    const ref = referencePose(legPhase(this.gait, PROSTHESIS_LEG));
    let tracking = 0;
    for (let j = 0; j < 3; j++) {
      const e = sim.q[3 * PROSTHESIS_LEG + j] - ref[j];
      tracking += e * e;
    }
    this.trackingSum += tracking;
    this.steps++;
    const motorEnergy = sim.ankleMetrics[PROSTHESIS_LEG].motorEnergy - motor0;
    let reward = PROGRESS_REWARD_PER_M * (sim.hullX() - x0) - TRACKING_WEIGHT * tracking - this.motorCost * motorEnergy + pushOffReward;
    const terminated = hasFallen(sim);
    if (terminated) {
      reward = FALL_REWARD;
      this.phase = 'terminated';
    }
    return { obs: this.observe(), reward, terminated, truncated: false, info: this.info() };
  }

  private observe(): Float32Array {
    const base = observe(this.sim, this.sim.lidar(this.lidar));
    const obs = new Float32Array(OBS_SIZE + 2);
    obs.set(base);
    const phase = legPhase(this.gait, PROSTHESIS_LEG);
    obs[OBS_SIZE] = Math.sin(2 * Math.PI * phase);
    obs[OBS_SIZE + 1] = Math.cos(2 * Math.PI * phase);
    return obs;
  }

  private info(): Info {
    return {
      ...episodeInfo(this.sim, [PROSTHESIS_LEG]),
      intactPushOffWork: this.sim.ankleMetrics[1 - PROSTHESIS_LEG].pushOffWork,
      lateStanceWork: this.lateStanceWork,
      trackingError: this.steps > 0 ? this.trackingSum / this.steps : 0,
      assistWork: this.rig.assistWork,
    };
  }

  /** The walker with the prosthesis highlighted (lidar rays with `renderLidar`). */
  render(): Scene {
    const m = this.sim.ankleMetrics[PROSTHESIS_LEG];
    const hud = `x ${(this.sim.hullX() - 1).toFixed(1)} m   push-off ${m.pushOffWork.toFixed(0)} J   motor ${m.motorEnergy.toFixed(0)} J   peak ${m.peakPower.toFixed(0)} W`;
    return robotScene(this.sim, { lidar: this.renderLidar ? this.lidar : undefined, highlightLeg: PROSTHESIS_LEG, hud });
  }

  /** Frees the world. */
  close(): void {
    this.sim.close();
  }
}
