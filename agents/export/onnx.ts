/**
 * A checkpoint's acting network as an ONNX model (`dojo export --format onnx`): the agent's nets are
 * rebuilt by the agent's own builder, the checkpoint's weights loaded (every shape checked, as `loadPolicy`
 * does), and the policy graph (graphs.ts) written into an ONNX graph with named, documented inputs and
 * outputs, the observation normalisation folded in, and metadata_props naming the env, the algorithm, the
 * spaces and the commits. `reference` computes the same graph with our core, for checking a runtime's
 * outputs against ours.
 */
import { Tensor } from '../../src/autograd/index.ts';
import { CheckpointError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { ExportError, coreOps, onnxOps, type CustomLowering } from '../../src/export/graph-ops.ts';
import { OnnxGraph, OPSET, type IoDoc } from '../../src/export/onnx-graph.ts';
import { describeSpace, flatDim, type Space } from '../../src/gym/spaces.ts';
import type { Module } from '../../src/nn/index.ts';
import type { CheckpointPayload } from '../common/agent.ts';
import { actionHead, boxScale } from '../common/action-head.ts';
import { loadNets, readCheckpointMeta, type CheckpointMeta } from '../common/checkpoint.ts';
import type { RunningStats } from '../common/normalize.ts';
import { ImageInput } from '../common/cnn.ts';
import { resolveConfig } from '../common/config.ts';
import { a2cSpec, buildA2cNets } from '../a2c.ts';
import { ResBlock } from '../alphazero-net.ts';
import { loadAlphaZero } from '../alphazero.ts';
import { buildQNetwork, dqnSpec } from '../dqn.ts';
import { buildPpoNets, ppoSpec } from '../ppo.ts';
import { buildReinforceNets, reinforceSpec } from '../reinforce.ts';
import { LOG_STD_MAX, LOG_STD_MIN, buildSacNets, sacSpec } from '../sac.ts';
import { buildTd3Nets, td3Spec } from '../td3.ts';
import { actorCriticGraph, alphazeroGraph, dqnGraph, sacGraph, td3Graph, type PolicyGraph } from './graphs.ts';

/** The version of the exported model's layout (input and output names, metadata keys). */
export const ONNX_EXPORT_FORMAT = 'rl-dojo-onnx/1';

/** An exported policy: the model's bytes, its signature, and our core's outputs for given inputs. */
export type OnnxExport = {
  readonly bytes: Uint8Array;
  readonly summary: string;
  readonly inputs: readonly IoDoc[];
  readonly outputs: readonly IoDoc[];
  /** The ONNX operator types the model uses. */
  readonly opTypes: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Our core's outputs (int outputs as floats) for `batch` rows of flat, row-major inputs, by name. */
  reference(feeds: Readonly<Record<string, Float32Array>>, batch: number): Record<string, Float32Array>;
};

/** Exports the acting network of `ckpt` for an env with these spaces; `commit` is the exporting code's commit. */
export function exportOnnx(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space, commit: string): OnnxExport {
  const meta = readCheckpointMeta(ckpt);
  const graph = policyGraph(ckpt, meta, obsSpace, actSpace);
  const g = new OnnxGraph();
  const ins = Object.fromEntries(graph.inputs.map((io) => [io.name, g.input(io)]));
  const outs = graph.build(onnxOps(g, agentLayers), ins);
  for (const io of graph.outputs) g.output(io, outs[io.name]);
  const metadata: Record<string, string> = {
    format: ONNX_EXPORT_FORMAT,
    algo: meta.algo,
    env_id: meta.envId,
    env_kwargs: JSON.stringify(meta.envKwargs),
    observation_space: describeSpace(obsSpace),
    action_space: describeSpace(actSpace),
    spaces: JSON.stringify({ observation: plainSpace(obsSpace), action: plainSpace(actSpace) }),
    obs_normalization: meta.obsNorm !== null && usesObsNorm(meta.algo) ? 'folded into the graph' : 'none',
    training_commit: typeof ckpt.metadata.commit === 'string' ? ckpt.metadata.commit : 'unknown',
    rl_dojo_commit: commit,
    summary: graph.summary,
  };
  const doc = `${graph.summary}. Exported by RL Dojo (${ONNX_EXPORT_FORMAT}, opset ${OPSET}) from a checkpoint trained on ${meta.envId}.`;
  return {
    bytes: g.encode(`${meta.algo}_${meta.envId}`, doc, metadata),
    summary: graph.summary,
    inputs: graph.inputs,
    outputs: graph.outputs,
    opTypes: g.opTypes(),
    metadata,
    reference: (feeds, batch) => {
      const tensors = Object.fromEntries(graph.inputs.map((io) => {
        const dims = io.dims.map((d) => (typeof d === 'number' ? d : batch));
        const data = feeds[io.name];
        if (data === undefined) throw new ExportError(`onnx export: the reference needs input "${io.name}" [${io.dims.join(', ')}], received none`);
        return [io.name, new Tensor(data, dims)];
      }));
      const out = graph.build(coreOps(), tensors);
      return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data]));
    },
  };
}

/** Which algorithms keep observation statistics in their checkpoints (the on-policy agents, when `normObs`). */
function usesObsNorm(algo: string): boolean {
  return algo === 'ppo' || algo === 'a2c' || algo === 'reinforce';
}

/** What an exporter is given: the checkpoint, its checked metadata, the env's spaces and the observation statistics to fold in. */
type ExportInput = { ckpt: CheckpointPayload; meta: CheckpointMeta; obsSpace: Space; actSpace: Space; stats: RunningStats | null };

/** One exporter per algorithm: its nets built by the agent's own builder, the checkpoint's weights loaded, as a policy graph. */
const EXPORTERS: Readonly<Record<string, (x: ExportInput) => PolicyGraph>> = {
  ppo: ({ ckpt, meta, obsSpace, actSpace, stats }) => {
    const cfg = resolveConfig('ppo', ppoSpec, meta.config);
    const head = actionHead('ppo', actSpace);
    const nets = buildPpoNets(cfg, obsSpace, head, new Rng(cfg.seed));
    // the prefixes ppo.ts saves its nets under
    const saved: Record<string, Module> = { actor: nets.actor, critic: nets.critic };
    if (nets.trunk !== null) saved.trunk = nets.trunk;
    if (nets.lstm !== null) Object.assign(saved, { encoder: nets.encoder, lstm: nets.lstm, critic_encoder: nets.criticEncoder, critic_lstm: nets.criticLstm });
    loadNets(ckpt, withLogStd(saved, nets.logStd));
    return actorCriticGraph('ppo', nets, head, obsSpace, stats);
  },
  a2c: ({ ckpt, meta, obsSpace, actSpace, stats }) => {
    const cfg = resolveConfig('a2c', a2cSpec, meta.config);
    const head = actionHead('a2c', actSpace);
    const nets = buildA2cNets(cfg, flatDim(obsSpace), head, new Rng(cfg.seed));
    loadNets(ckpt, withLogStd({ actor: nets.actor, critic: nets.critic }, nets.logStd));
    return actorCriticGraph('a2c', nets, head, obsSpace, stats);
  },
  reinforce: ({ ckpt, meta, obsSpace, actSpace, stats }) => {
    const cfg = resolveConfig('reinforce', reinforceSpec, meta.config);
    const head = actionHead('reinforce', actSpace);
    const nets = buildReinforceNets(cfg, flatDim(obsSpace), head, new Rng(cfg.seed));
    loadNets(ckpt, withLogStd({ actor: nets.actor, critic: nets.critic }, nets.logStd));
    return actorCriticGraph('reinforce', nets, head, obsSpace, stats);
  },
  dqn: ({ ckpt, meta, obsSpace, actSpace }) => {
    const cfg = resolveConfig('dqn', dqnSpec, meta.config);
    if (actSpace.kind !== 'discrete') throw new ExportError(`onnx export: dqn needs a discrete action space, the env has ${describeSpace(actSpace)}`);
    const q = buildQNetwork(cfg, obsSpace, actSpace.n, new Rng(cfg.seed));
    loadNets(ckpt, { q });
    return dqnGraph(q, cfg.dueling, actSpace.n, actSpace.start, obsSpace);
  },
  sac: ({ ckpt, meta, obsSpace, actSpace }) => {
    const cfg = resolveConfig('sac', sacSpec, meta.config);
    const box = boxScale('sac', actSpace);
    const { actor } = buildSacNets(cfg, flatDim(obsSpace), box.actDim, new Rng(cfg.seed));
    loadNets(ckpt, { actor });
    return sacGraph(actor, box, [LOG_STD_MIN, LOG_STD_MAX], obsSpace);
  },
  td3: ({ ckpt, meta, obsSpace, actSpace }) => {
    const cfg = resolveConfig('td3', td3Spec, meta.config);
    const box = boxScale('td3', actSpace);
    const { actor } = buildTd3Nets(cfg, flatDim(obsSpace), box.actDim, new Rng(cfg.seed));
    loadNets(ckpt, { actor });
    return td3Graph(actor, box, obsSpace);
  },
  alphazero: ({ ckpt, obsSpace }) => {
    const az = loadAlphaZero(ckpt);
    return alphazeroGraph(az.net, az.game.numActions, obsSpace);
  },
};

/** The policy graph of the checkpoint's algorithm, or an ExportError naming an algorithm with no exporter. */
function policyGraph(ckpt: CheckpointPayload, meta: CheckpointMeta, obsSpace: Space, actSpace: Space): PolicyGraph {
  const stats = usesObsNorm(meta.algo) ? meta.obsNorm : null;
  if (stats !== null && stats.mean.length !== flatDim(obsSpace)) {
    throw new CheckpointError(`checkpoint observation statistics have ${stats.mean.length} dimensions, the env's observation space ${describeSpace(obsSpace)} has ${flatDim(obsSpace)}`);
  }
  if (!Object.hasOwn(EXPORTERS, meta.algo)) {
    throw new ExportError(`onnx export: no ONNX exporter for algorithm "${meta.algo}" (checkpoint trained on ${meta.envId}); exporters exist for ${Object.keys(EXPORTERS).join(', ')}`);
  }
  return EXPORTERS[meta.algo]({ ckpt, meta, obsSpace, actSpace, stats });
}

/** The nets of an on-policy checkpoint with log σ under the prefix `head`, as the agents save it. */
function withLogStd(nets: Record<string, Module>, logStd: Tensor | null): Record<string, Module> {
  if (logStd === null) return nets;
  return { ...nets, head: { params: { logStd }, buffers: {}, children: {}, training: false, forward: (x) => x } };
}

/** The agents' own layers: the CNN's image input (reshape, ÷255) and AlphaZero's residual block. */
const agentLayers: CustomLowering = (m, x, g, lower, where) => {
  if (m instanceof ImageInput) return g.op('Mul', [g.op('Reshape', [x, g.int64s([-1, ...m.shape])]), g.floats([1 / 255], [], 'inv_255')]);
  if (m instanceof ResBlock) {
    const { conv1, conv2 } = m.children;
    const y = lower(conv2, g.op('Relu', [lower(conv1, x, `${where}.conv1`)]), `${where}.conv2`);
    return g.op('Relu', [g.op('Add', [x, y])]);
  }
  return null;
};

/** A space as JSON: typed arrays as arrays, infinite bounds as "inf" / "-inf". */
function plainSpace(space: Space): unknown {
  return JSON.parse(JSON.stringify(space, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (n) => (Number.isFinite(n) ? n : n > 0 ? 'inf' : '-inf'));
    return v;
  }));
}
