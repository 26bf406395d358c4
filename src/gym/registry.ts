/**
 * The env registry: `register` an id once (in `envs/index.ts`), then `make(id)` anywhere (Gymnasium's
 * `gymnasium.envs.registration`).
 *
 * Ids are versioned, `[namespace/]Name-vN`; bump the version on any change to dynamics, reward or
 * observation. `make` builds the env with the registered kwargs (plus overrides), then adds `timeLimit`
 * from `maxEpisodeSteps` and the passive contract checker unless `disableEnvChecker` is set. An unknown id
 * gets an error listing the closest registered ids.
 *
 * Worker threads build their own envs, so they must run the same registrations: a module that calls
 * `register` also calls `declareRegistryModule(import.meta.url)`, and vector workers import every declared
 * module before calling `make`.
 */
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_METADATA, type Action, type Env, type EnvMetadata, type EnvSpec, type Observation } from './env.ts';
import { passiveEnvChecker } from './wrappers/env-checker.ts';
import { recordEpisodeStatistics } from './wrappers/record-episode-statistics.ts';
import { timeLimit } from './wrappers/time-limit.ts';
import { SyncVectorEnv } from './vector/sync-vector-env.ts';
import type { VectorEnv, WorkerSpawner } from './vector/vector-env.ts';

/** Builds an env from its kwargs and spec. */
export type EnvFactory = (kwargs: Readonly<Record<string, unknown>>, spec: EnvSpec) => Env<unknown, unknown>;

/**
 * The kind of task an env is, as the page's picker groups them: a robot, classic control, a two-player
 * board game, an arcade game, art (an agent that paints), or `other` (examples, debug envs, and any env that names no category).
 */
export type EnvCategory = 'robot' | 'classic' | 'board' | 'arcade' | 'art' | 'other';

/** Every category, in the picker's order. */
export const ENV_CATEGORIES: readonly EnvCategory[] = ['robot', 'classic', 'board', 'arcade', 'art', 'other'];

/** What `register` takes. */
export interface EnvRegistration {
  /** Versioned id, `[namespace/]Name-vN`. */
  readonly id: string;
  readonly factory: EnvFactory;
  /** The picker group (default `other`); stated here, never guessed from the id. */
  readonly category?: EnvCategory;
  /** Time limit added by `make` (omit or null for none). */
  readonly maxEpisodeSteps?: number | null;
  /** Return at which the task counts as solved (omit or null for none). */
  readonly rewardThreshold?: number | null;
  readonly nondeterministic?: boolean;
  /** Default constructor arguments. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  readonly metadata?: EnvMetadata;
  /** Skip the passive checker by default (e.g. for an env that is itself a checked wrapper). */
  readonly disableEnvChecker?: boolean;
}

/** Overrides for `make`; plain data so they can be posted to vector workers. */
export interface MakeOptions {
  /** Constructor arguments merged over the registered ones. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** Replaces the registered time limit (null: no time limit). */
  readonly maxEpisodeSteps?: number | null;
  /** Skip the passive checker (it is cheap; this is for measuring or for trusted hot loops). */
  readonly disableEnvChecker?: boolean;
  /** Add `recordEpisodeStatistics` (outside the time limit), so `info.episode` reports finished episodes. */
  readonly recordEpisodeStatistics?: boolean;
}

/** The keys `make` understands. */
const MAKE_OPTIONS: ReadonlySet<string> = new Set<keyof MakeOptions>(['kwargs', 'maxEpisodeSteps', 'disableEnvChecker', 'recordEpisodeStatistics']);

const ID_PATTERN = /^(?:[\w.-]+\/)?[\w.:-]+-v\d+$/;

type Entry = { registration: EnvRegistration; spec: EnvSpec; category: EnvCategory };
const registry = new Map<string, Entry>();
const modules = new Set<string>();

/** A hot reload in progress: the ids registered again so far, and the registry as it was before. */
let reload: { seen: Set<string>; before: Map<string, Entry> } | null = null;

/**
 * Registers an env id. Registering an id twice is an error (Gymnasium only warns; silent overrides hide
 * bugs), except once per id during a hot reload (`beginHotReload`), when the new code replaces the old.
 */
export function register(registration: EnvRegistration): void {
  const { id } = registration;
  if (!ID_PATTERN.test(id)) throw new ConfigError(`register: id "${id}" must look like [namespace/]Name-vN, e.g. "CartPole-v1"`);
  const replaces = reload !== null && !reload.seen.has(id);
  if (registry.has(id) && !replaces) throw new ConfigError(`register: "${id}" is already registered; bump the version for a changed env`);
  if (typeof registration.factory !== 'function') throw new ConfigError(`register: "${id}" needs a factory function`);
  const category = registration.category ?? 'other';
  if (!ENV_CATEGORIES.includes(category)) throw new ConfigError(`register: "${id}" category must be one of ${ENV_CATEGORIES.join(', ')}, received ${JSON.stringify(category)}`);
  const max = registration.maxEpisodeSteps ?? null;
  if (max !== null && (!Number.isInteger(max) || max < 1)) throw new ConfigError(`register: "${id}" maxEpisodeSteps must be a positive integer or null, received ${max}`);
  const spec: EnvSpec = Object.freeze({
    id,
    maxEpisodeSteps: max,
    rewardThreshold: registration.rewardThreshold ?? null,
    nondeterministic: registration.nondeterministic ?? false,
    kwargs: Object.freeze({ ...(registration.kwargs ?? {}) }),
    metadata: registration.metadata ?? DEFAULT_METADATA,
    disableEnvChecker: registration.disableEnvChecker ?? false,
  });
  registry.set(id, { registration, spec, category });
  reload?.seen.add(id);
}

/**
 * Starts a hot reload of the module that registers the envs (envs/index.ts, when the page's workers swap in
 * a saved env file: src/web/hot-envs.ts): until `endHotReload`, registering an id again replaces it, so
 * every id stays registered, with the old code or the new, while the new module runs.
 */
export function beginHotReload(): void {
  reload = { seen: new Set(), before: new Map(registry) };
}

/**
 * Ends a hot reload. When the new code `loaded`, the ids it did not register again are removed (they left
 * envs/index.ts); when it failed (a syntax error, a throw), the registry is put back as it was before.
 */
export function endHotReload(loaded: boolean): void {
  if (reload === null) return;
  const { seen, before } = reload;
  reload = null;
  if (loaded) {
    for (const id of [...registry.keys()]) if (!seen.has(id)) registry.delete(id);
  } else {
    registry.clear();
    for (const [id, entry] of before) registry.set(id, entry);
  }
}

/** Removes an id (for tests that register temporary envs). Returns whether it was registered. */
export function unregister(id: string): boolean {
  return registry.delete(id);
}

/**
 * Records the URL of a module that calls `register`, so vector workers can import it and see the same
 * registry. Call it as `declareRegistryModule(import.meta.url)` next to the `register` calls.
 */
export function declareRegistryModule(url: string): void {
  modules.add(url);
}

/** The URLs declared with `declareRegistryModule`. */
export function registryModules(): string[] {
  return [...modules];
}

/** The spec of a registered id; an unknown id throws a ConfigError listing close matches. */
export function spec(id: string): EnvSpec {
  const entry = registry.get(id);
  if (entry === undefined) throw unknownIdError(id);
  return entry.spec;
}

/** The category a registered id was registered with (`other` when it named none); an unknown id throws. */
export function envCategory(id: string): EnvCategory {
  const entry = registry.get(id);
  if (entry === undefined) throw unknownIdError(id);
  return entry.category;
}

/** Specs of every registered env, sorted by id. */
export function listEnvs(): EnvSpec[] {
  return [...registry.values()].map((e) => e.spec).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every registered id, sorted. */
export function registeredIds(): string[] {
  return listEnvs().map((s) => s.id);
}

/**
 * Builds a registered env as users get it: the env, then `timeLimit` (when the spec has
 * `maxEpisodeSteps`), then `recordEpisodeStatistics` if asked, then the passive checker (unless disabled).
 * The type parameters default to the common case (Float32Array observations, number or Float32Array
 * actions); they are not checked at run time, so pick ones that match the env's spaces.
 */
export function make<O = Float32Array, A = number | Float32Array>(id: string, opts: MakeOptions = {}): Env<O, A> {
  const entry = registry.get(id);
  if (entry === undefined) throw unknownIdError(id);
  for (const key of Object.keys(opts)) {
    // Gymnasium's make(id, **kwargs) takes env kwargs directly; here they go under `kwargs`, so a stray
    // `obs: 'pixels'` must not be dropped without a word
    if (!MAKE_OPTIONS.has(key)) {
      throw new ConfigError(`make(${JSON.stringify(id)}): unknown option ${JSON.stringify(key)}; expected ${[...MAKE_OPTIONS].join(', ')} (env kwargs go in { kwargs: { ${key}: … } })`);
    }
  }
  const kwargs = Object.freeze({ ...entry.spec.kwargs, ...(opts.kwargs ?? {}) });
  const maxEpisodeSteps = opts.maxEpisodeSteps === undefined ? entry.spec.maxEpisodeSteps : opts.maxEpisodeSteps;
  const disableEnvChecker = opts.disableEnvChecker ?? entry.spec.disableEnvChecker;
  const envSpec: EnvSpec = Object.freeze({ ...entry.spec, kwargs, maxEpisodeSteps, disableEnvChecker });
  let env = entry.registration.factory(kwargs, envSpec);
  if (maxEpisodeSteps !== null) env = timeLimit(env, { maxEpisodeSteps });
  if (opts.recordEpisodeStatistics === true) env = recordEpisodeStatistics(env);
  if (!disableEnvChecker) env = passiveEnvChecker(env);
  return env as Env<O, A>;
}

/** `numEnvs` copies of `make(id, opts)` stepped together in this thread (synchronous methods available). */
export function makeSyncVec(id: string, numEnvs: number, opts: MakeOptions = {}): SyncVectorEnv {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new ConfigError(`makeSyncVec: numEnvs must be a positive integer, received ${numEnvs}`);
  return new SyncVectorEnv(Array.from({ length: numEnvs }, () => make<Observation, Action>(id, opts)));
}

/** Options of `makeVec`. */
export interface MakeVecOptions extends MakeOptions {
  /** Worker threads to spread the copies over; 0 (default) steps them in this thread. */
  readonly workers?: number;
  /** How to start a worker; defaults to Node `worker_threads` (pass a Web Worker spawner in the browser). */
  readonly spawn?: WorkerSpawner;
  /** With workers: step through shared memory where available (default true); false steps by messages. */
  readonly sharedMemory?: boolean;
}

/**
 * `numEnvs` copies of `make(id, opts)` as a VectorEnv: in this thread (`workers: 0`) or spread over worker
 * threads. Worker copies are built from the modules declared with `declareRegistryModule`.
 */
export async function makeVec(id: string, numEnvs: number, opts: MakeVecOptions = {}): Promise<VectorEnv> {
  const { workers = 0, spawn, sharedMemory, ...makeOptions } = opts;
  if (!Number.isInteger(workers) || workers < 0) throw new ConfigError(`makeVec: workers must be a non-negative integer, received ${workers}`);
  if (workers === 0) return makeSyncVec(id, numEnvs, makeOptions);
  spec(id);
  if (!Number.isInteger(numEnvs) || numEnvs < workers) throw new ConfigError(`makeVec: numEnvs (${numEnvs}) must be an integer ≥ workers (${workers})`);
  const { WorkerVectorEnv } = await import('./vector/worker-vector-env.ts');
  const spawner = spawn ?? (await defaultSpawner());
  return WorkerVectorEnv.create({ envId: id, numEnvs, workers, makeOptions, spawn: spawner, modules: registryModules(), sharedMemory, groupSteps: true });
}

async function defaultSpawner(): Promise<WorkerSpawner> {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (!isNode) throw new ConfigError('makeVec: outside Node, pass `spawn` (a Web Worker spawner) to use workers');
  const { spawnNodeWorker } = await import('./vector/node-worker.ts');
  return spawnNodeWorker;
}

function unknownIdError(id: string): ConfigError {
  const ids = registeredIds();
  const name = id.replace(/-v\d+$/, '');
  const versions = ids.filter((other) => other.replace(/-v\d+$/, '') === name);
  if (versions.length > 0) return new ConfigError(`Environment "${id}" is not registered; available version(s): ${versions.join(', ')}`);
  const scored = ids.map((other) => ({ other, d: editDistance(id.toLowerCase(), other.toLowerCase()) })).sort((a, b) => a.d - b.d);
  const close = scored.filter((s) => s.d <= Math.max(3, Math.floor(id.length / 3))).slice(0, 3).map((s) => s.other);
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  return new ConfigError(`Environment "${id}" is not registered.${hint} Registered: ${ids.join(', ') || '(none: import envs/index.ts)'}`);
}

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
