/**
 * Errors a user can act on: each says what failed, where, what was expected and what was received.
 */

/** How deep `describe` follows nested arrays; deeper ones show as `[…]`. */
const DESCRIBE_DEPTH = 4;
/** The longest string or object `describe` quotes whole. */
const DESCRIBE_CHARS = 200;

/**
 * Formats a value for an error message: short, and exact for numbers and typed arrays. Bounded
 * for values from strangers: nesting past DESCRIBE_DEPTH and text past DESCRIBE_CHARS are cut.
 */
export function describe(x: unknown, maxItems = 8, depth = 0): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return x.length > DESCRIBE_CHARS ? `${JSON.stringify(x.slice(0, DESCRIBE_CHARS))}… (${x.length} characters)` : JSON.stringify(x);
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const arr = x as unknown as ArrayLike<number>;
    const items = Array.from({ length: Math.min(arr.length, maxItems) }, (_, i) => String(arr[i]));
    const more = arr.length > maxItems ? `, … (${arr.length} items)` : '';
    return `${x.constructor.name}[${items.join(', ')}${more}]`;
  }
  if (Array.isArray(x)) {
    if (depth >= DESCRIBE_DEPTH) return x.length === 0 ? '[]' : '[…]';
    const items = x.slice(0, maxItems).map((v) => describe(v, maxItems, depth + 1));
    return `[${items.join(', ')}${x.length > maxItems ? `, … (${x.length} items)` : ''}]`;
  }
  let text: string;
  try {
    text = JSON.stringify(x) ?? String(x);
  } catch {
    text = String(x); // too deep, cyclic or holding a BigInt
  }
  return text.length > DESCRIBE_CHARS ? `${text.slice(0, DESCRIBE_CHARS)}… (${text.length} characters)` : text;
}

/** A shape mismatch inside an autograd op; the message names the op and both shapes. */
export class ShapeError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.name = 'ShapeError';
  }
}

/** A bad use of an environment (bad action, step before reset, …); names the env id. */
export class EnvError extends Error {
  readonly envId: string;
  constructor(envId: string, message: string) {
    super(`${envId}: ${message}`);
    this.name = 'EnvError';
    this.envId = envId;
  }
}

/** A checkpoint that cannot be read or does not fit the model; nothing was changed. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** A loss or parameter went NaN/Infinity during training. */
export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

/** A bad configuration value (CLI flag, config file, kwargs). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
