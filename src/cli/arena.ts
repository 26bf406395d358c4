/**
 * `dojo arena --game <id> --a <player> --b <player> [--games n] [--seed n] [--kwargs json] [--json]`:
 * plays two players against each other, each moving first in half of the games, and reports wins,
 * draws and losses. A player is a spec (`random`, `greedy`, `minimax:<depth>`, `mcts:<sims>`, or any
 * kind an agent registers, such as AlphaZero checkpoints). The JSON is
 * `{"game","games","a_wins","b_wins","draws"}`.
 */
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { AnyGame } from '../game/game.ts';
import { parsePlayer, playGame, type Player } from '../game/players.ts';
import { getGame } from '../game/registry.ts';
import '../../envs/index.ts';
import { existsSync } from 'node:fs';
import { registerPlayerKind } from '../game/players.ts';
import { checkpointPlayer } from '../../agents/alphazero.ts';
import { parseKwargsFlag, readCheckpoint } from './run-context.ts';

/**
 * Checkpoint players: `<file>.safetensors` or `<file>.safetensors:<sims>` plays the AlphaZero checkpoint's
 * best network with MCTS (its training simulations, or `<sims>`).
 */
export const CHECKPOINT_PLAYER_KIND = {
  name: 'checkpoint',
  usage: '<file>.safetensors[:<sims>]  (an AlphaZero checkpoint, MCTS over its network)',
  matches: (spec: string): boolean => /\.safetensors(:\d+)?$/.test(spec),
  create: (_arg: string | null, game: AnyGame, spec: string): Player => {
    const m = /^(.*\.safetensors)(?::(\d+))?$/.exec(spec);
    const file = m?.[1] ?? spec;
    if (!existsSync(file)) throw new ConfigError(`arena: checkpoint not found: ${file}`);
    const sims = m?.[2] !== undefined ? Number(m[2]) : undefined;
    if (sims !== undefined && !(sims >= 1)) throw new ConfigError(`arena: simulations in "${spec}" must be a positive integer`);
    return checkpointPlayer(readCheckpoint(file), game, sims);
  },
};
registerPlayerKind(CHECKPOINT_PLAYER_KIND);

/** Results of a match, from A's side, overall and by who moved first. */
export interface ArenaResult {
  readonly game: string;
  readonly games: number;
  readonly a_wins: number;
  readonly b_wins: number;
  readonly draws: number;
  /** A's wins, draws and losses when A moved first, then when B moved first. */
  readonly aFirst: { wins: number; draws: number; losses: number };
  readonly bFirst: { wins: number; draws: number; losses: number };
}

/**
 * Plays `games` games (even): A moves first in games 0, 2, 4, …, B in the others. Game i draws its
 * randomness from the i-th child of `new Rng(seed)`, so a match repeats exactly.
 */
export function runArena(game: AnyGame, a: Player, b: Player, games: number, seed: number): ArenaResult {
  const master = new Rng(seed);
  const aFirst = { wins: 0, draws: 0, losses: 0 };
  const bFirst = { wins: 0, draws: 0, losses: 0 };
  for (let i = 0; i < games; i++) {
    const rng = master.spawn();
    const aSeat = i % 2 === 0 ? 0 : 1;
    const record = playGame(game, aSeat === 0 ? [a, b] : [b, a], rng);
    const r = record.returns[aSeat];
    const tally = aSeat === 0 ? aFirst : bFirst;
    if (r > 0) tally.wins++;
    else if (r < 0) tally.losses++;
    else tally.draws++;
  }
  return {
    game: game.id, games,
    a_wins: aFirst.wins + bFirst.wins, b_wins: aFirst.losses + bFirst.losses, draws: aFirst.draws + bFirst.draws,
    aFirst, bFirst,
  };
}

interface ArenaFlags {
  game: string;
  a: string;
  b: string;
  games: string;
  seed: string;
  kwargs?: string;
  json?: boolean;
}

/** Adds `dojo arena`. */
export function register(program: Command): void {
  program
    .command('arena')
    .description('play two players against each other, both colours equally: wins, draws, losses')
    .requiredOption('--game <id>', 'game id: TicTacToe-v0, ConnectFour-v0, Othello-v0, Gomoku-v0')
    .requiredOption('--a <player>', 'player A: random, greedy, minimax:<depth>, mcts:<sims>, <checkpoint>.safetensors[:<sims>]')
    .requiredOption('--b <player>', 'player B (same choices)')
    .option('--games <n>', 'number of games (even: each player moves first in half)', '100')
    .option('--seed <n>', 'seed of the match', '0')
    .option('--kwargs <json>', 'game parameters, e.g. \'{"size":6}\' for 6×6 Othello')
    .option('--json', 'print {"game","games","a_wins","b_wins","draws"}')
    .action((flags: ArenaFlags) => {
      const games = Number(flags.games);
      const seed = Number(flags.seed);
      if (!Number.isInteger(games) || games < 2 || games % 2 !== 0) throw new ConfigError(`arena: --games must be a positive even integer (each player moves first in half), received ${JSON.stringify(flags.games)}`);
      if (!Number.isSafeInteger(seed) || seed < 0) throw new ConfigError(`arena: --seed must be a non-negative integer, received ${JSON.stringify(flags.seed)}`);
      const game = getGame(flags.game, parseKwargsFlag('arena', '--kwargs', flags.kwargs, '{"size":6}'));
      const r = runArena(game, parsePlayer(flags.a, game), parsePlayer(flags.b, game), games, seed);
      if (flags.json) {
        process.stdout.write(JSON.stringify({ game: r.game, games: r.games, a_wins: r.a_wins, b_wins: r.b_wins, draws: r.draws }) + '\n');
        return;
      }
      const pct = (n: number): string => `${((100 * n) / games).toFixed(1)}%`;
      const w = Math.max(flags.a.length, flags.b.length, 1);
      process.stdout.write(
        `${game.title} (${game.id}): ${games} games, seed ${seed}\n` +
          `  A ${flags.a.padEnd(w)}  wins ${r.a_wins} (${pct(r.a_wins)}): ${r.aFirst.wins} moving first, ${r.bFirst.wins} moving second\n` +
          `  B ${flags.b.padEnd(w)}  wins ${r.b_wins} (${pct(r.b_wins)}): ${r.bFirst.losses} moving first, ${r.aFirst.losses} moving second\n` +
          `  draws ${r.draws} (${pct(r.draws)})\n`,
      );
    });
}
