/**
 * Snake-v0: steer a snake around a walled grid to eat food; each food makes it one cell longer.
 *
 * ## Description
 * The arcade classic (Gremlin's Blockade, 1976; Nokia's Snake, 1997) on a `columns × rows` grid, 10×10 by
 * default. The snake moves one cell per step; eating the food grows it by one cell and a new food appears
 * on a uniformly random free cell. Running into a wall or into its own body ends the game. Moving into the
 * cell the tail is leaving is allowed (the tail moves away first), except on a step that grows the snake.
 * Rules as in the common RL formulations, e.g. https://github.com/grantsrb/Gym-Snake and the Snake env of
 * Wei et al. 2018, "Autonomous agents in Snake game via deep reinforcement learning".
 *
 * ## Observation
 * `obs: 'features'` (default): the grid, Box(3, rows, columns) float32 in [0, 1], row 0 at the top (the same
 * orientation as the pixels):
 * | Plane | Meaning                                                                         |
 * |-------|---------------------------------------------------------------------------------|
 * | 0     | snake: 1 at the head, falling linearly to 1/length at the tail (shows the order) |
 * | 1     | head: 1 at the head's cell                                                      |
 * | 2     | food: 1 at the food's cell                                                      |
 * `obs: 'pixels'`: uint8 frames of the scene, `[4, 84, 84]` by default (frameSkip 1, no sticky actions:
 * one move per step, and a repeated move can be fatal).
 *
 * ## Actions (Discrete(5))
 * 0: keep going; 1: up; 2: right; 3: down; 4: left. Turning back onto the neck is ignored (the snake keeps
 * going). Keys: arrows or w a s d.
 *
 * ## Reward
 * +1 per food eaten, −1 on death, 0 otherwise.
 *
 * ## Start state
 * A snake of 3 cells in the middle row, heading right with its head at (columns >> 1, rows >> 1); the food
 * on a uniformly random free cell.
 *
 * ## Episode end
 * Terminates when the snake hits a wall or itself, or fills the whole grid (a win). Truncation at 1000 steps
 * (added by `make`; raise it for big grids with `make(id, { maxEpisodeSteps })`).
 *
 * ## Kwargs
 * `rows` (10), `columns` (10), plus the shared arcade kwargs (see arcade-env.ts).
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

/** Game kwargs of Snake. */
export interface SnakeKwargs {
  /** Grid rows (≥ 3). */
  rows: number;
  /** Grid columns (≥ 4). */
  columns: number;
}

/** Default game kwargs: the 10×10 grid used for learning. */
export const SNAKE_DEFAULTS = { rows: 10, columns: 10 } as const satisfies SnakeKwargs;

/** One move per step: no frame skip, no sticky actions. */
export const SNAKE_MODE_DEFAULTS: ArcadeModeDefaults = { frameSkip: 1, pixelsRepeatActionProbability: 0 };

/** The kwargs `make('Snake-v0')` starts from. */
export const SNAKE_KWARGS = { obs: 'features', ...SNAKE_DEFAULTS } as const;

/** Render rate and keys: arrows or w a s d steer. */
export const SNAKE_METADATA: EnvMetadata = {
  renderFps: 10,
  keymap: { play: 'realtime', keys: { ArrowUp: 1, ArrowRight: 2, ArrowDown: 3, ArrowLeft: 4, w: 1, d: 2, s: 3, a: 4 }, noop: 0, legend: { ArrowUp: 'turn up', ArrowRight: 'turn right', ArrowDown: 'turn down', ArrowLeft: 'turn left' }, noopLegend: 'keep going' },
};

/** Start length of the snake. */
export const START_LENGTH = 3;

/** Headings 1..4 (up, right, down, left) as cell steps, y up; index 0 unused. */
const DX = [0, 0, 1, 0, -1];
const DY = [0, 1, 0, -1, 0];

const BACKGROUND = '#1b1b1b';
const HEAD_COLOR = '#b8f075';
const BODY_COLOR = '#2e7d32';
const FOOD_COLOR = '#ff6b6b';

/**
 * Snake's state and rules. Cells are `y · columns + x` with y counted from the bottom row; the body is a
 * ring buffer of cells from the head (`body[headAt]`) backwards to the tail, mirrored in `occupied`.
 */
export class SnakeGame implements ArcadeGame {
  readonly numActions = 5;
  readonly featureSpace: BoxSpace;
  readonly rows: number;
  readonly columns: number;
  /** Ring buffer of body cells; the head is at `headAt`, the tail `length − 1` places before it. */
  readonly body: Int32Array;
  /** 1 where a body cell is. */
  readonly occupied: Uint8Array;
  headAt: number;
  length: number;
  /** 1 up, 2 right, 3 down, 4 left. */
  heading: number;
  /** The food's cell, or −1 once the snake fills the grid. */
  food: number;
  over: boolean;

  constructor(args: SnakeKwargs = SNAKE_DEFAULTS) {
    this.rows = args.rows;
    this.columns = args.columns;
    const cells = this.rows * this.columns;
    this.featureSpace = box(0, 1, { shape: [3, this.rows, this.columns] });
    this.body = new Int32Array(cells);
    this.occupied = new Uint8Array(cells);
    this.headAt = 0;
    this.length = 0;
    this.heading = 2;
    this.food = -1;
    this.over = false;
  }

  /** The cell of segment `i` (0 = head). */
  segment(i: number): number {
    const n = this.body.length;
    return this.body[(this.headAt - i + n) % n];
  }

  /** A 3-cell snake in the middle heading right, food at a random free cell. */
  reset(rng: Rng): void {
    this.occupied.fill(0);
    const y = this.rows >> 1;
    const x = this.columns >> 1;
    for (let i = 0; i < START_LENGTH; i++) {
      const cell = y * this.columns + x - (START_LENGTH - 1 - i);
      this.body[i] = cell;
      this.occupied[cell] = 1;
    }
    this.headAt = START_LENGTH - 1;
    this.length = START_LENGTH;
    this.heading = 2;
    this.over = false;
    this.placeFood(rng);
  }

  /** Food on the k-th free cell, k uniform. */
  private placeFood(rng: Rng): void {
    const free = this.occupied.length - this.length;
    if (free === 0) {
      this.food = -1;
      return;
    }
    let k = rng.int(free);
    for (let cell = 0; cell < this.occupied.length; cell++) {
      if (this.occupied[cell] === 0 && k-- === 0) {
        this.food = cell;
        return;
      }
    }
  }

  /** Turns (unless onto the neck), moves one cell, eats or dies. */
  tick(action: number, rng: Rng): number {
    if (action !== 0 && action !== ((this.heading + 1) % 4) + 1) this.heading = action;
    const cols = this.columns;
    const head = this.body[this.headAt];
    const x = (head % cols) + DX[this.heading];
    const y = ((head / cols) | 0) + DY[this.heading];
    if (x < 0 || x >= cols || y < 0 || y >= this.rows) return this.die();
    const next = y * cols + x;
    const n = this.body.length;
    const eats = next === this.food;
    if (!eats) this.occupied[this.body[(this.headAt - this.length + 1 + n) % n]] = 0;
    if (this.occupied[next] === 1) {
      if (!eats) this.occupied[this.body[(this.headAt - this.length + 1 + n) % n]] = 1;
      return this.die();
    }
    this.headAt = (this.headAt + 1) % n;
    this.body[this.headAt] = next;
    this.occupied[next] = 1;
    if (!eats) return 0;
    this.length++;
    this.placeFood(rng);
    if (this.food < 0) this.over = true;
    return 1;
  }

  private die(): number {
    this.over = true;
    return -1;
  }

  /** The three planes, row 0 at the top. */
  writeFeatures(out: Float32Array): void {
    const cols = this.columns;
    const plane = this.rows * cols;
    const top = this.rows - 1;
    const n = this.body.length;
    const len = this.length;
    for (let i = 0; i < len; i++) {
      const cell = this.body[(this.headAt - i + n) % n];
      out[(top - ((cell / cols) | 0)) * cols + (cell % cols)] = (len - i) / len;
    }
    const head = this.body[this.headAt];
    out[plane + (top - ((head / cols) | 0)) * cols + (head % cols)] = 1;
    if (this.food >= 0) out[2 * plane + (top - ((this.food / cols) | 0)) * cols + (this.food % cols)] = 1;
  }

  /** The snake's length. */
  info(): Info {
    return { length: this.length };
  }

  /**
   * The grid in cell units. Segment ids count from the head (`segment-0` is always the head), so a segment
   * keeps its id and colour while it moves; a longer snake adds ids, a reset drops the extra ones.
   */
  render(): Scene {
    const cols = this.columns;
    const shapes: Shape[] = [];
    if (this.food >= 0) shapes.push({ id: 'food', kind: 'circle', x: (this.food % cols) + 0.5, y: ((this.food / cols) | 0) + 0.5, angle: 0, radius: 0.4, fill: FOOD_COLOR });
    for (let i = this.length - 1; i >= 0; i--) {
      const cell = this.segment(i);
      shapes.push({ id: `segment-${i}`, kind: 'rect', x: (cell % cols) + 0.5, y: ((cell / cols) | 0) + 0.5, angle: 0, width: 0.9, height: 0.9, fill: i === 0 ? HEAD_COLOR : BODY_COLOR });
    }
    return { bounds: { xMin: 0, xMax: cols, yMin: 0, yMax: this.rows }, background: BACKGROUND, shapes };
  }
}

/** Builds Snake-v0 from kwargs (the registry's factory). */
export function makeSnake(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Snake-v0', { kwargs: SNAKE_KWARGS, metadata: SNAKE_METADATA })): Env<Float32Array | Uint8Array, number> {
  const { game, arcade } = parseArcadeKwargs(spec.id, kwargs, SNAKE_DEFAULTS, SNAKE_MODE_DEFAULTS);
  if (!Number.isInteger(game.rows) || game.rows < 3 || game.rows > 256) throw new ConfigError(`${spec.id}: kwarg "rows" must be an integer in [3, 256], received ${game.rows}`);
  if (!Number.isInteger(game.columns) || game.columns < 4 || game.columns > 256) throw new ConfigError(`${spec.id}: kwarg "columns" must be an integer in [4, 256], received ${game.columns}`);
  return makeArcadeEnv(new SnakeGame(game), arcade, spec);
}
