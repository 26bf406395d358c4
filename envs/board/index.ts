/**
 * The board games and how each becomes an env: `BOARD_GAMES` lists the Game registrations
 * (envs/index.ts registers each as a Game and as an env of the same id), and `boardEnv` builds the
 * single-agent env from kwargs: the game's own (size, …) plus `opponent` (a player spec) and `agentPlays`.
 */
import '../../agents/mcts.ts';
import { gameEnv, parseAgentSeat, type GameEnv } from '../../src/game/game-env.ts';
import { parsePlayer } from '../../src/game/players.ts';
import type { GameRegistration } from '../../src/game/registry.ts';
import { parseKwargs, type EnvSpec } from '../../src/gym/env.ts';
import { CONNECT_FOUR_DEFAULTS, connectFour } from './connect-four.ts';
import { GOMOKU_DEFAULTS, gomoku } from './gomoku.ts';
import { OTHELLO_DEFAULTS, othello } from './othello.ts';
import { TIC_TAC_TOE_DEFAULTS, ticTacToe } from './tic-tac-toe.ts';

/** The board games, as game registrations (ids shared with their envs). */
export const BOARD_GAMES: readonly GameRegistration[] = [
  { id: 'TicTacToe-v0', factory: ticTacToe, kwargs: TIC_TAC_TOE_DEFAULTS, description: 'Tic-tac-toe (3×3, three in a row)', aliases: ['ttt', 'noughts-and-crosses'] },
  { id: 'ConnectFour-v0', factory: connectFour, kwargs: CONNECT_FOUR_DEFAULTS, description: 'Connect Four (rows, cols, connect; 6×7, four)', aliases: ['connect4', 'c4'] },
  { id: 'Othello-v0', factory: othello, kwargs: OTHELLO_DEFAULTS, description: 'Othello/Reversi (size 8; 6 for 6×6), passes as an action', aliases: ['reversi'] },
  { id: 'Gomoku-v0', factory: gomoku, kwargs: GOMOKU_DEFAULTS, description: 'Free-style gomoku (size 9, connect 5)', aliases: ['five-in-a-row'] },
];

/** Env kwargs beyond the game's: the opponent's player spec and the agent's seat. */
export const BOARD_ENV_DEFAULTS = { opponent: 'random', agentPlays: 'alternate' } as const;

/**
 * The env of a board game: `kwargs` holds the game's parameters plus `opponent` ('random', 'greedy',
 * 'minimax:<depth>', 'mcts:<sims>') and `agentPlays` ('alternate', 'first', 'second', 'random').
 */
export function boardEnv(board: GameRegistration, kwargs: Readonly<Record<string, unknown>>, spec: EnvSpec): GameEnv<unknown> {
  const args = parseKwargs(spec.id, kwargs, { ...board.kwargs, ...BOARD_ENV_DEFAULTS } as Record<string, number | string>);
  const gameKwargs: Record<string, unknown> = {};
  for (const key of Object.keys(board.kwargs)) gameKwargs[key] = args[key];
  const game = board.factory(gameKwargs);
  const opponent = parsePlayer(String(args.opponent), game);
  return gameEnv(game, opponent, { agentPlays: parseAgentSeat(spec.id, args.agentPlays), spec });
}
