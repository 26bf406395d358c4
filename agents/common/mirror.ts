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
import { NORM_CLIP, NORM_EPS, type RunningMeanStd } from './normalize.ts';

/** The env's mirror map for a run, checked against the sizes; a ConfigError when the env declares none or a bad one. */
export function runMirror(algo: string, envId: string, map: MirrorMap | undefined, obsDim: number, actDim: number): MirrorMap {
  if (map === undefined) throw new ConfigError(`${algo}: mirrorCoef needs the env's mirror symmetry (metadata.mirror: index permutations of the observation and the action), and ${envId} declares none; set mirrorCoef to 0`);
  const why = mirrorError(map, obsDim, actDim);
  if (why !== null) throw new ConfigError(`${algo}: ${envId}'s ${why}`);
  return map;
}

/**
 * An iteration's mirror: of normalised observations as an affine map per index, `n'[i] = n[obs[i]]·scale[i] +
 * shift[i]` (un-normalise with index obs[i]'s statistics, normalise with index i's; the identity without
 * statistics), and of actions as a permutation matrix, `(a P)[k] = a[act[k]]`.
 */
export interface MirrorPlan {
  readonly obs: readonly number[];
  readonly scale: Float32Array;
  readonly shift: Float32Array;
  readonly actPerm: Tensor;
}

/**
 * The mirror for an iteration's update, from the statistics at the end of its rollout (whose rows were
 * normalised with the nearly equal statistics of their own step).
 */
export function mirrorPlan(map: MirrorMap, norm: RunningMeanStd | null): MirrorPlan {
  const d = map.obs.length, actDim = map.act.length;
  const scale = new Float32Array(d).fill(1), shift = new Float32Array(d);
  if (norm !== null) {
    const sd = (j: number): number => Math.sqrt(norm.var[j] + NORM_EPS);
    for (let i = 0; i < d; i++) {
      const j = map.obs[i];
      scale[i] = sd(j) / sd(i);
      shift[i] = (norm.mean[j] - norm.mean[i]) / sd(i);
    }
  }
  const p = new Float32Array(actDim * actDim);
  for (let k = 0; k < actDim; k++) p[map.act[k] * actDim + k] = 1;
  return { obs: map.obs, scale, shift, actPerm: new Tensor(p, [actDim, actDim]) };
}

/**
 * The loss for a minibatch: `obs` [B, obsDim] normalised observations and `mu` [B, actDim] the actor's means on
 * them; the mirrored observations go through the actor (one forward), their means are mirrored back, and the
 * squared difference is summed over actions and averaged over rows.
 */
export function mirrorLoss(actor: Module, mu: Tensor, obs: Float32Array, plan: MirrorPlan): Tensor {
  const b = mu.shape[0], obsDim = plan.obs.length;
  const mirrored = new Float32Array(b * obsDim);
  for (let r = 0; r < b; r++) {
    const o = r * obsDim;
    for (let i = 0; i < obsDim; i++) {
      const v = obs[o + plan.obs[i]] * plan.scale[i] + plan.shift[i];
      mirrored[o + i] = v > NORM_CLIP ? NORM_CLIP : v < -NORM_CLIP ? -NORM_CLIP : v;
    }
  }
  const back = actor.forward(new Tensor(mirrored, [b, obsDim])).matmul(plan.actPerm);
  return mu.sub(back).square().sum().mul(1 / b);
}
