/**
 * `dojo bench games [--seconds s] [--sims n] [--only ids] [--json]`: MCTS speed per board game, as
 * simulations per second of UCT with random rollouts searching from the start position (a simulation
 * is one selection, expansion, rollout to the end and backup). Printed with the commit and machine.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { listGames, getGame } from '../game/registry.ts';
import { mctsSearch, rolloutEvaluator } from '../../agents/mcts.ts';
import { benchCommand } from './bench.ts';
import { commitId, machine } from './provenance.ts';
import '../../envs/index.ts';

/** One measured game. */
export interface GameBenchRow {
  readonly game: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly sims_per_s: number;
  /** Mean plies of a random game (the rollout length). */
  readonly rollout_plies: number;
}

/** The games measured: every registered game with its defaults, plus 6×6 Othello. */
function variants(only: readonly string[] | undefined): Array<{ id: string; kwargs: Record<string, unknown> }> {
  const all = listGames().flatMap((g) => (g.id === 'Othello-v0' ? [{ id: g.id, kwargs: {} }, { id: g.id, kwargs: { size: 6 } }] : [{ id: g.id, kwargs: {} }]));
  return only === undefined ? all : all.filter((v) => only.includes(v.id));
}

/** Searches of `sims` simulations from the start, repeated for `seconds`, after one warm-up search. */
export function benchGames(opts: { seconds: number; sims: number; only?: readonly string[] }): GameBenchRow[] {
  return variants(opts.only).map(({ id, kwargs }) => {
    const game = getGame(id, kwargs);
    const evaluate = rolloutEvaluator(game);
    const rng = new Rng(0);
    const root = game.initialState(rng);
    mctsSearch(game, root, evaluate, rng, { simulations: Math.min(opts.sims, 200) });
    let sims = 0;
    const t0 = performance.now();
    do {
      mctsSearch(game, root, evaluate, rng, { simulations: opts.sims });
      sims += opts.sims;
    } while (performance.now() - t0 < opts.seconds * 1000);
    const simsPerS = sims / ((performance.now() - t0) / 1000);
    let plies = 0;
    for (let g = 0; g < 20; g++) {
      let s = root;
      while (!game.isTerminal(s)) {
        const actions = game.legalActions(s);
        s = game.applyAction(s, actions[rng.int(actions.length)]);
        plies++;
      }
    }
    return { game: id, kwargs, sims_per_s: Math.round(simsPerS), rollout_plies: plies / 20 };
  });
}

interface BenchGamesFlags {
  seconds: string;
  sims: string;
  only?: string;
  json?: boolean;
}

/** Adds `dojo bench games`. */
export function register(program: Command): void {
  benchCommand(program)
    .command('games')
    .description('MCTS simulations per second (UCT, random rollouts, from the start position) for each board game')
    .option('--seconds <s>', 'measuring time per game', '2')
    .option('--sims <n>', 'simulations per search', '1000')
    .option('--only <ids>', 'comma-separated game ids')
    .option('--json', 'print {"commit","machine","games":[{"game","kwargs","sims_per_s","rollout_plies"}]}')
    .action((flags: BenchGamesFlags) => {
      const seconds = Number(flags.seconds);
      const sims = Number(flags.sims);
      if (!(seconds > 0 && seconds <= 60)) throw new ConfigError(`bench games: --seconds must be in (0, 60], received ${JSON.stringify(flags.seconds)}`);
      if (!Number.isInteger(sims) || sims < 1) throw new ConfigError(`bench games: --sims must be a positive integer, received ${JSON.stringify(flags.sims)}`);
      const rows = benchGames({ seconds, sims, only: flags.only?.split(',').filter((s) => s.length > 0) });
      if (flags.json) {
        process.stdout.write(JSON.stringify({ commit: commitId(), machine: machine(), games: rows }) + '\n');
        return;
      }
      process.stdout.write(`MCTS (UCT, random rollouts) from the start position, ${sims} simulations per search\ncommit ${commitId()} · ${machine()}\n`);
      for (const r of rows) {
        const name = `${r.game}${Object.keys(r.kwargs).length > 0 ? ` ${JSON.stringify(r.kwargs)}` : ''}`;
        process.stdout.write(`  ${name.padEnd(26)} ${String(r.sims_per_s).padStart(9)} sims/s   (random games last ${r.rollout_plies.toFixed(1)} plies)\n`);
      }
    });
}
