/**
 * CartPole-v1: balance a pole on a cart by pushing the cart left or right.
 *
 * ## Description
 * The cart-pole problem of Barto, Sutton and Anderson (1983), "Neuronlike adaptive elements that can solve
 * difficult learning control problems". A pole is attached by an un-actuated joint to a cart moving along a
 * frictionless track; the goal is to keep the pole upright by pushing the cart. A faithful port of
 * Gymnasium 1.x `CartPoleEnv`: same constants, Euler integrator, rewards, termination, bounds and start
 * distribution. Source of the dynamics:
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/classic_control/cartpole.py
 * (equations: https://coneural.org/florian/papers/05_cart_pole.pdf).
 *
 * ## Observation (Box, float32, shape [4])
 * | Index | Meaning               | Min                | Max              |
 * |-------|-----------------------|--------------------|------------------|
 * | 0     | cart position         | -4.8               | 4.8              |
 * | 1     | cart velocity         | -Inf               | Inf              |
 * | 2     | pole angle (rad)      | ~ -0.418 (-24°)    | ~ 0.418 (24°)    |
 * | 3     | pole angular velocity | -Inf               | Inf              |
 * The episode terminates well inside these bounds (±2.4 and ±12°).
 *
 * ## Actions (Discrete(2))
 * 0: push the cart left; 1: push the cart right (a fixed force of 10 N).
 *
 * ## Reward
 * +1 for every step, including the terminating one (threshold 475 for v1). With the kwarg
 * `suttonBartoReward: true`: 0 per non-terminating step and -1 for the terminating step.
 *
 * ## Start state
 * All four state variables uniform in [-0.05, 0.05); `reset({ options: { low, high } })` changes the range.
 *
 * ## Episode end
 * Termination: |pole angle| > 12° or |cart position| > 2.4. Truncation: 500 steps (added by `make`).
 *
 * ## Differences from Gymnasium (deliberate)
 * - Stepping after termination without `reset()` throws an EnvError (Gymnasium warns and returns reward 0).
 * - Random start states come from our `Rng` (xoshiro128**), not NumPy's PCG64: the same seed gives a
 *   different (equally distributed) start than in Python. Given the same `state` and actions, the
 *   trajectory matches Gymnasium's float64 arithmetic.
 *
 * ## Version history
 * - v1: max episode steps raised to 500 (Gymnasium); `suttonBartoReward` added in Gymnasium 1.0.0a2.
 * - v0: initial version (not ported).
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { resetBounds } from './utils.ts';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
/** Half the pole's length (m). */
const LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
/** Seconds between state updates. */
const TAU = 0.02;
/** Angle at which the episode terminates: 12 degrees. */
export const THETA_THRESHOLD_RAD = (12 * 2 * Math.PI) / 360;
/** Cart position at which the episode terminates. */
export const X_THRESHOLD = 2.4;

/** Constructor arguments of CartPole. */
export interface CartPoleKwargs {
  /** Sutton & Barto's reward: 0 per step, -1 on failure (Gymnasium's `sutton_barto_reward`). */
  suttonBartoReward: boolean;
}

/** Default kwargs. */
export const CART_POLE_DEFAULTS = { suttonBartoReward: false } as const satisfies CartPoleKwargs;

/** Render rate and keyboard controls (ArrowLeft / ArrowRight push the cart). */
export const CART_POLE_METADATA: EnvMetadata = {
  renderFps: 50,
  keymap: { play: 'realtime', keys: { ArrowLeft: 0, ArrowRight: 1, a: 0, d: 1 }, noop: 0, legend: { ArrowLeft: 'push the cart left', ArrowRight: 'push the cart right' }, noopLegend: 'push left (the cart is always pushed one way)' },
};

/** The cart-pole env; `state` is `[x, xDot, theta, thetaDot]` in float64, like Gymnasium's `env.unwrapped.state`. */
export class CartPole implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: CartPole;
  /** Physics random stream (start states). */
  readonly rng: Rng;
  /** `[x, xDot, theta, thetaDot]`; tests may set it to compare trajectories. */
  state: Float64Array;
  /** Gymnasium's `kinematics_integrator`: `euler` (default) or `semi-implicit euler`. */
  kinematicsIntegrator: 'euler' | 'semi-implicit euler';
  private readonly suttonBartoReward: boolean;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('CartPole-v1', { metadata: CART_POLE_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, CART_POLE_DEFAULTS);
    const high = [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD_RAD * 2, Infinity];
    this.observationSpace = box(high.map((h) => -h), high);
    this.actionSpace = discrete(2);
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.state = new Float64Array(4);
    this.kinematicsIntegrator = 'euler';
    this.suttonBartoReward = args.suttonBartoReward;
    this.phase = 'needs-reset';
  }

  /** Draws a start state uniformly in [low, high) (default ±0.05). */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const [low, high] = resetBounds(this.spec.id, opts.options, -0.05, 0.05);
    for (let i = 0; i < 4; i++) this.state[i] = this.rng.uniform(low, high);
    this.phase = 'running';
    return { obs: new Float32Array(this.state), info: {} };
  }

  /** One Euler step of 0.02 s under a ±10 N push. */
  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (action !== 0 && action !== 1) throw actionError(this.spec.id, this.actionSpace, action);
    const s = this.state;
    let x = s[0];
    let xDot = s[1];
    let theta = s[2];
    let thetaDot = s[3];
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cosTheta = Math.cos(theta);
    const sinTheta = Math.sin(theta);
    const temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
    if (this.kinematicsIntegrator === 'euler') {
      x = x + TAU * xDot;
      xDot = xDot + TAU * xAcc;
      theta = theta + TAU * thetaDot;
      thetaDot = thetaDot + TAU * thetaAcc;
    } else {
      xDot = xDot + TAU * xAcc;
      x = x + TAU * xDot;
      thetaDot = thetaDot + TAU * thetaAcc;
      theta = theta + TAU * thetaDot;
    }
    s[0] = x;
    s[1] = xDot;
    s[2] = theta;
    s[3] = thetaDot;
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD_RAD || theta > THETA_THRESHOLD_RAD;
    let reward: number;
    if (terminated) {
      this.phase = 'terminated';
      reward = this.suttonBartoReward ? -1.0 : 1.0;
    } else {
      reward = this.suttonBartoReward ? 0.0 : 1.0;
    }
    const obs = new Float32Array(4);
    obs[0] = x;
    obs[1] = xDot;
    obs[2] = theta;
    obs[3] = thetaDot;
    return { obs, reward, terminated, truncated: false, info: {} };
  }

  /** Track, cart, pole and axle, in metres (the track spans ±2.4, like Gymnasium's 600×400 screen). */
  render(): Scene {
    const [x, , theta] = this.state;
    const pivotY = 0.06;
    const poleLen = 2 * LENGTH;
    const poleWidth = 0.08;
    const reach = poleLen / 2 - poleWidth / 2;
    const shapes: Shape[] = [
      { id: 'track', kind: 'line', x: 0, y: 0, angle: 0, points: [-3, 0, 3, 0], stroke: '#3a3a3a', lineWidth: 0.012 },
      { id: 'limit-left', kind: 'line', x: -X_THRESHOLD, y: 0, angle: 0, points: [0, -0.06, 0, 0.06], stroke: '#b0b0b0', lineWidth: 0.015 },
      { id: 'limit-right', kind: 'line', x: X_THRESHOLD, y: 0, angle: 0, points: [0, -0.06, 0, 0.06], stroke: '#b0b0b0', lineWidth: 0.015 },
      { id: 'cart', kind: 'rect', x, y: 0, angle: 0, width: 0.4, height: 0.24, fill: '#2b2d42' },
      {
        id: 'pole',
        kind: 'rect',
        x: x + Math.sin(theta) * reach,
        y: pivotY + Math.cos(theta) * reach,
        angle: -theta,
        width: poleWidth,
        height: poleLen,
        fill: '#ca9865',
      },
      { id: 'axle', kind: 'circle', x, y: pivotY, angle: 0, radius: 0.04, fill: '#8184cb' },
    ];
    return { bounds: { xMin: -2.4, xMax: 2.4, yMin: -0.8, yMax: 2.4 }, background: '#ffffff', shapes };
  }

  /** Nothing to free. */
  close(): void {}
}
