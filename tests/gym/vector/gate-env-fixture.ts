/**
 * `Test/GateEnv-v0`, registered for the vector-env tests in this thread and (through
 * `declareRegistryModule`) in vector workers: an env whose steps a test can hold, to catch a worker in the
 * middle of a step without racing the clock. Kwargs: `gate`, a SharedArrayBuffer of two int32 words, and
 * `heldSeed`. A copy reset with seed `heldSeed` adds one to word 1 at each step (the test waits for that) and
 * then waits until word 0 is non-zero, the gate the test opens; other copies step at once.
 */
import { Rng } from '../../../src/core/rng.ts';
import { bareSpec, seedEnv, type Env, type EnvSpec, type ResetOptions, type ResetResult, type StepResult } from '../../../src/gym/env.ts';
import { declareRegistryModule, register, registeredIds } from '../../../src/gym/registry.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../../../src/gym/spaces.ts';
import type { Scene } from '../../../src/gym/scene.ts';

/** Word of the gate that a held step waits on (0: closed). */
export const GATE_OPEN = 0;
/** Word of the gate that counts the held steps begun. */
export const GATE_HELD = 1;
/** A held step that waits longer than this fails, so a broken test fails instead of hanging. */
const HOLD_LIMIT_MS = 30_000;

/** Counts its steps; observes [its reset seed, steps]. */
class GateEnv implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace = box(-1e9, 1e9, { shape: [2] });
  readonly actionSpace: DiscreteSpace = discrete(2);
  readonly spec: EnvSpec;
  readonly actionRng = new Rng(1);
  readonly unwrapped = this;
  private readonly rng = new Rng(0);
  private readonly gate: Int32Array;
  private readonly heldSeed: number;
  private seed = -1;
  private t = 0;

  constructor(kwargs: Readonly<Record<string, unknown>>, spec: EnvSpec) {
    if (!(kwargs.gate instanceof SharedArrayBuffer)) throw new TypeError(`Test/GateEnv-v0: kwargs.gate must be a SharedArrayBuffer, received ${String(kwargs.gate)}`);
    this.gate = new Int32Array(kwargs.gate);
    this.heldSeed = typeof kwargs.heldSeed === 'number' ? kwargs.heldSeed : -1;
    this.spec = spec;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
      this.seed = opts.seed;
    }
    this.t = 0;
    return { obs: this.observe(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (this.seed === this.heldSeed) {
      Atomics.add(this.gate, GATE_HELD, 1);
      Atomics.notify(this.gate, GATE_HELD);
      if (Atomics.wait(this.gate, GATE_OPEN, 0, HOLD_LIMIT_MS) === 'timed-out') throw new Error(`Test/GateEnv-v0: the gate stayed closed for ${HOLD_LIMIT_MS} ms`);
    }
    this.t += 1;
    return { obs: this.observe(), reward: action, terminated: this.t >= 5, truncated: false, info: {} };
  }

  private observe(): Float32Array {
    return Float32Array.of(this.seed, this.t);
  }

  render(): Scene {
    return { bounds: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, shapes: [] };
  }

  close(): void {}
}

if (!registeredIds().includes('Test/GateEnv-v0')) {
  register({ id: 'Test/GateEnv-v0', factory: (kwargs, spec) => new GateEnv(kwargs, spec ?? bareSpec('Test/GateEnv-v0')), disableEnvChecker: true });
}
declareRegistryModule(import.meta.url);
