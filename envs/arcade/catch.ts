/**
 * Catch-v0: move a paddle along the bottom row to catch a ball falling from the top.
 *
 * ## Description
 * The classic sanity task for pixel agents (Mnih et al. 2014, "Recurrent models of visual attention";
 * DeepMind's bsuite `catch`): a ball appears in a random column of the top row and falls one row per step;
 * the paddle moves one column per step. Rules and sizes follow bsuite's catch.py,
 * https://github.com/google-deepmind/bsuite/blob/main/bsuite/environments/catch.py, except that action 0
 * is "stay" (every arcade game here uses 0 as its no-op) and an episode may hold several balls.
 *
 * ## Observation
 * `obs: 'features'` (default), Box(3) float32:
 * | Index | Meaning                          | Min | Max |
 * |-------|----------------------------------|-----|-----|
 * | 0     | ball column / (columns − 1)      | 0   | 1   |
 * | 1     | ball row / (rows − 1), 1 = top   | 0   | 1   |
 * | 2     | paddle column / (columns − 1)    | 0   | 1   |
 * `obs: 'pixels'`: uint8 frames of the scene, `[4, 84, 84]` by default (see `arcade-env.ts`; Catch uses
 * frameSkip 1 and no sticky actions, as bsuite).
 *
 * ## Actions (Discrete(3))
 * 0: stay; 1: move left; 2: move right (clamped at the edges). Keys: ← / → (or a / d).
 *
 * ## Reward
 * +1 when a ball reaches the bottom row in the paddle's column, −1 when it reaches it elsewhere, 0 otherwise.
 *
 * ## Start state
 * Paddle in the middle column (`columns >> 1`), ball in the top row at a uniformly random column.
 *
 * ## Episode end
 * Terminates when `balls` balls (default 1) have reached the bottom; each ball takes `rows − 1` steps, and
 * the next ball appears in the top row on the step the previous one lands. No time limit is needed.
 * Reward threshold 0.9 (95% of balls caught, with the default single ball).
 *
 * ## Kwargs
 * `rows` (10), `columns` (5), `balls` (1), plus the shared arcade kwargs (`obs`, `frameSkip`,
 * `repeatActionProbability`, `frameStack`, `screenWidth`, `screenHeight`, `rgb`; see arcade-env.ts).
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

/** Game kwargs of Catch. */
export interface CatchKwargs {
  /** Rows of the field; a ball falls `rows − 1` steps. */
  rows: number;
  /** Columns of the field. */
  columns: number;
  /** Balls per episode. */
  balls: number;
}

/** Default game kwargs (bsuite's 10×5, one ball). */
export const CATCH_DEFAULTS = { rows: 10, columns: 5, balls: 1 } as const satisfies CatchKwargs;

/** Catch moves one cell per step: no frame skip, no sticky actions. */
export const CATCH_MODE_DEFAULTS: ArcadeModeDefaults = { frameSkip: 1, pixelsRepeatActionProbability: 0 };

/** The kwargs `make('Catch-v0')` starts from. */
export const CATCH_KWARGS = { obs: 'features', ...CATCH_DEFAULTS } as const;

/** Render rate and keys: ← / → move the paddle. */
export const CATCH_METADATA: EnvMetadata = {
  renderFps: 8,
  keymap: { play: 'realtime', keys: { ArrowLeft: 1, ArrowRight: 2, a: 1, d: 2 }, noop: 0, legend: { ArrowLeft: 'move left', ArrowRight: 'move right' }, noopLegend: 'stay' },
};

const BACKGROUND = '#101820';
const BALL_COLOR = '#f2c14e';
const PADDLE_COLOR = '#4ea5d9';

/** Catch's state and rules. Rows count from the bottom (row 0 holds the paddle). */
export class CatchGame implements ArcadeGame {
  readonly numActions = 3;
  readonly featureSpace: BoxSpace;
  readonly rows: number;
  readonly columns: number;
  readonly balls: number;
  ballX: number;
  ballY: number;
  paddleX: number;
  /** Balls still to land, the current one included. */
  ballsLeft: number;
  caught: number;
  missed: number;
  over: boolean;

  constructor(args: CatchKwargs = CATCH_DEFAULTS) {
    this.rows = args.rows;
    this.columns = args.columns;
    this.balls = args.balls;
    this.featureSpace = box(0, 1, { shape: [3] });
    this.ballX = 0;
    this.ballY = 0;
    this.paddleX = 0;
    this.ballsLeft = 0;
    this.caught = 0;
    this.missed = 0;
    this.over = false;
  }

  /** Paddle in the middle, first ball at the top of a random column. */
  reset(rng: Rng): void {
    this.paddleX = this.columns >> 1;
    this.ballsLeft = this.balls;
    this.caught = 0;
    this.missed = 0;
    this.over = false;
    this.dropBall(rng);
  }

  private dropBall(rng: Rng): void {
    this.ballX = rng.int(this.columns);
    this.ballY = this.rows - 1;
  }

  /** Moves the paddle, drops the ball one row, scores a landing. */
  tick(action: number, rng: Rng): number {
    if (action === 1 && this.paddleX > 0) this.paddleX--;
    else if (action === 2 && this.paddleX < this.columns - 1) this.paddleX++;
    this.ballY--;
    if (this.ballY > 0) return 0;
    const reward = this.ballX === this.paddleX ? 1 : -1;
    if (reward > 0) this.caught++;
    else this.missed++;
    this.ballsLeft--;
    if (this.ballsLeft === 0) this.over = true;
    else this.dropBall(rng);
    return reward;
  }

  /** Ball column, ball row, paddle column, each scaled to [0, 1]. */
  writeFeatures(out: Float32Array): void {
    const cx = this.columns > 1 ? 1 / (this.columns - 1) : 0;
    out[0] = this.ballX * cx;
    out[1] = this.ballY / (this.rows - 1);
    out[2] = this.paddleX * cx;
  }

  /** Balls caught and missed so far. */
  info(): Info {
    return { caught: this.caught, missed: this.missed };
  }

  /** The field in cell units: the ball as a disc, the paddle as a bar in row 0. */
  render(): Scene {
    const shapes: Shape[] = [
      { id: 'ball', kind: 'circle', x: this.ballX + 0.5, y: this.ballY + 0.5, angle: 0, radius: 0.4, fill: BALL_COLOR },
      { id: 'paddle', kind: 'rect', x: this.paddleX + 0.5, y: 0.25, angle: 0, width: 1, height: 0.5, fill: PADDLE_COLOR },
    ];
    return { bounds: { xMin: 0, xMax: this.columns, yMin: 0, yMax: this.rows }, background: BACKGROUND, shapes };
  }
}

/** Builds Catch-v0 from kwargs (the registry's factory). */
export function makeCatch(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Catch-v0', { kwargs: CATCH_KWARGS, metadata: CATCH_METADATA })): Env<Float32Array | Uint8Array, number> {
  const { game, arcade } = parseArcadeKwargs(spec.id, kwargs, CATCH_DEFAULTS, CATCH_MODE_DEFAULTS);
  const intAtLeast = (key: keyof CatchKwargs, min: number): void => {
    if (!Number.isInteger(game[key]) || game[key] < min) throw new ConfigError(`${spec.id}: kwarg "${key}" must be an integer ≥ ${min}, received ${game[key]}`);
  };
  intAtLeast('rows', 2);
  intAtLeast('columns', 1);
  intAtLeast('balls', 1);
  return makeArcadeEnv(new CatchGame(game), arcade, spec);
}
