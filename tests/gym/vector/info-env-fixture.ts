/**
 * `Test/InfoEnv-v0`, registered for the vector-env tests in this thread and (through
 * `declareRegistryModule`) in vector workers: an env whose infos and masks exercise every way a worker
 * sends them back: empty infos, JSON-exact infos, infos JSON cannot carry (typed arrays, NaN, undefined),
 * infos too large for shared memory, and masks that only some copies return at a step.
 */
import { Rng } from '../../../src/core/rng.ts';
import { bareSpec, seedEnv, type Env, type EnvSpec, type Info, type ResetOptions, type ResetResult, type StepResult } from '../../../src/gym/env.ts';
import { declareRegistryModule, register, registeredIds } from '../../../src/gym/registry.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../../src/gym/spaces.ts';
import type { Scene } from '../../../src/gym/scene.ts';

/** The info of step `t` (cycles through every kind). */
function infoAt(t: number, rng: Rng): Info {
  switch (t % 6) {
    case 0:
      return {};
    case 1:
      return { t, nested: { label: `step ${t}`, list: [1, 2.5, null, true] } };
    case 2:
      return { t, values: new Float32Array([t, rng.random()]) };
    case 3:
      return { t, notANumber: NaN, missing: undefined };
    case 4:
      return { t, text: 'x'.repeat(5000 + t) };
    default:
      return { t, minusZero: -0, date: new Date(0) };
  }
}

/** Drifts a point; episodes of 3–9 steps; masks on even steps only. */
class InfoEnv implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace = box(-10, 10, { shape: [2] });
  readonly actionSpace: DiscreteSpace = discrete(3);
  readonly spec: EnvSpec;
  readonly actionRng = new Rng(1);
  readonly unwrapped = this;
  private readonly rng = new Rng(0);
  private x = 0;
  private t = 0;
  private length = 0;

  constructor(spec: EnvSpec) {
    this.spec = spec;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
    this.x = this.rng.uniform(-1, 1);
    this.t = 0;
    this.length = 3 + this.rng.int(7);
    return { obs: this.observe(), info: { start: this.x }, mask: new Uint8Array([1, 1, 0]) };
  }

  step(action: number): StepResult<Float32Array> {
    this.t++;
    this.x += action - 1 + 0.1 * this.rng.normal();
    const terminated = this.t >= this.length;
    const result: StepResult<Float32Array> = { obs: this.observe(), reward: this.x, terminated, truncated: false, info: infoAt(this.t, this.rng) };
    if (this.t % 2 === 0) result.mask = new Uint8Array([1, 0, 1]);
    return result;
  }

  private observe(): Float32Array {
    return new Float32Array([Math.max(-10, Math.min(10, this.x)), this.t]);
  }

  render(): Scene {
    return { bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, shapes: [] };
  }

  close(): void {}
}

if (!registeredIds().includes('Test/InfoEnv-v0')) {
  register({ id: 'Test/InfoEnv-v0', factory: (_kwargs, spec) => new InfoEnv(spec ?? bareSpec('Test/InfoEnv-v0')), disableEnvChecker: true });
}
declareRegistryModule(import.meta.url);
