/**
 * DebugEnv: a synthetic env for testing and benchmarking the gym machinery (vector envs, workers, the
 * checker), registered as `Debug/SlowEnv-v0`. Not a task to learn.
 *
 * ## Description
 * A point drifts in [-1, 1]^4: each step adds ±0.05 to every coordinate (by action) plus small noise, and
 * clamps. Each episode's length is drawn at reset, uniform in [10, 60], so copies of a vector env finish at
 * different steps. `stepWork` makes each step do that many iterations of CPU-bound math (a stand-in for an
 * expensive physics step: 3000 iterations take about 56 µs on the reference machine, an AMD EPYC core with
 * Node 20); `stepCostUs` instead spins on the clock for that many microseconds. The results never depend on
 * either.
 *
 * ## Observation (Box(-1, 1, [4], float32))
 * | Index | Meaning        | Min | Max |
 * |-------|----------------|-----|-----|
 * | 0..3  | the coordinates | -1  | 1   |
 *
 * ## Actions (Discrete(2))
 * 0: drift down; 1: drift up.
 *
 * ## Reward
 * 1 per step.
 *
 * ## Start state
 * Coordinates uniform in [-0.5, 0.5).
 *
 * ## Episode end
 * Termination after the episode length drawn at reset. No time limit.
 *
 * ## Fault injection (kwargs, for tests)
 * `failOnSeed`/`failAtStep`: after `reset({ seed: failOnSeed })`, the `failAtStep`-th step throws. With
 * `crashAtStep`, that step schedules an uncaught error (in a worker this kills the thread).
 *
 * ## Version history
 * - v0: initial version.
 */
import { Rng } from '../core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EpisodePhase, type EnvSpec, type ResetOptions, type ResetResult, type StepResult } from './env.ts';
import type { Scene, Shape } from './scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from './spaces.ts';

/** Constructor arguments of DebugEnv. */
export interface DebugEnvKwargs {
  /** Iterations of CPU-bound math per step (about 19 ns each on the reference machine). */
  stepWork: number;
  /** Busy-wait on the clock per step, in microseconds. */
  stepCostUs: number;
  /** Reset seed after which a step throws (-1: never). */
  failOnSeed: number;
  /** Which step (1-based) of such an episode throws. */
  failAtStep: number;
  /** Step (1-based, counted over the env's life) that schedules an uncaught error (-1: never). */
  crashAtStep: number;
}

/** Default kwargs. */
export const DEBUG_ENV_DEFAULTS = { stepWork: 0, stepCostUs: 0, failOnSeed: -1, failAtStep: 1, crashAtStep: -1 } as const satisfies DebugEnvKwargs;

/** The debug env; `state` holds the four coordinates. */
export class DebugEnv implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: DebugEnv;
  readonly rng: Rng;
  state: Float64Array;
  private readonly args: DebugEnvKwargs;
  private episodeLength: number;
  private steps: number;
  private lifeSteps: number;
  private failing: boolean;
  private phase: EpisodePhase;

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Debug/SlowEnv-v0')) {
    this.args = parseKwargs(spec.id, kwargs, DEBUG_ENV_DEFAULTS);
    this.observationSpace = box(-1, 1, { shape: [4] });
    this.actionSpace = discrete(2);
    this.spec = spec;
    this.actionRng = new Rng(1);
    this.unwrapped = this;
    this.rng = new Rng(0);
    this.state = new Float64Array(4);
    this.episodeLength = 0;
    this.steps = 0;
    this.lifeSteps = 0;
    this.failing = false;
    this.phase = 'needs-reset';
  }

  /** Draws a start point and this episode's length. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
      this.failing = opts.seed === this.args.failOnSeed;
    }
    for (let i = 0; i < 4; i++) this.state[i] = this.rng.uniform(-0.5, 0.5);
    this.episodeLength = 10 + this.rng.int(51);
    this.steps = 0;
    this.phase = 'running';
    return { obs: new Float32Array(this.state), info: {} };
  }

  /** Drifts, burns `stepWork` iterations (and spins `stepCostUs`), and terminates at the episode's length. */
  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (action !== 0 && action !== 1) throw actionError(this.spec.id, this.actionSpace, action);
    this.steps++;
    this.lifeSteps++;
    if (this.failing && this.steps === this.args.failAtStep) throw new Error(`DebugEnv: injected failure at step ${this.steps}`);
    if (this.lifeSteps === this.args.crashAtStep) {
      setTimeout(() => {
        throw new Error('DebugEnv: injected crash');
      }, 0);
    }
    if (this.args.stepWork > 0 && Number.isNaN(burn(this.args.stepWork, this.steps))) throw new Error('DebugEnv: unreachable');
    if (this.args.stepCostUs > 0) {
      const until = performance.now() + this.args.stepCostUs / 1000;
      while (performance.now() < until) {
        // spin: a stand-in for expensive physics
      }
    }
    const drift = action === 1 ? 0.05 : -0.05;
    for (let i = 0; i < 4; i++) this.state[i] = Math.min(1, Math.max(-1, this.state[i] + drift + this.rng.uniform(-0.01, 0.01)));
    const terminated = this.steps >= this.episodeLength;
    if (terminated) this.phase = 'terminated';
    return { obs: new Float32Array(this.state), reward: 1, terminated, truncated: false, info: {} };
  }

  /** Four bars, one per coordinate. */
  render(): Scene {
    const shapes: Shape[] = [{ id: 'axis', kind: 'line', x: 0, y: 0, angle: 0, points: [-2.5, 0, 2.5, 0], stroke: '#888888' }];
    for (let i = 0; i < 4; i++) {
      const v = this.state[i];
      shapes.push({ id: `bar-${i}`, kind: 'rect', x: -1.5 + i, y: v / 2, angle: 0, width: 0.6, height: Math.abs(v), fill: v >= 0 ? '#2a9d8f' : '#e76f51' });
    }
    return { bounds: { xMin: -2.5, xMax: 2.5, yMin: -1.2, yMax: 1.2 }, shapes };
  }

  /** Nothing to free. */
  close(): void {}
}

/** CPU-bound busy work: `n` dependent iterations of sin (the result is checked so it is not optimised away). */
function burn(n: number, seed: number): number {
  let x = seed;
  for (let i = 0; i < n; i++) x = Math.sin(x) * 0.999 + 0.5;
  return x;
}
