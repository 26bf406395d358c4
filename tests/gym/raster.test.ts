import { describe, expect, it } from 'vitest';
import { parseColor, rasterize, rasterizeGray, rgbToGray } from '../../src/gym/raster.ts';
import { explainInvalidScene, type Scene, type Shape } from '../../src/gym/scene.ts';

/** A 10×10 world mapped onto an image: world x ∈ [0, 10], y ∈ [0, 10], y up. */
function scene(shapes: Shape[], background = '#ffffff'): Scene {
  return { bounds: { xMin: 0, xMax: 10, yMin: 0, yMax: 10 }, background, shapes };
}

function pixel(rgb: Uint8Array, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 3;
  return [rgb[i], rgb[i + 1], rgb[i + 2]];
}

function count(rgb: Uint8Array, color: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === color[0] && rgb[i + 1] === color[1] && rgb[i + 2] === color[2]) n++;
  return n;
}

const RED: [number, number, number] = [255, 0, 0];

describe('rasterize', () => {
  it('fills the background', () => {
    const rgb = rasterize(scene([], '#102030'), 4, 3);
    expect(rgb.length).toBe(36);
    for (let i = 0; i < 12; i++) expect(pixel(rgb, 4, i % 4, Math.floor(i / 4))).toEqual([16, 32, 48]);
    expect(Array.from(rasterize(scene([], '#fff'), 2, 1))).toEqual([255, 255, 255, 255, 255, 255]);
  });

  it('draws an axis-aligned rect exactly on pixel centres, y up', () => {
    // Rect covering world x ∈ [2, 6], y ∈ [0, 3] → pixels x 2..5, rows 7..9 of a 10×10 image.
    const rgb = rasterize(scene([{ id: 'r', kind: 'rect', x: 4, y: 1.5, angle: 0, width: 4, height: 3, fill: '#ff0000' }]), 10, 10);
    expect(count(rgb, RED)).toBe(12);
    expect(pixel(rgb, 10, 2, 7)).toEqual(RED);
    expect(pixel(rgb, 10, 5, 9)).toEqual(RED);
    expect(pixel(rgb, 10, 1, 8)).toEqual([255, 255, 255]);
    expect(pixel(rgb, 10, 3, 6)).toEqual([255, 255, 255]);
  });

  it('rotates shapes counter-clockwise by angle', () => {
    // A thin horizontal bar rotated by 90° becomes vertical.
    const bar: Shape = { id: 'b', kind: 'rect', x: 5, y: 5, angle: Math.PI / 2, width: 8, height: 1, fill: '#ff0000' };
    const rgb = rasterize(scene([bar]), 10, 10);
    expect(pixel(rgb, 10, 4, 1)).toEqual(RED);
    expect(pixel(rgb, 10, 4, 8)).toEqual(RED);
    expect(pixel(rgb, 10, 1, 4)).toEqual([255, 255, 255]);
    expect(count(rgb, RED)).toBe(8);
  });

  it('draws a circle with the right area and an outline ring', () => {
    const rgb = rasterize(scene([{ id: 'c', kind: 'circle', x: 5, y: 5, angle: 0, radius: 4, fill: '#ff0000' }]), 100, 100);
    const area = count(rgb, RED);
    expect(Math.abs(area - Math.PI * 40 * 40) / (Math.PI * 40 * 40)).toBeLessThan(0.01);
    const ring = rasterize(scene([{ id: 'c', kind: 'circle', x: 5, y: 5, angle: 0, radius: 4, stroke: '#ff0000', lineWidth: 0.2 }]), 100, 100);
    expect(pixel(ring, 100, 50, 50)).toEqual([255, 255, 255]);
    expect(pixel(ring, 100, 50, 10)).toEqual(RED);
    const ringArea = count(ring, RED);
    expect(Math.abs(ringArea - 2 * Math.PI * 40 * 2) / (2 * Math.PI * 40 * 2)).toBeLessThan(0.05);
  });

  it('fills a triangle polygon with half the area of its box', () => {
    const tri: Shape = { id: 't', kind: 'polygon', x: 0, y: 0, angle: 0, points: [0, 0, 10, 0, 0, 10], fill: '#ff0000' };
    const n = count(rasterize(scene([tri]), 100, 100), RED);
    expect(Math.abs(n - 5000)).toBeLessThan(101);
  });

  it('draws lines at least one pixel wide without gaps, and thick lines at their width', () => {
    const diag: Shape = { id: 'l', kind: 'line', x: 0, y: 0, angle: 0, points: [0, 0, 10, 10], stroke: '#ff0000' };
    const rgb = rasterize(scene([diag]), 50, 50);
    for (let row = 0; row < 50; row++) {
      let hits = 0;
      for (let x = 0; x < 50; x++) if (pixel(rgb, 50, x, row)[0] === 255 && pixel(rgb, 50, x, row)[1] === 0) hits++;
      expect(hits).toBeGreaterThanOrEqual(1);
    }
    const thick: Shape = { id: 'h', kind: 'line', x: 0, y: 5, angle: 0, points: [1, 0, 9, 0], stroke: '#ff0000', lineWidth: 2 };
    expect(count(rasterize(scene([thick]), 10, 10), RED)).toBe(16);
  });

  it('draws polylines with joints and text glyphs', () => {
    const zig: Shape = { id: 'z', kind: 'polyline', x: 0, y: 0, angle: 0, points: [1, 1, 5, 9, 9, 1], stroke: '#ff0000', lineWidth: 0.5 };
    expect(count(rasterize(scene([zig]), 40, 40), RED)).toBeGreaterThan(100);
    const text: Shape = { id: 'txt', kind: 'text', x: 5, y: 5, angle: 0, text: 'HI 42', size: 2, align: 'center', fill: '#ff0000' };
    const lit = count(rasterize(scene([text]), 100, 100), RED);
    expect(lit).toBeGreaterThan(200);
    expect(count(rasterize(scene([{ ...text, text: '   ' }]), 100, 100), RED)).toBe(0);
  });

  it('draws later shapes on top', () => {
    const a: Shape = { id: 'a', kind: 'rect', x: 5, y: 5, angle: 0, width: 10, height: 10, fill: '#00ff00' };
    const b: Shape = { id: 'b', kind: 'rect', x: 5, y: 5, angle: 0, width: 2, height: 2, fill: '#ff0000' };
    expect(pixel(rasterize(scene([a, b]), 10, 10), 10, 5, 5)).toEqual(RED);
    expect(pixel(rasterize(scene([b, a]), 10, 10), 10, 5, 5)).toEqual([0, 255, 0]);
  });

  it('clips shapes outside the image', () => {
    const big: Shape = { id: 'r', kind: 'rect', x: 0, y: 0, angle: 0.3, width: 100, height: 100, fill: '#ff0000' };
    expect(count(rasterize(scene([big]), 8, 8), RED)).toBe(64);
    const away: Shape = { id: 'c', kind: 'circle', x: 50, y: 50, angle: 0, radius: 3, fill: '#ff0000' };
    expect(count(rasterize(scene([away]), 8, 8), RED)).toBe(0);
  });

  it('supersampling blends edges; grayscale uses BT.601 luma', () => {
    const half: Shape = { id: 'r', kind: 'rect', x: 0.25, y: 5, angle: 0, width: 0.5, height: 10, fill: '#000000' };
    const aa = rasterize(scene([half]), 10, 10, { supersample: 4 });
    expect(pixel(aa, 10, 0, 5)[0]).toBeGreaterThan(100);
    expect(pixel(aa, 10, 0, 5)[0]).toBeLessThan(160);
    expect(Array.from(rgbToGray(Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255)))).toEqual([76, 150, 29]);
    const gray = rasterizeGray(scene([{ id: 'r', kind: 'rect', x: 5, y: 5, angle: 0, width: 10, height: 10, fill: '#ff0000' }]), 3, 3);
    expect(Array.from(gray)).toEqual(new Array(9).fill(76));
  });

  it('reuses an output buffer and rejects bad sizes and colours', () => {
    const out = new Uint8Array(4 * 4 * 3);
    expect(rasterize(scene([]), 4, 4, { out })).toBe(out);
    expect(() => rasterize(scene([]), 0, 4)).toThrow(/positive integers/);
    expect(() => rasterize(scene([]), 4, 4, { out: new Uint8Array(3) })).toThrow(/48 bytes/);
    expect(() => rasterize(scene([], 'red'), 2, 2)).toThrow(/#rgb or #rrggbb/);
    expect(parseColor('#0a0B0c')).toEqual([10, 11, 12]);
    expect(parseColor('#abc')).toEqual([170, 187, 204]);
  });
  // Every registered env's frame is checked by checkEnv ("render() draws something visible in an 84×84 frame",
  // tests/gym/check-env.test.ts), with a message that says what to change.
});

describe('scene validation', () => {
  const ok = scene([{ id: 'a', kind: 'circle', x: 0, y: 0, angle: 0, radius: 1 }]);
  it('accepts a valid scene', () => {
    expect(explainInvalidScene(ok)).toBeNull();
  });
  it.each([
    ['a non-object', 3, /must return a Scene/],
    ['missing bounds', { shapes: [] }, /bounds is missing/],
    ['empty bounds', { bounds: { xMin: 1, xMax: 1, yMin: 0, yMax: 1 }, shapes: [] }, /min < max/],
    ['NaN position', scene([{ id: 'a', kind: 'circle', x: Number.NaN, y: 0, angle: 0, radius: 1 }]), /shape "a": x must be a finite number/],
    ['bad colour', scene([{ id: 'a', kind: 'circle', x: 0, y: 0, angle: 0, radius: 1, fill: 'red' }]), /fill must be a hex colour/],
    ['duplicate ids', { ...ok, shapes: [...ok.shapes, ...ok.shapes] }, /appears twice/],
    ['odd point list', scene([{ id: 'p', kind: 'polygon', x: 0, y: 0, angle: 0, points: [0, 0, 1, 1, 2] }]), /points/],
    ['unknown kind', { ...ok, shapes: [{ id: 'q', kind: 'blob', x: 0, y: 0, angle: 0 }] }, /unknown kind blob/],
  ])('rejects %s', (_name, bad, message) => {
    expect(explainInvalidScene(bad)).toMatch(message);
  });
});
