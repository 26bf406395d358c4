/**
 * Checks of an env's declared mirror symmetry (`EnvMetadata.mirror`, see `MirrorMap`), shared by the env
 * checker and the learners that use it.
 */
import type { MirrorMap } from './env.ts';

/** Why `perm` is not a permutation of 0 … size − 1 that is its own inverse, or null. */
function permutationError(what: string, perm: unknown, size: number): string | null {
  if (!Array.isArray(perm)) return `mirror.${what} must be an array of ${size} indices (the ${what === 'obs' ? 'flat observation' : 'flat action'}'s size), received ${typeof perm}`;
  if (perm.length !== size) return `mirror.${what} must list ${size} indices (the ${what === 'obs' ? 'flat observation' : 'flat action'}'s size), received ${perm.length}`;
  const seen = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const j = perm[i] as unknown;
    if (!Number.isInteger(j) || (j as number) < 0 || (j as number) >= size) return `mirror.${what}[${i}] must be an integer index in [0, ${size - 1}], received ${String(j)}`;
    if (seen[j as number] === 1) return `mirror.${what} must name each index once (a permutation), and ${String(j)} appears twice`;
    seen[j as number] = 1;
  }
  for (let i = 0; i < size; i++) {
    if (perm[perm[i] as number] !== i) return `mirror.${what} must be its own inverse (mirroring twice gives back the original), and ${what}[${what}[${i}]] is ${String(perm[perm[i] as number])}, not ${i}`;
  }
  return null;
}

/** Why `map` is not a mirror map of an env with these flat observation and action sizes, or null. */
export function mirrorError(map: MirrorMap, obsDim: number, actDim: number): string | null {
  if (typeof map !== 'object' || map === null) return `metadata.mirror must be { obs, act } (index permutations), received ${String(map)}`;
  return permutationError('obs', map.obs, obsDim) ?? permutationError('act', map.act, actDim);
}
