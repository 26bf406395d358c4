/**
 * The agents' view of N environment copies: flat Float32Array observations [N·obsDim], raw
 * rewards, `terminated`/`truncated` flags, the final observation of every copy that finished
 * (same-step autoreset, DESIGN.md), action masks, and the episodes that ended this step
 * (return and length of the raw rewards, so normalisation never distorts reported returns, and
 * the final info, whose numbers the trainers log as `env/<key>`).
 */
import type { Env, Info } from '../../src/gym/env.ts';
import type { VectorEnv } from '../../src/gym/vector/vector-env.ts';
import { flatDim, flatten, type Space } from '../../src/gym/spaces.ts';

/** A finished episode: its return, length and final info. */
export type Episode = { r: number; l: number; info: Info };

/** What one vector step returns. */
export type VecStep = {
  obs: Float32Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** For each copy that finished this step, its last observation (flat); else null. */
  finalObs: Array<Float32Array | null>;
  /** Legal-action masks [N·nActions] for the next step, or null when the env has none. */
  masks: Uint8Array | null;
  /** Episodes that ended on this step. */
  episodes: Episode[];
};

/** N environment copies stepped together. */
export interface VecEnv {
  readonly numEnvs: number;
  readonly obsSpace: Space;
  readonly actSpace: Space;
  readonly obsDim: number;
  /** Resets every copy; copy i gets seed `seed + i`. Returns flat observations and masks. */
  reset(seed: number): { obs: Float32Array; masks: Uint8Array | null };
  step(actions: ReadonlyArray<number | Float32Array | Int32Array>): VecStep;
  close(): void;
}

/** N envs in this thread. */
export class LocalVecEnv implements VecEnv {
  readonly numEnvs: number;
  readonly obsSpace: Space;
  readonly actSpace: Space;
  readonly obsDim: number;
  private readonly envs: Env[];
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private readonly maskSize: number;

  constructor(envs: Env[]) {
    if (envs.length === 0) throw new Error('LocalVecEnv: needs at least one env');
    this.envs = envs;
    this.numEnvs = envs.length;
    this.obsSpace = envs[0].observationSpace;
    this.actSpace = envs[0].actionSpace;
    this.obsDim = flatDim(this.obsSpace);
    this.returns = new Float64Array(envs.length);
    this.lengths = new Int32Array(envs.length);
    this.maskSize = this.actSpace.kind === 'discrete' ? this.actSpace.n : 0;
  }

  reset(seed: number): { obs: Float32Array; masks: Uint8Array | null } {
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    let masks: Uint8Array | null = null;
    this.envs.forEach((env, i) => {
      const r = env.reset({ seed: seed + i });
      flatten(this.obsSpace, r.obs, obs, i * this.obsDim);
      if (r.mask !== undefined) (masks ??= new Uint8Array(this.numEnvs * this.maskSize).fill(1)).set(r.mask, i * this.maskSize);
    });
    this.returns.fill(0);
    this.lengths.fill(0);
    return { obs, masks };
  }

  step(actions: ReadonlyArray<number | Float32Array | Int32Array>): VecStep {
    const n = this.numEnvs;
    const obs = new Float32Array(n * this.obsDim);
    const rewards = new Float64Array(n), terminated = new Uint8Array(n), truncated = new Uint8Array(n);
    const finalObs: Array<Float32Array | null> = new Array<Float32Array | null>(n).fill(null);
    const episodes: Episode[] = [];
    let masks: Uint8Array | null = null;
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      const r = env.step(actions[i]);
      rewards[i] = r.reward;
      terminated[i] = r.terminated ? 1 : 0;
      truncated[i] = r.truncated ? 1 : 0;
      this.returns[i] += r.reward;
      this.lengths[i] += 1;
      let mask = r.mask;
      if (r.terminated || r.truncated) {
        finalObs[i] = flatten(this.obsSpace, r.obs);
        episodes.push({ r: this.returns[i], l: this.lengths[i], info: r.info });
        this.returns[i] = 0;
        this.lengths[i] = 0;
        const rr = env.reset();
        flatten(this.obsSpace, rr.obs, obs, i * this.obsDim);
        mask = rr.mask;
      } else {
        flatten(this.obsSpace, r.obs, obs, i * this.obsDim);
      }
      if (mask !== undefined) (masks ??= new Uint8Array(n * this.maskSize).fill(1)).set(mask, i * this.maskSize);
    }
    return { obs, rewards, terminated, truncated, finalObs, masks, episodes };
  }

  close(): void {
    for (const e of this.envs) e.close();
  }
}

/** The same N copies behind promises: in-process (resolved at once) or on worker threads. */
export interface AsyncVecEnv {
  readonly numEnvs: number;
  readonly obsSpace: Space;
  readonly actSpace: Space;
  readonly obsDim: number;
  reset(seed: number): Promise<{ obs: Float32Array; masks: Uint8Array | null }>;
  step(actions: ReadonlyArray<number | Float32Array | Int32Array>): Promise<VecStep>;
  close(): Promise<void>;
}

/** An in-process VecEnv seen through the async interface. */
export function toAsync(v: VecEnv): AsyncVecEnv {
  return {
    numEnvs: v.numEnvs, obsSpace: v.obsSpace, actSpace: v.actSpace, obsDim: v.obsDim,
    reset: async (seed) => v.reset(seed),
    step: async (actions) => v.step(actions),
    close: async () => v.close(),
  };
}

/**
 * A gym `VectorEnv` (e.g. on worker threads) as an AsyncVecEnv: actions are packed copy-major,
 * and finished episodes are summed here from the raw rewards.
 */
export function fromVectorEnv(v: VectorEnv): AsyncVecEnv {
  const n = v.numEnvs, dim = v.actionDim;
  const returns = new Float64Array(n), lengths = new Int32Array(n);
  return {
    numEnvs: n, obsSpace: v.singleObservationSpace, actSpace: v.singleActionSpace, obsDim: v.obsDim,
    async reset(seed) {
      const r = await v.reset({ seed });
      returns.fill(0);
      lengths.fill(0);
      return { obs: r.obs, masks: r.masks ?? null };
    },
    async step(actions) {
      const packed = new Float32Array(n * dim);
      actions.forEach((a, i) => {
        if (typeof a === 'number') packed[i * dim] = a;
        else packed.set(a, i * dim);
      });
      const r = await v.step(packed);
      const episodes: Episode[] = [];
      for (let i = 0; i < n; i++) {
        returns[i] += r.rewards[i];
        lengths[i] += 1;
        if (r.terminated[i] || r.truncated[i]) {
          episodes.push({ r: returns[i], l: lengths[i], info: r.finalInfos[i] ?? {} });
          returns[i] = 0;
          lengths[i] = 0;
        }
      }
      return { obs: r.obs, rewards: r.rewards, terminated: r.terminated, truncated: r.truncated, finalObs: r.finalObs, masks: r.masks ?? null, episodes };
    },
    close: () => v.close(),
  };
}
