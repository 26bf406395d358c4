/**
 * The optimizer contract and the plumbing every optimizer shares: argument checks, per-parameter
 * state slots, and the plain-data snapshot that goes into a checkpoint.
 *
 * An optimizer owns a fixed list of parameters and, per parameter, a few Float32Array "slots"
 * (Adam's `m` and `v`, SGD's momentum buffer) plus an update count. `step()` reads each `grad`
 * and writes `data` in place; a parameter whose `grad` is null is skipped and its count does not
 * advance, as in PyTorch (https://pytorch.org/docs/stable/optim.html).
 */
import { CheckpointError, ConfigError } from '../core/errors.ts';
import type { Tensor } from '../autograd/tensor.ts';

/** Updates parameters from their gradients. */
export interface Optimizer {
  /** Applies one update to every parameter that has a gradient. */
  step(): void;
  /** Clears gradients: sets them to null (PyTorch's default), or fills them with zeros. */
  zeroGrad(setToNone?: boolean): void;
  /** The learning rate; a schedule may overwrite it between steps. */
  lr: number;
  /** A deep copy of the optimizer's state as plain data (survives `structuredClone`). */
  state(): OptimizerState;
  /** Restores a snapshot from `state()`; validates it first and changes nothing if it does not fit. */
  loadState(s: OptimizerState): void;
}

/** What `Optimizer.state()` returns: enough to continue training bit for bit. */
export interface OptimizerState {
  /** The optimizer's class name (`'Adam'`); loading into another kind is refused. */
  readonly kind: string;
  /** The learning rate at the time of the snapshot. */
  readonly lr: number;
  /** Number of updates each parameter has received. */
  readonly steps: readonly number[];
  /** Per-slot buffers, one Float32Array per parameter (`{ m: [...], v: [...] }`). */
  readonly slots: Readonly<Record<string, readonly Float32Array[]>>;
}

/** Fills the options a caller left out (or passed as undefined) from `defaults`; rejects unknown names. */
export function withDefaults<T extends object>(kind: string, defaults: T, opts: Partial<T>): T {
  const out = { ...defaults };
  for (const k of Object.keys(opts) as Array<keyof T>) {
    if (!(k in defaults)) throw new ConfigError(`${kind}: unknown option "${String(k)}"; options are ${Object.keys(defaults).join(', ')}`);
    const v = opts[k];
    if (v !== undefined) out[k] = v as T[keyof T];
  }
  return out;
}

/** Rejects an empty or repeated parameter list: a repeated tensor would be updated twice. */
export function checkParams(kind: string, params: readonly Tensor[]): Tensor[] {
  if (params.length === 0) throw new ConfigError(`${kind}: received an empty parameter list`);
  const seen = new Set<Tensor>();
  params.forEach((p, i) => {
    if (seen.has(p)) throw new ConfigError(`${kind}: parameter ${i}${p.name ? ` ("${p.name}")` : ''} appears more than once`);
    seen.add(p);
  });
  return params.slice();
}

/** Throws a ConfigError unless `value` is a finite number in [min, max] (or [min, max) with `openMax`). */
export function checkRange(kind: string, name: string, value: number, min: number, max = Infinity, openMax = false): void {
  const ok = Number.isFinite(value) && value >= min && (openMax ? value < max : value <= max);
  if (!ok) {
    const range = `${min} ≤ ${name} ${openMax ? '<' : '≤'} ${max}`;
    throw new ConfigError(`${kind}: ${name} must satisfy ${range}, received ${value}`);
  }
}

/** One zero-filled (or `fill`-filled) buffer per parameter. */
export function makeSlot(params: readonly Tensor[], fill = 0): Float32Array[] {
  return params.map((p) => new Float32Array(p.data.length).fill(fill));
}

/** Clears the gradients of `params`. */
export function clearGrads(params: readonly Tensor[], setToNone = true): void {
  for (let i = 0; i < params.length; i++) {
    const g = params[i].grad;
    if (setToNone) params[i].grad = null;
    else if (g !== null) g.fill(0);
  }
}

/** Copies live state into a snapshot. */
export function snapshot(kind: string, lr: number, steps: Float64Array, slots: Record<string, Float32Array[]>): OptimizerState {
  const copy: Record<string, Float32Array[]> = {};
  for (const [name, bufs] of Object.entries(slots)) copy[name] = bufs.map((b) => b.slice());
  return { kind, lr, steps: Array.from(steps), slots: copy };
}

/**
 * Checks that snapshot `s` fits an optimizer of `kind` over `params`, then copies it into
 * `steps` and `slots`. Returns the snapshot's learning rate. Nothing changes when a check fails.
 */
export function restore(
  kind: string,
  params: readonly Tensor[],
  s: OptimizerState,
  steps: Float64Array,
  slots: Record<string, Float32Array[]>,
): number {
  const fail = (what: string): never => {
    throw new CheckpointError(`${kind}.loadState: ${what}`);
  };
  if (s.kind !== kind) fail(`the snapshot is from ${s.kind}, expected ${kind}`);
  if (!Number.isFinite(s.lr) || s.lr < 0) fail(`lr must be a non-negative number, received ${s.lr}`);
  if (s.steps.length !== params.length) fail(`the snapshot has ${s.steps.length} parameters, this optimizer has ${params.length}`);
  for (const n of s.steps) if (!Number.isInteger(n) || n < 0) fail(`step counts must be non-negative integers, received ${n}`);
  const want = Object.keys(slots).sort().join(', ');
  const got = Object.keys(s.slots).sort().join(', ');
  if (want !== got) fail(`the snapshot has slots [${got}], expected [${want}]`);
  for (const name of Object.keys(slots)) {
    const bufs = s.slots[name];
    if (bufs.length !== params.length) fail(`slot "${name}" has ${bufs.length} buffers, expected ${params.length}`);
    bufs.forEach((b, i) => {
      if (!(b instanceof Float32Array) || b.length !== params[i].data.length) {
        const len = b instanceof Float32Array ? `${b.length} values` : 'not a Float32Array';
        fail(`slot "${name}" of parameter ${i} has ${len}, expected ${params[i].data.length} values`);
      }
    });
  }
  steps.set(s.steps);
  for (const name of Object.keys(slots)) slots[name].forEach((b, i) => b.set(s.slots[name][i]));
  return s.lr;
}
