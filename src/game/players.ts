/**
 * Players: functions that pick a move, `(state, rng) → action`, built for one game. The opponents of
 * `gameEnv`, the contestants of `dojo arena`, and baselines for AlphaZero.
 *
 * - `random`: a uniformly random legal move.
 * - `greedy`: win now if possible; otherwise avoid moves that let the opponent win at once (which blocks
 *   a threat); among the rest, the best `game.heuristic` after the move.
 * - `minimax:<depth>`: negamax with alpha-beta pruning and a transposition table (Knuth & Moore 1975,
 *   https://doi.org/10.1016/0004-3702(75)90019-3), `game.heuristic` at the depth limit. Exact, hence
 *   perfect, when the depth reaches the end of the game (tic-tac-toe: depth 9).
 * - `mcts:<sims>`: UCT with random rollouts (agents/mcts.ts registers this kind).
 *
 * Specs are parsed by kinds registered with `registerPlayerKind`, so agents add their own: MCTS here,
 * and AlphaZero checkpoints (a kind whose `matches` claims paths like `run/final.safetensors`).
 * Every random choice comes from the `rng` argument: the same seed replays the same game.
 */
import { ConfigError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import type { AnyGame, Game, PlayerId } from './game.ts';

/** Picks the action for the player to move in `state` (which must not be terminal). */
export type Player<S = unknown> = (state: S, rng: Rng) => number;

/** A uniformly random legal move. */
export function randomPlayer<S>(game: Game<S>): Player<S> {
  return (state, rng) => {
    const actions = game.legalActions(state);
    if (actions.length === 0) throw new ConfigError(`${game.id}: random player asked to move in a finished game`);
    return actions[rng.int(actions.length)];
  };
}

/** Win if possible, else never allow an immediate win by the opponent, else the best heuristic; ties at random. */
export function greedyPlayer<S>(game: Game<S>): Player<S> {
  return (state, rng) => {
    const me = moverOf(game, state, 'greedy');
    const actions = game.legalActions(state);
    const scored: Array<{ action: number; score: number }> = [];
    for (const action of actions) {
      const next = game.applyAction(state, action);
      if (game.isTerminal(next)) {
        const r = game.returns(next)[me];
        if (r > 0) return action;
        scored.push({ action, score: r < 0 ? -3 : 0 });
        continue;
      }
      const score = opponentWinsAtOnce(game, next, me) ? -2 : game.heuristic(next, me);
      scored.push({ action, score });
    }
    return pickBest(scored, rng);
  };
}

/** True when the player to move in `s` (not `me`) has a move that wins immediately. */
function opponentWinsAtOnce<S>(game: Game<S>, s: S, me: PlayerId): boolean {
  const them = game.currentPlayer(s);
  if (them === me || them === -1) return false;
  for (const reply of game.legalActions(s)) {
    const after = game.applyAction(s, reply);
    if (game.isTerminal(after) && game.returns(after)[them] > 0) return true;
  }
  return false;
}

function pickBest(scored: ReadonlyArray<{ action: number; score: number }>, rng: Rng): number {
  let best = -Infinity;
  for (const s of scored) best = Math.max(best, s.score);
  const ties = scored.filter((s) => s.score >= best - 1e-12);
  return ties[rng.int(ties.length)].action;
}

function moverOf<S>(game: Game<S>, state: S, who: string): PlayerId {
  const me = game.currentPlayer(state);
  if (me === -1) throw new ConfigError(`${game.id}: ${who} player asked to move in a finished game`);
  return me;
}

// ── minimax ──

/** Value of a win at the root; a win k plies deeper is worth WIN − k, so faster wins are preferred. */
const WIN = 1000;

/** The outcome of `minimaxSearch`. */
export interface MinimaxResult {
  /** The chosen move (uniformly random among equally good root moves, by the shuffle). */
  readonly action: number;
  /** Its value for the player to move: ±(1000 − plies) for a forced win/loss, heuristic in (−1, 1) otherwise. */
  readonly value: number;
  /** Positions searched. */
  readonly nodes: number;
}

interface TtEntry {
  depth: number;
  value: number;
  /** 0 exact, 1 lower bound, 2 upper bound. */
  flag: 0 | 1 | 2;
  best: number;
}

/**
 * Negamax alpha-beta to `depth` plies with a transposition table (fresh per call, so plies-to-win
 * scores stay consistent), ordering moves by the table's best move and then by `game.heuristic`.
 * Root moves are shuffled with `rng`, so among equally valued moves the choice is uniformly random.
 */
export function minimaxSearch<S>(game: Game<S>, root: S, depth: number, rng: Rng): MinimaxResult {
  const me = moverOf(game, root, 'minimax');
  const tt = new Map<string, TtEntry>();
  let nodes = 0;

  const ordered = (s: S, mover: PlayerId, hint: number, d: number): Int32Array => {
    const actions = game.legalActions(s);
    if (d < 2 || actions.length < 2) return moveFirst(actions, hint);
    const keys = new Float64Array(game.numActions);
    for (const a of actions) {
      const c = game.applyAction(s, a);
      keys[a] = game.isTerminal(c) ? 2 * game.returns(c)[mover] : game.heuristic(c, mover);
    }
    const sorted = Array.from(actions).sort((x, y) => keys[y] - keys[x]);
    return moveFirst(Int32Array.from(sorted), hint);
  };

  /** Value of `s` (not terminal) for its player to move. */
  const negamax = (s: S, d: number, alpha: number, beta: number, ply: number): number => {
    nodes++;
    const mover = game.currentPlayer(s) as PlayerId;
    if (d === 0) return game.heuristic(s, mover);
    const key = game.stateKey(s);
    const hit = tt.get(key);
    if (hit !== undefined && hit.depth >= d) {
      if (hit.flag === 0) return hit.value;
      if (hit.flag === 1 && hit.value >= beta) return hit.value;
      if (hit.flag === 2 && hit.value <= alpha) return hit.value;
    }
    const alpha0 = alpha;
    let best = -Infinity;
    let bestAction = -1;
    for (const a of ordered(s, mover, hit?.best ?? -1, d)) {
      const v = childValue(s, a, mover, d, alpha, beta, ply);
      if (v > best) {
        best = v;
        bestAction = a;
      }
      if (v > alpha) alpha = v;
      if (alpha >= beta) break;
    }
    tt.set(key, { depth: d, value: best, flag: best <= alpha0 ? 2 : best >= beta ? 1 : 0, best: bestAction });
    return best;
  };

  const childValue = (s: S, a: number, mover: PlayerId, d: number, alpha: number, beta: number, ply: number): number => {
    const c = game.applyAction(s, a);
    if (game.isTerminal(c)) {
      const r = game.returns(c)[mover];
      return r === 0 ? 0 : r * (WIN - ply - 1);
    }
    return game.currentPlayer(c) === mover ? negamax(c, d - 1, alpha, beta, ply + 1) : -negamax(c, d - 1, -beta, -alpha, ply + 1);
  };

  const rootActions = rng.shuffle(game.legalActions(root));
  let alpha = -Infinity;
  let action = rootActions[0];
  for (const a of rootActions) {
    const v = childValue(root, a, me, Math.max(1, depth), alpha, Infinity, 0);
    if (v > alpha) {
      alpha = v;
      action = a;
    }
  }
  return { action, value: alpha, nodes };
}

function moveFirst(actions: Int32Array, hint: number): Int32Array {
  const i = hint < 0 ? -1 : actions.indexOf(hint);
  if (i > 0) {
    actions.copyWithin(1, 0, i);
    actions[0] = hint;
  }
  return actions;
}

/** Alpha-beta minimax to `depth` plies (see `minimaxSearch`). */
export function minimaxPlayer<S>(game: Game<S>, depth: number): Player<S> {
  if (!Number.isInteger(depth) || depth < 1) throw new ConfigError(`minimax: depth must be a positive integer, received ${depth}`);
  return (state, rng) => minimaxSearch(game, state, depth, rng).action;
}

// ── player specs ──

/** A kind of player that specs like `name` or `name:<arg>` (or anything `matches` claims) create. */
export interface PlayerKind {
  readonly name: string;
  /** One line for help texts, e.g. `mcts:<sims>  UCT with <sims> random-rollout simulations per move`. */
  readonly usage: string;
  /** Claims specs that are not `name[:arg]` (e.g. checkpoint paths). */
  matches?(spec: string): boolean;
  /** Builds the player; `arg` is the text after `name:` (null when absent), `spec` the whole spec. */
  create(arg: string | null, game: AnyGame, spec: string): Player<unknown>;
}

const kinds = new Map<string, PlayerKind>();

/** Adds a player kind; registering the same object twice is a no-op, another kind under a taken name an error. */
export function registerPlayerKind(kind: PlayerKind): void {
  const old = kinds.get(kind.name);
  if (old === kind) return;
  if (old !== undefined) throw new ConfigError(`registerPlayerKind: "${kind.name}" is already registered`);
  kinds.set(kind.name, kind);
}

/** The registered kinds, in registration order. */
export function playerKinds(): PlayerKind[] {
  return [...kinds.values()];
}

/**
 * Builds a player from a spec: `random`, `greedy`, `minimax:<depth>`, `mcts:<sims>` (once agents/mcts.ts
 * is imported), or whatever other registered kinds accept. Unknown specs throw a ConfigError listing them.
 */
export function parsePlayer<S>(spec: string, game: Game<S>): Player<S> {
  if (typeof spec !== 'string' || spec.trim() === '') throw new ConfigError(`player spec must be a non-empty string, received ${String(spec)}; ${usageList()}`);
  const text = spec.trim();
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const kind = kinds.get(name) ?? playerKinds().find((k) => k.matches?.(text) === true);
  if (kind === undefined) {
    const path = /\.safetensors$|[/\\]/.test(text);
    const hint = path ? ' Checkpoint players arrive with the AlphaZero agent, which registers a player kind for them.' : '';
    throw new ConfigError(`unknown player "${text}".${hint} ${usageList()}`);
  }
  const arg = kind.name === name && colon >= 0 ? text.slice(colon + 1) : null;
  return kind.create(arg, game as AnyGame, text) as Player<S>;
}

function usageList(): string {
  return `Players: ${playerKinds().map((k) => k.usage).join('; ')}`;
}

/** Reads a positive integer argument of a spec like `minimax:4`, or `fallback` when absent. */
export function positiveIntArg(spec: string, arg: string | null, what: string, fallback: number): number {
  if (arg === null) return fallback;
  const v = Number(arg);
  if (!/^\d+$/.test(arg) || !Number.isSafeInteger(v) || v < 1) throw new ConfigError(`player "${spec}": ${what} must be a positive integer, received "${arg}"`);
  return v;
}

registerPlayerKind({ name: 'random', usage: 'random  (uniform legal moves)', create: (_arg, game) => randomPlayer(game) });
registerPlayerKind({ name: 'greedy', usage: 'greedy  (win, block, else best heuristic)', create: (_arg, game) => greedyPlayer(game) });
registerPlayerKind({
  name: 'minimax',
  usage: 'minimax:<depth>  (alpha-beta, default depth 4; 9 is perfect at tic-tac-toe)',
  create: (arg, game, spec) => minimaxPlayer(game, positiveIntArg(spec, arg, 'depth', 4)),
});

// ── playing ──

/** The record of one game. */
export interface GameRecord<S> {
  /** `[r0, r1]` at the end. */
  readonly returns: readonly [number, number];
  /** Every action, in order. */
  readonly actions: number[];
  readonly final: S;
}

/** Plays one game from the start: `players[p]` moves for seat p; all randomness from `rng`. */
export function playGame<S>(game: Game<S>, players: readonly [Player<S>, Player<S>], rng: Rng, start?: S): GameRecord<S> {
  let s = start ?? game.initialState(rng);
  const actions: number[] = [];
  for (let p = game.currentPlayer(s); p !== -1; p = game.currentPlayer(s)) {
    const a = players[p](s, rng);
    actions.push(a);
    s = game.applyAction(s, a);
  }
  return { returns: game.returns(s), actions, final: s };
}
