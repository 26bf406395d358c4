/**
 * MountainCar-v0: drive an under-powered car out of a valley by rocking back and forth.
 *
 * ## Description
 * Andrew Moore's PhD thesis (1990), "Efficient memory-based learning for robot control". A car sits at the
 * bottom of a sinusoidal valley; its engine is too weak to climb the right hill directly, so it must build
 * momentum. A faithful port of Gymnasium 1.x `MountainCarEnv` (deterministic dynamics, float64 state).
 * Source: https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/classic_control/mountain_car.py
 * (from http://incompleteideas.net/MountainCar/MountainCar1.cp).
 *
 * ## Observation (Box, float32, shape [2])
 * | Index | Meaning               | Min   | Max  |
 * |-------|-----------------------|-------|------|
 * | 0     | car position (x-axis) | -1.2  | 0.6  |
 * | 1     | car velocity          | -0.07 | 0.07 |
 *
 * ## Actions (Discrete(3))
 * 0: accelerate left; 1: don't accelerate; 2: accelerate right.
 * Dynamics: `v += (action - 1)·0.001 - 0.0025·cos(3·x)`, clipped to ±0.07; `x += v`, clipped to
 * [-1.2, 0.6]; hitting the left wall stops the car (inelastic).
 *
 * ## Reward
 * -1 per step (threshold -110).
 *
 * ## Start state
 * Position uniform in [-0.6, -0.4), velocity 0; `reset({ options: { low, high } })` changes the range.
 *
 * ## Episode end
 * Termination: position ≥ 0.5 and velocity ≥ `goalVelocity` (kwarg, default 0). Truncation: 200 steps.
 *
 * ## Differences from Gymnasium (deliberate)
 * - Stepping after termination without `reset()` throws an EnvError.
 * - Start states come from our `Rng`, not NumPy's PCG64.
 *
 * ## Version history
 * - v0: initial version (Gymnasium 1.x).
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { resetBounds } from './utils.ts';
import { MAX_POSITION, MIN_POSITION, mountainCarScene } from './mountain-car-scene.ts';

const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/** Constructor arguments of MountainCar. */
export interface MountainCarKwargs {
  /** Minimum velocity at the goal for the episode to terminate (Gymnasium's `goal_velocity`). */
  goalVelocity: number;
}

/** Default kwargs. */
export const MOUNTAIN_CAR_DEFAULTS = { goalVelocity: 0 } as const satisfies MountainCarKwargs;

/** Render rate and keyboard controls (Gymnasium's `get_keys_to_action`: arrows accelerate, nothing coasts). */
export const MOUNTAIN_CAR_METADATA: EnvMetadata = {
  renderFps: 30,
  keymap: { play: 'realtime', keys: { ArrowLeft: 0, ArrowRight: 2, a: 0, d: 2 }, noop: 1, legend: { ArrowLeft: 'push left', ArrowRight: 'push right' }, noopLegend: 'coast' },
};

/** The discrete mountain-car env; `state` is `[position, velocity]` in float64. */
export class MountainCar implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: MountainCar;
  /** Physics random stream (start states). */
  readonly rng: Rng;
  /** `[position, velocity]`; tests may set it. */
  state: Float64Array;
  private readonly goalVelocity: number;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('MountainCar-v0', { metadata: MOUNTAIN_CAR_METADATA })) {
    const args = parseKwargs(spec.id, kwargs, MOUNTAIN_CAR_DEFAULTS);
    this.observationSpace = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
    this.actionSpace = discrete(3);
    this.spec = spec;
    this.rng = new Rng(0);
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.state = new Float64Array(2);
    this.goalVelocity = args.goalVelocity;
    this.phase = 'needs-reset';
  }

  /** Position uniform in [low, high) (default [-0.6, -0.4)), velocity 0. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    const [low, high] = resetBounds(this.spec.id, opts.options, -0.6, -0.4);
    this.state[0] = this.rng.uniform(low, high);
    this.state[1] = 0;
    this.phase = 'running';
    return { obs: new Float32Array(this.state), info: {} };
  }

  /** One step of Moore's dynamics. */
  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (action !== 0 && action !== 1 && action !== 2) throw actionError(this.spec.id, this.actionSpace, action);
    let position = this.state[0];
    let velocity = this.state[1];
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    if (terminated) this.phase = 'terminated';
    this.state[0] = position;
    this.state[1] = velocity;
    const obs = new Float32Array(2);
    obs[0] = position;
    obs[1] = velocity;
    return { obs, reward: -1.0, terminated, truncated: false, info: {} };
  }

  /** The valley, the car and the flag at 0.5. */
  render(): Scene {
    return mountainCarScene(this.state[0], GOAL_POSITION);
  }

  /** Nothing to free. */
  close(): void {}
}
