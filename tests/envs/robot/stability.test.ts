/**
 * Physics stability under any action sequence: with random and with bang-bang (±1) actions the walker's pin
 * joints stay closed (gap < 1 % of the segment length), nothing turns NaN and no body flies off. 2,000 steps
 * per case in the normal suite; `SLOW=1` runs the 10,000 steps of the issue.
 */
import { describe, expect, it } from 'vitest';
import { jointMotorTorque } from '../../../envs/robot/actuators.ts';
import { AmpFootWalker } from '../../../envs/robot/amp-foot-walker.ts';
import { MAX_JOINT_TORQUE } from '../../../envs/robot/common.ts';
import { BODY_COUNT } from '../../../envs/robot/walker.ts';
import { SUBSTEPS } from '../../../envs/robot/world.ts';
import { Rng } from '../../../src/core/rng.ts';

const STEPS = process.env.SLOW === '1' ? 10_000 : 2_000;

interface Report {
  worstGap: number;
  maxSpeed: number;
  maxStopViolation: number;
  finite: boolean;
  episodes: number;
}

function hammer(mode: 'random' | 'bang', kwargs: Record<string, unknown>, seed: number): Report {
  const env = new AmpFootWalker(kwargs);
  env.reset({ seed });
  const sim = env.sim;
  const action = new Float32Array(8);
  const report: Report = { worstGap: 0, maxSpeed: 0, maxStopViolation: 0, finite: true, episodes: 0 };
  for (let t = 0; t < STEPS; t++) {
    for (let i = 0; i < 8; i++) action[i] = mode === 'bang' ? (env.actionRng.random() < 0.5 ? -1 : 1) : env.actionRng.uniform(-1, 1);
    const r = env.step(action);
    report.worstGap = Math.max(report.worstGap, sim.measureGaps());
    for (let b = 0; b < BODY_COUNT; b++) report.maxSpeed = Math.max(report.maxSpeed, Math.hypot(sim.vx[b], sim.vy[b]));
    sim.walker.joints.forEach((joint, j) => {
      report.maxStopViolation = Math.max(report.maxStopViolation, sim.q[j] - joint.high, joint.low - sim.q[j]);
    });
    if (!r.obs.every(Number.isFinite) || !Number.isFinite(r.reward)) report.finite = false;
    if (r.terminated) {
      report.episodes++;
      env.reset();
    }
  }
  env.close();
  return report;
}

describe(`AMP-Foot walker stability (${STEPS} steps)`, () => {
  it.each([
    ['random', {}],
    ['bang', {}],
    ['random', { terrainDifficulty: 1 }],
    ['bang', { lockEnabled: false, bodyMass: 100 }],
  ] as const)('%s actions, kwargs %j: joints stay closed, nothing explodes', (mode, kwargs) => {
    const r = hammer(mode, kwargs, 7);
    expect(r.finite).toBe(true);
    expect(r.worstGap).toBeLessThan(0.01);
    // measured: gaps ≤ 0.15 %, speeds ≤ 7 m/s, stops overrun by ≤ 0.26 rad under full-torque abuse
    expect(r.worstGap).toBeLessThan(0.004);
    expect(r.maxSpeed).toBeLessThan(15);
    expect(r.maxStopViolation).toBeLessThan(0.4);
  });

  it('keeps going after a fall: bang-bang torques on a walker lying on the ground', () => {
    // below the env (which ends the episode at a fall): the simulation itself, thrashed without resets
    const env = new AmpFootWalker();
    env.reset({ seed: 3 });
    const sim = env.sim;
    const rng = new Rng(11);
    const drive = new Float64Array(6);
    const rate = new Float64Array(2);
    const lock = [false, false];
    let worstGap = 0;
    let maxSpeed = 0;
    let finite = true;
    for (let t = 0; t < STEPS; t++) {
      const a = Array.from({ length: 8 }, () => (rng.random() < 0.5 ? -1 : 1));
      for (let k = 0; k < SUBSTEPS; k++) {
        for (let i = 0; i < 2; i++) {
          drive[3 * i] = jointMotorTorque(a[4 * i], MAX_JOINT_TORQUE, sim.qd[3 * i]);
          drive[3 * i + 1] = jointMotorTorque(a[4 * i + 1], MAX_JOINT_TORQUE, sim.qd[3 * i + 1]);
          rate[i] = a[4 * i + 2];
          lock[i] = a[4 * i + 3] > 0;
        }
        sim.substep(drive, rate, lock);
      }
      worstGap = Math.max(worstGap, sim.measureGaps());
      for (let b = 0; b < BODY_COUNT; b++) maxSpeed = Math.max(maxSpeed, Math.hypot(sim.vx[b], sim.vy[b]));
      if (!sim.q.every(Number.isFinite)) finite = false;
    }
    expect(sim.hullContact).toBe(true);
    expect(finite).toBe(true);
    expect(worstGap).toBeLessThan(0.004);
    expect(maxSpeed).toBeLessThan(15);
  });
});
