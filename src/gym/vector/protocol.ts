/**
 * The message protocol between a WorkerVectorEnv (main thread) and its workers. Plain data plus typed
 * arrays (transferred, not copied); no Node imports, so the same code runs on Web Workers.
 *
 * One request is in flight per worker at a time and gets exactly one reply. Each step is one message per
 * worker carrying the actions of all its copies, and one reply carrying all their results. A failure
 * replies `error` with the global index of the copy that threw, so the main thread can reject with an
 * error naming it instead of waiting forever.
 *
 * When `init` carries a SharedArrayBuffer, steps go through it instead (`shared-step.ts`); only reset,
 * set-attr, close, errors and infos that shared memory cannot hold (`step-infos`) still travel as messages.
 */
import type { Info } from '../env.ts';
import type { MakeOptions } from '../registry.ts';
import type { SharedStepDims, StepInfos } from './shared-step.ts';

/** Main thread → worker. */
export type MainToWorker =
  | {
      readonly type: 'init';
      readonly envId: string;
      readonly makeOptions: MakeOptions;
      /** Global index of this worker's first copy. */
      readonly firstIndex: number;
      readonly count: number;
      /** Module URLs to import first so the worker's registry knows the env (see `declareRegistryModule`). */
      readonly modules: readonly string[];
      /** The shared step channel and its sizes, or null to step by messages. */
      readonly shared: { readonly buffer: SharedArrayBuffer; readonly dims: SharedStepDims; readonly team: SharedTeam } | null;
    }
  | { readonly type: 'reset'; readonly seeds: readonly (number | null)[]; readonly options: Readonly<Record<string, unknown>> | null }
  | { readonly type: 'step'; readonly actions: Float32Array }
  | { readonly type: 'set-attr'; readonly name: string; readonly value: number | boolean | string }
  | { readonly type: 'close' };

/** What the workers of one vector env share besides their own channels (see `TEAM_DONE`). */
export interface SharedTeam {
  /** The buffer of `allocateTeam`, the same for every worker. */
  readonly buffer: SharedArrayBuffer;
  /** Workers stepping together (the last of them to finish wakes the main thread). */
  readonly workers: number;
  /**
   * How long a worker that is not the last to finish polls for the next command before it sleeps (ms; 0
   * never). Sleeping costs more than the wake-up: an idle CPU is handed to other work (on a virtual machine,
   * the host's) and the worker comes back to cold caches. The last worker polls only briefly
   * (`LAST_POLL_MS`) before it sleeps, leaving its CPU to the main thread, so with workers ≤ CPUs no thread
   * waits long for a CPU.
   */
  readonly spinMs: number;
}

/** Worker → main thread. */
export type WorkerToMain =
  | { readonly type: 'ready'; readonly obsDim: number; readonly actionDim: number; /** Whether the worker took the shared step channel. */ readonly shared: boolean }
  | { readonly type: 'reset-done'; readonly obs: Float32Array; readonly infos: Info[]; readonly masks: Uint8Array | null }
  | {
      readonly type: 'step-done';
      readonly obs: Float32Array;
      readonly rewards: Float64Array;
      readonly terminated: Uint8Array;
      readonly truncated: Uint8Array;
      readonly infos: Info[];
      readonly finalObs: (Float32Array | null)[];
      readonly finalInfos: (Info | null)[];
      readonly masks: Uint8Array | null;
    }
  | (StepInfos & { readonly type: 'step-infos'; /** The command number of the shared step they belong to. */ readonly command: number })
  | { readonly type: 'set-attr-done' }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly copyIndex: number | null; readonly name: string; readonly message: string };

/** One side of a message channel (a Node `parentPort`, a Web Worker's `self`, or the main side's worker). */
export interface Endpoint {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}

const MAIN_TYPES = new Set(['init', 'reset', 'step', 'set-attr', 'close']);
const WORKER_TYPES = new Set(['ready', 'reset-done', 'step-done', 'step-infos', 'set-attr-done', 'closed', 'error']);

/** Narrows an incoming message on the worker side. */
export function isMainToWorker(message: unknown): message is MainToWorker {
  return typeof message === 'object' && message !== null && MAIN_TYPES.has((message as { type?: unknown }).type as string);
}

/** Narrows an incoming message on the main side. */
export function isWorkerToMain(message: unknown): message is WorkerToMain {
  return typeof message === 'object' && message !== null && WORKER_TYPES.has((message as { type?: unknown }).type as string);
}

/** The buffers of a step reply, to transfer instead of copy. */
export function stepTransferList(reply: Extract<WorkerToMain, { type: 'step-done' }>): ArrayBuffer[] {
  const list: ArrayBuffer[] = [reply.obs.buffer as ArrayBuffer, reply.rewards.buffer as ArrayBuffer, reply.terminated.buffer as ArrayBuffer, reply.truncated.buffer as ArrayBuffer];
  for (const f of reply.finalObs) if (f !== null) list.push(f.buffer as ArrayBuffer);
  if (reply.masks !== null) list.push(reply.masks.buffer as ArrayBuffer);
  return list;
}
