/**
 * TicTacToe-v0: noughts and crosses on a 3×3 board.
 *
 * ## Description
 * Two players alternately mark an empty cell, X (player 0) first; three in a row, column or diagonal
 * wins, a full board is a draw. It is the m,n,k-game (3, 3, 3) of `mnk.ts`; perfect play draws. The game tree
 * has 549,946 nodes and 255,168 complete games (Schaefer, "Tic-Tac-Toe (Naughts and Crosses, Cheese and
 * Crackers, etc.)", http://www.mathrec.org/old/2002jan/solutions.html), which the tests count.
 *
 * ## Observation (Box [0, 1], float32, shape [2, 3, 3])
 * | Plane | Meaning                     |
 * |-------|-----------------------------|
 * | 0     | 1 where the observer marked |
 * | 1     | 1 where the opponent marked |
 *
 * ## Actions (Discrete(9))
 * The cell r·3 + c, row 0 at the top (a1 = 0, c3 = 8 in `actionToString`). Occupied cells are illegal
 * (the env's `mask`); playing one throws.
 *
 * ## Reward
 * As an env (`gameEnv`): +1 win, −1 loss, 0 draw, at the last step; 0 before.
 *
 * ## Start state
 * The empty board, X to move.
 *
 * ## Episode end
 * Three in a row or a full board (at most 9 moves).
 *
 * ## Version history
 * - v0: initial version.
 */
import type { Game } from '../../src/game/game.ts';
import { parseKwargs } from '../../src/gym/env.ts';
import { mnkGame, type MnkState } from './mnk.ts';

/** Kwargs of tic-tac-toe: none. */
export const TIC_TAC_TOE_DEFAULTS = {} as const;

/** The 3×3 game (kwargs are checked: there are none). */
export function ticTacToe(kwargs: Readonly<Record<string, unknown>> = {}): Game<MnkState> {
  parseKwargs('TicTacToe-v0', kwargs, TIC_TAC_TOE_DEFAULTS);
  return mnkGame({ id: 'TicTacToe-v0', title: 'Tic-Tac-Toe', rows: 3, cols: 3, k: 3, style: 'marks', labels: false });
}
