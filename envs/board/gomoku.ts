/**
 * Gomoku-v0: five in a row on a square board (free-style gomoku, 9×9 by default).
 *
 * ## Description
 * Black (player 0) and White alternately place a stone on an empty intersection; the first to make an
 * unbroken line of `connect` stones (or more: overlines count, as in free-style gomoku) horizontally,
 * vertically or diagonally wins; a full board is a draw. No renju restrictions, no swap opening.
 * Rules: https://en.wikipedia.org/wiki/Gomoku. The m,n,k-game (size, size, connect) of `mnk.ts`.
 * Stones are drawn in cells (one cell per intersection).
 *
 * ## Observation (Box [0, 1], float32, shape [2, size, size])
 * | Plane | Meaning                       |
 * |-------|-------------------------------|
 * | 0     | 1 on the observer's stones    |
 * | 1     | 1 on the opponent's stones    |
 *
 * ## Actions (Discrete(size²))
 * The cell r·size + c, row 0 at the top (`a1` top-left in `actionToString`). Occupied cells are illegal.
 *
 * ## Reward
 * As an env: +1 win, −1 loss, 0 draw, at the last step.
 *
 * ## Start state
 * The empty board, Black to move.
 *
 * ## Episode end
 * A line of `connect` or a full board.
 *
 * ## Kwargs
 * `size` (9; 5..19), `connect` (5; 3..size).
 *
 * ## Version history
 * - v0: initial version.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Game } from '../../src/game/game.ts';
import { parseKwargs } from '../../src/gym/env.ts';
import { mnkGame, type MnkState } from './mnk.ts';

/** Default kwargs: 9×9, five in a row. */
export const GOMOKU_DEFAULTS = { size: 9, connect: 5 } as const satisfies Record<string, number>;

/** A gomoku game of the given size and line length. */
export function gomoku(kwargs: Readonly<Record<string, unknown>> = {}): Game<MnkState> {
  const { size, connect } = parseKwargs('Gomoku-v0', kwargs, { size: GOMOKU_DEFAULTS.size as number, connect: GOMOKU_DEFAULTS.connect as number });
  if (!Number.isInteger(size) || size < 5 || size > 19) throw new ConfigError(`Gomoku-v0: kwarg size must be an integer in [5, 19], received ${size}`);
  if (!Number.isInteger(connect) || connect < 3 || connect > size) throw new ConfigError(`Gomoku-v0: kwarg connect must be an integer in [3, size=${size}], received ${connect}`);
  return mnkGame({ id: 'Gomoku-v0', title: `Gomoku ${size}×${size}, ${connect} in a row`, rows: size, cols: size, k: connect, style: 'stones', labels: true });
}
