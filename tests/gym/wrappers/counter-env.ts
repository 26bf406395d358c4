/**
 * A tiny deterministic env for wrapper tests: the observation is `[t, lastAction]`, the reward is `t` (the
 * step number), and the episode terminates after `length` steps. Counts calls so tests can see what the
 * wrapper forwarded.
 */
import { Rng } from '../../../src/core/rng.ts';
import { actionError, bareSpec, seedEnv, type Env, type EnvSpec, type ResetOptions, type ResetResult, type StepResult } from '../../../src/gym/env.ts';
import type { Scene } from '../../../src/gym/scene.ts';
import { box, contains, discrete, type Space } from '../../../src/gym/spaces.ts';

/** Options of CounterEnv. */
export interface CounterOptions {
  readonly length?: number;
  readonly actionSpace?: Space;
  readonly maxEpisodeSteps?: number | null;
}

/** The counter env (numbers for discrete actions, Float32Array for boxes). */
export class CounterEnv implements Env<Float32Array, number | Float32Array> {
  readonly observationSpace = box(-1000, 1000, { shape: [2] });
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng = new Rng(1);
  readonly unwrapped = this;
  readonly rng = new Rng(0);
  readonly length: number;
  t = 0;
  steps = 0;
  resets = 0;
  closes = 0;
  lastSeed: number | undefined = undefined;
  /** Actions received, in order. */
  readonly received: (number | Float32Array)[] = [];

  constructor(opts: CounterOptions = {}) {
    this.length = opts.length ?? 5;
    this.actionSpace = opts.actionSpace ?? discrete(3);
    this.spec = bareSpec('Test/Counter-v0', { maxEpisodeSteps: opts.maxEpisodeSteps ?? null });
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    this.lastSeed = opts.seed;
    this.t = 0;
    this.resets++;
    return { obs: Float32Array.of(0, 0), info: { reset: true } };
  }

  step(action: number | Float32Array): StepResult<Float32Array> {
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    this.received.push(action);
    this.t++;
    this.steps++;
    const a = typeof action === 'number' ? action : action[0];
    return { obs: Float32Array.of(this.t, a), reward: this.t, terminated: this.t >= this.length, truncated: false, info: { t: this.t } };
  }

  render(): Scene {
    return { bounds: { xMin: 0, xMax: 10, yMin: 0, yMax: 10 }, shapes: [{ id: 'bar', kind: 'rect', x: this.t, y: 5, angle: 0, width: 1, height: 10, fill: '#ff0000' }] };
  }

  close(): void {
    this.closes++;
  }
}
