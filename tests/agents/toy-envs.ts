/**
 * Tiny envs for agent learning tests [SB3 tests/test_identity.py]: the optimal policy is known
 * and reachable in a few thousand steps.
 */
import { Rng } from '../../src/core/rng.ts';
import { bareSpec, type Env, type EnvMetadata, type EnvSpec, type ResetResult, type StepResult } from '../../src/gym/env.ts';
import { box, discrete, multiDiscrete, type Space } from '../../src/gym/spaces.ts';
import type { Scene } from '../../src/gym/scene.ts';
import { timeLimit } from '../../src/gym/wrappers/time-limit.ts';
import { SyncVectorEnv } from '../../src/gym/vector/sync-vector-env.ts';
import { expect } from 'vitest';
import type { CheckpointPayload, Policy, RunContext, TrainRun } from '../../agents/common/agent.ts';
import type { Metrics } from '../../src/core/metrics.ts';

const EMPTY_SCENE: Scene = { bounds: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, shapes: [] };

/** Shows one of n symbols (one-hot); reward 1 for naming it. Episodes last `length` steps. */
export class IdentityEnv implements Env<Float32Array, number> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec = bareSpec('Test/Identity-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);
  private target = 0;
  private t = 0;
  readonly n: number;
  readonly length: number;

  constructor(n = 4, length = 10) {
    this.n = n;
    this.length = length;
    this.observationSpace = box(0, 1, { shape: [n] });
    this.actionSpace = discrete(n);
  }

  private obs(): Float32Array {
    const o = new Float32Array(this.n);
    o[this.target] = 1;
    return o;
  }

  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    this.t = 0;
    this.target = this.rng.int(this.n);
    return { obs: this.obs(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const reward = action === this.target ? 1 : 0;
    this.t += 1;
    this.target = this.rng.int(this.n);
    return { obs: this.obs(), reward, terminated: this.t >= this.length, truncated: false, info: {} };
  }

  render(): Scene {
    return EMPTY_SCENE;
  }

  close(): void {}
}

/** Shows a target in [-1, 1]^d; reward −mean |a − target|. Episodes last `length` steps. */
export class IdentityBoxEnv implements Env<Float32Array, Float32Array> {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly spec: EnvSpec = bareSpec('Test/IdentityBox-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);
  protected target: Float32Array;
  private t = 0;
  readonly dim: number;
  readonly length: number;

  constructor(dim = 1, length = 10) {
    this.dim = dim;
    this.length = length;
    this.observationSpace = box(-1, 1, { shape: [dim] });
    this.actionSpace = box(-1, 1, { shape: [dim] });
    this.target = new Float32Array(dim);
  }

  private draw(): Float32Array {
    this.target = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) this.target[i] = this.rng.uniform(-1, 1);
    return this.target.slice();
  }

  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    this.t = 0;
    return { obs: this.draw(), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    let err = 0;
    for (let i = 0; i < this.dim; i++) err += Math.abs(action[i] - this.target[i]) / this.dim;
    this.t += 1;
    return { obs: this.draw(), reward: -err, terminated: this.t >= this.length, truncated: false, info: {} };
  }

  render(): Scene {
    return EMPTY_SCENE;
  }

  close(): void {}
}

/**
 * IdentityBox with two dimensions whose reward scores only action 0 (against target 0), and which declares the
 * mirror that swaps the two: a policy that tracks target 0 with action 0 and is mirror-symmetric tracks target 1
 * with action 1, which nothing else teaches it.
 */
export class MirrorIdentityEnv extends IdentityBoxEnv {
  override readonly spec: EnvSpec;

  constructor(mirror: EnvMetadata['mirror'] = { obs: [1, 0], act: [1, 0] }) {
    super(2, 10);
    this.spec = bareSpec('Test/MirrorIdentity-v0', { metadata: { renderFps: 30, mirror } });
  }

  override step(action: Float32Array): StepResult<Float32Array> {
    const target0 = this.target[0];
    return { ...super.step(action), reward: -Math.abs(action[0] - target0) };
  }
}

/** A two-armed bandit, one step per episode: arm 1 pays 1, arm 0 pays 0.2 (plus noise ±0.1). */
export class BanditEnv implements Env<Float32Array, number> {
  readonly observationSpace: Space = box(0, 1, { shape: [1] });
  readonly actionSpace: Space = discrete(2);
  readonly spec: EnvSpec = bareSpec('Test/Bandit-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);

  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    return { obs: Float32Array.of(1), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    const reward = (action === 1 ? 1 : 0.2) + this.rng.uniform(-0.1, 0.1);
    return { obs: Float32Array.of(1), reward, terminated: true, truncated: false, info: {} };
  }

  render(): Scene {
    return EMPTY_SCENE;
  }

  close(): void {}
}

/** The bandit with arm 1 masked at every reset (so at every step): a policy that never pulls it earns 0.2 ± 0.1. */
export class MaskedBanditEnv extends BanditEnv {
  override readonly spec: EnvSpec = bareSpec('Test/MaskedBandit-v0');
  override reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    return { ...super.reset(opts), mask: Uint8Array.of(1, 0) };
  }
}

/** A run context over a toy env factory, with an optional time limit. */
export function toyContext(envId: string, factory: () => Env<unknown, unknown>, maxEpisodeSteps?: number): RunContext {
  const makeEnv = (): Env => (maxEpisodeSteps !== undefined ? timeLimit(factory(), { maxEpisodeSteps }) : factory()) as Env;
  return { envId, makeEnv, makeVec: async (n) => new SyncVectorEnv(Array.from({ length: n }, makeEnv)) };
}

/**
 * Steps `env` from reset(seed 3) with `live`'s deterministic actions (under the env's masks) for `steps`
 * steps, resetting the env and both policies when an episode ends, and expects `loaded` (the same policy
 * back from a checkpoint) to pick each action too.
 */
export function expectSameActions(live: Policy, loaded: Policy, env: Env, steps: number): void {
  let { obs, mask } = env.reset({ seed: 3 });
  for (let i = 0; i < steps; i++) {
    const a = live.act(obs, { deterministic: true, mask });
    expect(loaded.act(obs, { deterministic: true, mask })).toEqual(a);
    const s = env.step(a);
    if (s.terminated || s.truncated) {
      live.resetState();
      loaded.resetState();
      ({ obs, mask } = env.reset());
    } else ({ obs, mask } = s);
  }
}

/** The metrics rows of a run, all of them or the first `limit`; the run is closed afterwards. */
export async function collectRows(run: TrainRun, limit = Infinity): Promise<Metrics[]> {
  const rows: Metrics[] = [];
  try {
    for await (const row of run.iterations) {
      rows.push(row);
      if (rows.length >= limit) break;
    }
  } finally {
    await run.close();
  }
  return rows;
}

/** Runs `run` to its first checkpoint and returns it; the run is closed afterwards. */
export async function firstCheckpoint(run: TrainRun): Promise<CheckpointPayload> {
  let saved: CheckpointPayload | null = null;
  try {
    for await (const _ of run.iterations) if (run.checkpointDue()) { saved = run.checkpoint(); break; }
  } finally {
    await run.close();
  }
  if (saved === null) throw new Error('the run ended before its first checkpoint');
  return saved;
}

/** Mean episodic return over the last `k` rows that report one. */
export function lastReturns(rows: Metrics[], k: number): number {
  const r = rows.filter((x) => x['charts/episodes'] > 0).slice(-k).map((x) => x['charts/episodic_return']);
  return r.reduce((a, b) => a + b, 0) / r.length;
}

/**
 * Observation [1] forever, never terminating: only the time limit cuts it. By default every step pays 1,
 * so V = 1/(1 − γ) when truncation bootstraps; `reward` can make the pay depend on the action.
 */
export class EndlessEnv implements Env<Float32Array, number> {
  readonly observationSpace: Space = box(0, 1, { shape: [1] });
  readonly actionSpace: Space = discrete(2);
  readonly spec: EnvSpec;
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly reward: (action: number) => number;
  constructor(id = 'Test/Endless-v0', reward: (action: number) => number = () => 1) {
    this.spec = bareSpec(id);
    this.reward = reward;
  }
  reset(): ResetResult<Float32Array> {
    return { obs: Float32Array.of(1), info: {} };
  }
  step(action: number): StepResult<Float32Array> {
    return { obs: Float32Array.of(1), reward: this.reward(action), terminated: false, truncated: false, info: {} };
  }
  render(): Scene {
    return EMPTY_SCENE;
  }
  close(): void {}
}

/** Two identity tasks at once: a pair of one-hot symbols in, a pair of names out; reward = number right. */
export class PairIdentityEnv implements Env<Float32Array, Int32Array> {
  readonly observationSpace: Space = box(0, 1, { shape: [6] });
  readonly actionSpace: Space = multiDiscrete([3, 3]);
  readonly spec: EnvSpec = bareSpec('Test/PairIdentity-v0');
  readonly actionRng = new Rng(1);
  readonly unwrapped = this as unknown as Env<unknown, unknown>;
  private readonly rng = new Rng(0);
  private target = [0, 0];
  private t = 0;
  private obs(): Float32Array {
    this.target = [this.rng.int(3), this.rng.int(3)];
    const o = new Float32Array(6);
    o[this.target[0]] = 1;
    o[3 + this.target[1]] = 1;
    return o;
  }
  reset(opts: { seed?: number } = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) this.rng.seed(opts.seed);
    this.t = 0;
    return { obs: this.obs(), info: {} };
  }
  step(a: Int32Array): StepResult<Float32Array> {
    const reward = (a[0] === this.target[0] ? 1 : 0) + (a[1] === this.target[1] ? 1 : 0);
    this.t += 1;
    return { obs: this.obs(), reward, terminated: this.t >= 10, truncated: false, info: {} };
  }
  render(): Scene {
    return EMPTY_SCENE;
  }
  close(): void {}
}
