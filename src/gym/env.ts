/**
 * The Env contract: Gymnasium 1.x meaning in TypeScript shape (see docs/ARCHITECTURE.md).
 *
 * `reset({ seed })` re-seeds the env's own `Rng`; `reset()` without a seed continues the stream. `step`
 * returns named fields so `terminated` (the MDP ended) and `truncated` (a time limit or other outside cut)
 * can't be confused. Envs never truncate themselves: `make` adds `timeLimit` from the spec.
 *
 * Bad use throws an `EnvError` naming the env id, the space and the value received: an action outside the
 * space (NaN, Infinity, wrong length or type), `step` before `reset`, or `step` after the episode ended
 * without a `reset`. Envs check this themselves, so it holds even without `make`'s checker.
 */
import { Rng } from '../core/rng.ts';
import { ConfigError, EnvError, describe } from '../core/errors.ts';
import type { Scene } from './scene.ts';
import { describeSpace, explainNotContained, type Space, type SpaceValue } from './spaces.ts';

/** Free-form per-step information (Gymnasium's `info` dict). */
export type Info = Record<string, unknown>;

/** Any observation (typed array, number, or dict/tuple of those). */
export type Observation = SpaceValue;

/** Any action: a number for discrete spaces, a Float32Array for boxes, … */
export type Action = SpaceValue;

/** Arguments of `reset`. */
export interface ResetOptions {
  /** Re-seeds the env's Rng (and its `actionRng`); omit to continue the current stream. A non-negative integer. */
  readonly seed?: number;
  /** Env-specific reset options (e.g. `{ low, high }` for the classic envs' start distribution). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What `reset` returns. */
export interface ResetResult<O = Observation> {
  obs: O;
  info: Info;
  /** Legal actions (1 = legal) for discrete action spaces, when the env has such a notion. */
  mask?: Uint8Array;
}

/** What `step` returns. */
export interface StepResult<O = Observation> {
  obs: O;
  reward: number;
  /** The MDP reached a terminal state (no bootstrapping past it). */
  terminated: boolean;
  /** The episode was cut from outside the MDP (time limit); bootstrap from `obs`. */
  truncated: boolean;
  info: Info;
  /** Legal actions for the next step (1 = legal), when the env has such a notion. */
  mask?: Uint8Array;
}

/** The action a key plays: a number for discrete spaces, a list of numbers for boxes. */
export type KeyAction = number | readonly number[];

/**
 * Keyboard controls for human play in the browser: `KeyboardEvent.key` names (e.g. `ArrowLeft`, `a`)
 * mapped to actions, in one of two modes (docs/sandbox.md, "Human play", says which to choose):
 *
 * - `realtime`: the env steps at its `renderFps` whether a key is down or not, like an arcade game. A held key
 *   plays its action; a tap shorter than a frame still plays once; with no key, `noop` is played. For envs
 *   that move on their own (Pong, Snake, CartPole): they need an explicit "do nothing" action.
 * - `turns`: one step per key press and none in between, so no no-op is needed. For envs where nothing
 *   happens until the player acts (a grid world, a corridor), whose actions may have no "do nothing".
 *
 * `legend` says in words what keys do (`{ ArrowLeft: 'push left' }`); keys that play the same action share
 * a line, so listing one of them is enough. `noopLegend` says what no key does.
 */
export type KeyMap =
  | { readonly play: 'realtime'; readonly keys: Readonly<Record<string, KeyAction>>; readonly noop: KeyAction; readonly legend: Readonly<Record<string, string>>; readonly noopLegend: string }
  | { readonly play: 'turns'; readonly keys: Readonly<Record<string, KeyAction>>; readonly legend: Readonly<Record<string, string>>; readonly noop?: undefined };

/** Presentation facts about an env (Gymnasium's `metadata`). */
export interface EnvMetadata {
  /** Frames per second at which a human sees real time. */
  readonly renderFps: number;
  readonly keymap?: KeyMap;
  /** The env's left–right symmetry, when it has one (PPO's `mirrorCoef` uses it); see `MirrorMap`. */
  readonly mirror?: MirrorMap;
}

/**
 * An env's mirror symmetry as index permutations of its (flat) observation and action: the mirror image of
 * observation `o` is `o'[i] = o[obs[i]]`, of action `a` is `a'[k] = a[act[k]]`, and acting `a'` in the mirrored
 * state leads to the mirrored next state (a planar biped: swap the legs' blocks). Mirroring twice is the
 * identity. Learning symmetric and low-energy locomotion (Yu, Turk and Liu, SIGGRAPH 2018) asks the policy
 * for this symmetry.
 */
export interface MirrorMap {
  readonly obs: readonly number[];
  readonly act: readonly number[];
}

/** How an env was registered and made (Gymnasium's `EnvSpec`); plain data. */
export interface EnvSpec {
  /** Versioned id, `[namespace/]Name-vN`. */
  readonly id: string;
  /** Time limit added by `make` (null: none). */
  readonly maxEpisodeSteps: number | null;
  /** Average return over 100 episodes at which the task counts as solved (null: none). */
  readonly rewardThreshold: number | null;
  /** True when the same seed does not give the same trajectory. */
  readonly nondeterministic: boolean;
  /** Constructor arguments the env was made with. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly metadata: EnvMetadata;
  /** True when `make` skipped the passive checker. */
  readonly disableEnvChecker: boolean;
}

/**
 * An environment. Wrappers implement the same interface and hold `inner`; nothing is forwarded
 * implicitly, so reach the base env through `unwrapped` (e.g. `(env.unwrapped as CartPole).state`).
 */
export interface Env<O = Observation, A = Action> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  /**
   * The Rng to sample actions with: `sample(env.actionSpace, env.actionRng)`. `reset({ seed })` re-seeds it
   * from the same seed (a derived stream), so random-action runs repeat exactly (fixes Gymnasium #185).
   */
  readonly actionRng: Rng;
  /** The innermost env (itself for a base env). */
  readonly unwrapped: AnyEnv;
  reset(opts?: ResetOptions): ResetResult<O>;
  step(action: A): StepResult<O>;
  /** The current frame as a Scene (plain data; see scene.ts). */
  render(): Scene;
  /** Frees resources; calling it twice is safe. */
  close(): void;
  /**
   * A training curriculum, for envs that have one: how far along it training is, from 0 (the easiest form)
   * to 1 (the env's task, the default). Trainers with `curriculumSteps` set it between iterations through
   * `VectorEnv.setAttr`; evaluation never touches it, so it always scores the task. What it changes is the
   * env's to document (AmpFootWalker-v0: the weight of the energy term rises with it).
   */
  curriculumProgress?: number;
}

/** The attribute an env's curriculum reads (see `Env.curriculumProgress`). */
export const CURRICULUM_ATTR = 'curriculumProgress';

/** An env whose observation and action types are not known statically. */
export type AnyEnv = Env<unknown, unknown>;

/** A wrapper: an Env that holds the env it wraps. */
export interface Wrapper<O = Observation, A = Action, IO = O, IA = A> extends Env<O, A> {
  readonly inner: Env<IO, IA>;
}

/** Default metadata for envs that declare none. */
export const DEFAULT_METADATA: EnvMetadata = Object.freeze({ renderFps: 30 });

/** A spec for an env constructed directly (not through `make`): no time limit, no threshold. */
export function bareSpec(id: string, fields: Partial<Omit<EnvSpec, 'id'>> = {}): EnvSpec {
  return Object.freeze({
    id,
    maxEpisodeSteps: fields.maxEpisodeSteps ?? null,
    rewardThreshold: fields.rewardThreshold ?? null,
    nondeterministic: fields.nondeterministic ?? false,
    kwargs: Object.freeze({ ...(fields.kwargs ?? {}) }),
    metadata: fields.metadata ?? DEFAULT_METADATA,
    disableEnvChecker: fields.disableEnvChecker ?? false,
  });
}

/** The seed of an env's `actionRng` for a reset seed: a fixed offset, so the two streams are unrelated (SplitMix32 seeding). */
export function actionSeed(seed: number): number {
  return seed + 0x6a09e667;
}

/**
 * Re-seeds an env's physics `rng` with `seed` and its `actionRng` with `actionSeed(seed)`. Throws an
 * EnvError for a seed that is not a non-negative safe integer (Gymnasium requires `int >= 0`).
 */
export function seedEnv(envId: string, seed: number, rng: Rng, actionRng: Rng): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new EnvError(envId, `reset seed must be a non-negative integer, received ${describe(seed)}`);
  rng.seed(seed);
  actionRng.seed(actionSeed(seed));
}

/** The EnvError for an action outside the action space: names the space, the value and why. */
export function actionError(envId: string, space: Space, action: unknown): EnvError {
  const why = explainNotContained(space, action) ?? 'rejected by the env';
  return new EnvError(envId, `action ${describe(action)} is not in the action space ${describeSpace(space)}: ${why}`);
}

/** The EnvError for `step` before the first `reset`, or after the episode ended without a new `reset`. */
export function resetNeededError(envId: string, space: Space, action: unknown, reason: 'before-reset' | 'terminated' | 'truncated'): EnvError {
  const when =
    reason === 'before-reset'
      ? 'before reset()'
      : `after the episode ended (${reason} = true) without reset(); further steps are undefined in Gymnasium and an error here`;
  return new EnvError(envId, `step(${describe(action)}) called ${when}. Call reset() first (action space ${describeSpace(space)})`);
}

/**
 * Where a base env is in its episode: `needs-reset` before the first `reset`, `running` while it may step,
 * `terminated` after a terminal step until the next `reset`. (Truncation belongs to `timeLimit`, so a base
 * env never sees it.) Every env keeps one field of this type and calls `assertCanStep` first in `step`.
 */
export type EpisodePhase = 'needs-reset' | 'running' | 'terminated';

/**
 * Throws the EnvError for `step(action)` unless the episode is `running`: before the first `reset`, or after
 * termination without a new one. The message names the env id, the action, the action space and the fix.
 */
export function assertCanStep(env: { readonly spec: EnvSpec; readonly actionSpace: Space }, phase: EpisodePhase, action: unknown): void {
  if (phase !== 'running') throw resetNeededError(env.spec.id, env.actionSpace, action, phase === 'terminated' ? 'terminated' : 'before-reset');
}

/**
 * Reads constructor kwargs against typed defaults: unknown keys and wrong types throw a ConfigError that
 * lists what the env accepts. Returns the defaults overridden by the given values.
 */
export function parseKwargs<T extends Record<string, number | boolean | string>>(envId: string, kwargs: Readonly<Record<string, unknown>>, defaults: T): T {
  const out: Record<string, number | boolean | string> = { ...defaults };
  const allowed = Object.keys(defaults);
  for (const [key, value] of Object.entries(kwargs)) {
    if (!Object.hasOwn(defaults, key)) {
      throw new ConfigError(`${envId}: unknown kwarg "${key}"; accepted: ${allowed.length ? allowed.map((k) => `${k} (${typeof defaults[k]})`).join(', ') : 'none'}`);
    }
    const want = typeof defaults[key];
    if (typeof value !== want || (want === 'number' && !Number.isFinite(value))) {
      throw new ConfigError(`${envId}: kwarg "${key}" must be a finite ${want}, received ${describe(value)}`);
    }
    out[key] = value as number | boolean | string;
  }
  return out as T;
}
