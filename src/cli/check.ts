/**
 * `dojo check <id> [--env-kwargs json] [--all] [--steps n] [--seed n] [--json]`: runs the env conformance check (`checkEnv`) and
 * prints a readable report, one line per check. Exits with code 1 when a check fails; an unknown id gets
 * the registry's "did you mean" message.
 */
import type { Command } from 'commander';
import '../../envs/index.ts';
import { ConfigError } from '../core/errors.ts';
import { checkEnv, formatReport, type EnvCheckReport } from '../gym/check-env.ts';
import { registeredIds, spec } from '../gym/registry.ts';
import { parseKwargsFlag } from './run-context.ts';

/** Options of `dojo check`. */
interface CheckFlags {
  all?: boolean;
  steps?: string;
  seed?: string;
  json?: boolean;
  envKwargs?: string;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`check: --${name} must be a non-negative integer, received "${value}"`);
  return n;
}

/** Adds `dojo check`. */
export function register(program: Command): void {
  program
    .command('check')
    .description('check that an environment follows the Env contract (spaces, determinism, bad input, render)')
    .argument('[id]', 'environment id, e.g. CartPole-v1')
    .option('--all', 'check every registered environment')
    .option('--steps <n>', 'steps in the determinism rollouts', '200')
    .option('--seed <n>', 'seed of the rollouts', '42')
    .option('--env-kwargs <json>', 'build the env with these kwargs, e.g. \'{"actionFrame":"window"}\' (not with --all)')
    .option('--json', 'machine-readable output')
    .action((id: string | undefined, flags: CheckFlags) => {
      const ids = flags.all ? registeredIds() : id !== undefined ? [id] : [];
      if (ids.length === 0) throw new ConfigError(`check: give an environment id or --all. Registered: ${registeredIds().join(', ')}`);
      for (const each of ids) spec(each);
      const steps = positiveInt('steps', flags.steps, 200);
      const seed = positiveInt('seed', flags.seed, 42);
      const kwargs = parseKwargsFlag('check', '--env-kwargs', flags.envKwargs, '{"obs":"features"}');
      if (flags.all && flags.envKwargs !== undefined) throw new ConfigError('check: --env-kwargs builds one env, not every env (--all); give an id');
      const reports: EnvCheckReport[] = ids.map((each) => checkEnv(each, { steps, seed, kwargs }));
      if (flags.json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports)}\n`);
      else process.stdout.write(`${reports.map(formatReport).join('\n\n')}\n`);
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}
