/**
 * `dojo bench`: the product's benchmarks, one sub-command per file (`bench-<name>.ts`), each measuring
 * in-process code from src/, envs/ and agents/ and printing its result with the commit and machine, so it
 * runs from an installed package. The benchmarks that need a peer (TensorFlow.js and PyTorch: `npm run
 * bench:nn`), long training (`npm run bench:learn`) or write the repository's result files live in bench/
 * as npm scripts of a clone.
 */
import type { Command } from 'commander';

/** The `dojo bench` command, created by the first sub-command that asks for it. */
export function benchCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'bench')
    ?? program.command('bench').description('benchmark envs (dojo bench envs) and MCTS (dojo bench games); in a clone, npm run bench:nn and bench:learn run the peer and learning benchmarks');
}
