/**
 * checkEnv: the conformance check every registered env passes (Gymnasium's `check_env` and `test_envs`),
 * usable by anyone writing an env. It returns a report of named checks instead of stopping at the first
 * problem; `assertEnv` throws if any check failed. `dojo check <id>` prints the report.
 *
 * Given an id, the env is built with `make(id, { kwargs })` as users get it; the bad-input checks use
 * `make(id, { disableEnvChecker: true })`, so they test that the env itself rejects bad input. Given an env
 * instance, it must be fresh (not yet reset); given a factory, fresh envs are built as needed.
 *
 * A failed check says what to change, naming the helper that exists for the mistake (`assertCanStep`,
 * `actionError`, `seedEnv`, `this.rng`); envs/README.md ("Adding an env") lists the same rules.
 */
import { EnvError, describe } from '../core/errors.ts';
import type { AnyEnv, ResetResult, StepResult } from './env.ts';
import { mirrorError } from './mirror.ts';
import { rasterize } from './raster.ts';
import { make } from './registry.ts';
import { explainInvalidScene, type Scene } from './scene.ts';
import { contains, describeSpace, explainNotContained, flatDim, sample, validateSpace, valuesEqual, type Space, type SpaceValue } from './spaces.ts';

/** One named check. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped (empty when it passed). */
  readonly message: string;
}

/** The outcome of `checkEnv`. */
export interface EnvCheckReport {
  readonly envId: string;
  /** True when no check failed. */
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** Options of `checkEnv`. */
export interface CheckEnvOptions {
  /** Steps in the determinism rollouts (default 200). */
  readonly steps?: number;
  /** Seed of the rollouts (default 42). */
  readonly seed?: number;
  /** Kwargs to build an env given by id with (`make(id, { kwargs })`). */
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

type Target = string | AnyEnv | (() => AnyEnv);

/** Runs every check on an env (by id, instance or factory) and returns the report. */
export function checkEnv(target: Target, opts: CheckEnvOptions = {}): EnvCheckReport {
  const steps = opts.steps ?? 200;
  const seed = opts.seed ?? 42;
  const checks: CheckResult[] = [];
  const run = (name: string, fn: () => string | null | { skip: string }): void => {
    try {
      const out = fn();
      if (out === null) checks.push({ name, status: 'pass', message: '' });
      else if (typeof out === 'string') checks.push({ name, status: 'fail', message: out });
      else checks.push({ name, status: 'skip', message: out.skip });
    } catch (err) {
      checks.push({ name, status: 'fail', message: `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` });
    }
  };

  const given: AnyEnv | null = typeof target === 'object' ? target : null;
  const kwargs = opts.kwargs;
  const fresh = (): AnyEnv | null => (typeof target === 'string' ? make<unknown, unknown>(target, { kwargs }) : typeof target === 'function' ? target() : null);
  const unchecked = (): AnyEnv | null => (typeof target === 'string' ? make<unknown, unknown>(target, { kwargs, disableEnvChecker: true }) : fresh());
  let env: AnyEnv;
  try {
    env = given ?? (fresh() as AnyEnv);
  } catch (err) {
    const id = typeof target === 'string' ? target : '(env)';
    return { envId: id, ok: false, checks: [{ name: 'env can be built', status: 'fail', message: `threw ${(err as Error).message}` }] };
  }
  const id = env.spec?.id ?? '(unknown id)';

  run('spaces are valid', () => {
    validateSpace(env.observationSpace, 'observationSpace');
    validateSpace(env.actionSpace, 'actionSpace');
    return null;
  });
  run('spec is well-formed', () => checkSpec(env));
  run('step before reset throws EnvError', () => {
    const e = given ?? unchecked();
    if (e === null) return { skip: 'needs a fresh env' };
    const why = expectEnvError(id, () => e.step(sample(e.actionSpace, e.actionRng)), 'step before reset');
    if (e !== env) e.close();
    return why === null ? null : `${why}. ${PHASE_HINT}`;
  });
  run('reset returns { obs, info } with obs in the observation space', () => checkReset(env, env.reset({ seed })));
  run('reset(seed) is deterministic', () => {
    const a = env.reset({ seed }).obs;
    env.reset({ seed: seed + 1 });
    const b = env.reset({ seed }).obs;
    if (!valuesEqual(a as SpaceValue, b as SpaceValue)) return `reset({ seed: ${seed} }) gave ${describe(a)} then ${describe(b)}. ${SEED_HINT}`;
    const other = fresh();
    if (other !== null) {
      const c = other.reset({ seed }).obs;
      other.close();
      if (!valuesEqual(a as SpaceValue, c as SpaceValue)) return `a fresh env's reset({ seed: ${seed} }) gave ${describe(c)}, not ${describe(a)}. ${SEED_HINT}`;
    }
    return null;
  });
  run('step returns { obs, reward, terminated, truncated, info } of the right types', () => {
    const { mask } = env.reset({ seed });
    return checkStep(env, env.step(sample(env.actionSpace, env.actionRng, mask)));
  });
  let first: Trace | null = null;
  run(`rollouts of ${steps} steps are deterministic (env and actionRng seeded by reset)`, () => {
    first = rollout(env, seed, steps);
    const second = rollout(env, seed, steps);
    const why = compareTraces(first, second);
    return why === null ? null : `${why}. ${ROLLOUT_HINT}`;
  });
  run('rewards are finite and observations stay in the observation space', () => {
    const trace = first ?? rollout(env, seed, steps);
    return trace.problem;
  });
  run('observations are fresh values (not one reused buffer)', () => {
    const { obs: a, mask } = env.reset({ seed });
    const b = env.step(sample(env.actionSpace, env.actionRng, mask)).obs;
    if (typeof a === 'object' && a !== null && a === b) return 'reset() and step() returned the same observation object; return a new array each time';
    return null;
  });
  run('step after the episode ended throws EnvError', () => {
    const e = unchecked() ?? env;
    const limit = Math.min(e.spec?.maxEpisodeSteps ?? 2000, 20000);
    let mask = e.reset({ seed }).mask;
    for (let t = 0; t < limit; t++) {
      const r = e.step(sample(e.actionSpace, e.actionRng, mask));
      mask = r.mask;
      if (r.terminated || r.truncated) {
        const why = expectEnvError(id, () => e.step(sample(e.actionSpace, e.actionRng)), `step after ${r.terminated ? 'terminated' : 'truncated'}`);
        if (e !== env) e.close();
        return why === null ? null : `${why}. ${PHASE_HINT}`;
      }
    }
    if (e !== env) e.close();
    return { skip: `no episode ended within ${limit} steps (no time limit?)` };
  });
  run('invalid actions throw EnvError naming the env', () => {
    const e = unchecked() ?? env;
    const outcomes = invalidActions(e.actionSpace).map((bad) => {
      e.reset({ seed });
      return { bad, outcome: stepOutcome(id, () => e.step(bad)) };
    });
    if (e !== env) e.close();
    return explainUnvalidatedActions(e.actionSpace, outcomes);
  });
  run('render() returns a valid Scene that survives structuredClone', () => {
    const { mask } = env.reset({ seed });
    env.step(sample(env.actionSpace, env.actionRng, mask));
    const scene = env.render();
    const why = explainInvalidScene(scene);
    if (why !== null) return why;
    const clone = structuredClone(scene);
    if (JSON.stringify(clone) !== JSON.stringify(scene)) return 'structuredClone(scene) differs from the scene (non-plain data inside?)';
    return null;
  });
  run(`render() draws something visible in an ${FRAME_PX}×${FRAME_PX} frame`, () => {
    env.reset({ seed });
    const scene = env.render();
    return explainInvalidScene(scene) === null ? explainInvisibleScene(scene) : { skip: 'the scene is invalid (see the check above)' };
  });
  run('close() twice is safe', () => {
    env.close();
    env.close();
    return null;
  });
  return { envId: id, ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** Runs `checkEnv` and throws an EnvError listing every failed check. */
export function assertEnv(target: Target, opts?: CheckEnvOptions): EnvCheckReport {
  const report = checkEnv(target, opts);
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`);
    throw new EnvError(report.envId, `failed ${failed.length} env check(s):\n  ${failed.join('\n  ')}`);
  }
  return report;
}

/** The report as text, one check per line (✓ pass, ✗ fail, – skipped). */
export function formatReport(report: EnvCheckReport): string {
  const lines = report.checks.map((c) => (c.status === 'pass' ? `  ✓ ${c.name}` : c.status === 'fail' ? `  ✗ ${c.name}\n      ${c.message}` : `  – ${c.name} (skipped: ${c.message})`));
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const summary = report.ok ? `${report.envId}: all ${report.checks.length} checks passed` : `${report.envId}: ${failed} of ${report.checks.length} checks failed`;
  return [`checkEnv ${report.envId}`, ...lines, summary].join('\n');
}

// ── the checks ──

const PHASE_HINT = 'Keep an `EpisodePhase` field and call `assertCanStep(this, this.phase, action)` first in step() (src/gym/env.ts): it throws the EnvError before reset() and after termination';
const SEED_HINT = 'When reset() gets a seed, call `seedEnv(this.spec.id, seed, this.rng, this.actionRng)` (src/gym/env.ts) and draw the start state from `this.rng`, never Math.random or a module-level Rng';
const ROLLOUT_HINT = 'The same seed must give the same run: draw every random number in reset() and step() from `this.rng`, and let reset() re-seed both `this.rng` and `this.actionRng` with `seedEnv(this.spec.id, seed, this.rng, this.actionRng)` (random actions are sampled from actionRng)';
const ACTION_HINT = 'Validate the action first in step(): `if (!contains(this.actionSpace, action)) throw actionError(this.spec.id, this.actionSpace, action)` (`contains` from src/gym/spaces.ts; `actionError` from src/gym/env.ts names the env, the space and the value)';

/** Side of the frame the visibility check draws (the arcade envs' pixel observations are 84×84). */
const FRAME_PX = 84;
/** Pixels that must differ from the background for a frame to count as showing something. */
const MIN_VISIBLE_PX = 10;

/**
 * Why `scene`, drawn at 84×84, shows nothing (null when it shows something): fewer than 10 pixels differ
 * from the background alone (shapes outside `bounds`, in other units, or in the background's colour), or
 * the whole frame is one colour (a shape covers all of `bounds`). A grid that fills its frame passes.
 */
export function explainInvisibleScene(scene: Scene): string | null {
  const frame = rasterize(scene, FRAME_PX, FRAME_PX);
  const empty = rasterize({ ...scene, shapes: [] }, FRAME_PX, FRAME_PX);
  let drawn = 0, uniform = true;
  for (let i = 0; i < frame.length; i += 3) {
    if (frame[i] !== empty[i] || frame[i + 1] !== empty[i + 1] || frame[i + 2] !== empty[i + 2]) drawn++;
    if (frame[i] !== frame[0] || frame[i + 1] !== frame[1] || frame[i + 2] !== frame[2]) uniform = false;
  }
  const { xMin, xMax, yMin, yMax } = scene.bounds;
  const where = `bounds x ${xMin}..${xMax}, y ${yMin}..${yMax}`;
  if (drawn < MIN_VISIBLE_PX) {
    return `only ${drawn} of ${FRAME_PX * FRAME_PX} pixels differ from the background ${scene.background ?? '(default)'}: put the shapes inside the scene's ${where} (the same world units), and give them a fill or stroke colour other than the background`;
  }
  if (uniform) {
    const hex = `#${Array.from(frame.subarray(0, 3), (v) => v.toString(16).padStart(2, '0')).join('')}`;
    return `the whole frame is one colour (${hex}): a shape covers all of the scene's ${where}; make the bounds larger than the world, or draw the agent in a colour of its own`;
  }
  return null;
}

type StepOutcome = { kind: 'ok' } | { kind: 'no-throw' } | { kind: 'other-error'; text: string } | { kind: 'no-id'; text: string };

/** What `fn` (a step with a bad action) did: threw an EnvError naming `id` (ok), or not. */
function stepOutcome(id: string, fn: () => unknown): StepOutcome {
  try {
    fn();
  } catch (err) {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (!(err instanceof EnvError)) return { kind: 'other-error', text };
    return err.message.includes(id) ? { kind: 'ok' } : { kind: 'no-id', text };
  }
  return { kind: 'no-throw' };
}

/**
 * One message for every bad action the env let through: which actions, what happened to each (the same
 * error once, with the actions that caused it), and the fix (`actionError`). Null when all were rejected.
 */
function explainUnvalidatedActions(space: Space, outcomes: ReadonlyArray<{ bad: unknown; outcome: StepOutcome }>): string | null {
  const groups = new Map<string, unknown[]>();
  for (const { bad, outcome } of outcomes) {
    if (outcome.kind === 'ok') continue;
    const what = outcome.kind === 'no-throw' ? 'were accepted' : outcome.kind === 'other-error' ? `threw ${outcome.text} instead of an EnvError` : `threw an EnvError that does not name the env id (${outcome.text})`;
    groups.set(what, [...(groups.get(what) ?? []), bad]);
  }
  if (groups.size === 0) return null;
  const failed = [...groups.values()].reduce((n, g) => n + g.length, 0);
  const parts = [...groups].map(([what, bads]) => `${bads.map((b) => describe(b)).join(', ')} ${what}`);
  return `step() does not reject ${failed} of ${outcomes.length} actions outside ${describeSpace(space)}: ${parts.join('; ')}. ${ACTION_HINT}`;
}

function checkSpec(env: AnyEnv): string | null {
  const s = env.spec;
  if (typeof s !== 'object' || s === null) return 'env.spec is missing';
  if (typeof s.id !== 'string' || !/^(?:[\w.-]+\/)?[\w.:-]+-v\d+$/.test(s.id)) return `spec.id must look like [namespace/]Name-vN, received ${describe(s.id)}`;
  if (s.maxEpisodeSteps !== null && !(Number.isInteger(s.maxEpisodeSteps) && s.maxEpisodeSteps > 0)) return `spec.maxEpisodeSteps must be null or a positive integer, received ${describe(s.maxEpisodeSteps)}`;
  if (s.rewardThreshold !== null && !Number.isFinite(s.rewardThreshold)) return `spec.rewardThreshold must be null or finite, received ${describe(s.rewardThreshold)}`;
  if (!(s.metadata?.renderFps > 0)) return `spec.metadata.renderFps must be positive, received ${describe(s.metadata?.renderFps)}`;
  const keymap = s.metadata.keymap;
  if (keymap !== undefined) {
    if (keymap.play !== 'realtime' && keymap.play !== 'turns') return `keymap.play must be 'realtime' (steps at renderFps, with a noop action) or 'turns' (one step per key press), received ${describe((keymap as { play?: unknown }).play)}`;
    const actions: Array<readonly [string, unknown]> = Object.entries(keymap.keys);
    if (keymap.play === 'realtime') actions.push(['(noop)', keymap.noop]);
    for (const [key, action] of actions) {
      const value = typeof action === 'number' ? action : Array.isArray(action) ? Float32Array.from(action as number[]) : action;
      if (!contains(env.actionSpace, value)) return `keymap action for "${key}" (${describe(action)}) is not in ${describeSpace(env.actionSpace)}`;
    }
    for (const key of Object.keys(keymap.legend ?? {})) {
      if (!Object.hasOwn(keymap.keys, key)) return `keymap.legend names the key "${key}", which keymap.keys does not map (keys: ${Object.keys(keymap.keys).join(', ') || 'none'})`;
    }
  }
  if (s.metadata.mirror !== undefined) return mirrorError(s.metadata.mirror, flatDim(env.observationSpace), flatDim(env.actionSpace));
  return null;
}

function checkReset(env: AnyEnv, r: ResetResult<unknown>): string | null {
  if (typeof r !== 'object' || r === null) return `reset() returned ${describe(r)}, expected { obs, info }`;
  const why = explainNotContained(env.observationSpace, r.obs);
  if (why !== null) return `reset() observation ${describe(r.obs)} is not in ${describeSpace(env.observationSpace)}: ${why}`;
  return checkInfoMask(env.actionSpace, r.info, r.mask, 'reset()');
}

function checkStep(env: AnyEnv, r: StepResult<unknown>): string | null {
  if (typeof r !== 'object' || r === null) return `step() returned ${describe(r)}`;
  const why = explainNotContained(env.observationSpace, r.obs);
  if (why !== null) return `step() observation ${describe(r.obs)} is not in ${describeSpace(env.observationSpace)}: ${why}`;
  if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) return `reward must be a finite number, received ${describe(r.reward)}`;
  if (typeof r.terminated !== 'boolean' || typeof r.truncated !== 'boolean') return `terminated/truncated must be booleans, received ${describe(r.terminated)}/${describe(r.truncated)}`;
  return checkInfoMask(env.actionSpace, r.info, r.mask, 'step()');
}

function checkInfoMask(actionSpace: Space, info: unknown, mask: unknown, where: string): string | null {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return `${where} info must be a plain object, received ${describe(info)}`;
  if (mask === undefined) return null;
  if (actionSpace.kind !== 'discrete') return `${where} returned a mask for a non-discrete action space`;
  if (!(mask instanceof Uint8Array) || mask.length !== actionSpace.n) return `${where} mask must be a Uint8Array of ${actionSpace.n}, received ${describe(mask)}`;
  return null;
}

interface Trace {
  readonly rows: string[];
  readonly problem: string | null;
}

/** Resets with `seed`, then takes `steps` random actions from `actionRng` (resetting without a seed at episode ends). */
function rollout(env: AnyEnv, seed: number, steps: number): Trace {
  const rows: string[] = [];
  let problem: string | null = null;
  const r0 = env.reset({ seed });
  let mask = r0.mask;
  rows.push(`reset ${describe(r0.obs, 64)}`);
  for (let t = 0; t < steps; t++) {
    const action = sample(env.actionSpace, env.actionRng, mask);
    const r = env.step(action);
    mask = r.mask;
    rows.push(`${describe(action, 64)} -> ${describe(r.obs, 64)} ${r.reward} ${r.terminated} ${r.truncated}`);
    if (problem === null) {
      if (typeof r.reward !== 'number' || !Number.isFinite(r.reward)) problem = `step ${t}: reward ${describe(r.reward)} is not finite`;
      else {
        const why = explainNotContained(env.observationSpace, r.obs);
        if (why !== null) problem = `step ${t}: observation ${describe(r.obs)} left ${describeSpace(env.observationSpace)}: ${why}`;
      }
    }
    if (r.terminated || r.truncated) {
      const again = env.reset();
      mask = again.mask;
      rows.push(`reset ${describe(again.obs, 64)}`);
    }
  }
  return { rows, problem };
}

function compareTraces(a: Trace, b: Trace): string | null {
  for (let i = 0; i < Math.max(a.rows.length, b.rows.length); i++) {
    if (a.rows[i] !== b.rows[i]) return `run 1 and run 2 differ at row ${i}: "${a.rows[i] ?? '(end)'}" vs "${b.rows[i] ?? '(end)'}"`;
  }
  return null;
}

function expectEnvError(id: string, fn: () => unknown, what: string): string | null {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof EnvError)) return `${what} threw ${(err as Error)?.name ?? typeof err} instead of EnvError: ${(err as Error)?.message ?? String(err)}`;
    if (!err.message.includes(id)) return `${what}: the EnvError message does not name the env id "${id}": ${err.message}`;
    return null;
  }
  return `${what} did not throw`;
}

/** Actions that are not in `space`: out of range, NaN, Infinity, wrong length, wrong type. */
function invalidActions(space: Space): unknown[] {
  switch (space.kind) {
    case 'discrete':
      return [space.start + space.n, space.start - 1, space.start + 0.5, Number.NaN, Infinity, String(space.start), null];
    case 'box': {
      const n = space.low.length;
      const filled = (value: number): Float32Array => new Float32Array(n).fill(value);
      const out: unknown[] = [filled(Number.NaN), filled(Infinity), new Float32Array(n + 1), Array.from(filled(0)), 0];
      if (Number.isFinite(space.high[0])) {
        const above = new Float32Array(n);
        above.set(space.low.map((v, i) => (Number.isFinite(v) ? v : space.high[i])));
        above[0] = space.high[0] + Math.max(1, Math.abs(space.high[0]));
        out.push(above);
      }
      return out;
    }
    case 'multiDiscrete':
      return [Int32Array.from(space.nvec, (v, i) => v + space.start[i]), new Int32Array(space.nvec.length + 1), Array.from(space.start)];
    case 'multiBinary':
      return [new Uint8Array(space.n).fill(2), new Uint8Array(space.n + 1), new Array<number>(space.n).fill(0)];
    case 'dict':
    case 'tuple':
      return [null, 0];
    default: {
      const never: never = space;
      return [never];
    }
  }
}
