/**
 * The rasterizer: turns a Scene into RGB (or grayscale) pixels in plain TypeScript, with no browser and no
 * native code. It serves `rgb_array`-style frames, pixel observations for CNN policies (84×84 must run at
 * well over 10k frames/s) and GIF/PNG frames from the CLI.
 *
 * How: the world rectangle `scene.bounds` is stretched onto the image (y up in the world, row 0 at the top
 * of the image). Every filled shape becomes a polygon or an ellipse filled by scanlines sampled at pixel
 * centres (even-odd rule); lines and outlines are quads of the line's width (at least one pixel) with round
 * joints; text uses a built-in 3×5 pixel font. No anti-aliasing except optional supersampling (render at
 * k× and box-filter down), which the CLI uses for nicer GIFs.
 */
import { ConfigError } from '../core/errors.ts';
import type { Scene, Shape } from './scene.ts';

/** Options of `rasterize`. */
export interface RasterOptions {
  /** Render at k× the size and average k×k blocks (anti-aliasing; default 1). */
  readonly supersample?: number;
  /** A buffer of `width·height·3` bytes to draw into (reused across frames to avoid allocation). */
  readonly out?: Uint8Array;
}

/** RGB pixels of `scene`, `width·height·3` bytes, row-major from the top-left pixel. */
export function rasterize(scene: Scene, width: number, height: number, opts: RasterOptions = {}): Uint8Array {
  checkSize(width, height);
  const k = opts.supersample ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > 8) throw new ConfigError(`rasterize: supersample must be an integer in [1, 8], received ${k}`);
  const out = opts.out ?? new Uint8Array(width * height * 3);
  if (out.length !== width * height * 3) throw new ConfigError(`rasterize: out must have ${width * height * 3} bytes, received ${out.length}`);
  if (k === 1) {
    drawScene(new Canvas(out, width, height), scene);
    return out;
  }
  const big = new Uint8Array(width * k * height * k * 3);
  drawScene(new Canvas(big, width * k, height * k), scene);
  downsample(big, width * k, k, out, width, height);
  return out;
}

/** Grayscale pixels of `scene` (ITU-R BT.601 luma), `width·height` bytes. */
export function rasterizeGray(scene: Scene, width: number, height: number, opts: { readonly supersample?: number; readonly out?: Uint8Array } = {}): Uint8Array {
  const rgb = rasterize(scene, width, height, { supersample: opts.supersample });
  const out = opts.out ?? new Uint8Array(width * height);
  if (out.length !== width * height) throw new ConfigError(`rasterizeGray: out must have ${width * height} bytes, received ${out.length}`);
  return rgbToGray(rgb, out);
}

/** Converts packed RGB to BT.601 luma (`0.299 R + 0.587 G + 0.114 B`, rounded). */
export function rgbToGray(rgb: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length / 3)): Uint8Array {
  for (let i = 0, j = 0; j < out.length; i += 3, j++) out[j] = (299 * rgb[i] + 587 * rgb[i + 1] + 114 * rgb[i + 2] + 500) / 1000;
  return out;
}

/** `[r, g, b]` of a `#rgb` or `#rrggbb` colour. */
export function parseColor(hex: string): [number, number, number] {
  const packed = packColor(hex);
  return [(packed >> 16) & 255, (packed >> 8) & 255, packed & 255];
}

// ── internals ──

const colorCache = new Map<string, number>();

function packColor(hex: string): number {
  const cached = colorCache.get(hex);
  if (cached !== undefined) return cached;
  let m = /^#([0-9a-fA-F]{6})$/.exec(hex);
  let packed: number;
  if (m) packed = parseInt(m[1], 16);
  else {
    m = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/.exec(hex);
    if (!m) throw new ConfigError(`rasterize: colour must be #rgb or #rrggbb, received "${hex}"`);
    packed = parseInt(m[1] + m[1] + m[2] + m[2] + m[3] + m[3], 16);
  }
  colorCache.set(hex, packed);
  return packed;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 1 << 26) {
    throw new ConfigError(`rasterize: width and height must be positive integers (at most 64M pixels), received ${width}×${height}`);
  }
}

/** An RGB pixel buffer plus the current world → pixel transform. */
class Canvas {
  readonly buf: Uint8Array;
  readonly w: number;
  readonly h: number;
  sx: number;
  sy: number;
  ox: number;
  oy: number;
  constructor(buf: Uint8Array, w: number, h: number) {
    this.buf = buf;
    this.w = w;
    this.h = h;
    this.sx = 1;
    this.sy = 1;
    this.ox = 0;
    this.oy = 0;
  }
}

// Scratch polygon storage, grown on demand (the rasterizer is single-threaded per realm).
let polyX = new Float64Array(64);
let polyY = new Float64Array(64);
let crossings = new Float64Array(64);

function ensurePoly(n: number): void {
  if (polyX.length < n) {
    polyX = new Float64Array(n * 2);
    polyY = new Float64Array(n * 2);
    crossings = new Float64Array(n * 2);
  }
}

function drawScene(c: Canvas, scene: Scene): void {
  const { xMin, xMax, yMin, yMax } = scene.bounds;
  c.sx = c.w / (xMax - xMin);
  c.sy = c.h / (yMax - yMin);
  c.ox = xMin;
  c.oy = yMax;
  clear(c, packColor(scene.background ?? '#ffffff'));
  for (const shape of scene.shapes) drawShape(c, shape);
}

function clear(c: Canvas, color: number): void {
  const r = (color >> 16) & 255;
  const g = (color >> 8) & 255;
  const b = color & 255;
  const buf = c.buf;
  if (r === g && g === b) {
    buf.fill(r);
    return;
  }
  buf[0] = r;
  buf[1] = g;
  buf[2] = b;
  // Doubling copy: O(log n) copyWithin calls.
  let filled = 3;
  while (filled < buf.length) {
    const n = Math.min(filled, buf.length - filled);
    buf.copyWithin(filled, 0, n);
    filled += n;
  }
}

function drawShape(c: Canvas, s: Shape): void {
  const cos = Math.cos(s.angle);
  const sin = Math.sin(s.angle);
  // Local (lx, ly) → pixel coordinates.
  const px = (lx: number, ly: number): number => (s.x + cos * lx - sin * ly - c.ox) * c.sx;
  const py = (lx: number, ly: number): number => (c.oy - (s.y + sin * lx + cos * ly)) * c.sy;
  const halfWidth = Math.max(0.5, ((s.lineWidth ?? 0) * (c.sx + c.sy)) / 4);
  switch (s.kind) {
    case 'rect': {
      const hw = s.width / 2;
      const hh = s.height / 2;
      const corners = [-hw, -hh, hw, -hh, hw, hh, -hw, hh];
      ensurePoly(4);
      for (let i = 0; i < 4; i++) {
        polyX[i] = px(corners[2 * i], corners[2 * i + 1]);
        polyY[i] = py(corners[2 * i], corners[2 * i + 1]);
      }
      if (s.fill !== undefined) fillPolygon(c, 4, packColor(s.fill));
      if (s.stroke !== undefined) strokeLocal(c, corners, true, px, py, halfWidth, packColor(s.stroke));
      return;
    }
    case 'polygon': {
      const n = s.points.length / 2;
      ensurePoly(n);
      for (let i = 0; i < n; i++) {
        polyX[i] = px(s.points[2 * i], s.points[2 * i + 1]);
        polyY[i] = py(s.points[2 * i], s.points[2 * i + 1]);
      }
      if (s.fill !== undefined) fillPolygon(c, n, packColor(s.fill));
      if (s.stroke !== undefined) strokeLocal(c, s.points, true, px, py, halfWidth, packColor(s.stroke));
      return;
    }
    case 'circle': {
      const cx = px(0, 0);
      const cy = py(0, 0);
      const rx = s.radius * c.sx;
      const ry = s.radius * c.sy;
      if (s.fill !== undefined) fillEllipse(c, cx, cy, rx, ry, 0, 0, packColor(s.fill));
      if (s.stroke !== undefined) fillEllipse(c, cx, cy, rx + halfWidth, ry + halfWidth, Math.max(0, rx - halfWidth), Math.max(0, ry - halfWidth), packColor(s.stroke));
      return;
    }
    case 'line':
    case 'polyline': {
      const color = packColor(s.stroke ?? s.fill ?? '#000000');
      strokeLocal(c, s.points, false, px, py, halfWidth, color);
      return;
    }
    case 'text':
      drawText(c, s, px, py);
      return;
    default: {
      const never: never = s;
      throw new ConfigError(`rasterize: unknown shape kind ${String((never as { kind: unknown }).kind)}`);
    }
  }
}

/** Strokes a local point list (closed or open) with quads of half-width `hw` pixels and round joints. */
function strokeLocal(
  c: Canvas,
  points: readonly number[],
  closed: boolean,
  px: (x: number, y: number) => number,
  py: (x: number, y: number) => number,
  hw: number,
  color: number,
): void {
  const n = points.length / 2;
  const segments = closed ? n : n - 1;
  for (let i = 0; i < segments; i++) {
    const j = (i + 1) % n;
    const x0 = px(points[2 * i], points[2 * i + 1]);
    const y0 = py(points[2 * i], points[2 * i + 1]);
    const x1 = px(points[2 * j], points[2 * j + 1]);
    const y1 = py(points[2 * j], points[2 * j + 1]);
    thickSegment(c, x0, y0, x1, y1, hw, color);
    // Round joints fill the wedge gaps between thick segments.
    if (hw > 1 && (closed || i > 0)) fillEllipse(c, x0, y0, hw, hw, 0, 0, color);
  }
}

function thickSegment(c: Canvas, x0: number, y0: number, x1: number, y1: number, hw: number, color: number): void {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = Math.hypot(dx, dy);
  if (len < 1e-9) {
    fillEllipse(c, x0, y0, hw, hw, 0, 0, color);
    return;
  }
  const nx = (-dy / len) * hw;
  const ny = (dx / len) * hw;
  ensurePoly(4);
  polyX[0] = x0 + nx;
  polyY[0] = y0 + ny;
  polyX[1] = x1 + nx;
  polyY[1] = y1 + ny;
  polyX[2] = x1 - nx;
  polyY[2] = y1 - ny;
  polyX[3] = x0 - nx;
  polyY[3] = y0 - ny;
  fillPolygon(c, 4, color);
}

/** Fills the polygon in `polyX/polyY[0..n)` (pixel coordinates) with the even-odd rule at pixel centres. */
function fillPolygon(c: Canvas, n: number, color: number): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (polyY[i] < minY) minY = polyY[i];
    if (polyY[i] > maxY) maxY = polyY[i];
  }
  const rowStart = Math.max(0, Math.ceil(minY - 0.5));
  const rowEnd = Math.min(c.h - 1, Math.ceil(maxY - 0.5) - 1);
  for (let row = rowStart; row <= rowEnd; row++) {
    const yc = row + 0.5;
    let count = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = polyY[i];
      const yj = polyY[j];
      if (yi <= yc !== yj <= yc) crossings[count++] = polyX[i] + ((yc - yi) * (polyX[j] - polyX[i])) / (yj - yi);
    }
    // Insertion sort: crossings per row are few.
    for (let a = 1; a < count; a++) {
      const v = crossings[a];
      let b = a - 1;
      while (b >= 0 && crossings[b] > v) {
        crossings[b + 1] = crossings[b];
        b--;
      }
      crossings[b + 1] = v;
    }
    for (let k = 0; k + 1 < count; k += 2) fillSpan(c, row, crossings[k], crossings[k + 1], color);
  }
}

/** Fills the ellipse (cx, cy, rx, ry) minus the inner ellipse (irx, iry) (0 for a disc). */
function fillEllipse(c: Canvas, cx: number, cy: number, rx: number, ry: number, irx: number, iry: number, color: number): void {
  if (rx <= 0 || ry <= 0) return;
  const rowStart = Math.max(0, Math.ceil(cy - ry - 0.5));
  const rowEnd = Math.min(c.h - 1, Math.ceil(cy + ry - 0.5) - 1);
  for (let row = rowStart; row <= rowEnd; row++) {
    const t = (row + 0.5 - cy) / ry;
    const half = rx * Math.sqrt(Math.max(0, 1 - t * t));
    const ti = iry > 0 ? (row + 0.5 - cy) / iry : 2;
    if (irx > 0 && ti > -1 && ti < 1) {
      const inner = irx * Math.sqrt(1 - ti * ti);
      fillSpan(c, row, cx - half, cx - inner, color);
      fillSpan(c, row, cx + inner, cx + half, color);
    } else {
      fillSpan(c, row, cx - half, cx + half, color);
    }
  }
}

/** Sets the pixels of `row` whose centres lie in [xa, xb). */
function fillSpan(c: Canvas, row: number, xa: number, xb: number, color: number): void {
  const x0 = Math.max(0, Math.ceil(xa - 0.5));
  const x1 = Math.min(c.w, Math.ceil(xb - 0.5));
  if (x1 <= x0) return;
  const r = (color >> 16) & 255;
  const g = (color >> 8) & 255;
  const b = color & 255;
  const buf = c.buf;
  let i = (row * c.w + x0) * 3;
  const end = (row * c.w + x1) * 3;
  for (; i < end; i += 3) {
    buf[i] = r;
    buf[i + 1] = g;
    buf[i + 2] = b;
  }
}

function downsample(big: Uint8Array, bigW: number, k: number, out: Uint8Array, w: number, h: number): void {
  const area = k * k;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < k; dy++) {
        let i = ((y * k + dy) * bigW + x * k) * 3;
        for (let dx = 0; dx < k; dx++, i += 3) {
          r += big[i];
          g += big[i + 1];
          b += big[i + 2];
        }
      }
      const o = (y * w + x) * 3;
      out[o] = (r + (area >> 1)) / area;
      out[o + 1] = (g + (area >> 1)) / area;
      out[o + 2] = (b + (area >> 1)) / area;
    }
  }
}

// ── text: a 3×5 pixel font; each glyph is 15 bits, rows top to bottom, 3 bits per row ──

const FONT_ROWS: Readonly<Record<string, string>> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001001010010', '8': '111101111101111', '9': '111101111001111',
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100110100111',
  F: '111100110100100', G: '011100101101011', H: '101101111101101', I: '111010010010111', J: '001001001101010',
  K: '101101110101101', L: '100100100100111', M: '101111111101101', N: '110101101101101', O: '010101101101010',
  P: '110101110100100', Q: '010101101110011', R: '110101110101101', S: '011100010001110', T: '111010010010010',
  U: '101101101101111', V: '101101101101010', W: '101101111111101', X: '101101010101101', Y: '101101010010010',
  Z: '111001010100111', ' ': '000000000000000', '.': '000000000000010', ':': '000010000010000', '-': '000000111000000',
  '+': '000010111010000', '/': '001001010100100', '=': '000111000111000', '%': '101001010100101', '(': '010100100100010',
  ')': '010001001001010', '!': '010010010000010', '?': '111001010000010', ',': '000000000010100', '_': '000000000000111',
};

function drawText(c: Canvas, s: Extract<Shape, { kind: 'text' }>, px: (x: number, y: number) => number, py: (x: number, y: number) => number): void {
  const color = packColor(s.fill ?? s.stroke ?? '#000000');
  const cell = s.size / 5;
  const advance = 4 * cell;
  const width = s.text.length * advance - cell;
  const x0 = s.align === 'center' ? -width / 2 : s.align === 'right' ? -width : 0;
  ensurePoly(4);
  for (let ch = 0; ch < s.text.length; ch++) {
    const glyph = FONT_ROWS[s.text[ch].toUpperCase()] ?? FONT_ROWS['?'];
    for (let bit = 0; bit < 15; bit++) {
      if (glyph[bit] !== '1') continue;
      const lx = x0 + ch * advance + (bit % 3) * cell;
      const ly = (4 - Math.floor(bit / 3)) * cell;
      const corners = [lx, ly, lx + cell, ly, lx + cell, ly + cell, lx, ly + cell];
      for (let i = 0; i < 4; i++) {
        polyX[i] = px(corners[2 * i], corners[2 * i + 1]);
        polyY[i] = py(corners[2 * i], corners[2 * i + 1]);
      }
      fillPolygon(c, 4, color);
    }
  }
}
