/**
 * Turning an env id into what agents need: a vector of copies (in-process or on worker threads)
 * and single envs for evaluation; and checkpoint files to and from agent payloads.
 */
import { ConfigError } from '../core/errors.ts';
import { make, makeVec } from '../gym/registry.ts';
import type { Env } from '../gym/env.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { readSafetensorsFile, saveSafetensorsFile } from '../nn/safetensors-node.ts';
import '../../envs/index.ts';

/**
 * Parses a kwargs flag (`--env-kwargs '{"obs":"pixels"}'`, arena's `--kwargs '{"size":6}'`): a JSON
 * object, else a ConfigError naming the command, the flag, an example and what was received.
 */
export function parseKwargsFlag(command: string, flag: string, text: string | undefined, example: string): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${command}: ${flag} must be a JSON object like '${example}', received ${text}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${command}: ${flag} must be a JSON object like '${example}', received ${text}`);
  return value as Record<string, unknown>;
}

/** A run context for `envId`; `workers` > 0 steps the copies on that many worker threads. */
export function runContext(envId: string, opts: { workers?: number; resume?: CheckpointPayload; kwargs?: Record<string, unknown> } = {}): RunContext {
  const makeEnv = (): Env => make(envId, { kwargs: opts.kwargs }) as Env;
  makeEnv().close(); // fail early, with the registry's message, on an unknown id or bad kwargs
  return {
    envId,
    envKwargs: opts.kwargs ?? {},
    makeEnv,
    makeVec: (numEnvs: number) => makeVec(envId, numEnvs, { workers: opts.workers ?? 0, kwargs: opts.kwargs }),
    workers: opts.workers ?? 0,
    resume: opts.resume,
  };
}

/** Writes an agent payload as a .safetensors file, atomically. */
export function writeCheckpoint(path: string, payload: CheckpointPayload): void {
  saveSafetensorsFile(path, payload.tensors, payload.metadata);
}

/** Reads an agent payload from a .safetensors file (validated). */
export function readCheckpoint(path: string): CheckpointPayload {
  const { tensors, metadata } = readSafetensorsFile(path);
  return { tensors, metadata };
}
