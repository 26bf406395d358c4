/**
 * `dojo eval --checkpoint <file> [--episodes n] [--seed n] [--stochastic] [--json] [--info]`: runs the saved
 * policy and reports the mean and std of the episodic return. Actions are greedy by default (the most likely
 * action, or the Gaussian's mean), as SB3's `evaluate_policy(deterministic=True)`; `--stochastic` samples
 * them from the policy's distribution as training did (from the policy's own Rng, so a rerun repeats). A
 * policy can score far apart the two ways (greedy stuck against a wall where sampling wanders to the goal),
 * so the output always says which it used. `--info` adds how many episodes ended by termination (a fall, a
 * loss) and the mean of every numeric field of the episodes' last `info` (the walker's distance and cost of
 * transport, Snake's length, …).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';
import type { Env, Info } from '../gym/env.ts';
import { getAgent } from '../../agents/index.ts';
import type { CheckpointPayload, Policy } from '../../agents/common/agent.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { readCheckpoint, runContext } from './run-context.ts';

/** The result of an evaluation. */
export type EvalResult = {
  env: string; algo: string; episodes: number; mean_return: number; std_return: number; returns: number[]; lengths: number[];
  /** How actions were chosen: the most likely one (`greedy`) or drawn from the policy's distribution (`sampled`). */
  actions: ActionChoice;
  /** Episodes that ended by termination rather than truncation. */
  terminated: number;
  /** Mean over episodes of each numeric field of the last step's info (fields missing in some episodes are left out). */
  info: Record<string, number>;
};

/** `greedy`: the policy's most likely action (deterministic); `sampled`: drawn from its distribution, as in training. */
export type ActionChoice = 'greedy' | 'sampled';

/** What `evaluatePolicy` saw: per episode its return, length, last info and whether it terminated. */
export type Episodes = { returns: number[]; lengths: number[]; ends: Info[]; terminated: boolean[] };

/** Runs `episodes` episodes of `policy` in `env`, seeds seed, seed+1, …; deterministic actions by default. */
export function evaluatePolicy(policy: Policy, makeEnv: () => Env, episodes: number, seed: number, deterministic = true): Episodes {
  const env = makeEnv();
  const returns: number[] = [], lengths: number[] = [], ends: Info[] = [], terminated: boolean[] = [];
  try {
    for (let e = 0; e < episodes; e++) {
      const r = env.reset({ seed: seed + e });
      let obs = r.obs, mask = r.mask;
      policy.resetState();
      let total = 0, len = 0;
      for (;;) {
        const s = env.step(policy.act(obs, { deterministic, mask }));
        total += s.reward;
        len += 1;
        if (s.terminated || s.truncated) {
          ends.push(s.info);
          terminated.push(s.terminated);
          break;
        }
        obs = s.obs;
        mask = s.mask;
      }
      returns.push(total);
      lengths.push(len);
    }
  } finally {
    env.close();
  }
  return { returns, lengths, ends, terminated };
}

/** Mean of each numeric field present in every one of `infos`. */
export function infoMeans(infos: readonly Info[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (infos.length === 0) return out;
  for (const key of Object.keys(infos[0])) {
    if (infos.every((i) => typeof i[key] === 'number' && Number.isFinite(i[key]))) out[key] = infos.reduce((a, i) => a + (i[key] as number), 0) / infos.length;
  }
  return out;
}

/** Loads a checkpoint and evaluates it, with greedy actions unless `actions` is `sampled`. */
export function evaluateCheckpoint(ckpt: CheckpointPayload, episodes: number, seed: number, actions: ActionChoice = 'greedy'): EvalResult {
  const meta = readCheckpointMeta(ckpt);
  const agent = getAgent(meta.algo);
  const ctx = runContext(meta.envId, { kwargs: meta.envKwargs });
  const probe = ctx.makeEnv();
  const policy = agent.loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
  probe.close();
  const { returns, lengths, ends, terminated } = evaluatePolicy(policy, ctx.makeEnv, episodes, seed, actions === 'greedy');
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  return { env: meta.envId, algo: meta.algo, episodes, mean_return: mean, std_return: std, returns, lengths, actions, terminated: terminated.filter(Boolean).length, info: infoMeans(ends) };
}

/** Adds `dojo eval`. */
export function register(program: Command): void {
  program
    .command('eval')
    .description('evaluate a checkpoint: mean and std of the return, with greedy actions (or sampled ones with --stochastic)')
    .requiredOption('--checkpoint <file>', 'a .safetensors checkpoint written by dojo train')
    .option('--episodes <n>', 'number of episodes', '10')
    .option('--seed <n>', 'seed of the first episode', '0')
    .option('--stochastic', 'sample actions from the policy\'s distribution, as in training, instead of taking the most likely one')
    .option('--json', 'print {"env","algo","episodes","mean_return","std_return","actions"} (actions: "greedy" or "sampled")')
    .option('--info', 'also report terminated episodes and the mean of each numeric field of the final info (JSON: "terminated", "info")')
    .action((opts: { checkpoint: string; episodes: string; seed: string; stochastic?: boolean; json?: boolean; info?: boolean }) => {
      const episodes = Number(opts.episodes), seed = Number(opts.seed);
      if (!Number.isInteger(episodes) || episodes < 1) throw new ConfigError(`eval: --episodes expects a positive integer, received ${JSON.stringify(opts.episodes)}`);
      if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`eval: --seed expects a non-negative integer, received ${JSON.stringify(opts.seed)}`);
      if (!existsSync(opts.checkpoint)) throw new ConfigError(`eval: checkpoint not found: ${opts.checkpoint}`);
      const r = evaluateCheckpoint(readCheckpoint(opts.checkpoint), episodes, seed, opts.stochastic ? 'sampled' : 'greedy');
      if (opts.json) {
        const extra = opts.info ? { terminated: r.terminated, info: r.info } : {};
        process.stdout.write(JSON.stringify({ env: r.env, algo: r.algo, episodes: r.episodes, mean_return: r.mean_return, std_return: r.std_return, actions: r.actions, ...extra }) + '\n');
      } else {
        const how = r.actions === 'greedy' ? 'greedy actions (the most likely one; --stochastic samples them as in training)' : 'sampled actions (from the policy\'s distribution, as in training)';
        process.stdout.write(`${r.algo} on ${r.env}, ${how}: mean return ${r.mean_return.toFixed(2)} ± ${r.std_return.toFixed(2)} over ${r.episodes} episodes (mean length ${(r.lengths.reduce((a, b) => a + b, 0) / r.lengths.length).toFixed(1)})\n`);
        if (opts.info) {
          process.stdout.write(`  terminated ${r.terminated} of ${r.episodes}; final info means: ${Object.entries(r.info).map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(', ') || '(no numeric fields)'}\n`);
        }
      }
    });
}
