/**
 * AmpFootWalker-v0 and AmpFootWalkerRough-v0: a planar biped walks on two AMP-Foot powered ankle prostheses.
 *
 * ## Description
 * Gymnasium's BipedalWalker-v3 task (walk to the end of a track within 1,600 steps without falling, lidar
 * included) on a human-sized walker with feet, simulated with matter-js, whose ankles are AMP-Foot actuators
 * (the Ankle Mimicking Prosthetic Foot of the Vrije Universiteit Brussel: Cherelle et al., IEEE TNSRE
 * 22(1), 2014, and https://doi.org/10.1186/s12938-016-0285-8). Each ankle has a foot spring, a push-off spring
 * loaded by a power-limited motor, and a lock that holds the loaded spring until it is released, so a 60 W
 * motor can give several hundred watts of push-off. See `actuators.ts` for the equations, `walker.ts` for
 * the body and envs/robot/README.md for the model. The task follows
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/box2d/bipedal_walker.py
 *
 * ## Observation (Box, float32, shape [38])
 * | Index        | Meaning                                                    | Min | Max |
 * |--------------|------------------------------------------------------------|-----|-----|
 * | 0            | hull angle (rad)                                           | -π  | π   |
 * | 1            | hull angular velocity / 5 (rad/s)                          | -Inf| Inf |
 * | 2, 3         | hull velocity x, y / 2 (m/s)                               | -Inf| Inf |
 * | 4 + 12·i + 0 | leg i: hip angle (rad; flexion +)                          | -π  | π   |
 * | … + 1        | hip speed / 10 (rad/s)                                     | -Inf| Inf |
 * | … + 2        | knee angle (rad; flexion −)                                | -π  | π   |
 * | … + 3        | knee speed / 10                                            | -Inf| Inf |
 * | … + 4        | ankle angle (rad; dorsiflexion +)                          | -π  | π   |
 * | … + 5        | ankle speed / 10                                           | -Inf| Inf |
 * | … + 6, 7     | heel contact, toe contact (0 or 1)                         | 0   | 1   |
 * | … + 8        | push-off spring deflection λ + m (rad)                     | -Inf| Inf |
 * | … + 9        | energy stored in the ankle springs / 50 J                  | 0   | Inf |
 * | … + 10       | lock closed (0 or 1)                                       | 0   | 1   |
 * | … + 11       | motor position m / M_MAX                                   | 0   | 1   |
 * | 28 … 37      | lidar: fraction of 2 m to the ground along ray k, 1.5·k/10 rad forward of down | 0 | 1 |
 * Leg 0 and leg 1 (i = 0, 1) start side by side; neither is "left". The metadata's `mirror` swaps their blocks
 * (observation 4 … 15 with 16 … 27, action 0 … 3 with 4 … 7): the body's symmetry, for PPO's `mirrorCoef`.
 *
 * ## Actions (Box(-1, 1, [8], float32))
 * Per leg i, at indices 4·i … 4·i + 3: hip torque, knee torque (times 150 N·m for 75 kg, within a DC
 * motor's torque–speed line to 10 rad/s), ankle motor rate (times 2 rad/s, cut by the motor power limit),
 * ankle lock (> 0: closed). With the kwarg `control: 'pd'` the hip and knee entries are target angles
 * instead: `a` times the far end of the joint's range, within the range (0: straight, hip ±1 → −0.6 … 1.3 rad,
 * knee −1 → −2 rad), held by a PD drive `300 · (target − q) − 10 · q̇` N·m (for 75 kg) computed at every
 * 2.5 ms sub-step and applied by the same motor (its torque limit and torque–speed line, the same energy
 * count). The ankles are the AMP-Foot's either way. The task and the reward do not change: the PD law is a
 * controller between the policy and the motor, as in Peng & van de Panne, "Learning Locomotion Skills Using
 * DeepRL: Does the Choice of Action Space Matter?" (SCA 2017, https://doi.org/10.1145/3099564.3099567).
 *
 * ## Reward
 * As BipedalWalker-v3: the change of the potential `10 · x − 5 · |hull angle|` (x in m: 10 per metre, so
 * the 36 m track is worth 360), minus 0.01 per joule of electrical energy of all six motors over the step
 * (hip and knee: positive mechanical power plus copper losses; ankles: motor power / 0.8), and −100 when
 * the walker falls (the hull touches the ground or its centre sinks below 0.55 m: standing it is at 1.01 m) or leaves
 * the track backwards (x < 0). Threshold 300 (BipedalWalker-v3's).
 *
 * ## Start state
 * Standing straight with feet level, hips splayed by ±U(−0.1, 0.1) rad, a push of U(−0.1, 0.1) m/s, springs
 * relaxed and locks open. AmpFootWalkerRough-v0's ground is drawn from the seed.
 *
 * ## Episode end
 * Termination: a fall (the hull touches the ground or sinks below 0.55 m) or x < 0 (reward −100), or the hull crosses the finish at
 * x = 37 m (success). Truncation: 1,600 steps (added by `make`).
 *
 * ## Info
 * Episode totals so far (final at the last step): `distance` (m), `pushOffWork` (J, positive ankle work of
 * both ankles), `motorEnergy` (J, electrical, ankle motors), `jointEnergy` (J, hip and knee motors),
 * `peakAnkleTorque` (N·m), `peakAnklePower` (W), `peakPowerRatio` (peak ankle power / motor power limit,
 * the AMP-Foot claim), `costOfTransport` (all motor energy / (m g distance); null before 0.5 m).
 *
 * ## Kwargs
 * `bodyMass` (kg, 75), `maxAnkleTorque` (N·m, 120), `motorPowerLimit` (W, 60), `springStiffness` (push-off
 * spring, N·m/rad, 400), `lockEnabled` (true; false: a passive spring foot), `terrainDifficulty` (0 flat …
 * 1; Rough-v0 registers 1), `renderLidar` (false), `pushImpulse` (N·s, 0: off) and `pushInterval` (s, 2):
 * with pushes on, a horizontal impulse of `pushImpulse` hits the hull's centre of mass, forward or backward
 * at random, after gaps drawn uniformly from 0.5 to 1.5 times `pushInterval` (the first one too); it acts
 * as a force of `pushImpulse / 2.5 ms` over one physics sub-step. Push times and directions come from the
 * env's seeded physics stream (MuJoCo Playground's push perturbations for locomotion,
 * https://github.com/google-deepmind/mujoco_playground). With pushes off nothing is drawn, so every
 * trajectory stays as it was. `control` (`'torque'`; or `'pd'`: see Actions). `assist` (0; see Curriculum). `energyCostWeight` (0.01 per J) is the energy term's weight, as Gymnasium's
 * MuJoCo envs take `ctrl_cost_weight`; the env's task, threshold and tables use the default.
 *
 * ## Curriculum
 * `curriculumProgress` (1 unless a trainer with `curriculumSteps` sets it) scales the energy term: from 0,
 * energy is free and standing still is worth more than falling, then the price rises to the task's. Without
 * it, standing for the 1,600 steps can cost as much energy as a fall (−100), and PPO can settle on lunging
 * forward and falling (bench/LEARNING.md, issue 22). No other term changes: progress and falls weigh the same
 * throughout, and nothing rewards a particular gait.
 * `assist` (0: off) adds training wheels that fade on the same schedule: at strength `assist · (1 − progress)`
 * a hand holds the hull upright (500 N·m/rad, 50 N·m·s/rad), a harness draws it toward 1.5 m/s (150 N per m/s
 * short) and carries 40 % of the body's weight, all at full strength: the physical-assistance curriculum of Yu,
 * Turk & Liu, "Learning Symmetric and Low-Energy Locomotion" (SIGGRAPH 2018, https://arxiv.org/abs/1801.08093).
 * They are external forces (no motor energy) and vanish at progress 1, so an env that no trainer drives, such
 * as `dojo eval`'s, is never assisted.
 *
 * ## Version history
 * - v0: initial version (a fall includes the hull sinking below 0.55 m: sitting on folded legs was a safe
 *   place to stay).
 */
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { PD_DAMPING, PD_STIFFNESS, jointMotorTorque, pdCommand, pdTarget, stableSpringDamper, wrapAngle } from './actuators.ts';
import { ACT_SIZE, AMP_FOOT_METADATA, AMP_FOOT_WALKER_DEFAULTS, FALL_REWARD, MAX_JOINT_TORQUE, hasFallen, isUnitAction, observe, robotParams, episodeInfo, walkerObservationSpace } from './common.ts';
import { robotScene } from './render.ts';
import { AmpFootSim, LIDAR_RAYS } from './sim.ts';
import { HULL, JOINT_LIMITS } from './walker.ts';
import { DT, GRAVITY, SUBSTEPS, addForceAt, addTorque, bodyX, bodyY, inertiaOf } from './world.ts';

/** Reward per metre of forward progress. */
export const PROGRESS_REWARD_PER_M = 10;
/** Weight of |hull angle| in the potential (BipedalWalker-v3's 5). */
export const UPRIGHT_WEIGHT = 5;
/** The training assistance at full strength: the hull's angular stiffness (N·m/rad) and damping (N·m·s/rad), … */
export const ASSIST_STIFFNESS = 500;
export const ASSIST_DAMPING = 50;
/** … and the harness: the speed it draws toward (m/s) and its pull per m/s short of it (N·s/m). */
export const ASSIST_SPEED = 1.5;
export const ASSIST_PULL = 150;
/** … and the share of the body's weight it carries (body-weight support, as in gait training on a treadmill). */
export const ASSIST_SUPPORT = 0.4;
/** Reward cost per joule of electrical energy (the default of the `energyCostWeight` kwarg). */
export const ENERGY_COST_PER_J = AMP_FOOT_WALKER_DEFAULTS.energyCostWeight;

/** The AMP-Foot walker env (flat or rough ground). */
export class AmpFootWalker implements Env<Float32Array, Float32Array> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AmpFootWalker;
  /** Physics random stream (start state and terrain). */
  readonly rng: Rng;
  /** The simulation (public for tests and the scripted gaits). */
  readonly sim: AmpFootSim;
  private readonly renderLidar: boolean;
  private readonly maxJointTorque: number;
  /** Under `control: 'pd'`, the step's hip and knee target angles (rad; leg i's at 2·i, 2·i + 1); null under torque control. */
  private readonly pdTargets: Float64Array | null;
  /** The PD drives' gains (N·m/rad, N·m·s/rad) under `control: 'pd'`, scaled with the body mass like the torque. */
  private readonly pdStiffness: number;
  private readonly pdDamping: number;
  private readonly lidar: Float64Array;
  private readonly drive: Float64Array;
  private readonly ankleRate: Float64Array;
  private readonly ankleLock: boolean[];
  private readonly pushImpulse: number;
  private readonly pushInterval: number;
  /** Strength of the training assistance at curriculum progress 0 (the `assist` kwarg). */
  private readonly assist: number;
  /** Reward cost per joule of motor energy (the `energyCostWeight` kwarg). */
  energyCostWeight: number;
  /** The training curriculum (see `Env.curriculumProgress`): the energy term weighs `energyCostWeight` times this. */
  curriculumProgress: number;
  /** Simulated time of the next push (s; ∞ with pushes off). */
  private nextPushTime: number;
  private prevShaping: number;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('AmpFootWalker-v0', { metadata: AMP_FOOT_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, AMP_FOOT_WALKER_DEFAULTS);
    if (!(args.pushImpulse >= 0)) throw new ConfigError(`${spec.id}: kwarg "pushImpulse" must be ≥ 0 N·s (0: no pushes), received ${args.pushImpulse}`);
    if (!(args.pushInterval > 0)) throw new ConfigError(`${spec.id}: kwarg "pushInterval" must be > 0 s, received ${args.pushInterval}`);
    if (args.control !== 'torque' && args.control !== 'pd') throw new ConfigError(`${spec.id}: kwarg "control" must be "torque" (an action is a fraction of the hip or knee motor's torque) or "pd" (a target angle tracked by a PD drive), received ${JSON.stringify(args.control)}`);
    if (!(args.assist >= 0)) throw new ConfigError(`${spec.id}: kwarg "assist" must be ≥ 0 (the training assistance's strength at the curriculum's start; 0: none), received ${args.assist}`);
    if (!(args.energyCostWeight >= 0)) throw new ConfigError(`${spec.id}: kwarg "energyCostWeight" must be ≥ 0 per J (default ${ENERGY_COST_PER_J}), received ${args.energyCostWeight}`);
    this.observationSpace = walkerObservationSpace();
    this.actionSpace = box(-1, 1, { shape: [ACT_SIZE] });
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.sim = new AmpFootSim(robotParams(spec.id, args));
    this.renderLidar = args.renderLidar;
    this.maxJointTorque = (MAX_JOINT_TORQUE * args.bodyMass) / 75;
    this.pdTargets = args.control === 'pd' ? new Float64Array(4) : null;
    this.pdStiffness = (PD_STIFFNESS * args.bodyMass) / 75;
    this.pdDamping = (PD_DAMPING * args.bodyMass) / 75;
    this.lidar = new Float64Array(LIDAR_RAYS).fill(1);
    this.drive = new Float64Array(6);
    this.ankleRate = new Float64Array(2);
    this.ankleLock = [false, false];
    this.pushImpulse = args.pushImpulse;
    this.pushInterval = args.pushInterval;
    this.energyCostWeight = args.energyCostWeight;
    this.assist = args.assist;
    this.curriculumProgress = 1;
    this.nextPushTime = Infinity;
    this.prevShaping = 0;
    this.phase = 'needs-reset';
  }

  /** Rebuilds the world (rough ground from the seed) and stands the walker at the start. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const splay = this.rng.uniform(-0.1, 0.1);
    const push = this.rng.uniform(-0.1, 0.1);
    this.sim.reset(this.rng, [[splay, 0, -splay], [-splay, 0, splay]], push);
    this.nextPushTime = this.pushImpulse > 0 ? this.pushGap() : Infinity;
    this.prevShaping = this.shaping();
    this.phase = 'running';
    return { obs: observe(this.sim, this.sim.lidar(this.lidar)), info: episodeInfo(this.sim, [0, 1]) };
  }

  /** One 20 ms control step: eight 2.5 ms physics sub-steps under the action. */
  step(action: Float32Array): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (!isUnitAction(action, ACT_SIZE)) throw actionError(this.spec.id, this.actionSpace, action);
    const sim = this.sim;
    for (let i = 0; i < 2; i++) {
      this.ankleRate[i] = action[4 * i + 2];
      this.ankleLock[i] = action[4 * i + 3] > 0;
    }
    sim.stepEnergy = 0;
    const target = this.pdTargets;
    if (target !== null) {
      for (let i = 0; i < 2; i++) {
        target[2 * i] = pdTarget(action[4 * i], JOINT_LIMITS.hip);
        target[2 * i + 1] = pdTarget(action[4 * i + 1], JOINT_LIMITS.knee);
      }
    }
    const assistance = this.assist * Math.max(0, 1 - this.curriculumProgress);
    for (let k = 0; k < SUBSTEPS; k++) {
      for (let i = 0; i < 2; i++) {
        for (let joint = 0; joint < 2; joint++) { // hip, knee; the ankle is the AMP-Foot's
          const j = 3 * i + joint;
          const a = target === null ? action[4 * i + joint] : pdCommand(target[2 * i + joint], sim.q[j], sim.qd[j], this.pdStiffness, this.pdDamping, this.maxJointTorque);
          this.drive[j] = jointMotorTorque(a, this.maxJointTorque, sim.qd[j]);
        }
      }
      if (sim.time >= this.nextPushTime) this.pushHull();
      if (assistance > 0) this.assistHull(assistance);
      sim.substep(this.drive, this.ankleRate, this.ankleLock);
    }
    const shaping = this.shaping();
    let reward = shaping - this.prevShaping - this.energyCostWeight * this.curriculumProgress * sim.stepEnergy;
    this.prevShaping = shaping;
    const x = sim.hullX();
    let terminated = false;
    if (hasFallen(sim) || x < 0) {
      reward = FALL_REWARD;
      terminated = true;
    } else if (x > sim.terrain.finishX) {
      terminated = true;
    }
    if (terminated) this.phase = 'terminated';
    return { obs: observe(sim, sim.lidar(this.lidar)), reward, terminated, truncated: false, info: episodeInfo(sim, [0, 1]) };
  }

  /**
   * The training assistance for the coming sub-step, at strength `s` (1: full): a hand that holds the hull
   * upright (a spring-damper on its angle) and a harness that draws it toward `ASSIST_SPEED` (a force on its
   * centre), as the curriculum of Yu, Turk & Liu (SIGGRAPH 2018). External forces: no motor energy.
   */
  private assistHull(s: number): void {
    const hull = this.sim.walker.hull;
    addTorque(hull, stableSpringDamper(wrapAngle(hull.angle), this.sim.omega[HULL], s * ASSIST_STIFFNESS, s * ASSIST_DAMPING, inertiaOf(hull), DT));
    addForceAt(hull, bodyX(hull), bodyY(hull), s * ASSIST_PULL * (ASSIST_SPEED - this.sim.vx[HULL]), s * ASSIST_SUPPORT * this.sim.params.bodyMass * GRAVITY);
  }

  /** The time to the next push (s), from the physics stream. */
  private pushGap(): number {
    return this.pushInterval * this.rng.uniform(0.5, 1.5);
  }

  /** Pushes the hull forward or backward (at random) for the coming sub-step, and schedules the next push. */
  private pushHull(): void {
    const hull = this.sim.walker.hull;
    const direction = this.rng.random() < 0.5 ? -1 : 1;
    addForceAt(hull, bodyX(hull), bodyY(hull), (direction * this.pushImpulse) / DT, 0);
    this.nextPushTime += this.pushGap();
  }

  private shaping(): number {
    return PROGRESS_REWARD_PER_M * this.sim.hullX() - UPRIGHT_WEIGHT * Math.abs(wrapAngle(this.sim.walker.hull.angle));
  }

  /** The walker, its AMP-Feet and the terrain (lidar rays with `renderLidar`). */
  render(): Scene {
    const info = episodeInfo(this.sim, [0, 1]);
    const hud = `x ${(info.distance as number).toFixed(1)} m   push-off ${(info.pushOffWork as number).toFixed(0)} J   ankle motors ${(info.motorEnergy as number).toFixed(0)} J`;
    return robotScene(this.sim, { lidar: this.renderLidar ? this.lidar : undefined, hud });
  }

  /** Frees the world. */
  close(): void {
    this.sim.close();
  }
}
