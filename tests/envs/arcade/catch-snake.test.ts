/**
 * Catch-v0 and Snake-v0 rules, driven by scripted inputs.
 */
import { describe, expect, it } from 'vitest';
import type { CatchGame } from '../../../envs/arcade/catch.ts';
import type { SnakeGame } from '../../../envs/arcade/snake.ts';
import { arcade, run } from './helpers.ts';

describe('Catch-v0', () => {
  it('gives +1 for a catch after rows − 1 steps and ends the episode', () => {
    const { env, game } = arcade<CatchGame>('Catch-v0');
    env.reset({ seed: 3 });
    let total = 0;
    for (let t = 0; t < 9; t++) {
      const toward = game.ballX < game.paddleX ? 1 : game.ballX > game.paddleX ? 2 : 0;
      const r = env.step(toward);
      total += r.reward;
      expect(r.terminated).toBe(t === 8);
    }
    expect(total).toBe(1);
    expect(game.caught).toBe(1);
  });

  it('gives −1 for a miss', () => {
    const { env, game } = arcade<CatchGame>('Catch-v0');
    env.reset({ seed: 4 });
    const away = game.ballX >= 2 ? 1 : 2;
    expect(run(env, away, 20)).toEqual({ reward: -1, terminated: true, steps: 9 });
    expect(game.missed).toBe(1);
  });

  it('drops the next ball on the step the previous one lands, for `balls` balls', () => {
    const { env, game } = arcade<CatchGame>('Catch-v0', { balls: 3, rows: 6 });
    const obs = env.reset({ seed: 1 }).obs;
    expect(obs[1]).toBe(1);
    const landings: number[] = [];
    for (let t = 1; t <= 15; t++) {
      const r = env.step(0);
      if (r.reward !== 0) landings.push(t);
      if (t === 5) expect(game.ballY).toBe(5);
      expect(r.terminated).toBe(t === 15);
    }
    expect(landings).toEqual([5, 10, 15]);
  });

  it('observes ball column, ball row and paddle column in [0, 1]', () => {
    const { env, game } = arcade<CatchGame>('Catch-v0');
    const { obs } = env.reset({ seed: 9 });
    expect(Array.from(obs)).toEqual([game.ballX / 4, 1, 0.5]);
    const next = env.step(1).obs;
    expect(Array.from(next)).toEqual([game.ballX / 4, 8 / 9, 0.25].map(Math.fround));
  });
});

describe('Snake-v0', () => {
  /** A fresh 10×10 game with the food parked in the bottom-left corner. */
  const start = (): ReturnType<typeof arcade<SnakeGame>> => {
    const made = arcade<SnakeGame>('Snake-v0');
    made.env.reset({ seed: 0 });
    made.game.food = 0;
    return made;
  };
  const head = (g: SnakeGame): [number, number] => [g.segment(0) % g.columns, Math.floor(g.segment(0) / g.columns)];
  /** Puts the food right in front of the head and eats it. */
  const feed = (made: ReturnType<typeof start>): number => {
    const [x, y] = head(made.game);
    made.game.food = y * 10 + x + 1;
    const r = made.env.step(0);
    made.game.food = 0;
    return r.reward;
  };

  it('starts as 3 cells in the middle heading right', () => {
    const { game } = start();
    expect([game.length, game.heading, ...head(game)]).toEqual([3, 2, 5, 5]);
  });

  it('grows by one cell and scores +1 on food; the new food lands on a free cell', () => {
    const made = arcade<SnakeGame>('Snake-v0');
    made.env.reset({ seed: 5 });
    const [x, y] = head(made.game);
    made.game.food = y * 10 + x + 1;
    const r = made.env.step(0);
    expect([r.reward, r.terminated, made.game.length, r.info.length]).toEqual([1, false, 4, 4]);
    expect(made.game.occupied[made.game.food]).toBe(0);
  });

  it('dies with −1 on hitting a wall', () => {
    const { env } = start();
    expect(run(env, 0, 10)).toEqual({ reward: -1, terminated: true, steps: 5 });
  });

  it('dies with −1 on hitting itself', () => {
    const made = start();
    for (let i = 0; i < 3; i++) expect(feed(made)).toBe(1);
    made.game.food = 99;
    expect(made.game.length).toBe(6);
    expect(made.env.step(1).reward).toBe(0);
    expect(made.env.step(4).reward).toBe(0);
    const r = made.env.step(3);
    expect([r.reward, r.terminated]).toEqual([-1, true]);
  });

  it('may move into the cell its tail leaves', () => {
    const made = start();
    expect(feed(made)).toBe(1);
    for (const a of [1, 4, 3, 2]) expect(made.env.step(a)).toMatchObject({ reward: 0, terminated: false });
  });

  it('ignores turning back onto its neck', () => {
    const { env, game } = start();
    env.step(4);
    expect([game.heading, ...head(game)]).toEqual([2, 6, 5]);
  });

  it('observes the grid as snake (ordered), head and food planes, row 0 at the top', () => {
    const { env, game } = start();
    const obs = env.step(1).obs;
    const at = (plane: number, x: number, y: number): number => obs[plane * 100 + (9 - y) * 10 + x];
    expect([at(0, 5, 6), at(0, 5, 5), at(0, 4, 5), at(0, 3, 5)]).toEqual([1, Math.fround(2 / 3), Math.fround(1 / 3), 0]);
    expect([at(1, 5, 6), at(1, 5, 5)]).toEqual([1, 0]);
    expect(at(2, 0, 0)).toBe(1);
    expect(Array.from(obs).reduce((a, b) => a + b, 0)).toBeCloseTo(1 + 2 / 3 + 1 / 3 + 1 + 1, 5);
    expect(game.length).toBe(3);
  });

  it('wins (terminates with +1) when the snake fills the grid', () => {
    const made = arcade<SnakeGame>('Snake-v0', { rows: 3, columns: 4 });
    made.env.reset({ seed: 0 });
    // A serpentine of 11 cells from (0, 0) to the head at (2, 2), heading right at the last free cell (3, 2).
    const path = [[0, 0], [1, 0], [2, 0], [3, 0], [3, 1], [2, 1], [1, 1], [0, 1], [0, 2], [1, 2], [2, 2]];
    const g = made.game;
    g.occupied.fill(0);
    path.forEach(([x, y], i) => {
      g.body[i] = y * 4 + x;
      g.occupied[y * 4 + x] = 1;
    });
    g.headAt = path.length - 1;
    g.length = path.length;
    g.heading = 2;
    g.food = 2 * 4 + 3;
    const r = made.env.step(0);
    expect([r.reward, r.terminated, g.length, g.food]).toEqual([1, true, 12, -1]);
  });
});
