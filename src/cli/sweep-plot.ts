/**
 * The eval-curve plot of a sweep report (`sweeps/<name>/curves.png`): one line per config point, the
 * mean deterministic eval return over its seeds at each evaluated step, in a band of ± one standard
 * deviation over the seeds, with axes, ticks and a legend (best point first). The plot is a Scene
 * (src/gym/scene.ts) drawn by the project's own rasterizer (src/gym/raster.ts, 2× supersampled) and
 * encoded with pngjs, so it needs no browser, no canvas and no font files, and the same data always
 * gives the same bytes.
 */
import { PNG } from 'pngjs';
import { ConfigError } from '../core/errors.ts';
import { parseColor, rasterize } from '../gym/raster.ts';
import type { Scene, Shape } from '../gym/scene.ts';

/** One config point's eval curve over its seeds. */
export interface EvalCurve {
  /** The legend's text, e.g. `c3: 0.001, 14, 0.95`. */
  readonly label: string;
  /** Evaluated env steps, increasing. */
  readonly steps: readonly number[];
  /** Mean eval return over the seeds evaluated at each step. */
  readonly mean: readonly number[];
  /** Standard deviation over those seeds (0 with one seed). */
  readonly std: readonly number[];
}

/** Colours of the curves in legend order (matplotlib's tab10, which stays distinct for colour-blind readers). */
export const CURVE_COLORS: readonly string[] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Options of `plotEvalCurves`. */
export interface PlotOptions {
  /** The line above the plot (the 3×5 pixel font has capitals, digits and `.,:;-+/=%()!?_`; others show as `?`). */
  readonly title: string;
  /** The legend's first lines: what the numbers in the labels are (wrapped at `, `). */
  readonly legendTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Glyph height in pixels: a 3×5 font at 2 pixels a cell. */
const TEXT = 10;
/** Horizontal advance of one character at that size (4 cells). */
const CHAR_W = 8;
const LEGEND_W = 230;
const MARGIN = { left: 64, right: LEGEND_W + 16, top: 40, bottom: 44 } as const;

/**
 * A PNG (RGB, `width`×`height`, default 820×440) of up to CURVE_COLORS.length curves, drawn in order
 * (the first on top, so pass the best first). Throws a ConfigError for no curves, too many, or a
 * curve whose arrays disagree in length, are empty or hold a non-finite number.
 */
export function plotEvalCurves(curves: readonly EvalCurve[], opts: PlotOptions): Uint8Array {
  const width = opts.width ?? 820, height = opts.height ?? 440;
  if (curves.length === 0) throw new ConfigError('plot: no eval curves to draw (no trial has written evaluations.jsonl)');
  if (curves.length > CURVE_COLORS.length) throw new ConfigError(`plot: at most ${CURVE_COLORS.length} curves fit one plot, received ${curves.length}`);
  for (const c of curves) checkCurve(c);
  if (width < MARGIN.left + MARGIN.right + 100 || height < MARGIN.top + MARGIN.bottom + 100) throw new ConfigError(`plot: ${width}×${height} is too small; expected at least ${MARGIN.left + MARGIN.right + 100}×${MARGIN.top + MARGIN.bottom + 100}`);
  const scene = plotScene(curves, opts, width, height);
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(rasterize(scene, width, height, { supersample: 2 }));
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }));
}

function checkCurve(c: EvalCurve): void {
  const n = c.steps.length;
  if (n === 0) throw new ConfigError(`plot: curve "${c.label}" has no points`);
  if (c.mean.length !== n || c.std.length !== n) throw new ConfigError(`plot: curve "${c.label}" has ${n} steps, ${c.mean.length} means and ${c.std.length} stds; expected as many of each`);
  for (const v of [...c.steps, ...c.mean, ...c.std]) if (!Number.isFinite(v)) throw new ConfigError(`plot: curve "${c.label}" holds ${v}; expected finite numbers`);
}

/** The plot as a Scene in pixel units (y up, origin at the bottom-left corner of the image). */
function plotScene(curves: readonly EvalCurve[], opts: PlotOptions, width: number, height: number): Scene {
  const box = { x0: MARGIN.left, x1: width - MARGIN.right, y0: MARGIN.bottom, y1: height - MARGIN.top };
  const xTicks = niceTicks(0, Math.max(...curves.flatMap((c) => c.steps)));
  const yTicks = niceTicks(Math.min(...curves.flatMap((c) => c.mean.map((m, i) => m - c.std[i]))), Math.max(...curves.flatMap((c) => c.mean.map((m, i) => m + c.std[i]))));
  const [xLo, xHi] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [yLo, yHi] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (step: number): number => box.x0 + ((step - xLo) / (xHi - xLo)) * (box.x1 - box.x0);
  const py = (v: number): number => box.y0 + ((v - yLo) / (yHi - yLo)) * (box.y1 - box.y0);
  const shapes: Shape[] = [];
  const text = (id: string, s: string, x: number, y: number, align: 'left' | 'center' | 'right' = 'left', fill = '#222222'): void => {
    shapes.push({ id, kind: 'text', text: s.toUpperCase(), x: Math.round(x), y: Math.round(y), angle: 0, size: TEXT, align, fill });
  };
  const line = (id: string, points: number[], stroke: string, lineWidth = 1): void => {
    shapes.push({ id, kind: 'line', points, x: 0, y: 0, angle: 0, stroke, lineWidth });
  };
  // ── grid and ticks ──
  xTicks.forEach((t, i) => {
    line(`xgrid${i}`, [px(t), box.y0, px(t), box.y1], '#e6e6e6');
    text(`xtick${i}`, formatStep(t), px(t), box.y0 - 8 - TEXT, 'center');
  });
  yTicks.forEach((t, i) => {
    line(`ygrid${i}`, [box.x0, py(t), box.x1, py(t)], '#e6e6e6');
    text(`ytick${i}`, formatNumber(t, yTicks[1] - yTicks[0]), box.x0 - 8, py(t) - TEXT / 2, 'right');
  });
  // ── bands, then lines (drawn in reverse, so the first curve ends on top) ──
  const order = curves.map((c, i) => ({ c, i })).reverse();
  for (const { c, i } of order) {
    if (c.steps.length < 2) continue;
    const upper = c.steps.flatMap((s, k) => [px(s), py(c.mean[k] + c.std[k])]);
    const lower = c.steps.map((_, k) => c.steps.length - 1 - k).flatMap((k) => [px(c.steps[k]), py(c.mean[k] - c.std[k])]);
    shapes.push({ id: `band${i}`, kind: 'polygon', points: [...upper, ...lower], x: 0, y: 0, angle: 0, fill: tint(CURVE_COLORS[i], 0.18) });
  }
  for (const { c, i } of order) {
    const color = CURVE_COLORS[i];
    if (c.steps.length >= 2) shapes.push({ id: `curve${i}`, kind: 'polyline', points: c.steps.flatMap((s, k) => [px(s), py(c.mean[k])]), x: 0, y: 0, angle: 0, stroke: color, lineWidth: 2 });
    c.steps.forEach((s, k) => shapes.push({ id: `dot${i}-${k}`, kind: 'circle', x: px(s), y: py(c.mean[k]), angle: 0, radius: 2.5, fill: color }));
  }
  // ── axes, labels, title ──
  line('xaxis', [box.x0, box.y0, box.x1, box.y0], '#444444');
  line('yaxis', [box.x0, box.y0, box.x0, box.y1], '#444444');
  text('xlabel', 'env steps', (box.x0 + box.x1) / 2, 8, 'center');
  text('title', opts.title, box.x0, height - MARGIN.top + 16);
  // ── legend ──
  const lx = width - LEGEND_W;
  let ly = box.y1 - TEXT;
  wrap(opts.legendTitle ?? '', Math.floor((LEGEND_W - 8) / CHAR_W)).forEach((l, k) => {
    text(`legendtitle${k}`, l, lx, ly, 'left', '#555555');
    ly -= TEXT + 6;
  });
  ly -= 4;
  curves.forEach((c, i) => {
    line(`key${i}`, [lx, ly + TEXT / 2, lx + 22, ly + TEXT / 2], CURVE_COLORS[i], 3);
    text(`label${i}`, clip(c.label, Math.floor((LEGEND_W - 30) / CHAR_W)), lx + 30, ly);
    ly -= TEXT + 8;
  });
  return { bounds: { xMin: 0, xMax: width, yMin: 0, yMax: height }, background: '#ffffff', shapes };
}

/** Tick values covering [lo, hi] at a round step (1, 2 or 5 × 10^k), about five intervals; the first and last bound the axis. */
export function niceTicks(lo: number, hi: number): number[] {
  if (hi <= lo) [lo, hi] = [lo - 1, lo + 1];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  // multiples of the step, computed as k · step so no rounding error accumulates
  return Array.from({ length: last - first + 1 }, (_, k) => (first + k) * step);
}

/** `25K`, `1.5M`: env steps on the x axis. */
function formatStep(s: number): string {
  if (s >= 1e6) return `${Number((s / 1e6).toPrecision(3))}M`;
  if (s >= 1e3) return `${Number((s / 1e3).toPrecision(3))}K`;
  return String(s);
}

/** A tick value with as many decimals as its step needs. */
function formatNumber(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(decimals);
}

/** `hex` mixed with white: `amount` of the colour. */
function tint(hex: string, amount: number): string {
  const [r, g, b] = parseColor(hex).map((c) => Math.round(255 - (255 - c) * amount));
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Lines of at most `n` characters, broken after `, ` where one fits. */
function wrap(s: string, n: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const part of s.split(/(?<=, )/)) {
    if (cur !== '' && (cur + part).trimEnd().length > n) {
      out.push(cur.trimEnd());
      cur = '';
    }
    cur += part;
  }
  if (cur.trim() !== '') out.push(cur.trimEnd());
  return out.map((l) => clip(l, n));
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 2)}..`;
}
