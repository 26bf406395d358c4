/**
 * The mountain-car drawing shared by MountainCar-v0 and MountainCarContinuous-v0: the valley curve, the
 * car (tilted by Gymnasium's `cos(3·position)` approximation of the slope) with two wheels, and the flag.
 * World units are the env's position units; the frame matches Gymnasium's 600×400 screen.
 */
import type { Scene, Shape } from '../../src/gym/scene.ts';

/** Leftmost car position (the wall). */
export const MIN_POSITION = -1.2;
/** Rightmost car position. */
export const MAX_POSITION = 0.6;

/** Height of the valley at position x: `0.45·sin(3x) + 0.55`. */
export function valleyHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

const CURVE_POINTS: readonly number[] = (() => {
  const points: number[] = [];
  for (let i = 0; i < 100; i++) {
    const x = MIN_POSITION + ((MAX_POSITION - MIN_POSITION) * i) / 99;
    points.push(x, valleyHeight(x));
  }
  return points;
})();

/** Scale of Gymnasium's screen: 600 px for 1.8 position units. */
const PX = (MAX_POSITION - MIN_POSITION) / 600;

/** The scene for a car at `position` and a flag at `goalPosition`. */
export function mountainCarScene(position: number, goalPosition: number): Scene {
  const angle = Math.cos(3 * position);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const baseX = position;
  const baseY = valleyHeight(position) + 10 * PX;
  const carW = 40 * PX;
  const carH = 20 * PX;
  const rotate = (lx: number, ly: number): [number, number] => [baseX + cos * lx - sin * ly, baseY + sin * lx + cos * ly];
  const [cx, cy] = rotate(0, carH / 2);
  const [w1x, w1y] = rotate(carW / 4, 0);
  const [w2x, w2y] = rotate(-carW / 4, 0);
  const flagY = valleyHeight(goalPosition);
  const shapes: Shape[] = [
    { id: 'valley', kind: 'polyline', x: 0, y: 0, angle: 0, points: CURVE_POINTS, stroke: '#2f3e46', lineWidth: 2 * PX },
    { id: 'flagpole', kind: 'line', x: goalPosition, y: flagY, angle: 0, points: [0, 0, 0, 50 * PX], stroke: '#000000', lineWidth: 1.5 * PX },
    { id: 'flag', kind: 'polygon', x: goalPosition, y: flagY, angle: 0, points: [0, 50 * PX, 0, 40 * PX, 25 * PX, 45 * PX], fill: '#cccc00' },
    { id: 'car', kind: 'rect', x: cx, y: cy, angle, width: carW, height: carH, fill: '#1d3557' },
    { id: 'wheel-front', kind: 'circle', x: w1x, y: w1y, angle, radius: 8 * PX, fill: '#808080' },
    { id: 'wheel-back', kind: 'circle', x: w2x, y: w2y, angle, radius: 8 * PX, fill: '#808080' },
  ];
  return { bounds: { xMin: MIN_POSITION, xMax: MAX_POSITION, yMin: 0, yMax: 400 * PX }, background: '#ffffff', shapes };
}
