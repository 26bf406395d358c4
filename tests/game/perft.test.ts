/**
 * Move generation verified by counting move sequences (perft) against published values and, where no
 * deep published values exist, against an independent implementation written here.
 */
import { describe, expect, it } from 'vitest';
import type { Game } from '../../src/game/game.ts';
import { connectFour, type ConnectFourState } from '../../envs/board/connect-four.ts';
import { othello } from '../../envs/board/othello.ts';
import { ticTacToe } from '../../envs/board/tic-tac-toe.ts';

/** Leaves at exactly `depth` plies (a finished game has no children, so it counts only at depth 0). */
function perft<S>(game: Game<S>, s: S, depth: number): number {
  if (depth === 0) return 1;
  if (game.isTerminal(s)) return 0;
  let n = 0;
  for (const a of game.legalActions(s)) n += perft(game, game.applyAction(s, a), depth - 1);
  return n;
}

describe('Othello 8×8 perft', () => {
  // Leaf counts from the start: https://aartbik.blogspot.com/2009/02/perft-for-reversi.html (depths 1..12).
  const published = [1, 4, 12, 56, 244, 1396, 8200, 55092, 390216];
  const game = othello();
  it('matches the published leaf counts at depths 0..7', () => {
    const root = game.initialState();
    expect(published.slice(0, 8).map((_, d) => perft(game, root, d))).toEqual(published.slice(0, 8));
  });
  it('matches 390,216 at depth 8', () => {
    expect(perft(game, game.initialState(), 8)).toBe(published[8]);
  });
});

describe('Connect Four 6×7 perft', () => {
  const game = connectFour();
  it('is 7^d up to depth 6 and 823,536 at depth 7', () => {
    // No column fills and no one can win before ply 7, so every sequence of ≤ 6 columns is legal; at
    // ply 7 the 7 sequences that filled one column have 6 moves instead of 7: 7^7 − 7.
    const root = game.initialState();
    const expected = [1, 7, 49, 343, 2401, 16807, 117649, 823543 - 7];
    expect(expected.map((_, d) => perft(game, root, d))).toEqual(expected);
  });

  it('matches an independent make/unmake implementation from 20 random 8-ply positions to depth 4', () => {
    // The independent version scans the whole board for lines after every move (no shortcuts).
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (let t = 0; t < 20; t++) {
      let s = game.initialState();
      const moves: number[] = [];
      while (moves.length < 8 && !game.isTerminal(s)) {
        const actions = game.legalActions(s);
        const a = actions[next(actions.length)];
        moves.push(a);
        s = game.applyAction(s, a);
      }
      const ref = new NaiveConnectFour(6, 7, 4);
      for (const a of moves) ref.play(a);
      for (let d = 0; d <= 4; d++) expect(perft(game, s, d), `after ${moves.join(',')} depth ${d}`).toBe(ref.perft(d));
    }
  });

  it('agrees with published counts from set-up positions (kz04px/faeries connect4 perft tests)', () => {
    // FEN "7/7/7/7/7/rrr4 r": red (X) has three on the bottom row and moves: 1, 7, 42.
    // The same with yellow (O) to move: 1, 7, 49, 301. Four in a row already: no moves.
    const setUp = (toMove: 0 | 1, discs: number): ConnectFourState => {
      const board = new Int8Array(42);
      const heights = new Int8Array(7);
      for (let c = 0; c < discs; c++) {
        board[35 + c] = 1;
        heights[c] = 1;
      }
      const won = discs >= 4;
      return { board, heights, player: won ? -1 : toMove, winner: won ? 0 : -1, lastMove: discs - 1, moves: discs };
    };
    expect([0, 1, 2].map((d) => perft(game, setUp(0, 3), d))).toEqual([1, 7, 42]);
    expect([0, 1, 2, 3].map((d) => perft(game, setUp(1, 3), d))).toEqual([1, 7, 49, 301]);
    expect([0, 1].map((d) => perft(game, setUp(1, 4), d))).toEqual([1, 0]);
  });
});

describe('Tic-tac-toe game tree', () => {
  it('has 255,168 complete games (131,184 X wins, 77,904 O wins, 46,080 draws) and 549,946 nodes', () => {
    const game = ticTacToe();
    const byDepth = new Array<number>(10).fill(0);
    const outcomes = { x: 0, o: 0, draw: 0 };
    const walk = (s: ReturnType<typeof game.initialState>, depth: number): void => {
      byDepth[depth]++;
      if (game.isTerminal(s)) {
        const r = game.returns(s)[0];
        if (r > 0) outcomes.x++;
        else if (r < 0) outcomes.o++;
        else outcomes.draw++;
        return;
      }
      for (const a of game.legalActions(s)) walk(game.applyAction(s, a), depth + 1);
    };
    walk(game.initialState(), 0);
    expect(outcomes).toEqual({ x: 131184, o: 77904, draw: 46080 });
    expect(outcomes.x + outcomes.o + outcomes.draw).toBe(255168);
    expect(byDepth.reduce((a, b) => a + b, 0)).toBe(549946);
    // Nobody can win before move 5, so the first levels are 9·8·7·…
    expect(byDepth.slice(0, 6)).toEqual([1, 9, 72, 504, 3024, 15120]);
  });
});

/** A deliberately plain Connect Four: column arrays, make/unmake, a full-board line scan. */
class NaiveConnectFour {
  private readonly cells: number[][];
  private player = 1;
  private over = false;
  private readonly history: boolean[] = [];
  constructor(private readonly rows: number, private readonly cols: number, private readonly k: number) {
    this.cells = Array.from({ length: cols }, () => []);
  }
  play(col: number): void {
    this.history.push(this.over);
    this.cells[col].push(this.player);
    this.over = this.won(this.player) || this.cells.every((c) => c.length === this.rows);
    this.player = 3 - this.player;
  }
  undo(col: number): void {
    this.cells[col].pop();
    this.player = 3 - this.player;
    this.over = this.history.pop() as boolean;
  }
  at(c: number, r: number): number {
    return c >= 0 && c < this.cols && r >= 0 ? this.cells[c][r] ?? 0 : 0;
  }
  won(p: number): boolean {
    for (let c = 0; c < this.cols; c++) {
      for (let r = 0; r < this.rows; r++) {
        for (const [dc, dr] of [[1, 0], [0, 1], [1, 1], [1, -1]]) {
          let n = 0;
          while (n < this.k && this.at(c + n * dc, r + n * dr) === p) n++;
          if (n === this.k) return true;
        }
      }
    }
    return false;
  }
  perft(depth: number): number {
    if (depth === 0) return 1;
    if (this.over) return 0;
    let n = 0;
    for (let c = 0; c < this.cols; c++) {
      if (this.cells[c].length >= this.rows) continue;
      this.play(c);
      n += this.perft(depth - 1);
      this.undo(c);
    }
    return n;
  }
}
