/**
 * `dojo export --checkpoint <file> --format onnx --out policy.onnx [--overwrite]`: writes a checkpoint's
 * acting network as an ONNX model that takes the env's raw observation (normalisation folded in), with
 * named inputs and outputs and metadata naming the env, the algorithm, the spaces and the commits
 * (agents/export/onnx.ts; docs/export.md lists every model's inputs and outputs).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';
import type { IoDoc } from '../export/onnx-graph.ts';
import { writeFileAtomic } from '../nn/safetensors-node.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { exportOnnx, type OnnxExport } from '../../agents/export/onnx.ts';
import { commitId } from './provenance.ts';
import { readCheckpoint, runContext } from './run-context.ts';

/** The formats `dojo export` writes. */
const FORMATS = ['onnx'] as const;

/** What `dojo export` is asked to do. */
export type ExportOptions = { checkpoint: string; format: string; out: string; overwrite?: boolean };

/** Checks the options, exports the checkpoint and writes the file atomically; returns the export. */
export function exportCheckpointFile(opts: ExportOptions): OnnxExport {
  if (!(FORMATS as readonly string[]).includes(opts.format)) {
    throw new ConfigError(`export: unknown --format ${JSON.stringify(opts.format)}; known formats: ${FORMATS.join(', ')}`);
  }
  if (!existsSync(opts.checkpoint)) throw new ConfigError(`export: checkpoint not found: ${opts.checkpoint}`);
  if (existsSync(opts.out) && opts.overwrite !== true) throw new ConfigError(`export: ${opts.out} already exists; pass --overwrite to replace it`);
  const ckpt = readCheckpoint(opts.checkpoint);
  const meta = readCheckpointMeta(ckpt);
  const probe = runContext(meta.envId, { kwargs: meta.envKwargs }).makeEnv();
  const spaces = { obs: probe.observationSpace, act: probe.actionSpace };
  probe.close();
  const exp = exportOnnx(ckpt, spaces.obs, spaces.act, commitId());
  writeFileAtomic(opts.out, exp.bytes, 'ONNX model');
  return exp;
}

/** One input or output as the summary prints it: `obs float [batch, 4]: the env's raw observation …`. */
function describeIo(io: IoDoc): string {
  return `  ${io.name} ${io.elemType} [${io.dims.join(', ')}]: ${io.doc}`;
}

/** Adds `dojo export`. */
export function register(program: Command): void {
  program
    .command('export')
    .description('export a checkpoint\'s policy network to ONNX (takes the env\'s raw observation; see docs/export.md)')
    .requiredOption('--checkpoint <file>', 'a .safetensors checkpoint written by dojo train (or a zoo file)')
    .requiredOption('--out <file>', 'the file to write, e.g. policy.onnx')
    .option('--format <format>', `the output format (${FORMATS.join(', ')})`, 'onnx')
    .option('--overwrite', 'replace --out if it exists')
    .action((opts: ExportOptions) => {
      const exp = exportCheckpointFile(opts);
      const lines = [
        `wrote ${opts.out} (${(exp.bytes.length / 1024).toFixed(1)} KiB): ${exp.summary}, env ${exp.metadata.env_id}`,
        'inputs:', ...exp.inputs.map(describeIo),
        'outputs:', ...exp.outputs.map(describeIo),
        `ops: ${exp.opTypes.join(', ')}`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
