/**
 * The worker side of a WorkerVectorEnv: builds its block of copies with `make` (after importing the
 * registry modules it was told about) and answers reset/step/close requests. No Node imports; the Node
 * entry (`node-worker-main.ts`) and a future Web Worker entry only adapt their message port to `Endpoint`.
 *
 * With a shared step channel (`shared-step.ts`) the worker spends the time between steps polling the
 * command word (for `SharedTeam.spinMs`, briefly if it finished last) and then asleep in `Atomics.wait` on
 * it, so a step wakes it directly, with no event-loop turn. After `IDLE_MS` without a command, or when told
 * to yield for a message, it goes back to its event loop (messages, timers) and arms `Atomics.waitAsync` on
 * the same word, so the next step still wakes it.
 */
import { make } from '../registry.ts';
import type { Action, Env, Info, Observation } from '../env.ts';
import { CopyBlock, VectorEnvError, type BlockStepBuffers } from './vector-env.ts';
import { isMainToWorker, stepTransferList, type Endpoint, type MainToWorker, type SharedTeam, type WorkerToMain } from './protocol.ts';
import {
  collectStepInfos,
  CTRL_COMMAND,
  CTRL_HAS_MASKS,
  CTRL_INFO_BYTES,
  CTRL_OP,
  CTRL_REPLY,
  CTRL_STATUS,
  encodeStepInfos,
  OP_STEP,
  OP_STEP_GROUP,
  sharedMemoryAvailable,
  sharedStepViews,
  STATUS_ERROR,
  STATUS_INFOS,
  STATUS_INFOS_MESSAGE,
  STATUS_OK,
  TEAM_DONE,
  teamView,
  type SharedStepDims,
  waitAsync,
  type SharedStepViews,
} from './shared-step.ts';

/**
 * How long a worker sleeps on the command word before going back to its event loop. Longer than the gap
 * between two steps of a rollout (a policy forward pass), short enough that the worker's timers still run.
 */
const IDLE_MS = 5;

/**
 * How long the worker that finished a step last polls before it sleeps (ms; at most `SharedTeam.spinMs`).
 * The main thread, which it has just woken, often runs on the other CPU: then the next command comes within
 * ~50–100 µs and this worker takes it hot instead of idling its CPU. When the main thread instead waits for
 * this CPU, it waits at most this long.
 */
const LAST_POLL_MS = 0.1;

/** Serves vector-env requests arriving on `endpoint` until a `close` request. */
export function serveVectorWorker(endpoint: Endpoint): void {
  let block: CopyBlock | null = null;
  let server: SharedStepServer | null = null;
  let queue: Promise<void> = Promise.resolve();
  const reply = (message: WorkerToMain, transfer: ArrayBuffer[] = []): void => endpoint.postMessage(message, transfer);
  const fail = (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    const copyIndex = err instanceof VectorEnvError ? err.copyIndex : null;
    // a VectorEnvError already names the env and the copy: the main thread adds them again
    reply({ type: 'error', copyIndex, name: e.name, message: err instanceof VectorEnvError ? err.detail : e.message });
  };

  async function handle(message: MainToWorker): Promise<void> {
    switch (message.type) {
      case 'init': {
        for (const url of message.modules) await import(/* @vite-ignore */ url);
        const envs: Env<Observation, Action>[] = [];
        for (let i = 0; i < message.count; i++) {
          try {
            envs.push(make<Observation, Action>(message.envId, message.makeOptions));
          } catch (err) {
            const e = err instanceof Error ? err : new Error(String(err));
            throw new VectorEnvError(message.envId, message.firstIndex + i, `${e.name}: ${e.message}`);
          }
        }
        block = new CopyBlock(envs, message.firstIndex);
        const shared = message.shared;
        if (shared !== null && sharedMemoryAvailable() && fitsBlock(shared.dims, block)) {
          server = new SharedStepServer(block, sharedStepViews(shared.buffer, shared.dims), shared.team, reply, fail);
        }
        reply({ type: 'ready', obsDim: block.obsDim, actionDim: block.actionDim, shared: server !== null });
        server?.serve();
        return;
      }
      case 'reset': {
        const b = requireBlock(block);
        const r = b.reset(message.seeds.map((s) => s ?? undefined), message.options ?? undefined);
        const transfer = [r.obs.buffer as ArrayBuffer];
        if (r.masks !== undefined) transfer.push(r.masks.buffer as ArrayBuffer);
        reply({ type: 'reset-done', obs: r.obs, infos: r.infos, masks: r.masks ?? null }, transfer);
        server?.serve();
        return;
      }
      case 'step': {
        const r = requireBlock(block).step(message.actions);
        const done: Extract<WorkerToMain, { type: 'step-done' }> = { type: 'step-done', ...r, masks: r.masks ?? null };
        reply(done, stepTransferList(done));
        return;
      }
      case 'set-attr': {
        requireBlock(block).setAttr(message.name, message.value);
        reply({ type: 'set-attr-done' });
        server?.serve();
        return;
      }
      case 'close': {
        server?.stop();
        server = null;
        if (block !== null) block.close();
        block = null;
        reply({ type: 'closed' });
        return;
      }
    }
  }

  endpoint.onMessage((message) => {
    if (!isMainToWorker(message)) {
      fail(new TypeError(`vector worker: unexpected message ${JSON.stringify(message)}`));
      return;
    }
    // Requests are answered in order; `init` is async (module imports), the rest are synchronous.
    queue = queue.then(() => handle(message)).catch(fail);
  });
}

/** Whether the shared layout the main thread allocated matches this worker's copies. */
function fitsBlock(dims: SharedStepDims, block: CopyBlock): boolean {
  return dims.count === block.envs.length && dims.obsDim === block.obsDim && dims.actionDim === block.actionDim && dims.maskDim === block.maskDim;
}

/** Steps a block through its shared step channel (see the module doc); one per worker. */
class SharedStepServer {
  private readonly block: CopyBlock;
  private readonly views: SharedStepViews;
  /** The team word (`TEAM_DONE`), the number of workers and the poll time of a worker that is not last. */
  private readonly team: Int32Array;
  private readonly workers: number;
  private readonly spinMs: number;
  /** How long to poll for the next command before sleeping (ms), set by each step. */
  private pollMs: number;
  /** The block's step buffers: views on the shared memory, plus info arrays reused every step. */
  private readonly out: BlockStepBuffers;
  private readonly post: (message: WorkerToMain) => void;
  private readonly fail: (err: unknown) => void;
  /** Number of the last command taken. */
  private handled: number;
  /** Whether an `Atomics.waitAsync` on the command word is pending. */
  private armed: boolean;
  /** Whether the mask rows hold the last step's masks (cleared before the next step). */
  private masksDirty: boolean;
  private stopped: boolean;

  constructor(block: CopyBlock, views: SharedStepViews, team: SharedTeam, post: (message: WorkerToMain) => void, fail: (err: unknown) => void) {
    const n = block.envs.length;
    this.block = block;
    this.views = views;
    this.team = teamView(team.buffer);
    this.workers = team.workers;
    this.spinMs = team.spinMs;
    this.pollMs = 0;
    this.out = {
      obs: views.obs,
      rewards: views.rewards,
      terminated: views.terminated,
      truncated: views.truncated,
      finalObs: views.finalObs,
      masks: views.masks,
      infos: new Array<Info>(n).fill({}),
      finalInfos: new Array<Info | null>(n).fill(null),
    };
    this.post = post;
    this.fail = fail;
    this.handled = Atomics.load(views.ctrl, CTRL_COMMAND);
    this.armed = false;
    this.masksDirty = false;
    this.stopped = false;
  }

  /**
   * Takes commands until `IDLE_MS` pass without one or an `OP_YIELD` arrives, then returns to the event loop
   * with a wake-up armed. Call it after answering a message, so the next step finds the worker awake.
   */
  serve(): void {
    const ctrl = this.views.ctrl;
    while (!this.stopped) {
      const command = Atomics.load(ctrl, CTRL_COMMAND);
      if (command === this.handled) {
        if (this.pollMs > 0 && this.poll(command)) continue;
        if (Atomics.wait(ctrl, CTRL_COMMAND, command, IDLE_MS) === 'timed-out') break;
        continue;
      }
      this.handled = command;
      const op = Atomics.load(ctrl, CTRL_OP);
      if (op !== OP_STEP && op !== OP_STEP_GROUP) break; // OP_YIELD: a message waits on the port
      this.step(command, op === OP_STEP_GROUP);
    }
    this.arm();
  }

  /** Polls the command word for up to `pollMs` (see `SharedTeam.spinMs`); true once it moved on from `command`. */
  private poll(command: number): boolean {
    const ctrl = this.views.ctrl;
    const end = performance.now() + this.pollMs;
    this.pollMs = 0;
    while (Atomics.load(ctrl, CTRL_COMMAND) === command) if (performance.now() >= end) return false;
    return true;
  }

  /** Stops serving (at close); a pending wake-up then does nothing. */
  stop(): void {
    this.stopped = true;
  }

  /** Wakes `serve` from the event loop at the next command (at most one wake-up pending). */
  private arm(): void {
    if (this.armed || this.stopped) return;
    this.armed = true;
    const wake = (): void => {
      this.armed = false;
      this.serve();
    };
    const wait = waitAsync(this.views.ctrl, CTRL_COMMAND, this.handled);
    if (wait.async) void wait.value.then(wake);
    else queueMicrotask(wake); // a command arrived meanwhile
  }

  /**
   * One step of every copy, results into shared memory, then the reply (status last, then `REPLY`); `alone`
   * for a step of this worker only (`OP_STEP_GROUP`), which leaves the team word alone.
   */
  private step(command: number, alone: boolean): void {
    const { ctrl, infoText, masks } = this.views;
    let status = STATUS_OK;
    try {
      if (this.masksDirty) masks.fill(0);
      const anyMask = this.block.stepInto(this.views.actions, this.out);
      this.masksDirty = anyMask;
      Atomics.store(ctrl, CTRL_HAS_MASKS, anyMask ? 1 : 0);
      const infos = collectStepInfos(this.out.infos, this.out.finalInfos);
      if (infos !== null) {
        const bytes = encodeStepInfos(infos, infoText);
        if (bytes >= 0) {
          Atomics.store(ctrl, CTRL_INFO_BYTES, bytes);
          status = STATUS_INFOS;
        } else {
          this.post({ type: 'step-infos', command, infos: infos.infos, finalInfos: infos.finalInfos });
          status = STATUS_INFOS_MESSAGE;
        }
      }
    } catch (err) {
      this.fail(err); // the `error` message goes out before the reply, which only says to expect it
      status = STATUS_ERROR;
    }
    Atomics.store(ctrl, CTRL_STATUS, status);
    Atomics.store(ctrl, CTRL_REPLY, command);
    Atomics.notify(ctrl, CTRL_REPLY);
    // The last worker to finish wakes the main thread and soon sleeps (LAST_POLL_MS), leaving it this CPU if
    // it needs one; the others poll for the next command. A worker stepping alone woke the main thread
    // itself, like the last one, and its next command comes only after the main thread has chosen its actions.
    const last = alone || Atomics.add(this.team, TEAM_DONE, 1) + 1 === this.workers;
    if (last && !alone) Atomics.notify(this.team, TEAM_DONE);
    this.pollMs = last ? Math.min(LAST_POLL_MS, this.spinMs) : this.spinMs;
  }
}

function requireBlock(block: CopyBlock | null): CopyBlock {
  if (block === null) throw new Error('vector worker: request before init (or after close)');
  return block;
}
