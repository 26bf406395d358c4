/**
 * Helpers shared by the grid games (tic-tac-toe, gomoku, Connect Four, Othello): the flat board
 * encoding, egocentric observation planes, lines of k, window heuristics, ASCII and Scene layout, and
 * board symmetries.
 *
 * Boards are flat `Int8Array`s, row-major, row 0 at the top: 0 = empty, 1 = player 0, 2 = player 1
 * (`piece = player + 1`). In scenes one cell is one world unit and y points up, so cell (r, c) is centred
 * on (c + 0.5, rows − r − 0.5).
 */
import type { Shape } from '../../src/gym/scene.ts';
import type { PlayerId, SymmetrySample } from '../../src/game/game.ts';

/** Egocentric planes `[me, opponent]` of a board (length 2·rows·cols). */
export function boardPlanes(board: Int8Array, player: PlayerId, extraPlanes = 0): Float32Array {
  const n = board.length;
  const out = new Float32Array((2 + extraPlanes) * n);
  const mine = player + 1;
  for (let i = 0; i < n; i++) {
    const v = board[i];
    if (v === 0) continue;
    out[v === mine ? i : n + i] = 1;
  }
  return out;
}

/** Column letters a, b, … (then aa, ab, … past z). */
export function columnName(c: number): string {
  return c < 26 ? String.fromCharCode(97 + c) : columnName(Math.floor(c / 26) - 1) + columnName(c % 26);
}

/** A cell in `<column letter><row number>` notation, rows counted from 1 at the top (Othello's convention). */
export function cellName(cols: number, cell: number): string {
  return `${columnName(cell % cols)}${Math.floor(cell / cols) + 1}`;
}

/** The board as text: one row per line, `symbols[v]` per cell, with optional coordinate labels. */
export function boardToString(board: Int8Array, rows: number, cols: number, symbols: string, labels: boolean): string {
  const lines: string[] = [];
  const pad = String(rows).length;
  if (labels) lines.push(`${' '.repeat(pad)} ${Array.from({ length: cols }, (_, c) => columnName(c)).join(' ')}`);
  for (let r = 0; r < rows; r++) {
    let line = labels ? `${String(r + 1).padStart(pad)} ` : '';
    for (let c = 0; c < cols; c++) line += (c > 0 ? ' ' : '') + symbols[board[r * cols + c]];
    lines.push(line);
  }
  return lines.join('\n');
}

/** Counts `piece` stones from (r, c) in direction (dr, dc), not counting (r, c) itself. */
function run(board: Int8Array, rows: number, cols: number, r: number, c: number, dr: number, dc: number, piece: number): number {
  let n = 0;
  r += dr;
  c += dc;
  while (r >= 0 && r < rows && c >= 0 && c < cols && board[r * cols + c] === piece) {
    n++;
    r += dr;
    c += dc;
  }
  return n;
}

const DIRECTIONS = [[0, 1], [1, 0], [1, 1], [1, -1]] as const;

const DIR_R = Int8Array.of(0, 1, 1, 1);
const DIR_C = Int8Array.of(1, 0, 1, -1);

/** True when the stone on `cell` is part of a line of at least `k` equal stones (row, column or diagonal). */
export function makesLine(board: Int8Array, rows: number, cols: number, cell: number, k: number): boolean {
  const piece = board[cell];
  if (piece === 0) return false;
  const r = Math.floor(cell / cols);
  const c = cell - r * cols;
  for (let d = 0; d < 4; d++) {
    const dr = DIR_R[d];
    const dc = DIR_C[d];
    if (1 + run(board, rows, cols, r, c, dr, dc, piece) + run(board, rows, cols, r, c, -dr, -dc, piece) >= k) return true;
  }
  return false;
}

/** The cells of a line of ≥ k through `cell` (for highlighting a win), or an empty list. */
export function lineThrough(board: Int8Array, rows: number, cols: number, cell: number, k: number): number[] {
  const piece = board[cell];
  if (cell < 0 || piece === 0) return [];
  const r = Math.floor(cell / cols);
  const c = cell - r * cols;
  for (const [dr, dc] of DIRECTIONS) {
    const fwd = run(board, rows, cols, r, c, dr, dc, piece);
    const back = run(board, rows, cols, r, c, -dr, -dc, piece);
    if (1 + fwd + back >= k) return Array.from({ length: 1 + fwd + back }, (_, i) => (r + (i - back) * dr) * cols + (c + (i - back) * dc));
  }
  return [];
}

/** Every window of k consecutive cells in a row, column or diagonal, flat: window w is `out[w·k … w·k+k−1]`. */
export function lineWindows(rows: number, cols: number, k: number): Int16Array {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (const [dr, dc] of DIRECTIONS) {
        const er = r + (k - 1) * dr;
        const ec = c + (k - 1) * dc;
        if (er < 0 || er >= rows || ec < 0 || ec >= cols) continue;
        for (let i = 0; i < k; i++) out.push((r + i * dr) * cols + (c + i * dc));
      }
    }
  }
  return Int16Array.from(out);
}

/**
 * A threat count for `player`: each window of k that holds only one side's stones scores 4^stones for
 * that side (open lines with more stones are worth more); positive favours `player`.
 */
export function windowScore(board: Int8Array, windows: Int16Array, k: number, player: PlayerId): number {
  const mine = player + 1;
  let score = 0;
  for (let w = 0; w < windows.length; w += k) {
    let m = 0;
    let o = 0;
    for (let i = 0; i < k; i++) {
      const v = board[windows[w + i]];
      if (v === mine) m++;
      else if (v !== 0) o++;
    }
    if (o === 0 && m > 0) score += 4 ** m;
    else if (m === 0 && o > 0) score -= 4 ** o;
  }
  return score;
}

// ── scenes ──

/** Centre of cell (r, c) in world units (one unit per cell, y up). */
export function cellX(c: number): number {
  return c + 0.5;
}

/** Centre y of row r. */
export function cellY(rows: number, r: number): number {
  return rows - r - 0.5;
}

/** World bounds of a rows×cols board with a margin and a status line on top. */
export function boardBounds(rows: number, cols: number): { xMin: number; xMax: number; yMin: number; yMax: number } {
  return { xMin: -0.5, xMax: cols + 0.5, yMin: -0.5, yMax: rows + 1.3 };
}

/** The status line above the board (`status`, fixed id). */
export function statusShape(rows: number, cols: number, text: string): Shape {
  return { id: 'status', kind: 'text', x: cols / 2, y: rows + 0.45, angle: 0, text, size: 0.55, align: 'center', fill: '#222222' };
}

/** The outline marking the last move (fixed id `last-move`, moved to the cell). */
export function lastMoveShape(rows: number, cols: number, cell: number, stroke = '#e63946'): Shape[] {
  if (cell < 0) return [];
  const r = Math.floor(cell / cols);
  const c = cell % cols;
  return [{ id: 'last-move', kind: 'rect', x: cellX(c), y: cellY(rows, r), angle: 0, width: 0.94, height: 0.94, stroke, lineWidth: 0.08 }];
}

/** Small dots (ids `win:<r>:<c>`) on the cells of a winning line. */
export function winLineShapes(rows: number, cols: number, cells: readonly number[]): Shape[] {
  return cells.map((cell) => {
    const r = Math.floor(cell / cols);
    const c = cell % cols;
    return { id: `win:${r}:${c}`, kind: 'circle', x: cellX(c), y: cellY(rows, r), angle: 0, radius: 0.1, fill: '#e63946' } satisfies Shape;
  });
}

// ── symmetries ──

/** A map from (r, c) to the transformed cell of a rows×cols board. */
type CellMap = (r: number, c: number, rows: number, cols: number) => [number, number];

const SQUARE_MAPS: readonly CellMap[] = [
  (r, c) => [r, c],
  (r, c, n) => [c, n - 1 - r],
  (r, c, n, m) => [n - 1 - r, m - 1 - c],
  (r, c, n) => [n - 1 - c, r],
  (r, c, _n, m) => [r, m - 1 - c],
  (r, c, n) => [n - 1 - r, c],
  (r, c) => [c, r],
  (r, c, n) => [n - 1 - c, n - 1 - r],
];

/** Permutations of the cells under the board's symmetries: 8 for a square (D4), 4 for a rectangle. */
export function cellPermutations(rows: number, cols: number, mirrorOnly = false): Int16Array[] {
  const maps = mirrorOnly ? [SQUARE_MAPS[0], SQUARE_MAPS[4]] : rows === cols ? SQUARE_MAPS : [SQUARE_MAPS[0], SQUARE_MAPS[2], SQUARE_MAPS[4], SQUARE_MAPS[5]];
  return maps.map((map) => {
    const perm = new Int16Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const [r2, c2] = map(r, c, rows, cols);
        perm[r * cols + c] = r2 * cols + c2;
      }
    }
    return perm;
  });
}

/**
 * Applies each cell permutation to every observation plane and to the policy. `policyCell(a)` gives the
 * cell an action targets (−1: an action that maps to itself, like a pass); `actionOfCell` inverts it.
 */
export function permuteSamples(
  obs: Float32Array,
  policy: Float32Array,
  perms: readonly Int16Array[],
  policyCell: (action: number) => number,
  actionOfCell: (cell: number) => number,
): SymmetrySample[] {
  return perms.map((perm) => {
    const n = perm.length;
    const o = new Float32Array(obs.length);
    for (let p = 0; p < obs.length; p += n) for (let i = 0; i < n; i++) o[p + perm[i]] = obs[p + i];
    const pol = new Float32Array(policy.length);
    for (let a = 0; a < policy.length; a++) {
      const cell = policyCell(a);
      pol[cell < 0 ? a : actionOfCell(perm[cell])] = policy[a];
    }
    return { obs: o, policy: pol };
  });
}
