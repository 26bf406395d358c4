/**
 * VectorEnv: N copies of one env stepped together, in this thread (`SyncVectorEnv`) or on worker threads
 * (`WorkerVectorEnv`). Both give the same numbers for the same seeds.
 *
 * Batches are flat typed arrays, copy-major: copy i's observation is `obs.subarray(i * obsDim, (i + 1) *
 * obsDim)`, holding `flatten(singleObservationSpace, obs)` (boxes as is, discrete values one-hot). Actions
 * are `actionDim` numbers per copy: the integer for a discrete space, the box's elements, the multiDiscrete
 * or multiBinary entries. Dict and tuple action spaces are not supported.
 *
 * Autoreset is same-step, the one mode (Gymnasium's SAME_STEP, cleanrl#499): when copy i's episode ends at
 * a step, that copy is reset at once and the step returns its reset observation in `obs` and its reset
 * info in `infos[i]`, while the last observation of the finished episode is in `finalObs[i]` and its info in
 * `finalInfos[i]` (both null for copies that did not finish). `rewards`, `terminated` and `truncated` are
 * those of the finishing step. To bootstrap a truncated episode, evaluate V(finalObs[i]).
 */
import { ConfigError, EnvError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { Action, Env, EnvSpec, Info, Observation } from '../env.ts';
import { assertNever, describeSpace, flatDim, flatten, sample, type Space, type SpaceValue } from '../spaces.ts';

/** What `VectorEnv.reset` takes. */
export interface VectorResetOptions {
  /** One seed (copy i gets `seed + i`, as in Gymnasium) or one seed per copy. */
  readonly seed?: number | readonly number[];
  /** Passed to every copy's reset. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What `VectorEnv.reset` returns. */
export interface VectorResetResult {
  /** `numEnvs × obsDim` observations. */
  obs: Float32Array;
  infos: Info[];
  /** `numEnvs × n` legal-action masks when the copies return masks. */
  masks?: Uint8Array;
}

/** What `VectorEnv.step` returns (see the module doc for same-step autoreset). */
export interface VectorStepResult {
  /** `numEnvs × obsDim`; a finished copy's entry is already its reset observation. */
  obs: Float32Array;
  rewards: Float64Array;
  /** 1 where the copy's episode terminated at this step. */
  terminated: Uint8Array;
  /** 1 where the copy's episode was truncated at this step. */
  truncated: Uint8Array;
  /** Step info, or the reset info for copies that finished. */
  infos: Info[];
  /** Last observation (flattened) of each copy that finished at this step, else null. */
  finalObs: (Float32Array | null)[];
  /** Last info of each copy that finished at this step, else null. */
  finalInfos: (Info | null)[];
  masks?: Uint8Array;
}

/** Actions for all copies: `numEnvs × actionDim` numbers. */
export type VectorActions = Float32Array | Float64Array | Int32Array | readonly number[];

/** A block of copies that steps on its own (`VectorEnv.groups`): copies `first` to `first + count − 1`. */
export interface CopyGroup {
  readonly first: number;
  readonly count: number;
}

/**
 * N copies of one env stepped together (`step`), or group by group (`stepAsync`/`stepWait`, Gymnasium's
 * `step_async`/`step_wait` for one group): the caller can work, e.g. choose the next actions of one group,
 * while another group's copies step on their worker.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  /** Floats per copy in `obs`: `flatDim(singleObservationSpace)`. */
  readonly obsDim: number;
  /** Numbers per copy in the actions. */
  readonly actionDim: number;
  /** Rng for sampling actions (`sampleActions`); re-seeded by `reset({ seed })`. */
  readonly actionRng: Rng;
  /**
   * The blocks of copies that step independently, in copy order: one per worker thread, or a single block of
   * every copy when they step in this thread.
   */
  readonly groups: readonly CopyGroup[];
  reset(opts?: VectorResetOptions): Promise<VectorResetResult>;
  step(actions: VectorActions): Promise<VectorStepResult>;
  /**
   * Starts a step of group `group`'s copies with their actions (`count × actionDim`, the group's first copy
   * first) and returns at once; `stepWait(group)` gives the result. Groups step concurrently, each at most
   * one step at a time, and none while `step` or `reset` runs.
   */
  stepAsync(group: number, actions: VectorActions): void;
  /** The result of the group's step that `stepAsync` started, row i for copy `first + i` (same-step autoreset). */
  stepWait(group: number): Promise<VectorStepResult>;
  /**
   * Sets an attribute of every copy's unwrapped env to `value` (Gymnasium's `VectorEnv.set_attr`), e.g.
   * `curriculumProgress` between iterations. The attribute must exist and hold a value of the same type:
   * a misspelt name is an error naming the copy, not a new field. Not while a step is in flight.
   */
  setAttr(name: string, value: AttrValue): Promise<void>;
  /** Closes every copy and stops the workers; safe to call twice. */
  close(): Promise<void>;
}

/** What `VectorEnv.setAttr` sets: plain values that cross to worker threads as they are. */
export type AttrValue = number | boolean | string;

/** The group `group` of `groups`; a VectorEnvError naming the groups there are for any other index. */
export function groupAt(envId: string, groups: readonly CopyGroup[], group: number): CopyGroup {
  const g = Number.isInteger(group) ? groups[group] : undefined;
  if (g === undefined) throw new VectorEnvError(envId, null, `group must be an integer from 0 to ${groups.length - 1} (one per block of copies that steps on its own), received ${group}`);
  return g;
}

/** Checks that a group's actions hold `count × actionDim` numbers. */
export function checkGroupActions(envId: string, group: number, g: CopyGroup, actionDim: number, actions: VectorActions): void {
  if (actions.length !== g.count * actionDim) {
    throw new VectorEnvError(envId, null, `group ${group} (copies ${g.first}–${g.first + g.count - 1}) expected ${g.count * actionDim} action numbers (${g.count} copies × ${actionDim}), received ${actions.length}`);
  }
}

/** An error raised by one copy; `copyIndex` says which (null when not tied to one copy, e.g. a crashed worker). */
export class VectorEnvError extends EnvError {
  readonly copyIndex: number | null;
  /** What went wrong, without the env id and copy prefix (a worker's error crosses to the main thread as this). */
  readonly detail: string;
  constructor(envId: string, copyIndex: number | null, message: string) {
    super(envId, copyIndex === null ? message : `copy ${copyIndex}: ${message}`);
    this.name = 'VectorEnvError';
    this.copyIndex = copyIndex;
    this.detail = message;
  }
}

/** A started worker, seen from the main thread (Node worker_threads or a Web Worker, adapted). */
export interface WorkerHandle {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
  /** Called when the worker fails outside a request (uncaught error) or exits. */
  onFailure(handler: (error: Error) => void): void;
  terminate(): Promise<void>;
}

/** Starts worker number `index` running the vector worker server. */
export type WorkerSpawner = (index: number) => WorkerHandle;

/** Numbers per copy for actions of `space`; throws for dict/tuple spaces. */
export function actionDimOf(space: Space): number {
  switch (space.kind) {
    case 'discrete':
      return 1;
    case 'box':
      return space.low.length;
    case 'multiDiscrete':
      return space.nvec.length;
    case 'multiBinary':
      return space.n;
    case 'dict':
    case 'tuple':
      throw new ConfigError(`vector envs support discrete, box, multiDiscrete and multiBinary actions, not ${describeSpace(space)}`);
    default:
      return assertNever(space);
  }
}

/** Width of the legal-action masks for actions of `space`: n for a discrete space, else 0 (no masks). */
export function maskDimOf(space: Space): number {
  return space.kind === 'discrete' ? space.n : 0;
}

/** Copy i's action decoded from a batch (a number for discrete, a fresh typed array otherwise). */
export function decodeAction(space: Space, actions: VectorActions, i: number, dim: number): SpaceValue {
  const start = i * dim;
  switch (space.kind) {
    case 'discrete':
      return actions[start];
    case 'box': {
      const out = space.dtype === 'uint8' ? new Uint8Array(dim) : new Float32Array(dim);
      for (let k = 0; k < dim; k++) out[k] = actions[start + k];
      return out;
    }
    case 'multiDiscrete': {
      const out = new Int32Array(dim);
      for (let k = 0; k < dim; k++) out[k] = actions[start + k];
      return out;
    }
    case 'multiBinary': {
      const out = new Uint8Array(dim);
      for (let k = 0; k < dim; k++) out[k] = actions[start + k];
      return out;
    }
    case 'dict':
    case 'tuple':
      throw new ConfigError(`vector envs cannot decode ${describeSpace(space)} actions`);
    default:
      return assertNever(space);
  }
}

/** Per-copy seeds for a vector reset: `seed + i`, or the given list (which must have `numEnvs` entries). */
export function copySeeds(envId: string, numEnvs: number, seed: number | readonly number[] | undefined): (number | undefined)[] {
  if (seed === undefined) return new Array<undefined>(numEnvs).fill(undefined);
  if (typeof seed === 'number') return Array.from({ length: numEnvs }, (_, i) => seed + i);
  if (seed.length !== numEnvs) throw new EnvError(envId, `reset seed list must have ${numEnvs} entries (one per copy), received ${seed.length}`);
  return [...seed];
}

/** Random actions for every copy, drawn from `rng` (uniform over the single action space). */
export function sampleActions(space: Space, numEnvs: number, rng: Rng, masks?: Uint8Array): Float32Array {
  const dim = actionDimOf(space);
  const out = new Float32Array(numEnvs * dim);
  for (let i = 0; i < numEnvs; i++) {
    switch (space.kind) {
      case 'discrete':
        // with masks (numEnvs × n, 1 = legal), uniform over copy i's legal actions
        out[i] = space.start + (masks !== undefined ? (sample(space, rng, masks.subarray(i * space.n, (i + 1) * space.n)) as number) - space.start : rng.int(space.n));
        break;
      case 'box':
        for (let k = 0; k < dim; k++) {
          const lo = space.low[k];
          const hi = space.high[k];
          out[i * dim + k] = Number.isFinite(lo) && Number.isFinite(hi) ? Math.min(Math.max(lo + (hi - lo) * rng.random(), lo), hi) : rng.normal();
        }
        break;
      case 'multiDiscrete':
        for (let k = 0; k < dim; k++) out[i * dim + k] = space.start[k] + rng.int(space.nvec[k]);
        break;
      case 'multiBinary':
        for (let k = 0; k < dim; k++) out[i * dim + k] = rng.nextUint32() & 1;
        break;
      case 'dict':
      case 'tuple':
        throw new ConfigError(`sampleActions: unsupported ${describeSpace(space)}`);
      default:
        assertNever(space);
    }
  }
  return out;
}

/**
 * Where `CopyBlock.stepInto` writes one step of a block of `count` copies: flat arrays of fixed size (so they
 * can be views on shared memory and reused step after step) plus the per-copy info objects.
 */
export interface BlockStepBuffers {
  /** `count × obsDim`; a finished copy's row is already its reset observation. */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** `count × obsDim`; row i is copy i's last observation when it finished at this step (else untouched). */
  readonly finalObs: Float32Array;
  /** `count × maskDim` legal-action masks; when null, allocated (zeroed) as soon as a copy returns a mask. */
  masks: Uint8Array | null;
  /** Step info, or the reset info for copies that finished. */
  readonly infos: Info[];
  /** Last info of each copy that finished at this step, else null. */
  readonly finalInfos: (Info | null)[];
}

/**
 * The per-copy stepping shared by the in-process vector env and the worker server: a contiguous block of
 * copies (global indices `firstIndex…`) with same-step autoreset, writing into flat batch buffers.
 */
export class CopyBlock {
  readonly envs: Env<Observation, Action>[];
  readonly firstIndex: number;
  readonly envId: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly obsDim: number;
  readonly actionDim: number;
  /** Mask width (discrete action space n) or 0. */
  readonly maskDim: number;
  private readonly discreteActions: boolean;
  private readonly floatBoxObs: boolean;
  /** `step`'s row buffer for final observations (sliced per finished copy), allocated at the first step. */
  private finalObsScratch: Float32Array | null;

  constructor(envs: Env<Observation, Action>[], firstIndex: number) {
    if (envs.length === 0) throw new ConfigError('vector env: needs at least one copy');
    const first = envs[0];
    this.envs = envs;
    this.firstIndex = firstIndex;
    this.envId = first.spec.id;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsDim = flatDim(first.observationSpace);
    this.actionDim = actionDimOf(first.actionSpace);
    this.maskDim = maskDimOf(first.actionSpace);
    this.discreteActions = first.actionSpace.kind === 'discrete';
    this.floatBoxObs = first.observationSpace.kind === 'box' && first.observationSpace.dtype === 'float32';
    this.finalObsScratch = null;
  }

  /** Resets every copy (seeds per copy) and returns the block's batch. */
  reset(seeds: readonly (number | undefined)[], options: Readonly<Record<string, unknown>> | undefined): VectorResetResult {
    const n = this.envs.length;
    const obs = new Float32Array(n * this.obsDim);
    const infos: Info[] = new Array<Info>(n);
    let masks: Uint8Array | undefined;
    let i = 0;
    try {
      for (; i < n; i++) {
        const r = this.envs[i].reset({ seed: seeds[i], options });
        this.writeObs(r.obs, obs, i * this.obsDim);
        infos[i] = r.info;
        if (r.mask !== undefined) (masks ??= new Uint8Array(n * this.maskDim)).set(r.mask, i * this.maskDim);
      }
    } catch (err) {
      throw this.copyError(i, err);
    }
    return masks === undefined ? { obs, infos } : { obs, infos, masks };
  }

  /** Steps every copy with its slice of `actions` (block-local indexing), autoresetting finished copies. */
  step(actions: VectorActions): VectorStepResult {
    const n = this.envs.length;
    const out: BlockStepBuffers = {
      obs: new Float32Array(n * this.obsDim),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObs: (this.finalObsScratch ??= new Float32Array(n * this.obsDim)),
      masks: null,
      infos: new Array<Info>(n),
      finalInfos: new Array<Info | null>(n),
    };
    this.stepInto(actions, out);
    const finalObs: (Float32Array | null)[] = new Array<Float32Array | null>(n);
    for (let i = 0; i < n; i++) finalObs[i] = out.terminated[i] === 0 && out.truncated[i] === 0 ? null : out.finalObs.slice(i * this.obsDim, (i + 1) * this.obsDim);
    const result: VectorStepResult = { obs: out.obs, rewards: out.rewards, terminated: out.terminated, truncated: out.truncated, infos: out.infos, finalObs, finalInfos: out.finalInfos };
    if (out.masks !== null) result.masks = out.masks;
    return result;
  }

  /**
   * `step`, writing into `out` in place (every entry of every copy is overwritten, except `finalObs` rows of
   * copies that did not finish and `masks` rows of copies that return no mask), so the buffers can be
   * reused across steps, e.g. views on a worker's shared memory. Returns whether any copy returned a mask.
   */
  stepInto(actions: VectorActions, out: BlockStepBuffers): boolean {
    const n = this.envs.length;
    if (actions.length !== n * this.actionDim) {
      throw new VectorEnvError(this.envId, null, `expected ${n * this.actionDim} action numbers (${n} copies × ${this.actionDim}), received ${actions.length}`);
    }
    const obsDim = this.obsDim;
    let anyMask = false;
    let i = 0;
    try {
      for (; i < n; i++) {
        const env = this.envs[i];
        const r = env.step(this.discreteActions ? actions[i] : decodeAction(this.actionSpace, actions, i, this.actionDim));
        out.rewards[i] = r.reward;
        out.terminated[i] = r.terminated ? 1 : 0;
        out.truncated[i] = r.truncated ? 1 : 0;
        let mask = r.mask;
        if (r.terminated || r.truncated) {
          this.writeObs(r.obs, out.finalObs, i * obsDim);
          out.finalInfos[i] = r.info;
          const reset = env.reset();
          this.writeObs(reset.obs, out.obs, i * obsDim);
          out.infos[i] = reset.info;
          mask = reset.mask;
        } else {
          this.writeObs(r.obs, out.obs, i * obsDim);
          out.infos[i] = r.info;
          out.finalInfos[i] = null;
        }
        if (mask !== undefined) {
          (out.masks ??= new Uint8Array(n * this.maskDim)).set(mask, i * this.maskDim);
          anyMask = true;
        }
      }
    } catch (err) {
      throw this.copyError(i, err);
    }
    return anyMask;
  }

  /** Sets `name` on every copy's unwrapped env (see `VectorEnv.setAttr`). */
  setAttr(name: string, value: AttrValue): void {
    this.envs.forEach((env, i) => {
      const target = env.unwrapped as unknown as Record<string, unknown>;
      const current = name in target ? target[name] : undefined;
      if (typeof current !== typeof value || typeof current === 'function') {
        const had = current === undefined ? 'has no such attribute' : `has it as a ${typeof current}`;
        throw new VectorEnvError(this.envId, this.firstIndex + i, `setAttr("${name}", ${JSON.stringify(value)}): expected an existing ${typeof value} attribute of the env, and ${env.unwrapped.constructor.name} ${had}`);
      }
      target[name] = value;
    });
  }

  /** Writes one copy's observation into the batch (a plain copy for float32 boxes, else `flatten`). */
  private writeObs(obs: Observation, out: Float32Array, offset: number): void {
    if (this.floatBoxObs && obs instanceof Float32Array && obs.length === this.obsDim) out.set(obs, offset);
    else flatten(this.observationSpace, obs, out, offset);
  }

  /** Closes every copy. */
  close(): void {
    let i = 0;
    try {
      for (; i < this.envs.length; i++) this.envs[i].close();
    } catch (err) {
      throw this.copyError(i, err);
    }
  }

  /** Any error from block copy i as a VectorEnvError naming the global copy index. */
  private copyError(i: number, err: unknown): VectorEnvError {
    if (err instanceof VectorEnvError) return err;
    const e = err instanceof Error ? err : new Error(String(err));
    return new VectorEnvError(this.envId, this.firstIndex + i, `${e.name}: ${e.message}`);
  }
}
