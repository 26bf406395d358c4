/**
 * The plumbing of a training run that every agent shares, in one place: the seed and the env seeds a run
 * derives from it at its boundaries, how far apart checkpoints fall, the vector env the agents step, and
 * what a checkpoint gives back on resume. The training loops themselves stay in the agent files.
 */
import { CheckpointError, ConfigError } from '../../src/core/errors.ts';
import { CURRICULUM_ATTR, type EnvMetadata } from '../../src/gym/env.ts';
import type { Space } from '../../src/gym/spaces.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import { recordVectorEpisodeStatistics, type RecordVectorEpisodeStatistics } from '../../src/gym/vector/record-episode-statistics.ts';
import type { Module } from '../../src/nn/index.ts';
import type { Optimizer } from '../../src/optim/index.ts';
import type { CheckpointPayload, RunContext } from './agent.ts';
import { buildCheckpoint, loadNets, loadOptimizers, readCheckpointMeta as readAnyCheckpointMeta, type CheckpointParts } from './checkpoint.ts';
import type { FieldSpec } from './config.ts';

// ── seeds ──

/** The largest seed a run takes: seeds are 32-bit, which keeps every seed derived from them exact. */
export const MAX_SEED = 2 ** 32 - 1;

/** Env seeds set aside for each run seed, so runs with nearby seeds do not share env streams (the issue SAC and TD3 had with seed + iteration). */
const SEED_STRIDE = 100_003;

/** The `seed` field of every agent's config: an integer from 0 to MAX_SEED, default 1. */
export function seedField(doc: string): Extract<FieldSpec, { kind: 'number' }> {
  return { kind: 'number', default: 1, doc, min: 0, max: MAX_SEED, integer: true };
}

/**
 * The env seed of copy 0 at a boundary (the vector env seeds copy i with it + i): seed · 100,003 +
 * iteration · numEnvs. Boundaries of one run never share a seed, and two runs share none until one has
 * taken 100,003 env seeds. For any seed up to MAX_SEED the product stays under 2^49, so the result is an
 * exact integer for any run shorter than 2^52 steps.
 */
export function boundarySeed(seed: number, iteration: number, numEnvs: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) throw new ConfigError(`seed must be an integer from 0 to ${MAX_SEED}, received ${seed}`);
  const first = seed * SEED_STRIDE + iteration * numEnvs;
  if (!Number.isSafeInteger(first + numEnvs)) {
    throw new ConfigError(`the env seeds of iteration ${iteration} with ${numEnvs} copies (from ${first}) exceed 2^53, where integers stop being exact; run fewer iterations`);
  }
  return first;
}

// ── checkpoint cadence ──

/**
 * Iterations between checkpoint boundaries: `frequency` when set, else a tenth of the run's
 * `runLength` iterations, and never fewer than `minimum`. (REINFORCE, whose iterations vary in length,
 * passes its run length in steps and gets steps back.)
 */
export function checkpointInterval(frequency: number, runLength: number, minimum = 1): number {
  return frequency > 0 ? frequency : Math.max(minimum, Math.round(runLength / 10));
}

/** True when a run `iteration` iterations in stands at a checkpoint boundary before its end. */
export function checkpointDue(iteration: number, interval: number, numIterations: number): boolean {
  return iteration % interval === 0 && iteration < numIterations;
}

/** How a run of fixed-size iterations is laid out (DQN, SAC, TD3): vector steps per iteration, in the run, iterations, and the checkpoint interval. */
export type StepSchedule = { stepsPerIteration: number; totalVecSteps: number; numIterations: number; ckptEvery: number };

/**
 * Cuts a run of `totalTimesteps` env steps (rounded up to whole vector steps of `numEnvs` copies) into
 * iterations of `iterationSteps` env steps, one metrics row each, with checkpoints `checkpointFrequency`
 * iterations apart (0: a tenth of the run).
 */
export function stepSchedule(cfg: { numEnvs: number; iterationSteps: number; totalTimesteps: number; checkpointFrequency: number }): StepSchedule {
  const stepsPerIteration = Math.max(1, Math.ceil(cfg.iterationSteps / cfg.numEnvs));
  const totalVecSteps = Math.ceil(cfg.totalTimesteps / cfg.numEnvs);
  const numIterations = Math.ceil(totalVecSteps / stepsPerIteration);
  return { stepsPerIteration, totalVecSteps, numIterations, ckptEvery: checkpointInterval(cfg.checkpointFrequency, numIterations) };
}

// ── envs ──

/** The observation and action spaces and the metadata of the run's env (one copy, made and closed). */
export function envSpaces(ctx: RunContext): { obsSpace: Space; actSpace: Space; metadata: EnvMetadata } {
  const probe = ctx.makeEnv();
  const spaces = { obsSpace: probe.observationSpace, actSpace: probe.actionSpace, metadata: probe.spec.metadata };
  probe.close();
  return spaces;
}

/**
 * Checks, when the run is created, that its `numEnvs` copies can be spread over the worker threads the
 * user asked for (`--workers`): every worker needs a copy.
 */
export function checkWorkers(algo: string, ctx: RunContext, numEnvs: number): void {
  const workers = ctx.workers ?? 0;
  if (workers > numEnvs) {
    throw new ConfigError(`${algo}: --workers ${workers} spreads the env copies over ${workers} worker threads, and the run has ${numEnvs} (numEnvs); set --num-envs ${workers} or more, or fewer workers`);
  }
}

// ── curriculum ──

/** The `curriculumSteps` field of the agents that drive an env's curriculum. */
export function curriculumField(): Extract<FieldSpec, { kind: 'number' }> {
  return { kind: 'number', default: 0, doc: 'env steps over which the env\'s training curriculum runs from its easiest form to the task (0: the task from the start; only envs with a curriculum, e.g. AmpFootWalker-v0, take it)', min: 0, integer: true };
}

/** At run creation: a ConfigError when `curriculumSteps` > 0 and the env has no curriculum to drive. */
export function checkCurriculum(algo: string, ctx: RunContext, curriculumSteps: number): void {
  if (curriculumSteps === 0) return;
  const probe = ctx.makeEnv();
  const progress = (probe.unwrapped as { [CURRICULUM_ATTR]?: unknown })[CURRICULUM_ATTR];
  probe.close();
  if (typeof progress !== 'number') {
    throw new ConfigError(`${algo}: curriculumSteps ${curriculumSteps} needs an env with a training curriculum (a numeric ${CURRICULUM_ATTR} attribute), and ${ctx.envId} has none; set curriculumSteps to 0`);
  }
}

/**
 * Sets every copy's curriculum progress, `min(1, globalStep / curriculumSteps)`, between iterations; only
 * when it differs from `last` (the value set before, NaN at first). Returns the progress now in force.
 */
export async function advanceCurriculum(vec: VectorEnv, curriculumSteps: number, globalStep: number, last: number): Promise<number> {
  if (curriculumSteps === 0) return 1;
  const progress = Math.min(1, globalStep / curriculumSteps);
  if (progress !== last) await vec.setAttr(CURRICULUM_ATTR, progress);
  return progress;
}

/** The run's `numEnvs` copies: the VectorEnv of `ctx` (in this thread or on workers), reporting finished episodes. */
export async function openVecEnv(ctx: RunContext, numEnvs: number): Promise<RecordVectorEpisodeStatistics> {
  return recordVectorEpisodeStatistics(await ctx.makeVec(numEnvs));
}

// ── checkpoints ──

/** The metadata of an agent checkpoint (see `checkpoint.ts`). */
export type CheckpointMeta = ReturnType<typeof readAnyCheckpointMeta>;

/** The metadata of a checkpoint that `algo` wrote; a CheckpointError names the algorithm found otherwise. */
export function readCheckpointMeta(ckpt: CheckpointPayload, algo: string): CheckpointMeta {
  const meta = readAnyCheckpointMeta(ckpt);
  if (meta.algo !== algo) throw new CheckpointError(`${algo}: the checkpoint was written by ${meta.algo} (trained on ${meta.envId}); ${algo} reads only its own checkpoints`);
  return meta;
}

/** A checkpoint of the run in `ctx`: its env id and kwargs, with the agent's parts. */
export function runCheckpoint(ctx: RunContext, parts: Omit<CheckpointParts, 'envId' | 'envKwargs'>): CheckpointPayload {
  return buildCheckpoint({ ...parts, envId: ctx.envId, envKwargs: ctx.envKwargs });
}

/**
 * When `ctx` resumes: checks the checkpoint is `algo`'s and holds trainer state, loads `nets` and
 * `optimizers` from it, and returns it with its metadata and trainer state (the agent restores the
 * rest). Null for a fresh run.
 */
export function resumeRun<T extends object>(algo: string, ctx: RunContext, nets: Readonly<Record<string, Module>>, optimizers: Readonly<Record<string, Optimizer>>): { payload: CheckpointPayload; meta: CheckpointMeta; trainer: T } | null {
  if (ctx.resume === undefined) return null;
  const meta = readCheckpointMeta(ctx.resume, algo);
  if (typeof meta.trainer !== 'object' || meta.trainer === null) {
    throw new CheckpointError(`${algo}: cannot resume from a checkpoint without trainer state (metadata "trainer" is ${JSON.stringify(meta.trainer)}, expected an object)`);
  }
  loadNets(ctx.resume, nets);
  loadOptimizers(ctx.resume, optimizers);
  return { payload: ctx.resume, meta, trainer: meta.trainer as T };
}
