/**
 * The feature vector of Paint-v0's `obs: 'features'` (the layout is documented in paint.ts's header): the
 * target and canvas downscaled, the fraction of strokes placed, the moments of the missing ink and the
 * focus window. Pure functions over the env's canvases.
 */
import { box, type BoxSpace } from '../../src/gym/spaces.ts';

/**
 * The feature vector of a target and canvas (size×size) after `progress` of the episode's strokes; `window`
 * is their focus window (`focusWindow`), passed in when the caller has it already.
 */
export function paintFeatures(target: Float32Array, canvas: Float32Array, size: number, f: number, progress: number, window: FocusWindow = focusWindow(target, canvas, size)): Float32Array {
  const w = window.side;
  const obs = new Float32Array(2 * f * f + 1 + MOMENTS + 2 + w * w);
  downscale(target, size, f, obs, 0);
  downscale(canvas, size, f, obs, f * f);
  obs[2 * f * f] = progress;
  writeMissingInkMoments(obs, f);
  writeFocusWindow(target, canvas, size, window, obs, 2 * f * f + 1 + MOMENTS);
  return obs;
}

/** The focus window: its left and top edge and its side, in pixels (it lies inside the canvas). */
export interface FocusWindow {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/** Number of missing-ink moments at the end of the features. */
const MOMENTS = 9;

/** The features' Box: the grids and progress in [0, 1], the moments (the correlation in [−1, 1]), the window. */
export function featureSpace(f: number, size: number): BoxSpace {
  const w = focusSide(size);
  const at = 2 * f * f + 1 + MOMENTS;
  const n = at + 2 + w * w;
  const low = new Float32Array(n);
  low[2 * f * f + 6] = -1;
  low.fill(-1, at + 2);
  return box(low, new Float32Array(n).fill(1));
}

/** Side of the focus window: a quarter of the canvas side. */
function focusSide(size: number): number {
  return Math.max(1, Math.floor(size / 4));
}

/**
 * The focus window of a target and canvas (see paint.ts's header): the square of side W = size / 4 centred
 * on the block of side W/2 (stride 2) with the most missing ink max(target − canvas, 0), found with a
 * summed-area table, and clamped to the canvas; ties go to the first block in row-major order.
 */
export function focusWindow(target: Float32Array, canvas: Float32Array, size: number): FocusWindow {
  const w = focusSide(size), b = Math.max(1, w >> 1);
  const sat = new Float64Array((size + 1) * (size + 1));
  for (let y = 0; y < size; y++) {
    let row = 0;
    for (let x = 0; x < size; x++) {
      row += Math.max(0, target[y * size + x] - canvas[y * size + x]);
      sat[(y + 1) * (size + 1) + x + 1] = sat[y * (size + 1) + x + 1] + row;
    }
  }
  let best = -1, cx = size / 2, cy = size / 2;
  for (let y = 0; y + b <= size; y += 2) {
    for (let x = 0; x + b <= size; x += 2) {
      const s = sat[(y + b) * (size + 1) + x + b] - sat[y * (size + 1) + x + b] - sat[(y + b) * (size + 1) + x] + sat[y * (size + 1) + x];
      if (s > best + 1e-9) {
        best = s;
        cx = x + b / 2;
        cy = y + b / 2;
      }
    }
  }
  return { x: Math.max(0, Math.min(size - w, Math.round(cx - w / 2))), y: Math.max(0, Math.min(size - w, Math.round(cy - w / 2))), side: w };
}

/** Writes the focus window at `obs[at…]`: its left and top edge / size, then target − canvas inside it. */
function writeFocusWindow(target: Float32Array, canvas: Float32Array, size: number, window: FocusWindow, obs: Float32Array, at: number): void {
  const { x: x0, y: y0, side: w } = window;
  obs[at] = x0 / size;
  obs[at + 1] = y0 / size;
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y0 + y) * size + x0 + x;
      obs[at + 2 + y * w + x] = target[i] - canvas[i];
    }
  }
}

/** Writes the moments of the missing ink max(target − canvas, 0) of the f×f grids in `obs` after them (see the header). */
function writeMissingInkMoments(obs: Float32Array, f: number): void {
  const n = f * f, at = 2 * n + 1;
  let m = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, best = 0, bestCell = -1;
  for (let i = 0; i < n; i++) {
    const p = Math.max(0, obs[i] - obs[n + i]);
    if (p <= 0) continue;
    const u = ((i % f) + 0.5) / f, v = (Math.floor(i / f) + 0.5) / f;
    m += p;
    sx += p * u;
    sy += p * v;
    sxx += p * u * u;
    syy += p * v * v;
    sxy += p * u * v;
    if (p > best) {
      best = p;
      bestCell = i;
    }
  }
  if (m < 1e-9) {
    obs.set([0, 0.5, 0.5, 0, 0, 0, 0.5, 0.5, 0], at);
    return;
  }
  const cx = sx / m, cy = sy / m;
  const vx = Math.max(0, sxx / m - cx * cx), vy = Math.max(0, syy / m - cy * cy);
  const cov = sxy / m - cx * cy;
  const corr = vx > 1e-12 && vy > 1e-12 ? Math.min(1, Math.max(-1, cov / Math.sqrt(vx * vy))) : 0;
  const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));
  obs.set([clamp01(m / n), clamp01(cx), clamp01(cy), clamp01(2 * Math.sqrt(vx)), clamp01(2 * Math.sqrt(vy)), corr, ((bestCell % f) + 0.5) / f, (Math.floor(bestCell / f) + 0.5) / f, clamp01(best)], at);
}

/** Writes `src` (size×size) averaged over blocks into `out[offset…]` as f×f. */
function downscale(src: Float32Array, size: number, f: number, out: Float32Array, offset: number): void {
  const k = size / f;
  const inv = 1 / (k * k);
  out.fill(0, offset, offset + f * f);
  for (let y = 0; y < size; y++) {
    const row = offset + Math.floor(y / k) * f;
    for (let x = 0; x < size; x++) out[row + Math.floor(x / k)] += src[y * size + x] * inv;
  }
}

