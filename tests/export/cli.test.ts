/**
 * `dojo export` as a user meets it: the file it writes, and clear errors for bad input (an unknown
 * format, an existing output without --overwrite, a file that is not a policy checkpoint, an algorithm
 * with no exporter, a layer ONNX cannot express).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { Rng } from '../../src/core/rng.ts';
import { exportCheckpointFile } from '../../src/cli/export.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/cli/run-context.ts';
import { onnxOps } from '../../src/export/graph-ops.ts';
import { OnnxGraph } from '../../src/export/onnx-graph.ts';
import { Activation, Dropout, LSTM, Sequential } from '../../src/nn/index.ts';
import { saveSafetensorsFile } from '../../src/nn/safetensors-node.ts';

const DOJO = join(__dirname, '..', '..', 'bin', 'dojo.js');
const ZOO_CARTPOLE = join(__dirname, '..', '..', 'zoo', 'CartPole-v1.ppo.safetensors');
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dojo-export-'));
});

describe('dojo export', () => {
  it('writes an ONNX model whose metadata names the env, the algorithm, the spaces and the commits', () => {
    const out = join(dir, 'cartpole.onnx');
    const r = spawnSync(process.execPath, [DOJO, 'export', '--checkpoint', ZOO_CARTPOLE, '--format', 'onnx', '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ppo: MLP actor-critic, discrete actions');
    expect(r.stdout).toMatch(/obs float \[batch, 4\]/);
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(out));
    const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(meta).toMatchObject({ format: 'rl-dojo-onnx/1', algo: 'ppo', env_id: 'CartPole-v1', action_space: 'Discrete(2)', training_commit: '5c0dd49', obs_normalization: 'none' });
    expect(meta.rl_dojo_commit).toMatch(/^[0-9a-f]{7,}(\+dirty)?$|^unknown$/);
    expect(JSON.parse(meta.spaces)).toMatchObject({ observation: { kind: 'box', shape: [4] }, action: { kind: 'discrete', n: 2 } });
    expect(model.graph?.input?.map((i) => i.name)).toEqual(['obs']);
    expect(model.graph?.output?.map((o) => o.name)).toEqual(['logits', 'action', 'value']);
    expect(model.graph?.input?.[0].docString).toContain('the env\'s raw observation Box(');
    expect(model.graph?.output?.every((o) => (o.docString ?? '').length > 10)).toBe(true);
    expect(model.docString).toContain('ppo: MLP actor-critic, discrete actions');
    expect(Number(model.opsetImport[0].version)).toBe(13);

    const again = spawnSync(process.execPath, [DOJO, 'export', '--checkpoint', ZOO_CARTPOLE, '--out', out], { encoding: 'utf8', timeout: 120_000 });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`export: ${out} already exists; pass --overwrite to replace it`);
  });

  it('replaces an existing file only with --overwrite, and writes the same bytes for the same checkpoint', () => {
    const out = join(dir, 'again.onnx');
    writeFileSync(out, 'old');
    expect(() => exportCheckpointFile({ checkpoint: ZOO_CARTPOLE, format: 'onnx', out })).toThrow(/already exists; pass --overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    const a = exportCheckpointFile({ checkpoint: ZOO_CARTPOLE, format: 'onnx', out, overwrite: true });
    expect(statSync(out).size).toBe(a.bytes.length);
    const b = exportCheckpointFile({ checkpoint: ZOO_CARTPOLE, format: 'onnx', out, overwrite: true });
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
  });

  it('refuses an unknown format, a missing checkpoint, and a file that is not a policy checkpoint', () => {
    const out = join(dir, 'never.onnx');
    expect(() => exportCheckpointFile({ checkpoint: ZOO_CARTPOLE, format: 'tflite', out })).toThrow('export: unknown --format "tflite"; known formats: onnx');
    expect(() => exportCheckpointFile({ checkpoint: join(dir, 'nope.safetensors'), format: 'onnx', out })).toThrow('export: checkpoint not found');
    const plain = join(dir, 'weights.safetensors');
    saveSafetensorsFile(plain, new Map([['w', { data: new Float32Array(4), shape: [2, 2] }]]), {});
    expect(() => exportCheckpointFile({ checkpoint: plain, format: 'onnx', out })).toThrow(/not an RL Dojo agent checkpoint: metadata "format" is null/);
    expect(existsSync(out)).toBe(false);
  });

  it('names the algorithm when it has no exporter', () => {
    const ckpt = readCheckpoint(ZOO_CARTPOLE);
    ckpt.metadata.algo = 'mcts';
    const file = join(dir, 'mcts.safetensors');
    writeCheckpoint(file, ckpt);
    expect(() => exportCheckpointFile({ checkpoint: file, format: 'onnx', out: join(dir, 'mcts.onnx') }))
      .toThrow('onnx export: no ONNX exporter for algorithm "mcts" (checkpoint trained on CartPole-v1); exporters exist for ppo, a2c, reinforce, dqn, sac, td3, alphazero');
  });
});

describe('layers ONNX cannot express are export errors, never a different graph', () => {
  const ops = onnxOps(new OnnxGraph());
  it('names an unknown layer and its place', () => {
    expect(() => ops.module(new Sequential(new Activation('tanh'), new Dropout(0.1, new Rng(0))), 'x', 'actor')).toThrow('onnx export: the layer actor.1 (Dropout) has no ONNX lowering');
  });
  it('refuses gelu and stacked LSTMs', () => {
    expect(() => ops.module(new Activation('gelu'), 'x', 'encoder.1')).toThrow('the layer encoder.1 is a gelu activation, which opset 13 has no op for');
    expect(() => ops.lstmCell(new LSTM(3, 4, new Rng(0), 2), 'x', 'h', 'c', 'lstm')).toThrow('onnx export: lstm is a 2-layer lstm; the exporter lowers single-layer LSTM cells only');
  });
});
