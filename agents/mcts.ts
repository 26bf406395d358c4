/**
 * Monte-Carlo tree search over any `Game<S>`: a standalone planner with a pluggable evaluator.
 *
 * - With the random-rollout evaluator and no priors it is UCT (Kocsis & Szepesvári 2006,
 *   https://doi.org/10.1007/11871842_29): select children by Q + c·√(ln N / n), trying every
 *   unvisited child first (in an order shuffled by the rng), expand one node per simulation, play
 *   random moves to the end, back the result up.
 * - With an evaluator that returns priors (a policy/value network, agents/alphazero.ts) it is PUCT as in
 *   AlphaZero (Silver et al. 2018, https://arxiv.org/abs/1712.01815, pseudocode): Q + c·P·√N / (1 + n),
 *   unvisited children valued 0, optional Dirichlet noise on the root priors for self-play.
 *
 * Values are backed up per player (a node stores the mean return of the player who moved into it), so
 * nothing assumes strict alternation. Every random draw comes from the rng passed in: the same seed
 * gives the same search and the same move. Importing this module registers the `mcts:<sims>` player kind.
 */
import { ConfigError } from '../src/core/errors.ts';
import type { Rng } from '../src/core/rng.ts';
import type { Game, PlayerId } from '../src/game/game.ts';
import { positiveIntArg, registerPlayerKind, type Player, type PlayerKind } from '../src/game/players.ts';

/** What an evaluator says about a non-terminal state. */
export interface Evaluation {
  /** Expected return for the player to move, in [−1, 1]. */
  readonly value: number;
  /** Prior move probabilities over all `numActions` (illegal ones are ignored); omit for UCT. */
  readonly priors?: Float32Array;
}

/** Judges a non-terminal leaf: a random rollout, or a network. */
export type Evaluator<S> = (state: S, rng: Rng) => Evaluation;

/** Search settings. */
export interface MctsOptions {
  /** Simulations (selection → expansion → evaluation → backup) per search. */
  readonly simulations: number;
  /** Exploration constant: √2 for UCT with rollouts (default), ~1.25 for PUCT. */
  readonly c?: number;
  /** Dirichlet noise α on the root priors (PUCT only; 0 = none). */
  readonly dirichletAlpha?: number;
  /** Weight of that noise (AlphaZero: 0.25). */
  readonly dirichletEps?: number;
  /**
   * A player modelled as moving uniformly at random: at its nodes the search visits the least visited
   * child (the first in order on ties) instead of the best bound, so each of its moves gets an equal share
   * and the values above average over its replies (expectimax) instead of assuming its best reply.
   */
  readonly randomPlayer?: PlayerId;
}

/** The outcome of a search. */
export interface MctsResult {
  /** The most visited root action (ties: higher mean value, then lower index). */
  readonly action: number;
  /** Root visit counts per action (length numActions): the AlphaZero policy target. */
  readonly visits: Float32Array;
  /** Mean return of the root's player to move after each root action (length numActions; NaN where unvisited). */
  readonly q: Float32Array;
  /** Mean return of the root's player to move over all simulations. */
  readonly value: number;
}

/** A search-tree node: the state reached by `action` from its parent, created when first selected. */
class Node<S> {
  readonly state: S;
  /** Player to move here (−1: terminal). */
  readonly player: -1 | PlayerId;
  /** Who moved into this node (the parent's player to move). */
  readonly mover: PlayerId;
  readonly action: number;
  /** Visits and total return for `mover`. */
  visits: number;
  total: number;
  /** Legal actions (shuffled for UCT), their priors, their children (null until created); null until expanded. */
  actions: Int32Array | null;
  priors: Float32Array | null;
  children: Array<Node<S> | null> | null;
  /** Returns at a terminal node. */
  readonly terminalReturns: readonly [number, number] | null;

  constructor(game: Game<S>, state: S, mover: PlayerId, action: number) {
    this.state = state;
    this.player = game.currentPlayer(state);
    this.mover = mover;
    this.action = action;
    this.visits = 0;
    this.total = 0;
    this.actions = null;
    this.priors = null;
    this.children = null;
    this.terminalReturns = this.player < 0 ? game.returns(state) : null;
  }
}

/**
 * A random playout to the end: the value is the final return of the player to move at the start. Uses
 * the game's allocation-free `randomPlayout` when it has one (same distribution of outcomes).
 */
export function rolloutEvaluator<S>(game: Game<S>): Evaluator<S> {
  const fast = game.randomPlayout;
  return (state, rng) => {
    const player = game.currentPlayer(state);
    if (fast !== undefined) return { value: player === -1 ? 0 : fast.call(game, state, rng)[player] };
    let s = state;
    while (!game.isTerminal(s)) {
      const actions = game.legalActions(s);
      s = game.applyAction(s, actions[rng.int(actions.length)]);
    }
    return { value: player === -1 ? 0 : game.returns(s)[player] };
  };
}

/** Runs `opts.simulations` simulations from `root` (not terminal) and returns the visit counts and the chosen action. */
export function mctsSearch<S>(game: Game<S>, root: S, evaluate: Evaluator<S>, rng: Rng, opts: MctsOptions): MctsResult {
  const sims = opts.simulations;
  if (!Number.isInteger(sims) || sims < 1) throw new ConfigError(`mcts: simulations must be a positive integer, received ${sims}`);
  const c = opts.c ?? Math.SQRT2;
  const randomPlayer = opts.randomPlayer ?? -1;
  const rootPlayer = game.currentPlayer(root);
  if (rootPlayer < 0) throw new ConfigError(`${game.id}: mcts asked to search a finished game`);
  const top = new Node(game, root, rootPlayer === 0 ? 1 : 0, -1);
  const path: Array<Node<S>> = [];
  for (let i = 0; i < sims; i++) {
    path.length = 0;
    let node = top;
    path.push(node);
    // ── selection: descend through expanded nodes ──
    while (node.children !== null && node.terminalReturns === null) {
      node = node.player === randomPlayer ? leastVisitedChild(game, node) : selectChild(game, node, c);
      path.push(node);
    }
    // ── expansion and evaluation ──
    let returns: readonly [number, number];
    if (node.terminalReturns !== null) {
      returns = node.terminalReturns;
    } else {
      const ev = evaluate(node.state, rng);
      expand(game, node, ev.priors, rng, node === top ? opts : null);
      const v = Math.max(-1, Math.min(1, ev.value));
      returns = node.player === 0 ? [v, -v] : [-v, v];
    }
    // ── backup: each node accumulates the return of the player who moved into it ──
    for (const n of path) {
      n.visits++;
      n.total += returns[n.mover];
    }
  }
  return summarize(game, top);
}

function expand<S>(game: Game<S>, node: Node<S>, priors: Float32Array | undefined, rng: Rng, rootNoise: MctsOptions | null): void {
  const actions = game.legalActions(node.state);
  if (priors === undefined) {
    rng.shuffle(actions);
    node.actions = actions;
  } else {
    node.actions = actions;
    const p = new Float32Array(actions.length);
    let sum = 0;
    for (let i = 0; i < actions.length; i++) sum += p[i] = Math.max(0, priors[actions[i]]);
    for (let i = 0; i < p.length; i++) p[i] = sum > 0 ? p[i] / sum : 1 / p.length;
    const alpha = rootNoise?.dirichletAlpha ?? 0;
    if (alpha > 0 && p.length > 1) {
      const eps = rootNoise?.dirichletEps ?? 0.25;
      const noise = rng.dirichlet(alpha, p.length);
      for (let i = 0; i < p.length; i++) p[i] = (1 - eps) * p[i] + eps * noise[i];
    }
    node.priors = p;
  }
  node.children = new Array<Node<S> | null>(actions.length).fill(null);
}

function selectChild<S>(game: Game<S>, node: Node<S>, c: number): Node<S> {
  const actions = node.actions as Int32Array;
  const children = node.children as Array<Node<S> | null>;
  const priors = node.priors;
  let best = -1;
  let bestScore = -Infinity;
  if (priors === null) {
    // UCT: the first unvisited child (actions were shuffled at expansion), else the best upper bound.
    const logN = Math.log(node.visits);
    for (let i = 0; i < actions.length; i++) {
      const child = children[i];
      if (child === null || child.visits === 0) {
        best = i;
        break;
      }
      const score = child.total / child.visits + c * Math.sqrt(logN / child.visits);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
  } else {
    const sqrtN = Math.sqrt(node.visits);
    for (let i = 0; i < actions.length; i++) {
      const child = children[i];
      const n = child === null ? 0 : child.visits;
      const q = n === 0 ? 0 : (child as Node<S>).total / n;
      const score = q + (c * priors[i] * sqrtN) / (1 + n);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
  }
  return childAt(game, node, best);
}

/** The child for the node's i-th action, created on first use. */
function childAt<S>(game: Game<S>, node: Node<S>, i: number): Node<S> {
  const children = node.children as Array<Node<S> | null>;
  let child = children[i];
  if (child === null) {
    const action = (node.actions as Int32Array)[i];
    child = new Node(game, game.applyAction(node.state, action), node.player as PlayerId, action);
    children[i] = child;
  }
  return child;
}

/** The least visited child (unvisited first, in action order): uniform shares for a random mover. */
function leastVisitedChild<S>(game: Game<S>, node: Node<S>): Node<S> {
  const actions = node.actions as Int32Array;
  const children = node.children as Array<Node<S> | null>;
  let best = 0;
  for (let i = 0; i < actions.length; i++) {
    const n = children[i]?.visits ?? 0;
    if (n === 0) {
      best = i;
      break;
    }
    if (n < (children[best] as Node<S>).visits) best = i;
  }
  return childAt(game, node, best);
}

function summarize<S>(game: Game<S>, top: Node<S>): MctsResult {
  const visits = new Float32Array(game.numActions);
  const qs = new Float32Array(game.numActions).fill(NaN);
  let action = -1;
  let bestN = -1;
  let bestQ = -Infinity;
  for (const child of top.children ?? []) {
    if (child === null) continue;
    visits[child.action] = child.visits;
    const q = child.visits > 0 ? child.total / child.visits : -Infinity;
    if (child.visits > 0) qs[child.action] = q;
    if (child.visits > bestN || (child.visits === bestN && (q > bestQ || (q === bestQ && child.action < action)))) {
      bestN = child.visits;
      bestQ = q;
      action = child.action;
    }
  }
  if (action < 0) action = (top.actions as Int32Array)[0];
  return { action, visits, q: qs, value: top.visits > 0 ? -top.total / top.visits : 0 };
}

/** A player that runs UCT with random rollouts and plays the most visited move. */
export function mctsPlayer<S>(game: Game<S>, opts: MctsOptions): Player<S> {
  const evaluate = rolloutEvaluator(game);
  return (state, rng) => mctsSearch(game, state, evaluate, rng, opts).action;
}

/** The `mcts:<sims>` player kind (default 200 simulations). */
const MCTS_PLAYER_KIND: PlayerKind = {
  name: 'mcts',
  usage: 'mcts:<sims>  (UCT with random rollouts, default 200 simulations per move)',
  create: (arg, game, spec) => mctsPlayer(game, { simulations: positiveIntArg(spec, arg, 'simulations', 200) }),
};

registerPlayerKind(MCTS_PLAYER_KIND);
