/**
 * Each agent's acting network as a policy graph: named inputs → named outputs, written once over
 * `GraphOps` so the same function builds the ONNX model and computes our reference (src/export/graph-ops.ts).
 * The nets come from the agents' own builders with the checkpoint's weights loaded, so the layers are
 * the ones training used; what the agents' `act` does after the network (argmax, the tanh squashing and
 * Box rescaling, clipping to the bounds) is written out here, and the export test checks it against
 * each agent's `loadPolicy`.
 */
import type { Tensor } from '../../src/autograd/index.ts';
import { type GraphOps, type NormStats } from '../../src/export/graph-ops.ts';
import type { IoDoc } from '../../src/export/onnx-graph.ts';
import { describeSpace, flatDim, type Space } from '../../src/gym/spaces.ts';
import type { LSTM, Module } from '../../src/nn/index.ts';
import type { ActionHead, BoxScale } from '../common/action-head.ts';

/** A policy graph: its documented inputs and outputs and how the outputs are computed. */
export type PolicyGraph = {
  /** What the graph is, in words (`ppo: MLP actor-critic, discrete actions`). */
  readonly summary: string;
  readonly inputs: readonly IoDoc[];
  readonly outputs: readonly IoDoc[];
  build<T>(ops: GraphOps<T>, inputs: Readonly<Record<string, T>>): Record<string, T>;
};

/** The observation input: the env's raw observation (a Box in its own shape; other spaces flattened). */
export function obsInput(obsSpace: Space, normalised: boolean): IoDoc {
  const norm = normalised ? '; the training run\'s observation normalisation is inside the graph' : '';
  if (obsSpace.kind === 'box') {
    return { name: 'obs', elemType: 'float', dims: ['batch', ...obsSpace.shape], doc: `the env's raw observation ${describeSpace(obsSpace)}, one row per env, as float32${norm}` };
  }
  return { name: 'obs', elemType: 'float', dims: ['batch', flatDim(obsSpace)], doc: `the observation ${describeSpace(obsSpace)} flattened as RL Dojo's flatten() does (one-hot for discrete parts)${norm}` };
}

/** The observation as the network sees it: flattened to [B, n], normalised with the saved statistics when there are any. */
function prepObs<T>(ops: GraphOps<T>, obs: T, obsSpace: Space, stats: NormStats | null): T {
  const flat = obsSpace.kind === 'box' && obsSpace.shape.length > 1 ? ops.flatten(obs) : obs;
  return stats === null ? flat : ops.normalize(flat, stats);
}

// ── on-policy: PPO, A2C, REINFORCE ──

/** The nets of PPO, A2C and REINFORCE (A2C and REINFORCE have actor and critic only). */
export type ActorCriticNets = {
  actor: Module; critic: Module; logStd: Tensor | null;
  trunk?: Module | null; encoder?: Module | null; lstm?: LSTM | null; criticEncoder?: Module | null; criticLstm?: LSTM | null;
};

/**
 * Actor-critic: the action head's outputs (logits, or mean and log σ), the deterministic action and the
 * critic's value; a CNN trunk shared by both heads, or (recurrent PPO) an encoder → LSTM per head whose
 * states come in as `h_in`/`c_in` and leave as `h_out`/`c_out`, [2, B, H]: layer 0 the actor's, 1 the critic's.
 */
export function actorCriticGraph(algo: string, nets: ActorCriticNets, head: ActionHead, obsSpace: Space, stats: NormStats | null): PolicyGraph {
  const lstm = nets.lstm ?? null;
  const H = lstm?.hiddenSize ?? 0;
  const stateDoc = (io: 'in' | 'out', which: 'h' | 'c'): IoDoc => ({
    name: `${which}_${io}`, elemType: 'float', dims: [2, 'batch', H],
    doc: `LSTM ${which === 'h' ? 'hidden' : 'cell'} state ${io === 'in' ? 'before this step (zeros at an episode start)' : 'after this step (feed it back as ' + which + '_in)'}: row 0 the actor's, row 1 the critic's`,
  });
  const inputs = [obsInput(obsSpace, stats !== null), ...(lstm !== null ? [stateDoc('in', 'h'), stateDoc('in', 'c')] : [])];
  const outputs: IoDoc[] = [...headOutputs(head), { name: 'value', elemType: 'float', dims: ['batch'], doc: 'the critic\'s state value V(s)' }];
  if (lstm !== null) outputs.push(stateDoc('out', 'h'), stateDoc('out', 'c'));
  const body = nets.trunk != null ? 'CNN actor-critic' : lstm !== null ? 'LSTM actor-critic' : 'MLP actor-critic';
  return {
    summary: `${algo}: ${body}, ${head.kind} actions`,
    inputs,
    outputs,
    build<T>(ops: GraphOps<T>, ins: Readonly<Record<string, T>>): Record<string, T> {
      const x = prepObs(ops, ins.obs, obsSpace, stats);
      const out: Record<string, T> = {};
      let pi: T, v: T;
      if (nets.trunk != null) {
        const f = ops.module(nets.trunk, x, 'trunk');
        pi = ops.module(nets.actor, f, 'actor');
        v = ops.module(nets.critic, f, 'critic');
      } else if (lstm !== null && nets.encoder != null && nets.criticEncoder != null && nets.criticLstm != null) {
        const a = ops.lstmCell(lstm, ops.module(nets.encoder, x, 'encoder'), ops.layer(ins.h_in, 0), ops.layer(ins.c_in, 0), 'lstm');
        const c = ops.lstmCell(nets.criticLstm, ops.module(nets.criticEncoder, x, 'critic_encoder'), ops.layer(ins.h_in, 1), ops.layer(ins.c_in, 1), 'critic_lstm');
        pi = ops.module(nets.actor, a.h, 'actor');
        v = ops.module(nets.critic, c.h, 'critic');
        out.h_out = ops.stack([a.h, c.h]);
        out.c_out = ops.stack([a.c, c.c]);
      } else {
        pi = ops.module(nets.actor, x, 'actor');
        v = ops.module(nets.critic, x, 'critic');
      }
      Object.assign(out, headValues(ops, head, pi, nets.logStd));
      out.value = ops.squeezeLast(v);
      return out;
    },
  };
}

/** The outputs of an action head, documented. */
function headOutputs(head: ActionHead): IoDoc[] {
  switch (head.kind) {
    case 'discrete': return [
      { name: 'logits', elemType: 'float', dims: ['batch', head.n], doc: 'unnormalised log-probabilities of the actions (softmax gives π(a|s); set illegal actions to -inf before it)' },
      { name: 'action', elemType: 'int64', dims: ['batch'], doc: 'the deterministic action: argmax of the logits (first on ties), with no action mask' },
    ];
    case 'multiDiscrete': return [
      { name: 'logits', elemType: 'float', dims: ['batch', head.outDim], doc: `the logits of each component, concatenated (sizes ${head.nvec.join(', ')})` },
      { name: 'action', elemType: 'int64', dims: ['batch', head.actDim], doc: 'the deterministic action: the argmax of each component\'s logits' },
    ];
    case 'box': return [
      { name: 'mean', elemType: 'float', dims: ['batch', head.actDim], doc: 'mean of the diagonal Gaussian policy' },
      { name: 'log_std', elemType: 'float', dims: ['batch', head.actDim], doc: 'log standard deviation of the Gaussian (state-independent, repeated per row)' },
      { name: 'action', elemType: 'float', dims: ['batch', head.actDim], doc: 'the deterministic action: the mean clipped to the action space\'s bounds' },
    ];
  }
}

/** The values of the head's outputs from the actor's output `pi`. */
function headValues<T>(ops: GraphOps<T>, head: ActionHead, pi: T, logStd: Tensor | null): Record<string, T> {
  switch (head.kind) {
    case 'discrete': return { logits: pi, action: ops.argmax(pi) };
    case 'multiDiscrete': return { logits: pi, action: ops.argmaxSegments(pi, head.nvec) };
    case 'box': return { mean: pi, log_std: ops.repeatRow(logStd as Tensor, pi), action: ops.clipColumns(pi, head.low, head.high) };
  }
}

// ── DQN ──

/** DQN's Q-network (plain or dueling: Q = V + A − mean A) and the greedy action, shifted by the space's start. */
export function dqnGraph(q: Module, dueling: boolean, nActions: number, start: number, obsSpace: Space): PolicyGraph {
  return {
    summary: `dqn: ${dueling ? 'dueling ' : ''}Q-network, ${nActions} actions`,
    inputs: [obsInput(obsSpace, false)],
    outputs: [
      { name: 'q_values', elemType: 'float', dims: ['batch', nActions], doc: 'Q(s, a) of every action' },
      { name: 'action', elemType: 'int64', dims: ['batch'], doc: `the greedy action: argmax of q_values (first on ties)${start !== 0 ? ` plus the action space's start (${start})` : ''}, with no action mask` },
    ],
    build<T>(ops: GraphOps<T>, ins: Readonly<Record<string, T>>): Record<string, T> {
      const x = prepObs(ops, ins.obs, obsSpace, null);
      let qv: T;
      if (dueling) {
        const c = q.children;
        const h = ops.module(c.trunk, x, 'q.trunk');
        const a = ops.module(c.advantage, h, 'q.advantage');
        qv = ops.add(ops.module(c.value, h, 'q.value'), ops.sub(a, ops.meanLast(a)));
      } else {
        qv = ops.module(q, x, 'q');
      }
      return { q_values: qv, action: ops.argmax(qv, start) };
    },
  };
}

// ── SAC, TD3 ──

/** SAC's actor: the pre-squash mean, log σ squashed into [min, max], and the deterministic action tanh(mean) in the Box's units. */
export function sacGraph(actor: { trunk: Module; fcMean: Module; fcLogstd: Module }, box: BoxScale, logStdRange: readonly [number, number], obsSpace: Space): PolicyGraph {
  const [lo, hi] = logStdRange, d = box.actDim;
  return {
    summary: `sac: squashed-Gaussian actor, ${d}-dimensional Box actions`,
    inputs: [obsInput(obsSpace, false)],
    outputs: [
      { name: 'mean', elemType: 'float', dims: ['batch', d], doc: 'mean of the Gaussian before the tanh squashing' },
      { name: 'log_std', elemType: 'float', dims: ['batch', d], doc: `log standard deviation before the squashing, in [${lo}, ${hi}]; a sample is tanh(mean + exp(log_std)·ε)·scale + bias` },
      { name: 'action', elemType: 'float', dims: ['batch', d], doc: 'the deterministic action: tanh(mean) rescaled to the action space\'s bounds' },
    ],
    build<T>(ops: GraphOps<T>, ins: Readonly<Record<string, T>>): Record<string, T> {
      const h = ops.module(actor.trunk, prepObs(ops, ins.obs, obsSpace, null), 'actor.trunk');
      const mean = ops.module(actor.fcMean, h, 'actor.fc_mean');
      const logStd = ops.rescale(ops.tanh(ops.module(actor.fcLogstd, h, 'actor.fc_logstd')), 1, 0.5 * (hi - lo), lo);
      return { mean, log_std: logStd, action: ops.clipColumns(ops.affine(ops.tanh(mean), box.scale, box.bias), box.low, box.high) };
    },
  };
}

/** TD3's deterministic actor μ(s): its tanh output rescaled to the Box. */
export function td3Graph(actor: Module, box: BoxScale, obsSpace: Space): PolicyGraph {
  return {
    summary: `td3: deterministic actor, ${box.actDim}-dimensional Box actions`,
    inputs: [obsInput(obsSpace, false)],
    outputs: [{ name: 'action', elemType: 'float', dims: ['batch', box.actDim], doc: 'the action μ(s): the actor\'s tanh output rescaled to the action space\'s bounds (no exploration noise)' }],
    build<T>(ops: GraphOps<T>, ins: Readonly<Record<string, T>>): Record<string, T> {
      const mu = ops.module(actor, prepObs(ops, ins.obs, obsSpace, null), 'actor');
      return { action: ops.clipColumns(ops.affine(mu, box.scale, box.bias), box.low, box.high) };
    },
  };
}

// ── AlphaZero ──

/** AlphaZero's policy/value net over the board planes (the search that plays with it stays outside). */
export function alphazeroGraph(net: { kind: 'mlp' | 'resnet'; children: Readonly<Record<string, Module>> }, numActions: number, obsSpace: Space): PolicyGraph {
  return {
    summary: `alphazero: ${net.kind === 'mlp' ? 'MLP' : 'residual CNN'} policy/value net, ${numActions} moves`,
    inputs: [{ ...obsInput(obsSpace, false), doc: `the board planes of the player to move (${describeSpace(obsSpace)}: its stones, then the opponent's)` }],
    outputs: [
      { name: 'logits', elemType: 'float', dims: ['batch', numActions], doc: 'move logits; softmax over the legal moves gives the priors MCTS searches with' },
      { name: 'value', elemType: 'float', dims: ['batch'], doc: 'the expected outcome for the player to move, in (−1, 1)' },
    ],
    build<T>(ops: GraphOps<T>, ins: Readonly<Record<string, T>>): Record<string, T> {
      const x = net.kind === 'mlp' ? ops.flatten(ins.obs) : ins.obs;
      const h = ops.module(net.children.trunk, x, 'trunk');
      return { logits: ops.module(net.children.policy, h, 'policy'), value: ops.tanh(ops.squeezeLast(ops.module(net.children.value, h, 'value'))) };
    },
  };
}
