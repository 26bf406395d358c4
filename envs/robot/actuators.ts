/**
 * Actuators of the robot envs, in SI units and plain data: joint torques (BipedalWalker-style velocity
 * servos, limits, damping), the AMP-Foot ankle (a power-limited motor, a series push-off spring, a lock), the
 * electrical power of each motor.
 *
 * matter-js has no joint motors and no joint limits, so every joint torque is computed here at every physics
 * sub-step and applied as equal and opposite torques on the joint's two bodies (`applyJointTorque`); matter
 * clears `body.torque` after each update. Stiff torques (joint limits, damping, the servo gain) use the
 * implicit "stable PD" form of Tan, Liu & Turk (2011), https://doi.org/10.1109/MCG.2011.30, so they stay
 * stable at the 2.5 ms step however stiff they are.
 *
 * ## The AMP-Foot actuator
 * The AMP-Foot 2.0 (Cherelle, Grosu, Matthys, Vanderborght, Lefeber, "Design and validation of the
 * Ankle Mimicking Prosthetic (AMP-) Foot 2.0", IEEE TNSRE 22(1):138–148, 2014; summarised with its
 * successor in Cherelle et al., "The AMP-Foot 3", BioMedical Engineering OnLine 15(Suppl 3):145, 2016,
 * https://doi.org/10.1186/s12938-016-0285-8) drives the ankle with an "explosive elastic actuator": a
 * small motor slowly loads a push-off spring while a lock holds the lever the spring acts on; releasing the
 * lock at push-off delivers the stored energy in a fraction of the time it took to store, like a catapult.
 * Our planar model keeps that structure with a massless lever:
 *
 *     shank ──[ lock ]── lever λ ──K_PF── foot (ankle angle φ)
 *                          └─────K_PO── motor (position m)
 *
 * - φ: ankle angle, foot relative to shank, dorsiflexion (toe up) positive; m ∈ [0, M_MAX]: the motor's
 *   pre-tension of the push-off spring, as an angle at the ankle; λ: lever angle.
 * - Springs: the foot spring K_PF between lever and foot, torque on the foot `τ = −k_pf (φ − λ)`; the
 *   push-off spring K_PO (`springStiffness`) between motor and lever, torque on the motor `τ_m = k_po (λ + m)`.
 * - Locked: λ is held where it was when the lock engaged; the foot only feels K_PF, and motor work goes
 *   into K_PO (energy ½ k_po (λ + m)²) without reaching the foot.
 * - Open: the massless lever sits where the two spring torques balance, `λ = (k_pf φ − k_po m) / (k_pf + k_po)`,
 *   so the ankle sees both springs in series, `τ = −k_pf k_po / (k_pf + k_po) · (φ + m)`. Releasing the lock
 *   moves λ there at once; if the two spring torques differed, the difference's energy
 *   `(τ_pf − τ_po)² / (2 (k_pf + k_po))` is lost, as in a lever that slams.
 * - Motor: the rate command `u ∈ [−1, 1]` asks for `ṁ = u · MOTOR_SPEED`; the rate is cut so the
 *   mechanical power `|τ_m ṁ|` (at the load reached over the step) stays within `motorPowerLimit`, the
 *   motor cannot load K_PO beyond
 *   `maxAnkleTorque` (its spindle's force limit), and m stays in [0, M_MAX]. The spindle is not back-drivable:
 *   holding a load costs no power. Electrical power is `max(τ_m ṁ, 0) / MOTOR_EFFICIENCY`.
 * - Passive mode (`lockEnabled: false`): no motor and no lock; the lever stays at λ = 0 and the ankle is a
 *   passive spring foot of stiffness k_pf (the energy-storing foot AMP-Foot is compared with).
 */
import Matter from 'matter-js';
import { addTorque } from './world.ts';

// ── joints ──

/** Relative angle of body B to body A minus `reference` (rad), wrapped to [−π, π). */
export function relativeAngle(bodyA: Matter.Body, bodyB: Matter.Body, reference: number): number {
  return wrapAngle(bodyB.angle - bodyA.angle - reference);
}

/** An angle mapped into [−π, π). */
export function wrapAngle(a: number): number {
  const period = 2 * Math.PI;
  let r = (a + Math.PI) % period;
  if (r < 0) r += period;
  return r - Math.PI;
}

/** Applies a joint torque [N·m]: `+τ` on body B (the child) and `−τ` on body A (the parent), so no net torque enters the system. */
export function applyJointTorque(bodyA: Matter.Body, bodyB: Matter.Body, torqueNm: number): void {
  addTorque(bodyB, torqueNm);
  addTorque(bodyA, -torqueNm);
}

/**
 * An estimate of the inertia of a pin joint's relative rotation (kg·m²): the reduced inertia of the two
 * bodies about the pin, each taken as its own inertia plus the pair's reduced mass times the squared distance
 * from its centre to the pin. It lies between Box2D's motor mass `1 / (1/IA + 1/IB)` (too small: it ignores
 * that a pinned body swings about the pin) and the inertia about the pin with the other body held fixed.
 */
export function jointInertia(massA: number, inertiaA: number, distA: number, massB: number, inertiaB: number, distB: number): number {
  const mu = (massA * massB) / (massA + massB);
  const a = inertiaA + mu * distA * distA;
  const b = inertiaB + mu * distB * distB;
  return (a * b) / (a + b);
}

/**
 * Spring-damper torque toward q = 0, solved implicitly over one step (stable PD, Tan et al. 2011):
 * `τ = −(k q + (d + k dt) q̇) / (1 + dt (d + k dt) / I)`, with `I` the reduced inertia of the joint. Equals
 * `−k q − d q̇` for small dt; never overshoots for large k or d.
 */
export function stableSpringDamper(q: number, qDot: number, k: number, d: number, inertia: number, dt: number): number {
  const c = d + k * dt;
  return -(k * q + c * qDot) / (1 + (dt * c) / inertia);
}

/** Stiffness of the joint-limit stops (N·m/rad). */
export const LIMIT_STIFFNESS = 10000;
/** Damping of the joint-limit stops (N·m·s/rad). */
export const LIMIT_DAMPING = 30;
/** Passive viscous damping of the hips and knees (N·m·s/rad). */
export const JOINT_DAMPING = 0.5;
/** Viscous damping of the ankles (N·m·s/rad): friction in the AMP-Foot's lever and springs, which also damps the foot's swing on its spring. */
export const ANKLE_DAMPING = 2.0;

/** Torque of the stops at `[low, high]` (zero inside the range), implicit spring-damper past either stop. */
export function jointLimitTorque(q: number, qDot: number, low: number, high: number, inertia: number, dt: number): number {
  if (q > high) return Math.min(0, stableSpringDamper(q - high, qDot, LIMIT_STIFFNESS, LIMIT_DAMPING, inertia, dt));
  if (q < low) return Math.max(0, stableSpringDamper(q - low, qDot, LIMIT_STIFFNESS, LIMIT_DAMPING, inertia, dt));
  return 0;
}

/** No-load speed of the hip and knee drives (rad/s): the available torque falls linearly to zero there. */
export const JOINT_MAX_SPEED = 10;

/**
 * Torque of a hip or knee drive for the action `a` in [−1, 1]: `a · maxTorque` (BipedalWalker-v3 scales its
 * motors' torque by the action the same way), within a DC motor's torque–speed line: while driving the joint
 * in the direction it already turns, at most `maxTorque · (1 − |ω| / JOINT_MAX_SPEED)`; braking is not cut.
 */
export function jointMotorTorque(a: number, maxTorque: number, omega: number): number {
  const tau = a * maxTorque;
  if (tau * omega <= 0) return tau;
  const cap = maxTorque * Math.max(0, 1 - Math.abs(omega) / JOINT_MAX_SPEED);
  return tau > cap ? cap : tau < -cap ? -cap : tau;
}

/** Stiffness of the hip and knee PD drives under the walkers' `control: 'pd'`, for a 75 kg body (N·m/rad): full torque 0.5 rad from the target. */
export const PD_STIFFNESS = 300;
/** Damping of those PD drives for a 75 kg body (N·m·s/rad). */
export const PD_DAMPING = 10;

/**
 * The target angle (rad) of a PD-driven joint for the action `a` in [−1, 1]: `a` times the larger end of the
 * joint's range `[low, high]`, within the range. So 0 is the straight standing pose, and ±1 reach the far ends.
 */
export function pdTarget(a: number, [low, high]: readonly [number, number]): number {
  const target = a * Math.max(-low, high);
  return target < low ? low : target > high ? high : target;
}

/**
 * The torque command in [−1, 1] (a fraction of `maxTorque`) of a PD drive holding `target`: `kp · (target − q) − kd · q̇`,
 * cut at full torque. The motor then applies it as a torque action (`jointMotorTorque`), so the torque–speed line
 * and the electrical energy are the same as under torque control.
 */
export function pdCommand(target: number, q: number, qDot: number, kp: number, kd: number, maxTorque: number): number {
  const a = (kp * (target - q) - kd * qDot) / maxTorque;
  return a > 1 ? 1 : a < -1 ? -1 : a;
}

/** Motor constant of the hip and knee drives at the joint (N·m/√W): holding 150 N·m dissipates 100 W. */
export const JOINT_MOTOR_CONSTANT = 15;

/** Electrical power (W) of a hip or knee drive: positive mechanical power (no regeneration) plus copper losses `τ² / K_M²`. */
export function jointElectricalPower(torqueNm: number, omega: number): number {
  const mech = torqueNm * omega;
  return (mech > 0 ? mech : 0) + (torqueNm * torqueNm) / (JOINT_MOTOR_CONSTANT * JOINT_MOTOR_CONSTANT);
}

// ── the AMP-Foot ──

/** Motor speed at full command (rad/s at the ankle, unloaded). */
export const MOTOR_SPEED = 2.0;
/** Motor position range: pre-tension 0 … M_MAX (rad). */
export const M_MAX = 0.5;
/** Efficiency from electrical to mechanical power of the ankle drive (motor and spindle). */
export const MOTOR_EFFICIENCY = 0.8;

/** The fixed parameters of one AMP-Foot (SI). */
export interface AmpFootParams {
  /** Stiffness of the foot spring K_PF between lever and foot (N·m/rad). */
  readonly footStiffness: number;
  /** Stiffness of the push-off spring K_PO between motor and lever (N·m/rad); the `springStiffness` kwarg. */
  readonly springStiffness: number;
  /** Mechanical power limit of the motor (W). */
  readonly motorPowerLimit: number;
  /** Force limit of the motor's spindle, as a torque at the ankle (N·m). */
  readonly maxAnkleTorque: number;
  /** False: a passive spring foot (no motor, no lock). */
  readonly lockEnabled: boolean;
}

/** The state of one AMP-Foot: plain data, updated in place by `stepAmpFoot`. */
export interface AmpFootState {
  /** Motor pre-tension m (rad). */
  motorPos: number;
  /** Motor rate over the last step (rad/s). */
  motorRate: number;
  locked: boolean;
  /** Lever angle λ (rad). */
  lever: number;
  /** Torque of the ankle spring on the foot (N·m; negative plantarflexes). */
  ankleTorque: number;
  /** Torque the push-off spring puts on the motor (N·m). */
  motorTorque: number;
  /** Mechanical power of the motor (W). */
  motorPower: number;
  /** Electrical power of the motor (W). */
  motorElectricalPower: number;
  /** Energy stored in both springs (J). */
  springEnergy: number;
}

/** A relaxed, unlocked AMP-Foot at φ = 0. */
export function createAmpFoot(): AmpFootState {
  return { motorPos: 0, motorRate: 0, locked: false, lever: 0, ankleTorque: 0, motorTorque: 0, motorPower: 0, motorElectricalPower: 0, springEnergy: 0 };
}

/** Lever angle where the springs balance with the lock open. */
function openLever(p: AmpFootParams, phi: number, m: number): number {
  return (p.footStiffness * phi - p.springStiffness * m) / (p.footStiffness + p.springStiffness);
}

/**
 * The motor rate closest to `rate` whose mechanical power stays within `limit` over the step: the load at
 * the end of the step is `load + a·r` (a: load added per unit of rate), so |(load + a·r)·r| ≤ limit is solved
 * exactly for the first crossing in the commanded direction.
 */
export function powerLimitedRate(rate: number, load: number, a: number, limit: number): number {
  if (rate === 0) return 0;
  const sign = rate > 0 ? 1 : -1;
  // in the commanded direction r = sign·u, u ≥ 0: power = (L + a u) u with L = sign·load
  const L = sign * load;
  let uMax: number;
  if (L >= 0 || (L * L) / (4 * a) <= limit) uMax = (-L + Math.sqrt(L * L + 4 * a * limit)) / (2 * a);
  else uMax = (-L - Math.sqrt(L * L - 4 * a * limit)) / (2 * a);
  const u = Math.abs(rate);
  return sign * (u < uMax ? u : uMax);
}

/** The push-off spring deflection λ + m (rad; positive = loaded toward plantarflexion). */
export function pushOffDeflection(s: AmpFootState): number {
  return s.lever + s.motorPos;
}

/**
 * Advances one AMP-Foot by `dt` at ankle angle `phi` (rad) and returns the spring torque on the foot (N·m).
 * `rateCmd` in [−1, 1] commands the motor rate; `lockCmd` true engages the lock (holding the lever where it
 * is), false releases it.
 */
export function stepAmpFoot(s: AmpFootState, p: AmpFootParams, phi: number, rateCmd: number, lockCmd: boolean, dt: number): number {
  const kpf = p.footStiffness;
  const kpo = p.springStiffness;
  if (!p.lockEnabled) {
    s.motorPos = 0;
    s.motorRate = 0;
    s.locked = false;
    s.lever = 0;
    s.ankleTorque = -kpf * phi;
    s.motorTorque = 0;
    s.motorPower = 0;
    s.motorElectricalPower = 0;
    s.springEnergy = 0.5 * kpf * phi * phi;
    return s.ankleTorque;
  }
  // The lock holds the lever where the springs currently put it (no jump); releasing lets it balance.
  if (lockCmd && !s.locked) s.lever = openLever(p, phi, s.motorPos);
  s.locked = lockCmd;
  // Motor: commanded rate, cut by the power limit, the spindle force limit and the travel.
  const slope = s.locked ? kpo : (kpf * kpo) / (kpf + kpo);
  const load = kpo * ((s.locked ? s.lever : openLever(p, phi, s.motorPos)) + s.motorPos);
  let rate = powerLimitedRate(rateCmd * MOTOR_SPEED, load, slope * dt, p.motorPowerLimit);
  // the spindle cannot push the load past ±maxAnkleTorque
  if (rate > 0) rate = Math.min(rate, Math.max(0, (p.maxAnkleTorque - load) / (slope * dt)));
  else if (rate < 0) rate = Math.max(rate, Math.min(0, (-p.maxAnkleTorque - load) / (slope * dt)));
  let m = s.motorPos + rate * dt;
  if (m > M_MAX) m = M_MAX;
  else if (m < 0) m = 0;
  s.motorRate = (m - s.motorPos) / dt;
  s.motorPos = m;
  if (!s.locked) s.lever = openLever(p, phi, m);
  const lam = s.lever;
  s.ankleTorque = -kpf * (phi - lam);
  s.motorTorque = kpo * (lam + m);
  // Mechanical power the motor puts into the push-off spring at the load of this step.
  s.motorPower = s.motorTorque * s.motorRate;
  s.motorElectricalPower = s.motorPower > 0 ? s.motorPower / MOTOR_EFFICIENCY : 0;
  s.springEnergy = 0.5 * kpf * (phi - lam) * (phi - lam) + 0.5 * kpo * (lam + m) * (lam + m);
  return s.ankleTorque;
}
