/**
 * WorkerVectorEnv: the copies of a vector env spread over worker threads, contiguous blocks per worker
 * (Gymnasium's `AsyncVectorEnv`, with batched messages). Results equal `SyncVectorEnv`'s for the same seeds.
 *
 * Every step sends one message per worker with the actions of all its copies and waits for one reply per
 * worker. An error in a copy rejects the step with a `VectorEnvError` naming the copy's index; a worker that
 * crashes or exits rejects the pending request too, so a caller never waits forever. After a failure every
 * call rejects with the first error; `close()` still tears the workers down. No Node imports: workers are
 * started through a `WorkerSpawner` (`node-worker.ts` in Node).
 */
import { ConfigError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { actionSeed, type EnvSpec, type Info } from '../env.ts';
import { make, type MakeOptions } from '../registry.ts';
import { flatDim, type Space } from '../spaces.ts';
import { isWorkerToMain, type MainToWorker, type WorkerToMain } from './protocol.ts';
import {
  actionDimOf,
  copySeeds,
  VectorEnvError,
  type VectorActions,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
  type WorkerHandle,
  type WorkerSpawner,
} from './vector-env.ts';

/** What `WorkerVectorEnv.create` needs. */
export interface WorkerVectorEnvOptions {
  readonly envId: string;
  readonly numEnvs: number;
  readonly workers: number;
  readonly makeOptions: MakeOptions;
  readonly spawn: WorkerSpawner;
  /** Registry modules each worker imports before `make` (see `declareRegistryModule`). */
  readonly modules: readonly string[];
}

interface Pending {
  resolve: (reply: WorkerToMain) => void;
  reject: (error: Error) => void;
}

/** One worker: its handle, its block of copies and its (single) pending request. */
class WorkerSlot {
  readonly handle: WorkerHandle;
  readonly index: number;
  readonly firstIndex: number;
  readonly count: number;
  pending: Pending | null;
  constructor(handle: WorkerHandle, index: number, firstIndex: number, count: number) {
    this.handle = handle;
    this.index = index;
    this.firstIndex = firstIndex;
    this.count = count;
    this.pending = null;
  }
}

/** The worker-thread vector env; build it with `makeVec(id, n, { workers })`. */
export class WorkerVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly spec: EnvSpec;
  readonly singleObservationSpace: Space;
  readonly singleActionSpace: Space;
  readonly obsDim: number;
  readonly actionDim: number;
  readonly actionRng: Rng;
  private readonly slots: WorkerSlot[];
  private failure: Error | null;
  private closed: boolean;

  private constructor(opts: WorkerVectorEnvOptions, slots: WorkerSlot[], spaces: { obs: Space; act: Space; obsDim: number; actionDim: number; spec: EnvSpec }) {
    this.numEnvs = opts.numEnvs;
    this.spec = spaces.spec;
    this.singleObservationSpace = spaces.obs;
    this.singleActionSpace = spaces.act;
    this.obsDim = spaces.obsDim;
    this.actionDim = spaces.actionDim;
    this.actionRng = new Rng(1);
    this.slots = slots;
    this.failure = null;
    this.closed = false;
  }

  /** Starts the workers, builds every copy and returns the ready vector env (rejects if any copy fails). */
  static async create(opts: WorkerVectorEnvOptions): Promise<WorkerVectorEnv> {
    const { numEnvs, workers } = opts;
    if (!Number.isInteger(workers) || workers < 1 || workers > numEnvs) throw new ConfigError(`WorkerVectorEnv: workers must be in [1, numEnvs], received ${workers} for ${numEnvs} copies`);
    // The main thread's registry describes the copies' spaces; the workers must agree (checked below).
    const probe = make(opts.envId, opts.makeOptions);
    const spaces = { obs: probe.observationSpace, act: probe.actionSpace, spec: probe.spec, obsDim: flatDim(probe.observationSpace), actionDim: actionDimOf(probe.actionSpace) };
    probe.close();
    const slots: WorkerSlot[] = [];
    for (let w = 0; w < workers; w++) {
      const first = Math.floor((w * numEnvs) / workers);
      const next = Math.floor(((w + 1) * numEnvs) / workers);
      slots.push(new WorkerSlot(opts.spawn(w), w, first, next - first));
    }
    const vec = new WorkerVectorEnv(opts, slots, spaces);
    slots.forEach((slot) => vec.listen(slot));
    try {
      const replies = await Promise.all(
        slots.map((slot) =>
          vec.request(slot, { type: 'init', envId: opts.envId, makeOptions: opts.makeOptions, firstIndex: slot.firstIndex, count: slot.count, modules: opts.modules }),
        ),
      );
      replies.forEach((reply, w) => {
        if (reply.type !== 'ready' || reply.obsDim !== spaces.obsDim || reply.actionDim !== spaces.actionDim) {
          throw new VectorEnvError(opts.envId, null, `worker ${w} built copies whose spaces differ from the main thread's (is the env registered the same way in workers?)`);
        }
      });
    } catch (err) {
      await vec.close();
      throw err;
    }
    return vec;
  }

  /** Resets every copy (copy i gets `seed + i`); a seed also re-seeds `actionRng`. */
  async reset(opts: VectorResetOptions = {}): Promise<VectorResetResult> {
    const seeds = copySeeds(this.spec.id, this.numEnvs, opts.seed);
    if (seeds[0] !== undefined) this.actionRng.seed(actionSeed(seeds[0]));
    const replies = await Promise.all(
      this.slots.map((slot) =>
        this.request(slot, {
          type: 'reset',
          seeds: seeds.slice(slot.firstIndex, slot.firstIndex + slot.count).map((s) => s ?? null),
          options: opts.options ?? null,
        }),
      ),
    );
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    const infos: Info[] = [];
    let masks: Uint8Array | undefined;
    replies.forEach((reply, w) => {
      if (reply.type !== 'reset-done') throw this.unexpected(w, reply);
      const slot = this.slots[w];
      obs.set(reply.obs, slot.firstIndex * this.obsDim);
      infos.push(...reply.infos);
      if (reply.masks !== null) {
        const width = reply.masks.length / slot.count;
        (masks ??= new Uint8Array(this.numEnvs * width)).set(reply.masks, slot.firstIndex * width);
      }
    });
    return masks === undefined ? { obs, infos } : { obs, infos, masks };
  }

  /** Steps every copy: one message per worker with its copies' actions, same-step autoreset. */
  async step(actions: VectorActions): Promise<VectorStepResult> {
    if (actions.length !== this.numEnvs * this.actionDim) {
      throw new VectorEnvError(this.spec.id, null, `expected ${this.numEnvs * this.actionDim} action numbers (${this.numEnvs} copies × ${this.actionDim}), received ${actions.length}`);
    }
    const replies = await Promise.all(
      this.slots.map((slot) => {
        const part = new Float32Array(slot.count * this.actionDim);
        for (let k = 0; k < part.length; k++) part[k] = actions[slot.firstIndex * this.actionDim + k];
        return this.request(slot, { type: 'step', actions: part }, [part.buffer]);
      }),
    );
    const n = this.numEnvs;
    const out: VectorStepResult = {
      obs: new Float32Array(n * this.obsDim),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      infos: [],
      finalObs: [],
      finalInfos: [],
    };
    replies.forEach((reply, w) => {
      if (reply.type !== 'step-done') throw this.unexpected(w, reply);
      const first = this.slots[w].firstIndex;
      out.obs.set(reply.obs, first * this.obsDim);
      out.rewards.set(reply.rewards, first);
      out.terminated.set(reply.terminated, first);
      out.truncated.set(reply.truncated, first);
      out.infos.push(...reply.infos);
      out.finalObs.push(...reply.finalObs);
      out.finalInfos.push(...reply.finalInfos);
      if (reply.masks !== null) {
        const width = reply.masks.length / this.slots[w].count;
        (out.masks ??= new Uint8Array(n * width)).set(reply.masks, first * width);
      }
    });
    return out;
  }

  /** Closes every copy and terminates the workers; safe to call twice, also after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const bye = this.failure === null ? this.slots.map((slot) => this.request(slot, { type: 'close' }).catch(() => undefined)) : [];
    await Promise.race([Promise.all(bye), new Promise((resolve) => setTimeout(resolve, 1000))]);
    this.failure ??= new VectorEnvError(this.spec.id, null, 'the vector env is closed');
    await Promise.all(this.slots.map((slot) => slot.handle.terminate().catch(() => undefined)));
  }

  private listen(slot: WorkerSlot): void {
    slot.handle.onMessage((message) => {
      const pending = slot.pending;
      slot.pending = null;
      if (!isWorkerToMain(message)) {
        this.fail(new VectorEnvError(this.spec.id, null, `worker ${slot.index} sent an unexpected message`), pending);
      } else if (message.type === 'error') {
        const copy = message.copyIndex;
        const where = copy === null ? `worker ${slot.index} (copies ${slot.firstIndex}–${slot.firstIndex + slot.count - 1})` : `worker ${slot.index}`;
        this.fail(new VectorEnvError(this.spec.id, copy, `${message.name}: ${message.message} [in ${where}]`), pending);
      } else {
        pending?.resolve(message);
      }
    });
    slot.handle.onFailure((error) => {
      const pending = slot.pending;
      slot.pending = null;
      if (this.closed && pending === null) return;
      this.fail(new VectorEnvError(this.spec.id, null, `worker ${slot.index} (copies ${slot.firstIndex}–${slot.firstIndex + slot.count - 1}) failed: ${error.message}`), pending);
    });
  }

  private fail(error: Error, pending: Pending | null): void {
    this.failure ??= error;
    pending?.reject(error);
    // Other workers' requests of the same call are answered normally; later calls reject with `failure`.
  }

  private request(slot: WorkerSlot, message: MainToWorker, transfer: ArrayBuffer[] = []): Promise<WorkerToMain> {
    if (this.failure !== null && message.type !== 'close') return Promise.reject(this.failure);
    if (slot.pending !== null) return Promise.reject(new VectorEnvError(this.spec.id, null, `worker ${slot.index} is busy: await each reset/step before the next`));
    return new Promise<WorkerToMain>((resolve, reject) => {
      slot.pending = { resolve, reject };
      try {
        slot.handle.postMessage(message, transfer);
      } catch (err) {
        slot.pending = null;
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private unexpected(w: number, reply: WorkerToMain): VectorEnvError {
    return new VectorEnvError(this.spec.id, null, `worker ${w} answered with an unexpected ${reply.type} message`);
  }
}
