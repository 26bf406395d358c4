/**
 * The shared-memory step channel between a WorkerVectorEnv and one of its workers: one SharedArrayBuffer,
 * allocated by the main thread at init, holds the actions going in and every fixed-size result coming out
 * (observations, rewards, flags, final observations, masks), plus a few control words signalled with
 * `Atomics`. A step then costs two thread wake-ups and a few memory copies, instead of two structured-clone
 * messages (each one an event-loop turn on both sides, and fresh typed arrays per step).
 *
 * A step, with `ctrl` the control words:
 * 1. main: writes the actions, sets `ctrl[OP] = OP_STEP`, increments `ctrl[COMMAND]` and notifies it;
 * 2. worker (asleep in `Atomics.wait` on `COMMAND`): steps its copies straight into the shared arrays,
 *    sets `STATUS` (and `HAS_MASKS`, `INFO_BYTES`), stores the command number in `REPLY` and notifies it;
 * 3. main (waiting on `REPLY`): copies the results into fresh arrays and resolves the step.
 *
 * Infos are usually empty (`{}`) and then cost nothing. Infos with content go into the `infoText` region
 * (`STATUS_INFOS`) as a table of numbers when they are flat records of numbers with the same keys, or as
 * JSON when JSON gives them back exactly (`encodeStepInfos`), else they travel as a `step-infos` message
 * (`STATUS_INFOS_MESSAGE`), as does an error (`STATUS_ERROR`, then an `error` message). Requests other than
 * steps (reset, close) stay messages: the main thread posts one and signals `OP_YIELD`, which sends the
 * worker back to its event loop to read it.
 *
 * Needs `SharedArrayBuffer` and `Atomics.waitAsync`: Node, and browser pages that are cross-origin isolated.
 * Elsewhere the vector env keeps to messages (see `protocol.ts`).
 */
import type { Info } from '../env.ts';

/** Control word: the main thread's command counter (incremented per command; the worker waits on it). */
export const CTRL_COMMAND = 0;
/** Control word: what the last command asks (`OP_STEP`, `OP_STEP_GROUP` or `OP_YIELD`). */
export const CTRL_OP = 1;
/** Control word: the number of the last command whose step the worker finished (the main thread waits on it). */
export const CTRL_REPLY = 2;
/** Control word: how that step ended (`STATUS_*`). */
export const CTRL_STATUS = 3;
/** Control word: 1 when some copy returned a legal-action mask at that step. */
export const CTRL_HAS_MASKS = 4;
/** Control word: bytes written to `infoText` (with `STATUS_INFOS`). */
export const CTRL_INFO_BYTES = 5;
const CTRL_WORDS = 8;

/**
 * The team word, in a small buffer all of a vector env's workers share: how many workers have finished the
 * step in flight. The main thread zeroes it before it signals a step and sleeps on it; each worker adds one
 * after its reply, and the last one (it reads `workers`) wakes the main thread.
 */
export const TEAM_DONE = 0;
const TEAM_WORDS = 16; // a cache line of its own

/** A fresh team buffer (see `TEAM_DONE`). */
export function allocateTeam(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * TEAM_WORDS);
}

/** The team word's view on a buffer from `allocateTeam`. */
export function teamView(buffer: SharedArrayBuffer): Int32Array {
  return new Int32Array(buffer, 0, TEAM_WORDS);
}

/**
 * Logical CPUs of this machine (`navigator.hardwareConcurrency`, or Node's `os.availableParallelism()`),
 * or 0 when neither is known.
 */
export function hardwareThreads(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
  const fromNavigator = g.navigator?.hardwareConcurrency;
  if (typeof fromNavigator === 'number' && fromNavigator > 0) return fromNavigator;
  const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? 0;
}

/** Command: step every copy with the actions in shared memory. */
export const OP_STEP = 1;
/** Command: leave the step loop and read the message waiting on the port. */
export const OP_YIELD = 2;
/**
 * Command: step every copy, as a step of this worker alone (`WorkerVectorEnv.stepAsync`): the reply wakes the
 * main thread on `REPLY` and leaves the team word alone.
 */
export const OP_STEP_GROUP = 3;

/** Step done, every info empty. */
export const STATUS_OK = 0;
/** Step done; the non-empty infos are JSON in `infoText`. */
export const STATUS_INFOS = 1;
/** Step done; the non-empty infos come in a `step-infos` message (posted before the reply). */
export const STATUS_INFOS_MESSAGE = 2;
/** A copy threw; an `error` message (posted before the reply) says which. */
export const STATUS_ERROR = 3;

/** Bytes of info JSON room per copy (larger infos go by message). */
const INFO_BYTES_PER_COPY = 2048;

/** The sizes that fix a worker's shared layout (the main thread sends them with the buffer). */
export interface SharedStepDims {
  readonly count: number;
  readonly obsDim: number;
  readonly actionDim: number;
  /** Mask width (discrete action space n) or 0. */
  readonly maskDim: number;
}

/** Typed views on one worker's shared buffer; the block-local layout of `BlockStepBuffers`. */
export interface SharedStepViews {
  readonly ctrl: Int32Array;
  /** `count × actionDim` actions (float64, so any number the caller passes arrives unchanged). */
  readonly actions: Float64Array;
  readonly rewards: Float64Array;
  readonly obs: Float32Array;
  readonly finalObs: Float32Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly masks: Uint8Array;
  /** The step's non-empty infos (`StepInfos`), as `encodeStepInfos` writes them. */
  readonly infoText: Uint8Array;
}

/** The non-empty infos of one step as `[block-local copy index, info]` pairs; every other info is `{}`. */
export interface StepInfos {
  readonly infos: [number, Info][];
  readonly finalInfos: [number, Info][];
}

/** Whether this thread can run the shared channel (SharedArrayBuffer usable, Atomics.waitAsync present). */
export function sharedMemoryAvailable(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && typeof atomicsWithWaitAsync().waitAsync === 'function' && g.crossOriginIsolated !== false;
}

/** What `Atomics.waitAsync` returns: a settled outcome, or a promise of one. */
export type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

/**
 * `Atomics.waitAsync(array, index, value)`: resolves once `array[index]` is notified, without blocking this
 * thread (ES2024; TypeScript's ES2022 lib does not declare it). Check `sharedMemoryAvailable()` first.
 */
export function waitAsync(array: Int32Array, index: number, value: number): WaitAsyncResult {
  const waitAsyncFn = atomicsWithWaitAsync().waitAsync;
  if (waitAsyncFn === undefined) throw new Error('Atomics.waitAsync is not available in this engine');
  return waitAsyncFn(array, index, value);
}

function atomicsWithWaitAsync(): { waitAsync?: (array: Int32Array, index: number, value: number) => WaitAsyncResult } {
  return Atomics as unknown as { waitAsync?: (array: Int32Array, index: number, value: number) => WaitAsyncResult };
}

/** A fresh shared buffer for `dims`, zeroed. */
export function allocateSharedStep(dims: SharedStepDims): SharedArrayBuffer {
  return new SharedArrayBuffer(layout(dims).bytes);
}

/** The typed views on `buffer` (allocated for the same `dims`). */
export function sharedStepViews(buffer: SharedArrayBuffer, dims: SharedStepDims): SharedStepViews {
  const at = layout(dims);
  const { count, obsDim, actionDim, maskDim } = dims;
  return {
    ctrl: new Int32Array(buffer, at.ctrl, CTRL_WORDS),
    actions: new Float64Array(buffer, at.actions, count * actionDim),
    rewards: new Float64Array(buffer, at.rewards, count),
    obs: new Float32Array(buffer, at.obs, count * obsDim),
    finalObs: new Float32Array(buffer, at.finalObs, count * obsDim),
    terminated: new Uint8Array(buffer, at.terminated, count),
    truncated: new Uint8Array(buffer, at.truncated, count),
    masks: new Uint8Array(buffer, at.masks, count * maskDim),
    infoText: new Uint8Array(buffer, at.infoText, count * INFO_BYTES_PER_COPY),
  };
}

/** Byte offsets of each region: 8-byte arrays first, then 4-byte, then bytes, so all stay aligned. */
function layout(dims: SharedStepDims): { ctrl: number; actions: number; rewards: number; obs: number; finalObs: number; terminated: number; truncated: number; masks: number; infoText: number; bytes: number } {
  const { count, obsDim, actionDim, maskDim } = dims;
  const actions = 4 * CTRL_WORDS;
  const rewards = actions + 8 * count * actionDim;
  const obs = rewards + 8 * count;
  const finalObs = obs + 4 * count * obsDim;
  const terminated = finalObs + 4 * count * obsDim;
  const truncated = terminated + count;
  const masks = truncated + count;
  const infoText = masks + count * maskDim;
  return { ctrl: 0, actions, rewards, obs, finalObs, terminated, truncated, masks, infoText, bytes: infoText + count * INFO_BYTES_PER_COPY };
}

/** True for `{}` (a plain object without own enumerable keys): the info most envs return, sent as nothing. */
export function isEmptyInfo(info: Info): boolean {
  if (typeof info !== 'object' || info === null) return false; // not an info at all: sent as it is
  const proto: unknown = Object.getPrototypeOf(info);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in info) if (Object.hasOwn(info, key)) return false;
  return true;
}

/**
 * Collects the non-empty infos of a step (block-local indices), or null when all are empty (the common
 * case, which allocates nothing).
 */
export function collectStepInfos(infos: readonly Info[], finalInfos: readonly (Info | null)[]): StepInfos | null {
  let out: StepInfos | null = null;
  for (let i = 0; i < infos.length; i++) {
    if (!isEmptyInfo(infos[i])) (out ??= { infos: [], finalInfos: [] }).infos.push([i, infos[i]]);
    const f = finalInfos[i];
    if (f !== null && !isEmptyInfo(f)) (out ??= { infos: [], finalInfos: [] }).finalInfos.push([i, f]);
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Deeper infos go by message (also stops a walk around a cycle). */
const MAX_JSON_DEPTH = 16;

/**
 * Writes `infos` into `out` and returns the byte count, or -1 when they must go by message (structured
 * clone) instead. Two encodings, told apart by the first byte:
 * - a **number table** when every info (final ones included) is a plain object with the same keys in the
 *   same order, each value a number or null: the common case of envs that report a few metrics per step
 *   (the walker: eight). The keys go once as JSON, the values as float64, so NaN, ±Infinity and -0 arrive
 *   exactly, and nothing is formatted or parsed per value (JSON took ~60 µs per 8 walker copies, about a
 *   tenth of their step);
 * - **UTF-8 JSON** otherwise, when JSON gives them back exactly (no typed arrays, undefined, NaN, ±Infinity,
 *   -0 or class instances) and they fit. One difference: an object referenced twice comes back as two
 *   equal copies.
 */
export function encodeStepInfos(infos: StepInfos, out: Uint8Array): number {
  const table = encodeNumberTable(infos, out);
  if (table !== 0) return table;
  if (!isJsonExact(infos.infos, 0) || !isJsonExact(infos.finalInfos, 0)) return -1;
  const text = JSON.stringify(infos);
  if (text.length > out.length) return -1; // UTF-8 never takes fewer bytes than UTF-16 code units
  const { read, written } = encoder.encodeInto(text, out);
  return read === text.length ? written : -1;
}

/** Reads back what `encodeStepInfos` wrote (copied out first: browsers cannot decode shared memory). */
export function decodeStepInfos(text: Uint8Array, bytes: number): StepInfos {
  if (text[0] === TABLE_TAG) return decodeNumberTable(text, bytes);
  return JSON.parse(decoder.decode(text.slice(0, bytes))) as StepInfos;
}

/** First byte of a number table (JSON starts with `{`). */
const TABLE_TAG = 1;
/** Header: tag, then u32 key count, key JSON bytes, info count and final-info count at bytes 4, 8, 12, 16. */
const TABLE_HEADER = 20;

/** The last key list encoded on this thread and its JSON bytes (consecutive steps almost always share it). */
let encodedKeys: string[] = [];
let encodedKeyBytes = new Uint8Array(0);
/** The bytes of the last key list decoded on this thread, and an info with those keys (in order) to copy. */
let decodedKeyBytes = new Uint8Array(0);
let decodedTemplate: Record<string, number | null> = {};

/** The own enumerable keys of `info` if it is a plain object whose values are all numbers or null, else null. */
function numberRecordKeys(info: Info): string[] | null {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return null;
  const proto: unknown = Object.getPrototypeOf(info);
  if (proto !== Object.prototype && proto !== null) return null;
  const keys = Object.keys(info);
  const record = info as Record<string, unknown>;
  for (const key of keys) {
    if (key === '__proto__') return null; // assigning it would set the prototype, not a key
    const v = record[key];
    if (typeof v !== 'number' && v !== null) return null;
  }
  return keys;
}

/**
 * Whether `info` is a plain object whose own enumerable keys are exactly `keys`, in order, each holding a
 * number or null: `numberRecordKeys(info)` equals `keys`, without listing the keys into a new array.
 */
function hasNumberKeys(info: Info, keys: readonly string[]): boolean {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return false;
  const proto: unknown = Object.getPrototypeOf(info);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = info as Record<string, unknown>;
  let j = 0;
  for (const key in record) {
    // for-in also lists inherited enumerable keys (none on a clean Object.prototype): they fail the match
    if (key !== keys[j] || !Object.hasOwn(record, key)) return false;
    const v = record[key];
    if (typeof v !== 'number' && v !== null) return false;
    j++;
  }
  return j === keys.length;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The number-table encoding: header, the key JSON, then (8-aligned) per entry its copy index and one
 * float64 per key, then one byte per value (1 = null). Returns 0 when the infos do not fit the shape or
 * the room, so JSON gets its turn.
 */
function encodeNumberTable(infos: StepInfos, out: Uint8Array): number {
  const entries = infos.infos.length + infos.finalInfos.length;
  if (entries === 0) return 0;
  const firstInfo = (infos.infos[0] ?? infos.finalInfos[0])[1];
  // consecutive steps almost always share the last key list: check against it before listing keys anew
  const first = encodedKeys.length > 0 && hasNumberKeys(firstInfo, encodedKeys) ? encodedKeys : numberRecordKeys(firstInfo);
  if (first === null || first.length === 0) return 0;
  for (const list of [infos.infos, infos.finalInfos]) {
    for (const [, info] of list) if (!hasNumberKeys(info, first)) return 0;
  }
  if (!sameKeys(first, encodedKeys)) {
    encodedKeys = first;
    encodedKeyBytes = encoder.encode(JSON.stringify(first));
  }
  const k = first.length;
  const valuesAt = (TABLE_HEADER + encodedKeyBytes.length + 7) & ~7;
  const flagsAt = valuesAt + 8 * entries * (k + 1);
  const bytes = flagsAt + entries * k;
  if (bytes > out.length) return 0;
  const view = new DataView(out.buffer, out.byteOffset, bytes);
  out[0] = TABLE_TAG;
  view.setUint32(4, k, true);
  view.setUint32(8, encodedKeyBytes.length, true);
  view.setUint32(12, infos.infos.length, true);
  view.setUint32(16, infos.finalInfos.length, true);
  out.set(encodedKeyBytes, TABLE_HEADER);
  let at = valuesAt;
  let flag = flagsAt;
  for (const list of [infos.infos, infos.finalInfos]) {
    for (const [index, info] of list) {
      const record = info as Record<string, number | null>;
      view.setFloat64(at, index, true);
      at += 8;
      // the keys are `first`, in this order (checked above); for-in reads them through the enum cache
      for (const key in record) {
        const v = record[key];
        view.setFloat64(at, v ?? 0, true);
        out[flag++] = v === null ? 1 : 0;
        at += 8;
      }
    }
  }
  return bytes;
}

function decodeNumberTable(text: Uint8Array, bytes: number): StepInfos {
  const view = new DataView(text.buffer, text.byteOffset, bytes);
  const k = view.getUint32(4, true);
  const keyBytes = view.getUint32(8, true);
  const counts = [view.getUint32(12, true), view.getUint32(16, true)];
  const keyText = text.subarray(TABLE_HEADER, TABLE_HEADER + keyBytes);
  let cached = keyText.length === decodedKeyBytes.length;
  for (let i = 0; cached && i < keyBytes; i++) cached = keyText[i] === decodedKeyBytes[i];
  if (!cached) {
    decodedKeyBytes = keyText.slice();
    decodedTemplate = {};
    for (const key of JSON.parse(decoder.decode(decodedKeyBytes)) as string[]) decodedTemplate[key] = null;
  }
  const template = decodedTemplate;
  const valuesAt = (TABLE_HEADER + keyBytes + 7) & ~7;
  let at = valuesAt;
  let flag = valuesAt + 8 * (counts[0] + counts[1]) * (k + 1);
  const lists: [number, Info][][] = [[], []];
  for (let l = 0; l < 2; l++) {
    for (let e = 0; e < counts[l]; e++) {
      const index = view.getFloat64(at, true);
      at += 8;
      // A copy of the template has every key already, in order, so the stores below add no properties.
      const info: Record<string, number | null> = { ...template };
      for (const key in info) {
        info[key] = text[flag++] === 1 ? null : view.getFloat64(at, true);
        at += 8;
      }
      lists[l].push([index, info]);
    }
  }
  return { infos: lists[0], finalInfos: lists[1] };
}

/** Whether `JSON.parse(JSON.stringify(value))` equals `value` (as structured clone would copy it). */
function isJsonExact(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_JSON_DEPTH) return false;
      const proto: unknown = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonExact(value[i], depth + 1)) return false;
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      for (const key in record) if (key === 'toJSON' || !isJsonExact(record[key], depth + 1)) return false;
      return true;
    }
    default:
      return false; // undefined, bigint, function, symbol
  }
}
