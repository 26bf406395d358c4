import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';
import { IllegalActionError } from '../../../src/game/game.ts';
import { explainInvalidScene } from '../../../src/gym/scene.ts';
import { othello, type OthelloState } from '../../../envs/board/othello.ts';

const game = othello();
const names = (s: OthelloState): string[] => Array.from(game.legalActions(s), (a) => game.actionToString(s, a));
const play = (...moves: string[]): OthelloState =>
  moves.reduce((s, m) => {
    const a = m === 'pass' ? 64 : (Number(m[1]) - 1) * 8 + (m.charCodeAt(0) - 97);
    return game.applyAction(s, a);
  }, game.initialState());

describe('Othello-v0', () => {
  it('starts with the four centre discs and Black to move at d3, c4, f5, e6', () => {
    const s = game.initialState();
    expect(game.toString(s)).toBe(
      [
        '  a b c d e f g h',
        '1 . . . . . . . .',
        '2 . . . . . . . .',
        '3 . . . . . . . .',
        '4 . . . O X . . .',
        '5 . . . X O . . .',
        '6 . . . . . . . .',
        '7 . . . . . . . .',
        '8 . . . . . . . .',
        'X 2 O 2, X to move',
      ].join('\n'),
    );
    expect(names(s)).toEqual(['d3', 'c4', 'f5', 'e6']);
    expect(game.numActions).toBe(65);
  });

  it('scripted opening: d3 flips d4, White answers c3, e3 or c5; then c5 flips d5', () => {
    const s1 = play('d3');
    expect(game.toString(s1).split('\n').slice(3, 7)).toEqual(['3 . . . X . . . .', '4 . . . X X . . .', '5 . . . X O . . .', '6 . . . . . . . .']);
    expect(game.toString(s1).split('\n')[9]).toBe('X 4 O 1, O to move');
    expect(names(s1)).toEqual(['c3', 'e3', 'c5']);
    const s2 = play('d3', 'c5');
    expect(game.toString(s2).split('\n').slice(3, 7)).toEqual(['3 . . . X . . . .', '4 . . . X X . . .', '5 . . O O O . . .', '6 . . . . . . . .']);
    expect(game.toString(s2).split('\n')[9]).toBe('X 3 O 3, X to move');
  });

  it('flips along several lines at once', () => {
    const before = play('d3', 'c5', 'f6', 'f5', 'f4');
    const rows = (st: OthelloState): string[] => game.toString(st).split('\n').slice(3, 7);
    expect(rows(before)).toEqual(['3 . . . X . . . .', '4 . . . X X X . .', '5 . . O O O X . .', '6 . . . . . X . .']);
    // White e3 brackets e4 (down, with e5) and d4 (down-left, with c5); f4 toward g5 and d3 toward c3 stay.
    const after = game.applyAction(before, 20);
    expect(rows(after)).toEqual(['3 . . . X O . . .', '4 . . . O O X . .', '5 . . O O O X . .', '6 . . . . . X . .']);
    expect(game.toString(after).split('\n')[9]).toBe('X 4 O 6, X to move');
  });

  it('rejects a placement that flips nothing, and passing while a placement exists', () => {
    const s = game.initialState();
    expect(() => game.applyAction(s, 0)).toThrow(IllegalActionError);
    expect(() => game.applyAction(s, 0)).toThrow('Othello-v0: illegal action 0 (a1 flips no disc or is taken); legal actions: 19, 26, 37, 44');
    expect(() => game.applyAction(s, 64)).toThrow(/passing is only legal with no placement/);
  });

  it('passes are explicit: the only legal action when a player cannot place, and the turn moves on', () => {
    const small = othello({ size: 6 });
    const rng = new Rng(3);
    let found = 0;
    for (let g = 0; g < 200 && found < 5; g++) {
      let s = small.initialState();
      while (!small.isTerminal(s)) {
        const actions = small.legalActions(s);
        if (actions[0] === 36) {
          found++;
          expect(Array.from(actions)).toEqual([36]);
          expect(small.legalMask(s)[36]).toBe(1);
          expect(small.toString(s)).toMatch(/to move \(must pass\)$/);
          const after = small.applyAction(s, 36);
          expect(small.currentPlayer(after)).toBe(1 - (small.currentPlayer(s) as number));
          expect(small.legalActions(after)[0]).not.toBe(36);
          expect(small.actionToString(s, 36)).toBe('pass');
        }
        s = small.applyAction(s, actions[rng.int(actions.length)]);
      }
    }
    expect(found).toBe(5);
  });

  it('ends when neither player can place; the disc count decides', () => {
    const small = othello({ size: 6 });
    const rng = new Rng(5);
    for (let g = 0; g < 30; g++) {
      let s = small.initialState();
      while (!small.isTerminal(s)) {
        const actions = small.legalActions(s);
        s = small.applyAction(s, actions[rng.int(actions.length)]);
      }
      let black = 0;
      let white = 0;
      for (const v of s.board) {
        if (v === 1) black++;
        if (v === 2) white++;
      }
      expect(small.returns(s)).toEqual(black > white ? [1, -1] : white > black ? [-1, 1] : [0, 0]);
      expect(small.legalActions(s).length).toBe(0);
      expect(small.toString(s).split('\n').at(-1)).toBe(`X ${black} O ${white}, ${black === white ? 'draw' : black > white ? 'X wins' : 'O wins'}`);
    }
  });

  it('6×6 via kwargs; odd or tiny sizes are rejected', () => {
    const small = othello({ size: 6 });
    expect(small.observationShape).toEqual([2, 6, 6]);
    expect(small.numActions).toBe(37);
    expect(small.title).toBe('Othello 6×6');
    expect(() => othello({ size: 7 })).toThrow(/even integer/);
    expect(() => othello({ size: 2 })).toThrow(/even integer/);
  });

  it('renders tiles, discs, legal-move hints and the last move', () => {
    const scene = game.render(play('d3'));
    expect(explainInvalidScene(scene)).toBeNull();
    const ids = scene.shapes.map((sh) => sh.id);
    expect(ids.filter((id) => id.startsWith('cell:')).length).toBe(64);
    expect(ids.filter((id) => id.startsWith('piece:')).length).toBe(5);
    expect(ids.filter((id) => id.startsWith('hint:')).sort()).toEqual(['hint:2:2', 'hint:2:4', 'hint:4:2']);
    expect(ids).toContain('last-move');
    expect(game.actionAt(2, 3)).toBe(19);
  });

  it('symmetries map the pass to itself', () => {
    const policy = new Float32Array(65);
    policy[64] = 1;
    const samples = game.symmetries?.(game.observe(game.initialState(), 0), policy) ?? [];
    expect(samples.length).toBe(8);
    for (const x of samples) expect(x.policy[64]).toBe(1);
  });
});
