/**
 * Worker side of the live view: a copy of the env that a policy (the training run's, a loaded one,
 * random actions, or a human's keys) plays, one frame per step. It never touches the training envs,
 * and the policies act with their own Rng, so watching does not change what training computes.
 */
import type { Policy } from '../../agents/common/agent.ts';
import type { Env } from '../gym/env.ts';
import { make } from '../gym/registry.ts';
import { flatDim, flatten, sample, type Space } from '../gym/spaces.ts';
import type { MindReader } from './mind.ts';
import type { BareFrame as Frame, HumanAction, Mind } from './protocol.ts';

/** Recent observations kept for the activation histograms. */
const OBS_WINDOW = 256;

/** One env copy that plays for the view. */
export class Display {
  readonly envId: string;
  /** The kwargs the env was made with (a loaded checkpoint's, e.g. `{ obs: 'pixels' }`). */
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly env: Env<unknown, unknown>;
  readonly obsDim: number;
  deterministic: boolean;
  /** Reads the policy's outputs at each of its steps (null: nothing to show, e.g. random actions). */
  mind: MindReader | null = null;
  private readonly obsSpace: Space;
  private obs: unknown = null;
  private mask: Uint8Array | undefined;
  private ret = 0;
  private len = 0;
  /** Needs a reset before the next step (start, or the last episode ended). */
  private needsReset = true;
  private seeded = false;
  private readonly seed: number;
  private controller: 'policy' | 'human' = 'policy';
  /** Ring of recent flat observations [OBS_WINDOW · obsDim]. */
  private readonly recent: Float32Array;
  private recentCount = 0;

  constructor(envId: string, seed: number, kwargs: Readonly<Record<string, unknown>> = {}) {
    this.envId = envId;
    this.kwargs = kwargs;
    this.env = make<unknown, unknown>(envId, { kwargs });
    this.obsSpace = this.env.observationSpace;
    this.obsDim = flatDim(this.obsSpace);
    this.recent = new Float32Array(OBS_WINDOW * this.obsDim);
    this.seed = seed;
    this.deterministic = true;
  }

  /** The current frame without stepping (resets first if needed, so there is something to show). */
  current(policy: Policy | null): Frame {
    if (this.needsReset) this.reset(policy);
    return this.frame(null, null);
  }

  /**
   * Steps once: the human's action if given, else the policy's (random actions without a policy).
   * An ended episode shows its last frame; the next step starts a new one.
   */
  step(policy: Policy | null, human: HumanAction | null = null): Frame {
    const controller = human !== null ? 'human' : 'policy';
    if (controller !== this.controller) {
      this.controller = controller;
      this.needsReset = true;
    }
    if (this.needsReset) {
      this.reset(policy);
      return this.frame(null, null);
    }
    const action = human !== null ? this.humanAction(human) : this.policyAction(policy);
    const mind = human === null && policy !== null ? this.readMind(action) : null;
    const r = this.env.step(action);
    this.obs = r.obs;
    this.mask = r.mask;
    this.remember(r.obs);
    this.ret += r.reward;
    this.len += 1;
    if (r.terminated || r.truncated) this.needsReset = true;
    return this.frame(r.terminated ? 'terminated' : r.truncated ? 'truncated' : null, mind);
  }

  private frame(end: Frame['end'], mind: Mind | null): Frame {
    return { scene: this.env.render(), ret: this.ret, len: this.len, end, greedy: this.deterministic, mind };
  }

  /** The policy's outputs on the observation it acts on now; a reader that fails is dropped (the view plays on). */
  private readMind(action: unknown): Mind | null {
    if (this.mind === null) return null;
    try {
      return this.mind.read(this.obs, this.mask, action);
    } catch {
      this.mind = null;
      return null;
    }
  }

  /** A whole episode from a fresh start, at most `cap` steps (turbo's sample episode). */
  episode(policy: Policy | null, cap: number): Frame[] {
    this.restart();
    const frames: Frame[] = [this.step(policy)];
    while (!this.needsReset && frames.length < cap) frames.push(this.step(policy));
    return frames;
  }

  /** The next step starts a new episode. */
  restart(): void {
    this.needsReset = true;
  }

  /**
   * The observation and mask the next policy step acts on, or null when the next step resets instead
   * (for a policy that must compute its action before the step: ONNX Runtime runs asynchronously).
   */
  nextObservation(): { obs: unknown; mask: Uint8Array | undefined } | null {
    return this.needsReset || this.controller !== 'policy' ? null : { obs: this.obs, mask: this.mask };
  }

  /** Recent observations, flat, oldest first not guaranteed (for histograms only). */
  recentObs(): Float32Array {
    return this.recent.subarray(0, Math.min(this.recentCount, OBS_WINDOW) * this.obsDim);
  }

  close(): void {
    this.env.close();
  }

  private reset(policy: Policy | null): void {
    const r = this.seeded ? this.env.reset() : this.env.reset({ seed: this.seed });
    this.seeded = true;
    this.obs = r.obs;
    this.mask = r.mask;
    this.remember(r.obs);
    this.ret = 0;
    this.len = 0;
    this.needsReset = false;
    policy?.resetState();
    this.mind?.resetState();
  }

  private policyAction(policy: Policy | null): unknown {
    if (policy === null) return sample(this.env.actionSpace, this.env.actionRng, this.mask);
    return policy.act(this.obs as Parameters<Policy['act']>[0], { deterministic: this.deterministic, mask: this.mask });
  }

  private humanAction(human: HumanAction): unknown {
    return typeof human === 'number' ? human : Float32Array.from(human);
  }

  private remember(obs: unknown): void {
    const at = (this.recentCount % OBS_WINDOW) * this.obsDim;
    flatten(this.obsSpace, obs as Parameters<typeof flatten>[1], this.recent, at);
    this.recentCount++;
  }
}
