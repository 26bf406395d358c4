/**
 * The Scene of an AMP-Foot robot (see src/gym/scene.ts): terrain, the body segments as rectangles and a hull
 * polygon, each ankle's push-off spring as a zig-zag whose length shows its compression, the motor carriage,
 * the lock (filled red: closed; hollow green: open), heel and toe sensors (lit on contact), and optionally
 * the lidar rays. Ids are stable; segments only move, springs and rays change their points.
 */
import type { Scene, Shape } from '../../src/gym/scene.ts';
import { M_MAX, pushOffDeflection } from './actuators.ts';
import { HEEL_FLAG, LIDAR_RANGE, LIDAR_RAYS, TOE_FLAG, contactFlag, type AmpFootSim } from './sim.ts';
import { FOOT_HEIGHT, FOOT_LENGTH, SHANK_LENGTH, SHANK_WIDTH, THIGH_LENGTH, THIGH_WIDTH } from './walker.ts';
import { terrainHeight } from './terrain.ts';
import { UNITS_PER_M, localToWorld } from './world.ts';

/** Options of `robotScene`. */
export interface RobotSceneOptions {
  /** Lidar fractions to draw as rays (omit to hide them). */
  readonly lidar?: Float64Array;
  /** Leg drawn in a highlight colour (the prosthesis of AmpFootProsthesis-v0), or -1. */
  readonly highlightLeg?: number;
  /** A line of text at the top left. */
  readonly hud?: string;
}

/** Depth of the drawn ground below the lowest terrain point (m). */
const GROUND_DRAW_DEPTH = 2;
/** Spring drawing: offset behind the shank axis (m), rest length (m) and shortening per radian of deflection (m/rad). */
const SPRING_OFFSET = -0.075;
const SPRING_REST = 0.26;
const SPRING_PER_RAD = 0.3;
const ZIGZAG_TURNS = 7;
const ZIGZAG_WIDTH = 0.025;

const COLORS = {
  sky: '#eef3f8',
  ground: '#b9ad8f',
  groundLine: '#6b5f45',
  finish: '#2e7d32',
  hull: '#7f66b2',
  legFront: ['#9a7fcc', '#c98a4b'],
  legBack: ['#6d5a94', '#98663a'],
  spring: '#263238',
  motor: '#37474f',
  lockClosed: '#d32f2f',
  lockOpen: '#43a047',
  sensorOn: '#ffca28',
  sensorOff: '#9e9e9e',
  lidar: '#e53935',
  text: '#222222',
} as const;

/** The terrain as a filled polygon and its surface line (geometry fixed for an episode). */
function terrainShapes(sim: AmpFootSim): Shape[] {
  const { xs, ys, finishX } = sim.terrain;
  let low = Infinity;
  for (let i = 0; i < ys.length; i++) low = Math.min(low, ys[i]);
  const line: number[] = [];
  for (let i = 0; i < xs.length; i++) line.push(xs[i], ys[i]);
  const fill = [...line, xs[xs.length - 1], low - GROUND_DRAW_DEPTH, xs[0], low - GROUND_DRAW_DEPTH];
  const fy = terrainHeight(sim.terrain, finishX);
  return [
    { id: 'ground', kind: 'polygon', x: 0, y: 0, angle: 0, points: fill, fill: COLORS.ground },
    { id: 'ground-line', kind: 'polyline', x: 0, y: 0, angle: 0, points: line, stroke: COLORS.groundLine, lineWidth: 0.015 },
    { id: 'finish', kind: 'line', x: finishX, y: fy, angle: 0, points: [0, 0, 0, 1.2], stroke: COLORS.finish, lineWidth: 0.03 },
  ];
}

/** A zig-zag from (0, y0) to (0, y1) at x offset `x` in a body's frame, `turns` teeth wide `w`. */
function zigzag(x: number, y0: number, y1: number, turns: number, w: number): number[] {
  const pts = [x, y0];
  const n = 2 * turns;
  for (let k = 1; k < n; k++) pts.push(x + (k % 2 === 1 ? w : -w), y0 + ((y1 - y0) * k) / n);
  pts.push(x, y1);
  return pts;
}

/** Shapes of one leg: thigh, shank, foot, the AMP-Foot (spring, motor, lock) and the heel/toe sensors. */
function legShapes(sim: AmpFootSim, i: number, front: boolean, highlight: boolean): Shape[] {
  const leg = sim.walker.legs[i];
  const pose = (b: typeof leg.thigh): { x: number; y: number; angle: number } => ({ x: b.position.x / UNITS_PER_M, y: b.position.y / UNITS_PER_M, angle: b.angle });
  const palette = front ? COLORS.legFront : COLORS.legBack;
  const color = palette[highlight ? 1 : 0];
  const foot = sim.feet[i];
  const shank = pose(leg.shank);
  // The push-off spring runs behind the shank from the motor carriage (higher as m grows) down to the lever.
  const bottom = -SHANK_LENGTH / 2 + 0.04;
  const length = Math.max(0.05, SPRING_REST - SPRING_PER_RAD * pushOffDeflection(foot));
  const top = bottom + length;
  const motorY = top + 0.02;
  const heelWorld = localToWorld(leg.foot, sim.walker.heel[0] + 0.03, FOOT_HEIGHT / 2, { x: 0, y: 0 });
  const leverWorld = localToWorld(leg.shank, SPRING_OFFSET, bottom, { x: 0, y: 0 });
  const shapes: Shape[] = [
    { id: `thigh-${i}`, kind: 'rect', ...pose(leg.thigh), width: THIGH_WIDTH, height: THIGH_LENGTH, fill: color, stroke: '#000000', lineWidth: 0.005 },
    { id: `shank-${i}`, kind: 'rect', ...shank, width: SHANK_WIDTH, height: SHANK_LENGTH, fill: color, stroke: '#000000', lineWidth: 0.005 },
    { id: `foot-${i}`, kind: 'rect', ...pose(leg.foot), width: FOOT_LENGTH, height: FOOT_HEIGHT, fill: color, stroke: '#000000', lineWidth: 0.005 },
    { id: `spring-${i}`, kind: 'polyline', ...shank, points: zigzag(SPRING_OFFSET, bottom, top, ZIGZAG_TURNS, ZIGZAG_WIDTH), stroke: COLORS.spring, lineWidth: 0.008 },
    { id: `foot-spring-${i}`, kind: 'line', x: 0, y: 0, angle: 0, points: [leverWorld.x, leverWorld.y, heelWorld.x, heelWorld.y], stroke: COLORS.spring, lineWidth: 0.01 },
    { id: `motor-${i}`, kind: 'rect', ...shank, ...offset(shank, SPRING_OFFSET, motorY), width: 0.05, height: 0.03 + (0.04 * foot.motorPos) / M_MAX, fill: COLORS.motor },
    foot.locked
      ? { id: `lock-${i}`, kind: 'circle', ...offset(shank, SPRING_OFFSET, bottom), radius: 0.018, fill: COLORS.lockClosed, stroke: '#000000', lineWidth: 0.004 }
      : { id: `lock-${i}`, kind: 'circle', ...offset(shank, SPRING_OFFSET, bottom), radius: 0.018, stroke: COLORS.lockOpen, lineWidth: 0.008 },
  ];
  const heel = localToWorld(leg.foot, sim.walker.heel[0], sim.walker.heel[1], { x: 0, y: 0 });
  const toe = localToWorld(leg.foot, sim.walker.toe[0], sim.walker.toe[1], { x: 0, y: 0 });
  shapes.push(
    { id: `heel-${i}`, kind: 'circle', x: heel.x, y: heel.y, angle: 0, radius: 0.015, fill: sim.contacts[contactFlag(i, HEEL_FLAG)] ? COLORS.sensorOn : COLORS.sensorOff },
    { id: `toe-${i}`, kind: 'circle', x: toe.x, y: toe.y, angle: 0, radius: 0.015, fill: sim.contacts[contactFlag(i, TOE_FLAG)] ? COLORS.sensorOn : COLORS.sensorOff },
  );
  return shapes;
}

/** World position of the local point (lx, ly) of a pose, keeping the pose's angle. */
function offset(pose: { x: number; y: number; angle: number }, lx: number, ly: number): { x: number; y: number; angle: number } {
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  return { x: pose.x + c * lx - s * ly, y: pose.y + s * lx + c * ly, angle: pose.angle };
}

/** The frame: a 3.6 m × 2.4 m window following the hull. */
export function robotScene(sim: AmpFootSim, opts: RobotSceneOptions = {}): Scene {
  const hull = sim.walker.hull;
  const hx = hull.position.x / UNITS_PER_M;
  const hy = hull.position.y / UNITS_PER_M;
  const ground = terrainHeight(sim.terrain, hx);
  const shapes: Shape[] = terrainShapes(sim);
  if (opts.lidar !== undefined) {
    for (let r = 0; r < LIDAR_RAYS; r++) {
      const a = (1.5 * r) / 10;
      const len = opts.lidar[r] * LIDAR_RANGE;
      shapes.push({ id: `lidar-${r}`, kind: 'line', x: hx, y: hy, angle: 0, points: [0, 0, Math.sin(a) * len, -Math.cos(a) * len], stroke: COLORS.lidar, lineWidth: 0.006 });
    }
  }
  const highlight = opts.highlightLeg ?? -1;
  shapes.push(...legShapes(sim, 1, false, highlight === 1), ...legShapes(sim, 0, true, highlight === 0));
  shapes.push({ id: 'hull', kind: 'polygon', x: hx, y: hy, angle: hull.angle, points: sim.walker.hullVertices.flat(), fill: COLORS.hull, stroke: '#000000', lineWidth: 0.006 });
  const bounds = { xMin: hx - 1.2, xMax: hx + 2.4, yMin: ground - 0.4, yMax: ground + 2.0 };
  if (opts.hud !== undefined) shapes.push({ id: 'hud', kind: 'text', x: bounds.xMin + 0.05, y: bounds.yMax - 0.12, angle: 0, text: opts.hud, size: 0.08, fill: COLORS.text });
  return { bounds, background: COLORS.sky, shapes };
}
