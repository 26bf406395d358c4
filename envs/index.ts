/**
 * The one place that registers environments (Gymnasium's `envs/__init__.py`). Import this module for its
 * side effect before calling `make`. Episode limits and reward thresholds are Gymnasium's registrations:
 * https://github.com/Farama-Foundation/Gymnasium/blob/main/gymnasium/envs/__init__.py
 */
import { beginHotReload, declareRegistryModule, register } from '../src/gym/registry.ts';
import { DebugEnv } from '../src/gym/debug-env.ts';
import { Acrobot, ACROBOT_DEFAULTS, ACROBOT_METADATA } from './classic/acrobot.ts';
import { CartPole, CART_POLE_DEFAULTS, CART_POLE_METADATA } from './classic/cart-pole.ts';
import { MountainCar, MOUNTAIN_CAR_DEFAULTS, MOUNTAIN_CAR_METADATA } from './classic/mountain-car.ts';
import { MountainCarContinuous, MOUNTAIN_CAR_CONTINUOUS_DEFAULTS, MOUNTAIN_CAR_CONTINUOUS_METADATA } from './classic/mountain-car-continuous.ts';
import { Pendulum, PENDULUM_DEFAULTS, PENDULUM_METADATA } from './classic/pendulum.ts';
import { BOARD_ENV_DEFAULTS, BOARD_GAMES, boardEnv } from './board/index.ts';
import { BOARD_METADATA } from '../src/game/game-env.ts';
import { listGames, registerGame, unregisterGame } from '../src/game/registry.ts';
import { BREAKOUT_KWARGS, BREAKOUT_METADATA, makeBreakout } from './arcade/breakout.ts';
import { CATCH_KWARGS, CATCH_METADATA, makeCatch } from './arcade/catch.ts';
import { FLAPPY_KWARGS, FLAPPY_METADATA, makeFlappy } from './arcade/flappy.ts';
import { makePong, PONG_KWARGS, PONG_METADATA } from './arcade/pong.ts';
import { makeSnake, SNAKE_KWARGS, SNAKE_METADATA } from './arcade/snake.ts';
import { Corridor, CORRIDOR_DEFAULTS, CORRIDOR_METADATA } from './examples/corridor.ts';
import { Paint, PAINT_DEFAULTS, PAINT_METADATA } from './art/paint.ts';
import { AmpFootProsthesis } from './robot/amp-foot-prosthesis.ts';
import { AmpFootWalker } from './robot/amp-foot-walker.ts';
import { AMP_FOOT_DEFAULTS, AMP_FOOT_METADATA, AMP_FOOT_WALKER_DEFAULTS, AMP_FOOT_PROSTHESIS_METADATA } from './robot/common.ts';

// Vector-env workers import this module to see the same registrations.
declareRegistryModule(import.meta.url);

// The page's workers swap in a saved env file without a reload (src/web/hot-envs.ts, vite HMR): the new
// version of this module registers every env and game again, replacing the old ones.
import.meta.hot?.dispose(() => {
  beginHotReload();
  for (const game of listGames()) unregisterGame(game.id);
});

// ── classic control ──

register({
  id: 'CartPole-v1',
  category: 'classic',
  factory: (kwargs, spec) => new CartPole(kwargs, spec),
  maxEpisodeSteps: 500,
  rewardThreshold: 475.0,
  kwargs: CART_POLE_DEFAULTS,
  metadata: CART_POLE_METADATA,
});

register({
  id: 'MountainCar-v0',
  category: 'classic',
  factory: (kwargs, spec) => new MountainCar(kwargs, spec),
  maxEpisodeSteps: 200,
  rewardThreshold: -110.0,
  kwargs: MOUNTAIN_CAR_DEFAULTS,
  metadata: MOUNTAIN_CAR_METADATA,
});

register({
  id: 'MountainCarContinuous-v0',
  category: 'classic',
  factory: (kwargs, spec) => new MountainCarContinuous(kwargs, spec),
  maxEpisodeSteps: 999,
  rewardThreshold: 90.0,
  kwargs: MOUNTAIN_CAR_CONTINUOUS_DEFAULTS,
  metadata: MOUNTAIN_CAR_CONTINUOUS_METADATA,
});

register({
  id: 'Pendulum-v1',
  category: 'classic',
  factory: (kwargs, spec) => new Pendulum(kwargs, spec),
  maxEpisodeSteps: 200,
  kwargs: PENDULUM_DEFAULTS,
  metadata: PENDULUM_METADATA,
});

register({
  id: 'Acrobot-v1',
  category: 'classic',
  factory: (kwargs, spec) => new Acrobot(kwargs, spec),
  maxEpisodeSteps: 500,
  rewardThreshold: -100.0,
  kwargs: ACROBOT_DEFAULTS,
  metadata: ACROBOT_METADATA,
});

// ── debug (machinery tests and the worker benchmark; not a task) ──

register({
  id: 'Debug/SlowEnv-v0',
  category: 'other',
  factory: (kwargs, spec) => new DebugEnv(kwargs, spec),
  // About 56 µs of CPU work per step on the reference machine: the "step costs ≥ 50 µs" case of the worker benchmark.
  kwargs: { stepWork: 3000 },
});

// ── board games (envs/board): each id is a Game (src/game/registry.ts `getGame`) and an env against an opponent ──

for (const board of BOARD_GAMES) {
  registerGame(board);
  register({
    id: board.id,
    category: 'board',
    factory: (kwargs, spec) => boardEnv(board, kwargs, spec),
    kwargs: { ...board.kwargs, ...BOARD_ENV_DEFAULTS },
    metadata: BOARD_METADATA,
  });
}

// ── arcade (envs/arcade): `obs: 'features'` (default) or `obs: 'pixels'` (Atari preprocessing); see envs/arcade/README.md ──

register({
  id: 'Pong-v0',
  category: 'arcade',
  factory: (kwargs, spec) => makePong(kwargs, spec),
  maxEpisodeSteps: 10_000,
  rewardThreshold: 10,
  kwargs: PONG_KWARGS,
  metadata: PONG_METADATA,
});

register({
  id: 'Breakout-v0',
  category: 'arcade',
  factory: (kwargs, spec) => makeBreakout(kwargs, spec),
  maxEpisodeSteps: 10_000,
  kwargs: BREAKOUT_KWARGS,
  metadata: BREAKOUT_METADATA,
});

register({
  id: 'Snake-v0',
  category: 'arcade',
  factory: (kwargs, spec) => makeSnake(kwargs, spec),
  maxEpisodeSteps: 1000,
  kwargs: SNAKE_KWARGS,
  metadata: SNAKE_METADATA,
});

register({
  id: 'Flappy-v0',
  category: 'arcade',
  factory: (kwargs, spec) => makeFlappy(kwargs, spec),
  maxEpisodeSteps: 4000,
  rewardThreshold: 50,
  kwargs: FLAPPY_KWARGS,
  metadata: FLAPPY_METADATA,
});

register({
  id: 'Catch-v0',
  category: 'arcade',
  factory: (kwargs, spec) => makeCatch(kwargs, spec),
  rewardThreshold: 0.9,
  kwargs: CATCH_KWARGS,
  metadata: CATCH_METADATA,
});

// ── examples (envs/examples): the least an env needs; envs/README.md "Writing an env" walks through it ──

register({
  id: 'Examples/Corridor-v0',
  category: 'other',
  factory: (kwargs, spec) => new Corridor(kwargs, spec),
  maxEpisodeSteps: 50,
  rewardThreshold: 0.9,
  kwargs: CORRIDOR_DEFAULTS,
  metadata: CORRIDOR_METADATA,
});

// ── art (envs/art): an agent paints a target with brush strokes; `obs: 'features'` for MLP agents ──

register({
  id: 'Paint-v0',
  category: 'art',
  factory: (kwargs, spec) => new Paint(kwargs, spec),
  kwargs: PAINT_DEFAULTS,
  metadata: PAINT_METADATA,
});

// ── robot (envs/robot): the AMP-Foot walker on matter-js; BipedalWalker-v3's episode length and threshold ──

register({
  id: 'AmpFootWalker-v0',
  category: 'robot',
  factory: (kwargs, spec) => new AmpFootWalker(kwargs, spec),
  maxEpisodeSteps: 1600,
  rewardThreshold: 300,
  kwargs: AMP_FOOT_WALKER_DEFAULTS,
  metadata: AMP_FOOT_METADATA,
});

register({
  id: 'AmpFootWalkerRough-v0',
  category: 'robot',
  factory: (kwargs, spec) => new AmpFootWalker(kwargs, spec),
  maxEpisodeSteps: 1600,
  rewardThreshold: 300,
  kwargs: { ...AMP_FOOT_WALKER_DEFAULTS, terrainDifficulty: 1 },
  metadata: AMP_FOOT_METADATA,
});

register({
  id: 'AmpFootProsthesis-v0',
  category: 'robot',
  factory: (kwargs, spec) => new AmpFootProsthesis(kwargs, spec),
  maxEpisodeSteps: 1600,
  kwargs: AMP_FOOT_DEFAULTS,
  metadata: AMP_FOOT_PROSTHESIS_METADATA,
});
register({
  id: 'AmpFootProsthesis-v1',
  category: 'robot',
  factory: (kwargs, spec) => new AmpFootProsthesis(kwargs, spec, 1),
  maxEpisodeSteps: 1600,
  kwargs: AMP_FOOT_DEFAULTS,
  metadata: AMP_FOOT_PROSTHESIS_METADATA,
});

// ── your envs (dojo new-env adds them here) ──
