/**
 * Pong-v0: return the ball past a scripted opponent; first to 21 points wins.
 *
 * ## Description
 * Table tennis after Atari 2600 Pong (1977) as played in ALE (https://ale.farama.org/environments/pong/):
 * the agent's paddle is on the right, a scripted paddle on the left, walls at the top and bottom. A paddle
 * hit sends the ball back at an angle set by where it struck the paddle (the edges give the steepest
 * shots) and 0.1 faster, up to a cap; the opponent follows the ball while it approaches, at most
 * `opponentSpeed` per frame, and drifts back to the centre otherwise, so steep shots beat it. After each
 * point the ball rests at the centre for 30 frames (hidden) and is served towards the player who lost the
 * point (at random for the first serve). Distances are in court units (160 × 144), one frame is 1/60 s of
 * game time, and by default each step repeats the action for 4 frames (ALE's frameskip).
 *
 * ## Observation
 * `obs: 'features'` (default), Box(6) float32:
 * | Index | Meaning                            | Min | Max |
 * |-------|------------------------------------|-----|-----|
 * | 0     | ball x / 160                       | 0   | 1   |
 * | 1     | ball y / 144                       | 0   | 1   |
 * | 2     | ball x velocity / 3.5              | −1  | 1   |
 * | 3     | ball y velocity / 3                | −1  | 1   |
 * | 4     | agent paddle y / 144 (right)       | 0   | 1   |
 * | 5     | opponent paddle y / 144 (left)     | 0   | 1   |
 * While the ball waits to be served it sits at the centre with zero velocity.
 * `obs: 'pixels'`: uint8 frames, `[4, 84, 84]` by default, with ALE v5's sticky actions (p = 0.25).
 *
 * ## Actions (Discrete(3))
 * 0: no-op; 1: up; 2: down (3 units per frame). Keys: ↑ / ↓ (or w / s).
 *
 * ## Reward
 * +1 when the agent scores a point, −1 when the opponent does (the return is the score difference).
 *
 * ## Start state
 * Paddles centred, scores 0–0, the ball at the centre waiting to be served in a random direction at a
 * random angle.
 *
 * ## Episode end
 * Terminates when either side reaches `pointsToWin` (21). Truncation at 10 000 steps (added by `make`).
 * Reward threshold +10 (the issue's target: a mean score difference of +10 against the scripted paddle).
 *
 * ## Kwargs
 * `pointsToWin` (21), `opponentSpeed` (2, court units per frame), plus the shared arcade kwargs
 * (see arcade-env.ts).
 *
 * ## Version history
 * - v0: initial version.
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Rng } from '../../src/core/rng.ts';
import { bareSpec, type Env, type EnvMetadata, type EnvSpec, type Info } from '../../src/gym/env.ts';
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { box, type BoxSpace } from '../../src/gym/spaces.ts';
import { makeArcadeEnv, parseArcadeKwargs, type ArcadeGame, type ArcadeModeDefaults } from './arcade-env.ts';

/** Game kwargs of Pong. */
export interface PongKwargs {
  /** Points that win the game. */
  pointsToWin: number;
  /** The scripted paddle's top speed (court units per frame; the agent's is 3). */
  opponentSpeed: number;
}

/** Default game kwargs. */
export const PONG_DEFAULTS = { pointsToWin: 21, opponentSpeed: 2 } as const satisfies PongKwargs;

/** Atari timing: 4 frames per step; sticky actions in pixels mode (ALE v5). */
export const PONG_MODE_DEFAULTS: ArcadeModeDefaults = { frameSkip: 4, pixelsRepeatActionProbability: 0.25 };

/** The kwargs `make('Pong-v0')` starts from. */
export const PONG_KWARGS = { obs: 'features', ...PONG_DEFAULTS } as const;

/** 60 frames per second of game time, shown at 15 steps per second; ↑ / ↓ move the paddle. */
export const PONG_METADATA: EnvMetadata = {
  renderFps: 15,
  keymap: { play: 'realtime', keys: { ArrowUp: 1, ArrowDown: 2, w: 1, s: 2 }, noop: 0, legend: { ArrowUp: 'paddle up', ArrowDown: 'paddle down' }, noopLegend: 'stay' },
};

/** Court width and height (the playfield between the walls). */
export const COURT_W = 160;
export const COURT_H = 144;
/** Paddle centres' x: the agent on the right, the opponent on the left. */
export const AGENT_X = 144;
export const OPPONENT_X = 16;
export const PADDLE_W = 4;
export const PADDLE_H = 16;
export const BALL_SIZE = 4;
/** The agent paddle's speed, units per frame. */
export const PADDLE_SPEED = 3;
/** Serve speed along x; each paddle hit adds SPEED_UP up to MAX_VX. */
export const SERVE_VX = 2;
export const SPEED_UP = 0.1;
export const MAX_VX = 3.5;
/** Vertical speed of a shot off the paddle's very edge. */
export const MAX_VY = 3;
/** The opponent meets the ball up to this far from its paddle's centre (a new draw each time the ball heads its way). */
export const OPPONENT_AIM = 6;
/** Frames the ball rests (hidden) before a serve. */
export const SERVE_FRAMES = 30;

const HALF_BALL = BALL_SIZE / 2;
const HALF_PADDLE = PADDLE_H / 2;
const BACKGROUND = '#904811';
const AGENT_COLOR = '#5cba5c';
const OPPONENT_COLOR = '#d5824a';
const BALL_COLOR = '#ececec';

/** Pong's state and rules; y up, the court is [0, 160] × [0, 144]. */
export class PongGame implements ArcadeGame {
  readonly numActions = 3;
  readonly featureSpace: BoxSpace;
  readonly pointsToWin: number;
  readonly opponentSpeed: number;
  ballX: number;
  ballY: number;
  ballVx: number;
  ballVy: number;
  agentY: number;
  opponentY: number;
  agentScore: number;
  opponentScore: number;
  /** Frames until the waiting ball is served (0 while it is in play). */
  serveIn: number;
  /** Direction of the next serve: +1 towards the agent, −1 towards the opponent, 0 random. */
  serveTo: number;
  /** Where on its paddle the opponent aims to meet the ball (drawn per approach), in units from its centre. */
  opponentAim: number;
  over: boolean;

  constructor(args: PongKwargs = PONG_DEFAULTS) {
    this.pointsToWin = args.pointsToWin;
    this.opponentSpeed = args.opponentSpeed;
    this.featureSpace = box([0, 0, -1, -1, 0, 0], [1, 1, 1, 1, 1, 1]);
    this.ballX = COURT_W / 2;
    this.ballY = COURT_H / 2;
    this.ballVx = 0;
    this.ballVy = 0;
    this.agentY = COURT_H / 2;
    this.opponentY = COURT_H / 2;
    this.agentScore = 0;
    this.opponentScore = 0;
    this.serveIn = SERVE_FRAMES;
    this.serveTo = 0;
    this.opponentAim = 0;
    this.over = false;
  }

  /** 0–0, paddles centred, the ball waiting for a random serve. */
  reset(_rng: Rng): void {
    this.agentY = COURT_H / 2;
    this.opponentY = COURT_H / 2;
    this.agentScore = 0;
    this.opponentScore = 0;
    this.over = false;
    this.waitForServe(0);
  }

  private waitForServe(direction: number): void {
    this.ballX = COURT_W / 2;
    this.ballY = COURT_H / 2;
    this.ballVx = 0;
    this.ballVy = 0;
    this.serveIn = SERVE_FRAMES;
    this.serveTo = direction;
  }

  /** One frame: paddles move, the ball moves, bounces, or scores. */
  tick(action: number, rng: Rng): number {
    if (action === 1) this.agentY = Math.min(COURT_H - HALF_PADDLE, this.agentY + PADDLE_SPEED);
    else if (action === 2) this.agentY = Math.max(HALF_PADDLE, this.agentY - PADDLE_SPEED);
    this.moveOpponent();
    if (this.serveIn > 0) {
      if (--this.serveIn === 0) {
        const dir = this.serveTo !== 0 ? this.serveTo : rng.random() < 0.5 ? -1 : 1;
        this.ballVx = dir * SERVE_VX;
        this.ballVy = rng.uniform(-1, 1);
        this.opponentAim = rng.uniform(-OPPONENT_AIM, OPPONENT_AIM);
      }
      return 0;
    }
    return this.moveBall(rng);
  }

  /** The scripted paddle: follows the approaching ball, else returns to the centre. */
  private moveOpponent(): void {
    const target = this.serveIn === 0 && this.ballVx < 0 && this.ballX < COURT_W / 2 ? this.ballY + this.opponentAim : COURT_H / 2;
    const diff = target - this.opponentY;
    const v = Math.max(-this.opponentSpeed, Math.min(this.opponentSpeed, diff));
    this.opponentY = Math.max(HALF_PADDLE, Math.min(COURT_H - HALF_PADDLE, this.opponentY + v));
  }

  private moveBall(rng: Rng): number {
    const x0 = this.ballX;
    const y0 = this.ballY;
    let x = x0 + this.ballVx;
    let y = y0 + this.ballVy;
    // Walls: reflect the overshoot.
    if (y + HALF_BALL > COURT_H) {
      y = 2 * (COURT_H - HALF_BALL) - y;
      this.ballVy = -this.ballVy;
    } else if (y - HALF_BALL < 0) {
      y = 2 * HALF_BALL - y;
      this.ballVy = -this.ballVy;
    }
    // Paddles: the ball's leading edge crosses a paddle's face this frame, within the paddle's reach.
    if (this.ballVx > 0) {
      const face = AGENT_X - PADDLE_W / 2;
      if (x0 + HALF_BALL <= face && x + HALF_BALL > face) {
        x = this.hit(x, x0, y0, y, face - HALF_BALL, this.agentY, -1);
        if (this.ballVx < 0) this.opponentAim = rng.uniform(-OPPONENT_AIM, OPPONENT_AIM);
      }
    } else {
      const face = OPPONENT_X + PADDLE_W / 2;
      if (x0 - HALF_BALL >= face && x - HALF_BALL < face) x = this.hit(x, x0, y0, y, face + HALF_BALL, this.opponentY, 1);
    }
    this.ballX = x;
    this.ballY = y;
    if (x > COURT_W) return this.point(-1);
    if (x < 0) return this.point(1);
    return 0;
  }

  /** Returns the ball's new x after a possible hit at `contactX` (the ball centre at contact). */
  private hit(x: number, x0: number, y0: number, y: number, contactX: number, paddleY: number, away: number): number {
    const t = (contactX - x0) / (x - x0);
    const yAt = y0 + t * (y - y0);
    const offset = (yAt - paddleY) / (HALF_PADDLE + HALF_BALL);
    if (offset < -1 || offset > 1) return x;
    const speed = Math.min(MAX_VX, Math.abs(this.ballVx) + SPEED_UP);
    this.ballVx = away * speed;
    this.ballVy = MAX_VY * offset;
    return contactX + away * Math.abs(x - contactX);
  }

  /** Scores a point for the agent (+1) or the opponent (−1) and sets up the next serve. */
  private point(winner: number): number {
    if (winner > 0) this.agentScore++;
    else this.opponentScore++;
    if (this.agentScore >= this.pointsToWin || this.opponentScore >= this.pointsToWin) this.over = true;
    this.waitForServe(winner > 0 ? -1 : 1);
    return winner;
  }

  /** Ball position and velocity, paddle heights, scaled into [0, 1] or [−1, 1]. */
  writeFeatures(out: Float32Array): void {
    out[0] = this.ballX / COURT_W;
    out[1] = this.ballY / COURT_H;
    out[2] = this.ballVx / MAX_VX;
    out[3] = this.ballVy / MAX_VY;
    out[4] = this.agentY / COURT_H;
    out[5] = this.opponentY / COURT_H;
  }

  /** The score. */
  info(): Info {
    return { agentScore: this.agentScore, opponentScore: this.opponentScore };
  }

  /** Walls, scores, paddles and (when in play) the ball, in court units; the ball is omitted while it waits. */
  render(): Scene {
    const shapes: Shape[] = [
      { id: 'wall-top', kind: 'rect', x: COURT_W / 2, y: COURT_H + 2, angle: 0, width: COURT_W, height: 4, fill: BALL_COLOR },
      { id: 'wall-bottom', kind: 'rect', x: COURT_W / 2, y: -2, angle: 0, width: COURT_W, height: 4, fill: BALL_COLOR },
      { id: 'score-opponent', kind: 'text', x: COURT_W / 4, y: COURT_H + 6, angle: 0, text: String(this.opponentScore), size: 12, align: 'center', fill: OPPONENT_COLOR },
      { id: 'score-agent', kind: 'text', x: (3 * COURT_W) / 4, y: COURT_H + 6, angle: 0, text: String(this.agentScore), size: 12, align: 'center', fill: AGENT_COLOR },
      { id: 'opponent', kind: 'rect', x: OPPONENT_X, y: this.opponentY, angle: 0, width: PADDLE_W, height: PADDLE_H, fill: OPPONENT_COLOR },
      { id: 'agent', kind: 'rect', x: AGENT_X, y: this.agentY, angle: 0, width: PADDLE_W, height: PADDLE_H, fill: AGENT_COLOR },
    ];
    if (this.serveIn === 0) shapes.push({ id: 'ball', kind: 'rect', x: this.ballX, y: this.ballY, angle: 0, width: BALL_SIZE, height: BALL_SIZE, fill: BALL_COLOR });
    return { bounds: { xMin: 0, xMax: COURT_W, yMin: -4, yMax: COURT_H + 20 }, background: BACKGROUND, shapes };
  }
}

/** Builds Pong-v0 from kwargs (the registry's factory). */
export function makePong(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Pong-v0', { kwargs: PONG_KWARGS, metadata: PONG_METADATA })): Env<Float32Array | Uint8Array, number> {
  const { game, arcade } = parseArcadeKwargs(spec.id, kwargs, PONG_DEFAULTS, PONG_MODE_DEFAULTS);
  if (!Number.isInteger(game.pointsToWin) || game.pointsToWin < 1) throw new ConfigError(`${spec.id}: kwarg "pointsToWin" must be a positive integer, received ${game.pointsToWin}`);
  if (!(game.opponentSpeed >= 0 && game.opponentSpeed <= 10)) throw new ConfigError(`${spec.id}: kwarg "opponentSpeed" must be in [0, 10], received ${game.opponentSpeed}`);
  return makeArcadeEnv(new PongGame(game), arcade, spec);
}
