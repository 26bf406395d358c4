/**
 * A sweep spec (`dojo sweep <spec.json>`): an env, an algorithm, a base config (the env's preset, the
 * algorithm's defaults or a file), seeds, a search space over config fields (a grid, or random draws
 * from uniform / log-uniform / choice distributions, as Optuna's and W&B's samplers offer) and the
 * objective. `planSweep` checks it all before anything runs and expands it into trials, one per
 * config point and seed, each with a fully resolved config validated by the same field specs as
 * `dojo train` (agents/common/config.ts): an unknown field, a bad range or a value a field refuses
 * fails here with the trial and field named, not minutes later in a child process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { make, registeredIds } from '../gym/registry.ts';
import { AGENTS, getAgent } from '../../agents/index.ts';
import type { AnyAgent } from '../../agents/common/agent.ts';
import { closest, fieldSpec, resolveConfig, splitPreset, type ConfigSpec, type FieldSpec } from '../../agents/common/config.ts';
import { MAX_SEED } from '../../agents/common/run.ts';
import { layerConfig, presetEnvKwargs, startingConfig } from './presets.ts';
import '../../envs/index.ts';

/** Names of sweeps and trials: they become folder names and queue job ids. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const range = z.tuple([z.number(), z.number()]);
/** One dimension of a random search. */
const distributionSchema = z.union([
  z.strictObject({ uniform: range }),
  z.strictObject({ logUniform: range }),
  z.strictObject({ choice: z.array(z.unknown()).min(1) }),
]);

/** The JSON shape of a sweep spec (its config fields are checked against the algorithm's specs afterwards). */
export const sweepSpecSchema = z.strictObject({
  /** Folder name under `sweeps/`. */
  name: z.string().regex(NAME, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 100'),
  env: z.string().min(1),
  envKwargs: z.record(z.string(), z.unknown()).default({}),
  algo: z.string().min(1),
  /** Where each trial's config starts: the env's preset, the algorithm's defaults, or a JSON file (relative to the spec). */
  base: z.union([z.literal('preset'), z.literal('defaults'), z.strictObject({ file: z.string().min(1) })]).default('preset'),
  /** Config fields every trial shares, over the base. */
  config: z.record(z.string(), z.unknown()).default({}),
  seeds: z.array(z.int().min(0).max(MAX_SEED)).min(1).refine((s) => new Set(s).size === s.length, 'seeds must not repeat'),
  search: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('grid'), space: z.record(z.string(), z.array(z.unknown()).min(1)) }),
    z.strictObject({ kind: z.literal('random'), trials: z.int().min(1).max(10_000), seed: z.int().min(0).max(MAX_SEED).default(0), space: z.record(z.string(), distributionSchema) }),
  ]).default({ kind: 'grid', space: {} }), // no search: one config, many seeds
  /** final_eval: the mean deterministic eval return of the final policy; eval_auc: the area under the eval curve divided by the steps it spans. */
  objective: z.enum(['final_eval', 'eval_auc']).default('final_eval'),
  /** Deterministic episodes per evaluation (`dojo train --eval-episodes`). */
  evalEpisodes: z.int().min(1).max(10_000).default(10),
  /** Early stopping of weak trials at rungs of the step budget (sweep-asha.ts), locally and on Redis. */
  scheduler: z.strictObject({ kind: z.literal('asha'), eta: z.int().min(2).max(100).default(3), minSteps: z.int().min(1) }).optional(),
});

/** A validated sweep spec. */
export type SweepSpec = z.infer<typeof sweepSpecSchema>;
type Distribution = z.infer<typeof distributionSchema>;

/** One training run of a sweep: a config point with one seed. */
export interface Trial {
  /** `c<point>-s<seed>`: the folder under `sweeps/<name>/` and the job id's tail. */
  readonly id: string;
  /** Index of the config point (trials that differ only in seed share it). */
  readonly point: number;
  readonly seed: number;
  /** The searched fields' values at this point. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The whole config the trial trains with (validated). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A sweep ready to run. */
export interface SweepPlan {
  readonly spec: SweepSpec;
  readonly agent: AnyAgent;
  /** Config points, in order; trial `point` indexes this. */
  readonly points: readonly Readonly<Record<string, unknown>>[];
  readonly trials: readonly Trial[];
}

/** Reads and plans the spec file at `path` (a base file is resolved next to it). */
export function loadSweep(path: string): SweepPlan {
  if (!existsSync(path)) throw new ConfigError(`sweep: spec file not found: ${path}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`sweep: spec file ${path} is not valid JSON (${(e as Error).message})`);
  }
  return planSweep(parseSweepSpec(json, path), dirname(resolve(path)));
}

/** Validates the JSON shape of a spec; the error lists every problem with its path. */
export function parseSweepSpec(json: unknown, where = 'the spec'): SweepSpec {
  const r = sweepSpecSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`);
  throw new ConfigError(`sweep: ${where} is not a valid sweep spec: ${problems.join('; ')}`);
}

/** Checks the spec against the registry and the algorithm's field specs and expands it into trials. */
export function planSweep(named: SweepSpec, baseDir: string): SweepPlan {
  // a spec that names no env kwargs takes its preset's, as `dojo train` does
  const spec = Object.keys(named.envKwargs).length > 0 || named.base !== 'preset' || !AGENTS.some((a) => a.name === named.algo) || !registeredIds().includes(named.env)
    ? named
    : { ...named, envKwargs: presetEnvKwargs(named.algo, named.env, true) };
  if (!registeredIds().includes(spec.env)) {
    const near = closest(spec.env, registeredIds());
    throw new ConfigError(`sweep: unknown env "${spec.env}"${near !== null ? ` (did you mean "${near}"?)` : ''}; see dojo list`);
  }
  if (!AGENTS.some((a) => a.name === spec.algo)) throw new ConfigError(`sweep: unknown algorithm "${spec.algo}"; known: ${AGENTS.map((a) => a.name).join(', ')}`);
  const agent = getAgent(spec.algo);
  const probe = make(spec.env, { kwargs: spec.envKwargs });
  const why = agent.supports(probe.observationSpace, probe.actionSpace);
  probe.close();
  if (why !== null) throw new ConfigError(`sweep: ${agent.name} cannot train on ${spec.env}: ${why}`);
  for (const name of [...Object.keys(spec.config), ...Object.keys(spec.search.space)]) {
    if (name === 'seed') throw new ConfigError('sweep: "seed" is set by the spec\'s "seeds" list, not by "config" or the search space');
  }
  for (const [name, dim] of Object.entries(spec.search.space)) checkDimension(agent.name, agent.spec, name, dim);
  const base = baseValues(spec, baseDir);
  const points = spec.search.kind === 'grid' ? gridPoints(spec.search.space) : randomPoints(agent.spec, spec.search.space, spec.search.trials, spec.search.seed);
  const trials: Trial[] = [];
  const width = String(points.length - 1).length;
  points.forEach((params, point) => {
    for (const seed of spec.seeds) {
      const id = `c${String(point).padStart(width, '0')}-s${seed}`;
      try {
        const config = resolveConfig(agent.name, agent.spec, { ...base, ...params, seed });
        trials.push({ id, point, seed, params, config });
      } catch (e) {
        throw new ConfigError(`sweep: trial ${id} (${JSON.stringify(params)}): ${(e as Error).message}`);
      }
    }
  });
  if (spec.scheduler !== undefined) {
    for (const t of trials) {
      const budget = t.config.totalTimesteps;
      if (typeof budget !== 'number') throw new ConfigError(`sweep: the asha scheduler stops trials at rungs of the step budget, and ${agent.name}'s config has no totalTimesteps field`);
      if (spec.scheduler.minSteps >= budget) throw new ConfigError(`sweep: scheduler.minSteps (${spec.scheduler.minSteps}) must be below the step budget of trial ${t.id} (totalTimesteps ${budget}), or no rung falls inside the run`);
    }
  }
  return { spec, agent, points, trials };
}

/** The largest step budget of the plan's trials (the scheduler's rungs fall below it). */
export function stepBudget(plan: SweepPlan): number {
  return Math.max(...plan.trials.map((t) => (typeof t.config.totalTimesteps === 'number' ? t.config.totalTimesteps : 0)));
}

/** The config fields every trial starts from: the base (preset, defaults or file), then the spec's `config`. */
function baseValues(spec: SweepSpec, baseDir: string): Record<string, unknown> {
  const start = startingConfig(spec.algo, spec.env, spec.envKwargs, { usePreset: spec.base === 'preset', resumed: false });
  let file: Record<string, unknown> = {};
  if (typeof spec.base === 'object') {
    const path = resolve(baseDir, spec.base.file);
    if (!existsSync(path)) throw new ConfigError(`sweep: base config file not found: ${path}`);
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`sweep: base config file ${path} is not valid JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`sweep: base config file ${path} must hold a JSON object of config fields`);
    const { values, envKwargs } = splitPreset(path, v as Record<string, unknown>);
    if (envKwargs !== null) throw new ConfigError(`sweep: base config file ${path} holds envKwargs ${JSON.stringify(envKwargs)}; a sweep takes its env kwargs from the spec's "envKwargs" (or from the preset with "base": "preset"), so name them there`);
    file = values;
  }
  return layerConfig({}, start, file, spec.config);
}

/** A searched field must exist, and a uniform or log-uniform range must be a number field's valid, increasing range. */
function checkDimension(algo: string, spec: ConfigSpec, name: string, dim: readonly unknown[] | Distribution): void {
  const f = fieldSpec(spec, name);
  if (f === undefined) {
    const near = closest(name, Object.keys(spec));
    throw new ConfigError(`sweep: search space: ${algo} has no config field "${name}"${near !== null ? ` (did you mean "${near}"?)` : ''}; known fields: ${Object.keys(spec).join(', ')}`);
  }
  if (isGridValues(dim) || 'choice' in dim) return; // each value is checked with the trial's whole config
  const [kind, [low, high]] = 'uniform' in dim ? ['uniform', dim.uniform] : ['logUniform', dim.logUniform];
  if (f.kind !== 'number') throw new ConfigError(`sweep: search space: "${name}" is a ${f.kind} field; ${kind} draws numbers (use choice)`);
  if (!(low < high)) throw new ConfigError(`sweep: search space: "${name}": ${kind} expects [low, high] with low < high, received [${low}, ${high}]`);
  if (kind === 'logUniform' && low <= 0) throw new ConfigError(`sweep: search space: "${name}": logUniform expects a positive low end, received ${low}`);
  if (f.integer === true && Math.ceil(low) > Math.floor(high)) throw new ConfigError(`sweep: search space: "${name}" is an integer field, and ${kind} [${low}, ${high}] holds no integer`);
  if ((f.min !== undefined && low < f.min) || (f.max !== undefined && high > f.max)) {
    throw new ConfigError(`sweep: search space: "${name}": ${kind} [${low}, ${high}] leaves the field's range [${f.min ?? '-∞'}, ${f.max ?? '∞'}]`);
  }
}

function isGridValues(dim: readonly unknown[] | Distribution): dim is readonly unknown[] {
  return Array.isArray(dim);
}

/** Every combination of the grid's values, the last field varying fastest. */
function gridPoints(space: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(space)) points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return points;
}

/** `trials` points drawn from the distributions with an Rng seeded by the spec, so a spec always means the same trials. */
function randomPoints(spec: ConfigSpec, space: Readonly<Record<string, Distribution>>, trials: number, seed: number): Record<string, unknown>[] {
  const rng = new Rng(seed);
  const points: Record<string, unknown>[] = [];
  for (let t = 0; t < trials; t++) {
    const p: Record<string, unknown> = {};
    for (const [name, dim] of Object.entries(space)) p[name] = draw(rng, spec[name], dim);
    points.push(p);
  }
  return points;
}

/** One draw; an integer field gets a whole number (uniform: each integer of the range equally likely). */
function draw(rng: Rng, f: FieldSpec, dim: Distribution): unknown {
  if ('choice' in dim) return dim.choice[rng.int(dim.choice.length)];
  const integer = f.kind === 'number' && f.integer === true;
  if ('uniform' in dim) {
    const [low, high] = dim.uniform;
    return integer ? Math.ceil(low) + rng.int(Math.floor(high) - Math.ceil(low) + 1) : rng.uniform(low, high);
  }
  const [low, high] = dim.logUniform;
  const v = Math.exp(rng.uniform(Math.log(low), Math.log(high)));
  return integer ? Math.min(Math.floor(high), Math.max(Math.ceil(low), Math.round(v))) : v;
}
