/**
 * Acrobot-v1: swing a two-link pendulum, actuated at the middle joint, so its tip rises above a line.
 *
 * ## Description
 * Sutton (1996), "Generalization in reinforcement learning: successful examples using sparse coarse coding",
 * and Sutton & Barto's book. Two links hang from a fixed pivot; torque is applied at the joint between
 * them. A faithful port of Gymnasium 1.x `AcrobotEnv`: the book dynamics (`bookOrNips: 'book'`, Gymnasium's
 * default), one RK4 step of 0.2 s per action, angle wrapping and velocity bounds as in Gymnasium. Source:
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/classic_control/acrobot.py
 * (from RLPy, https://github.com/rlpy/rlpy/blob/master/rlpy/Domains/Acrobot.py).
 *
 * ## Observation (Box, float32, shape [6])
 * | Index | Meaning                  | Min             | Max            |
 * |-------|--------------------------|-----------------|----------------|
 * | 0     | cos(theta1)              | -1              | 1              |
 * | 1     | sin(theta1)              | -1              | 1              |
 * | 2     | cos(theta2)              | -1              | 1              |
 * | 3     | sin(theta2)              | -1              | 1              |
 * | 4     | angular velocity theta1  | -4π (~ -12.567) | 4π (~ 12.567)  |
 * | 5     | angular velocity theta2  | -9π (~ -28.274) | 9π (~ 28.274)  |
 * theta1 = 0 points the first link straight down; theta2 is relative to the first link.
 *
 * ## Actions (Discrete(3))
 * Torque on the middle joint: 0 → -1 N·m, 1 → 0, 2 → +1 N·m.
 *
 * ## Reward
 * -1 per step that does not reach the goal, 0 on the step that does (threshold -100).
 *
 * ## Start state
 * theta1, theta2 and both angular velocities uniform in [-0.1, 0.1), rounded to float32 as Gymnasium does;
 * `reset({ options: { low, high } })` changes the range.
 *
 * ## Episode end
 * Termination: `-cos(theta1) - cos(theta1 + theta2) > 1` (the tip is above the line). Truncation: 500 steps.
 *
 * ## Differences from Gymnasium (deliberate)
 * - Stepping after termination without `reset()` throws an EnvError.
 * - Start states come from our `Rng`, not NumPy's PCG64 (same distribution, different numbers per seed).
 * - The NIPS-paper dynamics are a kwarg (`bookOrNips: 'nips'`) instead of a class attribute.
 *
 * ## Version history
 * - v1: max episode steps 500; observation gives sin/cos of the angles instead of the angles (Gymnasium).
 * - v0: initial version (not ported).
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { resetBounds } from './utils.ts';
import { ConfigError } from '../../src/core/errors.ts';

/** Seconds per action (one RK4 step). */
const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_LENGTH_2 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
/** Position of each link's centre of mass (m). */
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
/** Moment of inertia of both links. */
const LINK_MOI = 1.0;
const GRAVITY = 9.8;
/** Bound on theta1's angular velocity (rad/s). */
export const MAX_VEL_1 = 4 * Math.PI;
/** Bound on theta2's angular velocity (rad/s). */
export const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0];

/** Constructor arguments of Acrobot. */
export interface AcrobotKwargs {
  /** `book` (Sutton & Barto, Gymnasium's default) or `nips` (the 1996 paper's equations, missing a term). */
  bookOrNips: string;
}

/** Default kwargs. */
export const ACROBOT_DEFAULTS = { bookOrNips: 'book' } as const satisfies AcrobotKwargs;

/** Render rate and keyboard controls (ArrowLeft: -1 torque, ArrowRight: +1). */
export const ACROBOT_METADATA: EnvMetadata = {
  renderFps: 15,
  keymap: { play: 'realtime', keys: { ArrowLeft: 0, ArrowRight: 2, a: 0, d: 2 }, noop: 1, legend: { ArrowLeft: 'torque −1 on the middle joint', ArrowRight: 'torque +1 on the middle joint' }, noopLegend: 'no torque' },
};

/**
 * Time derivative of the augmented state `[theta1, theta2, dtheta1, dtheta2, torque]`, written into `out`
 * (Gymnasium's `_dsdt`, with its operation order so results agree to the last bits).
 */
export function acrobotDerivs(s: Float64Array, book: boolean, out: Float64Array): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const g = GRAVITY;
  const theta1 = s[0];
  const theta2 = s[1];
  const dtheta1 = s[2];
  const dtheta2 = s[3];
  const a = s[4];
  const cos2 = Math.cos(theta2);
  const sin2 = Math.sin(theta2);
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * cos2) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * cos2) + I2;
  const phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * (dtheta2 * dtheta2) * sin2 -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2 +
    (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2) +
    phi2;
  const ddtheta2 = book
    ? (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * sin2 - phi2) / (m2 * lc2 ** 2 + I2 - (d2 * d2) / d1)
    : (a + (d2 / d1) * phi1 - phi2) / (m2 * lc2 ** 2 + I2 - (d2 * d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
  out[4] = 0.0;
}

/** Wraps `x` into [m, M] by whole turns (Gymnasium's `wrap`). */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/** The acrobot env; `state` is `[theta1, theta2, dtheta1, dtheta2]` in float64. */
export class Acrobot implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: Acrobot;
  /** Physics random stream (start states). */
  readonly rng: Rng;
  /** `[theta1, theta2, dtheta1, dtheta2]`; tests may set it. */
  state: Float64Array;
  private readonly book: boolean;
  private phase: EpisodePhase;
  // RK4 scratch buffers (augmented state: 4 + torque), reused so a step allocates only its result.
  private readonly y0: Float64Array;
  private readonly yt: Float64Array;
  private readonly k1: Float64Array;
  private readonly k2: Float64Array;
  private readonly k3: Float64Array;
  private readonly k4: Float64Array;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Acrobot-v1', { metadata: ACROBOT_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, ACROBOT_DEFAULTS);
    if (args.bookOrNips !== 'book' && args.bookOrNips !== 'nips') throw new ConfigError(`${spec.id}: kwarg bookOrNips must be 'book' or 'nips', received "${args.bookOrNips}"`);
    const high = [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2];
    this.observationSpace = box(high.map((h) => -h), high);
    this.actionSpace = discrete(3);
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.state = new Float64Array(4);
    this.book = args.bookOrNips === 'book';
    this.phase = 'needs-reset';
    this.y0 = new Float64Array(5);
    this.yt = new Float64Array(5);
    this.k1 = new Float64Array(5);
    this.k2 = new Float64Array(5);
    this.k3 = new Float64Array(5);
    this.k4 = new Float64Array(5);
  }

  /** Draws a start state uniformly in [low, high) (default ±0.1), rounded to float32 as Gymnasium does. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const [low, high] = resetBounds(this.spec.id, opts.options, -0.1, 0.1);
    for (let i = 0; i < 4; i++) this.state[i] = Math.fround(this.rng.uniform(low, high));
    this.phase = 'running';
    return { obs: this.observe(), info: {} };
  }

  /** One RK4 step of 0.2 s with the chosen torque. */
  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (action !== 0 && action !== 1 && action !== 2) throw actionError(this.spec.id, this.actionSpace, action);
    const { y0, yt, k1, k2, k3, k4, book } = this;
    y0.set(this.state);
    y0[4] = AVAIL_TORQUE[action];
    const dt = DT - 0;
    const dt2 = dt / 2.0;
    acrobotDerivs(y0, book, k1);
    for (let i = 0; i < 5; i++) yt[i] = y0[i] + dt2 * k1[i];
    acrobotDerivs(yt, book, k2);
    for (let i = 0; i < 5; i++) yt[i] = y0[i] + dt2 * k2[i];
    acrobotDerivs(yt, book, k3);
    for (let i = 0; i < 5; i++) yt[i] = y0[i] + dt * k3[i];
    acrobotDerivs(yt, book, k4);
    const s = this.state;
    for (let i = 0; i < 4; i++) s[i] = y0[i] + (dt / 6.0) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    s[0] = wrap(s[0], -Math.PI, Math.PI);
    s[1] = wrap(s[1], -Math.PI, Math.PI);
    s[2] = Math.min(Math.max(s[2], -MAX_VEL_1), MAX_VEL_1);
    s[3] = Math.min(Math.max(s[3], -MAX_VEL_2), MAX_VEL_2);
    const terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    if (terminated) this.phase = 'terminated';
    return { obs: this.observe(), reward: terminated ? 0.0 : -1.0, terminated, truncated: false, info: {} };
  }

  private observe(): Float32Array {
    const s = this.state;
    const obs = new Float32Array(6);
    obs[0] = Math.cos(s[0]);
    obs[1] = Math.sin(s[0]);
    obs[2] = Math.cos(s[1]);
    obs[3] = Math.sin(s[1]);
    obs[4] = s[2];
    obs[5] = s[3];
    return obs;
  }

  /** The target line, both links and the joints (world ±2.2 m, y up, pivot at the origin). */
  render(): Scene {
    const [t1, t2] = this.state;
    const p1x = LINK_LENGTH_1 * Math.sin(t1);
    const p1y = -LINK_LENGTH_1 * Math.cos(t1);
    const link = (id: string, x0: number, y0: number, angle: number, length: number) =>
      ({ id, kind: 'rect', x: x0 + (Math.cos(angle) * length) / 2, y: y0 + (Math.sin(angle) * length) / 2, angle, width: length, height: 0.2, fill: '#00b3b3' }) as const;
    return {
      bounds: { xMin: -2.2, xMax: 2.2, yMin: -2.2, yMax: 2.2 },
      background: '#ffffff',
      shapes: [
        { id: 'target', kind: 'line', x: 0, y: 1, angle: 0, points: [-2.2, 0, 2.2, 0], stroke: '#000000', lineWidth: 0.02 },
        link('link-1', 0, 0, t1 - Math.PI / 2, LINK_LENGTH_1),
        link('link-2', p1x, p1y, t1 + t2 - Math.PI / 2, LINK_LENGTH_2),
        { id: 'joint-0', kind: 'circle', x: 0, y: 0, angle: 0, radius: 0.1, fill: '#cccc00' },
        { id: 'joint-1', kind: 'circle', x: p1x, y: p1y, angle: 0, radius: 0.1, fill: '#cccc00' },
      ],
    };
  }

  /** Nothing to free. */
  close(): void {}
}
