/**
 * The mirror symmetry loss (Yu, Turk and Liu, "Learning Symmetric and Low-Energy Locomotion", SIGGRAPH 2018,
 * https://doi.org/10.1145/3197517.3201397): the mean over a minibatch of |μ(s) − M_a(μ(M_s(s)))|², where M_s and
 * M_a mirror an observation and an action (`EnvMetadata.mirror`). A regulariser of the policy, not a reward: it
 * asks that the mirror image of a state be met with the mirror image of the action, and prices no gait.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Module } from '../../src/nn/index.ts';
import { Tensor } from '../../src/autograd/index.ts';
import type { MirrorMap } from '../../src/gym/env.ts';
import { mirrorError } from '../../src/gym/mirror.ts';
import type { RunningMeanStd } from './normalize.ts';

/** The env's mirror map for a run, checked against the sizes; a ConfigError when the env declares none or a bad one. */
export function runMirror(algo: string, envId: string, map: MirrorMap | undefined, obsDim: number, actDim: number): MirrorMap {
  if (map === undefined) throw new ConfigError(`${algo}: mirrorCoef needs the env's mirror symmetry (metadata.mirror: index permutations of the observation and the action), and ${envId} declares none; set mirrorCoef to 0`);
  const why = mirrorError(map, obsDim, actDim);
  if (why !== null) throw new ConfigError(`${algo}: ${envId}'s ${why}`);
  return map;
}

/**
 * The mirror of normalised observations as an affine map per index, `n'[i] = n[obs[i]]·scale[i] + shift[i]`:
 * un-normalise with index obs[i]'s statistics, normalise with index i's (the identity without statistics).
 * Taken from the statistics at the end of a rollout, whose rows were normalised with the nearly equal
 * statistics of their own step.
 */
export function normalizedMirror(map: MirrorMap, norm: RunningMeanStd | null): { scale: Float32Array; shift: Float32Array } {
  const d = map.obs.length;
  const scale = new Float32Array(d).fill(1), shift = new Float32Array(d);
  if (norm === null) return { scale, shift };
  const sd = (j: number): number => Math.sqrt(norm.var[j] + 1e-8);
  for (let i = 0; i < d; i++) {
    const j = map.obs[i];
    scale[i] = sd(j) / sd(i);
    shift[i] = (norm.mean[j] - norm.mean[i]) / sd(i);
  }
  return { scale, shift };
}

/**
 * The loss for a minibatch: `obs` [B, obsDim] normalised observations and `mu` [B, actDim] the actor's means on
 * them; the mirrored observations go through the actor (one forward), their means are mirrored back by a
 * permutation matrix, and the squared difference is summed over actions and averaged over rows.
 */
export function mirrorLoss(actor: Module, mu: Tensor, obs: Float32Array, map: MirrorMap, affine: { scale: Float32Array; shift: Float32Array }): Tensor {
  const b = mu.shape[0], actDim = mu.shape[1], obsDim = map.obs.length;
  const mirrored = new Float32Array(b * obsDim);
  for (let r = 0; r < b; r++) {
    const o = r * obsDim;
    for (let i = 0; i < obsDim; i++) {
      const v = obs[o + map.obs[i]] * affine.scale[i] + affine.shift[i];
      mirrored[o + i] = v > 10 ? 10 : v < -10 ? -10 : v; // the normaliser's clip
    }
  }
  // (μ' P)[k] = μ'[act[k]]: P[act[k], k] = 1
  const p = new Float32Array(actDim * actDim);
  for (let k = 0; k < actDim; k++) p[map.act[k] * actDim + k] = 1;
  const back = actor.forward(new Tensor(mirrored, [b, obsDim])).matmul(new Tensor(p, [actDim, actDim]));
  return mu.sub(back).square().sum().mul(1 / b);
}
