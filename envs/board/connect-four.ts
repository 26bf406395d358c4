/**
 * ConnectFour-v0: drop discs into columns; four in a row wins (6 rows × 7 columns by default).
 *
 * ## Description
 * Players alternately drop a disc into a column that is not full; it falls to the lowest empty cell.
 * The first to line up `connect` discs horizontally, vertically or diagonally wins; a full board is a
 * draw. Rules: https://en.wikipedia.org/wiki/Connect_Four. The first player wins the 6×7 game with
 * perfect play, starting in the centre column (Allis 1988; Tromp, https://tromp.github.io/c4/c4.html).
 *
 * Move generation is checked by perft (move sequences from the start): 7ⁿ up to depth 6, since no
 * column fills and nobody wins before ply 7, then 823,536 at depth 7 (the 7 one-column sequences
 * lose their full column); deeper counts come from an independent implementation in the tests.
 *
 * ## Observation (Box [0, 1], float32, shape [2, rows, cols])
 * | Plane | Meaning                       |
 * |-------|-------------------------------|
 * | 0     | 1 on the observer's discs     |
 * | 1     | 1 on the opponent's discs     |
 * Row 0 is the top row.
 *
 * ## Actions (Discrete(cols))
 * The column to drop into (0 = leftmost). Full columns are illegal (the env's `mask`).
 *
 * ## Reward
 * As an env: +1 win, −1 loss, 0 draw, at the last step.
 *
 * ## Start state
 * The empty board, player 0 (X, red) to move.
 *
 * ## Episode end
 * A line of `connect` or a full board (at most rows·cols moves).
 *
 * ## Kwargs
 * `rows` (6; 2..16), `cols` (7; 2..16), `connect` (4; 2..max(rows, cols)).
 *
 * ## Version history
 * - v0: initial version.
 */
import { ConfigError } from '../../src/core/errors.ts';
import { IllegalActionError, returnsForWinner, type Game, type PlayerId } from '../../src/game/game.ts';
import { parseKwargs } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import {
  boardBounds, boardPlanes, boardToString, cellPermutations, cellX, cellY, columnName, lineThrough, lineWindows, makesLine, permuteSamples,
  statusShape, windowScore, winLineShapes,
} from './grid.ts';

/** A Connect Four position (plain data; never mutated). */
export interface ConnectFourState {
  /** rows·cols cells, row-major, row 0 at the top: 0 empty, 1 player 0 (X), 2 player 1 (O). */
  readonly board: Int8Array;
  /** Discs in each column. */
  readonly heights: Int8Array;
  /** The player to move, or −1 when the game is over. */
  readonly player: -1 | PlayerId;
  /** The winner, or −1 (game running or drawn). */
  readonly winner: -1 | PlayerId;
  /** The last action (a column), −1 at the start. */
  readonly lastMove: number;
  /** Discs on the board. */
  readonly moves: number;
}

/** Default kwargs: the standard 6×7 board, four in a row. */
export const CONNECT_FOUR_DEFAULTS = { rows: 6, cols: 7, connect: 4 } as const satisfies Record<string, number>;

/** A Connect Four game of the given size. */
export function connectFour(kwargs: Readonly<Record<string, unknown>> = {}): Game<ConnectFourState> {
  const id = 'ConnectFour-v0';
  const { rows, cols, connect: k } = parseKwargs(id, kwargs, { rows: 6, cols: 7, connect: 4 });
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 2 || v > 16) throw new ConfigError(`${id}: kwarg ${name} must be an integer in [2, 16], received ${v}`);
  }
  if (!Number.isInteger(k) || k < 2 || k > Math.max(rows, cols)) throw new ConfigError(`${id}: kwarg connect must be an integer in [2, ${Math.max(rows, cols)}], received ${k}`);
  const n = rows * cols;
  const windows = lineWindows(rows, cols, k);
  const scale = 4 ** k;
  const perms = cellPermutations(rows, cols, true);
  const symbols = cols <= 10 ? Array.from({ length: cols }, (_, c) => String(c)).join(' ') : Array.from({ length: cols }, (_, c) => columnName(c)).join(' ');

  const legalActions = (s: ConnectFourState): Int32Array => {
    if (s.player < 0) return new Int32Array(0);
    const out: number[] = [];
    for (let c = 0; c < cols; c++) if (s.heights[c] < rows) out.push(c);
    return Int32Array.from(out);
  };
  /** The cell of the top disc of a column (−1 if empty). */
  const topCell = (s: ConnectFourState, col: number): number => (col < 0 || s.heights[col] === 0 ? -1 : (rows - s.heights[col]) * cols + col);

  return {
    id,
    title: `Connect Four ${rows}×${cols}, connect ${k}`,
    params: { rows, cols, connect: k },
    numActions: cols,
    observationShape: [2, rows, cols],
    rows,
    cols,
    initialState: () => ({ board: new Int8Array(n), heights: new Int8Array(cols), player: 0, winner: -1, lastMove: -1, moves: 0 }),
    currentPlayer: (s) => s.player,
    legalMask(s) {
      const mask = new Uint8Array(cols);
      if (s.player >= 0) for (let c = 0; c < cols; c++) mask[c] = s.heights[c] < rows ? 1 : 0;
      return mask;
    },
    legalActions,
    applyAction(s, action) {
      if (s.player < 0 || !Number.isInteger(action) || action < 0 || action >= cols || s.heights[action] >= rows) {
        const full = s.player >= 0 && Number.isInteger(action) && action >= 0 && action < cols;
        throw new IllegalActionError(id, action, legalActions(s), full ? `column ${action} is full` : '');
      }
      const board = s.board.slice();
      const heights = s.heights.slice();
      const cell = (rows - 1 - heights[action]) * cols + action;
      board[cell] = s.player + 1;
      heights[action]++;
      const moves = s.moves + 1;
      const won = makesLine(board, rows, cols, cell, k);
      const over = won || moves === n;
      return { board, heights, player: over ? -1 : s.player === 0 ? 1 : 0, winner: won ? s.player : -1, lastMove: action, moves };
    },
    isTerminal: (s) => s.player < 0,
    returns: (s) => returnsForWinner(s.winner),
    observe: (s, player) => boardPlanes(s.board, player),
    toString(s) {
      const status = s.player >= 0 ? `${'XO'[s.player]} to move` : s.winner >= 0 ? `${'XO'[s.winner]} wins` : 'draw';
      return `${boardToString(s.board, rows, cols, '.XO', false)}\n${symbols}\n${status}`;
    },
    actionToString: (_s, action) => `col ${action}`,
    render(s) {
      const names = ['Red', 'Yellow'];
      const shapes: Shape[] = [
        statusShape(rows, cols, s.player >= 0 ? `${names[s.player]} to move` : s.winner >= 0 ? `${names[s.winner]} wins` : 'Draw'),
        { id: 'board', kind: 'rect', x: cols / 2, y: rows / 2, angle: 0, width: cols + 0.2, height: rows + 0.2, fill: '#1d4ed8' },
      ];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const v = s.board[r * cols + c];
          shapes.push({ id: `cell:${r}:${c}`, kind: 'circle', x: cellX(c), y: cellY(rows, r), angle: 0, radius: 0.4, fill: '#ffffff' });
          if (v !== 0) shapes.push({ id: `piece:${r}:${c}`, kind: 'circle', x: cellX(c), y: cellY(rows, r), angle: 0, radius: 0.4, fill: v === 1 ? '#e63946' : '#ffc300' });
        }
      }
      const last = topCell(s, s.lastMove);
      if (last >= 0) {
        const r = Math.floor(last / cols);
        shapes.push({ id: 'last-move', kind: 'circle', x: cellX(s.lastMove), y: cellY(rows, r), angle: 0, radius: 0.44, stroke: '#111111', lineWidth: 0.07 });
      }
      if (s.winner >= 0) shapes.push(...winLineShapes(rows, cols, lineThrough(s.board, rows, cols, last, k)));
      return { bounds: boardBounds(rows, cols), background: '#ffffff', shapes } satisfies Scene;
    },
    actionAt: (row, col) => (row >= 0 && row < rows && col >= 0 && col < cols ? col : -1),
    stateKey: (s) => String.fromCharCode(48 + s.player + 1, ...s.board),
    heuristic(s, player) {
      // Open windows (see grid.ts) plus a small preference for the centre columns, where most lines pass.
      let centre = 0;
      const mid = (cols - 1) / 2;
      for (let i = 0; i < n; i++) {
        const v = s.board[i];
        if (v !== 0) centre += (v === player + 1 ? 1 : -1) * (1 - Math.abs((i % cols) - mid) / (mid + 1));
      }
      return Math.tanh((windowScore(s.board, windows, k, player) + 4 * centre) / scale);
    },
    randomPlayout(s, rng) {
      // Open columns in a bag: draw one uniformly, drop, check the line through the disc, drop full columns.
      if (s.player === -1) return returnsForWinner(s.winner);
      const board = s.board.slice();
      const heights = s.heights.slice();
      const open = legalActions(s);
      let count = open.length;
      for (let player: PlayerId = s.player; count > 0; player = player === 0 ? 1 : 0) {
        const j = rng.int(count);
        const col = open[j];
        const cell = (rows - 1 - heights[col]) * cols + col;
        board[cell] = player + 1;
        if (++heights[col] === rows) open[j] = open[--count];
        if (makesLine(board, rows, cols, cell, k)) return returnsForWinner(player);
      }
      return returnsForWinner(-1);
    },
    symmetries: (obs, policy) => permuteSamples(obs, policy, perms, (a) => a, (cell) => cell % cols),
  };
}
