import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { assertGame, checkGame, deepEqual } from '../../src/game/check-game.ts';
import type { AnyGame, Game } from '../../src/game/game.ts';
import { getGame, listGames } from '../../src/game/registry.ts';
import { ticTacToe } from '../../envs/board/tic-tac-toe.ts';
import type { MnkState } from '../../envs/board/mnk.ts';

const failures = (game: AnyGame, playouts = 100): string[] =>
  checkGame(game, { playouts, rng: new Rng(7) }).checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`);

describe('checkGame over every registered game', () => {
  it('lists the four board games', () => {
    expect(listGames().map((g) => g.id)).toEqual(['ConnectFour-v0', 'Gomoku-v0', 'Othello-v0', 'TicTacToe-v0']);
  });

  it.each(listGames().map((g) => g.id))('%s passes 100 random playouts', (id) => {
    const report = assertGame(getGame(id), { playouts: 100, rng: new Rng(1) });
    expect(report.checks.length).toBeGreaterThanOrEqual(10);
    expect(report.plies).toBeGreaterThan(100);
  });

  it.each([
    ['Othello-v0', { size: 6 }],
    ['Othello-v0', { size: 4 }],
    ['ConnectFour-v0', { rows: 4, cols: 5, connect: 3 }],
    ['Gomoku-v0', { size: 7, connect: 4 }],
  ] as const)('%s %j passes too', (id, kwargs) => {
    expect(failures(getGame(id, kwargs), 50)).toEqual([]);
  });
});

describe('checkGame catches broken games', () => {
  const base = ticTacToe();
  it('a mutating applyAction', () => {
    const bad: Game<MnkState> = {
      ...base,
      applyAction(s, a) {
        const next = base.applyAction(s, a);
        (s.board as Int8Array)[a] = 3;
        return next;
      },
    };
    expect(failures(bad, 3).join('\n')).toMatch(/never mutates its input: applyAction\(s, \d\) changed s/);
  });
  it('observations that are not egocentric', () => {
    const bad: Game<MnkState> = { ...base, observe: (s) => base.observe(s, 0) };
    expect(failures(bad, 3).join('\n')).toMatch(/not egocentric/);
  });
  it('a mask that stays non-empty at the end, and a non-zero-sum return', () => {
    const bad: Game<MnkState> = { ...base, legalMask: (s) => (s.player < 0 ? new Uint8Array(9).fill(1) : base.legalMask(s)), returns: (s) => (s.player < 0 ? [1, 1] : [0, 0]) };
    const text = failures(bad, 5).join('\n');
    expect(text).toMatch(/9 legal actions in a terminal state/);
    expect(text).toMatch(/zero-sum/);
  });
  it('illegal moves that do not throw', () => {
    const bad: Game<MnkState> = { ...base, applyAction: (s, a) => (s.player < 0 || s.board[a] !== 0 ? s : base.applyAction(s, a)) };
    expect(failures(bad, 3).join('\n')).toMatch(/did not throw although the action is illegal/);
  });
});

describe('deepEqual', () => {
  it('compares plain data with typed arrays', () => {
    expect(deepEqual({ a: Int8Array.of(1, 2), b: [1, { c: Number.NaN }] }, { a: Int8Array.of(1, 2), b: [1, { c: Number.NaN }] })).toBe(true);
    expect(deepEqual({ a: Int8Array.of(1, 2) }, { a: Int8Array.of(1, 3) })).toBe(false);
    expect(deepEqual({ a: Int8Array.of(1) }, { a: Uint8Array.of(1) })).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});
