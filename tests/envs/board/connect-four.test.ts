import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.ts';
import { explainInvalidScene } from '../../../src/gym/scene.ts';
import { connectFour } from '../../../envs/board/connect-four.ts';

const game = connectFour();
const play = (...moves: number[]) => moves.reduce((s, a) => game.applyAction(s, a), game.initialState());
const EMPTY_ROW = '. . . . . . .';

describe('ConnectFour-v0', () => {
  it('is 6×7 with 7 column actions', () => {
    expect(game.observationShape).toEqual([2, 6, 7]);
    expect(game.numActions).toBe(7);
    expect(game.toString(game.initialState())).toBe([...new Array(6).fill(EMPTY_ROW), '0 1 2 3 4 5 6', 'X to move'].join('\n'));
  });

  it('scripted game: X wins along the bottom row', () => {
    const s = play(3, 3, 4, 4, 5, 5, 2);
    expect(game.toString(s)).toBe([...new Array(4).fill(EMPTY_ROW), '. . . O O O .', '. . X X X X .', '0 1 2 3 4 5 6', 'X wins'].join('\n'));
    expect(game.returns(s)).toEqual([1, -1]);
    expect(game.currentPlayer(s)).toBe(-1);
  });

  it('scripted game: a vertical and a diagonal win', () => {
    const vertical = play(0, 1, 0, 1, 0, 1, 0);
    expect(game.toString(vertical).split('\n').slice(2, 6)).toEqual(['X . . . . . .', 'X O . . . . .', 'X O . . . . .', 'X O . . . . .']);
    expect(game.returns(vertical)).toEqual([1, -1]);
    // O builds the rising diagonal b1-c2-d3-e4.
    const diagonal = play(0, 1, 2, 2, 3, 3, 4, 3, 4, 4, 6, 4);
    expect(game.toString(diagonal)).toBe([EMPTY_ROW, EMPTY_ROW, '. . . . O . .', '. . . O O . .', '. . O O X . .', 'X O X X X . X', '0 1 2 3 4 5 6', 'O wins'].join('\n'));
    expect(game.returns(diagonal)).toEqual([-1, 1]);
  });

  it('a full column is illegal and says so', () => {
    const s = play(0, 0, 0, 0, 0, 0);
    expect(Array.from(game.legalMask(s))).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(() => game.applyAction(s, 0)).toThrow('ConnectFour-v0: illegal action 0 (column 0 is full); legal actions: 1, 2, 3, 4, 5, 6');
  });

  it('renders the board, discs and the last move; clicks map to columns', () => {
    const scene = game.render(play(3, 2));
    expect(explainInvalidScene(scene)).toBeNull();
    const byId = new Map(scene.shapes.map((sh) => [sh.id, sh]));
    expect(byId.has('board')).toBe(true);
    expect(byId.get('piece:5:3')?.fill).toBe('#e63946');
    expect(byId.get('piece:5:2')?.fill).toBe('#ffc300');
    expect([byId.get('last-move')?.x, byId.get('last-move')?.y]).toEqual([2.5, 0.5]);
    expect(scene.shapes.filter((sh) => sh.id.startsWith('cell:')).length).toBe(42);
    expect(game.actionAt(0, 4)).toBe(4);
    expect(game.actionAt(5, 4)).toBe(4);
  });

  it('mirror symmetry flips columns of the planes and the policy', () => {
    const s = play(0);
    const policy = Float32Array.from([0.5, 0.2, 0.1, 0.1, 0.05, 0.05, 0]);
    const [id, mirror] = game.symmetries?.(game.observe(s, 0), policy) ?? [];
    expect(Array.from(id.policy)).toEqual(Array.from(policy));
    expect(Array.from(mirror.policy)).toEqual(Array.from(policy).reverse());
    expect(mirror.obs[5 * 7 + 6]).toBe(1);
    expect(mirror.obs[5 * 7 + 0]).toBe(0);
  });

  it('takes rows, cols and connect', () => {
    const small = connectFour({ rows: 4, cols: 5, connect: 3 });
    expect(small.observationShape).toEqual([2, 4, 5]);
    expect(small.numActions).toBe(5);
    const s = [0, 0, 1, 1, 2].reduce((st, a) => small.applyAction(st, a), small.initialState());
    expect(small.returns(s)).toEqual([1, -1]);
    expect(() => connectFour({ rows: 1 })).toThrow(ConfigError);
    expect(() => connectFour({ connect: 9 })).toThrow(/connect must be an integer in \[2, 7\]/);
    expect(() => connectFour({ width: 7 })).toThrow(/unknown kwarg "width"/);
  });

  it('a full board without four is a draw', () => {
    // Columns filled in pairs so that no line of four forms: pattern by column pairs.
    const order = [0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 2, 3, 2, 3, 2, 3, 3, 2, 3, 2, 3, 2, 4, 5, 4, 5, 4, 5, 5, 4, 5, 4, 5, 4, 6, 6, 6, 6, 6, 6];
    const s = play(...order);
    expect(s.moves).toBe(42);
    expect(game.isTerminal(s)).toBe(true);
    expect(game.returns(s)).toEqual([0, 0]);
  });
});
