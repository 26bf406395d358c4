/**
 * Agent checkpoints in the DESIGN.md layout: network tensors under a prefix per net
 * (`actor.0.weight`), optimizer slots under `optim.<name>.<slot>.<i>`, and `__metadata__` with
 * the format version, algo, env id, config JSON, observation-normalisation statistics and the
 * trainer state (iteration, step, RNG) needed to resume.
 */
import { CheckpointError } from '../../src/core/errors.ts';
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

/** Reads and checks the metadata common to every agent checkpoint. */
export function readCheckpointMeta(ckpt: CheckpointPayload): {
  algo: string; envId: string; envKwargs: Record<string, unknown>; config: Record<string, unknown>; obsNorm: RunningStats | null; trainer: unknown;
} {
  const m = ckpt.metadata;
  if (m.format !== FORMAT_VERSION) {
    throw new CheckpointError(`not an RL Dojo agent checkpoint: metadata "format" is ${JSON.stringify(m.format ?? null)}, expected "${FORMAT_VERSION}"`);
  }
  for (const key of ['algo', 'env_id', 'config']) {
    if (typeof m[key] !== 'string' || m[key] === '') throw new CheckpointError(`checkpoint metadata is missing "${key}"`);
  }
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(m[key] ?? 'null');
    } catch {
      throw new CheckpointError(`checkpoint metadata "${key}" is not valid JSON`);
    }
  };
  const config = parse('config');
  if (typeof config !== 'object' || config === null) throw new CheckpointError('checkpoint metadata "config" must be a JSON object');
  // checkpoints written before env kwargs were saved have none: the env's defaults
  const envKwargs = m.env_kwargs === undefined ? {} : parse('env_kwargs');
  if (typeof envKwargs !== 'object' || envKwargs === null || Array.isArray(envKwargs)) {
    throw new CheckpointError(`checkpoint metadata "env_kwargs" must be a JSON object, received ${m.env_kwargs}`);
  }
  return { algo: m.algo, envId: m.env_id, envKwargs: envKwargs as Record<string, unknown>, config: config as Record<string, unknown>, obsNorm: parse('obs_norm') as RunningStats | null, trainer: parse('trainer') };
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
  let meta: Record<string, { kind: string; lr: number; steps: number[]; slots: string[] }>;
  try {
    meta = JSON.parse(ckpt.metadata.optimizers ?? '{}');
  } catch {
    throw new CheckpointError('checkpoint metadata "optimizers" is not valid JSON');
  }
  for (const [name, opt] of Object.entries(optimizers)) {
    const m = meta[name];
    if (m === undefined) throw new CheckpointError(`checkpoint has no state for optimizer "${name}"`);
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
