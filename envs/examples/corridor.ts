/**
 * Examples/Corridor-v0: walk right along a corridor to the goal. The least an env needs, as a
 * template for new ones (envs/README.md, "Writing an env" walks through it).
 *
 * ## Description
 * The agent stands on one of `length` cells and steps left or right; the goal is the last cell.
 * A two-action task any agent solves in a few thousand steps, so it is a quick check of the wiring
 * (register → picker → training → view) rather than of an algorithm.
 *
 * ## Observation (Box, float32, shape [1])
 * | Index | Meaning                                    | Min | Max |
 * |-------|--------------------------------------------|-----|-----|
 * | 0     | position: cell / (length − 1)              | 0   | 1   |
 *
 * ## Actions (Discrete(2))
 * 0: step left (a wall at cell 0 stops it); 1: step right.
 *
 * ## Reward
 * +1 on reaching the goal, −0.01 for every other step.
 *
 * ## Start state
 * A cell drawn uniformly from the left half.
 *
 * ## Episode end
 * Termination: the goal is reached. Truncation: `maxEpisodeSteps` (50) from the registration.
 *
 * ## Version history
 * - v0: initial version.
 */
import { Rng } from '../../src/core/rng.ts';
import { actionError, assertCanStep, bareSpec, parseKwargs, seedEnv, type Env, type EnvMetadata, type EnvSpec, type EpisodePhase, type ResetOptions, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../src/gym/spaces.ts';

/** Constructor arguments: the number of cells. */
export const CORRIDOR_DEFAULTS = { length: 8 } as const satisfies { length: number };

/** A frame rate for watching, and the arrow keys for playing in turns: one step per key press (a corridor has no "stand still" action, so real-time play would need one). */
export const CORRIDOR_METADATA: EnvMetadata = { renderFps: 8, keymap: { play: 'turns', keys: { ArrowLeft: 0, ArrowRight: 1 }, legend: { ArrowLeft: 'step left', ArrowRight: 'step right' } } };

/** The corridor env. */
export class Corridor implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace = box(0, 1, { shape: [1] });
  readonly actionSpace: DiscreteSpace = discrete(2);
  readonly spec: EnvSpec;
  readonly actionRng = new Rng(1);
  readonly unwrapped: Corridor = this;
  private readonly rng = new Rng(0);
  private readonly length: number;
  private cell = 0;
  private phase: EpisodePhase = 'needs-reset';

  constructor(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Examples/Corridor-v0', { metadata: CORRIDOR_METADATA })) {
    this.spec = spec;
    this.length = Math.max(2, Math.floor(parseKwargs(spec.id, kwargs, CORRIDOR_DEFAULTS).length));
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    this.cell = this.rng.int(Math.ceil(this.length / 2));
    this.phase = 'running';
    return { obs: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    if (action !== 0 && action !== 1) throw actionError(this.spec.id, this.actionSpace, action);
    this.cell = Math.max(0, this.cell + (action === 1 ? 1 : -1));
    const terminated = this.cell === this.length - 1;
    if (terminated) this.phase = 'terminated';
    return { obs: this.observe(), reward: terminated ? 1 : -0.01, terminated, truncated: false, info: {} };
  }

  /** One unit per cell, y up: the cells, the goal, and the agent (ids stable across frames, so the browser only moves the agent). */
  render(): Scene {
    const shapes: Shape[] = [];
    for (let i = 0; i < this.length; i++) {
      shapes.push({ id: `cell-${i}`, kind: 'rect', x: i, y: 0, angle: 0, width: 0.94, height: 0.94, fill: i === this.length - 1 ? '#bbf7d0' : '#f3f4f6', stroke: '#9ca3af', lineWidth: 0.02 });
    }
    shapes.push({ id: 'agent', kind: 'circle', x: this.cell, y: 0, angle: 0, radius: 0.32, fill: '#2563eb' });
    return { bounds: { xMin: -0.75, xMax: this.length - 0.25, yMin: -1.5, yMax: 1.5 }, background: '#ffffff', shapes };
  }

  close(): void {}

  private observe(): Float32Array {
    return Float32Array.of(this.cell / (this.length - 1));
  }
}
