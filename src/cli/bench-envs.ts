/**
 * `dojo bench envs [--json] [--seconds s] [--only id,id]`: the env throughput benchmark (`bench/envs.ts`)
 * as a sub-command of `dojo bench`, which it creates if no other module has.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';

/** Options of `dojo bench envs`. */
interface BenchEnvsFlags {
  json?: boolean;
  seconds?: string;
  only?: string;
}

/** Adds `dojo bench envs` (and `dojo bench` if it does not exist yet). */
export function register(program: Command): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('run benchmarks');
  bench
    .command('envs')
    .description('steps/s of every registered env: single, vector in-process, 2 workers (random actions, resets included)')
    .option('--json', 'print {"commit","machine","envs":[{"id","mode","steps_per_s"}]}')
    .option('--seconds <s>', 'measuring time per env and mode', '0.4')
    .option('--only <ids>', 'comma-separated env ids')
    .action(async (flags: BenchEnvsFlags) => {
      const seconds = Number(flags.seconds ?? '0.4');
      if (!(seconds > 0 && seconds <= 60)) throw new ConfigError(`bench envs: --seconds must be in (0, 60], received "${flags.seconds}"`);
      const { runEnvBench } = await import('../../bench/envs.ts');
      await runEnvBench({ json: flags.json === true, seconds, only: flags.only?.split(',').filter((s) => s.length > 0) });
    });
}
