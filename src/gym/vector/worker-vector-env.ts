/**
 * WorkerVectorEnv: the copies of a vector env spread over worker threads, contiguous blocks per worker
 * (Gymnasium's `AsyncVectorEnv`, with batched steps). Results equal `SyncVectorEnv`'s for the same seeds.
 *
 * Steps go through one SharedArrayBuffer per worker, signalled with `Atomics` (`shared-step.ts`): the main
 * thread writes the actions and wakes the workers, each worker steps its copies straight into shared memory
 * and wakes the main thread, which copies the results into fresh arrays. With `groupSteps` each worker's
 * copies are one of `groups`: `stepAsync(w, actions)` wakes worker w alone and `stepWait(w)` waits for it
 * alone, so the main thread can work while some workers step. Where shared memory is not usable
 * (a browser page that is not cross-origin isolated, or `sharedMemory: false`), each step is one message
 * per worker with the actions of all its copies and one reply per worker. Reset and close are messages in
 * both cases.
 *
 * An error in a copy rejects the step with a `VectorEnvError` naming the copy's index; a worker that
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
  allocateSharedStep,
  CTRL_COMMAND,
  CTRL_HAS_MASKS,
  CTRL_INFO_BYTES,
  CTRL_OP,
  CTRL_REPLY,
  CTRL_STATUS,
  allocateTeam,
  decodeStepInfos,
  hardwareThreads,
  OP_STEP,
  OP_STEP_GROUP,
  OP_YIELD,
  sharedMemoryAvailable,
  sharedStepViews,
  STATUS_INFOS,
  STATUS_INFOS_MESSAGE,
  STATUS_OK,
  TEAM_DONE,
  teamView,
  type SharedStepDims,
  waitAsync,
  type SharedStepViews,
} from './shared-step.ts';
import {
  actionDimOf,
  checkGroupActions,
  copySeeds,
  groupAt,
  maskDimOf,
  VectorEnvError,
  type AttrValue,
  type CopyGroup,
  type VectorActions,
  type VectorEnv,
  type VectorResetOptions,
  type VectorResetResult,
  type VectorStepResult,
  type WorkerHandle,
  type WorkerSpawner,
} from './vector-env.ts';

/**
 * How the main thread waits for the workers' shared-memory replies. `block`: asleep in `Atomics.wait` (no
 * CPU; woken directly by the worker) for up to `BLOCK_MS`, which needs a thread allowed to block (Node, a
 * Web Worker; not a browser page). `spin`: polls the reply words for up to `SPIN_MS`. `async`: only
 * `Atomics.waitAsync`, whose wake-up is an event-loop turn. The first two fall back to `async` when time
 * runs out, so a crashed worker is still noticed; both also wait only once the caller yields (at `await`).
 */
export type ReplyWait = 'block' | 'spin' | 'async';

/** Longest the main thread sleeps per step with `replyWait: 'block'` before going back to its event loop. */
const BLOCK_MS = 20;
/** Longest the main thread spins per step with `replyWait: 'spin'`. */
const SPIN_MS = 1;
/**
 * How long a worker that finished a step before the others polls for the next command (`SharedTeam.spinMs`)
 * when the workers fit the CPUs: longer than the main thread's turn between steps of a rollout.
 */
const WORKER_SPIN_MS = 2;

/** What `WorkerVectorEnv.create` needs. */
export interface WorkerVectorEnvOptions {
  readonly envId: string;
  readonly numEnvs: number;
  readonly workers: number;
  readonly makeOptions: MakeOptions;
  readonly spawn: WorkerSpawner;
  /** Registry modules each worker imports before `make` (see `declareRegistryModule`). */
  readonly modules: readonly string[];
  /** Step through shared memory where available (default true); false steps by messages. */
  readonly sharedMemory?: boolean;
  /** How the main thread waits for shared-memory replies (default: `block` where this thread may block). */
  readonly replyWait?: ReplyWait;
  /**
   * Whether each worker's copies form a group that `stepAsync`/`stepWait` step on its own (`makeVec` asks for
   * it). Default false: one group of every copy, whose `stepAsync` is a `step`, for callers that count steps
   * by wrapping `step` (the page's rollout progress).
   */
  readonly groupSteps?: boolean;
  /**
   * How long a worker done before the others polls for the next step (ms, see `SharedTeam.spinMs`); default
   * `WORKER_SPIN_MS` when the workers are no more than the CPUs, else 0 (sleep at once).
   */
  readonly workerSpinMs?: number;
}

interface Pending {
  resolve: (reply: WorkerToMain) => void;
  reject: (error: Error) => void;
}

/** The reply of a shared step whose infos were all empty. */
const NO_INFOS: WorkerToMain = { type: 'step-infos', command: 0, infos: [], finalInfos: [] };

/** One worker: its handle, its block of copies, its (single) pending request and its shared channel. */
class WorkerSlot {
  readonly handle: WorkerHandle;
  readonly index: number;
  readonly firstIndex: number;
  readonly count: number;
  pending: Pending | null;
  /** Views on the worker's shared step buffer, once the worker took it. */
  shared: SharedStepViews | null;
  /** The last command number sent through `shared`. */
  command: number;
  /** The command number of the shared step in flight. */
  stepCommand: number;
  /** `CTRL_REPLY` before that step (the worker changes it when done). */
  lastReply: number;
  /** A `step-infos` message of the step in flight (it may arrive before or after the reply word). */
  infoMessage: Extract<WorkerToMain, { type: 'step-infos' }> | null;
  /** The reply of this worker's group step (`stepAsync`) until `stepWait` has read its results. */
  groupStep: Promise<WorkerToMain> | null;
  constructor(handle: WorkerHandle, index: number, firstIndex: number, count: number) {
    this.handle = handle;
    this.index = index;
    this.firstIndex = firstIndex;
    this.count = count;
    this.pending = null;
    this.shared = null;
    this.command = 0;
    this.stepCommand = 0;
    this.lastReply = 0;
    this.infoMessage = null;
    this.groupStep = null;
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
  /** One group per worker (its block of copies) with `groupSteps`, else one group of every copy. */
  readonly groups: readonly CopyGroup[];
  /** The whole step that `stepAsync(0, …)` started when the copies form one group, until `stepWait(0)` takes it. */
  private wholeStep: Promise<VectorStepResult> | null;
  private readonly maskDim: number;
  private readonly replyWait: ReplyWait;
  private readonly slots: WorkerSlot[];
  /** The workers' team word (`TEAM_DONE`): how many finished the shared step in flight. */
  private readonly team: Int32Array | null;
  /** Whether steps go through shared memory (every worker took its channel). */
  private stepsShared: boolean;
  /** Shared steps the main thread stopped waiting for before the last worker woke it (see `lateSteps`). */
  private late: number;
  private failure: Error | null;
  private closed: boolean;

  private constructor(opts: WorkerVectorEnvOptions, slots: WorkerSlot[], team: Int32Array | null, spaces: { obs: Space; act: Space; obsDim: number; actionDim: number; spec: EnvSpec }) {
    this.numEnvs = opts.numEnvs;
    this.spec = spaces.spec;
    this.singleObservationSpace = spaces.obs;
    this.singleActionSpace = spaces.act;
    this.obsDim = spaces.obsDim;
    this.actionDim = spaces.actionDim;
    this.actionRng = new Rng(1);
    this.stepsShared = false;
    this.maskDim = maskDimOf(spaces.act);
    this.replyWait = opts.replyWait ?? (canBlock() ? 'block' : 'async');
    this.slots = slots;
    this.groups = opts.groupSteps === true ? slots.map((slot) => ({ first: slot.firstIndex, count: slot.count })) : [{ first: 0, count: opts.numEnvs }];
    this.wholeStep = null;
    this.team = team;
    this.late = 0;
    this.failure = null;
    this.closed = false;
  }

  /** Starts the workers, builds every copy and returns the ready vector env (rejects if any copy fails). */
  static async create(opts: WorkerVectorEnvOptions): Promise<WorkerVectorEnv> {
    const { numEnvs, workers } = opts;
    if (!Number.isInteger(workers) || workers < 1 || workers > numEnvs) throw new ConfigError(`WorkerVectorEnv: workers must be in [1, numEnvs], received ${workers} for ${numEnvs} copies`);
    const spinMs = opts.workerSpinMs ?? (workers <= hardwareThreads() ? WORKER_SPIN_MS : 0);
    if (!(spinMs >= 0)) throw new ConfigError(`WorkerVectorEnv: workerSpinMs must be ≥ 0, received ${spinMs}`);
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
    const useShared = (opts.sharedMemory ?? true) && sharedMemoryAvailable();
    const team = useShared ? { buffer: allocateTeam(), workers, spinMs } : null;
    const vec = new WorkerVectorEnv(opts, slots, team === null ? null : teamView(team.buffer), spaces);
    slots.forEach((slot) => vec.listen(slot));
    try {
      await Promise.all(
        slots.map(async (slot) => {
          const dims: SharedStepDims = { count: slot.count, obsDim: spaces.obsDim, actionDim: spaces.actionDim, maskDim: vec.maskDim };
          const buffer = useShared ? allocateSharedStep(dims) : null;
          const shared = buffer === null || team === null ? null : { buffer, dims, team };
          const reply = await vec.request(slot, { type: 'init', envId: opts.envId, makeOptions: opts.makeOptions, firstIndex: slot.firstIndex, count: slot.count, modules: opts.modules, shared });
          if (reply.type !== 'ready' || reply.obsDim !== spaces.obsDim || reply.actionDim !== spaces.actionDim) {
            throw new VectorEnvError(opts.envId, null, `worker ${slot.index} built copies whose spaces differ from the main thread's (is the env registered the same way in workers?)`);
          }
          if (reply.shared && buffer !== null) slot.shared = sharedStepViews(buffer, dims);
        }),
      );
    } catch (err) {
      await vec.close();
      throw err;
    }
    vec.stepsShared = slots.every((slot) => slot.shared !== null);
    return vec;
  }

  /** Whether steps go through shared memory (else one message per worker and step). */
  get sharedSteps(): boolean {
    return this.stepsShared;
  }

  /**
   * Shared steps the main thread stopped blocking or spinning for (`BLOCK_MS`, `SPIN_MS`) before the last
   * worker woke it, so their replies were taken from the event loop: steps slower than that, or a wake-up
   * that never came.
   */
  get lateSteps(): number {
    return this.late;
  }

  /** Resets every copy (copy i gets `seed + i`); a seed also re-seeds `actionRng`. */
  async reset(opts: VectorResetOptions = {}): Promise<VectorResetResult> {
    const seeds = copySeeds(this.spec.id, this.numEnvs, opts.seed);
    this.checkNoGroupStep();
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

  /** Steps every copy with same-step autoreset: through shared memory, else one message per worker. */
  async step(actions: VectorActions): Promise<VectorStepResult> {
    if (actions.length !== this.numEnvs * this.actionDim) {
      throw new VectorEnvError(this.spec.id, null, `expected ${this.numEnvs * this.actionDim} action numbers (${this.numEnvs} copies × ${this.actionDim}), received ${actions.length}`);
    }
    this.checkNoGroupStep();
    if (!this.stepsShared) return this.stepByMessages(actions);
    if (this.failure !== null) throw this.failure;
    for (const slot of this.slots) if (slot.pending !== null) throw this.busy(slot);
    Atomics.store(this.team as Int32Array, TEAM_DONE, 0);
    const replies = this.slots.map((slot) => this.sendStep(slot, actions, slot.firstIndex * this.actionDim, OP_STEP));
    // Waiting may block this thread, so wait once the caller yields: code between `step()` and its
    // `await` still overlaps with the workers.
    await Promise.resolve();
    this.waitForReplies();
    return this.gather(await Promise.all(replies));
  }

  /** Starts a step of worker `group`'s copies (or of every copy, in one group) and returns at once (see `VectorEnv.stepAsync`). */
  stepAsync(group: number, actions: VectorActions): void {
    checkGroupActions(this.spec.id, group, groupAt(this.spec.id, this.groups, group), this.actionDim, actions);
    if (this.groups.length === 1) {
      if (this.wholeStep !== null) throw this.busy(this.slots[0]);
      const whole = this.step(actions);
      whole.catch(() => undefined); // a failed step is reported by stepWait, not as an unhandled rejection
      this.wholeStep = whole;
      return;
    }
    const slot = this.slots[group];
    if (this.failure !== null) throw this.failure;
    if (slot.pending !== null || slot.groupStep !== null) throw this.busy(slot);
    let reply: Promise<WorkerToMain>;
    if (this.stepsShared) {
      reply = this.sendStep(slot, actions, 0, OP_STEP_GROUP);
    } else {
      const part = new Float32Array(slot.count * this.actionDim);
      for (let k = 0; k < part.length; k++) part[k] = actions[k];
      reply = this.request(slot, { type: 'step', actions: part }, [part.buffer]);
    }
    reply.catch(() => undefined); // a failed step is reported by stepWait, not as an unhandled rejection
    slot.groupStep = reply;
  }

  /**
   * Waits for worker `group`'s step as `replyWait` says (blocking this thread for at most `BLOCK_MS` with
   * `block`), then copies its results into a fresh step result of the group's copies.
   */
  async stepWait(group: number): Promise<VectorStepResult> {
    groupAt(this.spec.id, this.groups, group);
    if (this.groups.length === 1) {
      const whole = this.wholeStep;
      this.wholeStep = null;
      if (whole === null) throw this.notStarted(group);
      return whole;
    }
    const slot = this.slots[group];
    const reply = slot.groupStep;
    if (reply === null) throw this.notStarted(group);
    try {
      // as stepAsync sent it: through shared memory only when every worker took its channel
      if (this.stepsShared) this.waitForReply(slot);
      const message = await reply;
      const out = emptyStepResult(slot.count, this.obsDim);
      if (this.stepsShared) this.readShared(slot, message, out, 0);
      else this.readMessage(slot, message, out, 0);
      return out;
    } finally {
      slot.groupStep = null;
    }
  }

  /** Sets an attribute of every copy's unwrapped env, on every worker (see `VectorEnv.setAttr`). */
  async setAttr(name: string, value: AttrValue): Promise<void> {
    this.checkNoGroupStep();
    const replies = await Promise.all(this.slots.map((slot) => this.request(slot, { type: 'set-attr', name, value })));
    replies.forEach((reply, w) => {
      if (reply.type !== 'set-attr-done') throw this.unexpected(w, reply);
    });
  }

  /** Closes every copy and terminates the workers; safe to call twice, also after a failure. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const bye = this.failure === null ? this.slots.map((slot) => this.request(slot, { type: 'close' }).catch(() => undefined)) : [];
    await Promise.race([Promise.all(bye), new Promise((resolve) => setTimeout(resolve, 1000))]);
    this.failure ??= new VectorEnvError(this.spec.id, null, 'the vector env is closed');
    await Promise.all(this.slots.map((slot) => slot.handle.terminate().catch(() => undefined)));
    // Release the main thread's `Atomics.waitAsync` of a step cut short (its pending request is rejected).
    for (const slot of this.slots) if (slot.shared !== null) Atomics.notify(slot.shared.ctrl, CTRL_REPLY);
  }

  // ── shared-memory steps ──

  /**
   * Writes the slot's actions (`actions` from index `start`) into its shared buffer and wakes the worker for a
   * team step (`OP_STEP`) or a step of its own (`OP_STEP_GROUP`); resolves with the step's infos.
   */
  private sendStep(slot: WorkerSlot, actions: VectorActions, start: number, op: number): Promise<WorkerToMain> {
    const views = slot.shared as SharedStepViews;
    for (let k = 0; k < views.actions.length; k++) views.actions[k] = actions[start + k];
    slot.lastReply = Atomics.load(views.ctrl, CTRL_REPLY);
    const reply = new Promise<WorkerToMain>((resolve, reject) => {
      slot.pending = { resolve, reject };
    });
    slot.stepCommand = this.signal(slot, op);
    return reply;
  }

  /** Tells a worker with a shared channel to step (`OP_STEP`, `OP_STEP_GROUP`) or to read a message (`OP_YIELD`); returns the command number. */
  private signal(slot: WorkerSlot, op: number): number {
    const ctrl = (slot.shared as SharedStepViews).ctrl;
    Atomics.store(ctrl, CTRL_OP, op);
    Atomics.store(ctrl, CTRL_COMMAND, ++slot.command);
    Atomics.notify(ctrl, CTRL_COMMAND);
    return slot.command;
  }

  /**
   * Waits for every step in flight as `replyWait` says, on the team word (one wake-up, from the last worker),
   * then takes the replies and hands any still missing to `Atomics.waitAsync`.
   */
  private waitForReplies(): void {
    if (this.replyWait !== 'async') {
      const team = this.team as Int32Array;
      const deadline = performance.now() + (this.replyWait === 'block' ? BLOCK_MS : SPIN_MS);
      for (let done = Atomics.load(team, TEAM_DONE); done < this.slots.length; done = Atomics.load(team, TEAM_DONE)) {
        const left = deadline - performance.now();
        if (left <= 0 || (this.replyWait === 'block' && Atomics.wait(team, TEAM_DONE, done, left) === 'timed-out')) {
          this.late++;
          break;
        }
      }
    }
    for (const slot of this.slots) if (slot.pending !== null && slot.shared !== null && !this.takeReply(slot)) this.watchReply(slot);
  }

  /** `waitForReplies` for one worker's step (a group step): waits on its reply word, not the team word. */
  private waitForReply(slot: WorkerSlot): void {
    const ctrl = (slot.shared as SharedStepViews).ctrl;
    if (this.replyWait !== 'async') {
      const deadline = performance.now() + (this.replyWait === 'block' ? BLOCK_MS : SPIN_MS);
      for (let reply = Atomics.load(ctrl, CTRL_REPLY); reply !== slot.stepCommand && slot.pending !== null; reply = Atomics.load(ctrl, CTRL_REPLY)) {
        const left = deadline - performance.now();
        if (left <= 0 || (this.replyWait === 'block' && Atomics.wait(ctrl, CTRL_REPLY, reply, left) === 'timed-out')) {
          this.late++;
          break;
        }
      }
    }
    if (slot.pending !== null && !this.takeReply(slot)) this.watchReply(slot);
  }

  /** Takes the slot's reply once the worker publishes it, from the event loop (`Atomics.waitAsync`). */
  private watchReply(slot: WorkerSlot): void {
    const command = slot.stepCommand;
    const check = (): void => {
      if (slot.pending !== null && slot.stepCommand === command && !this.takeReply(slot)) this.watchReply(slot);
    };
    const wait = waitAsync((slot.shared as SharedStepViews).ctrl, CTRL_REPLY, slot.lastReply);
    if (wait.async) void wait.value.then(check);
    else check();
  }

  /**
   * Settles the step in flight if the worker has published its reply; returns false if not yet. With
   * `STATUS_INFOS_MESSAGE` the step settles when that message is also here; with `STATUS_ERROR` the
   * worker's `error` message rejects it.
   */
  private takeReply(slot: WorkerSlot): boolean {
    const pending = slot.pending;
    const views = slot.shared;
    if (pending === null || views === null) return true;
    const ctrl = views.ctrl;
    if (Atomics.load(ctrl, CTRL_REPLY) !== slot.stepCommand) return false;
    const status = Atomics.load(ctrl, CTRL_STATUS);
    let reply: WorkerToMain | null = null;
    if (status === STATUS_OK) reply = NO_INFOS;
    else if (status === STATUS_INFOS) reply = { type: 'step-infos', command: slot.stepCommand, ...decodeStepInfos(views.infoText, Atomics.load(ctrl, CTRL_INFO_BYTES)) };
    else if (status === STATUS_INFOS_MESSAGE && slot.infoMessage?.command === slot.stepCommand) reply = slot.infoMessage;
    if (reply !== null) {
      slot.pending = null;
      slot.infoMessage = null;
      pending.resolve(reply);
    }
    return true;
  }

  /** Copies the workers' shared results into a fresh step result (so callers may keep it). */
  private gather(replies: WorkerToMain[]): VectorStepResult {
    const out = emptyStepResult(this.numEnvs, this.obsDim);
    replies.forEach((reply, w) => this.readShared(this.slots[w], reply, out, this.slots[w].firstIndex));
    return out;
  }

  /** Copies one worker's shared results (and the infos of its reply) into `out`, its first copy at row `at`. */
  private readShared(slot: WorkerSlot, reply: WorkerToMain, out: VectorStepResult, at: number): void {
    if (reply.type !== 'step-infos') throw this.unexpected(slot.index, reply);
    const d = this.obsDim;
    const v = slot.shared as SharedStepViews;
    out.obs.set(v.obs, at * d);
    out.rewards.set(v.rewards, at);
    out.terminated.set(v.terminated, at);
    out.truncated.set(v.truncated, at);
    if (Atomics.load(v.ctrl, CTRL_HAS_MASKS) === 1) (out.masks ??= new Uint8Array(out.rewards.length * this.maskDim)).set(v.masks, at * this.maskDim);
    for (let i = 0; i < slot.count; i++) {
      const finished = v.terminated[i] === 1 || v.truncated[i] === 1;
      out.infos[at + i] = {};
      out.finalObs[at + i] = finished ? v.finalObs.slice(i * d, (i + 1) * d) : null;
      out.finalInfos[at + i] = finished ? {} : null;
    }
    for (const [i, info] of reply.infos) out.infos[at + i] = info;
    for (const [i, info] of reply.finalInfos) out.finalInfos[at + i] = info;
  }

  // ── message steps (no shared memory) ──

  /** One message per worker with its copies' actions, one reply per worker with their results. */
  private async stepByMessages(actions: VectorActions): Promise<VectorStepResult> {
    const replies = await Promise.all(
      this.slots.map((slot) => {
        const part = new Float32Array(slot.count * this.actionDim);
        for (let k = 0; k < part.length; k++) part[k] = actions[slot.firstIndex * this.actionDim + k];
        return this.request(slot, { type: 'step', actions: part }, [part.buffer]);
      }),
    );
    const out = emptyStepResult(this.numEnvs, this.obsDim);
    replies.forEach((reply, w) => this.readMessage(this.slots[w], reply, out, this.slots[w].firstIndex));
    return out;
  }

  /** Copies one worker's `step-done` reply into `out`, its first copy at row `at`. */
  private readMessage(slot: WorkerSlot, reply: WorkerToMain, out: VectorStepResult, at: number): void {
    if (reply.type !== 'step-done') throw this.unexpected(slot.index, reply);
    out.obs.set(reply.obs, at * this.obsDim);
    out.rewards.set(reply.rewards, at);
    out.terminated.set(reply.terminated, at);
    out.truncated.set(reply.truncated, at);
    for (let i = 0; i < slot.count; i++) {
      out.infos[at + i] = reply.infos[i];
      out.finalObs[at + i] = reply.finalObs[i];
      out.finalInfos[at + i] = reply.finalInfos[i];
    }
    if (reply.masks !== null) {
      const width = reply.masks.length / slot.count;
      (out.masks ??= new Uint8Array(out.rewards.length * width)).set(reply.masks, at * width);
    }
  }

  private notStarted(group: number): VectorEnvError {
    return new VectorEnvError(this.spec.id, null, `group ${group} has no step in flight: call stepAsync(${group}, actions) first`);
  }

  /** Refuses a reset or a whole step while a group step is in flight (its worker is busy with it). */
  private checkNoGroupStep(): void {
    for (const slot of this.slots) if (slot.groupStep !== null) throw this.busy(slot);
    if (this.wholeStep !== null) throw this.busy(this.slots[0]);
  }

  // ── messages and failures ──

  private listen(slot: WorkerSlot): void {
    slot.handle.onMessage((message) => {
      if (isWorkerToMain(message) && message.type === 'step-infos') {
        slot.infoMessage = message; // part of a shared step: it settles once the reply word is set too
        this.takeReply(slot);
        return;
      }
      const pending = slot.pending;
      slot.pending = null;
      if (!isWorkerToMain(message)) {
        this.fail(new VectorEnvError(this.spec.id, null, `worker ${slot.index} sent an unexpected message`), pending);
      } else if (message.type === 'error') {
        const copy = message.copyIndex;
        const where = copy === null ? `worker ${slot.index} (copies ${slot.firstIndex}–${slot.firstIndex + slot.count - 1})` : `worker ${slot.index}`;
        const what = message.name === 'VectorEnvError' ? message.message : `${message.name}: ${message.message}`;
        this.fail(new VectorEnvError(this.spec.id, copy, `${what} [in ${where}]`), pending);
      } else {
        pending?.resolve(message);
      }
    });
    slot.handle.onFailure((error) => {
      const pending = slot.pending;
      slot.pending = null;
      if (this.closed && pending === null) return;
      const message = this.closed ? 'the vector env was closed during this request' : `worker ${slot.index} (copies ${slot.firstIndex}–${slot.firstIndex + slot.count - 1}) failed: ${error.message}`;
      this.fail(new VectorEnvError(this.spec.id, null, message), pending);
    });
  }

  private fail(error: Error, pending: Pending | null): void {
    this.failure ??= error;
    pending?.reject(error);
    // Other workers' requests of the same call are answered normally; later calls reject with `failure`.
  }

  /** Posts a request and resolves with the worker's reply message (one request per worker at a time). */
  private request(slot: WorkerSlot, message: MainToWorker, transfer: ArrayBuffer[] = []): Promise<WorkerToMain> {
    if (this.failure !== null && message.type !== 'close') return Promise.reject(this.failure);
    if (slot.pending !== null) return Promise.reject(this.busy(slot));
    return new Promise<WorkerToMain>((resolve, reject) => {
      slot.pending = { resolve, reject };
      try {
        slot.handle.postMessage(message, transfer);
        // A worker serving shared steps may be asleep on its command word: send it to its event loop.
        if (slot.shared !== null) this.signal(slot, OP_YIELD);
      } catch (err) {
        slot.pending = null;
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private busy(slot: WorkerSlot): VectorEnvError {
    return new VectorEnvError(this.spec.id, null, `worker ${slot.index} is busy: await each reset/step before the next (stepWait for a stepAsync)`);
  }

  private unexpected(w: number, reply: WorkerToMain): VectorEnvError {
    return new VectorEnvError(this.spec.id, null, `worker ${w} answered with an unexpected ${reply.type} message`);
  }
}

/** A step result of `n` copies with `obsDim` floats per observation, zeroed, for the workers' results to be copied into. */
function emptyStepResult(n: number, obsDim: number): VectorStepResult {
  return {
    obs: new Float32Array(n * obsDim),
    rewards: new Float64Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    infos: new Array<Info>(n),
    finalObs: new Array<Float32Array | null>(n),
    finalInfos: new Array<Info | null>(n),
  };
}

/** Whether this thread may block in `Atomics.wait` (not a browser page's main thread). */
function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
