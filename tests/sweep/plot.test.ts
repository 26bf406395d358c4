/**
 * The eval-curve plot of a sweep report (src/cli/sweep-plot.ts) and the per-point curves it draws
 * (sweep-results.ts pointCurve): the PNG has the asked size, is not blank, draws each curve in its
 * colour at the right height (a higher return higher up), is the same bytes for the same data, and
 * refuses data it cannot draw with the reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CURVE_COLORS, niceTicks, plotEvalCurves, type EvalCurve } from '../../src/cli/sweep-plot.ts';
import { pointCurve } from '../../src/cli/sweep-results.ts';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { parseColor } from '../../src/gym/raster.ts';

const steps = [1000, 2000, 3000, 4000, 5000];
const high: EvalCurve = { label: 'c1: 0.001', steps, mean: [100, 200, 300, 400, 480], std: [10, 20, 30, 20, 10] };
const low: EvalCurve = { label: 'c0: 0.0003', steps, mean: [20, 22, 25, 24, 30], std: [5, 5, 5, 5, 5] };
const OPTS = { title: 'ppo on CartPole-v1: eval return', legendTitle: 'point: learningRate' };

/** The rows of the image where a pixel left of column `maxX` has exactly colour `hex`. */
function rowsOf(png: PNG, hex: string, maxX: number): number[] {
  const [r, g, b] = parseColor(hex);
  const rows: number[] = [];
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < maxX; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) {
        rows.push(y);
        break;
      }
    }
  }
  return rows;
}

/** How many pixels of colour `hex` lie left of column `maxX` (the plot area, not the legend). */
function pixelsOf(png: PNG, hex: string, maxX: number): number {
  const [r, g, b] = parseColor(hex);
  let n = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < maxX; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) n++;
    }
  }
  return n;
}

describe('plotEvalCurves', () => {
  it('writes a PNG of the asked size with each curve in its colour, a higher return drawn higher up', () => {
    const png = PNG.sync.read(Buffer.from(plotEvalCurves([high, low], { ...OPTS, width: 700, height: 400 })));
    expect([png.width, png.height]).toEqual([700, 400]);
    // not blank: axes, text, bands and lines cover a good share of the white
    let ink = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] + png.data[i + 1] + png.data[i + 2] < 3 * 250) ink++;
    expect(ink / (png.width * png.height)).toBeGreaterThan(0.03);
    // the plot area ends where the legend begins (230 px from the right edge)
    const plotArea = 700 - 230;
    expect(pixelsOf(png, CURVE_COLORS[0], plotArea)).toBeGreaterThan(200);
    expect(pixelsOf(png, CURVE_COLORS[1], plotArea)).toBeGreaterThan(200);
    expect(pixelsOf(png, CURVE_COLORS[2], plotArea)).toBe(0);
    // the curve that reaches 480 has pixels far above every pixel of the one that stays near 25 (row 0 is the top)
    const highRows = rowsOf(png, CURVE_COLORS[0], plotArea);
    const lowRows = rowsOf(png, CURVE_COLORS[1], plotArea);
    expect(Math.min(...highRows)).toBeLessThan(Math.min(...lowRows) - 150);
  });

  it('gives the same bytes for the same data, and other bytes for other data', () => {
    const a = plotEvalCurves([high, low], OPTS);
    expect(Buffer.from(plotEvalCurves([high, low], OPTS)).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(plotEvalCurves([high, { ...low, mean: [20, 22, 25, 24, 31] }], OPTS)).equals(Buffer.from(a))).toBe(false);
    const png = PNG.sync.read(Buffer.from(a));
    expect([png.width, png.height]).toEqual([820, 440]);
  });

  it('draws a curve of one evaluation as a dot, and refuses what it cannot draw', () => {
    const one: EvalCurve = { label: 'c0', steps: [5000], mean: [42], std: [0] };
    const png = PNG.sync.read(Buffer.from(plotEvalCurves([one], OPTS)));
    expect(pixelsOf(png, CURVE_COLORS[0], 820 - 230)).toBeGreaterThan(10);
    expect(() => plotEvalCurves([], OPTS)).toThrow('plot: no eval curves to draw (no trial has written evaluations.jsonl)');
    expect(() => plotEvalCurves(Array.from({ length: 11 }, () => one), OPTS)).toThrow('plot: at most 10 curves fit one plot, received 11');
    expect(() => plotEvalCurves([{ ...one, mean: [1, 2] }], OPTS)).toThrow('plot: curve "c0" has 1 steps, 2 means and 1 stds; expected as many of each');
    expect(() => plotEvalCurves([{ ...one, mean: [Number.NaN] }], OPTS)).toThrow('plot: curve "c0" holds NaN; expected finite numbers');
    expect(() => plotEvalCurves([one], { ...OPTS, width: 300 })).toThrow('plot: 300×440 is too small; expected at least 410×184');
  });

  it('puts ticks at round steps that cover the data', () => {
    expect(niceTicks(0, 100_000)).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(niceTicks(9, 487)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(niceTicks(-0.37, 0.12)).toEqual([-0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2].map((v) => expect.closeTo(v, 12)));
    expect(niceTicks(5, 5)).toEqual([4, 4.5, 5, 5.5, 6].map((v) => expect.closeTo(v, 12)));
  });
});

describe('pointCurve', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-plot-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('averages a config point\'s evaluations over its seeds at each step (a trial stopped early leaves later steps to the others)', () => {
    const spec = parseSweepSpec({ name: 'p', env: 'CartPole-v1', algo: 'ppo', base: 'defaults', seeds: [1, 2], search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4] } } });
    const plan = planSweep(spec, dir);
    const write = (trial: string, rows: [number, number][]): void => {
      fs.mkdirSync(path.join(dir, trial), { recursive: true });
      fs.writeFileSync(path.join(dir, trial, 'evaluations.jsonl'), rows.map(([s, r]) => `${JSON.stringify({ global_step: s, checkpoint: `${trial}/x`, mean_return: r, std_return: 0, mean_length: r, best: false })}\n`).join(''));
    };
    write('c1-s1', [[100, 10], [200, 30], [300, 50]]);
    write('c1-s2', [[100, 20], [200, 10]]);
    write('c0-s1', [[100, 99]]);
    expect(pointCurve(plan, dir, 1)).toEqual({ steps: [100, 200, 300], mean: [15, 20, 50], std: [5, 10, 0] });
    expect(pointCurve(plan, dir, 0)).toEqual({ steps: [100], mean: [99], std: [0] });
  });
});
