/**
 * How a policy network's output maps onto an action space, for the on-policy agents (PPO, A2C,
 * REINFORCE): categorical logits for discrete actions (with masks), one categorical per component
 * for MultiDiscrete, and a diagonal Gaussian with a state-independent log σ for Box actions; and the
 * one policy class those agents act with.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Rng } from '../../src/core/rng.ts';
import type { Observation } from '../../src/gym/env.ts';
import { describeSpace, flatten, type Space } from '../../src/gym/spaces.ts';
import { Tensor, broadcastTo, noGrad, slice } from '../../src/autograd/index.ts';
import { gaussianEntropy } from '../../src/autograd/functional.ts';
import type { RecurrentState } from '../../src/nn/index.ts';
import type { ActOptions, Policy } from './agent.ts';
import { argmaxRows, categoricalEntropy, categoricalLogProb, maskLogits, sampleCategorical } from './distributions.ts';
import type { RunningMeanStd } from './normalize.ts';

/** The policy output layout for an action space. */
export type ActionHead =
  | { kind: 'discrete'; n: number; outDim: number; actDim: 1 }
  | { kind: 'multiDiscrete'; nvec: number[]; outDim: number; actDim: number }
  | { kind: 'box'; low: Float32Array; high: Float32Array; outDim: number; actDim: number };

/** The head for `space`, or a ConfigError naming the agent and the space. */
export function actionHead(algo: string, space: Space): ActionHead {
  switch (space.kind) {
    case 'discrete': return { kind: 'discrete', n: space.n, outDim: space.n, actDim: 1 };
    case 'multiDiscrete': {
      const nvec = Array.from(space.nvec);
      return { kind: 'multiDiscrete', nvec, outDim: nvec.reduce((a, b) => a + b, 0), actDim: nvec.length };
    }
    case 'box': return { kind: 'box', low: space.low, high: space.high, outDim: space.low.length, actDim: space.low.length };
    default: throw new ConfigError(`${algo}: unsupported action space ${space.kind}`);
  }
}

/** log π(a|s) and entropy per row for policy outputs `out` [B, outDim] (masks already applied). */
export function logProbEntropy(head: ActionHead, out: Tensor, actions: Float32Array, logStd: Tensor | null): { logProb: Tensor; entropy: Tensor } {
  const b = out.shape[0];
  if (head.kind === 'discrete') return { logProb: categoricalLogProb(out, actions), entropy: categoricalEntropy(out) };
  if (head.kind === 'multiDiscrete') {
    // independent components: log-probabilities and entropies add
    let offset = 0;
    const parts = head.nvec.map((n, c) => {
      const logits = slice(out, [null, [offset, offset + n]]);
      offset += n;
      const a = new Float32Array(b);
      for (let r = 0; r < b; r++) a[r] = actions[r * head.actDim + c];
      return { lp: categoricalLogProb(logits, a), en: categoricalEntropy(logits) };
    });
    return { logProb: parts.map((p) => p.lp).reduce((x, y) => x.add(y)), entropy: parts.map((p) => p.en).reduce((x, y) => x.add(y)) };
  }
  // diagonal Gaussian, z = (a − μ)/σ: log N(a; μ, σ) = −Σ (½z² + log σ + ½ log 2π); entropy Σ (log σ + ½ log 2πe)
  const std = logStd as Tensor;
  const z = new Tensor(actions, out.shape).sub(out).mul(std.neg().exp());
  const logProb = z.square().mul(0.5).add(std).add(0.5 * Math.log(2 * Math.PI)).sum(-1).neg();
  const perRow = gaussianEntropy(std);
  return { logProb, entropy: broadcastTo(perRow, [b]) };
}

/**
 * Samples (or takes the mode of) actions [B·actDim] from policy outputs. A Gaussian head takes its standard normal
 * draws [B·actDim] from `noise` when given (e.g. colored noise, `colored-noise.ts`), else from `rng`.
 */
export function sampleActions(head: ActionHead, out: Tensor, logStd: Tensor | null, rng: Rng, deterministic: boolean, masks: Uint8Array | null, noise: Float32Array | null = null): Float32Array {
  const b = out.shape[0];
  if (head.kind === 'discrete') {
    const logits = maskLogits(out, masks);
    return Float32Array.from(deterministic ? argmaxRows(logits) : sampleCategorical(logits, rng));
  }
  if (head.kind === 'multiDiscrete') {
    const acts = new Float32Array(b * head.actDim);
    let offset = 0;
    head.nvec.forEach((n, c) => {
      const logits = slice(out, [null, [offset, offset + n]]);
      const a = deterministic ? argmaxRows(logits) : sampleCategorical(logits, rng);
      for (let r = 0; r < b; r++) acts[r * head.actDim + c] = a[r];
      offset += n;
    });
    return acts;
  }
  const acts = new Float32Array(out.size);
  const d = head.actDim, ls = (logStd as Tensor).data;
  for (let i = 0; i < acts.length; i++) acts[i] = deterministic ? out.data[i] : out.data[i] + Math.exp(ls[i % d]) * (noise === null ? rng.normal() : noise[i]);
  return acts;
}

/**
 * The env-side action for row r: an integer, an integer vector, or a Box action clipped to the
 * bounds (CleanRL's ClipAction; the unclipped sample is what the log-probability is taken of).
 */
function envAction(head: ActionHead, acts: Float32Array, r: number): number | Int32Array | Float32Array {
  if (head.kind === 'discrete') return acts[r];
  if (head.kind === 'multiDiscrete') return Int32Array.from(acts.subarray(r * head.actDim, (r + 1) * head.actDim));
  return clipToBox(head.low, head.high, acts.slice(r * head.actDim, (r + 1) * head.actDim));
}

/** The env-side actions of a batch [B·actDim], packed copy-major as a VectorEnv takes them: `envAction` of every row. */
export function envActions(head: ActionHead, acts: Float32Array): Float32Array {
  return head.kind === 'box' ? clipToBox(head.low, head.high, acts.slice()) : acts;
}

/** Clips flat actions [B·d] in place to a Box's bounds [d] (float rounding or Gaussian noise can step past them). */
export function clipToBox(low: Float32Array, high: Float32Array, acts: Float32Array): Float32Array {
  const d = low.length;
  for (let i = 0; i < acts.length; i++) {
    const j = i % d;
    acts[i] = Math.min(high[j], Math.max(low[j], acts[i]));
  }
  return acts;
}

/** A policy network: policy outputs [B, outDim] for observations [B, obsDim], and a recurrent net's state after them (else null). */
export type PolicyNet = (obs: Tensor, state: RecurrentState | null) => { out: Tensor; state: RecurrentState | null };

/**
 * The policy of the on-policy agents: one observation, flattened and scaled by the training statistics,
 * through the network and the action head to one env action. A recurrent network carries its state from
 * call to call until `resetState`.
 */
export class ActionHeadPolicy implements Policy {
  readonly algo: string;
  readonly envId: string;
  private readonly net: PolicyNet;
  private readonly head: ActionHead;
  private readonly logStd: Tensor | null;
  private readonly obsSpace: Space;
  private readonly obsNorm: RunningMeanStd | null;
  private readonly rng: Rng;
  private state: RecurrentState | null;

  constructor(algo: string, envId: string, net: PolicyNet, head: ActionHead, logStd: Tensor | null, obsSpace: Space, obsNorm: RunningMeanStd | null, rng: Rng) {
    this.algo = algo;
    this.envId = envId;
    this.net = net;
    this.head = head;
    this.logStd = logStd;
    this.obsSpace = obsSpace;
    this.obsNorm = obsNorm;
    this.rng = rng;
    this.state = null;
  }

  act(obs: Observation, opts: ActOptions = {}): number | Float32Array | Int32Array {
    const flat = flatten(this.obsSpace, obs);
    if (this.obsNorm !== null) this.obsNorm.normalize(flat, flat);
    return noGrad(() => {
      const r = this.net(new Tensor(flat, [1, flat.length]), this.state);
      this.state = r.state;
      return envAction(this.head, sampleActions(this.head, r.out, this.logStd, this.rng, opts.deterministic ?? false, opts.mask ?? null), 0);
    });
  }

  resetState(): void {
    this.state = null;
  }
}

/** A Box action space as a tanh actor sees it (SAC, TD3): (−1, 1) mapped onto [low, high] by action_scale and action_bias (CleanRL). */
export type BoxScale = { low: Float32Array; high: Float32Array; scale: Float32Array; bias: Float32Array; actDim: number };

/** action_scale = (high − low) / 2 and action_bias = (high + low) / 2 of a Box; a ConfigError naming `algo` for any other space. */
export function boxScale(algo: string, space: Space): BoxScale {
  if (space.kind !== 'box') throw new ConfigError(`${algo}: the action space must be a Box, received ${describeSpace(space)}`);
  const d = space.low.length, scale = new Float32Array(d), bias = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    scale[j] = (space.high[j] - space.low[j]) / 2;
    bias[j] = (space.high[j] + space.low[j]) / 2;
  }
  return { low: space.low, high: space.high, scale, bias, actDim: d };
}

/** Which spaces the on-policy agents handle: flat observations; discrete, MultiDiscrete or Box actions. */
export function supportsFlat(obs: Space, act: Space): string | null {
  if (!['box', 'discrete', 'multiDiscrete', 'multiBinary'].includes(obs.kind)) return `observation space ${obs.kind} is not flat (flatten it with FlattenObservation)`;
  if (!['discrete', 'multiDiscrete', 'box'].includes(act.kind)) return `action space ${act.kind} is not discrete, multiDiscrete or box`;
  return null;
}

/**
 * Which spaces the continuous-control agents (SAC, TD3) handle: flat observations and a Box of
 * actions with finite bounds, low < high, that tanh's (−1, 1) is rescaled onto.
 */
export function supportsBoundedBox(algo: string, obs: Space, act: Space): string | null {
  if (!['box', 'discrete', 'multiDiscrete', 'multiBinary'].includes(obs.kind)) return `observation space ${describeSpace(obs)} is not flat (flatten it with FlattenObservation)`;
  if (act.kind !== 'box') return `action space ${describeSpace(act)} is not a Box: ${algo} handles continuous Box actions only (for discrete actions use ppo, a2c, reinforce or dqn)`;
  for (let j = 0; j < act.low.length; j++) {
    if (!Number.isFinite(act.low[j]) || !Number.isFinite(act.high[j]) || !(act.high[j] > act.low[j])) {
      return `action space ${describeSpace(act)} needs finite bounds with low < high to rescale tanh into (element ${j} is [${act.low[j]}, ${act.high[j]}])`;
    }
  }
  return null;
}
