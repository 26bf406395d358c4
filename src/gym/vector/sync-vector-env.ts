/**
 * SyncVectorEnv: N copies stepped one after another in this thread (Gymnasium's `SyncVectorEnv`), with
 * same-step autoreset (see `vector-env.ts`). Besides the async `VectorEnv` methods it has synchronous
 * `resetSync` / `stepSync` / `closeSync`, for training generators that cannot await. Its copies form one
 * group: `stepAsync(0, actions)` steps them at once and `stepWait(0)` hands over the result.
 */
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { actionSeed, type Action, type Env, type EnvSpec, type Observation } from '../env.ts';
import { describeSpace, spacesEqual, type Space } from '../spaces.ts';
import { CopyBlock, VectorEnvError, checkGroupActions, copySeeds, groupAt, type AttrValue, type CopyGroup, type VectorActions, type VectorEnv, type VectorResetOptions, type VectorResetResult, type VectorStepResult } from './vector-env.ts';

/** The in-process vector env. */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly actionRng: Rng;
  /** One group of every copy: in this thread nothing steps concurrently. */
  readonly groups: readonly CopyGroup[];
  /** The group step that `stepAsync` took and `stepWait` has not yet handed over. */
  private groupStep: Promise<VectorStepResult> | null;
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
    this.groups = [{ first: 0, count: envs.length }];
    this.groupStep = null;
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

  /** Steps the group (every copy) now; `stepWait` hands over the result, or the error. */
  stepAsync(group: number, actions: VectorActions): void {
    const g = groupAt(this.spec.id, this.groups, group);
    checkGroupActions(this.spec.id, group, g, this.actionDim, actions);
    if (this.groupStep !== null) throw new VectorEnvError(this.spec.id, null, `group ${group} is busy: await stepWait(${group}) before its next step`);
    const result = settle(() => this.stepSync(actions));
    result.catch(() => undefined); // a failed step is reported by stepWait, not as an unhandled rejection
    this.groupStep = result;
  }

  /** The result of the step `stepAsync` took. */
  stepWait(group: number): Promise<VectorStepResult> {
    groupAt(this.spec.id, this.groups, group);
    const result = this.groupStep;
    if (result === null) return Promise.reject(new VectorEnvError(this.spec.id, null, `group ${group} has no step in flight: call stepAsync(${group}, actions) first`));
    this.groupStep = null;
    return result;
  }

  /** Sets an attribute of every copy's unwrapped env (see `VectorEnv.setAttr`). */
  setAttr(name: string, value: AttrValue): Promise<void> {
    if (this.groupStep !== null) return Promise.reject(new VectorEnvError(this.spec.id, null, `setAttr("${name}") while a group step is in flight: await stepWait first`));
    return settle(() => this.block.setAttr(name, value));
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
