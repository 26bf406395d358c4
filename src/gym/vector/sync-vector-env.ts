/**
 * SyncVectorEnv: N copies stepped one after another in this thread (Gymnasium's `SyncVectorEnv`), with
 * same-step autoreset (see `vector-env.ts`). Besides the async `VectorEnv` methods it has synchronous
 * `resetSync` / `stepSync` / `closeSync`, for training generators that cannot await.
 */
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { actionSeed, type Action, type Env, type EnvSpec, type Observation } from '../env.ts';
import { describeSpace, spacesEqual, type Space } from '../spaces.ts';
import { CopyBlock, copySeeds, type VectorActions, type VectorEnv, type VectorResetOptions, type VectorResetResult, type VectorStepResult } from './vector-env.ts';

/** The in-process vector env. */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly actionRng: Rng;
  /** The copies (each as `make` built it). */
  readonly envs: readonly Env<Observation, Action>[];
  private readonly block: CopyBlock;
  private closed: boolean;

  constructor(envs: Env<Observation, Action>[]) {
    const block = new CopyBlock(envs, 0);
    envs.forEach((env, i) => {
      if (!spacesEqual(env.observationSpace, block.observationSpace) || !spacesEqual(env.actionSpace, block.actionSpace)) {
        throw new ConfigError(`SyncVectorEnv: copy ${i} has spaces ${describeSpace(env.observationSpace)} / ${describeSpace(env.actionSpace)}, unlike copy 0`);
      }
    });
    this.numEnvs = envs.length;
    this.spec = envs[0].spec;
    this.singleObservationSpace = block.observationSpace;
    this.singleActionSpace = block.actionSpace;
    this.obsDim = block.obsDim;
    this.actionDim = block.actionDim;
    this.actionRng = new Rng(1);
    this.envs = envs;
    this.block = block;
    this.closed = false;
  }

  /** Resets every copy; a seed also re-seeds `actionRng`. */
  resetSync(opts: VectorResetOptions = {}): VectorResetResult {
    const seeds = copySeeds(this.spec.id, this.numEnvs, opts.seed);
    if (seeds[0] !== undefined) this.actionRng.seed(actionSeed(seeds[0]));
    return this.block.reset(seeds, opts.options);
  }

  /** Steps every copy with same-step autoreset. */
  stepSync(actions: VectorActions): VectorStepResult {
    return this.block.step(actions);
  }

  /** Closes every copy (safe to call twice). */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    this.block.close();
  }

  /** `resetSync`, as a promise. */
  reset(opts?: VectorResetOptions): Promise<VectorResetResult> {
    return settle(() => this.resetSync(opts));
  }

  /** `stepSync`, as a promise. */
  step(actions: VectorActions): Promise<VectorStepResult> {
    return settle(() => this.stepSync(actions));
  }

  /** `closeSync`, as a promise. */
  close(): Promise<void> {
    return settle(() => this.closeSync());
  }
}

function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}
