/**
 * `dojo list`: the registered envs (spaces, thresholds) and the algorithms (the spaces each handles).
 */
import type { Command } from 'commander';
import { listEnvs, make } from '../gym/registry.ts';
import { describeSpace } from '../gym/spaces.ts';
import { AGENTS } from '../../agents/index.ts';
import '../../envs/index.ts';

/** Rows describing every env and which agents can train on it. */
export function envRows(): Array<{ id: string; obs: string; act: string; threshold: number | null; maxSteps: number | null; agents: string[] }> {
  return listEnvs().map((spec) => {
    const env = make(spec.id);
    const row = {
      id: spec.id, obs: describeSpace(env.observationSpace), act: describeSpace(env.actionSpace),
      threshold: spec.rewardThreshold, maxSteps: spec.maxEpisodeSteps,
      agents: AGENTS.filter((a) => a.supports(env.observationSpace, env.actionSpace) === null).map((a) => a.name),
    };
    env.close();
    return row;
  });
}

/** Adds `dojo list`. */
export function register(program: Command): void {
  program
    .command('list')
    .description('list environments and algorithms')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      const envs = envRows();
      const algos = AGENTS.map((a) => ({ name: a.name, title: a.title, spaces: a.spaces }));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ envs, algos }) + '\n');
        return;
      }
      process.stdout.write('Environments\n');
      for (const e of envs) {
        process.stdout.write(`  ${e.id.padEnd(28)} obs ${e.obs}\n  ${''.padEnd(28)} act ${e.act} · threshold ${e.threshold ?? '—'} · limit ${e.maxSteps ?? '—'} · agents ${e.agents.join(', ') || '—'}\n`);
      }
      process.stdout.write('\nAlgorithms\n');
      for (const a of algos) process.stdout.write(`  ${a.name.padEnd(10)} ${a.title}\n  ${''.padEnd(10)} ${a.spaces}\n`);
    });
}
