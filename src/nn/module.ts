/**
 * The Module contract: a layer owns named parameters (trained), buffers (state such as
 * BatchNorm's running statistics, saved but not trained) and child modules. Everything else —
 * listing parameters, switching train/eval, state dicts, gradient norms — is a free function
 * over that tree, so layers carry no base class [micrograd Module, tinygrad get_parameters].
 */
import { CheckpointError } from '../core/errors.ts';
import type { Tensor } from '../autograd/tensor.ts';

/** A layer or a network. */
export interface Module {
  /** Trainable tensors owned directly by this module, by name (`weight`, `bias`). */
  readonly params: Readonly<Record<string, Tensor>>;
  /** Non-trainable state that belongs in a checkpoint (`runningMean`). */
  readonly buffers: Readonly<Record<string, Tensor>>;
  /** Sub-modules, by name; names join with dots (`0.weight`, `encoder.1.bias`). */
  readonly children: Readonly<Record<string, Module>>;
  /** Train mode (dropout active, batch statistics) or eval mode. */
  training: boolean;
  /** Applies the module. */
  forward(x: Tensor): Tensor;
}

/** Every (dotted name, parameter) pair in the tree, in a stable order. */
export function namedParameters(m: Module, prefix = ''): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  for (const [k, t] of Object.entries(m.params)) out.push([prefix + k, t]);
  for (const [k, c] of Object.entries(m.children)) out.push(...namedParameters(c, `${prefix}${k}.`));
  return out;
}

/** Every trainable tensor in the tree. */
export function parameters(m: Module): Tensor[] {
  return namedParameters(m).map(([, t]) => t);
}

/** Every (dotted name, buffer) pair in the tree. */
export function namedBuffers(m: Module, prefix = ''): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  for (const [k, t] of Object.entries(m.buffers)) out.push([prefix + k, t]);
  for (const [k, c] of Object.entries(m.children)) out.push(...namedBuffers(c, `${prefix}${k}.`));
  return out;
}

/** Sets train mode (true) or eval mode (false) on the whole tree; returns the module. */
export function setTraining<M extends Module>(m: M, mode: boolean): M {
  m.training = mode;
  for (const c of Object.values(m.children)) setTraining(c, mode);
  return m;
}

/** Switches the tree to train mode. */
export function train<M extends Module>(m: M): M {
  return setTraining(m, true);
}

/** Switches the tree to eval mode. */
export function evalMode<M extends Module>(m: M): M {
  return setTraining(m, false);
}

/** Parameters and buffers by dotted name: what a checkpoint stores. */
export function stateDict(m: Module): Map<string, Tensor> {
  return new Map([...namedParameters(m), ...namedBuffers(m)]);
}

/** A tensor-like entry of a state dict being loaded. */
export type StateEntry = { readonly data: Float32Array; readonly shape: readonly number[] };

/**
 * Copies `entries` into the module's parameters and buffers. Validates first — every name present,
 * no extras (unless `strict` is false), every shape equal — so a bad dict changes nothing.
 */
export function loadStateDict(m: Module, entries: ReadonlyMap<string, StateEntry>, strict = true): void {
  const own = stateDict(m);
  const problems: string[] = [];
  for (const [name, t] of own) {
    const e = entries.get(name);
    if (e === undefined) {
      if (strict) problems.push(`missing tensor "${name}" (expected shape [${t.shape.join(', ')}])`);
      continue;
    }
    if (e.shape.join(',') !== t.shape.join(',') || e.data.length !== t.data.length) {
      problems.push(`tensor "${name}" has shape [${e.shape.join(', ')}], the model expects [${t.shape.join(', ')}]`);
    }
  }
  if (strict) for (const name of entries.keys()) if (!own.has(name)) problems.push(`unexpected tensor "${name}"`);
  if (problems.length > 0) throw new CheckpointError(`state dict does not fit the model: ${problems.join('; ')}`);
  for (const [name, t] of own) {
    const e = entries.get(name);
    if (e !== undefined) t.data.set(e.data);
  }
}

/**
 * L2 norm of the gradient per layer (the module that owns the parameters), keyed by its dotted
 * name. These feed the vanishing-gradient view (`grads/<layer>` metrics).
 */
export function gradNorms(m: Module): Record<string, number> {
  const sums = new Map<string, number>();
  for (const [name, p] of namedParameters(m)) {
    const layer = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '(root)';
    let s = sums.get(layer) ?? 0;
    if (p.grad !== null) for (let i = 0; i < p.grad.length; i++) s += p.grad[i] * p.grad[i];
    sums.set(layer, s);
  }
  const out: Record<string, number> = {};
  for (const [k, s] of sums) out[k] = Math.sqrt(s);
  return out;
}
