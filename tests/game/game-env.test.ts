import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { ConfigError, EnvError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { checkEnv, formatReport } from '../../src/gym/check-env.ts';
import { make } from '../../src/gym/registry.ts';
import { sample } from '../../src/gym/spaces.ts';
import { GameEnv, TwoPlayerLoop, gameEnv } from '../../src/game/game-env.ts';
import { minimaxPlayer, randomPlayer } from '../../src/game/players.ts';
import { ticTacToe } from '../../envs/board/tic-tac-toe.ts';
import { connectFour } from '../../envs/board/connect-four.ts';

describe('gameEnv', () => {
  it('resets to the agent’s view with a mask; the opponent replies inside step', () => {
    const env = make<Float32Array, number>('TicTacToe-v0', { kwargs: { agentPlays: 'first' } });
    const r = env.reset({ seed: 1 });
    expect(r.obs.length).toBe(18);
    expect(Array.from(r.mask ?? [])).toEqual(new Array(9).fill(1));
    expect(r.info).toEqual({ seat: 0, opponentActions: [] });
    const s = env.step(4);
    expect(s.reward).toBe(0);
    expect(s.obs[4]).toBe(1);
    const replies = s.info.opponentActions as number[];
    expect(replies.length).toBe(1);
    expect(s.obs[9 + replies[0]]).toBe(1);
    expect(s.mask?.[4]).toBe(0);
    expect(s.mask?.[replies[0]]).toBe(0);
  });

  it('throws an EnvError for an illegal move, naming the env and the legal moves (never silently)', () => {
    // An opponent that drops into column 0 while it can: three rounds fill it without a line of four.
    const game = connectFour();
    const columnZero = (st: ReturnType<typeof game.initialState>): number => (st.heights[0] < 6 ? 0 : game.legalActions(st)[0]);
    const env = gameEnv(game, columnZero, { agentPlays: 0 });
    env.reset({ seed: 0 });
    for (let i = 0; i < 3; i++) expect(env.step(0).terminated).toBe(false);
    expect(env.state?.heights[0]).toBe(6);
    expect(() => env.step(0)).toThrow(EnvError);
    expect(() => env.step(0)).toThrow('ConnectFour-v0: illegal move 0 (col 0) in Connect Four 6×7, connect 4; legal actions: 1 (col 1), 2 (col 2), 3 (col 3), 4 (col 4), 5 (col 5), 6 (col 6). Sample with the mask from reset()/step()');
    expect(() => env.step(7)).toThrow(EnvError);
    expect(() => env.step(Number.NaN)).toThrow(/ConnectFour-v0: action NaN is not in the action space Discrete\(7\)/);
    // The episode goes on after a rejected move.
    expect(env.step(3).terminated).toBe(false);
    const checked = make<Float32Array, number>('TicTacToe-v0', { kwargs: { agentPlays: 'first' } });
    checked.reset({ seed: 0 });
    checked.step(4);
    expect(() => checked.step(4)).toThrow(/^TicTacToe-v0: illegal move 4 \(b2\) in Tic-Tac-Toe; legal actions: /);
  });

  it('plays the second seat: the opponent has already moved after reset', () => {
    const env = make<Float32Array, number>('TicTacToe-v0', { kwargs: { agentPlays: 'second' } });
    const r = env.reset({ seed: 3 });
    const replies = r.info.opponentActions as number[];
    expect(replies.length).toBe(1);
    expect(r.obs[9 + replies[0]]).toBe(1);
    expect(r.mask?.reduce((a, b) => a + b, 0)).toBe(8);
    expect(r.info.seat).toBe(1);
  });

  it('alternates seats by episode, starting first after a seeded reset', () => {
    const env = make<Float32Array, number>('TicTacToe-v0');
    const seats = [env.reset({ seed: 0 }), env.reset(), env.reset(), env.reset({ seed: 5 })].map((r) => r.info.seat);
    expect(seats).toEqual([0, 1, 0, 0]);
  });

  it('rewards +1/−1/0 at the end only; perfect minimax never loses', () => {
    const env = make<Float32Array, number>('TicTacToe-v0', { kwargs: { opponent: 'minimax:9' } });
    for (let e = 0; e < 20; e++) {
      let { mask } = env.reset({ seed: e });
      let total = 0;
      for (;;) {
        const r = env.step(sample(env.actionSpace, env.actionRng, mask) as number);
        total += r.reward;
        if (!r.terminated) expect(r.reward).toBe(0);
        else {
          expect([0, -1]).toContain(r.reward);
          expect(Array.from(r.mask ?? [])).toEqual(new Array(9).fill(0));
          break;
        }
        mask = r.mask;
      }
      expect(total).toBeLessThanOrEqual(0);
    }
    expect(() => env.step(0)).toThrow(EnvError);
  });

  it('is reproducible: the same seed gives the same opponent replies', () => {
    const run = (): number[][] => {
      const env = make<Float32Array, number>('ConnectFour-v0', { kwargs: { opponent: 'mcts:20', agentPlays: 'random' } });
      const out: number[][] = [];
      let { mask } = env.reset({ seed: 4 });
      for (let t = 0; t < 5; t++) {
        const r = env.step(sample(env.actionSpace, env.actionRng, mask) as number);
        out.push(r.info.opponentActions as number[]);
        if (r.terminated) break;
        mask = r.mask;
      }
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('takes game kwargs and validates the env ones', () => {
    const env = make('Othello-v0', { kwargs: { size: 6 } });
    expect(env.observationSpace).toMatchObject({ kind: 'box', shape: [2, 6, 6] });
    expect(env.actionSpace).toMatchObject({ kind: 'discrete', n: 37 });
    expect(() => make('Othello-v0', { kwargs: { opponent: 'stockfish' } })).toThrow(ConfigError);
    expect(() => make('Othello-v0', { kwargs: { agentPlays: 'both' } })).toThrow(/agentPlays must be/);
    expect(() => make('Othello-v0', { kwargs: { colour: 'black' } })).toThrow(/unknown kwarg "colour"/);
    expect(() => make('Gomoku-v0', { kwargs: { size: 3 } })).toThrow(/size must be an integer in \[5, 19\]/);
  });

  it('a directly built gameEnv passes checkEnv', () => {
    const game = connectFour({ rows: 4, cols: 5, connect: 3 });
    const report = checkEnv(() => gameEnv(game, randomPlayer(game), { agentPlays: 'random' }));
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
    const env = gameEnv(game, randomPlayer(game));
    expect(env).toBeInstanceOf(GameEnv);
    expect(env.spec.id).toBe('ConnectFour-v0');
    expect(() => env.step(0)).toThrow(/before reset/);
  });
});

describe('TwoPlayerLoop (two learners, AEC-style)', () => {
  it('gives each player its view, mask and final reward', () => {
    const game = ticTacToe();
    const loop = new TwoPlayerLoop(game, 0);
    const rng = new Rng(1);
    let turns = 0;
    while (loop.currentPlayer() !== -1) {
      const p = loop.currentPlayer() as 0 | 1;
      const me = loop.observe(p);
      const other = loop.observe(p === 0 ? 1 : 0);
      expect(me.terminated).toBe(false);
      expect(me.reward).toBe(0);
      expect(other.mask.every((v) => v === 0)).toBe(true);
      expect(Array.from(me.obs.subarray(0, 9))).toEqual(Array.from(other.obs.subarray(9)));
      loop.step(sample({ kind: 'discrete', n: 9, start: 0 }, rng, me.mask) as number);
      turns++;
    }
    const [a, b] = [loop.observe(0), loop.observe(1)];
    expect(a.terminated && b.terminated).toBe(true);
    expect(a.reward + b.reward).toBe(0);
    expect(loop.history.length).toBe(turns);
    expect(() => loop.step(0)).toThrow(/after the game ended/);
    loop.reset();
    expect(loop.currentPlayer()).toBe(0);
    expect(loop.history).toEqual([]);
  });

  it('throws an EnvError for an illegal move', () => {
    const game = ticTacToe();
    const loop = new TwoPlayerLoop(game);
    loop.step(4);
    expect(() => loop.step(4)).toThrow(EnvError);
    expect(() => loop.step(4)).toThrow(/TicTacToe-v0: illegal move 4 \(b2\)/);
    expect(() => loop.step(-1)).toThrow(/illegal move -1 in Tic-Tac-Toe/);
  });

  it('self-play between two minimax players ends in a draw', () => {
    const game = ticTacToe();
    const loop = new TwoPlayerLoop(game);
    const player = minimaxPlayer(game, 9);
    const rng = new Rng(2);
    while (loop.currentPlayer() !== -1) loop.step(player(loop.state, rng));
    expect([loop.observe(0).reward, loop.observe(1).reward]).toEqual([0, 0]);
  });
});
