/**
 * Flappy-v0: flap a bird through the gaps of an endless row of pipes.
 *
 * ## Description
 * After Flappy Bird (Dong Nguyen, 2013) and its RL versions (PLE's FlappyBird,
 * https://pygame-learning-environment.readthedocs.io/en/latest/user/games/flappybird.html, and
 * https://github.com/sourabhv/FlapPyBird for the constants, here at half scale). The bird stays at x = 40
 * while pipes scroll left at 1 unit per frame; gravity pulls it down and every frame of "flap" sets its
 * vertical speed to +1.8 (so holding flap climbs steadily). Touching a pipe or the ground ends the game;
 * the sky's top stops the bird without harm. Three pipes 90 units apart are recycled: one that leaves on
 * the left comes back on the right with a new gap, its centre at most 60 units from the previous gap's.
 * Distances are in world units (144 × 256, ground 32 high), a frame is 1/60 s of game time, and by default
 * each step repeats the action for 4 frames.
 *
 * ## Observation
 * `obs: 'features'` (default), Box(6) float32 (the "next" pipe is the first one the bird has not cleared):
 * | Index | Meaning                                  | Min   | Max |
 * |-------|------------------------------------------|-------|-----|
 * | 0     | bird y / 256                             | 0     | 1   |
 * | 1     | bird vertical speed / 4                  | −1    | 1   |
 * | 2     | next pipe x − bird x, / 256              | −0.1  | 1   |
 * | 3     | next gap centre y / 256                  | 0     | 1   |
 * | 4     | the pipe after it: x − bird x, / 256     | −0.1  | 1   |
 * | 5     | its gap centre y / 256                   | 0     | 1   |
 * `obs: 'pixels'`: uint8 frames, `[4, 84, 84]` by default, with sticky actions (p = 0.25).
 *
 * ## Actions (Discrete(2))
 * 0: no-op (fall); 1: flap. Keys: space, ↑ or w.
 *
 * ## Reward
 * +1 per pipe passed (the bird's centre clears the pipe's right edge), −1 on death (PLE's defaults with a
 * smaller loss), 0 otherwise.
 *
 * ## Start state
 * The bird at mid-height, at rest; the first pipe 160 units ahead, gap centres uniform in [72, 216].
 *
 * ## Episode end
 * Terminates when the bird hits a pipe or the ground. Truncation at 4000 steps (≈ 177 pipes; added by
 * `make`). Reward threshold 50 (the target of 50 pipes on average).
 *
 * ## Kwargs
 * `gap` (60, the opening's height), plus the shared arcade kwargs (see arcade-env.ts).
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

/** Game kwargs of Flappy. */
export interface FlappyKwargs {
  /** Height of the opening between a pipe's two halves (world units). */
  gap: number;
}

/** Default game kwargs. */
export const FLAPPY_DEFAULTS = { gap: 60 } as const satisfies FlappyKwargs;

/** 4 frames per step; sticky actions in pixels mode. */
export const FLAPPY_MODE_DEFAULTS: ArcadeModeDefaults = { frameSkip: 4, pixelsRepeatActionProbability: 0.25 };

/** The kwargs `make('Flappy-v0')` starts from. */
export const FLAPPY_KWARGS = { obs: 'features', ...FLAPPY_DEFAULTS } as const;

/** 60 frames per second of game time, shown at 15 steps per second; space, ↑ or w flaps. */
export const FLAPPY_METADATA: EnvMetadata = {
  renderFps: 15,
  keymap: { play: 'realtime', keys: { ' ': 1, ArrowUp: 1, w: 1 }, noop: 0, legend: { ' ': 'flap' }, noopLegend: 'fall' },
};

export const WORLD_W = 144;
export const WORLD_H = 256;
/** Top of the ground. */
export const GROUND_Y = 32;
export const BIRD_X = 40;
export const BIRD_R = 6;
/** Gravity (units per frame²), the flap speed and the top falling speed (units per frame). */
export const GRAVITY = 0.12;
export const FLAP_SPEED = 1.8;
export const MAX_FALL = 4;
export const SCROLL = 1;
export const PIPE_W = 26;
/** Distance between consecutive pipes, and how many are recycled. */
export const PIPE_SPACING = 90;
export const PIPES = 3;
/** Where the first pipe starts. */
export const FIRST_PIPE_X = 200;
/** Gap centres stay in [GAP_MIN, GAP_MAX] and move at most GAP_STEP from one pipe to the next. */
export const GAP_MIN = 72;
export const GAP_MAX = 216;
export const GAP_STEP = 60;

/** Length of each pipe half: enough to reach past the sky and under the ground. */
const PIPE_LEN = WORLD_H;
const SKY_COLOR = '#70c5ce';
const PIPE_COLOR = '#3d8c40';
const GROUND_COLOR = '#ded895';
const BIRD_COLOR = '#f8d347';
const SCORE_COLOR = '#ffffff';

/** Flappy's state and rules; y up, the ground's top at y = 32. */
export class FlappyGame implements ArcadeGame {
  readonly numActions = 2;
  readonly featureSpace: BoxSpace;
  readonly gap: number;
  birdY: number;
  birdVy: number;
  /** Pipe centres' x and gap centres' y, one slot per recycled pipe. */
  readonly pipeX: Float64Array;
  readonly gapY: Float64Array;
  /** 1 once the bird has passed the pipe in that slot (reset when it is recycled). */
  readonly passed: Uint8Array;
  /** The slot furthest to the right (the next one to be followed by a recycled pipe). */
  lastPipe: number;
  score: number;
  over: boolean;

  constructor(args: FlappyKwargs = FLAPPY_DEFAULTS) {
    this.gap = args.gap;
    this.featureSpace = box([0, -1, -0.1, 0, -0.1, 0], [1, 1, 1, 1, 1, 1]);
    this.birdY = (GROUND_Y + WORLD_H) / 2;
    this.birdVy = 0;
    this.pipeX = new Float64Array(PIPES);
    this.gapY = new Float64Array(PIPES);
    this.passed = new Uint8Array(PIPES);
    this.lastPipe = PIPES - 1;
    this.score = 0;
    this.over = false;
  }

  /** Bird at mid-height, pipes from x = 200 on with random gaps. */
  reset(rng: Rng): void {
    this.birdY = (GROUND_Y + WORLD_H) / 2;
    this.birdVy = 0;
    this.score = 0;
    this.over = false;
    let gap = rng.uniform(GAP_MIN, GAP_MAX);
    for (let i = 0; i < PIPES; i++) {
      this.pipeX[i] = FIRST_PIPE_X + i * PIPE_SPACING;
      this.gapY[i] = gap;
      this.passed[i] = 0;
      gap = this.nextGap(gap, rng);
    }
    this.lastPipe = PIPES - 1;
  }

  private nextGap(previous: number, rng: Rng): number {
    return Math.min(GAP_MAX, Math.max(GAP_MIN, previous + rng.uniform(-GAP_STEP, GAP_STEP)));
  }

  /** One frame: flap or fall, scroll the pipes, score passes, check collisions. */
  tick(action: number, rng: Rng): number {
    this.birdVy = action === 1 ? FLAP_SPEED : Math.max(-MAX_FALL, this.birdVy - GRAVITY);
    this.birdY += this.birdVy;
    if (this.birdY > WORLD_H - BIRD_R) {
      this.birdY = WORLD_H - BIRD_R;
      this.birdVy = 0;
    }
    let reward = 0;
    for (let i = 0; i < PIPES; i++) this.pipeX[i] -= SCROLL;
    for (let i = 0; i < PIPES; i++) {
      if (this.passed[i] === 0 && this.pipeX[i] + PIPE_W / 2 < BIRD_X) {
        this.passed[i] = 1;
        this.score++;
        reward++;
      }
      if (this.pipeX[i] + PIPE_W / 2 < 0) {
        this.pipeX[i] = this.pipeX[this.lastPipe] + PIPE_SPACING;
        this.gapY[i] = this.nextGap(this.gapY[this.lastPipe], rng);
        this.passed[i] = 0;
        this.lastPipe = i;
      }
    }
    if (this.birdY - BIRD_R <= GROUND_Y) {
      this.birdY = GROUND_Y + BIRD_R;
      return this.die(reward);
    }
    for (let i = 0; i < PIPES; i++) if (this.hitsPipe(i)) return this.die(reward);
    return reward;
  }

  /** Whether the bird's disc overlaps either half of pipe `i` (distance from the centre to each rectangle). */
  hitsPipe(i: number): boolean {
    const dx = Math.max(0, Math.abs(BIRD_X - this.pipeX[i]) - PIPE_W / 2);
    const room = BIRD_R * BIRD_R - dx * dx;
    if (room <= 0) return false;
    const toBottomHalf = Math.max(0, this.birdY - (this.gapY[i] - this.gap / 2));
    const toTopHalf = Math.max(0, this.gapY[i] + this.gap / 2 - this.birdY);
    return toBottomHalf * toBottomHalf < room || toTopHalf * toTopHalf < room;
  }

  private die(reward: number): number {
    this.over = true;
    return reward - 1;
  }

  /** The slot of the first pipe the bird has not cleared, and of the one after it. */
  private nextPipes(): [number, number] {
    let first = -1;
    for (let i = 0; i < PIPES; i++) {
      if (this.pipeX[i] + PIPE_W / 2 + BIRD_R < BIRD_X) continue;
      if (first < 0 || this.pipeX[i] < this.pipeX[first]) first = i;
    }
    let second = -1;
    for (let i = 0; i < PIPES; i++) {
      if (this.pipeX[i] <= this.pipeX[first]) continue;
      if (second < 0 || this.pipeX[i] < this.pipeX[second]) second = i;
    }
    return [first, second];
  }

  /** Bird height and speed, then the next two pipes' distances and gaps. */
  writeFeatures(out: Float32Array): void {
    const [a, b] = this.nextPipes();
    out[0] = this.birdY / WORLD_H;
    out[1] = this.birdVy / MAX_FALL;
    out[2] = (this.pipeX[a] - BIRD_X) / WORLD_H;
    out[3] = this.gapY[a] / WORLD_H;
    out[4] = (this.pipeX[b] - BIRD_X) / WORLD_H;
    out[5] = this.gapY[b] / WORLD_H;
  }

  /** Pipes passed. */
  info(): Info {
    return { score: this.score };
  }

  /**
   * Pipes (`pipe-<slot>-top` / `-bottom`, each as long as the world is tall, so only their position changes;
   * recycled pipes jump from off-screen left to off-screen right), ground, bird and score, in world units.
   */
  render(): Scene {
    const shapes: Shape[] = [];
    for (let i = 0; i < PIPES; i++) {
      const x = this.pipeX[i];
      shapes.push({ id: `pipe-${i}-top`, kind: 'rect', x, y: this.gapY[i] + this.gap / 2 + PIPE_LEN / 2, angle: 0, width: PIPE_W, height: PIPE_LEN, fill: PIPE_COLOR });
      shapes.push({ id: `pipe-${i}-bottom`, kind: 'rect', x, y: this.gapY[i] - this.gap / 2 - PIPE_LEN / 2, angle: 0, width: PIPE_W, height: PIPE_LEN, fill: PIPE_COLOR });
    }
    shapes.push({ id: 'ground', kind: 'rect', x: WORLD_W / 2, y: GROUND_Y / 2, angle: 0, width: WORLD_W, height: GROUND_Y, fill: GROUND_COLOR });
    shapes.push({ id: 'bird', kind: 'circle', x: BIRD_X, y: this.birdY, angle: 0, radius: BIRD_R, fill: BIRD_COLOR });
    shapes.push({ id: 'score', kind: 'text', x: WORLD_W / 2, y: WORLD_H - 28, angle: 0, text: String(this.score), size: 15, align: 'center', fill: SCORE_COLOR });
    return { bounds: { xMin: 0, xMax: WORLD_W, yMin: 0, yMax: WORLD_H }, background: SKY_COLOR, shapes };
  }
}

/** Builds Flappy-v0 from kwargs (the registry's factory). */
export function makeFlappy(kwargs: Readonly<Record<string, unknown>> = {}, spec: EnvSpec = bareSpec('Flappy-v0', { kwargs: FLAPPY_KWARGS, metadata: FLAPPY_METADATA })): Env<Float32Array | Uint8Array, number> {
  const { game, arcade } = parseArcadeKwargs(spec.id, kwargs, FLAPPY_DEFAULTS, FLAPPY_MODE_DEFAULTS);
  if (!(game.gap >= 2 * BIRD_R + 4 && game.gap <= 2 * GAP_MIN - 2 * GROUND_Y)) {
    throw new ConfigError(`${spec.id}: kwarg "gap" must be in [${2 * BIRD_R + 4}, ${2 * GAP_MIN - 2 * GROUND_Y}], received ${game.gap}`);
  }
  return makeArcadeEnv(new FlappyGame(game), arcade, spec);
}
