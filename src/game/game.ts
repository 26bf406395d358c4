/**
 * Game<S>: a two-player, zero-sum, turn-based game as pure functions over plain-data state
 * (OpenSpiel's `Game`/`State` split, https://github.com/google-deepmind/open_spiel, made immutable).
 *
 * A state is a plain object of numbers and typed arrays: `structuredClone` copies it, a worker can
 * receive it, a test can deep-compare it. Nothing mutates a state: `applyAction(s, a)` returns a new
 * one, so search (minimax, MCTS) keeps any state it likes without copying, and undo is "keep the old one".
 *
 * Conventions shared by every game here:
 * - players are 0 (moves first) and 1; `currentPlayer(s)` is -1 exactly when the game is over;
 * - actions are integers in [0, numActions); `legalMask(s)` has a 1 for each legal one and is non-empty
 *   until the end (a game with "no move" makes passing an explicit action, as Othello does);
 * - `returns(s)` is `[r0, r1]` with r0 + r1 = 0: +1 win, −1 loss, 0 draw (0, 0 before the end);
 * - `observe(s, player)` is egocentric: plane 0 holds `player`'s pieces, plane 1 the opponent's, so one
 *   network plays both sides (AlphaZero's canonical board, https://arxiv.org/abs/1712.01815).
 */
import type { Rng } from '../core/rng.ts';
import type { Scene } from '../gym/scene.ts';

/** A seat: 0 moves first. */
export type PlayerId = 0 | 1;

/** One augmented training sample: an observation and its policy target, transformed together. */
export interface SymmetrySample {
  readonly obs: Float32Array;
  readonly policy: Float32Array;
}

/** A two-player zero-sum game over immutable plain-data states `S`. */
export interface Game<S> {
  /** Registry id (`ConnectFour-v0`); the same id names the single-agent env. */
  readonly id: string;
  /** Human name with the parameters, e.g. `Connect Four 6×7, connect 4`. */
  readonly title: string;
  /** The parameters the game was built with (board size, line length). */
  readonly params: Readonly<Record<string, number>>;
  /** Size of the action space; actions are 0..numActions-1. */
  readonly numActions: number;
  /** Shape of `observe`: `[planes, rows, cols]`. */
  readonly observationShape: readonly number[];
  /** Board geometry, for click-to-move: scene cell `cell:<row>:<col>` plays `actionAt(row, col)`. */
  readonly rows: number;
  readonly cols: number;

  /** The start position (the rng is for games with random starts; the games here ignore it). */
  initialState(rng?: Rng): S;
  /** The player to move: 0 or 1, or -1 when the game is over. */
  currentPlayer(s: S): -1 | PlayerId;
  /** A fresh mask of numActions bytes, 1 = legal; all zero exactly at the end. */
  legalMask(s: S): Uint8Array;
  /** The legal actions in increasing order (a fresh array; empty at the end). */
  legalActions(s: S): Int32Array;
  /** The state after the player to move plays `action`; never mutates `s`. Illegal actions throw an IllegalActionError. */
  applyAction(s: S, action: number): S;
  isTerminal(s: S): boolean;
  /** `[r0, r1]`, zero-sum, in {−1, 0, +1}; `[0, 0]` before the end. */
  returns(s: S): readonly [number, number];
  /** Egocentric planes `[me, opponent, …extra]`, flattened row-major to `observationShape`. */
  observe(s: S, player: PlayerId): Float32Array;
  /** The board as ASCII, with a status line. */
  toString(s: S): string;
  /** A short name for an action in this position (`d3`, `col 4`, `pass`). */
  actionToString(s: S, action: number): string;
  /** The board as a Scene: `cell:<r>:<c>` squares, `piece:<r>:<c>` pieces, the last move highlighted. */
  render(s: S): Scene;
  /** The action a click on cell (row, col) plays (Connect Four: the column), or -1 for none. */
  actionAt(row: number, col: number): number;
  /** A transposition key: equal keys mean the same position and player to move. */
  stateKey(s: S): string;
  /** A static evaluation for `player` in (−1, 1), for greedy players and depth-limited search. */
  heuristic(s: S, player: PlayerId): number;
  /**
   * Optional fast path for MCTS rollouts: plays uniformly random legal moves from `s` to the end and
   * returns the final `returns`, like `applyAction` with random `legalActions` would (same distribution,
   * not the same rng stream), but on one scratch board instead of a new state per move. Never mutates `s`.
   */
  randomPlayout?(s: S, rng: Rng): readonly [number, number];
  /**
   * Every symmetric copy of a training sample (the identity first): the board transformations under
   * which the rules are invariant, applied to the observation planes and the policy over actions.
   */
  symmetries?(obs: Float32Array, policy: Float32Array): SymmetrySample[];
}

/**
 * A Game whose state type is not known statically (registries, CLI, browser). Its methods take back
 * only states that the same game produced.
 */
export type AnyGame = Game<unknown>;

/** An action that is not legal in the given state; names the game, the action and the legal actions. */
export class IllegalActionError extends Error {
  readonly gameId: string;
  readonly action: unknown;
  readonly legal: readonly number[];
  constructor(gameId: string, action: unknown, legal: ArrayLike<number>, detail = '') {
    const list = Array.from(legal);
    const shown = list.length > 20 ? `${list.slice(0, 20).join(', ')}, … (${list.length} legal)` : list.join(', ');
    const why = list.length === 0 ? 'the game is over (no legal actions)' : `legal actions: ${shown}`;
    super(`${gameId}: illegal action ${typeof action === 'string' ? JSON.stringify(action) : String(action)}${detail ? ` (${detail})` : ''}; ${why}`);
    this.name = 'IllegalActionError';
    this.gameId = gameId;
    this.action = action;
    this.legal = Object.freeze(list);
  }
}

/** The other seat. */
export function opponentOf(player: PlayerId): PlayerId {
  return player === 0 ? 1 : 0;
}

/** Returns `[+1, −1]`, `[−1, +1]` or `[0, 0]` for winner 0, 1 or none (−1). */
export function returnsForWinner(winner: -1 | PlayerId): readonly [number, number] {
  return winner === 0 ? WIN_0 : winner === 1 ? WIN_1 : DRAW;
}

const WIN_0 = Object.freeze([1, -1] as const);
const WIN_1 = Object.freeze([-1, 1] as const);
const DRAW = Object.freeze([0, 0] as const);
