/**
 * m,n,k-games: two players alternately place a stone on an empty cell of an m×n board; the first to
 * get k in a row (horizontally, vertically or diagonally) wins, a full board is a draw
 * (https://en.wikipedia.org/wiki/M,n,k-game). Tic-tac-toe is (3, 3, 3) and free-style gomoku is
 * (15, 15, 5); both are built here and dressed in their own files (`tic-tac-toe.ts`, `gomoku.ts`).
 *
 * "k in a row" means at least k (free-style: an overline of six also wins).
 */
import { IllegalActionError, returnsForWinner, type Game, type PlayerId } from '../../src/game/game.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import {
  boardBounds, boardPlanes, boardToString, cellName, cellPermutations, cellX, cellY, lastMoveShape, lineThrough, lineWindows, makesLine,
  permuteSamples, statusShape, windowScore, winLineShapes,
} from './grid.ts';

/** A position of an m,n,k-game (plain data; never mutated). */
export interface MnkState {
  /** rows·cols cells, row-major, row 0 at the top: 0 empty, 1 player 0 (X), 2 player 1 (O). */
  readonly board: Int8Array;
  /** The player to move, or −1 when the game is over. */
  readonly player: -1 | PlayerId;
  /** The winner, or −1 (game running or drawn). */
  readonly winner: -1 | PlayerId;
  /** The last action (a cell index), −1 at the start. */
  readonly lastMove: number;
  /** Stones on the board. */
  readonly moves: number;
}

/** How an m,n,k-game is built and drawn. */
export interface MnkOptions {
  readonly id: string;
  readonly title: string;
  readonly rows: number;
  readonly cols: number;
  readonly k: number;
  /** `marks`: X and O on paper (tic-tac-toe); `stones`: black and white stones (gomoku). */
  readonly style: 'marks' | 'stones';
  /** Coordinate labels in `toString`. */
  readonly labels: boolean;
}

/** An m,n,k-game as a `Game<MnkState>`; actions are cell indices r·cols + c. */
export function mnkGame(opts: MnkOptions): Game<MnkState> {
  const { id, rows, cols, k } = opts;
  const n = rows * cols;
  const windows = lineWindows(rows, cols, k);
  const scale = 2 * 4 ** (k - 1);
  const perms = cellPermutations(rows, cols);
  const names = opts.style === 'marks' ? ['X', 'O'] : ['Black', 'White'];

  const legalActions = (s: MnkState): Int32Array => {
    if (s.player < 0) return new Int32Array(0);
    const out = new Int32Array(n - s.moves);
    for (let i = 0, j = 0; i < n; i++) if (s.board[i] === 0) out[j++] = i;
    return out;
  };

  return {
    id,
    title: opts.title,
    params: { rows, cols, k },
    numActions: n,
    observationShape: [2, rows, cols],
    rows,
    cols,
    initialState: () => ({ board: new Int8Array(n), player: 0, winner: -1, lastMove: -1, moves: 0 }),
    currentPlayer: (s) => s.player,
    legalMask(s) {
      const mask = new Uint8Array(n);
      if (s.player >= 0) for (let i = 0; i < n; i++) mask[i] = s.board[i] === 0 ? 1 : 0;
      return mask;
    },
    legalActions,
    applyAction(s, action) {
      if (s.player < 0 || !Number.isInteger(action) || action < 0 || action >= n || s.board[action] !== 0) {
        const why = s.player >= 0 && Number.isInteger(action) && action >= 0 && action < n ? `cell ${cellName(cols, action)} is taken` : '';
        throw new IllegalActionError(id, action, legalActions(s), why);
      }
      const board = s.board.slice();
      board[action] = s.player + 1;
      const moves = s.moves + 1;
      const won = makesLine(board, rows, cols, action, k);
      const over = won || moves === n;
      return { board, player: over ? -1 : s.player === 0 ? 1 : 0, winner: won ? s.player : -1, lastMove: action, moves };
    },
    isTerminal: (s) => s.player < 0,
    returns: (s) => returnsForWinner(s.winner),
    observe: (s, player) => boardPlanes(s.board, player),
    toString(s) {
      const status = s.player >= 0 ? `${'XO'[s.player]} to move` : s.winner >= 0 ? `${'XO'[s.winner]} wins` : 'draw';
      return `${boardToString(s.board, rows, cols, '.XO', opts.labels)}\n${status}`;
    },
    actionToString: (_s, action) => cellName(cols, action),
    render(s) {
      const shapes: Shape[] = [statusShape(rows, cols, s.player >= 0 ? `${names[s.player]} to move` : s.winner >= 0 ? `${names[s.winner]} wins` : 'Draw')];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          shapes.push({ id: `cell:${r}:${c}`, kind: 'rect', x: cellX(c), y: cellY(rows, r), angle: 0, width: 1, height: 1, fill: '#ffffff', stroke: '#5c5c5c', lineWidth: 0.04 });
        }
      }
      for (let i = 0; i < n; i++) if (s.board[i] !== 0) shapes.push(pieceShape(opts.style, rows, cols, i, s.board[i]));
      shapes.push(...lastMoveShape(rows, cols, s.lastMove));
      if (s.winner >= 0) shapes.push(...winLineShapes(rows, cols, lineThrough(s.board, rows, cols, s.lastMove, k)));
      return { bounds: boardBounds(rows, cols), background: '#ffffff', shapes } satisfies Scene;
    },
    actionAt: (row, col) => (row >= 0 && row < rows && col >= 0 && col < cols ? row * cols + col : -1),
    stateKey: (s) => String.fromCharCode(48 + s.player + 1, ...s.board),
    heuristic: (s, player) => Math.tanh(windowScore(s.board, windows, k, player) / scale),
    randomPlayout(s, rng) {
      // Empty cells in a bag: draw one uniformly, swap-remove it, place, check the line through it.
      if (s.player === -1) return returnsForWinner(s.winner);
      const board = s.board.slice();
      const empties = legalActions(s);
      let player: PlayerId = s.player;
      for (let count = empties.length; count > 0; player = player === 0 ? 1 : 0) {
        const j = rng.int(count);
        const cell = empties[j];
        empties[j] = empties[--count];
        board[cell] = player + 1;
        if (makesLine(board, rows, cols, cell, k)) return returnsForWinner(player);
      }
      return returnsForWinner(-1);
    },
    symmetries: (obs, policy) => permuteSamples(obs, policy, perms, (a) => a, (cell) => cell),
  };
}

/** An X (a rotated cross polygon) or O (a ring) mark, or a black or white stone, with id `piece:<r>:<c>`. */
function pieceShape(style: 'marks' | 'stones', rows: number, cols: number, cell: number, piece: number): Shape {
  const r = Math.floor(cell / cols);
  const c = cell % cols;
  const base = { id: `piece:${r}:${c}`, x: cellX(c), y: cellY(rows, r) };
  if (style === 'stones') {
    return { ...base, kind: 'circle', angle: 0, radius: 0.42, fill: piece === 1 ? '#161616' : '#f4f4f4', stroke: '#161616', lineWidth: 0.05 };
  }
  if (piece === 2) return { ...base, kind: 'circle', angle: 0, radius: 0.3, stroke: '#e63946', lineWidth: 0.1 };
  const w = 0.06;
  const l = 0.38;
  return { ...base, kind: 'polygon', angle: Math.PI / 4, fill: '#1d3557', points: [-w, l, w, l, w, w, l, w, l, -w, w, -w, w, -l, -w, -l, -w, -w, -l, -w, -l, w, -w, w] };
}
