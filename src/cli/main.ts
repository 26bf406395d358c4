/**
 * The `dojo` command. Each sub-command lives in its own file and adds itself to the program;
 * this file only wires them together and turns every error into a clear message and a non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { formatCliError } from './errors.ts';

/** A sub-command module: adds its command(s) to the program. */
export type CommandModule = { register(program: Command): void };

const modules: Array<() => Promise<CommandModule>> = [
  // sub-commands register here, one line each
  () => import('./train.ts'),
  () => import('./eval.ts'),
  () => import('./list.ts'),
  () => import('./check.ts'),
  () => import('./new-env.ts'),
  () => import('./render.ts'),
  () => import('./bench-envs.ts'),
  () => import('./arena.ts'),
  () => import('./bench-games.ts'),
  () => import('./export.ts'),
  () => import('./sweep.ts'),
  () => import('./worker.ts'),
];

// `dojo list | head` closes the pipe early: that is not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('dojo')
    .description('RL Dojo: train, evaluate, check and benchmark reinforcement-learning agents')
    .showHelpAfterError()
    .exitOverride();
  for (const load of modules) (await load()).register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(`dojo: ${formatCliError(err)}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv.slice(2));
