/**
 * The agent contract (DESIGN.md): one module per algorithm with a documented config, a check of
 * which spaces it handles, a training run whose `iterations` generator yields one metrics row per
 * iteration (rollout + update), and a policy that acts and can be saved and loaded.
 */
import type { Env, Observation } from '../../src/gym/env.ts';
import type { Space } from '../../src/gym/spaces.ts';
import type { Metrics } from '../../src/core/metrics.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import type { ConfigOf, ConfigSpec } from './config.ts';

/** How a policy is asked to act. */
export type ActOptions = { deterministic?: boolean; mask?: Uint8Array };

/** A trained (or training) policy: maps one observation to one action. */
export interface Policy {
  readonly algo: string;
  readonly envId: string;
  act(obs: Observation, opts?: ActOptions): number | Float32Array | Int32Array;
  /** Resets recurrent state at an episode start (no-op for feed-forward policies). */
  resetState(): void;
}

/** Everything a checkpoint holds: named F32 tensors and string metadata (safetensors). */
export type CheckpointPayload = { tensors: Map<string, { data: Float32Array; shape: readonly number[] }>; metadata: Record<string, string> };

/** How a run gets its environments. */
export interface RunContext {
  readonly envId: string;
  /** The kwargs the env was made with (`make(envId, { kwargs })`); saved in checkpoints so the policy meets the same env. */
  readonly envKwargs?: Readonly<Record<string, unknown>>;
  /**
   * `numEnvs` copies as the gym's VectorEnv: in this thread, or on `workers` worker threads when the user
   * asked for them (`--workers`); both give the same numbers. Seeded by the run.
   */
  makeVec(numEnvs: number): Promise<VectorEnv>;
  /** The worker threads `makeVec` spreads the copies over (0 or absent: in this thread); agents that step no vector env refuse more. */
  readonly workers?: number;
  /** A single env, for evaluation. */
  makeEnv(): Env;
  /** A checkpoint to resume from (weights, optimizer and trainer state). */
  readonly resume?: CheckpointPayload;
  /**
   * Hears where a long update is (`done` of `total` epochs), for a driver that shows progress inside an
   * iteration (the browser page: "update epoch 3/10"). Optional; called from inside `next()`.
   */
  readonly onUpdateProgress?: (done: number, total: number) => void;
}

/** A training run in progress. */
export interface TrainRun {
  /**
   * One metrics row per iteration; the driver pulls (CLI: for await…of; browser: one per message).
   * Asynchronous, because the envs may live on worker threads.
   */
  readonly iterations: AsyncGenerator<Metrics, void, void>;
  /** The current policy (shares weights with the learner). */
  readonly policy: Policy;
  /** Environment steps taken so far. */
  globalStep(): number;
  /** Everything needed to resume at the current iteration boundary. */
  checkpoint(): CheckpointPayload;
  /**
   * True right after an iteration that ends at a checkpoint boundary: a checkpoint saved now
   * resumes into exactly the metrics of an uninterrupted run.
   */
  checkpointDue(): boolean;
  /** The step budget of the run. */
  readonly totalTimesteps: number;
  /** Frees envs and workers. */
  close(): void | Promise<void>;
}

/** An algorithm. */
export interface AgentModule<S extends ConfigSpec = ConfigSpec> {
  /** Short name used by the CLI and checkpoints (`ppo`). */
  readonly name: string;
  /** Full name and paper. */
  readonly title: string;
  /** Field specs: defaults, docs, ranges. */
  readonly spec: S;
  /** Which spaces this agent handles, in words (for `dojo list`). */
  readonly spaces: string;
  /** null when the agent handles these spaces, else why not. */
  supports(obs: Space, act: Space): string | null;
  /** Starts a run (or resumes one from `ctx.resume`). */
  createRun(config: ConfigOf<S>, ctx: RunContext): TrainRun;
  /** Rebuilds a policy from a checkpoint, for eval, render and the browser's zoo. */
  loadPolicy(ckpt: CheckpointPayload, obs: Space, act: Space): Policy;
}

/** A module with its config type erased, for registries. */
export type AnyAgent = AgentModule<ConfigSpec>;
