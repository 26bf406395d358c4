/**
 * The AMP-Foot actuator and the joint torque helpers against their equations (actuators.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  M_MAX,
  MOTOR_EFFICIENCY,
  MOTOR_SPEED,
  JOINT_MAX_SPEED,
  PD_DAMPING,
  PD_STIFFNESS,
  createAmpFoot,
  jointElectricalPower,
  jointLimitTorque,
  jointMotorTorque,
  pdCommand,
  pdTarget,
  pushOffDeflection,
  stableSpringDamper,
  stepAmpFoot,
  wrapAngle,
  type AmpFootParams,
} from '../../../envs/robot/actuators.ts';
import { Rng } from '../../../src/core/rng.ts';

const PARAMS: AmpFootParams = { footStiffness: 400, springStiffness: 400, motorPowerLimit: 60, maxAnkleTorque: 120, lockEnabled: true };
const DT = 0.0025;

describe('AMP-Foot', () => {
  it('stores ½kx² in each spring, and the open lock puts them in series', () => {
    const s = createAmpFoot();
    // open lock, motor at rest: the lever balances the springs, the ankle sees k_pf k_po / (k_pf + k_po)
    const tau = stepAmpFoot(s, PARAMS, 0.1, 0, false, DT);
    expect(tau).toBeCloseTo(-200 * 0.1, 10);
    expect(s.springEnergy).toBeCloseTo(0.5 * 200 * 0.1 * 0.1, 10);
    // locked: both springs' energies, each ½ k x²
    const locked = { ...createAmpFoot(), locked: true, lever: -0.05, motorPos: 0.2 };
    stepAmpFoot(locked, PARAMS, 0.1, 0, true, DT);
    const expected = 0.5 * 400 * (0.1 + 0.05) ** 2 + 0.5 * 400 * (-0.05 + 0.2) ** 2;
    expect(locked.springEnergy).toBeCloseTo(expected, 10);
    expect(locked.ankleTorque).toBeCloseTo(-400 * 0.15, 10);
    expect(locked.motorTorque).toBeCloseTo(400 * 0.15, 10);
    expect(pushOffDeflection(locked)).toBeCloseTo(0.15, 12);
  });

  it('respects the motor power limit, the spindle force limit and the travel', () => {
    const rng = new Rng(3);
    const s = createAmpFoot();
    let maxPower = 0;
    let maxLoadWhileLoading = 0;
    let minPos = Infinity;
    let maxPos = -Infinity;
    let maxRate = 0;
    let electricalError = 0;
    for (let k = 0; k < 20_000; k++) {
      const phi = 0.3 * Math.sin(k * 0.003) + rng.uniform(-0.02, 0.02);
      stepAmpFoot(s, PARAMS, phi, rng.uniform(-1, 1), rng.random() < 0.6, DT);
      maxPower = Math.max(maxPower, Math.abs(s.motorPower));
      if (s.motorRate > 0) maxLoadWhileLoading = Math.max(maxLoadWhileLoading, s.motorTorque);
      minPos = Math.min(minPos, s.motorPos);
      maxPos = Math.max(maxPos, s.motorPos);
      maxRate = Math.max(maxRate, Math.abs(s.motorRate));
      electricalError = Math.max(electricalError, Math.abs(s.motorElectricalPower - Math.max(0, s.motorPower) / MOTOR_EFFICIENCY));
    }
    expect(minPos).toBeGreaterThanOrEqual(0);
    expect(maxPos).toBeLessThanOrEqual(M_MAX);
    expect(maxRate).toBeLessThanOrEqual(MOTOR_SPEED + 1e-12);
    expect(electricalError).toBeLessThan(1e-9);
    expect(maxPower).toBeLessThanOrEqual(PARAMS.motorPowerLimit * (1 + 1e-9));
    expect(maxPower).toBeGreaterThan(PARAMS.motorPowerLimit * 0.5);
    expect(maxLoadWhileLoading).toBeLessThanOrEqual(PARAMS.maxAnkleTorque + 1e-9);
    expect(maxLoadWhileLoading).toBeGreaterThan(PARAMS.maxAnkleTorque * 0.9);
  });

  it('loads at the power limit, holds the energy while locked, and releases it into the foot', () => {
    const s = createAmpFoot();
    stepAmpFoot(s, PARAMS, 0, 0, true, DT);
    // load for 0.4 s with the foot held at φ = 0: the foot feels nothing of it
    for (let k = 0; k < 160; k++) stepAmpFoot(s, PARAMS, 0, 1, true, DT);
    const stored = s.springEnergy;
    expect(stored).toBeGreaterThan(10);
    expect(stored).toBeLessThanOrEqual(PARAMS.motorPowerLimit * 0.4 + 1e-9);
    expect(s.ankleTorque).toBeCloseTo(0, 12);
    // motor stopped, lock closed: the energy stays
    for (let k = 0; k < 400; k++) stepAmpFoot(s, PARAMS, 0, 0, true, DT);
    expect(s.springEnergy).toBeCloseTo(stored, 12);
    // release: the lever balances at once and the foot is pushed into plantarflexion
    const tau = stepAmpFoot(s, PARAMS, 0, 0, false, DT);
    expect(tau).toBeLessThan(-50);
    // the push-off spring's torque now equals the foot spring's; the mismatch's energy is lost
    expect(s.springEnergy).toBeCloseTo(0.5 * 200 * s.motorPos ** 2, 9);
  });

  it('is a passive spring foot with the lock disabled', () => {
    const passive: AmpFootParams = { ...PARAMS, lockEnabled: false };
    const s = createAmpFoot();
    for (let k = 0; k < 100; k++) {
      const phi = 0.2 * Math.sin(k * 0.1);
      const tau = stepAmpFoot(s, passive, phi, 1, k % 2 === 0, DT);
      expect(tau).toBeCloseTo(-passive.footStiffness * phi, 12);
      expect(s.springEnergy).toBeCloseTo(0.5 * passive.footStiffness * phi * phi, 12);
      expect([s.motorPos, s.motorPower, s.motorElectricalPower, s.locked]).toEqual([0, 0, 0, false]);
    }
  });
});

describe('joint torques', () => {
  it('drive torque is a · maxTorque within the torque–speed line', () => {
    expect(jointMotorTorque(0.5, 150, 0)).toBe(75);
    expect(jointMotorTorque(-1, 150, 2)).toBe(-150);
    expect(jointMotorTorque(1, 150, JOINT_MAX_SPEED / 2)).toBeCloseTo(75, 12);
    expect(jointMotorTorque(1, 150, 2 * JOINT_MAX_SPEED)).toBe(0);
    expect(jointMotorTorque(-1, 150, -JOINT_MAX_SPEED)).toBeCloseTo(0, 12);
  });

  it('a PD target is the action times the far end of the range, within the range; its command is kp·error − kd·speed, cut at full torque', () => {
    expect(pdTarget(0, [-0.6, 1.3])).toBe(0);
    expect(pdTarget(1, [-0.6, 1.3])).toBeCloseTo(1.3, 12);
    expect(pdTarget(0.25, [-0.6, 1.3])).toBeCloseTo(0.325, 12);
    expect(pdTarget(-1, [-0.6, 1.3])).toBe(-0.6); // past the extension stop: the stop
    expect(pdTarget(-0.5, [-2, 0])).toBeCloseTo(-1, 12);
    expect(pdTarget(0.5, [-2, 0])).toBe(0); // the knee does not over-straighten
    expect(pdCommand(0.1, 0, 0, PD_STIFFNESS, PD_DAMPING, 150)).toBeCloseTo((PD_STIFFNESS * 0.1) / 150, 12);
    expect(pdCommand(0, 0, 2, PD_STIFFNESS, PD_DAMPING, 150)).toBeCloseTo((-PD_DAMPING * 2) / 150, 12);
    expect(pdCommand(1, 0, 0, PD_STIFFNESS, PD_DAMPING, 150)).toBe(1);
    expect(pdCommand(-1, 0, 0, PD_STIFFNESS, PD_DAMPING, 150)).toBe(-1);
  });

  it('electrical power counts positive mechanical power and copper losses', () => {
    expect(jointElectricalPower(150, 0)).toBeCloseTo(100, 9);
    expect(jointElectricalPower(10, 2)).toBeCloseTo(20 + 100 / 225, 9);
    expect(jointElectricalPower(10, -2)).toBeCloseTo(100 / 225, 9);
  });

  it('stable spring-damper equals the explicit law for small steps and never flips for large ones', () => {
    expect(stableSpringDamper(0.1, 1, 100, 2, 1, 1e-9)).toBeCloseTo(-100 * 0.1 - 2, 6);
    // a stiff damper on a light body: the implicit torque stops it in one step, no more
    const tau = stableSpringDamper(0, 10, 0, 1000, 0.01, 0.0025);
    const next = 10 + (tau / 0.01) * 0.0025;
    expect(next).toBeGreaterThanOrEqual(0);
    expect(next).toBeLessThan(10);
  });

  it('joint stops push back only past the range', () => {
    expect(jointLimitTorque(0.1, 5, -0.5, 0.35, 0.05, DT)).toBe(0);
    expect(jointLimitTorque(0.4, 0, -0.5, 0.35, 0.05, DT)).toBeLessThan(0);
    expect(jointLimitTorque(-0.6, 0, -0.5, 0.35, 0.05, DT)).toBeGreaterThan(0);
    // moving back into the range fast: the stop does not pull
    expect(jointLimitTorque(0.36, -50, -0.5, 0.35, 0.05, DT)).toBe(0);
  });

  it('wraps angles into [−π, π)', () => {
    expect(wrapAngle(0.5)).toBeCloseTo(0.5, 12);
    expect(wrapAngle(Math.PI + 0.1)).toBeCloseTo(-Math.PI + 0.1, 12);
    expect(wrapAngle(-Math.PI - 0.1)).toBeCloseTo(Math.PI - 0.1, 12);
  });
});
