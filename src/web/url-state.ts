/**
 * Shareable state: the page's URL holds the env, the algorithm, the seed and every setting that differs
 * from the pair's starting config (its tuned preset, browser budget or defaults), as
 * `?env=CartPole-v1&algo=ppo&seed=3&learningRate=0.001`, like TensorFlow Playground's URL. The page
 * rewrites it on every change (history.replaceState, so Back still leaves the page), and opening such a
 * link restores them. Settings names are the config fields (CleanRL names in camelCase, as the CLI's
 * flags in kebab-case), their values parsed the way `dojo train` parses flags.
 */
import type { ConfigSpec } from '../../agents/common/config.ts';
import { parseField } from '../../agents/common/config.ts';

/** What a URL asks for: the env, the algorithm, and settings as raw strings. */
export interface UrlState {
  readonly envId: string | null;
  readonly algo: string | null;
  /** Raw `name=value` settings, parsed against the algorithm's spec by `configFromUrl`. */
  readonly settings: Readonly<Record<string, string>>;
}

/** The state in `search` (`location.search`), or null when it names no env (a plain visit). */
export function readUrlState(search: string): UrlState | null {
  const params = new URLSearchParams(search);
  const envId = params.get('env');
  if (envId === null || envId === '') return null;
  const settings: Record<string, string> = {};
  for (const [k, v] of params) if (k !== 'env' && k !== 'algo') settings[k] = v;
  return { envId, algo: params.get('algo'), settings };
}

/**
 * The URL's settings as config values for `spec`; a name the algorithm does not have, or a value that does
 * not parse, goes to `errors` with the reason (shown, not fatal: the rest still applies).
 */
export function configFromUrl(algo: string, spec: ConfigSpec, settings: Readonly<Record<string, string>>): { config: Record<string, unknown>; errors: string[] } {
  const config: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(settings)) {
    if (!Object.hasOwn(spec, name)) {
      errors.push(`the link sets "${name}", which ${algo} has no setting called`);
      continue;
    }
    try {
      config[name] = parseField(algo, name, spec[name], raw);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { config, errors };
}

/**
 * The query string for this selection: env, algo, the seed (when `values` has one), then every field of
 * `values` that differs from `baseline` (in the spec's order).
 */
export function urlQuery(envId: string, algo: string, values: Readonly<Record<string, unknown>>, baseline: Readonly<Record<string, unknown>>): string {
  const params = new URLSearchParams({ env: envId });
  if (algo !== '') params.set('algo', algo);
  if (Object.hasOwn(values, 'seed')) params.set('seed', String(values.seed));
  for (const [name, v] of Object.entries(values)) {
    if (name === 'seed' || JSON.stringify(v) === JSON.stringify(baseline[name])) continue;
    params.set(name, Array.isArray(v) ? v.join(',') : String(v));
  }
  return `?${params.toString()}`;
}
