import { describe, expect, it } from 'vitest';
import { IllegalActionError } from '../../../src/game/game.ts';
import { explainInvalidScene } from '../../../src/gym/scene.ts';
import { ticTacToe } from '../../../envs/board/tic-tac-toe.ts';

const game = ticTacToe();
const play = (...moves: number[]) => moves.reduce((s, a) => game.applyAction(s, a), game.initialState());

describe('TicTacToe-v0', () => {
  it('starts empty with X to move and nine legal cells', () => {
    const s = game.initialState();
    expect(game.toString(s)).toBe(['. . .', '. . .', '. . .', 'X to move'].join('\n'));
    expect(Array.from(game.legalMask(s))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(game.observationShape).toEqual([2, 3, 3]);
    expect(game.numActions).toBe(9);
  });

  it('scripted game: X takes the top row', () => {
    const s = play(0, 4, 1, 8, 2);
    expect(game.toString(s)).toBe(['X X X', '. O .', '. . O', 'X wins'].join('\n'));
    expect(game.isTerminal(s)).toBe(true);
    expect(game.currentPlayer(s)).toBe(-1);
    expect(game.returns(s)).toEqual([1, -1]);
    expect(Array.from(game.legalMask(s))).toEqual(new Array(9).fill(0));
    expect(game.legalActions(s).length).toBe(0);
  });

  it('scripted game: a draw', () => {
    const s = play(0, 4, 8, 2, 6, 3, 5, 7, 1);
    expect(game.toString(s)).toBe(['X X O', 'O O X', 'X O X', 'draw'].join('\n'));
    expect(game.returns(s)).toEqual([0, 0]);
  });

  it('O can win too', () => {
    const s = play(0, 4, 1, 2, 8, 6);
    expect(game.toString(s)).toBe(['X X O', '. O .', 'O . X', 'O wins'].join('\n'));
    expect(game.returns(s)).toEqual([-1, 1]);
  });

  it('rejects a taken cell, an out-of-range action and any move after the end, naming the game', () => {
    const s = play(4);
    expect(() => game.applyAction(s, 4)).toThrow(IllegalActionError);
    expect(() => game.applyAction(s, 4)).toThrow('TicTacToe-v0: illegal action 4 (cell b2 is taken); legal actions: 0, 1, 2, 3, 5, 6, 7, 8');
    expect(() => game.applyAction(s, 9)).toThrow(/illegal action 9; legal actions/);
    expect(() => game.applyAction(play(0, 4, 1, 8, 2), 3)).toThrow(/the game is over/);
  });

  it('never mutates the state it is given', () => {
    const s = play(0, 4);
    const copy = structuredClone(s);
    game.applyAction(s, 1);
    expect(s).toEqual(copy);
  });

  it('observes egocentrically', () => {
    const s = play(0, 4);
    expect(Array.from(game.observe(s, 0))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(game.observe(s, 1))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('renders cells, pieces, the last move and the winning line with stable ids', () => {
    const scene = game.render(play(0, 4, 1, 8, 2));
    expect(explainInvalidScene(scene)).toBeNull();
    const ids = scene.shapes.map((sh) => sh.id);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(ids).toContain(`cell:${r}:${c}`);
    expect(ids).toEqual(expect.arrayContaining(['status', 'piece:0:0', 'piece:1:1', 'piece:2:2', 'last-move', 'win:0:0', 'win:0:1', 'win:0:2']));
    const last = scene.shapes.find((sh) => sh.id === 'last-move');
    expect([last?.x, last?.y]).toEqual([2.5, 2.5]);
    expect(game.actionAt(1, 2)).toBe(5);
    expect(game.actionToString(play(), 5)).toBe('c2');
  });

  it('has the 8 symmetries of the square, identity first, moving pieces and policy together', () => {
    const s = play(0);
    const policy = new Float32Array(9);
    policy[1] = 1;
    const samples = game.symmetries?.(game.observe(s, 0), policy) ?? [];
    expect(samples.length).toBe(8);
    expect(Array.from(samples[0].obs)).toEqual(Array.from(game.observe(s, 0)));
    const corners = new Set(samples.map((x) => x.obs.indexOf(1)));
    expect([...corners].sort()).toEqual([0, 2, 6, 8]);
    const edges = new Set(samples.map((x) => x.policy.indexOf(1)));
    expect([...edges].sort()).toEqual([1, 3, 5, 7]);
    for (const x of samples) {
      // The stone stays next to the policy's cell (corner and adjacent edge).
      const stone = x.obs.indexOf(1);
      const move = x.policy.indexOf(1);
      expect(Math.abs(Math.floor(stone / 3) - Math.floor(move / 3)) + Math.abs((stone % 3) - (move % 3))).toBe(1);
    }
  });

  it('rejects kwargs (it has none)', () => {
    expect(() => ticTacToe({ size: 4 })).toThrow(/unknown kwarg "size"/);
  });
});
