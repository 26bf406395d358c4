/**
 * Pendulum-v1: swing a pendulum up and keep it upright with limited torque.
 *
 * ## Description
 * The classic inverted-pendulum swing-up. A rod is fixed at one end; torque at the pivot swings it, but is
 * too weak to lift it directly. A faithful port of Gymnasium 1.x `PendulumEnv` (semi-implicit Euler with
 * dt = 0.05, speed clipped to ±8). Source:
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/classic_control/pendulum.py
 *
 * ## Observation (Box, float32, shape [3])
 * | Index | Meaning          | Min  | Max |
 * |-------|------------------|------|-----|
 * | 0     | x = cos(theta)   | -1   | 1   |
 * | 1     | y = sin(theta)   | -1   | 1   |
 * | 2     | angular velocity | -8   | 8   |
 * theta = 0 is upright; positive torque is counter-clockwise.
 *
 * ## Actions (Box(-2, 2, [1], float32))
 * The torque at the pivot (N·m).
 *
 * ## Reward
 * `-(normalize(theta)² + 0.1·thetaDot² + 0.001·torque²)`, in [-16.2736044, 0]; theta normalised to
 * [-π, π). As in Gymnasium with NumPy 1.x, `torque²` is computed in float64 (NumPy 1.x promotes a float32
 * scalar to float64 next to a Python int), so the float32 torque's square is exact.
 * Pendulum has no reward threshold.
 *
 * ## Start state
 * theta uniform in [-π, π), thetaDot uniform in [-1, 1); `reset({ options: { xInit, yInit } })` (Gymnasium's
 * `x_init`/`y_init`, also accepted) changes the half-widths.
 *
 * ## Episode end
 * Never terminates. Truncation: 200 steps (added by `make`).
 *
 * ## Differences from Gymnasium (deliberate)
 * - A torque outside [-2, 2] (or NaN, or not a Float32Array of length 1) throws an EnvError; Gymnasium clips
 *   it silently. Wrap with `clipAction` to get Gymnasium's behaviour.
 * - Start states come from our `Rng`, not NumPy's PCG64.
 * - The kwarg is `g` (gravity, default 10), as in Gymnasium.
 *
 * ## Version history
 * - v1: simplified equations, same behaviour (Gymnasium).
 * - v0: initial version (not ported).
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EpisodePhase, type EnvMetadata, type EnvSpec, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { toNumber } from './utils.ts';

const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const MASS = 1.0;
const LENGTH = 1.0;
const DEFAULT_X = Math.PI;
const DEFAULT_Y = 1.0;

/** Constructor arguments of Pendulum. */
export interface PendulumKwargs {
  /** Acceleration of gravity (m/s²). */
  g: number;
}

/** Default kwargs. */
export const PENDULUM_DEFAULTS = { g: 10.0 } as const satisfies PendulumKwargs;

/** Render rate and keyboard controls (ArrowLeft: full counter-clockwise torque, ArrowRight: clockwise). */
export const PENDULUM_METADATA: EnvMetadata = {
  renderFps: 30,
  keymap: { play: 'realtime', keys: { ArrowLeft: [2], ArrowRight: [-2], a: [2], d: [-2] }, noop: [0], legend: { ArrowLeft: 'full torque counter-clockwise', ArrowRight: 'full torque clockwise' }, noopLegend: 'no torque' },
};

/** `x` mapped into [-π, π) with a floored modulo (NumPy's `%`), as Gymnasium's `angle_normalize`. */
export function angleNormalize(x: number): number {
  const period = 2 * Math.PI;
  let r = (x + Math.PI) % period;
  if (r !== 0 && r < 0) r += period;
  return r - Math.PI;
}

/** The pendulum env; `state` is `[theta, thetaDot]` in float64. */
export class Pendulum implements Env<Float32Array, Float32Array> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: Pendulum;
  /** Physics random stream (start states). */
  readonly rng: Rng;
  /** `[theta, thetaDot]`; tests may set it. */
  state: Float64Array;
  /** The last torque applied (for rendering), or null right after a reset. */
  lastU: number | null;
  private readonly g: number;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Pendulum-v1', { metadata: PENDULUM_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, PENDULUM_DEFAULTS);
    this.observationSpace = box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);
    this.actionSpace = box(-MAX_TORQUE, MAX_TORQUE, { shape: [1] });
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.state = new Float64Array(2);
    this.lastU = null;
    this.g = args.g;
    this.phase = 'needs-reset';
  }

  /** theta uniform in [-xInit, xInit) (default π), thetaDot in [-yInit, yInit) (default 1). */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    let hx = DEFAULT_X;
    let hy = DEFAULT_Y;
    const o = opts.options;
    if (o !== undefined) {
      for (const key of ['xInit', 'x_init']) if (key in o) hx = toNumber(this.spec.id, key, o[key]);
      for (const key of ['yInit', 'y_init']) if (key in o) hy = toNumber(this.spec.id, key, o[key]);
    }
    this.state[0] = this.rng.uniform(-hx, hx);
    this.state[1] = this.rng.uniform(-hy, hy);
    this.lastU = null;
    this.phase = 'running';
    return { obs: this.observe(), info: {} };
  }

  /** One semi-implicit Euler step of 0.05 s with torque `action[0]`. */
  step(action: Float32Array): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (!(action instanceof Float32Array) || action.length !== 1 || !(action[0] >= -MAX_TORQUE && action[0] <= MAX_TORQUE)) {
      throw actionError(this.spec.id, this.actionSpace, action);
    }
    const th = this.state[0];
    const thDot = this.state[1];
    const g = this.g;
    const u = action[0];
    this.lastU = u;
    const an = angleNormalize(th);
    const costs = an * an + 0.1 * (thDot * thDot) + 0.001 * (u * u);
    let newThDot = thDot + (((3 * g) / (2 * LENGTH)) * Math.sin(th) + (3.0 / (MASS * LENGTH ** 2)) * u) * DT;
    newThDot = Math.min(Math.max(newThDot, -MAX_SPEED), MAX_SPEED);
    const newTh = th + newThDot * DT;
    this.state[0] = newTh;
    this.state[1] = newThDot;
    return { obs: this.observe(), reward: -costs, terminated: false, truncated: false, info: {} };
  }

  private observe(): Float32Array {
    const obs = new Float32Array(3);
    obs[0] = Math.cos(this.state[0]);
    obs[1] = Math.sin(this.state[0]);
    obs[2] = this.state[1];
    return obs;
  }

  /** The rod, its ends, the axle and an arc arrow showing the last torque (world ±2.2, pivot at the origin). */
  render(): Scene {
    const th = this.state[0];
    const dir = th + Math.PI / 2;
    const tipX = Math.cos(dir);
    const tipY = Math.sin(dir);
    const shapes: Shape[] = [
      { id: 'rod', kind: 'rect', x: tipX / 2, y: tipY / 2, angle: dir, width: LENGTH, height: 0.2, fill: '#cc4d4d' },
      { id: 'rod-base', kind: 'circle', x: 0, y: 0, angle: 0, radius: 0.1, fill: '#cc4d4d' },
      { id: 'rod-tip', kind: 'circle', x: tipX, y: tipY, angle: 0, radius: 0.1, fill: '#cc4d4d' },
    ];
    if (this.lastU !== null && this.lastU !== 0) shapes.push(...torqueArrow(this.lastU));
    shapes.push({ id: 'axle', kind: 'circle', x: 0, y: 0, angle: 0, radius: 0.05, fill: '#000000' });
    return { bounds: { xMin: -2.2, xMax: 2.2, yMin: -2.2, yMax: 2.2 }, background: '#ffffff', shapes };
  }

  /** Nothing to free. */
  close(): void {}
}

/** An arc around the pivot whose sweep grows with |u| (up to 270° at the torque limit), with an arrowhead. */
function torqueArrow(u: number): Shape[] {
  const radius = 0.45;
  const sweep = (Math.abs(u) / MAX_TORQUE) * 1.5 * Math.PI;
  const sign = u > 0 ? 1 : -1;
  const start = -Math.PI / 2 - (sign * sweep) / 2;
  const points: number[] = [];
  const n = 24;
  for (let i = 0; i <= n; i++) {
    const a = start + (sign * sweep * i) / n;
    points.push(radius * Math.cos(a), radius * Math.sin(a));
  }
  const end = start + sign * sweep;
  const ex = radius * Math.cos(end);
  const ey = radius * Math.sin(end);
  // Tangent direction of travel at the end of the arc.
  const tx = -Math.sin(end) * sign;
  const ty = Math.cos(end) * sign;
  const head = 0.12;
  return [
    { id: 'torque-arc', kind: 'polyline', x: 0, y: 0, angle: 0, points, stroke: '#333333', lineWidth: 0.04 },
    {
      id: 'torque-head',
      kind: 'polygon',
      x: ex,
      y: ey,
      angle: 0,
      points: [tx * head, ty * head, -tx * head * 0.3 - ty * head * 0.6, -ty * head * 0.3 + tx * head * 0.6, -tx * head * 0.3 + ty * head * 0.6, -ty * head * 0.3 - tx * head * 0.6],
      fill: '#333333',
    },
  ];
}
