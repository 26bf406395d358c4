/**
 * Action wrappers: ClipAction, RescaleAction, TransformAction and StickyAction (Gymnasium 1.x names and
 * semantics). ClipAction is the one place where out-of-range actions are silently clipped.
 */
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { actionError, actionSeed, type AnyEnv, type Env, type EnvSpec, type ResetOptions, type ResetResult, type StepResult, type Wrapper } from '../env.ts';
import type { Scene } from '../scene.ts';
import { box, contains, describeSpace, type BoxSpace, type Space } from '../spaces.ts';

function requireFloatBox(env: { spec: EnvSpec; actionSpace: Space }, wrapper: string): BoxSpace {
  const space = env.actionSpace;
  if (space.kind !== 'box' || space.dtype !== 'float32') throw new ConfigError(`${env.spec.id}: ${wrapper} needs a float32 Box action space, received ${describeSpace(space)}`);
  return space;
}

/**
 * Clips each action element into the inner Box's bounds; the outer action space is the unbounded box of
 * the same shape. NaN, ±Infinity and wrong lengths still throw.
 */
export class ClipAction<O> implements Wrapper<O, Float32Array> {
  readonly inner: Env<O, Float32Array>;
  readonly observationSpace: Space;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private readonly innerSpace: BoxSpace;

  constructor(env: Env<O, Float32Array>) {
    this.innerSpace = requireFloatBox(env, 'clipAction');
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = box(-Infinity, Infinity, { shape: this.innerSpace.shape });
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
  }

  /** Resets the inner env. */
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.inner.reset(opts);
  }

  /** Clips a copy of `action` into the inner bounds and steps. */
  step(action: Float32Array): StepResult<O> {
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    const { low, high } = this.innerSpace;
    const clipped = new Float32Array(action.length);
    for (let i = 0; i < action.length; i++) clipped[i] = Math.min(Math.max(action[i], low[i]), high[i]);
    return this.inner.step(clipped);
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` so actions outside its Box are clipped instead of rejected. */
export function clipAction<O>(env: Env<O, Float32Array>): ClipAction<O> {
  return new ClipAction(env);
}

/** Options of `rescaleAction`. */
export interface RescaleActionOptions {
  /** Lower end of the outer action range (default -1). */
  readonly minAction?: number;
  /** Upper end of the outer action range (default 1). */
  readonly maxAction?: number;
}

/** Maps actions in `[minAction, maxAction]` affinely onto the inner (bounded) Box. */
export class RescaleAction<O> implements Wrapper<O, Float32Array> {
  readonly inner: Env<O, Float32Array>;
  readonly observationSpace: Space;
  readonly actionSpace: BoxSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private readonly innerSpace: BoxSpace;

  constructor(env: Env<O, Float32Array>, opts: RescaleActionOptions = {}) {
    const inner = requireFloatBox(env, 'rescaleAction');
    const min = opts.minAction ?? -1;
    const max = opts.maxAction ?? 1;
    if (!(min < max) || !Number.isFinite(min) || !Number.isFinite(max)) throw new ConfigError(`${env.spec.id}: rescaleAction needs finite minAction < maxAction, received ${min}, ${max}`);
    if (!inner.low.every(Number.isFinite) || !inner.high.every(Number.isFinite)) throw new ConfigError(`${env.spec.id}: rescaleAction needs a bounded action space, received ${describeSpace(inner)}`);
    this.innerSpace = inner;
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = box(min, max, { shape: inner.shape });
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
  }

  /** Resets the inner env. */
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.inner.reset(opts);
  }

  /** Rescales `action` (which must lie in the outer range) and steps. */
  step(action: Float32Array): StepResult<O> {
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    const { low, high } = this.innerSpace;
    const min = this.actionSpace.low;
    const max = this.actionSpace.high;
    const scaled = new Float32Array(action.length);
    for (let i = 0; i < action.length; i++) {
      const v = low[i] + (high[i] - low[i]) * ((action[i] - min[i]) / (max[i] - min[i]));
      // Only float rounding can leave the inner range here; the input was validated above.
      scaled[i] = Math.min(Math.max(v, low[i]), high[i]);
    }
    return this.inner.step(scaled);
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` so its Box actions are given in `[minAction, maxAction]` (default [-1, 1]). */
export function rescaleAction<O>(env: Env<O, Float32Array>, opts?: RescaleActionOptions): RescaleAction<O> {
  return new RescaleAction(env, opts);
}

/** Applies `fn` to each action; the outer `actionSpace` is given, actions are validated against it. */
export class TransformAction<O, A, IA> implements Wrapper<O, A, O, IA> {
  readonly inner: Env<O, IA>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private readonly fn: (action: A) => IA;

  constructor(env: Env<O, IA>, fn: (action: A) => IA, actionSpace: Space) {
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.fn = fn;
  }

  /** Resets the inner env. */
  reset(opts?: ResetOptions): ResetResult<O> {
    return this.inner.reset(opts);
  }

  /** Validates, transforms and steps. */
  step(action: A): StepResult<O> {
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    return this.inner.step(this.fn(action));
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` so actions from `actionSpace` are mapped through `fn` before stepping. */
export function transformAction<O, A, IA>(env: Env<O, IA>, fn: (action: A) => IA, actionSpace: Space): TransformAction<O, A, IA> {
  return new TransformAction(env, fn, actionSpace);
}

/** Options of `stickyAction`. */
export interface StickyActionOptions {
  /** Probability that the previous action is repeated instead of the given one (in [0, 1)). */
  readonly repeatActionProbability: number;
  /** Once sticky, how many steps the previous action is repeated (default 1). */
  readonly repeatActionDuration?: number;
}

/**
 * With probability p, repeats the previous action instead of the given one (Machado et al. 2018, "Revisiting
 * the Arcade Learning Environment", https://arxiv.org/abs/1709.06009). Draws come from the wrapper's own
 * `rng`, re-seeded by `reset({ seed })`, so runs repeat exactly.
 */
export class StickyAction<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  /** The stream deciding when actions stick. */
  readonly rng: Rng;
  readonly repeatActionProbability: number;
  readonly repeatActionDuration: number;
  private lastAction: A | null;
  private stickyLeft: number;

  constructor(env: Env<O, A>, opts: StickyActionOptions) {
    const p = opts.repeatActionProbability;
    const d = opts.repeatActionDuration ?? 1;
    if (!(p >= 0 && p < 1)) throw new ConfigError(`${env.spec.id}: stickyAction repeatActionProbability must be in [0, 1), received ${p}`);
    if (!Number.isInteger(d) || d < 1) throw new ConfigError(`${env.spec.id}: stickyAction repeatActionDuration must be a positive integer, received ${d}`);
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.rng = new Rng(0x57);
    this.repeatActionProbability = p;
    this.repeatActionDuration = d;
    this.lastAction = null;
    this.stickyLeft = 0;
  }

  /** Resets the inner env and forgets the previous action. */
  reset(opts?: ResetOptions): ResetResult<O> {
    const result = this.inner.reset(opts);
    if (opts?.seed !== undefined) this.rng.seed(actionSeed(opts.seed) + 1);
    this.lastAction = null;
    this.stickyLeft = 0;
    return result;
  }

  /** Steps with the previous action when it sticks, else with `action`. */
  step(action: A): StepResult<O> {
    let chosen = action;
    if (this.lastAction !== null && (this.stickyLeft > 0 || this.rng.random() < this.repeatActionProbability)) {
      if (this.stickyLeft === 0) this.stickyLeft = this.repeatActionDuration;
      this.stickyLeft--;
      chosen = this.lastAction;
    }
    const result = this.inner.step(chosen);
    this.lastAction = chosen;
    return result;
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` with sticky actions. */
export function stickyAction<O, A>(env: Env<O, A>, opts: StickyActionOptions): StickyAction<O, A> {
  return new StickyAction(env, opts);
}
