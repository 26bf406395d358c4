/**
 * The seeded procedural targets of the art envs: one to three elements on blank paper, each a filled
 * convex polygon or ellipse, a free brush stroke, or a digit or letter of our stroke font (font.ts),
 * composited with "over" at an ink density in [0.5, 1]. No data set is downloaded.
 *
 * A target is a function of its seed alone (`generateTarget(seed, size)` owns its Rng), so a set of targets
 * is a set of seeds. Seeds below HELD_OUT_FROM are the training targets; seeds from HELD_OUT_FROM on are
 * held out for evaluation (`targets: 'heldout'`), so no evaluation target is ever trained on.
 */
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { GLYPH_CHARS, GLYPH_HEIGHT, GLYPH_WIDTH, glyphPolylines } from './font.ts';
import { Brush, strokeFromAction, type Stroke } from './stroke.ts';

/** The first held-out target seed; training targets use the seeds below it. */
export const HELD_OUT_FROM = 2 ** 31;

/** The target seed a reset draws: uniform over the training or the held-out seeds. */
export function drawTargetSeed(rng: Rng, split: 'train' | 'heldout'): number {
  return (split === 'heldout' ? HELD_OUT_FROM : 0) + rng.int(HELD_OUT_FROM);
}

/** The target of `seed` on a `size`×`size` canvas (ink density in [0, 1], row-major, y down). */
export function generateTarget(seed: number, size: number): Float32Array {
  const rng = new Rng(seed);
  const canvas = new Float32Array(size * size);
  const brush = new Brush(size);
  const count = 1 + rng.int(3);
  for (let e = 0; e < count; e++) {
    const ink = rng.uniform(0.5, 1);
    const kind = rng.random();
    if (kind < 0.4) fillShape(canvas, size, rng, ink);
    else if (kind < 0.7) drawFreeStroke(canvas, brush, rng, ink);
    else drawGlyph(canvas, brush, rng, ink);
  }
  return canvas;
}

/** A filled ellipse (one in three) or a convex regular polygon with 3–6 sides, anti-aliased by signed distance. */
function fillShape(canvas: Float32Array, size: number, rng: Rng, ink: number): void {
  const cx = rng.uniform(0.25, 0.75) * size, cy = rng.uniform(0.25, 0.75) * size;
  const rx = rng.uniform(0.1, 0.3) * size, ry = rng.uniform(0.1, 0.3) * size;
  const angle = rng.uniform(0, Math.PI);
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const sides = rng.random() < 1 / 3 ? 0 : 3 + rng.int(4);
  // Edge normals of the regular polygon inscribed in the unit circle, and its apothem.
  const nx = Array.from({ length: sides }, (_, k) => Math.cos((2 * Math.PI * (k + 0.5)) / sides));
  const ny = Array.from({ length: sides }, (_, k) => Math.sin((2 * Math.PI * (k + 0.5)) / sides));
  const apothem = Math.cos(Math.PI / sides);
  const scale = Math.min(rx, ry);
  const reach = Math.max(rx, ry) + 1;
  const x0 = Math.max(0, Math.floor(cx - reach)), x1 = Math.min(size - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach)), y1 = Math.min(size - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / rx, v = (-dx * sin + dy * cos) / ry;
      // Signed distance of the unit shape (the largest edge distance for a polygon), scaled to pixels by the smaller radius.
      let d = sides === 0 ? Math.hypot(u, v) - 1 : -Infinity;
      for (let k = 0; k < sides; k++) d = Math.max(d, u * nx[k] + v * ny[k] - apothem);
      const a = Math.min(1, Math.max(0, 0.5 - d * scale));
      if (a > 0) canvas[y * size + x] += (ink - canvas[y * size + x]) * a;
    }
  }
}

/** A random brush stroke kept away from the canvas edge. */
function drawFreeStroke(canvas: Float32Array, brush: Brush, rng: Rng, ink: number): void {
  const a = new Float32Array(9);
  for (let i = 0; i < 6; i++) a[i] = rng.uniform(-0.7, 0.7);
  a[6] = rng.uniform(-0.8, 0.2);
  a[7] = rng.uniform(-0.8, 0.2);
  a[8] = ink * 2 - 1;
  brush.draw(canvas, strokeFromAction(a, brush.size));
}

/** A digit or letter of the stroke font in a random box, drawn with a round pen of 1.5–3 px radius (at 64×64). */
function drawGlyph(canvas: Float32Array, brush: Brush, rng: Rng, ink: number): void {
  const size = brush.size;
  const ch = GLYPH_CHARS[rng.int(GLYPH_CHARS.length)];
  const height = rng.uniform(0.45, 0.8) * size;
  const unit = height / GLYPH_HEIGHT;
  const left = rng.uniform(0.08 * size, size * 0.92 - GLYPH_WIDTH * unit);
  const top = rng.uniform(0.08 * size, size * 0.92 - height);
  const r = rng.uniform(1.5, 3) * (size / 64);
  for (const line of glyphPolylines(ch)) {
    for (let k = 0; k + 3 < line.length; k += 2) {
      const x0 = left + line[k] * unit, y0 = top + line[k + 1] * unit;
      const x2 = left + line[k + 2] * unit, y2 = top + line[k + 3] * unit;
      const s: Stroke = { x0, y0, x1: (x0 + x2) / 2, y1: (y0 + y2) / 2, x2, y2, r0: r, r2: r, ink };
      brush.draw(canvas, s);
    }
  }
}

/** An RGBA (or gray) image, as pngjs and the browser's ImageData give it. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 4 bytes, RGBA, row-major. */
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * A user image as a target: luminance (Rec. 601) turned into ink (dark = ink), transparent pixels as paper,
 * resampled to `size`×`size` by area averaging (nearest for images smaller than the canvas).
 */
export function targetFromImage(image: RgbaImage, size: number, what = 'image'): Float32Array {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new ConfigError(`${what}: expected RGBA pixels of ${width}×${height} (${width * height * 4} bytes), received ${data.length} bytes`);
  }
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const sy0 = Math.floor((y * height) / size), sy1 = Math.max(sy0 + 1, Math.floor(((y + 1) * height) / size));
    for (let x = 0; x < size; x++) {
      const sx0 = Math.floor((x * width) / size), sx1 = Math.max(sx0 + 1, Math.floor(((x + 1) * width) / size));
      let sum = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0; sx < sx1; sx++) {
          const i = (sy * width + sx) * 4;
          const luma = (0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]) / 255;
          sum += (1 - luma) * (data[i + 3] / 255);
        }
      }
      out[y * size + x] = sum / ((sy1 - sy0) * (sx1 - sx0));
    }
  }
  return out;
}
