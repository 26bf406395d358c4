/**
 * The ground of the robot envs: a polyline of heights (plain data), flat or seeded rough, with the queries
 * the contact model, the lidar and the observations need (height, slope, ray hit). Lengths are in metres.
 * The terrain never enters matter: `contact.ts` pushes the robot's feet, knees and hull against it.
 */
import type { Rng } from '../../src/core/rng.ts';

/**
 * The ground as a polyline of vertices with strictly increasing x (a step is a steep ramp a few cm long);
 * plain data. Outside [xs[0], xs[n-1]] the ground continues at the end heights.
 */
export interface Terrain {
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Where the walkable track ends (m); crossing it ends the episode with success, as BipedalWalker's terrain end. */
  readonly finishX: number;
}

/** Start of the terrain (m, behind the robot). */
export const TERRAIN_START_X = -2;
/** The robot starts at this x (m). */
export const START_X = 1.0;
/** Length of the flat start pad (m) before any roughness. */
export const START_PAD_M = 3;
/** Where the episode is won (m); about 36 m of walking, BipedalWalker-v3's track scaled to a human leg. */
export const FINISH_X = 37;
/** Terrain continues past the finish for the lidar (m). */
const TERRAIN_END_X = FINISH_X + 5;
/** Horizontal length of one rough-terrain piece (m). */
const PIECE_M = 0.5;
/** Horizontal run of a step's riser (m): steps are steep ramps, so the ground is a function of x. */
const STEP_RUN_M = 0.04;

/** Flat ground at height 0. */
export function flatTerrain(): Terrain {
  return { xs: Float64Array.of(TERRAIN_START_X, TERRAIN_END_X), ys: Float64Array.of(0, 0), finishX: FINISH_X };
}

/**
 * Seeded rough ground after a flat start pad: bumps, ramps and steps (BipedalWalker-hardcore's obstacle
 * mix, scaled down to a human leg). `difficulty` in [0, 1] scales every height: at 1, steps are up to 8 cm
 * (rising over 4 cm), ramps up to about ±9°, bumps up to ±4 cm per 0.5 m; at 0 the ground is flat.
 */
export function roughTerrain(rng: Rng, difficulty: number): Terrain {
  const xs: number[] = [TERRAIN_START_X, START_X + START_PAD_M];
  const ys: number[] = [0, 0];
  let x = START_X + START_PAD_M;
  let y = 0;
  while (x < TERRAIN_END_X) {
    const kind = rng.int(3);
    const pieces = 2 + rng.int(5);
    if (kind === 0) {
      // bumps: a smooth random walk of heights
      for (let i = 0; i < pieces; i++) {
        y += rng.uniform(-0.04, 0.04) * difficulty;
        x += PIECE_M;
        xs.push(x);
        ys.push(y);
      }
    } else if (kind === 1) {
      // a ramp
      const slope = rng.uniform(-0.16, 0.16) * difficulty;
      for (let i = 0; i < pieces; i++) {
        x += PIECE_M;
        y += slope * PIECE_M;
        xs.push(x);
        ys.push(y);
      }
    } else {
      // a step up or down, then flat
      y += (rng.random() < 0.5 ? -1 : 1) * rng.uniform(0.03, 0.08) * difficulty;
      x += STEP_RUN_M;
      xs.push(x);
      ys.push(y);
      x += pieces * PIECE_M;
      xs.push(x);
      ys.push(y);
    }
  }
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys), finishX: FINISH_X };
}

/** Index i of the terrain segment [i, i+1] that contains x (clamped to the ends). */
function segmentIndex(terrain: Terrain, x: number): number {
  const xs = terrain.xs;
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]) return 0;
  if (x >= xs[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Ground height (m) at x. */
export function terrainHeight(terrain: Terrain, x: number): number {
  const { xs, ys } = terrain;
  const n = xs.length;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  const i = segmentIndex(terrain, x);
  return ys[i] + ((ys[i + 1] - ys[i]) * (x - xs[i])) / (xs[i + 1] - xs[i]);
}

/** Slope dy/dx of the ground at x (0 beyond the ends). */
export function terrainSlope(terrain: Terrain, x: number): number {
  const { xs, ys } = terrain;
  if (x <= xs[0] || x >= xs[xs.length - 1]) return 0;
  const i = segmentIndex(terrain, x);
  return (ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]);
}

/**
 * Fraction in [0, 1] of the ray from (x0, y0) to (x1, y1) at which it first meets the terrain polyline, or 1
 * when it meets nothing (BipedalWalker's lidar value). Only segments overlapping the ray's x range are tested.
 */
export function raycastTerrain(terrain: Terrain, x0: number, y0: number, x1: number, y1: number): number {
  const { xs, ys } = terrain;
  const rx = x1 - x0;
  const ry = y1 - y0;
  const xMin = Math.min(x0, x1);
  const xMax = Math.max(x0, x1);
  let best = 1;
  for (let i = segmentIndex(terrain, xMin); i < xs.length - 1 && xs[i] <= xMax; i++) {
    const sx = xs[i + 1] - xs[i];
    const sy = ys[i + 1] - ys[i];
    const denom = rx * sy - ry * sx;
    if (denom === 0) continue;
    const qx = xs[i] - x0;
    const qy = ys[i] - y0;
    const t = (qx * sy - qy * sx) / denom;
    const u = (qx * ry - qy * rx) / denom;
    if (t >= 0 && t < best && u >= 0 && u <= 1) best = t;
  }
  return best;
}
