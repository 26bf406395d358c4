/**
 * Breakout-v0: bounce a ball off a paddle to break a wall of bricks, with five lives.
 *
 * ## Description
 * After Atari 2600 Breakout (1978) as played in ALE (https://ale.farama.org/environments/breakout/): six
 * rows of 18 bricks, a paddle at the bottom, walls on three sides. The ball bounces off walls and bricks
 * (breaking every brick it touches) and leaves the paddle at an angle set by where it lands (up to 60°
 * from vertical at the paddle's edges). As in the Atari game the ball speeds up, one step of 0.5 units per
 * frame each, after its 4th and 12th paddle hit and on its first contact with the orange (5th) and the red
 * (top) row; a new ball starts slow again. Missing the ball costs a life; the next ball is served 30 frames
 * later (hidden meanwhile) from the middle of the field, downwards at a random angle. Clearing the wall
 * brings a second one; clearing that ends the game (as on the Atari, 216 bricks at most). The FIRE button
 * is left out: balls are served automatically. Distances are in field units (144 × 168), a frame is 1/60 s
 * of game time, and by default each step repeats the action for 4 frames (ALE's frameskip).
 *
 * ## Observation
 * `obs: 'features'` (default), Box(115) float32:
 * | Index  | Meaning                                                   | Min | Max |
 * |--------|-----------------------------------------------------------|-----|-----|
 * | 0      | ball x / 144                                              | 0   | 1   |
 * | 1      | ball y / 168                                              | 0   | 1   |
 * | 2      | ball x velocity / 4                                       | −1  | 1   |
 * | 3      | ball y velocity / 4                                       | −1  | 1   |
 * | 4      | paddle x / 144                                            | 0   | 1   |
 * | 5      | lives / starting lives                                    | 0   | 1   |
 * | 6      | 1 while the ball is in play, 0 while it waits             | 0   | 1   |
 * | 7–114  | bricks, row-major from the top row, 1 = standing          | 0   | 1   |
 * `obs: 'pixels'`: uint8 frames, `[4, 84, 84]` by default, with ALE v5's sticky actions (p = 0.25).
 *
 * ## Actions (Discrete(3))
 * 0: no-op; 1: left; 2: right (4 units per frame). Keys: ← / → (or a / d).
 *
 * ## Reward
 * +1 per brick broken (the Atari game scores 1, 4 or 7 points by row; here every brick is worth the same).
 *
 * ## Start state
 * A full wall, 5 lives, the paddle centred, the first ball waiting 30 frames to be served.
 *
 * ## Episode end
 * Terminates when the last life is lost or the second wall is cleared. Truncation at 10 000 steps (added
 * by `make`). No reward threshold.
 *
 * ## Kwargs
 * `lives` (5), plus the shared arcade kwargs (see arcade-env.ts).
 *
 * ## Version history
 * - v0: initial version.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Rng } from '../../src/core/rng.ts';
import { bareSpec, type Env, type EnvMetadata, type EnvSpec, type Info } from '../../src/gym/env.ts';
import type { RectShape, Scene, Shape } from '../../src/gym/scene.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import { makeArcadeEnv, parseArcadeKwargs, type ArcadeGame, type ArcadeModeDefaults } from './arcade-env.ts';

/** Game kwargs of Breakout. */
export interface BreakoutKwargs {
  /** Balls per game. */
  lives: number;
}

/** Default game kwargs (the Atari game's five lives). */
export const BREAKOUT_DEFAULTS = { lives: 5 } as const satisfies BreakoutKwargs;

/** Atari timing: 4 frames per step; sticky actions in pixels mode (ALE v5). */
export const BREAKOUT_MODE_DEFAULTS: ArcadeModeDefaults = { frameSkip: 4, pixelsRepeatActionProbability: 0.25 };

/** The kwargs `make('Breakout-v0')` starts from. */
export const BREAKOUT_KWARGS = { obs: 'features', ...BREAKOUT_DEFAULTS } as const;

/** 60 frames per second of game time, shown at 15 steps per second; ← / → move the paddle. */
export const BREAKOUT_METADATA: EnvMetadata = {
  renderFps: 15,
  keymap: { play: 'realtime', keys: { ArrowLeft: 1, ArrowRight: 2, a: 1, d: 2 }, noop: 0, legend: { ArrowLeft: 'paddle left', ArrowRight: 'paddle right' }, noopLegend: 'stay' },
};

/** The field inside the walls: x in [0, 144], y in [0, 168] (the ball is lost below 0). */
export const FIELD_W = 144;
export const FIELD_H = 168;
export const BRICK_ROWS = 6;
export const BRICK_COLUMNS = 18;
export const BRICK_W = 8;
export const BRICK_H = 6;
/** Bottom edge of the lowest brick row. */
export const BRICKS_Y = 108;
export const PADDLE_Y = 12;
export const PADDLE_W = 24;
export const PADDLE_H = 4;
export const PADDLE_SPEED = 4;
export const BALL_SIZE = 4;
/** Ball speed (units per frame) before any speed-up, the size of one speed-up, and the top speed. */
export const BASE_SPEED = 2;
export const SPEED_STEP = 0.5;
export const MAX_SPEED = BASE_SPEED + 4 * SPEED_STEP;
/** Frames a new ball waits before it is served. */
export const SERVE_FRAMES = 30;
/** Height the ball is served from. */
export const SERVE_Y = 90;
/** Steepest bounce off the paddle, from vertical. */
const MAX_BOUNCE_RAD = Math.PI / 3;

const HALF_BALL = BALL_SIZE / 2;
const FEATURES = 7;
const BACKGROUND = '#000000';
const WALL_COLOR = '#8e8e8e';
const PADDLE_COLOR = '#c84848';
const BALL_COLOR = '#c84848';
/** Brick colours from the bottom row up (blue … red), as on the Atari. */
const ROW_COLORS = ['#4248c8', '#48a048', '#a2a22a', '#b47a30', '#c66c3a', '#c84848'];
/** Rows whose first contact speeds the ball up: orange and red. */
const FAST_ROWS = [4, 5];

/** Breakout's state and rules; y up, bricks indexed `row · 18 + column` with row 0 at the bottom. */
export class BreakoutGame implements ArcadeGame {
  readonly numActions = 3;
  readonly featureSpace: BoxSpace;
  readonly startLives: number;
  /** 1 where a brick stands. */
  readonly bricks: Uint8Array;
  ballX: number;
  ballY: number;
  ballVx: number;
  ballVy: number;
  paddleX: number;
  lives: number;
  score: number;
  /** Walls cleared so far (the game ends at 2). */
  wallsCleared: number;
  bricksLeft: number;
  /** Frames until the waiting ball is served (0 while it is in play). */
  serveIn: number;
  /** Paddle hits by the current ball. */
  hits: number;
  /** Speed-ups the current ball has had (0–4). */
  speedLevel: number;
  /** Bit r set once the current ball has touched fast row r. */
  fastRowsTouched: number;
  over: boolean;
  /** One shape per brick, reused across frames (never mutated; `RectShape` is readonly). */
  private readonly brickShapes: readonly RectShape[];

  constructor(args: BreakoutKwargs = BREAKOUT_DEFAULTS) {
    this.startLives = args.lives;
    const n = FEATURES + BRICK_ROWS * BRICK_COLUMNS;
    const low = new Float32Array(n);
    low[2] = -1;
    low[3] = -1;
    this.featureSpace = box(low, new Float32Array(n).fill(1));
    this.bricks = new Uint8Array(BRICK_ROWS * BRICK_COLUMNS);
    this.brickShapes = Array.from({ length: BRICK_ROWS * BRICK_COLUMNS }, (_, i): RectShape => {
      const row = Math.floor(i / BRICK_COLUMNS);
      const col = i % BRICK_COLUMNS;
      return { id: `brick-${row}-${col}`, kind: 'rect', x: col * BRICK_W + BRICK_W / 2, y: BRICKS_Y + row * BRICK_H + BRICK_H / 2, angle: 0, width: BRICK_W, height: BRICK_H, fill: ROW_COLORS[row] };
    });
    this.ballX = FIELD_W / 2;
    this.ballY = SERVE_Y;
    this.ballVx = 0;
    this.ballVy = 0;
    this.paddleX = FIELD_W / 2;
    this.lives = args.lives;
    this.score = 0;
    this.wallsCleared = 0;
    this.bricksLeft = 0;
    this.serveIn = SERVE_FRAMES;
    this.hits = 0;
    this.speedLevel = 0;
    this.fastRowsTouched = 0;
    this.over = false;
  }

  /** A full wall, all lives, the first ball waiting. */
  reset(rng: Rng): void {
    this.bricks.fill(1);
    this.bricksLeft = this.bricks.length;
    this.paddleX = FIELD_W / 2;
    this.lives = this.startLives;
    this.score = 0;
    this.wallsCleared = 0;
    this.over = false;
    this.newBall(rng);
  }

  /** A slow ball waiting to be served from a random x. */
  private newBall(rng: Rng): void {
    this.ballX = rng.uniform(24, FIELD_W - 24);
    this.ballY = SERVE_Y;
    this.ballVx = 0;
    this.ballVy = 0;
    this.serveIn = SERVE_FRAMES;
    this.hits = 0;
    this.speedLevel = 0;
    this.fastRowsTouched = 0;
  }

  /** The current ball speed, units per frame. */
  get speed(): number {
    return BASE_SPEED + SPEED_STEP * this.speedLevel;
  }

  /** One frame: the paddle moves, then the ball (x, then y), breaking bricks. */
  tick(action: number, rng: Rng): number {
    const half = PADDLE_W / 2;
    if (action === 1) this.paddleX = Math.max(half, this.paddleX - PADDLE_SPEED);
    else if (action === 2) this.paddleX = Math.min(FIELD_W - half, this.paddleX + PADDLE_SPEED);
    if (this.serveIn > 0) {
      if (--this.serveIn === 0) {
        const angle = rng.uniform(Math.PI / 12, Math.PI / 4) * (rng.random() < 0.5 ? -1 : 1);
        this.ballVx = BASE_SPEED * Math.sin(angle);
        this.ballVy = -BASE_SPEED * Math.cos(angle);
      }
      return 0;
    }
    return this.moveBall(rng);
  }

  private moveBall(rng: Rng): number {
    let reward = 0;
    // Along x: side walls, then bricks.
    const x0 = this.ballX;
    let x = x0 + this.ballVx;
    if (x - HALF_BALL < 0) {
      x = 2 * HALF_BALL - x;
      this.ballVx = -this.ballVx;
    } else if (x + HALF_BALL > FIELD_W) {
      x = 2 * (FIELD_W - HALF_BALL) - x;
      this.ballVx = -this.ballVx;
    }
    let broken = this.breakBricks(x, this.ballY);
    if (broken > 0) {
      reward += broken;
      x = x0;
      this.ballVx = -this.ballVx;
    }
    this.ballX = x;
    // Along y: ceiling, bricks, paddle, floor.
    const y0 = this.ballY;
    let y = y0 + this.ballVy;
    if (y + HALF_BALL > FIELD_H) {
      y = 2 * (FIELD_H - HALF_BALL) - y;
      this.ballVy = -this.ballVy;
    }
    broken = this.breakBricks(x, y);
    if (broken > 0) {
      reward += broken;
      y = y0;
      this.ballVy = -this.ballVy;
    }
    const top = PADDLE_Y + PADDLE_H / 2;
    if (this.ballVy < 0 && y0 - HALF_BALL >= top && y - HALF_BALL < top) y = this.bounceOffPaddle(x, y, top + HALF_BALL);
    this.ballY = y;
    if (this.bricksLeft === 0) this.clearWall();
    if (y < 0 && !this.over) this.loseBall(rng);
    return reward;
  }

  /** Breaks every standing brick the ball's box at (x, y) overlaps; returns how many. */
  private breakBricks(x: number, y: number): number {
    const rowLo = Math.max(0, Math.floor((y - HALF_BALL - BRICKS_Y) / BRICK_H));
    const rowHi = Math.min(BRICK_ROWS - 1, Math.ceil((y + HALF_BALL - BRICKS_Y) / BRICK_H) - 1);
    if (rowLo > rowHi) return 0;
    const colLo = Math.max(0, Math.floor((x - HALF_BALL) / BRICK_W));
    const colHi = Math.min(BRICK_COLUMNS - 1, Math.ceil((x + HALF_BALL) / BRICK_W) - 1);
    let broken = 0;
    for (let row = rowLo; row <= rowHi; row++) {
      for (let col = colLo; col <= colHi; col++) {
        const i = row * BRICK_COLUMNS + col;
        if (this.bricks[i] === 0) continue;
        this.bricks[i] = 0;
        this.bricksLeft--;
        broken++;
        if (FAST_ROWS.includes(row) && (this.fastRowsTouched & (1 << row)) === 0) {
          this.fastRowsTouched |= 1 << row;
          this.speedUp();
        }
      }
    }
    this.score += broken;
    return broken;
  }

  /** Bounces off the paddle if the ball (at x) meets it while crossing its top; returns the ball's new y. */
  private bounceOffPaddle(x: number, y: number, contactY: number): number {
    const offset = (x - this.paddleX) / (PADDLE_W / 2 + HALF_BALL);
    if (offset < -1 || offset > 1) return y;
    this.hits++;
    if (this.hits === 4 || this.hits === 12) this.speedUp();
    const angle = offset * MAX_BOUNCE_RAD;
    this.ballVx = this.speed * Math.sin(angle);
    this.ballVy = this.speed * Math.cos(angle);
    return contactY + (contactY - y);
  }

  private speedUp(): void {
    if (this.speedLevel >= 4) return;
    const before = this.speed;
    this.speedLevel++;
    const scale = this.speed / before;
    this.ballVx *= scale;
    this.ballVy *= scale;
  }

  /** The first cleared wall is rebuilt; the second ends the game. */
  private clearWall(): void {
    this.wallsCleared++;
    if (this.wallsCleared >= 2) {
      this.over = true;
      return;
    }
    this.bricks.fill(1);
    this.bricksLeft = this.bricks.length;
  }

  private loseBall(rng: Rng): void {
    this.lives--;
    if (this.lives <= 0) {
      this.over = true;
      this.ballY = 0;
      this.serveIn = 0;
      return;
    }
    this.newBall(rng);
  }

  /** Ball, paddle, lives, in-play flag, then the bricks from the top row down. */
  writeFeatures(out: Float32Array): void {
    out[0] = this.ballX / FIELD_W;
    out[1] = Math.max(0, this.ballY) / FIELD_H;
    out[2] = this.ballVx / MAX_SPEED;
    out[3] = this.ballVy / MAX_SPEED;
    out[4] = this.paddleX / FIELD_W;
    out[5] = this.lives / this.startLives;
    out[6] = this.serveIn === 0 ? 1 : 0;
    let k = FEATURES;
    for (let row = BRICK_ROWS - 1; row >= 0; row--) {
      for (let col = 0; col < BRICK_COLUMNS; col++) out[k++] = this.bricks[row * BRICK_COLUMNS + col];
    }
  }

  /** Lives left (ALE's `info["lives"]`) and bricks broken. */
  info(): Info {
    return { lives: this.lives, score: this.score };
  }

  /**
   * Walls, score, lives, paddle, ball and standing bricks, in field units. Broken bricks and a waiting ball
   * are omitted (their ids return when they reappear); brick ids are `brick-<row>-<column>`, row 0 at the bottom.
   */
  render(): Scene {
    const shapes: Shape[] = [
      { id: 'wall-left', kind: 'rect', x: -2, y: (FIELD_H + 4) / 2, angle: 0, width: 4, height: FIELD_H + 4, fill: WALL_COLOR },
      { id: 'wall-right', kind: 'rect', x: FIELD_W + 2, y: (FIELD_H + 4) / 2, angle: 0, width: 4, height: FIELD_H + 4, fill: WALL_COLOR },
      { id: 'wall-top', kind: 'rect', x: FIELD_W / 2, y: FIELD_H + 2, angle: 0, width: FIELD_W + 8, height: 4, fill: WALL_COLOR },
      { id: 'score', kind: 'text', x: 4, y: FIELD_H + 7, angle: 0, text: String(this.score), size: 10, fill: WALL_COLOR },
      { id: 'lives', kind: 'text', x: FIELD_W - 4, y: FIELD_H + 7, angle: 0, text: String(this.lives), size: 10, align: 'right', fill: WALL_COLOR },
    ];
    for (let i = 0; i < this.bricks.length; i++) if (this.bricks[i] === 1) shapes.push(this.brickShapes[i]);
    shapes.push({ id: 'paddle', kind: 'rect', x: this.paddleX, y: PADDLE_Y, angle: 0, width: PADDLE_W, height: PADDLE_H, fill: PADDLE_COLOR });
    if (this.serveIn === 0 && !this.over) shapes.push({ id: 'ball', kind: 'rect', x: this.ballX, y: this.ballY, angle: 0, width: BALL_SIZE, height: BALL_SIZE, fill: BALL_COLOR });
    return { bounds: { xMin: -4, xMax: FIELD_W + 4, yMin: 0, yMax: FIELD_H + 20 }, background: BACKGROUND, shapes };
  }
}

/** Builds Breakout-v0 from kwargs (the registry's factory). */
export function makeBreakout(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Breakout-v0', { kwargs: BREAKOUT_KWARGS, metadata: BREAKOUT_METADATA })): Env<Float32Array | Uint8Array, number> {
  const { game, arcade } = parseArcadeKwargs(spec.id, kwargs, BREAKOUT_DEFAULTS, BREAKOUT_MODE_DEFAULTS);
  if (!Number.isInteger(game.lives) || game.lives < 1 || game.lives > 99) throw new ConfigError(`${spec.id}: kwarg "lives" must be an integer in [1, 99], received ${game.lives}`);
  return makeArcadeEnv(new BreakoutGame(game), arcade, spec);
}
