/**
 * The agent's mind, read in the view worker: for the observation the policy acts on, what its networks
 * say, as REINFORCEjs draws values inside its demos. The numbers come from the policy's own graph
 * (agents/export/graphs.ts, the one `dojo export` writes to ONNX) computed by our core with the snapshot's
 * weights: logits (π(a|s) after a softmax over the legal actions), the Gaussian's mean and σ for boxes,
 * Q-values for DQN, and the critic's V(s). So every algorithm with an exporter has a mind to show, and
 * what is shown is what the policy computes (the export test checks the graph against `loadPolicy`).
 */
import { exportOnnx, type OnnxExport } from '../../agents/export/onnx.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import type { Env } from '../gym/env.ts';
import { flatten, type Space } from '../gym/spaces.ts';
import type { Mind } from './protocol.ts';

/** What the page writes as the exporting commit (the graph is only computed here, never saved). */
const VIEW_COMMIT = 'page view';

/** Reads a policy's outputs step by step (recurrent policies carry their LSTM state between steps). */
export class MindReader {
  private readonly graph: OnnxExport;
  private readonly algo: string;
  private readonly obsSpace: Space;
  private readonly actSpace: Space;
  /** LSTM state fed as h_in/c_in (null for feed-forward policies). */
  private state: Record<string, Float32Array> | null;
  private readonly stateSize: number;

  constructor(payload: CheckpointPayload, algo: string, env: Env<unknown, unknown>) {
    this.graph = exportOnnx(payload, env.observationSpace, env.actionSpace, VIEW_COMMIT);
    this.algo = algo;
    this.obsSpace = env.observationSpace;
    this.actSpace = env.actionSpace;
    const h = this.graph.inputs.find((io) => io.name === 'h_in');
    this.stateSize = h === undefined ? 0 : h.dims.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1);
    this.state = null;
    this.resetState();
  }

  /** An episode starts: the LSTM state returns to zeros. */
  resetState(): void {
    this.state = this.stateSize > 0 ? { h_in: new Float32Array(this.stateSize), c_in: new Float32Array(this.stateSize) } : null;
  }

  /** The policy's outputs on `obs` (with the legal-action `mask`), and the action it took there. */
  read(obs: unknown, mask: Uint8Array | undefined, action: unknown): Mind {
    const feeds: Record<string, Float32Array> = { obs: flatten(this.obsSpace, obs as Parameters<typeof flatten>[1]), ...(this.state ?? {}) };
    const out = this.graph.reference(feeds, 1);
    if (this.state !== null && out.h_out !== undefined && out.c_out !== undefined) this.state = { h_in: out.h_out, c_in: out.c_out };
    const taken = typeof action === 'number' ? [action] : action instanceof Float32Array || action instanceof Int32Array ? Array.from(action) : [];
    const value = out.value !== undefined ? out.value[0] : null;
    if (out.q_values !== undefined) {
      const q = Array.from(out.q_values);
      return { kind: 'q', values: q, spread: null, low: null, high: null, action: taken, value: Math.max(...q), valueLabel: 'max Q(s, a)', note: 'Q-values: the return DQN expects after each action (it takes the largest)' };
    }
    if (out.logits !== undefined) {
      const probs = this.probabilities(out.logits, mask);
      const board = this.algo === 'alphazero';
      return {
        kind: 'probs', values: probs, spread: null, low: null, high: null, action: taken, value,
        valueLabel: board ? 'value for the player to move (−1 lose … 1 win)' : 'V(s): the return the critic expects from here',
        note: board ? 'the network\'s move priors π(a|s) over legal moves (MCTS searches from these and picks the most visited)' : 'π(a|s): the probability of each action',
      };
    }
    return this.boxMind(out, taken, value);
  }

  /** Softmax of the logits over the legal actions (per component for MultiDiscrete). */
  private probabilities(logits: Float32Array, mask: Uint8Array | undefined): number[] {
    const sizes = this.actSpace.kind === 'multiDiscrete' ? Array.from(this.actSpace.nvec) : [logits.length];
    const out: number[] = [];
    let at = 0;
    for (const n of sizes) {
      let max = -Infinity;
      for (let i = at; i < at + n; i++) if (mask === undefined || mask[i] !== 0) max = Math.max(max, logits[i]);
      let sum = 0;
      const e: number[] = [];
      for (let i = at; i < at + n; i++) {
        const v = mask !== undefined && mask[i] === 0 ? 0 : Math.exp(logits[i] - max);
        e.push(v);
        sum += v;
      }
      for (const v of e) out.push(sum > 0 ? v / sum : 0);
      at += n;
    }
    return out;
  }

  /** A Box policy: the Gaussian's mean ± σ in the action's units (SAC: through its tanh squashing), or TD3's action. */
  private boxMind(out: Record<string, Float32Array>, taken: number[], value: number | null): Mind {
    const space = this.actSpace;
    const low = space.kind === 'box' ? Array.from(space.low) : null;
    const high = space.kind === 'box' ? Array.from(space.high) : null;
    const action = out.action !== undefined ? Array.from(out.action) : taken;
    const valueLabel = 'V(s): the return the critic expects from here';
    if (out.mean === undefined || out.log_std === undefined) {
      return { kind: 'box', values: action, spread: null, low, high, action: taken, value, valueLabel, note: 'μ(s): TD3\'s actor is deterministic (exploration noise is added only in training)' };
    }
    const mean = Array.from(out.mean);
    const std = Array.from(out.log_std, Math.exp);
    if (this.algo !== 'sac') return { kind: 'box', values: mean, spread: std, low, high, action: taken, value, valueLabel, note: 'the Gaussian policy: mean ± σ per action dimension' };
    // SAC samples tanh(mean + σ·ε), rescaled to the box: σ in action units, to first order, is scale · (1 − tanh²(mean)) · σ
    const spread = mean.map((m, i) => ((high !== null && low !== null ? (high[i] - low[i]) / 2 : 1) * (1 - Math.tanh(m) ** 2) * std[i]));
    return { kind: 'box', values: action, spread, low, high, action: taken, value, valueLabel, note: 'the squashed Gaussian policy: tanh(mean) ± σ in action units (to first order)' };
  }
}
