/**
 * Small helpers shared by the classic-control envs (Gymnasium's `classic_control/utils.py`).
 */
import { EnvError, describe } from '../../src/core/errors.ts';

/**
 * The `[low, high]` range of a start distribution, overridable through `reset({ options: { low, high } })`
 * (Gymnasium's `maybe_parse_reset_bounds`). Throws an EnvError for non-numbers or `low > high`.
 */
export function resetBounds(
  envId: string,
  options: Readonly<Record<string, unknown>> | undefined,
  defaultLow: number,
  defaultHigh: number,
): [number, number] {
  if (options === undefined) return [defaultLow, defaultHigh];
  const low = 'low' in options ? toNumber(envId, 'low', options.low) : defaultLow;
  const high = 'high' in options ? toNumber(envId, 'high', options.high) : defaultHigh;
  if (low > high) throw new EnvError(envId, `reset option low (${low}) must not exceed high (${high})`);
  return [low, high];
}

/** Reads one numeric reset option, throwing an EnvError naming the option when it is not a finite number. */
export function toNumber(envId: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new EnvError(envId, `reset option "${name}" must be a finite number, received ${describe(value)}`);
  }
  return value;
}
