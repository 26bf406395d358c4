/**
 * The painters that do not learn (envs/art/painters.ts) and the brush's scoring of a stroke without drawing
 * it, which search painters rank candidate strokes by.
 */
import { describe, expect, it } from 'vitest';
import { Paint } from '../../../envs/art/paint.ts';
import { GreedyPainter, randomStrokeAction, SearchPainter } from '../../../envs/art/painters.ts';
import { Brush, rmsDistance, strokeFromAction } from '../../../envs/art/stroke.ts';
import { generateTarget } from '../../../envs/art/targets.ts';
import { Rng } from '../../../src/core/rng.ts';

const SIZE = 64;

/** The fraction of the blank distance removed after painting `env`'s episode with `choose`. */
function paintEpisode(env: Paint, seed: number, choose: () => Float32Array): number {
  env.reset({ seed });
  let removed = 0;
  for (let done = false; !done;) {
    const r = env.step(choose());
    removed = r.info.removed as number;
    done = r.terminated;
  }
  return removed;
}

describe('Brush.squaredErrorChange', () => {
  it('is the change of the squared distance that drawing the stroke makes, and leaves the canvas alone', () => {
    const rng = new Rng(5);
    const brush = new Brush(SIZE);
    const target = generateTarget(11, SIZE);
    const canvas = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < 3; i++) brush.draw(canvas, strokeFromAction(randomStrokeAction(rng), SIZE));
    for (let i = 0; i < 200; i++) {
      const stroke = strokeFromAction(randomStrokeAction(rng), SIZE);
      const before = canvas.slice();
      const change = brush.squaredErrorChange(canvas, target, stroke);
      expect(canvas, `stroke ${i} must not change the canvas`).toEqual(before);
      const drawnCanvas = canvas.slice();
      brush.draw(drawnCanvas, stroke);
      const expected = SIZE * SIZE * (rmsDistance(drawnCanvas, target) ** 2 - rmsDistance(canvas, target) ** 2);
      expect(change, `stroke ${i}: ${JSON.stringify(stroke)}`).toBeCloseTo(expected, 6);
    }
  });
});

describe('SearchPainter', () => {
  it('refines the best random stroke: the same draws with refining trials remove clearly more, never less per stroke', () => {
    const env = new Paint({ targets: 'heldout' });
    const plain = new SearchPainter(64, 0, SIZE), refined = new SearchPainter(64, 200, SIZE);
    const brush = new Brush(SIZE);
    for (let step = 0; step < 5; step++) {
      if (step === 0) env.reset({ seed: 3 });
      const a = plain.choose(env, new Rng(step)), b = refined.choose(env, new Rng(step));
      const da = brush.squaredErrorChange(env.canvas, env.target, strokeFromAction(a, SIZE));
      const db = brush.squaredErrorChange(env.canvas, env.target, strokeFromAction(b, SIZE));
      expect(db, `step ${step}: refined stroke's change ${db} vs the best random stroke's ${da}`).toBeLessThanOrEqual(da);
      env.step(b);
    }
    const plainRng = new Rng(9), refinedRng = new Rng(9);
    for (const seed of [0, 1]) {
      const withoutRefining = paintEpisode(env, seed, () => plain.choose(env, plainRng));
      const withRefining = paintEpisode(env, seed, () => refined.choose(env, refinedRng));
      expect(withRefining, `held-out target of env seed ${seed}: removed ${withRefining} with refining, ${withoutRefining} without`).toBeGreaterThan(withoutRefining + 0.1);
    }
  });

  it('is deterministic given its Rng and beats greedy search (best of 64) on held-out targets', () => {
    const env = new Paint({ targets: 'heldout' });
    const search = new SearchPainter(256, 300, SIZE), greedy = new GreedyPainter(64, SIZE);
    for (const seed of [2, 4]) {
      const runs = [new Rng(4), new Rng(4)].map((rng) => paintEpisode(env, seed, () => search.choose(env, rng)));
      expect(runs[1], `env seed ${seed}: a second run with the same Rng`).toBe(runs[0]);
      const greedyRng = new Rng(4);
      const byGreedy = paintEpisode(env, seed, () => greedy.choose(env, greedyRng));
      expect(runs[0], `env seed ${seed}: search removed ${runs[0]}, greedy ${byGreedy}`).toBeGreaterThan(byGreedy + 0.05);
    }
  });
});
