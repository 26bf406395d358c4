/**
 * The art envs: the stroke rasteriser against the geometry of a swept disc, the target generator's seeds,
 * Paint-v0's reward bookkeeping, its observations and its user-image kwarg.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { glyphPolylines, GLYPH_CHARS } from '../../../envs/art/font.ts';
import { Paint } from '../../../envs/art/paint.ts';
import { Brush, rmsDistance, strokeFromAction, type Stroke } from '../../../envs/art/stroke.ts';
import { drawTargetSeed, generateTarget, HELD_OUT_FROM, targetFromImage } from '../../../envs/art/targets.ts';
import { ConfigError } from '../../../src/core/errors.ts';
import { checkEnv, formatReport } from '../../../src/gym/check-env.ts';
import { Rng } from '../../../src/core/rng.ts';
import { make } from '../../../src/gym/registry.ts';
import { sample } from '../../../src/gym/spaces.ts';

const SIZE = 64;

function line(x0: number, y0: number, x2: number, y2: number, r: number, ink = 1, r2 = r): Stroke {
  return { x0, y0, x1: (x0 + x2) / 2, y1: (y0 + y2) / 2, x2, y2, r0: r, r2, ink };
}

function drawn(...strokes: Stroke[]): Float32Array {
  const canvas = new Float32Array(SIZE * SIZE);
  const brush = new Brush(SIZE);
  for (const s of strokes) brush.draw(canvas, s);
  return canvas;
}

const at = (c: Float32Array, x: number, y: number): number => c[y * SIZE + x];
const sum = (c: Float32Array): number => c.reduce((a, b) => a + b, 0);

describe('stroke rasteriser', () => {
  it('covers a capsule: full ink inside, none beyond the radius, area 2rL + πr² within 2 %', () => {
    const r = 3;
    const c = drawn(line(10, 32, 50, 32, r));
    for (let x = 10; x < 50; x++) expect(at(c, x, 31), `centre row at x=${x}`).toBe(1);
    for (let x = 0; x < SIZE; x++) {
      expect(at(c, x, 27), `row 27 is 4.5 px from the axis (radius 3 + ½-pixel ramp) at x=${x}`).toBe(0);
      expect(at(c, x, 36), `row 36 at x=${x}`).toBe(0);
    }
    expect(sum(c)).toBeGreaterThan(0.98 * (2 * r * 40 + Math.PI * r * r));
    expect(sum(c)).toBeLessThan(1.02 * (2 * r * 40 + Math.PI * r * r));
  });

  it('anti-aliases the edge: a pixel centre on the rim gets half coverage, and edge pixels are partial', () => {
    // A dot of radius 3 centred on pixel (32, 32)'s centre: pixel (35, 32)'s centre lies exactly on the rim.
    const c = drawn(line(32.5, 32.5, 32.5, 32.5, 3));
    expect(at(c, 35, 32)).toBeCloseTo(0.5, 6);
    expect(at(c, 32, 32)).toBe(1);
    const partial = Array.from(c).filter((v) => v > 0 && v < 1).length;
    expect(partial).toBeGreaterThan(8);
  });

  it('grows the radius linearly from start to end', () => {
    const c = drawn(line(8, 32, 56, 32, 1, 1, 7));
    const width = (x: number): number => Array.from({ length: SIZE }, (_, y) => at(c, x, y)).reduce((a, b) => a + b, 0);
    expect(width(12)).toBeLessThan(width(32));
    expect(width(32)).toBeLessThan(width(52));
    expect(width(32)).toBeCloseTo(2 * 4, 0);
  });

  it('follows the Bézier curve through its control point', () => {
    // Start (8, 56), control (32, 0), end (56, 56): the curve's apex B(½) is (32, 28).
    const c = drawn({ x0: 8, y0: 56, x1: 32, y1: 0, x2: 56, y2: 56, r0: 2, r2: 2, ink: 1 });
    expect(at(c, 32, 28)).toBe(1);
    expect(at(c, 32, 22)).toBe(0);
    expect(at(c, 32, 45)).toBe(0);
  });

  it('composites with "over": ink 0.5 on paper gives 0.5, ink 0 erases, overlapping segments never darken twice', () => {
    const half = drawn(line(10, 10, 30, 30, 4, 0.5));
    expect(Math.max(...half)).toBeCloseTo(0.5, 6);
    const erased = drawn(line(10, 32, 50, 32, 4, 1), line(10, 32, 50, 32, 6, 0));
    expect(Math.max(...erased)).toBe(0);
    // A tight curve flattened into many segments that overlap: a single stroke's ink stays ≤ its ink.
    const curl = drawn({ x0: 20, y0: 40, x1: 60, y1: 0, x2: 20, y2: 10, r0: 8, r2: 8, ink: 0.7 });
    expect(Math.max(...curl)).toBeCloseTo(0.7, 6);
  });

  it('stays in bounds: strokes reaching past the edges clip, values stay in [0, 1]', () => {
    const c = drawn(line(0, 0, 64, 64, 8), line(64, 0, 0, 64, 8), line(0, 63.9, 64, 63.9, 8));
    expect(c.length).toBe(SIZE * SIZE);
    expect(c.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(at(c, 0, 0)).toBe(1);
    expect(at(c, 63, 63)).toBe(1);
  });

  it('maps the action box onto the canvas: corners, radii from 1 to 8 px, ink from 0 to 1', () => {
    const s = strokeFromAction(Float32Array.from([-1, -1, 0, 0, 1, 1, -1, 1, 1]), SIZE);
    expect([s.x0, s.y0, s.x1, s.y1, s.x2, s.y2]).toEqual([0, 0, 32, 32, 64, 64]);
    expect([s.r0, s.r2, s.ink]).toEqual([1, 8, 1]);
  });

  it('maps the points over a frame square when given one; radii and ink stay relative to the canvas', () => {
    const s = strokeFromAction(Float32Array.from([-1, -1, 0, 0, 1, 1, -1, 1, 1]), SIZE, { x: -4, y: 28, span: 32 });
    expect([s.x0, s.y0, s.x1, s.y1, s.x2, s.y2]).toEqual([-4, 28, 12, 44, 28, 60]);
    expect([s.r0, s.r2, s.ink]).toEqual([1, 8, 1]);
  });
});

describe('targets', () => {
  it('are a function of their seed; the stroke font draws every glyph', () => {
    expect(generateTarget(7, SIZE)).toEqual(generateTarget(7, SIZE));
    expect(generateTarget(7, SIZE)).not.toEqual(generateTarget(8, SIZE));
    for (let seed = 0; seed < 50; seed++) {
      const t = generateTarget(seed, SIZE);
      expect(t.every((v) => v >= 0 && v <= 1), `seed ${seed}`).toBe(true);
      expect(sum(t), `seed ${seed} has ink`).toBeGreaterThan(5);
    }
    for (const ch of GLYPH_CHARS) expect(glyphPolylines(ch).every((p) => p.length >= 4 && p.length % 2 === 0), ch).toBe(true);
    expect(() => glyphPolylines('#')).toThrow(/no glyph for "#"/);
  });

  it('keep training and held-out seeds apart', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      expect(drawTargetSeed(rng, 'train')).toBeLessThan(HELD_OUT_FROM);
      expect(drawTargetSeed(rng, 'heldout')).toBeGreaterThanOrEqual(HELD_OUT_FROM);
    }
  });

  it('from an image: dark pixels become ink, transparency paper, area-averaged to the canvas size', () => {
    const data = new Uint8Array(128 * 128 * 4).fill(255);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.fill(0, (y * 128 + x) * 4, (y * 128 + x) * 4 + 3);
    const t = targetFromImage({ width: 128, height: 128, data }, SIZE);
    expect([at(t, 0, 0), at(t, 31, 31), at(t, 32, 32), at(t, 63, 0)]).toEqual([1, 1, 0, 0]);
    expect(() => targetFromImage({ width: 4, height: 4, data: new Uint8Array(10) }, SIZE)).toThrow(/expected RGBA pixels of 4×4 \(64 bytes\), received 10 bytes/);
  });
});

describe('Paint-v0', () => {
  it.each([{ obs: 'features' }, { obs: 'features', featureSize: 8, reward: 'perceptual' }, { size: 32, strokes: 5 }, { obs: 'features', featureSize: 8, actionFrame: 'window' }, { actionFrame: 'window', frameSpan: 2 }])('passes checkEnv with kwargs %o', (kwargs) => {
    const report = checkEnv(() => make<unknown, unknown>('Paint-v0', { kwargs }), { steps: 60 });
    expect(report.checks.filter((c) => c.status === 'fail'), formatReport(report)).toEqual([]);
  });

  it('returns the total improvement as the episode return: rewards sum to blank distance − final distance', () => {
    const env = make<Float32Array, Float32Array>('Paint-v0');
    const { info } = env.reset({ seed: 5 });
    let total = 0;
    let last = info;
    for (let t = 0; t < 20; t++) {
      const r = env.step(sample(env.actionSpace, env.actionRng) as Float32Array);
      total += r.reward;
      last = r.info;
      expect(r.terminated).toBe(t === 19);
    }
    const paint = env.unwrapped as Paint;
    expect(total).toBeCloseTo((info.blankDistance as number) - (last.distance as number), 12);
    expect(last.distance).toBeCloseTo(rmsDistance(paint.canvas, paint.target), 12);
    expect(info.blankDistance).toBeCloseTo(Math.sqrt(paint.target.reduce((a, v) => a + v * v, 0) / paint.target.length), 12);
  });

  it('rewards a stroke that paints the target and penalises one that paints paper', () => {
    const env = new Paint();
    const target = drawn(line(10, 32, 50, 32, 4));
    env.reset({ seed: 0, options: { target } });
    const toPixel = (v: number): number => (v / SIZE) * 2 - 1;
    const good = env.step(Float32Array.from([toPixel(10), toPixel(32), toPixel(30), toPixel(32), toPixel(50), toPixel(32), -1 + 2 * (3 / 7), -1 + 2 * (3 / 7), 1]));
    expect(good.reward).toBeGreaterThan(0.1);
    const bad = env.step(Float32Array.from([toPixel(10), toPixel(5), toPixel(30), toPixel(5), toPixel(50), toPixel(5), 0, 0, 1]));
    expect(bad.reward).toBeLessThan(0);
  });

  it('is deterministic by seed: the same seed gives the same target and observations, held-out targets differ from training ones', () => {
    const a = new Paint(), b = new Paint();
    expect(a.reset({ seed: 11 }).obs).toEqual(b.reset({ seed: 11 }).obs);
    expect(a.reset({ seed: 12 }).obs).not.toEqual(b.reset({ seed: 11 }).obs);
    const heldOut = new Paint({ targets: 'heldout' });
    heldOut.reset({ seed: 11 });
    expect(heldOut.target).not.toEqual((a.reset({ seed: 11 }), a.target));
  });

  it('observes image planes (canvas, target, progress) or downscaled features', () => {
    const planes = new Paint();
    planes.reset({ seed: 1 });
    const obs = planes.step(Float32Array.from([-0.5, -0.5, 0, 0, 0.5, 0.5, 0, 0, 1])).obs;
    const n = SIZE * SIZE;
    expect(obs.length).toBe(3 * n);
    expect(obs[n + 100]).toBeCloseTo(planes.target[100] * 255, 4);
    expect(obs[32 * SIZE + 32]).toBeCloseTo(planes.canvas[32 * SIZE + 32] * 255, 4);
    expect(obs[2 * n]).toBeCloseTo(255 / 20, 4);
    const features = make<Float32Array, Float32Array>('Paint-v0', { kwargs: { obs: 'features' } });
    const f = features.reset({ seed: 1 }).obs;
    expect(f.length).toBe(2 * 16 * 16 + 12 + 16 * 16);
    const target = (features.unwrapped as Paint).target;
    let block = 0;
    for (let y = 4; y < 8; y++) for (let x = 8; x < 12; x++) block += target[y * SIZE + x];
    expect(f[1 * 16 + 2]).toBeCloseTo(block / 16, 5);
    expect(f[2 * 256]).toBe(0);
  });

  it('locates the missing ink in the features: mass, centroid, spread and the emptiest cell', () => {
    const env = new Paint({ obs: 'features' });
    // a 16×8-pixel block of full ink at x 8–23, y 40–47: cells x 2–5, y 10–11 of the 16×16 grid
    const target = new Float32Array(SIZE * SIZE);
    for (let y = 40; y < 48; y++) target.fill(1, y * SIZE + 8, y * SIZE + 24);
    const m = env.reset({ seed: 0, options: { target } }).obs.subarray(2 * 256 + 1);
    expect(m[0]).toBeCloseTo(8 / 256, 6);
    expect([m[1], m[2]]).toEqual([expect.closeTo(4 / 16, 6), expect.closeTo(11 / 16, 6)]);
    expect(m[3]).toBeCloseTo(2 * Math.sqrt(1.25) / 16, 5); // x cells 2–5: variance 1.25 cells²
    expect(m[4]).toBeCloseTo(2 * 0.5 / 16, 5);
    expect(m[5]).toBeCloseTo(0, 6);
    expect([m[6], m[7], m[8]]).toEqual([2.5 / 16, 10.5 / 16, 1]);
    // painting it all leaves nothing missing
    const a = (v: number): number => (v / SIZE) * 2 - 1;
    // the focus window: 16×16 px centred on the first 8×8 block that is all ink (x 8–15, y 40–47): left 4, top 36
    const window = m.subarray(9);
    expect([window[0], window[1]]).toEqual([4 / 64, 36 / 64]);
    expect([window[2 + 4 * 16 + 4], window[2 + 4 * 16 + 3], window[2 + 3 * 16 + 4]]).toEqual([1, 0, 0]);
    const r = env.step(Float32Array.from([a(8), a(44), a(16), a(44), a(24), a(44), 1, 1, 1])).obs.subarray(2 * 256 + 1, 2 * 256 + 10);
    expect(Array.from(r)).toEqual([0, 0.5, 0.5, 0, 0, 0, 0.5, 0.5, 0]);
  });

  it('places a window-frame stroke in the square around the focus window the observation shows', () => {
    // the target block of the test above: the focus window's left edge is 4, its top 36, its side 16
    const target = new Float32Array(SIZE * SIZE);
    for (let y = 40; y < 48; y++) target.fill(1, y * SIZE + 8, y * SIZE + 24);
    const action = Float32Array.from([-1, 0, 0, 0, 1, 0, -1, -1, 1]);
    for (const [frameSpan, from, to] of [[1, 4, 20], [2, -4, 28], [1.5, 0, 24]]) {
      const env = new Paint({ obs: 'features', featureSize: 16, actionFrame: 'window', frameSpan });
      const obs = env.reset({ seed: 0, options: { target } }).obs;
      expect([obs[2 * 256 + 10], obs[2 * 256 + 11]], 'the window the observation shows').toEqual([4 / 64, 36 / 64]);
      expect(env.strokeFrame(), `frameSpan ${frameSpan}`).toEqual({ x: 12 - 8 * frameSpan, y: 44 - 8 * frameSpan, span: 16 * frameSpan });
      env.step(action);
      const s = env.strokes[0];
      expect([s.x0, s.y0, s.x1, s.y1, s.x2, s.y2], `frameSpan ${frameSpan}: from x ${from} to x ${to} along the window's middle row`).toEqual([from, 44, 12, 44, to, 44]);
      expect(env.canvas).toEqual(drawn(line(from, 44, to, 44, 1)));
    }
    // the same action in the canvas frame is the canvas's left-middle to right-middle line
    const absolute = new Paint({ obs: 'features', featureSize: 16 });
    absolute.reset({ seed: 0, options: { target } });
    expect(absolute.strokeFrame()).toBeUndefined();
    absolute.step(action);
    expect([absolute.strokes[0].x0, absolute.strokes[0].y0, absolute.strokes[0].x2]).toEqual([0, 32, 64]);
  });

  it('follows the focus window as it moves: the next frame is the window of the canvas after the stroke', () => {
    const env = new Paint({ actionFrame: 'window' }); // frameSpan 1 by default
    // two blocks: x 8–15 at y 8–15 (ink 1) and x 40–47 at y 40–47 (ink 0.9); the window starts on the first
    const target = new Float32Array(SIZE * SIZE);
    for (let y = 8; y < 16; y++) target.fill(1, y * SIZE + 8, y * SIZE + 16);
    for (let y = 40; y < 48; y++) target.fill(0.9, y * SIZE + 40, y * SIZE + 48);
    env.reset({ seed: 0, options: { target } });
    expect(env.strokeFrame()).toEqual({ x: 4, y: 4, span: 16 });
    // a fat dot on the window's centre (12, 12) covers the first block
    env.step(Float32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1]));
    expect(env.strokeFrame()).toEqual({ x: 36, y: 36, span: 16 });
  });

  it('draws each stroke in the Scene under a stable id, next to the target', () => {
    const env = new Paint();
    env.reset({ seed: 2 });
    env.step(Float32Array.from([-0.5, -0.5, 0, 0, 0.5, 0.5, 0, 0, 1]));
    const first = env.render().shapes.find((s) => s.id === 'stroke-0');
    env.step(Float32Array.from([0.5, -0.5, 0, 0, -0.5, 0.5, 0, 0, 0.3]));
    const scene = env.render();
    expect(scene.shapes.find((s) => s.id === 'stroke-0')).toEqual(first);
    expect(scene.shapes.find((s) => s.id === 'stroke-1')?.fill).toBe('#595959') // action ink 0.3 maps to density 0.65;
    expect(scene.shapes.some((s) => s.id.startsWith('t'))).toBe(true);
  });

  it('rejects bad kwargs and reset targets with what was expected and received', () => {
    expect(() => new Paint({ featureSize: 5 })).toThrow(/"featureSize" must be a positive integer dividing size 64, received 5/);
    expect(() => new Paint({ obs: 'pixels' })).toThrow(/"obs" must be "planes" or "features", received "pixels"/);
    expect(() => new Paint({ actionFrame: 'glimpse' })).toThrow(/"actionFrame" must be "canvas" or "window", received "glimpse"/);
    expect(() => new Paint({ actionFrame: 'window', frameSpan: 0.5 })).toThrow(/"frameSpan" must be a number in \[1, 4\] \(focus-window sides\), received 0.5/);
    expect(() => new Paint({ actionFrame: 'window', frameSpan: 5 })).toThrow(/"frameSpan" must be a number in \[1, 4\] \(focus-window sides\), received 5/);
    expect(() => new Paint({ frameSpan: '2' })).toThrow(/kwarg "frameSpan" must be a finite number, received/);
    const env = new Paint();
    expect(() => env.reset({ options: { target: new Float32Array(10) } })).toThrow(/must be a Float32Array of 4096 ink densities in \[0, 1\] \(64×64\), received a Float32Array of length 10/);
    expect(() => env.reset({ options: { target: new Float32Array(4096).fill(2) } })).toThrow(/received a Float32Array of length 4096 with values outside \[0, 1\]/);
  });
});

describe('Paint-v0 perceptual reward', () => {
  it('rewards the decrease of the distance between autoencoder codes; the return is the total perceptual improvement', () => {
    const env = new Paint({ reward: 'perceptual' });
    const first = env.reset({ seed: 3 }).info;
    expect(first.perceptualDistance).toBeGreaterThan(0);
    let total = 0, last = first;
    for (let t = 0; t < 20; t++) {
      const r = env.step(sample(env.actionSpace, env.actionRng) as Float32Array);
      total += r.reward;
      last = r.info;
    }
    expect(total).toBeCloseTo((first.perceptualDistance as number) - (last.perceptualDistance as number), 9);
  });

  it('puts a painted copy of the target nearer in code space than a wrong stroke', () => {
    const target = drawn(line(10, 32, 50, 32, 4));
    const a = (v: number): number => (v / SIZE) * 2 - 1;
    const radius = -1 + 2 * (3 / 7);
    const good = new Paint({ reward: 'perceptual' });
    good.reset({ seed: 0, options: { target } });
    const right = good.step(Float32Array.from([a(10), a(32), a(30), a(32), a(50), a(32), radius, radius, 1]));
    const bad = new Paint({ reward: 'perceptual' });
    bad.reset({ seed: 0, options: { target } });
    const wrong = bad.step(Float32Array.from([a(32), a(8), a(33), a(30), a(34), a(56), radius, radius, 1]));
    expect(right.reward).toBeGreaterThan(0);
    expect(right.reward).toBeGreaterThan(wrong.reward);
  });

  it('names the size it needs', () => {
    expect(() => new Paint({ reward: 'perceptual', size: 32, featureSize: 8 })).toThrow(/reward "perceptual" needs size 64 \(the autoencoder's input\), received size 32/);
    expect(() => new Paint({ reward: 'lpips' })).toThrow(/"reward" must be "l2" or "perceptual", received "lpips"/);
  });
});

describe('Paint-v0 targetPng kwarg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paint-png-'));

  it('paints a PNG file: a black square on white becomes a square of ink', () => {
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(255);
    for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) png.data.fill(0, (y * 32 + x) * 4, (y * 32 + x) * 4 + 3);
    const path = join(dir, 'square.png');
    writeFileSync(path, PNG.sync.write(png));
    const env = new Paint({ targetPng: path });
    env.reset({ seed: 0 });
    expect([at(env.target, 20, 20), at(env.target, 40, 40), at(env.target, 5, 5), at(env.target, 50, 10)]).toEqual([1, 1, 0, 0]);
  });

  it('names the file and what was expected and received when it is missing, not a PNG, or corrupt', () => {
    const missing = join(dir, 'nope.png');
    expect(() => new Paint({ targetPng: missing })).toThrow(ConfigError);
    expect(() => new Paint({ targetPng: missing })).toThrow(/cannot read ".*nope\.png" \(expected a readable PNG file\)/);
    const text = join(dir, 'text.png');
    writeFileSync(text, 'hello world');
    expect(() => new Paint({ targetPng: text })).toThrow(/is not a PNG file \(expected the signature 89 50 4e 47 0d 0a 1a 0a, received 68 65 6c 6c 6f 20 77 6f\)/);
    const corrupt = join(dir, 'corrupt.png');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('garbage')]));
    expect(() => new Paint({ targetPng: corrupt })).toThrow(/has a PNG signature but does not decode \(expected a valid PNG\)/);
  });
});
