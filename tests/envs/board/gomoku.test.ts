import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.ts';
import { gomoku } from '../../../envs/board/gomoku.ts';

const game = gomoku();
const play = (...moves: number[]) => moves.reduce((s, a) => game.applyAction(s, a), game.initialState());

describe('Gomoku-v0', () => {
  it('is 9×9, five in a row, with labelled ASCII', () => {
    expect(game.observationShape).toEqual([2, 9, 9]);
    expect(game.numActions).toBe(81);
    expect(game.title).toBe('Gomoku 9×9, 5 in a row');
  });

  it('scripted game: Black makes five on the first row', () => {
    const s = play(0, 9, 1, 10, 2, 11, 3, 12, 4);
    expect(game.toString(s)).toBe(
      [
        '  a b c d e f g h i',
        '1 X X X X X . . . .',
        '2 O O O O . . . . .',
        ...Array.from({ length: 7 }, (_, r) => `${r + 3} . . . . . . . . .`),
        'X wins',
      ].join('\n'),
    );
    expect(game.returns(s)).toEqual([1, -1]);
  });

  it('four is not enough, and an overline of six wins (free-style)', () => {
    const four = play(0, 9, 1, 10, 2, 11, 3);
    expect(game.isTerminal(four)).toBe(false);
    const six = play(0, 9, 1, 10, 2, 11, 4, 12, 5, 20, 3);
    expect(game.toString(six).split('\n')[1]).toBe('1 X X X X X X . . .');
    expect(game.returns(six)).toEqual([1, -1]);
  });

  it('diagonals count', () => {
    const s = play(0, 1, 10, 2, 20, 3, 30, 4, 40);
    expect(game.returns(s)).toEqual([1, -1]);
    expect(game.actionToString(s, 40)).toBe('e5');
  });

  it('takes size and connect', () => {
    const g = gomoku({ size: 7, connect: 4 });
    expect(g.observationShape).toEqual([2, 7, 7]);
    const s = [0, 7, 1, 8, 2, 9, 3].reduce((st, a) => g.applyAction(st, a), g.initialState());
    expect(g.returns(s)).toEqual([1, -1]);
    expect(() => gomoku({ size: 4 })).toThrow(ConfigError);
    expect(() => gomoku({ connect: 10 })).toThrow(/connect must be an integer in \[3, size=9\]/);
  });
});
