/**
 * Pong-v0, Breakout-v0 and Flappy-v0 rules, driven frame by frame (`frameSkip: 1`) from set-up states.
 */
import { describe, expect, it } from 'vitest';
import { BASE_SPEED, BRICKS_Y, BRICK_COLUMNS, PADDLE_Y, SPEED_STEP, type BreakoutGame } from '../../../envs/arcade/breakout.ts';
import { BIRD_R, BIRD_X, FLAP_SPEED, GAP_STEP, GROUND_Y, PIPE_SPACING, PIPE_W, WORLD_H, type FlappyGame } from '../../../envs/arcade/flappy.ts';
import { COURT_H, SERVE_FRAMES, SERVE_VX, SPEED_UP, type PongGame } from '../../../envs/arcade/pong.ts';
import { arcade, run, untilReward } from './helpers.ts';

describe('Pong-v0', () => {
  /** A game with the ball in play at (x, y) with velocity (vx, vy). */
  const rally = (x: number, y: number, vx: number, vy: number, kwargs: Record<string, unknown> = {}): ReturnType<typeof arcade<PongGame>> => {
    const made = arcade<PongGame>('Pong-v0', { frameSkip: 1, ...kwargs });
    made.env.reset({ seed: 0 });
    Object.assign(made.game, { serveIn: 0, ballX: x, ballY: y, ballVx: vx, ballVy: vy, opponentAim: 0 });
    return made;
  };

  it('serves after 30 frames, at 2 units per frame along x', () => {
    const { env, game } = arcade<PongGame>('Pong-v0', { frameSkip: 1 });
    env.reset({ seed: 1 });
    expect(env.render().shapes.some((s) => s.id === 'ball')).toBe(false);
    run(env, 0, SERVE_FRAMES - 1);
    expect([game.ballVx, game.ballVy]).toEqual([0, 0]);
    env.step(0);
    expect(Math.abs(game.ballVx)).toBe(SERVE_VX);
    expect(env.render().shapes.some((s) => s.id === 'ball')).toBe(true);
  });

  it('bounces off the top and bottom walls', () => {
    const top = rally(80, 140, 2, 3);
    top.env.step(0);
    expect([top.game.ballY, top.game.ballVy]).toEqual([141, -3]);
    const bottom = rally(80, 4, 2, -3);
    bottom.env.step(0);
    expect([bottom.game.ballY, bottom.game.ballVy]).toEqual([3, 3]);
  });

  it("returns the ball off the agent's paddle, 0.1 faster, angled by the contact point", () => {
    const { env, game } = rally(138, COURT_H / 2 + 5, 2, 0);
    env.step(0);
    expect(game.ballVx).toBe(2);
    const r = env.step(0);
    expect(r.reward).toBe(0);
    expect(game.ballVx).toBeCloseTo(-(2 + SPEED_UP), 12);
    expect(game.ballVy).toBeCloseTo(1.5, 12);
    expect(game.ballX).toBe(138);
  });

  it('scores −1 when the ball passes the agent, then serves towards the agent', () => {
    const { env, game } = rally(150, 120, 3, 0);
    game.agentY = 8;
    expect(untilReward(env, 0, 10)).toEqual({ reward: -1, terminated: false, steps: 4 });
    expect([game.opponentScore, game.agentScore, game.serveIn, game.serveTo]).toEqual([1, 0, SERVE_FRAMES, 1]);
    expect(Array.from(env.step(0).obs.subarray(0, 4))).toEqual([0.5, 0.5, 0, 0]);
  });

  it('scores +1 when the ball passes the opponent', () => {
    const { env, game } = rally(20, 10, -3, 0, { opponentSpeed: 0 });
    expect(untilReward(env, 0, 10)).toEqual({ reward: 1, terminated: false, steps: 7 });
    expect(env.step(0).info).toEqual({ agentScore: 1, opponentScore: 0 });
    expect(game.serveTo).toBe(-1);
  });

  it('moves the scripted paddle towards an approaching ball at opponentSpeed, else back to the centre', () => {
    const { env, game } = rally(60, 120, -2, 0);
    env.step(0);
    expect(game.opponentY).toBe(COURT_H / 2 + 2);
    game.ballVx = 2;
    env.step(0);
    expect(game.opponentY).toBe(COURT_H / 2);
  });

  it('ends the game when a side reaches pointsToWin', () => {
    const { env, game } = rally(20, 10, -3, 0, { opponentSpeed: 0, pointsToWin: 2 });
    game.agentScore = 1;
    expect(run(env, 0, 10)).toEqual({ reward: 1, terminated: true, steps: 7 });
  });

  it('moves the agent paddle 3 units per frame, 12 per default step', () => {
    const { env, game } = arcade<PongGame>('Pong-v0');
    env.reset({ seed: 0 });
    env.step(1);
    expect(game.agentY).toBe(COURT_H / 2 + 12);
    env.step(2);
    env.step(2);
    expect(game.agentY).toBe(COURT_H / 2 - 12);
  });
});

describe('Breakout-v0', () => {
  const inPlay = (x: number, y: number, vx: number, vy: number, kwargs: Record<string, unknown> = {}): ReturnType<typeof arcade<BreakoutGame>> => {
    const made = arcade<BreakoutGame>('Breakout-v0', { frameSkip: 1, ...kwargs });
    made.env.reset({ seed: 0 });
    Object.assign(made.game, { serveIn: 0, ballX: x, ballY: y, ballVx: vx, ballVy: vy });
    return made;
  };
  const speed = (g: BreakoutGame): number => Math.hypot(g.ballVx, g.ballVy);

  it('breaks a brick, scores +1 and bounces back', () => {
    const { env, game } = inPlay(4, BRICKS_Y - 3, 0, 2);
    const r = env.step(0);
    expect([r.reward, game.bricks[0], game.bricksLeft, game.ballVy, game.ballY]).toEqual([1, 0, 107, -2, BRICKS_Y - 3]);
    expect(r.info).toEqual({ lives: 5, score: 1 });
    expect(r.obs[7 + 5 * BRICK_COLUMNS]).toBe(0);
    expect(r.obs[7 + 5 * BRICK_COLUMNS + 1]).toBe(1);
    expect(env.render().shapes.some((s) => s.id === 'brick-0-0')).toBe(false);
    expect(env.render().shapes.some((s) => s.id === 'brick-0-1')).toBe(true);
  });

  it('speeds the ball up on its first contact with the orange and the red row', () => {
    const { env, game } = inPlay(44, BRICKS_Y + 4 * 6 - 3, 0, 2);
    game.bricks.fill(0);
    for (const i of [0, 4 * BRICK_COLUMNS + 5, 5 * BRICK_COLUMNS + 5, 5 * BRICK_COLUMNS + 6]) game.bricks[i] = 1;
    game.bricksLeft = 4;
    expect(env.step(0).reward).toBe(1);
    expect([game.speedLevel, speed(game)]).toEqual([1, BASE_SPEED + SPEED_STEP]);
    Object.assign(game, { ballY: BRICKS_Y + 5 * 6 - 3, ballVy: speed(game) });
    expect(env.step(0).reward).toBe(1);
    expect([game.speedLevel, speed(game)]).toEqual([2, BASE_SPEED + 2 * SPEED_STEP]);
    Object.assign(game, { ballX: 52, ballY: BRICKS_Y + 5 * 6 - 3, ballVy: speed(game) });
    expect(env.step(0).reward).toBe(1);
    expect(game.speedLevel).toBe(2);
  });

  it('bounces off the paddle at an angle set by the contact point and speeds up on the 4th paddle hit', () => {
    const { env, game } = inPlay(72 + 7, PADDLE_Y + 5, 0, -2);
    game.hits = 3;
    env.step(0);
    expect([game.hits, game.speedLevel]).toEqual([4, 1]);
    const s = BASE_SPEED + SPEED_STEP;
    expect(game.ballVx).toBeCloseTo(s * Math.sin(Math.PI / 6), 12);
    expect(game.ballVy).toBeCloseTo(s * Math.cos(Math.PI / 6), 12);
  });

  it('costs a life when the ball is missed, serves a new slow ball, and ends after the last life', () => {
    const { env, game } = inPlay(10, 3, 0, -2, { lives: 2 });
    const r = run(env, 0, 5);
    expect(r).toEqual({ reward: 0, terminated: false, steps: 5 });
    expect([game.lives, game.serveIn, game.speedLevel]).toEqual([1, SERVE_FRAMES - 3, 0]);
    expect(env.render().shapes.some((s) => s.id === 'ball')).toBe(false);
    Object.assign(game, { serveIn: 0, ballX: 10, ballY: 3, ballVx: 0, ballVy: -2 });
    const last = run(env, 0, 5);
    expect(last.terminated).toBe(true);
    expect(game.lives).toBe(0);
  });

  it('rebuilds the first cleared wall and ends the game when the second is cleared', () => {
    const { env, game } = inPlay(4, BRICKS_Y - 3, 0, 2);
    game.bricks.fill(0);
    game.bricks[0] = 1;
    game.bricksLeft = 1;
    expect(env.step(0)).toMatchObject({ reward: 1, terminated: false });
    expect([game.wallsCleared, game.bricksLeft]).toEqual([1, 108]);
    game.bricks.fill(0);
    game.bricks[0] = 1;
    game.bricksLeft = 1;
    Object.assign(game, { ballY: BRICKS_Y - 3, ballVy: 2 });
    expect(env.step(0)).toMatchObject({ reward: 1, terminated: true });
  });
});

describe('Flappy-v0', () => {
  const fresh = (): ReturnType<typeof arcade<FlappyGame>> => {
    const made = arcade<FlappyGame>('Flappy-v0', { frameSkip: 1 });
    made.env.reset({ seed: 0 });
    return made;
  };

  it('falls under gravity and dies on the ground with −1', () => {
    const { env, game } = fresh();
    const r = run(env, 0, 1000);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(-1);
    expect(game.birdY).toBe(GROUND_Y + BIRD_R);
    expect(r.steps).toBeGreaterThan(30);
  });

  it('flapping sets the vertical speed; the top of the sky stops the bird', () => {
    const { env, game } = fresh();
    const y = game.birdY;
    env.step(1);
    expect([game.birdVy, game.birdY]).toEqual([FLAP_SPEED, y + FLAP_SPEED]);
    game.birdY = WORLD_H - BIRD_R - 1;
    game.pipeX.fill(500);
    env.step(1);
    expect([game.birdY, game.birdVy]).toEqual([WORLD_H - BIRD_R, 0]);
  });

  it('dies with −1 on touching a pipe', () => {
    const { env, game } = fresh();
    game.pipeX[0] = BIRD_X + PIPE_W / 2 + BIRD_R + 0.5;
    game.gapY[0] = 216;
    const r = env.step(1);
    expect([r.reward, r.terminated]).toEqual([-1, true]);
    expect(game.hitsPipe(0)).toBe(true);
  });

  it('scores +1 for each pipe passed', () => {
    const { env, game } = fresh();
    game.pipeX[0] = BIRD_X - PIPE_W / 2 + 0.5;
    game.gapY[0] = game.birdY;
    const r = env.step(1);
    expect([r.reward, r.terminated, game.score]).toEqual([1, false, 1]);
    expect(env.step(1).reward).toBe(0);
  });

  it('recycles a pipe that leaves on the left to the right end, with a gap within 60 of the previous one', () => {
    const { env, game } = fresh();
    game.pipeX[0] = -PIPE_W / 2 + 0.5;
    game.passed[0] = 1;
    const before = game.pipeX[2];
    env.step(1);
    expect(game.pipeX[0]).toBe(before - 1 + PIPE_SPACING);
    expect(Math.abs(game.gapY[0] - game.gapY[2])).toBeLessThanOrEqual(GAP_STEP);
    expect([game.passed[0], game.lastPipe]).toEqual([0, 0]);
  });

  it('observes the next two pipes the bird has not cleared', () => {
    const { env, game } = fresh();
    const { obs } = env.reset({ seed: 2 });
    expect(obs[2]).toBeCloseTo((200 - BIRD_X) / WORLD_H, 6);
    expect(obs[3]).toBeCloseTo(game.gapY[0] / WORLD_H, 6);
    expect(obs[4]).toBeCloseTo((290 - BIRD_X) / WORLD_H, 6);
  });
});
