/**
 * `dojo bench nn` and `dojo bench learn`: the deep-learning-core and learning benchmarks
 * (bench/nn.ts, bench/learn.ts), run as child processes so their flags pass through unchanged.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runScript(script: string, args: readonly string[]): void {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, join(root, 'bench', script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}

/** Adds `dojo bench nn` and `dojo bench learn` (and `dojo bench` if no other module has). */
export function register(program: Command): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('run benchmarks');
  bench
    .command('nn')
    .description('our autograd vs TensorFlow.js (cpu, wasm) and PyTorch when available: medians and speedups')
    .option('--json', 'print {"commit","machine","workloads":[…]}')
    .option('--quick', 'skip the minutes-long TF.js CPU CNN step')
    .option('--only <names>', 'comma-separated workload names')
    .action((flags: { json?: boolean; quick?: boolean; only?: string }) => {
      runScript('nn.ts', [...(flags.json ? ['--json'] : []), ...(flags.quick ? ['--quick'] : []), ...(flags.only ? ['--only', flags.only] : [])]);
    });
  bench
    .command('learn')
    .description('the learning table: every (algo, env) row over seeds, scored by 100 evaluation episodes; writes bench/LEARNING.md')
    .option('--only <rows>', 'comma-separated rows, e.g. ppo-CartPole-v1')
    .option('--seeds <n>', 'seeds per row', '5')
    .option('--no-write', 'do not rewrite bench/LEARNING.md')
    .action((flags: { only?: string; seeds: string; write: boolean }) => {
      runScript('learn.ts', [...(flags.only ? ['--only', flags.only] : []), '--seeds', flags.seeds, ...(flags.write ? [] : ['--no-write'])]);
    });
}
