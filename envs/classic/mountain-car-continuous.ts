/**
 * MountainCarContinuous-v0: the mountain car with a continuous throttle and an energy penalty.
 *
 * ## Description
 * Moore (1990), as in MountainCar-v0, merged with the FAReinforcement version by J. A. Martin H., T. Schaul
 * and A. de Broissia (goal at 0.45). A faithful port of Gymnasium 1.x `Continuous_MountainCarEnv`, including
 * its quirk of storing the state as float32 after every step (the reset state stays float64 until the first
 * step). The step itself runs in float64, as NumPy 1.x evaluates it: `3 * position` on a float32 scalar and a
 * Python int promotes to float64 before the cosine (value-based casting ignores Python scalars only next to
 * arrays). Source:
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/classic_control/continuous_mountain_car.py
 *
 * ## Observation (Box, float32, shape [2])
 * | Index | Meaning               | Min   | Max  |
 * |-------|-----------------------|-------|------|
 * | 0     | car position (x-axis) | -1.2  | 0.6  |
 * | 1     | car velocity          | -0.07 | 0.07 |
 *
 * ## Actions (Box(-1, 1, [1], float32))
 * The engine force; dynamics `v += force·0.0015 - 0.0025·cos(3·x)`, clipped to ±0.07; `x += v`, clipped to
 * [-1.2, 0.6]; hitting the left wall stops the car.
 *
 * ## Reward
 * `-0.1·action²` per step, plus 100 on the step that reaches the goal (threshold 90).
 *
 * ## Start state
 * Position uniform in [-0.6, -0.4), velocity 0; `reset({ options: { low, high } })` changes the range.
 *
 * ## Episode end
 * Termination: position ≥ 0.45 and velocity ≥ `goalVelocity` (kwarg, default 0). Truncation: 999 steps.
 *
 * ## Differences from Gymnasium (deliberate)
 * - An action outside [-1, 1] (or NaN, or not a Float32Array of length 1) throws an EnvError; Gymnasium
 *   clips it silently. Wrap with `clipAction` to get Gymnasium's behaviour.
 * - Stepping after termination without `reset()` throws an EnvError.
 * - Start states come from our `Rng`, not NumPy's PCG64.
 *
 * ## Version history
 * - v0: initial version (Gymnasium 1.x).
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { resetBounds } from './utils.ts';
import { MAX_POSITION, MIN_POSITION, mountainCarScene } from './mountain-car-scene.ts';

const MIN_ACTION = -1.0;
const MAX_ACTION = 1.0;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;

/** Constructor arguments of MountainCarContinuous. */
export interface MountainCarContinuousKwargs {
  /** Minimum velocity at the goal for the episode to terminate. */
  goalVelocity: number;
}

/** Default kwargs. */
export const MOUNTAIN_CAR_CONTINUOUS_DEFAULTS = { goalVelocity: 0 } as const satisfies MountainCarContinuousKwargs;

/** Render rate and keyboard controls (arrows give full throttle either way). */
export const MOUNTAIN_CAR_CONTINUOUS_METADATA: EnvMetadata = {
  renderFps: 30,
  keymap: { play: 'realtime', keys: { ArrowLeft: [-1], ArrowRight: [1], a: [-1], d: [1] }, noop: [0], legend: { ArrowLeft: 'full throttle left', ArrowRight: 'full throttle right' }, noopLegend: 'coast' },
};

/** The continuous mountain-car env; `state` is `[position, velocity]` (float32 values after the first step, as in Gymnasium). */
export class MountainCarContinuous implements Env<Float32Array, Float32Array> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: MountainCarContinuous;
  /** Physics random stream (start states). */
  readonly rng: Rng;
  /** `[position, velocity]`; tests may set it. */
  state: Float64Array;
  private readonly goalVelocity: number;
  private phase: EpisodePhase;

  constructor(
    kwargs: Readonly<Record<string, unknown>> = {},
    spec: EnvSpec = bareSpec('MountainCarContinuous-v0', { metadata: MOUNTAIN_CAR_CONTINUOUS_METADATA }),
  ) {
    const args = parseKwargs(spec.id, kwargs, MOUNTAIN_CAR_CONTINUOUS_DEFAULTS);
    this.observationSpace = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
    this.actionSpace = box(MIN_ACTION, MAX_ACTION, { shape: [1] });
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

  /** One step with engine force `action[0]`. */
  step(action: Float32Array): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    // `!(a >= MIN && a <= MAX)` also rejects NaN; ±Infinity fail the range test.
    if (!(action instanceof Float32Array) || action.length !== 1 || !(action[0] >= MIN_ACTION && action[0] <= MAX_ACTION)) {
      throw actionError(this.spec.id, this.actionSpace, action);
    }
    const a = action[0];
    let position = this.state[0];
    let velocity = this.state[1];
    velocity += a * POWER - 0.0025 * Math.cos(3 * position);
    if (velocity > MAX_SPEED) velocity = MAX_SPEED;
    if (velocity < -MAX_SPEED) velocity = -MAX_SPEED;
    position += velocity;
    if (position > MAX_POSITION) position = MAX_POSITION;
    if (position < MIN_POSITION) position = MIN_POSITION;
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    if (terminated) this.phase = 'terminated';
    const reward = (terminated ? 100.0 : 0) - a * a * 0.1;
    this.state[0] = Math.fround(position);
    this.state[1] = Math.fround(velocity);
    return { obs: new Float32Array(this.state), reward, terminated, truncated: false, info: {} };
  }

  /** The valley, the car and the flag at 0.45. */
  render(): Scene {
    return mountainCarScene(this.state[0], GOAL_POSITION);
  }

  /** Nothing to free. */
  close(): void {}
}
