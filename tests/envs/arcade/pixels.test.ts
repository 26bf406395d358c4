/**
 * The arcade pixel path: the fast rasterizer draws exactly what src/gym/raster.ts draws, frame stacking
 * matches the stock `frameStack` wrapper, frame skip max-pools the last two frames, and pooled observations
 * are never overwritten.
 */
import { describe, expect, it } from 'vitest';
import { shrink, type ArcadeEnv, type ArcadeGame } from '../../../envs/arcade/arcade-env.ts';
import { FrameRasterizer } from '../../../envs/arcade/pixels.ts';
import { Rng } from '../../../src/core/rng.ts';
import { parseColor, rasterize, rasterizeGray } from '../../../src/gym/raster.ts';
import { make } from '../../../src/gym/registry.ts';
import type { Scene } from '../../../src/gym/scene.ts';
import { frameStack } from '../../../src/gym/wrappers/observation.ts';
import { ARCADE_IDS, arcade } from './helpers.ts';

/** Scenes from a random-action run of a game. */
function scenes(id: string, count: number, every: number): Scene[] {
  const { env } = arcade(id);
  const rng = new Rng(5);
  const n = env.actionSpace.kind === 'discrete' ? env.actionSpace.n : 1;
  env.reset({ seed: 1 });
  const out: Scene[] = [];
  for (let t = 0; out.length < count; t++) {
    if (t % every === 0) out.push(env.render());
    const r = env.step(rng.int(n));
    if (r.terminated || r.truncated) env.reset();
  }
  return out;
}

/** Where two arrays first differ ("" when equal); vitest's deep equality is too slow for thousands of frames. */
function diff(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `index ${i}: ${a[i]} vs ${b[i]}`;
  return '';
}

/** raster.ts's RGB in channel-first planes. */
function planar(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(rgb.length);
  for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) out[c * n + j] = rgb[3 * j + c];
  return out;
}

describe('FrameRasterizer', () => {
  it.each(ARCADE_IDS)('draws %s frames byte for byte as raster.ts (gray and RGB, square and not)', (id) => {
    for (const [w, h] of [[84, 84], [61, 47]]) {
      const gray = new FrameRasterizer(w, h, false);
      const rgb = new FrameRasterizer(w, h, true);
      for (const scene of scenes(id, 12, 7)) {
        expect(diff(gray.draw(scene, new Uint8Array(w * h)), rasterizeGray(scene, w, h))).toBe('');
        expect(diff(rgb.draw(scene, new Uint8Array(3 * w * h)), planar(rasterize(scene, w, h)))).toBe('');
      }
    }
  });

  it.each(ARCADE_IDS)('keeps every %s shape visible in grayscale (luma ≥ 30 away from the background)', (id) => {
    const luma = (hex: string): number => {
      const [r, g, b] = parseColor(hex);
      return 0.299 * r + 0.587 * g + 0.114 * b;
    };
    const faint = new Set<string>();
    for (const scene of scenes(id, 40, 5)) {
      const background = luma(scene.background ?? '#ffffff');
      for (const s of scene.shapes) if (s.fill !== undefined && Math.abs(luma(s.fill) - background) < 30) faint.add(s.id);
    }
    expect([...faint]).toEqual([]);
  });

  it('falls back to raster.ts for shapes without a fast path, with the same result', () => {
    const base: Scene = scenes('Pong-v0', 1, 1)[0];
    const extras: Scene['shapes'][number][] = [
      { id: 'poly', kind: 'polygon', x: 40, y: 40, angle: 0, points: [0, 0, 20, 5, 5, 20], fill: '#336699' },
      { id: 'turned', kind: 'rect', x: 80, y: 60, angle: 0.3, width: 30, height: 10, fill: '#ff0000' },
      { id: 'outlined', kind: 'circle', x: 100, y: 100, angle: 0, radius: 10, fill: '#00ff00', stroke: '#0000ff', lineWidth: 2 },
      { id: 'letters', kind: 'text', x: 20, y: 120, angle: 0, text: 'GAME OVER', size: 10, fill: '#ffffff' },
      { id: 'line', kind: 'line', x: 0, y: 0, angle: 0, points: [0, 0, 160, 144], stroke: '#ffff00' },
    ];
    for (const extra of extras) {
      const scene: Scene = { ...base, shapes: [...base.shapes, extra] };
      expect(diff(new FrameRasterizer(84, 84, false).draw(scene, new Uint8Array(84 * 84)), rasterizeGray(scene, 84, 84)), extra.id).toBe('');
      expect(diff(new FrameRasterizer(50, 40, true).draw(scene, new Uint8Array(3 * 50 * 40)), planar(rasterize(scene, 50, 40))), extra.id).toBe('');
    }
  });
});

describe('pixels mode', () => {
  it.each(ARCADE_IDS)('%s: stacks frames exactly like the stock frameStack wrapper', (id) => {
    const ours = make<Uint8Array, number>(id, { kwargs: { obs: 'pixels', screenWidth: 48, screenHeight: 40 } });
    const stock = frameStack(make<Uint8Array, number>(id, { kwargs: { obs: 'pixels', screenWidth: 48, screenHeight: 40, frameStack: 1 } }), { stackSize: 4 });
    expect(ours.observationSpace).toEqual(stock.observationSpace);
    const rng = new Rng(2);
    const n = ours.actionSpace.kind === 'discrete' ? ours.actionSpace.n : 1;
    const problems: string[] = [];
    const compare = (t: number, a: ArrayLike<number>, b: ArrayLike<number>): void => {
      const why = diff(a, b);
      if (why !== '') problems.push(`step ${t}: ${why}`);
    };
    compare(-1, ours.reset({ seed: 3 }).obs, stock.reset({ seed: 3 }).obs);
    for (let t = 0; t < 120; t++) {
      const a = rng.int(n);
      const r = ours.step(a);
      const s = stock.step(a);
      compare(t, r.obs, s.obs);
      if (r.reward !== s.reward || r.terminated !== s.terminated) problems.push(`step ${t}: reward/terminated differ`);
      if (r.terminated || r.truncated) compare(t, ours.reset().obs, stock.reset().obs);
    }
    expect(problems).toEqual([]);
  });

  it('starts the stack as copies of the first frame', () => {
    const { obs } = make<Uint8Array, number>('Catch-v0', { kwargs: { obs: 'pixels' } }).reset({ seed: 0 });
    const frame = obs.subarray(0, 84 * 84);
    for (let k = 1; k < 4; k++) expect(diff(obs.subarray(k * 84 * 84, (k + 1) * 84 * 84), frame)).toBe('');
  });

  it('max-pools the last two frames of a skip', () => {
    const kwargs = { obs: 'pixels', frameStack: 1, repeatActionProbability: 0 } as const;
    const skipped = make<Uint8Array, number>('Pong-v0', { kwargs: { ...kwargs, frameSkip: 2 } });
    const single = make<Uint8Array, number>('Pong-v0', { kwargs: { ...kwargs, frameSkip: 1 } });
    skipped.reset({ seed: 4 });
    single.reset({ seed: 4 });
    let moving = 0;
    for (let t = 0; t < 60; t++) {
      const a = t % 3;
      const pooled = skipped.step(a).obs;
      const first = single.step(a).obs;
      const second = single.step(a).obs;
      expect(diff(pooled, first.map((v, i) => Math.max(v, second[i])))).toBe('');
      if (!first.every((v, i) => v === second[i])) moving++;
    }
    expect(moving).toBeGreaterThan(30);
  });

  it('applies sticky actions per frame from its own seeded stream', () => {
    const paddle = (p: number, seed: number): number[] => {
      const { env, game } = arcade<ArcadeGame & { agentY: number }>('Pong-v0', { repeatActionProbability: p, frameSkip: 1 });
      env.reset({ seed });
      return Array.from({ length: 40 }, (_, t) => {
        env.step(t % 2 === 0 ? 1 : 2);
        return game.agentY;
      });
    };
    const plain = paddle(0, 1);
    expect(plain.slice(0, 4)).toEqual([75, 72, 75, 72]);
    expect(paddle(0.5, 1)).toEqual(paddle(0.5, 1));
    expect(paddle(0.5, 1)).not.toEqual(plain);
    expect(paddle(0.5, 2)).not.toEqual(paddle(0.5, 1));
  });

  it('hands out observations that later steps never overwrite', () => {
    for (const kwargs of [{ obs: 'pixels' }, { obs: 'features' }]) {
      const env = make<Float32Array | Uint8Array, number>('Snake-v0', { kwargs });
      const kept: [Float32Array | Uint8Array, Float32Array | Uint8Array][] = [];
      let r = env.reset({ seed: 0 });
      const rng = new Rng(1);
      for (let t = 0; t < 300; t++) {
        kept.push([r.obs, r.obs.slice()]);
        const s = env.step(rng.int(5));
        r = s.terminated || s.truncated ? env.reset() : s;
      }
      expect(kept.every(([obs, copy]) => obs.every((v, i) => v === copy[i]))).toBe(true);
      expect(new Set(kept.map(([obs]) => obs)).size).toBe(kept.length);
    }
  });

  it('renders the unwrapped env the same as the wrapped one', () => {
    const { env, base } = arcade<ArcadeGame>('Breakout-v0', { obs: 'pixels' });
    env.reset({ seed: 0 });
    expect(env.render()).toEqual((base as ArcadeEnv<ArcadeGame>).render());
  });
});

describe('supersampling', () => {
  it('shrinks blocks to their rounded mean or their maximum', () => {
    // Two rows of 4 in, f = 2 → one row of 2 out; two planes stacked as rows.
    const big = Uint8Array.from([0, 1, 10, 20, 2, 2, 30, 41, /* plane 2 */ 255, 0, 7, 7, 0, 0, 7, 8]);
    const area = new Uint8Array(4);
    const max = new Uint8Array(4);
    shrink(big, area, 2, 2, 2, 'area');
    shrink(big, max, 2, 2, 2, 'max');
    expect(Array.from(area)).toEqual([1, 25, 64, 7]); // 5/4 = 1.25 → 1, 101/4 = 25.25 → 25, 255/4 = 63.75 → 64, 29/4 = 7.25 → 7
    expect(Array.from(max)).toEqual([2, 41, 255, 8]);
  });

  it.each(['area', 'max'] as const)('%s: a frame is the shrunk full-size render, in grayscale and RGB', (downscale) => {
    for (const rgb of [false, true]) {
      const kwargs = { obs: 'pixels', frameStack: 1, frameSkip: 1, screenWidth: 30, screenHeight: 20, rgb };
      const { env } = arcade<ArcadeGame>('Breakout-v0', { ...kwargs, supersample: 3, downscale });
      const full = new FrameRasterizer(90, 60, rgb);
      const rng = new Rng(3);
      let obs = env.reset({ seed: 2 }).obs as Uint8Array;
      for (let t = 0; t < 40; t++) {
        const big = full.draw(env.render(), new Uint8Array(full.frameSize));
        const want = new Uint8Array(obs.length);
        shrink(big, want, 30, obs.length / 30, 3, downscale);
        expect(diff(obs, want), `step ${t}`).toBe('');
        obs = env.step(rng.int(3)).obs as Uint8Array;
      }
    }
  });

  it('keeps a ball smaller than a pixel visible in every frame, where point sampling misses it', () => {
    // Pong's 4-unit ball at 24×24 covers ~0.6 pixel: point sampling drops it in some frames.
    const frames = (extra: Record<string, unknown>): { seen: number; inPlay: number } => {
      const { env, game } = arcade<ArcadeGame & { serveIn: number; ballX: number; ballY: number }>('Pong-v0', { obs: 'pixels', frameStack: 1, frameSkip: 1, repeatActionProbability: 0, screenWidth: 24, screenHeight: 24, ...extra });
      const background = (env.reset({ seed: 1 }).obs as Uint8Array)[12 * 24 + 12];
      let seen = 0;
      let inPlay = 0;
      for (let t = 0; t < 300; t++) {
        const f = env.step(0).obs as Uint8Array;
        // No ball is drawn while it waits to be served; look only while it is between the paddles.
        if (game.serveIn !== 0 || game.ballX < 32 || game.ballX > 128 || game.ballY < 8 || game.ballY > 136) continue;
        inPlay++;
        // The ball is the only thing between the paddles, below the score and above the bottom wall.
        let found = false;
        for (let y = 4; y < 23; y++) for (let x = 4; x < 20; x++) if (f[y * 24 + x] !== background) found = true;
        if (found) seen++;
      }
      return { seen, inPlay };
    };
    const point = frames({});
    expect(point.inPlay).toBeGreaterThan(100);
    expect(point.seen).toBeLessThan(point.inPlay);
    for (const downscale of ['max', 'area']) {
      const s = frames({ supersample: 4, downscale });
      expect(s.inPlay).toBe(point.inPlay);
      expect(s.seen, downscale).toBe(s.inPlay);
    }
  });
});
