/**
 * `dojo arena` and `dojo bench games` as a user runs them (real processes).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import '../../envs/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { parsePlayer } from '../../src/game/players.ts';
import { getGame } from '../../src/game/registry.ts';
import { runArena } from '../../src/cli/arena.ts';

const DOJO = join(__dirname, '..', '..', 'bin', 'dojo.js');

function dojo(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('dojo arena', () => {
  it('prints {"game","games","a_wins","b_wins","draws"}; perfect minimax never loses', () => {
    const r = dojo('arena', '--game', 'TicTacToe-v0', '--a', 'minimax:9', '--b', 'random', '--games', '20', '--seed', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(Object.keys(j)).toEqual(['game', 'games', 'a_wins', 'b_wins', 'draws']);
    expect(j).toMatchObject({ game: 'TicTacToe-v0', games: 20, b_wins: 0 });
    expect((j.a_wins as number) + (j.draws as number)).toBe(20);
    // The same seed gives the same match, in-process too.
    const game = getGame('TicTacToe-v0');
    const same = runArena(game, parsePlayer('minimax:9', game), parsePlayer('random', game), 20, 3);
    expect([same.a_wins, same.b_wins, same.draws]).toEqual([j.a_wins, j.b_wins, j.draws]);
  });

  it('reports wins by colour in text, and takes game kwargs', () => {
    const r = dojo('arena', '--game', 'othello', '--kwargs', '{"size":6}', '--a', 'greedy', '--b', 'random', '--games', '4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Othello 6×6 \(Othello-v0\): 4 games, seed 0\n {2}A greedy {2}wins \d+ \([\d.]+%\): \d+ moving first, \d+ moving second\n {2}B random {2}wins/);
  });

  it('explains bad input', () => {
    const odd = dojo('arena', '--game', 'TicTacToe-v0', '--a', 'random', '--b', 'random', '--games', '3');
    expect(odd.code).toBe(1);
    expect(odd.stderr).toMatch(/--games must be a positive even integer/);
    expect(() => getGame('Chess-v0')).toThrow(/Game "Chess-v0" is not registered.*Games: ConnectFour-v0, Gomoku-v0, Othello-v0, TicTacToe-v0/);
    expect(getGame('connect4').id).toBe('ConnectFour-v0');
  });

  it('plays both colours equally: A moves first in the even games', () => {
    const game = getGame('ConnectFour-v0');
    const first = (s: unknown, rng: Rng): number => parsePlayer('random', game)(s, rng);
    const r = runArena(game, first, first, 10, 1);
    expect(r.aFirst.wins + r.aFirst.draws + r.aFirst.losses).toBe(5);
    expect(r.bFirst.wins + r.bFirst.draws + r.bFirst.losses).toBe(5);
  });
});

describe('dojo bench games', () => {
  it('measures MCTS simulations per second for every game', () => {
    const r = dojo('bench', 'games', '--seconds', '0.05', '--sims', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { commit: string; machine: string; games: Array<{ game: string; sims_per_s: number }> };
    expect(j.games.map((g) => g.game)).toEqual(['ConnectFour-v0', 'Gomoku-v0', 'Othello-v0', 'Othello-v0', 'TicTacToe-v0']);
    for (const g of j.games) expect(g.sims_per_s).toBeGreaterThan(0);
  });
});
