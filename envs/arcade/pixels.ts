/**
 * FrameRasterizer: the arcade games' pixel observations, byte for byte what `src/gym/raster.ts` draws
 * (`rasterizeGray`, or `rasterize` in channel-first order), but fast enough for pixel-based training.
 *
 * Why a second path: the generic rasterizer writes RGB through a polygon filler with a closure per shape,
 * and its RGB → luma pass costs more than the drawing, so a Breakout frame (108 bricks) took ≈ 300 µs at
 * 84×84 on the reference machine. The arcade scenes only use axis-aligned rects, circles and digit text, so
 * this path fills those directly into the output planes with the rasterizer's exact sampling rules (pixel
 * centres, even-odd spans, the same floating-point expressions) and its BT.601 luma. Any other shape (a
 * rotated rect, a stroke, a polygon, other characters) makes the whole frame go through the generic
 * rasterizer instead, so the result never depends on which path ran. `tests/envs/arcade/pixels.test.ts`
 * checks equality against `raster.ts` on every game's frames.
 *
 * Output layout: one `height×width` plane (grayscale) or three (R, G, B), row 0 at the top.
 */
import { ConfigError } from '../../src/core/errors.ts';
import { rasterize } from '../../src/gym/raster.ts';
import type { CircleShape, RectShape, Scene, TextShape } from '../../src/gym/scene.ts';

/** The digits (and space) of raster.ts's 3×5 pixel font: 15 bits per glyph, rows top to bottom. */
const DIGIT_GLYPHS: Readonly<Record<string, string>> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001001010010', '8': '111101111101111', '9': '111101111001111',
  ' ': '000000000000000',
};

const HEX6 = /^#([0-9a-fA-F]{6})$/;
const HEX3 = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/;

/** `0xRRGGBB` of a `#rgb`/`#rrggbb` colour, or -1 if it is neither (the generic rasterizer then reports it). */
function packColor(hex: string): number {
  const m6 = HEX6.exec(hex);
  if (m6) return parseInt(m6[1], 16);
  const m3 = HEX3.exec(hex);
  return m3 ? parseInt(m3[1] + m3[1] + m3[2] + m3[2] + m3[3] + m3[3], 16) : -1;
}

/** BT.601 luma exactly as `rgbToGray` rounds it. */
function luma(r: number, g: number, b: number): number {
  return ((299 * r + 587 * g + 114 * b + 500) / 1000) | 0;
}

/** Draws Scenes into reused or fresh pixel planes; one instance per env. */
export class FrameRasterizer {
  readonly width: number;
  readonly height: number;
  readonly rgb: boolean;
  /** Bytes per frame: width·height, times 3 for RGB. */
  readonly frameSize: number;
  private readonly colors: Map<string, number>;
  /** Interleaved RGB scratch for the generic path (allocated on first use). */
  private scratch: Uint8Array | null;
  // The current transform and colour (fields, so the span filler takes few arguments).
  private sx: number;
  private sy: number;
  private ox: number;
  private oy: number;
  private r: number;
  private g: number;
  private b: number;
  /** The colour string `r`, `g`, `b` hold (consecutive shapes often share one). */
  private hex: string;

  constructor(width: number, height: number, rgb: boolean) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new ConfigError(`FrameRasterizer: size must be positive integers, received ${width}×${height}`);
    this.width = width;
    this.height = height;
    this.rgb = rgb;
    this.frameSize = (rgb ? 3 : 1) * width * height;
    this.colors = new Map();
    this.scratch = null;
    this.sx = 1;
    this.sy = 1;
    this.ox = 0;
    this.oy = 0;
    this.r = 0;
    this.g = 0;
    this.b = 0;
    this.hex = '';
  }

  /** Draws `scene` into `out` (`frameSize` bytes), overwriting every pixel. */
  draw(scene: Scene, out: Uint8Array): Uint8Array {
    if (out.length !== this.frameSize) throw new ConfigError(`FrameRasterizer: out must have ${this.frameSize} bytes, received ${out.length}`);
    if (!this.drawFast(scene, out)) this.drawGeneric(scene, out);
    return out;
  }

  /** Draws the frame and returns true, or returns false at the first shape without a fast path. */
  private drawFast(scene: Scene, out: Uint8Array): boolean {
    if (!this.useColor(scene.background ?? '#ffffff')) return false;
    const { xMin, xMax, yMin, yMax } = scene.bounds;
    this.sx = this.width / (xMax - xMin);
    this.sy = this.height / (yMax - yMin);
    this.ox = xMin;
    this.oy = yMax;
    const plane = this.width * this.height;
    if (this.rgb) {
      out.fill(this.r, 0, plane);
      out.fill(this.g, plane, 2 * plane);
      out.fill(this.b, 2 * plane, 3 * plane);
    } else out.fill(this.r);
    const shapes = scene.shapes;
    for (let i = 0; i < shapes.length; i++) {
      const s = shapes[i];
      if (s.stroke !== undefined) return false;
      if (s.kind === 'rect') {
        if (s.angle !== 0) return false;
        if (s.fill !== undefined && !this.drawRect(s, s.fill, out)) return false;
      } else if (s.kind === 'circle') {
        if (s.fill !== undefined && !this.drawCircle(s, s.fill, out)) return false;
      } else if (s.kind === 'text') {
        if (s.angle !== 0 || !this.drawText(s, out)) return false;
      } else return false;
    }
    return true;
  }

  /** Sets the current colour (luma in `r` when grayscale); false for an unparsable colour. */
  private useColor(hex: string): boolean {
    if (hex === this.hex) return true;
    let packed = this.colors.get(hex);
    if (packed === undefined) {
      packed = packColor(hex);
      this.colors.set(hex, packed);
    }
    if (packed < 0) return false;
    this.hex = hex;
    const r = (packed >> 16) & 255;
    const g = (packed >> 8) & 255;
    const b = packed & 255;
    if (this.rgb) {
      this.r = r;
      this.g = g;
      this.b = b;
    } else this.r = luma(r, g, b);
    return true;
  }

  // raster.ts maps local (lx, ly) to pixels as (s.x + cos·lx − sin·ly − ox)·sx and (oy − (s.y + sin·lx + cos·ly))·sy;
  // with angle 0 (cos 1, sin 0) the expressions below are the same IEEE operations.

  private drawRect(s: RectShape, fill: string, out: Uint8Array): boolean {
    if (!this.useColor(fill)) return false;
    const hw = s.width / 2;
    const hh = s.height / 2;
    const xl = (s.x + -hw - 0 * -hh - this.ox) * this.sx;
    const xr = (s.x + hw - 0 * -hh - this.ox) * this.sx;
    const yLow = (this.oy - (s.y + 0 * -hw + -hh)) * this.sy;
    const yHigh = (this.oy - (s.y + 0 * hw + hh)) * this.sy;
    this.fillQuad(xl, xr, yLow, yHigh, out);
    return true;
  }

  /**
   * raster.ts's `fillPolygon` for the quad (xl, ya), (xr, ya), (xr, yb), (xl, yb): rows whose centre lies in
   * [min(ya, yb), max(ya, yb)), each filled over the columns its `fillSpan` would set.
   */
  private fillQuad(xl: number, xr: number, ya: number, yb: number, out: Uint8Array): void {
    const w = this.width;
    const x0 = Math.max(0, Math.ceil(xl - 0.5));
    const x1 = Math.min(w, Math.ceil(xr - 0.5));
    if (x1 <= x0) return;
    const minY = ya < yb ? ya : yb;
    const maxY = ya < yb ? yb : ya;
    const rowStart = Math.max(0, Math.ceil(minY - 0.5));
    const rowEnd = Math.min(this.height - 1, Math.ceil(maxY - 0.5) - 1);
    const plane = w * this.height;
    for (let row = rowStart; row <= rowEnd; row++) {
      const yc = row + 0.5;
      if (ya <= yc === yb <= yc) continue;
      const end = row * w + x1;
      if (!this.rgb) {
        const v = this.r;
        for (let i = row * w + x0; i < end; i++) out[i] = v;
      } else {
        for (let i = row * w + x0; i < end; i++) {
          out[i] = this.r;
          out[i + plane] = this.g;
          out[i + 2 * plane] = this.b;
        }
      }
    }
  }

  private drawCircle(s: CircleShape, fill: string, out: Uint8Array): boolean {
    if (!this.useColor(fill)) return false;
    const cos = Math.cos(s.angle);
    const sin = Math.sin(s.angle);
    const cx = (s.x + cos * 0 - sin * 0 - this.ox) * this.sx;
    const cy = (this.oy - (s.y + sin * 0 + cos * 0)) * this.sy;
    const rx = s.radius * this.sx;
    const ry = s.radius * this.sy;
    if (rx <= 0 || ry <= 0) return true;
    const rowStart = Math.max(0, Math.ceil(cy - ry - 0.5));
    const rowEnd = Math.min(this.height - 1, Math.ceil(cy + ry - 0.5) - 1);
    for (let row = rowStart; row <= rowEnd; row++) {
      const t = (row + 0.5 - cy) / ry;
      const half = rx * Math.sqrt(Math.max(0, 1 - t * t));
      this.fillSpan(row, cx - half, cx + half, out);
    }
    return true;
  }

  /** Digit text only; false for any other character. */
  private drawText(s: TextShape, out: Uint8Array): boolean {
    for (let i = 0; i < s.text.length; i++) if (DIGIT_GLYPHS[s.text[i]] === undefined) return false;
    if (!this.useColor(s.fill ?? s.stroke ?? '#000000')) return false;
    const cell = s.size / 5;
    const advance = 4 * cell;
    const width = s.text.length * advance - cell;
    const x0 = s.align === 'center' ? -width / 2 : s.align === 'right' ? -width : 0;
    for (let ch = 0; ch < s.text.length; ch++) {
      const glyph = DIGIT_GLYPHS[s.text[ch]];
      for (let bit = 0; bit < 15; bit++) {
        if (glyph[bit] !== '1') continue;
        const lx = x0 + ch * advance + (bit % 3) * cell;
        const ly = (4 - Math.floor(bit / 3)) * cell;
        const lx1 = lx + cell;
        const ly1 = ly + cell;
        const xl = (s.x + 1 * lx - 0 * ly - this.ox) * this.sx;
        const xr = (s.x + 1 * lx1 - 0 * ly - this.ox) * this.sx;
        const ya = (this.oy - (s.y + 0 * lx + 1 * ly)) * this.sy;
        const yb = (this.oy - (s.y + 0 * lx + 1 * ly1)) * this.sy;
        this.fillQuad(xl, xr, ya, yb, out);
      }
    }
    return true;
  }

  /** Sets the pixels of `row` whose centres lie in [xa, xb) (raster.ts's `fillSpan`). */
  private fillSpan(row: number, xa: number, xb: number, out: Uint8Array): void {
    const w = this.width;
    const x0 = Math.max(0, Math.ceil(xa - 0.5));
    const x1 = Math.min(w, Math.ceil(xb - 0.5));
    if (x1 <= x0) return;
    let i = row * w + x0;
    const end = row * w + x1;
    if (!this.rgb) {
      const v = this.r;
      for (; i < end; i++) out[i] = v;
      return;
    }
    const plane = w * this.height;
    const r = this.r;
    const g = this.g;
    const b = this.b;
    for (; i < end; i++) {
      out[i] = r;
      out[i + plane] = g;
      out[i + 2 * plane] = b;
    }
  }

  /** Any scene: the generic rasterizer, then luma or planar RGB. */
  private drawGeneric(scene: Scene, out: Uint8Array): void {
    const n = this.width * this.height;
    this.scratch ??= new Uint8Array(3 * n);
    const rgb = rasterize(scene, this.width, this.height, { out: this.scratch });
    if (this.rgb) {
      for (let j = 0, i = 0; j < n; j++, i += 3) {
        out[j] = rgb[i];
        out[j + n] = rgb[i + 1];
        out[j + 2 * n] = rgb[i + 2];
      }
    } else {
      for (let j = 0, i = 0; j < n; j++, i += 3) out[j] = luma(rgb[i], rgb[i + 1], rgb[i + 2]);
    }
  }
}
