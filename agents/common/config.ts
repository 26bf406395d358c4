/**
 * Agent configs as plain JSON with one documented field spec each: the default, a one-line doc
 * (CleanRL's `Args` help strings), and the allowed range or choices. The same spec drives CLI
 * flags (`--learning-rate 3e-4`), config-file validation and the browser's hyperparameter form.
 */
import { ConfigError, describe } from '../../src/core/errors.ts';

/** One field of a config. */
export type FieldSpec =
  | { readonly kind: 'number'; readonly default: number; readonly doc: string; readonly min?: number; readonly max?: number; readonly integer?: boolean }
  | { readonly kind: 'boolean'; readonly default: boolean; readonly doc: string }
  | { readonly kind: 'choice'; readonly default: string; readonly doc: string; readonly choices: readonly string[] }
  | { readonly kind: 'numbers'; readonly default: readonly number[]; readonly doc: string };

/** A config's field specs by camelCase name. */
export type ConfigSpec = Readonly<Record<string, FieldSpec>>;

/** The config type a spec describes. */
export type ConfigOf<S extends ConfigSpec> = {
  -readonly [K in keyof S]: S[K] extends { kind: 'number' } ? number
    : S[K] extends { kind: 'boolean' } ? boolean
    : S[K] extends { kind: 'numbers' } ? number[]
    : S[K] extends { kind: 'choice'; choices: readonly (infer C)[] } ? C
    : never;
};

type NumberField = Extract<FieldSpec, { kind: 'number' }>;
type BooleanField = Extract<FieldSpec, { kind: 'boolean' }>;
type NumbersField = Extract<FieldSpec, { kind: 'numbers' }>;

/** A number field (optionally ranged). Spec helpers make a spec read as a table. */
export const num = (d: number, doc: string, range: { min?: number; max?: number } = {}): NumberField => ({ kind: 'number', default: d, doc, ...range });
/** An integer field with a minimum. */
export const int = (d: number, doc: string, min = 0): NumberField => ({ kind: 'number', default: d, doc, min, integer: true });
/** A boolean field. */
export const bool = (d: boolean, doc: string): BooleanField => ({ kind: 'boolean', default: d, doc });
/** The widest layer a size list may ask for. */
const MAX_LAYER_SIZE = 65_536;

/** A list of layer sizes (hidden sizes, channels): positive integers up to MAX_LAYER_SIZE. */
export const nums = (d: readonly number[], doc: string): NumbersField => ({ kind: 'numbers', default: d, doc });
/** A field that takes one of a few strings. */
export function choice<const C extends string>(d: C, doc: string, choices: readonly C[]): { readonly kind: 'choice'; readonly default: C; readonly doc: string; readonly choices: readonly C[] } {
  return { kind: 'choice', default: d, doc, choices };
}

/** The defaults of a spec as a fresh config object. */
export function defaultsOf<S extends ConfigSpec>(spec: S): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(spec)) out[k] = Array.isArray(f.default) ? [...f.default] : f.default;
  return out as ConfigOf<S>;
}

/** kebab-case flag name of a camelCase field (`learningRate` → `learning-rate`). */
export function toKebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** camelCase field of a kebab-case flag. */
export function toCamel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The spec of a field named by user input, or undefined: own properties only, so `toString` or `__proto__` name no field. */
export function fieldSpec(spec: ConfigSpec, name: string): FieldSpec | undefined {
  return Object.hasOwn(spec, name) ? spec[name] : undefined;
}

/** Parses a CLI string into a field's type, with an error naming the flag and the expectation. */
export function parseField(algo: string, name: string, f: FieldSpec, raw: string): unknown {
  switch (f.kind) {
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw new ConfigError(`${algo}: --${toKebab(name)} expects a number, received ${JSON.stringify(raw)}`);
      return v;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigError(`${algo}: --${toKebab(name)} expects true or false, received ${JSON.stringify(raw)}`);
    case 'choice':
      return raw;
    case 'numbers': {
      // '' is the empty list (no hidden layer); otherwise each item is checked by checkField
      const parts = raw.trim() === '' ? [] : raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s.trim())));
      if (parts.some((v) => !Number.isFinite(v))) throw new ConfigError(`${algo}: --${toKebab(name)} expects comma-separated layer sizes like 64,64, received ${JSON.stringify(raw)}`);
      return parts;
    }
  }
}

/**
 * Merges `overrides` over the defaults and validates every field: unknown names (with the
 * closest known one), wrong types, out-of-range values and invalid choices all throw.
 */
export function resolveConfig<S extends ConfigSpec>(algo: string, spec: S, overrides: Readonly<Record<string, unknown>>): ConfigOf<S> {
  const cfg = defaultsOf(spec) as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    // own properties only: "constructor", "toString" and "__proto__" are not config fields
    if (!Object.hasOwn(spec, k)) {
      const near = closest(k, Object.keys(spec));
      throw new ConfigError(`${algo}: unknown config field "${k}"${near !== null ? ` (did you mean "${near}"?)` : ''}; known fields: ${Object.keys(spec).join(', ')}`);
    }
    Object.defineProperty(cfg, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  for (const [k, f] of Object.entries(spec)) checkField(algo, k, f, cfg[k]);
  return cfg as ConfigOf<S>;
}

function checkField(algo: string, name: string, f: FieldSpec, v: unknown): void {
  const bad = (expected: string): never => {
    throw new ConfigError(`${algo}: config field "${name}" expects ${expected}, received ${describe(v)}`);
  };
  switch (f.kind) {
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('a finite number');
      if (f.integer && !Number.isInteger(v)) bad('an integer');
      if (f.min !== undefined && (v as number) < f.min) bad(`a number >= ${f.min}`);
      if (f.max !== undefined && (v as number) > f.max) bad(`a number <= ${f.max}`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') bad('true or false');
      return;
    case 'choice':
      if (typeof v !== 'string' || !f.choices.includes(v)) bad(`one of ${f.choices.join(', ')}`);
      return;
    case 'numbers':
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > MAX_LAYER_SIZE)) {
        bad(`a list of layer sizes, each an integer from 1 to ${MAX_LAYER_SIZE}`);
      }
      return;
  }
}

/** The candidate with the smallest edit distance to `name`, if it is close enough. */
export function closest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/**
 * A preset file's content (agents/configs/*.json): its config fields, and apart from them its `envKwargs`, the
 * env kwargs a run of the pair starts from when it names none (RL Zoo's `env_kwargs`), or null. `dojo train`
 * and the page (which bundles the files) both read presets through here.
 */
export function splitPreset(file: string, content: Readonly<Record<string, unknown>>): { values: Record<string, unknown>; envKwargs: Record<string, unknown> | null } {
  const { envKwargs, ...values } = content;
  if (envKwargs === undefined) return { values, envKwargs: null };
  if (typeof envKwargs !== 'object' || envKwargs === null || Array.isArray(envKwargs)) {
    throw new ConfigError(`preset ${file}: "envKwargs" must be a JSON object of env kwargs like {"obs":"features"}, received ${JSON.stringify(envKwargs)}`);
  }
  return { values, envKwargs: envKwargs as Record<string, unknown> };
}
