/**
 * PassiveEnvChecker: the contract check `make` puts around every env unless `disableEnvChecker` is set
 * (Gymnasium's `PassiveEnvChecker` + `OrderEnforcing`). It never changes data.
 *
 * Careful where it is cheap, light where it is hot: the spaces are validated once at construction; the
 * first `reset`, first `step` and first `render` results are checked in full (observation in the space,
 * reward a finite number, flags booleans, info an object, mask shape, scene shape); afterwards each step
 * only checks call order, the action against the action space, and that the reward is a finite number and
 * the flags are booleans. Violations throw an EnvError naming the env id; an observation that has the
 * right type and shape but lies outside the box bounds only warns (envs may legitimately leave the
 * bounds, e.g. with custom reset options), as in Gymnasium, and once per env id in a process: not once
 * per checked copy, which a vector env or `dojo check`'s fresh envs would repeat.
 */
import { EnvError, describe } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { actionError, resetNeededError, type AnyEnv, type Env, type EnvSpec, type ResetOptions, type ResetResult, type StepResult, type Wrapper } from '../env.ts';
import { explainInvalidScene, type Scene } from '../scene.ts';
import { assertNever, contains, describeSpace, explainNotContained, validateSpace, type Space } from '../spaces.ts';

/** Env ids whose out-of-bounds observation warning was shown in this process. */
const warnedBounds = new Set<string>();

/** The checker wrapper. */
export class PassiveEnvChecker<O, A> implements Wrapper<O, A> {
  readonly inner: Env<O, A>;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  private phase: 'needs-reset' | 'running' | 'terminated' | 'truncated';
  private checkedReset: boolean;
  private checkedStep: boolean;
  private checkedRender: boolean;

  constructor(env: Env<O, A>) {
    const id = env.spec?.id ?? '(unknown env)';
    for (const [name, space] of [['observationSpace', env.observationSpace], ['actionSpace', env.actionSpace]] as const) {
      try {
        validateSpace(space, name);
      } catch (err) {
        throw new EnvError(id, `invalid ${name}: ${(err as Error).message}`);
      }
    }
    this.inner = env;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.spec = Object.freeze({ ...env.spec, disableEnvChecker: false });
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.phase = 'needs-reset';
    this.checkedReset = false;
    this.checkedStep = false;
    this.checkedRender = false;
  }

  /** Resets the inner env; the first result is checked in full. */
  reset(opts?: ResetOptions): ResetResult<O> {
    const seed = opts?.seed;
    if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0)) {
      throw new EnvError(this.spec.id, `reset seed must be a non-negative integer, received ${describe(seed)}`);
    }
    const result = this.inner.reset(opts);
    if (!this.checkedReset) {
      this.checkedReset = true;
      if (typeof result !== 'object' || result === null) throw new EnvError(this.spec.id, `reset() must return { obs, info }, received ${describe(result)}`);
      this.checkObs(result.obs, 'reset()');
      this.checkInfoAndMask(result.info, result.mask, 'reset()');
    }
    this.phase = 'running';
    return result;
  }

  /** Checks order and the action, steps the inner env, checks the result (in full the first time). */
  step(action: A): StepResult<O> {
    if (this.phase !== 'running') {
      throw resetNeededError(this.spec.id, this.actionSpace, action, this.phase === 'needs-reset' ? 'before-reset' : this.phase);
    }
    if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action);
    const result = this.inner.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      if (typeof result !== 'object' || result === null) throw new EnvError(this.spec.id, `step() must return { obs, reward, terminated, truncated, info }, received ${describe(result)}`);
      this.checkObs(result.obs, 'step()');
      this.checkInfoAndMask(result.info, result.mask, 'step()');
    }
    const { reward, terminated, truncated } = result;
    if (typeof reward !== 'number' || !Number.isFinite(reward)) throw new EnvError(this.spec.id, `step(${describe(action)}) returned reward ${describe(reward)}; rewards must be finite numbers`);
    if (typeof terminated !== 'boolean' || typeof truncated !== 'boolean') {
      throw new EnvError(this.spec.id, `step() must return boolean terminated/truncated, received ${describe(terminated)}/${describe(truncated)}`);
    }
    if (terminated) this.phase = 'terminated';
    else if (truncated) this.phase = 'truncated';
    return result;
  }

  /** The inner env's scene; the first one is validated. */
  render(): Scene {
    const scene = this.inner.render();
    if (!this.checkedRender) {
      this.checkedRender = true;
      const why = explainInvalidScene(scene);
      if (why !== null) throw new EnvError(this.spec.id, `render() returned an invalid Scene: ${why}`);
    }
    return scene;
  }

  /** Closes the inner env (safe to call twice; envs must allow it). */
  close(): void {
    this.inner.close();
  }

  private checkObs(obs: unknown, where: string): void {
    if (contains(this.observationSpace, obs)) return;
    const structural = explainStructure(this.observationSpace, obs);
    const why = structural ?? explainNotContained(this.observationSpace, obs);
    const message = `${where} returned observation ${describe(obs)} that is not in the observation space ${describeSpace(this.observationSpace)}: ${why}`;
    if (structural !== null) throw new EnvError(this.spec.id, message);
    if (!warnedBounds.has(this.spec.id)) {
      warnedBounds.add(this.spec.id);
      console.warn(`${this.spec.id}: ${message} (warning only; shown once)`);
    }
  }

  private checkInfoAndMask(info: unknown, mask: unknown, where: string): void {
    if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new EnvError(this.spec.id, `${where} must return info as a plain object, received ${describe(info)}`);
    if (mask === undefined) return;
    const space = this.actionSpace;
    if (space.kind !== 'discrete') throw new EnvError(this.spec.id, `${where} returned a mask but the action space ${describeSpace(space)} is not discrete`);
    if (!(mask instanceof Uint8Array) || mask.length !== space.n) throw new EnvError(this.spec.id, `${where} mask must be a Uint8Array of ${space.n} entries, received ${describe(mask)}`);
  }
}

/**
 * Why `x` does not have the structure of `space` (type, length, keys, finite numbers, integers), ignoring
 * box bounds; null when the structure is right.
 */
export function explainStructure(space: Space, x: unknown): string | null {
  switch (space.kind) {
    case 'box': {
      const ok = space.dtype === 'float32' ? x instanceof Float32Array : x instanceof Uint8Array;
      if (!ok || (x as Float32Array).length !== space.low.length) return explainNotContained(space, x);
      const arr = x as Float32Array;
      for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i])) return `element ${i} is ${arr[i]}`;
      return null;
    }
    case 'discrete':
    case 'multiDiscrete':
    case 'multiBinary':
      return explainNotContained(space, x);
    case 'dict': {
      if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return explainNotContained(space, x);
      for (const key of Object.keys(space.spaces)) {
        if (!(key in x)) return `missing key "${key}"`;
        const why = explainStructure(space.spaces[key], (x as Record<string, unknown>)[key]);
        if (why !== null) return `key "${key}": ${why}`;
      }
      return null;
    }
    case 'tuple': {
      if (!Array.isArray(x) || x.length !== space.spaces.length) return explainNotContained(space, x);
      for (let i = 0; i < x.length; i++) {
        const why = explainStructure(space.spaces[i], x[i]);
        if (why !== null) return `item ${i}: ${why}`;
      }
      return null;
    }
    default:
      return assertNever(space);
  }
}

/** Wraps `env` in the passive contract checker. */
export function passiveEnvChecker<O, A>(env: Env<O, A>): PassiveEnvChecker<O, A> {
  return new PassiveEnvChecker(env);
}
