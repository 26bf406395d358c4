/**
 * Agent checkpoints in the DESIGN.md layout: network tensors under a prefix per net
 * (`actor.0.weight`), optimizer slots under `optim.<name>.<slot>.<i>`, and `__metadata__` with
 * the format version, algo, env id, config JSON, observation-normalisation statistics and the
 * trainer state (iteration, step, RNG) needed to resume.
 *
 * Checkpoints are shared (the page's Load button, the zoo, `dojo eval`), so reading one trusts
 * nothing: every metadata field is checked against a schema (zod) with a message that says what
 * was expected, every weight must be finite, and every size the config implies (hidden layers,
 * channels, env copies) is checked against the tensors actually stored and against sane limits
 * before an agent builds, and so allocates and initialises, anything.
 */
import { z } from 'zod';
import { CheckpointError, describe } from '../../src/core/errors.ts';
import { assertFinite, nestingDepth } from '../../src/nn/safetensors.ts';
import type { Optimizer, OptimizerState } from '../../src/optim/index.ts';
import { loadStateDict, stateDict, type Module } from '../../src/nn/module.ts';
import type { CheckpointPayload } from './agent.ts';
import type { RunningStats } from './normalize.ts';

/** The checkpoint format version written into every file. */
export const FORMAT_VERSION = 'rl-dojo/1';

/** What an agent puts in a checkpoint. */
export type CheckpointParts = {
  algo: string;
  envId: string;
  /** The env's kwargs (e.g. `{ obs: 'pixels' }`); loaders make the env with them. */
  envKwargs?: Readonly<Record<string, unknown>>;
  config: unknown;
  nets: Readonly<Record<string, Module>>;
  optimizers?: Readonly<Record<string, Optimizer>>;
  obsNorm?: RunningStats | null;
  trainer?: unknown;
};

/** Builds the payload; tensors are copied so later training does not change a saved checkpoint. */
export function buildCheckpoint(parts: CheckpointParts): CheckpointPayload {
  const tensors: CheckpointPayload['tensors'] = new Map();
  for (const [prefix, net] of Object.entries(parts.nets)) {
    for (const [name, t] of stateDict(net)) tensors.set(`${prefix}.${name}`, { data: t.data.slice(), shape: t.shape });
  }
  const optimMeta: Record<string, { kind: string; lr: number; steps: readonly number[]; slots: string[] }> = {};
  for (const [name, opt] of Object.entries(parts.optimizers ?? {})) {
    const s = opt.state();
    optimMeta[name] = { kind: s.kind, lr: s.lr, steps: s.steps, slots: Object.keys(s.slots) };
    for (const [slot, arrays] of Object.entries(s.slots)) {
      arrays.forEach((a, i) => tensors.set(`optim.${name}.${slot}.${i}`, { data: a.slice(), shape: [a.length] }));
    }
  }
  const metadata: Record<string, string> = {
    format: FORMAT_VERSION,
    algo: parts.algo,
    env_id: parts.envId,
    env_kwargs: JSON.stringify(parts.envKwargs ?? {}),
    config: JSON.stringify(parts.config),
    obs_norm: JSON.stringify(parts.obsNorm ?? null),
    optimizers: JSON.stringify(optimMeta),
    trainer: JSON.stringify(parts.trainer ?? null),
  };
  return { tensors, metadata };
}

/** What `readCheckpointMeta` returns: the checked metadata, parsed. */
export type CheckpointMeta = {
  algo: string; envId: string; envKwargs: Record<string, unknown>; config: Record<string, unknown>; obsNorm: RunningStats | null; trainer: unknown;
};

/** A layer this wide or narrower is always cheap to build; a wider one must match a stored tensor's dimension. */
const FREE_LAYER_WIDTH = 1024;
/** Weights a config's layer list may imply beyond what the file stores (a 1024×1024 layer). */
const FREE_LAYER_WEIGHTS = 1024 * 1024;
/** The most layers a size list may have. */
const MAX_LAYERS = 64;
/** The most env copies a checkpoint may ask for. */
const MAX_NUM_ENVS = 1024;
/** The most steps one rollout (numEnvs × numSteps) may hold. */
const MAX_ROLLOUT_STEPS = 1 << 24;

/** How deep a JSON metadata field may nest (ours nest 3 deep at most: trainer.retNorm.mean). */
const MAX_META_DEPTH = 8;

/** Config fields that size a layer or a list of layers (`hiddenSizes`, `cnnChannels`, `lstmHidden`, `cnnHidden`, `channels`). */
const SIZE_FIELD = /(Sizes|Channels|Hidden|^channels)$/;

const runningStats = z
  .object({ mean: z.array(z.number()), var: z.array(z.number().nonnegative()), count: z.number().nonnegative() })
  .refine((s) => s.mean.length === s.var.length, { message: 'mean and var must have the same length' });
const int32 = z.int().min(-(2 ** 31)).max(2 ** 31 - 1);
const trainerSchema = z
  .looseObject({
    iteration: z.int().nonnegative(),
    globalStep: z.int().nonnegative(),
    rng: z.tuple([int32, int32, int32, int32, z.number().nullable()]),
    retNorm: runningStats.nullable().optional(),
  })
  .refine((t) => t.iteration <= t.globalStep, { message: 'iteration must not exceed globalStep (every iteration takes at least one step)' })
  .nullable();
const optimizersSchema = z.record(z.string(), z.object({
  kind: z.string(), lr: z.number().nonnegative(), steps: z.array(z.int().nonnegative()).max(16_384), slots: z.array(z.string()).max(16),
}));
const jsonObject = z.record(z.string(), z.unknown());
const META_FIELDS = {
  config: { schema: jsonObject, expected: 'a JSON object of config fields' },
  env_kwargs: { schema: jsonObject, expected: 'a JSON object of env kwargs' },
  obs_norm: { schema: runningStats.nullable(), expected: 'null or {"mean": [numbers], "var": [numbers ≥ 0], "count": number ≥ 0}' },
  trainer: { schema: trainerSchema, expected: 'null or {"iteration": integer ≥ 0, "globalStep": integer ≥ iteration, "rng": [4 int32s, number or null], …}' },
  optimizers: { schema: optimizersSchema, expected: 'a JSON object of {"kind", "lr", "steps", "slots"} per optimizer' },
} as const;

/**
 * Reads and checks the metadata common to every agent checkpoint (see the file header): the
 * schema of every field, finite weights, and the config's sizes against the stored tensors.
 * `expectAlgo` names the algorithm the caller needs; another one is refused with both named.
 */
export function readCheckpointMeta(ckpt: CheckpointPayload, expectAlgo?: string): CheckpointMeta {
  const m = ckpt.metadata;
  if (!Object.hasOwn(m, 'format') || m.format !== FORMAT_VERSION) {
    throw new CheckpointError(`not an RL Dojo agent checkpoint: metadata "format" is ${describe(Object.hasOwn(m, 'format') ? m.format : null)}, expected "${FORMAT_VERSION}"`);
  }
  for (const key of ['algo', 'env_id', 'config']) {
    if (!Object.hasOwn(m, key) || typeof m[key] !== 'string' || m[key] === '') throw new CheckpointError(`checkpoint metadata is missing "${key}"`);
  }
  if (!/^[a-z0-9_-]{1,32}$/.test(m.algo)) throw new CheckpointError(`checkpoint metadata "algo" must be an algorithm name (lowercase letters, digits, - or _), received ${describe(clip(m.algo))}`);
  if (expectAlgo !== undefined && m.algo !== expectAlgo) {
    throw new CheckpointError(`this is a ${m.algo} checkpoint, not a ${expectAlgo} one: ${expectAlgo} cannot load or resume it (leave out --algo, or pass --algo ${m.algo})`);
  }
  if (m.env_id.length > 200) throw new CheckpointError(`checkpoint metadata "env_id" must be an env id, received a ${m.env_id.length}-character string`);
  const config = parseField(m, 'config') as Record<string, unknown>;
  // checkpoints written before env kwargs were saved have none: the env's defaults
  const envKwargs = Object.hasOwn(m, 'env_kwargs') ? (parseField(m, 'env_kwargs') as Record<string, unknown>) : {};
  const obsNorm = Object.hasOwn(m, 'obs_norm') ? (parseField(m, 'obs_norm') as RunningStats | null) : null;
  const trainer = Object.hasOwn(m, 'trainer') ? parseField(m, 'trainer') : null;
  if (Object.hasOwn(m, 'optimizers')) parseField(m, 'optimizers');
  assertFinite(ckpt.tensors);
  checkConfigSizes(config, ckpt.tensors);
  return { algo: m.algo, envId: m.env_id, envKwargs, config, obsNorm, trainer };
}

/** Parses one JSON metadata field and checks it against its schema; the error names the field, the path, what was expected and what was received. */
function parseField(m: Readonly<Record<string, string>>, key: keyof typeof META_FIELDS): unknown {
  const { schema, expected } = META_FIELDS[key];
  if (nestingDepth(m[key], MAX_META_DEPTH) > MAX_META_DEPTH) {
    throw new CheckpointError(`checkpoint metadata "${key}" nests deeper than ${MAX_META_DEPTH} levels: expected ${expected}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(m[key]);
  } catch {
    throw new CheckpointError(`checkpoint metadata "${key}" is not valid JSON: expected ${expected}, received ${describe(clip(m[key]))}`);
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
    const got = issue.path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null && Object.hasOwn(v, k as PropertyKey) ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), value);
    throw new CheckpointError(`checkpoint metadata "${key}"${where}: ${issue.message}; expected ${expected}, received ${clip(describe(got))}`);
  }
  return value;
}

/**
 * Checks what the config makes an agent build against what the file stores, before anything is
 * built: a size list (`hiddenSizes`, `cnnChannels`) may not imply more weights than the file holds
 * (beyond a 1024×1024 allowance), every width above 1024 (`hiddenSizes` entries, `lstmHidden`,
 * `cnnHidden`, `channels`) must be a dimension of a stored tensor, and env copies and rollouts
 * stay within sane limits. A config of 113 KB asking for a 20,000 × 20,000 net is refused at once.
 */
function checkConfigSizes(config: Readonly<Record<string, unknown>>, tensors: CheckpointPayload['tensors']): void {
  let stored = 0;
  const dims = new Set<number>();
  for (const t of tensors.values()) {
    stored += t.data.length;
    for (const d of t.shape) dims.add(d);
  }
  const bad = (field: string, what: string): never => {
    throw new CheckpointError(`checkpoint config "${field}" ${what}; the file stores ${tensors.size} tensors of ${stored} values in all. The checkpoint is corrupt or was edited`);
  };
  const checkWidth = (field: string, w: number): void => {
    if (!Number.isSafeInteger(w) || w < 1) bad(field, `must hold positive integers, received ${describe(w)}`);
    if (w > FREE_LAYER_WIDTH && !dims.has(w)) bad(field, `asks for a layer of width ${w}, but no stored tensor has a dimension of ${w} (widths up to ${FREE_LAYER_WIDTH} need none)`);
  };
  for (const [field, v] of Object.entries(config)) {
    if (!SIZE_FIELD.test(field)) continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) {
      if (v.length > MAX_LAYERS) bad(field, `lists ${v.length} layers, over the limit of ${MAX_LAYERS}`);
      for (const w of v) checkWidth(field, w);
      let weights = 0;
      for (let i = 1; i < v.length; i++) weights += v[i - 1] * v[i];
      if (weights > Math.max(stored, FREE_LAYER_WEIGHTS)) bad(field, `${describe(v)} implies ${weights} weights between its layers alone, more than the file stores`);
    } else if (typeof v === 'number') {
      checkWidth(field, v);
    }
  }
  const numEnvs = config.numEnvs, numSteps = config.numSteps;
  if (typeof numEnvs === 'number' && numEnvs > MAX_NUM_ENVS) bad('numEnvs', `asks for ${numEnvs} env copies, over the limit of ${MAX_NUM_ENVS}`);
  if (typeof numEnvs === 'number' && typeof numSteps === 'number' && numEnvs * numSteps > MAX_ROLLOUT_STEPS) {
    bad('numSteps', `× numEnvs is a rollout of ${numEnvs * numSteps} steps, over the limit of ${MAX_ROLLOUT_STEPS}`);
  }
}

function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Loads the nets saved under their prefixes; validates every net before changing any. */
export function loadNets(ckpt: CheckpointPayload, nets: Readonly<Record<string, Module>>): void {
  const perNet = Object.entries(nets).map(([prefix, net]) => {
    const entries = new Map<string, { data: Float32Array; shape: readonly number[] }>();
    for (const [k, v] of ckpt.tensors) if (k.startsWith(`${prefix}.`)) entries.set(k.slice(prefix.length + 1), v);
    return [net, entries, prefix] as const;
  });
  // dry run: loading into a throwaway check first would need copies; loadStateDict validates
  // before writing, so validate all nets by comparing shapes here, then write
  for (const [net, entries, prefix] of perNet) {
    const own = stateDict(net);
    for (const [name, t] of own) {
      const e = entries.get(name);
      if (e === undefined) throw new CheckpointError(`checkpoint has no tensor "${prefix}.${name}" (expected shape [${t.shape.join(', ')}])`);
      if (e.shape.join(',') !== t.shape.join(',')) throw new CheckpointError(`checkpoint tensor "${prefix}.${name}" has shape [${e.shape.join(', ')}], the model expects [${t.shape.join(', ')}]`);
    }
  }
  for (const [net, entries] of perNet) loadStateDict(net, entries, false);
}

/** Restores optimizers saved by `buildCheckpoint`. */
export function loadOptimizers(ckpt: CheckpointPayload, optimizers: Readonly<Record<string, Optimizer>>): void {
  const meta = (Object.hasOwn(ckpt.metadata, 'optimizers') ? parseField(ckpt.metadata, 'optimizers') : {}) as Record<string, { kind: string; lr: number; steps: number[]; slots: string[] }>;
  for (const [name, opt] of Object.entries(optimizers)) {
    if (!Object.hasOwn(meta, name)) throw new CheckpointError(`checkpoint has no state for optimizer "${name}"`);
    const m = meta[name];
    const slots: Record<string, Float32Array[]> = {};
    for (const slot of m.slots) {
      slots[slot] = m.steps.map((_, i) => {
        const t = ckpt.tensors.get(`optim.${name}.${slot}.${i}`);
        if (t === undefined) throw new CheckpointError(`checkpoint is missing optimizer tensor "optim.${name}.${slot}.${i}"`);
        return t.data.slice();
      });
    }
    const state: OptimizerState = { kind: m.kind, lr: m.lr, steps: m.steps, slots };
    opt.loadState(state);
  }
}
