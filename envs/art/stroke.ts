/**
 * The brush of the art envs: an anti-aliased stroke rasteriser for quadratic Bézier curves whose radius
 * changes linearly from the start to the end, composited with "over" onto a grayscale canvas.
 *
 * A canvas is a row-major `Float32Array` of ink density in [0, 1] (0: blank paper, 1: full ink); pixel
 * (x, y) covers [x, x + 1) × [y, y + 1) with its centre at (x + ½, y + ½), y down as in an image. A stroke
 * is the union of discs swept along the curve (Huang et al. 2019, "Learning to Paint", §3.2 draws the same
 * shape with a neural renderer; here it is drawn exactly). The curve is flattened into at most
 * MAX_SEGMENTS segments, within FLATNESS_PX of the curve; each pixel's coverage is `clamp(r − d + ½, 0, 1)` for its
 * distance d to the nearest segment and the radius r there (a one-pixel linear ramp: the usual coverage
 * estimate of signed-distance anti-aliasing, https://iquilezles.org/articles/distfunctions2d/). The stroke's
 * coverage α is the maximum over segments, so overlapping segments never darken twice, and the canvas
 * becomes `c + (ink − c)·α`. Only pixels near each segment are visited: a stroke costs a few
 * microseconds at 64×64 (bench: `dojo bench envs --only Paint-v0` and `strokeRate`).
 */

/** One stroke in pixel units. */
export interface Stroke {
  /** Start, control and end points (pixels; the canvas spans [0, size]). */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** Radius at the start and at the end (pixels). */
  readonly r0: number;
  readonly r2: number;
  /** Ink density laid down, in [0, 1]. */
  readonly ink: number;
}

/** Numbers in one stroke action: start, control, end (x, y each), start and end radius, ink. */
export const STROKE_ACTION_DIM = 9;
/** The smallest and largest brush radius, as fractions of the canvas side (1 and 8 px at 64×64). */
export const RADIUS_MIN = 1 / 64;
export const RADIUS_MAX = 8 / 64;
/** Largest distance between the curve and its flattened polyline (pixels). */
const FLATNESS_PX = 0.1;
/** Most segments per stroke. */
const MAX_SEGMENTS = 48;

/**
 * The square of the canvas that a stroke action's points span: x and y from (`x`, `y`) to (`x` + `span`,
 * `y` + `span`), in pixels (it may reach past the canvas, whose brush clips). The whole canvas is
 * `{ x: 0, y: 0, span: size }`; Paint-v0's `actionFrame: 'window'` puts a square around its focus window.
 */
export interface StrokeFrame {
  readonly x: number;
  readonly y: number;
  readonly span: number;
}

/**
 * Maps a Box action in [−1, 1]^9 to a stroke on a `size`×`size` canvas (values outside are clamped): the
 * points over `frame` (the whole canvas unless given), the radii and the ink as always.
 */
export function strokeFromAction(action: ArrayLike<number>, size: number, frame?: StrokeFrame): Stroke {
  const u = (i: number): number => (Math.min(1, Math.max(-1, action[i])) + 1) / 2;
  const radius = (i: number): number => (RADIUS_MIN + u(i) * (RADIUS_MAX - RADIUS_MIN)) * size;
  if (frame === undefined) {
    return {
      x0: u(0) * size, y0: u(1) * size,
      x1: u(2) * size, y1: u(3) * size,
      x2: u(4) * size, y2: u(5) * size,
      r0: radius(6), r2: radius(7),
      ink: u(8),
    };
  }
  const { x, y, span } = frame;
  return {
    x0: x + u(0) * span, y0: y + u(1) * span,
    x1: x + u(2) * span, y1: y + u(3) * span,
    x2: x + u(4) * span, y2: y + u(5) * span,
    r0: radius(6), r2: radius(7),
    ink: u(8),
  };
}

/** The reusable per-stroke coverage buffer of one canvas size, so drawing allocates nothing. */
export class Brush {
  readonly size: number;
  private readonly alpha: Float32Array;
  /** The touched span of each row this stroke: [rowMin[y], rowMax[y]] (empty when rowMin > rowMax). */
  private readonly rowMin: Int32Array;
  private readonly rowMax: Int32Array;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly pr: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.alpha = new Float32Array(size * size);
    this.rowMin = new Int32Array(size).fill(size);
    this.rowMax = new Int32Array(size).fill(-1);
    this.px = new Float64Array(MAX_SEGMENTS + 1);
    this.py = new Float64Array(MAX_SEGMENTS + 1);
    this.pr = new Float64Array(MAX_SEGMENTS + 1);
  }

  /** Draws `s` onto `canvas` (`size`×`size`, modified in place). */
  draw(canvas: Float32Array, s: Stroke): void {
    this.rasterise(s);
    const { alpha, rowMin, rowMax, size } = this;
    const ink = s.ink;
    for (let y = 0; y < size; y++) {
      for (let i = y * size + rowMin[y], end = y * size + rowMax[y]; i <= end; i++) {
        const a = alpha[i];
        if (a > 0) {
          canvas[i] += (ink - canvas[i]) * a;
          alpha[i] = 0;
        }
      }
      rowMin[y] = size;
      rowMax[y] = -1;
    }
  }

  /**
   * How much drawing `s` on `canvas` would change its squared L2 distance to `target` (Σ over pixels of
   * (new − target)² − (old − target)², float64), without changing `canvas`. Only the pixels the stroke
   * touches are visited, so a search that scores many candidate strokes (painters.ts) costs a fraction of
   * copying the canvas and measuring the whole distance for each. The new values are rounded to float32
   * as `draw` stores them, so the change is the one `draw` then `rmsDistance` would measure.
   */
  squaredErrorChange(canvas: Float32Array, target: Float32Array, s: Stroke): number {
    this.rasterise(s);
    const { alpha, rowMin, rowMax, size } = this;
    const ink = s.ink;
    let change = 0;
    for (let y = 0; y < size; y++) {
      for (let i = y * size + rowMin[y], end = y * size + rowMax[y]; i <= end; i++) {
        const a = alpha[i];
        if (a > 0) {
          const c = canvas[i], t = target[i];
          const d = Math.fround(c + (ink - c) * a) - t;
          change += d * d - (c - t) * (c - t);
          alpha[i] = 0;
        }
      }
      rowMin[y] = size;
      rowMax[y] = -1;
    }
    return change;
  }

  /** Raises α to the stroke's coverage over the pixels it reaches, and records each row's touched span. */
  private rasterise(s: Stroke): void {
    const n = this.flatten(s);
    for (let k = 0; k < n; k++) this.cover(k);
  }

  /**
   * Samples the curve at n + 1 points with linearly interpolated radii; returns n. A chord of a quadratic
   * Bézier spanning parameter h strays at most |p0 − 2p1 + p2|·h²/4 from the curve, so n is the fewest
   * segments that keep the error under FLATNESS_PX.
   */
  private flatten(s: Stroke): number {
    const ddx = s.x0 - 2 * s.x1 + s.x2, ddy = s.y0 - 2 * s.y1 + s.y2;
    const n = Math.max(1, Math.min(MAX_SEGMENTS, Math.ceil(Math.sqrt(Math.hypot(ddx, ddy) / (4 * FLATNESS_PX)))));
    for (let k = 0; k <= n; k++) {
      const t = k / n, mt = 1 - t;
      const a = mt * mt, b = 2 * mt * t, c = t * t;
      this.px[k] = a * s.x0 + b * s.x1 + c * s.x2;
      this.py[k] = a * s.y0 + b * s.y1 + c * s.y2;
      this.pr[k] = s.r0 + (s.r2 - s.r0) * t;
    }
    return n;
  }

  /**
   * Raises α to segment k's coverage. Each row visits only the x-span of the part of the segment within
   * reach of that row (the segment's points whose y is within the reach), widened by the reach.
   */
  private cover(k: number): void {
    const { alpha, rowMin, rowMax, size } = this;
    const ax = this.px[k], ay = this.py[k], bx = this.px[k + 1], by = this.py[k + 1];
    const ra = this.pr[k], rb = this.pr[k + 1];
    const reach = Math.max(ra, rb) + 0.5;
    const dx = bx - ax, dy = by - ay, dr = rb - ra;
    const len2 = dx * dx + dy * dy;
    const inv = len2 > 1e-12 ? 1 / len2 : 0;
    const yLo = Math.max(0, Math.floor(Math.min(ay, by) - reach));
    const yHi = Math.min(size - 1, Math.floor(Math.max(ay, by) + reach));
    for (let y = yLo; y <= yHi; y++) {
      const cy = y + 0.5;
      let tLo = 0, tHi = 1;
      if (Math.abs(dy) > 1e-9) {
        const t1 = (cy - reach - ay) / dy, t2 = (cy + reach - ay) / dy;
        tLo = Math.max(0, Math.min(t1, t2));
        tHi = Math.min(1, Math.max(t1, t2));
        if (tLo > tHi) continue;
      }
      const xa = ax + tLo * dx, xb = ax + tHi * dx;
      const xLo = Math.max(0, Math.floor(Math.min(xa, xb) - reach));
      const xHi = Math.min(size - 1, Math.floor(Math.max(xa, xb) + reach));
      if (xLo > xHi) continue;
      if (xLo < rowMin[y]) rowMin[y] = xLo;
      if (xHi > rowMax[y]) rowMax[y] = xHi;
      const qy = cy - ay;
      for (let x = xLo, i = y * size + xLo; x <= xHi; x++, i++) {
        const qx = x + 0.5 - ax;
        let t = (qx * dx + qy * dy) * inv;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = qx - t * dx, ey = qy - t * dy;
        const cov = ra + t * dr - Math.sqrt(ex * ex + ey * ey) + 0.5;
        if (cov > alpha[i]) alpha[i] = cov > 1 ? 1 : cov;
      }
    }
  }
}

/** The root-mean-square difference of two canvases (the L2 distance divided by √pixels, so it lies in [0, 1]). */
export function rmsDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum / a.length);
}

/**
 * The outline of a stroke as a closed polygon (flat [x, y, …] in pixels): the left edge of the swept discs
 * forward, a round cap, the right edge back, a round cap. The Scene draws strokes with it.
 */
export function strokeOutline(s: Stroke, capPoints = 6): number[] {
  const n = 16;
  const left: number[] = [];
  const right: number[] = [];
  for (let k = 0; k <= n; k++) {
    const t = k / n, mt = 1 - t;
    const x = mt * mt * s.x0 + 2 * mt * t * s.x1 + t * t * s.x2;
    const y = mt * mt * s.y0 + 2 * mt * t * s.y1 + t * t * s.y2;
    let tx = 2 * mt * (s.x1 - s.x0) + 2 * t * (s.x2 - s.x1);
    let ty = 2 * mt * (s.y1 - s.y0) + 2 * t * (s.y2 - s.y1);
    const norm = Math.hypot(tx, ty);
    if (norm < 1e-9) { tx = 1; ty = 0; } else { tx /= norm; ty /= norm; }
    const r = s.r0 + (s.r2 - s.r0) * t;
    left.push(x - ty * r, y + tx * r);
    right.push(x + ty * r, y - tx * r);
  }
  const out = [...left];
  appendCap(out, left, right, n, s.r2, capPoints);
  for (let k = n; k >= 0; k--) out.push(right[2 * k], right[2 * k + 1]);
  appendCap(out, right, left, 0, s.r0, capPoints);
  return out;
}

/** Half a circle of radius r from `from[k]` to `to[k]` around their midpoint, on the far side of the curve. */
function appendCap(out: number[], from: number[], to: number[], k: number, r: number, points: number): void {
  const ax = from[2 * k], ay = from[2 * k + 1], bx = to[2 * k], by = to[2 * k + 1];
  const cx = (ax + bx) / 2, cy = (ay + by) / 2;
  const start = Math.atan2(ay - cy, ax - cx);
  // Turning by −π from `from` to `to` passes the tangent's direction at the end and its opposite at the start.
  for (let i = 1; i < points; i++) {
    const a = start - (Math.PI * i) / points;
    out.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
}
