/**
 * Othello-v0: Othello (Reversi) on an 8×8 board, or 6×6 (and any even size 4..16) through the `size` kwarg.
 *
 * ## Description
 * Black (player 0) and White alternately place a disc so that it brackets one or more straight lines of
 * the opponent's discs between it and another disc of their own; the bracketed discs flip. A player with
 * no such placement must pass (an explicit action here), and the game ends when neither player can
 * place. The player with more discs wins; equal counts draw. Rules: https://www.worldothello.org/about/about-othello/othello-rules/official-rules/english
 * The start position has White on d4 and e5, Black on e4 and d5; rows are numbered from 1 at the top.
 * 6×6 Othello is a proven win for White, the second player (Feinstein 1993).
 *
 * Move generation is checked by perft from the start (leaf counts 4, 12, 56, 244, 1396, 8200, 55092,
 * 390216 at depths 1..8; https://aartbik.blogspot.com/2009/02/perft-for-reversi.html).
 *
 * ## Observation (Box [0, 1], float32, shape [2, size, size])
 * | Plane | Meaning                       |
 * |-------|-------------------------------|
 * | 0     | 1 on the observer's discs     |
 * | 1     | 1 on the opponent's discs     |
 *
 * ## Actions (Discrete(size² + 1))
 * The cell r·size + c (row 0 at the top; `d3` = 19 on 8×8), or size² to pass. Passing is legal only when
 * no placement is, and then it is the only legal action.
 *
 * ## Reward
 * As an env: +1 win, −1 loss, 0 draw (by disc count), at the last step.
 *
 * ## Start state
 * The four centre discs, Black to move.
 *
 * ## Episode end
 * Neither player can place a disc (full board or a blocked position).
 *
 * ## Kwargs
 * `size` (8; even, 4..16).
 *
 * ## Version history
 * - v0: initial version.
 */
import { ConfigError } from '../../src/core/errors.ts';
import { IllegalActionError, returnsForWinner, type Game, type PlayerId } from '../../src/game/game.ts';
import { parseKwargs } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { boardBounds, boardPlanes, boardToString, cellName, cellPermutations, cellX, cellY, lastMoveShape, permuteSamples, statusShape } from './grid.ts';

/** An Othello position (plain data; never mutated). */
export interface OthelloState {
  /** size² cells, row-major, row 0 at the top: 0 empty, 1 Black (player 0), 2 White (player 1). */
  readonly board: Int8Array;
  /** The player to move, or −1 when the game is over. */
  readonly player: -1 | PlayerId;
  /** The legal actions of the player to move, increasing: placements, or just the pass; empty at the end. */
  readonly legal: Int16Array;
  /** The last action (a cell or the pass), −1 at the start. */
  readonly lastMove: number;
  /** Actions played, passes included. */
  readonly moves: number;
}

/** Default kwargs: the standard 8×8 board. */
export const OTHELLO_DEFAULTS = { size: 8 } as const satisfies Record<string, number>;

const DIRS = [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]] as const;

/** For each cell and direction, the cells from the neighbour to the edge (flat `cells`, indexed by `start`/`len`). */
interface Rays {
  readonly cells: Int16Array;
  readonly start: Int32Array;
  readonly len: Int8Array;
}

function buildRays(size: number): Rays {
  const cells: number[] = [];
  const start = new Int32Array(size * size * 8);
  const len = new Int8Array(size * size * 8);
  for (let cell = 0; cell < size * size; cell++) {
    for (let d = 0; d < 8; d++) {
      start[cell * 8 + d] = cells.length;
      let r = Math.floor(cell / size) + DIRS[d][0];
      let c = (cell % size) + DIRS[d][1];
      while (r >= 0 && r < size && c >= 0 && c < size) {
        cells.push(r * size + c);
        r += DIRS[d][0];
        c += DIRS[d][1];
      }
      len[cell * 8 + d] = cells.length - start[cell * 8 + d];
    }
  }
  return { cells: Int16Array.from(cells), start, len };
}

/** The number of discs `cell` would flip along direction d for `piece` (0 if none). */
function flipsAlong(board: Int8Array, rays: Rays, cell: number, d: number, piece: number): number {
  const k = cell * 8 + d;
  const len = rays.len[k];
  const s = rays.start[k];
  const opp = 3 - piece;
  let j = 0;
  while (j < len && board[rays.cells[s + j]] === opp) j++;
  return j > 0 && j < len && board[rays.cells[s + j]] === piece ? j : 0;
}

/** True when `piece` placed on the empty `cell` flips at least one disc. */
function flipsAny(board: Int8Array, rays: Rays, cell: number, piece: number): boolean {
  const opp = 3 - piece;
  for (let k = cell * 8, end = k + 8; k < end; k++) {
    const len = rays.len[k];
    if (len < 2) continue;
    const s = rays.start[k];
    if (board[rays.cells[s]] !== opp) continue;
    let j = 1;
    while (j < len && board[rays.cells[s + j]] === opp) j++;
    if (j < len && board[rays.cells[s + j]] === piece) return true;
  }
  return false;
}

/** Scratch for `placements` (filled, then copied out; never escapes). */
let scratch = new Int16Array(64);

/** Every empty cell where `piece` flips at least one disc, increasing. */
function placements(board: Int8Array, rays: Rays, piece: number): Int16Array {
  if (scratch.length < board.length) scratch = new Int16Array(board.length);
  let n = 0;
  for (let cell = 0; cell < board.length; cell++) if (board[cell] === 0 && flipsAny(board, rays, cell, piece)) scratch[n++] = cell;
  return scratch.slice(0, n);
}

/** How many placements `piece` has (no allocation). */
function countPlacements(board: Int8Array, rays: Rays, piece: number): number {
  let n = 0;
  for (let cell = 0; cell < board.length; cell++) if (board[cell] === 0 && flipsAny(board, rays, cell, piece)) n++;
  return n;
}

/** Whether `piece` has any placement. */
function hasPlacement(board: Int8Array, rays: Rays, piece: number): boolean {
  for (let cell = 0; cell < board.length; cell++) if (board[cell] === 0 && flipsAny(board, rays, cell, piece)) return true;
  return false;
}

/** Positional weights: corners are prized, the squares next to them are dangerous, edges are good. */
function positionWeights(size: number): Int8Array {
  const w = new Int8Array(size * size).fill(1);
  const last = size - 1;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const edgeR = r === 0 || r === last;
      const edgeC = c === 0 || c === last;
      const nearR = r <= 1 || r >= last - 1;
      const nearC = c <= 1 || c >= last - 1;
      let v = edgeR || edgeC ? 4 : 1;
      if (nearR && nearC) v = edgeR && edgeC ? 25 : edgeR || edgeC ? -8 : -12;
      w[r * size + c] = v;
    }
  }
  return w;
}

/** An Othello game on a size×size board. */
export function othello(kwargs: Readonly<Record<string, unknown>> = {}): Game<OthelloState> {
  const id = 'Othello-v0';
  const { size } = parseKwargs(id, kwargs, { size: 8 });
  if (!Number.isInteger(size) || size < 4 || size > 16 || size % 2 !== 0) throw new ConfigError(`${id}: kwarg size must be an even integer in [4, 16], received ${size}`);
  const n = size * size;
  const PASS = n;
  const rays = buildRays(size);
  const weights = positionWeights(size);
  const perms = cellPermutations(size, size);
  const names = ['Black', 'White'];

  const counts = (board: Int8Array): [number, number] => {
    let b = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (board[i] === 1) b++;
      else if (board[i] === 2) w++;
    }
    return [b, w];
  };
  const winnerByCount = (board: Int8Array): -1 | PlayerId => {
    const [b, w] = counts(board);
    return b > w ? 0 : w > b ? 1 : -1;
  };
  const legalActions = (s: OthelloState): Int32Array => Int32Array.from(s.legal);
  const isLegal = (s: OthelloState, action: number): boolean => {
    for (let i = 0; i < s.legal.length; i++) if (s.legal[i] === action) return true;
    return false;
  };

  return {
    id,
    title: `Othello ${size}×${size}`,
    params: { size },
    numActions: n + 1,
    observationShape: [2, size, size],
    rows: size,
    cols: size,
    initialState() {
      const board = new Int8Array(n);
      const m = size / 2;
      board[(m - 1) * size + m - 1] = 2;
      board[m * size + m] = 2;
      board[(m - 1) * size + m] = 1;
      board[m * size + m - 1] = 1;
      return { board, player: 0, legal: placements(board, rays, 1), lastMove: -1, moves: 0 };
    },
    currentPlayer: (s) => s.player,
    legalMask(s) {
      const mask = new Uint8Array(n + 1);
      for (let i = 0; i < s.legal.length; i++) mask[s.legal[i]] = 1;
      return mask;
    },
    legalActions,
    applyAction(s, action) {
      if (s.player < 0 || !isLegal(s, action)) {
        const why = s.player < 0 || !Number.isInteger(action) || action < 0 || action > n ? '' : action === PASS ? 'passing is only legal with no placement' : `${cellName(size, action)} flips no disc or is taken`;
        throw new IllegalActionError(id, action, legalActions(s), why);
      }
      const board = s.board.slice();
      const piece = s.player + 1;
      if (action !== PASS) {
        board[action] = piece;
        for (let d = 0; d < 8; d++) {
          const flips = flipsAlong(board, rays, action, d, piece);
          const start = rays.start[action * 8 + d];
          for (let j = 0; j < flips; j++) board[rays.cells[start + j]] = piece;
        }
      }
      const next: PlayerId = s.player === 0 ? 1 : 0;
      let legal = placements(board, rays, next + 1);
      let player: -1 | PlayerId = next;
      if (legal.length === 0) {
        if (hasPlacement(board, rays, piece)) legal = Int16Array.of(PASS);
        else player = -1;
      }
      return { board, player, legal, lastMove: action, moves: s.moves + 1 };
    },
    isTerminal: (s) => s.player < 0,
    returns: (s) => returnsForWinner(s.player === -1 ? winnerByCount(s.board) : -1),
    observe: (s, player) => boardPlanes(s.board, player),
    toString(s) {
      const [b, w] = counts(s.board);
      const status = s.player >= 0 ? `${'XO'[s.player]} to move${s.legal[0] === PASS ? ' (must pass)' : ''}` : b === w ? 'draw' : `${b > w ? 'X' : 'O'} wins`;
      return `${boardToString(s.board, size, size, '.XO', true)}\nX ${b} O ${w}, ${status}`;
    },
    actionToString: (_s, action) => (action === PASS ? 'pass' : cellName(size, action)),
    render(s) {
      const [b, w] = counts(s.board);
      const turn = s.player >= 0 ? `${names[s.player]} ${s.legal[0] === PASS ? 'passes' : 'to move'}` : b === w ? 'Draw' : `${b > w ? 'Black' : 'White'} wins`;
      const shapes: Shape[] = [statusShape(size, size, `${b}-${w} ${turn}`)];
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          shapes.push({ id: `cell:${r}:${c}`, kind: 'rect', x: cellX(c), y: cellY(size, r), angle: 0, width: 0.84, height: 0.84, fill: '#2e7d32' });
        }
      }
      for (let i = 0; i < n; i++) {
        const v = s.board[i];
        const r = Math.floor(i / size);
        const c = i % size;
        if (v !== 0) shapes.push({ id: `piece:${r}:${c}`, kind: 'circle', x: cellX(c), y: cellY(size, r), angle: 0, radius: 0.36, fill: v === 1 ? '#161616' : '#f4f4f4', stroke: '#161616', lineWidth: 0.04 });
      }
      for (let i = 0; i < s.legal.length; i++) {
        const a = s.legal[i];
        if (a !== PASS) shapes.push({ id: `hint:${Math.floor(a / size)}:${a % size}`, kind: 'circle', x: cellX(a % size), y: cellY(size, Math.floor(a / size)), angle: 0, radius: 0.15, fill: '#14451a', stroke: '#a5d6a7', lineWidth: 0.04 });
      }
      shapes.push(...lastMoveShape(size, size, s.lastMove === PASS ? -1 : s.lastMove));
      return { bounds: boardBounds(size, size), background: '#ffffff', shapes } satisfies Scene;
    },
    actionAt: (row, col) => (row >= 0 && row < size && col >= 0 && col < size ? row * size + col : -1),
    stateKey: (s) => String.fromCharCode(48 + s.player + 1, ...s.board),
    heuristic(s, player) {
      // Corner-weighted disc squares plus mobility (Rosenbloom 1982's IAGO features, simplified).
      const mine = player + 1;
      let score = 0;
      for (let i = 0; i < n; i++) {
        const v = s.board[i];
        if (v !== 0) score += v === mine ? weights[i] : -weights[i];
      }
      const mobility = countPlacements(s.board, rays, mine) - countPlacements(s.board, rays, 3 - mine);
      return Math.tanh((score + 3 * mobility) / 40);
    },
    randomPlayout(s, rng) {
      // One scratch board flipped in place; a player without a placement passes (its only legal move).
      if (s.player === -1) return returnsForWinner(winnerByCount(s.board));
      const board = s.board.slice();
      const moves = new Int16Array(n);
      let player: PlayerId = s.player;
      for (let passed = false; ; player = player === 0 ? 1 : 0) {
        const piece = player + 1;
        let count = 0;
        for (let cell = 0; cell < n; cell++) if (board[cell] === 0 && flipsAny(board, rays, cell, piece)) moves[count++] = cell;
        if (count === 0) {
          if (passed) break;
          passed = true;
          rng.int(1);
          continue;
        }
        passed = false;
        const cell = moves[rng.int(count)];
        board[cell] = piece;
        for (let d = 0; d < 8; d++) {
          const flips = flipsAlong(board, rays, cell, d, piece);
          const start = rays.start[cell * 8 + d];
          for (let j = 0; j < flips; j++) board[rays.cells[start + j]] = piece;
        }
      }
      return returnsForWinner(winnerByCount(board));
    },
    symmetries: (obs, policy) => permuteSamples(obs, policy, perms, (a) => (a === PASS ? -1 : a), (cell) => cell),
  };
}
