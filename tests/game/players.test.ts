import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Game } from '../../src/game/game.ts';
import { greedyPlayer, minimaxPlayer, minimaxSearch, parsePlayer, playGame, playerKinds, randomPlayer, type Player } from '../../src/game/players.ts';
import { mctsPlayer, mctsSearch, rolloutEvaluator } from '../../agents/mcts.ts';
import { connectFour, type ConnectFourState } from '../../envs/board/connect-four.ts';
import { ticTacToe } from '../../envs/board/tic-tac-toe.ts';
import { getGame } from '../../src/game/registry.ts';
import type { MnkState } from '../../envs/board/mnk.ts';

const ttt = ticTacToe();
const c4 = connectFour();

/** Wins, draws and losses of `a` over `games` games, moving first in the even ones. */
function match<S>(game: Game<S>, a: Player<S>, b: Player<S>, games: number, seed: number): { wins: number; draws: number; losses: number } {
  const out = { wins: 0, draws: 0, losses: 0 };
  const rng = new Rng(seed);
  for (let g = 0; g < games; g++) {
    const seat = g % 2;
    const r = playGame(game, seat === 0 ? [a, b] : [b, a], rng).returns[seat];
    if (r > 0) out.wins++;
    else if (r < 0) out.losses++;
    else out.draws++;
  }
  return out;
}

describe('minimax', () => {
  it('never loses tic-tac-toe to random over 100 games (50 on each side)', () => {
    const r = match(ttt, minimaxPlayer(ttt, 9), randomPlayer(ttt), 100, 1);
    expect(r.losses).toBe(0);
    expect(r.wins).toBeGreaterThan(70);
  });

  it('draws every game against itself', () => {
    const perfect = minimaxPlayer(ttt, 9);
    const r = match(ttt, perfect, perfect, 20, 2);
    expect(r).toEqual({ wins: 0, draws: 20, losses: 0 });
  });

  it('values the empty board as a draw and finds a forced win', () => {
    expect(minimaxSearch(ttt, ttt.initialState(), 9, new Rng(0)).value).toBe(0);
    // X a1 (0), O b2 (4), X c3 (8), O c1 (2): X must block a3 (6), which also forks a2 (3) and b3 (7).
    const s = [0, 4, 8, 2].reduce((st: MnkState, a) => ttt.applyAction(st, a), ttt.initialState());
    const r = minimaxSearch(ttt, s, 9, new Rng(0));
    expect(r.action).toBe(6);
    expect(r.value).toBeGreaterThan(900);
  });

  it('wins Connect Four in one, and blocks the opponent, at depth 2', () => {
    const rng = new Rng(0);
    const win = [3, 0, 3, 0, 3, 1].reduce((st: ConnectFourState, a) => c4.applyAction(st, a), c4.initialState());
    expect(minimaxSearch(c4, win, 2, rng).action).toBe(3);
    const block = [3, 0, 3, 0, 3].reduce((st: ConnectFourState, a) => c4.applyAction(st, a), c4.initialState());
    expect(minimaxSearch(c4, block, 2, rng).action).toBe(3);
  });

  it('beats random at Connect Four with depth 3', () => {
    const r = match(c4, minimaxPlayer(c4, 3), randomPlayer(c4), 6, 3);
    expect(r.wins).toBe(6);
  });

  it('is reproducible from the rng, and picks among equal moves at random', () => {
    const root = ttt.initialState();
    const first = (seed: number): number => minimaxSearch(ttt, root, 9, new Rng(seed)).action;
    expect(first(5)).toBe(first(5));
    expect(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(first)).size).toBeGreaterThan(2);
  });
});

describe('greedy', () => {
  it('wins when it can and blocks a threat', () => {
    const g = greedyPlayer(c4);
    const rng = new Rng(0);
    const win = [3, 0, 3, 0, 3, 1].reduce((st: ConnectFourState, a) => c4.applyAction(st, a), c4.initialState());
    expect(g(win, rng)).toBe(3);
    const block = [3, 0, 3, 0, 3].reduce((st: ConnectFourState, a) => c4.applyAction(st, a), c4.initialState());
    expect(g(block, rng)).toBe(3);
  });

  it('beats random at every game most of the time', () => {
    expect(match(c4, greedyPlayer(c4), randomPlayer(c4), 20, 4).wins).toBeGreaterThanOrEqual(17);
    expect(match(ttt, greedyPlayer(ttt), randomPlayer(ttt), 20, 4).losses).toBeLessThanOrEqual(2);
  });
});

describe('MCTS (UCT, random rollouts)', () => {
  it('is deterministic given the seed', () => {
    const evaluate = rolloutEvaluator(c4);
    const root = c4.initialState();
    const a = mctsSearch(c4, root, evaluate, new Rng(11), { simulations: 300 });
    const b = mctsSearch(c4, root, evaluate, new Rng(11), { simulations: 300 });
    expect(Array.from(a.visits)).toEqual(Array.from(b.visits));
    expect(a.action).toBe(b.action);
    expect(a.visits.reduce((x, y) => x + y, 0)).toBe(299);
    const c = mctsSearch(c4, root, evaluate, new Rng(12), { simulations: 300 });
    expect(Array.from(c.visits)).not.toEqual(Array.from(a.visits));
  });

  it('MCTS-200 beats random at Connect Four', () => {
    const r = match(c4, mctsPlayer(c4, { simulations: 200 }), randomPlayer(c4), 10, 5);
    expect(r.wins).toBeGreaterThanOrEqual(9);
  });

  it('takes an immediate win and finds the tic-tac-toe fork', () => {
    const win = [3, 0, 3, 0, 3, 1].reduce((st: ConnectFourState, a) => c4.applyAction(st, a), c4.initialState());
    expect(mctsPlayer(c4, { simulations: 200 })(win, new Rng(0))).toBe(3);
    const fork = [0, 4, 8, 2].reduce((st: MnkState, a) => ttt.applyAction(st, a), ttt.initialState());
    expect(mctsPlayer(ttt, { simulations: 2000 })(fork, new Rng(0))).toBe(6);
  });

  it('averages over the replies of a player modelled as random (randomPlayer) instead of assuming its best one', () => {
    // O to move in X O X / . X . / . . O: only O at 6 stops X's diagonal, every other move loses.
    const s = [0, 1, 4, 8, 2].reduce((st: MnkState, a) => ttt.applyAction(st, a), ttt.initialState());
    // X's exact value with X playing its best and O moving uniformly at random
    const exact = (st: MnkState): number => {
      if (ttt.isTerminal(st)) return ttt.returns(st)[0];
      const values = Array.from(ttt.legalActions(st), (a) => exact(ttt.applyAction(st, a)));
      return ttt.currentPlayer(st) === 0 ? Math.max(...values) : values.reduce((x, y) => x + y, 0) / values.length;
    };
    expect(exact(s)).toBe(0.75);
    const evaluate = rolloutEvaluator(ttt);
    const vsRandom = mctsSearch(ttt, s, evaluate, new Rng(3), { simulations: 2000, randomPlayer: 1 });
    const vsBest = mctsSearch(ttt, s, evaluate, new Rng(3), { simulations: 2000 });
    // equal shares for O's four moves, and O's value ≈ −0.75 (the ordinary search finds 6 and values ≈ 0)
    for (const a of ttt.legalActions(s)) {
      expect(Math.abs(vsRandom.visits[a] - 500)).toBeLessThanOrEqual(1);
      expect(Math.abs(-vsRandom.q[a] - exact(ttt.applyAction(s, a))), `move ${a}`).toBeLessThan(0.1);
    }
    expect(Math.abs(-vsRandom.value - 0.75)).toBeLessThan(0.1);
    expect(vsBest.action).toBe(6);
    expect(Math.abs(vsBest.value)).toBeLessThan(0.1);
  });

  it('uses priors with PUCT and mixes Dirichlet noise at the root', () => {
    const uniformPriors = new Float32Array(7).fill(1 / 7);
    const greedyCentre = (): { value: number; priors: Float32Array } => {
      const p = new Float32Array(7);
      p[3] = 1;
      return { value: 0, priors: p };
    };
    const r = mctsSearch(c4, c4.initialState(), greedyCentre, new Rng(0), { simulations: 50, c: 1.25 });
    expect(r.action).toBe(3);
    expect(r.visits[3]).toBe(49);
    const noisy = mctsSearch(c4, c4.initialState(), () => ({ value: 0, priors: uniformPriors }), new Rng(0), { simulations: 50, c: 1.25, dirichletAlpha: 0.3 });
    expect(noisy.visits.reduce((x, y) => x + y, 0)).toBe(49);
  });
});

describe('player specs', () => {
  it('parses random, greedy, minimax:<depth> and mcts:<sims>', () => {
    const rng = new Rng(0);
    const s = ttt.initialState();
    for (const spec of ['random', 'greedy', 'minimax', 'minimax:2', 'mcts', 'mcts:50']) {
      const a = parsePlayer(spec, ttt)(s, rng);
      expect(ttt.legalMask(s)[a]).toBe(1);
    }
    expect(playerKinds().map((k) => k.name)).toEqual(expect.arrayContaining(['random', 'greedy', 'minimax', 'mcts']));
  });

  it('rejects unknown specs and bad arguments with the list of players', () => {
    expect(() => parsePlayer('alphabeta', ttt)).toThrow(ConfigError);
    expect(() => parsePlayer('alphabeta', ttt)).toThrow(/unknown player "alphabeta".*minimax:<depth>.*mcts:<sims>/);
    expect(() => parsePlayer('minimax:0', ttt)).toThrow(/depth must be a positive integer, received "0"/);
    expect(() => parsePlayer('mcts:lots', ttt)).toThrow(/simulations must be a positive integer/);
    expect(() => parsePlayer('zoo/TicTacToe-v0.alphazero.safetensors', ttt)).toThrow(/Checkpoint players arrive with the AlphaZero agent/);
  });

  it('playGame replays exactly from the same seed', () => {
    const players: [Player<ConnectFourState>, Player<ConnectFourState>] = [parsePlayer('mcts:30', c4), parsePlayer('greedy', c4)];
    const a = playGame(c4, players, new Rng(9));
    const b = playGame(c4, players, new Rng(9));
    expect(a.actions).toEqual(b.actions);
    expect(a.returns).toEqual(b.returns);
  });
});

describe('randomPlayout fast paths', () => {
  /** Shares of [first-player wins, draws, second-player wins] over n playouts from `start`. */
  const shares = (n: number, play: (rng: Rng) => readonly [number, number]): number[] => {
    const rng = new Rng(n);
    const out = [0, 0, 0];
    for (let i = 0; i < n; i++) out[1 - play(rng)[0]]++;
    return out.map((c) => c / n);
  };
  const cases: Array<[string, Game<unknown>, number]> = [
    ['TicTacToe-v0', ttt as Game<unknown>, 4000],
    ['ConnectFour-v0', c4 as Game<unknown>, 3000],
    ['Othello-v0 6×6', getGame('Othello-v0', { size: 6 }), 1500],
    ['Gomoku-v0 7×7', getGame('Gomoku-v0', { size: 7, connect: 4 }), 1500],
  ];
  it.each(cases)('%s: outcomes match random applyAction playouts (within 4σ)', (_id, game, n) => {
    const start = [0, 1].reduce((s, k) => game.applyAction(s, game.legalActions(s)[k]), game.initialState());
    const slow = shares(n, (rng) => {
      let s = start;
      while (!game.isTerminal(s)) {
        const actions = game.legalActions(s);
        s = game.applyAction(s, actions[rng.int(actions.length)]);
      }
      return game.returns(s);
    });
    const fast = shares(n, (rng) => (game.randomPlayout as (s: unknown, rng: Rng) => readonly [number, number])(start, rng));
    for (let i = 0; i < 3; i++) expect(Math.abs(fast[i] - slow[i])).toBeLessThan(4 * Math.sqrt((2 * 0.25) / n));
  });
});
