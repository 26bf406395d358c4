/**
 * `sweeps/<name>/report.json` (sweep-results.ts writeReport, src/core/sweep-report.ts): the writer puts
 * every config point in it, best first, with its label, searched values, mean eval curve over seeds
 * (the data curves.png draws) and mean objective; the schema the page loads it with accepts what the
 * writer wrote and refuses a wrong file with a message naming the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pointCurve, writeReport, type TrialResult } from '../../src/cli/sweep-results.ts';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { parseSweepReport } from '../../src/core/sweep-report.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-report-json-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeEvaluations(trial: string, rows: [number, number][]): void {
  fs.mkdirSync(path.join(dir, trial), { recursive: true });
  fs.writeFileSync(path.join(dir, trial, 'evaluations.jsonl'), rows.map(([s, r]) => `${JSON.stringify({ global_step: s, checkpoint: `${trial}/x`, mean_return: r, std_return: 0, mean_length: r, best: false })}\n`).join(''));
}

function done(trial: string, point: number, seed: number, objective: number): TrialResult {
  return { trial, point, seed, params: {}, status: 'done', objective, final_eval: objective, eval_auc: null, steps: 300, wall_s: 1 };
}

describe('report.json', () => {
  const spec = parseSweepSpec({ name: 'lr', env: 'CartPole-v1', algo: 'ppo', base: 'defaults', seeds: [1, 2], search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4, 1e-4] } } });
  const plan = planSweep(spec, dir);

  it('holds every config point, best first, with its label, mean eval curve and objective', () => {
    writeEvaluations('c1-s1', [[100, 10], [200, 30], [300, 50]]);
    writeEvaluations('c1-s2', [[100, 20], [200, 10], [300, 50]]);
    writeEvaluations('c0-s1', [[100, 5], [300, 9]]);
    const results = new Map([done('c1-s1', 1, 1, 50), done('c1-s2', 1, 2, 50), done('c0-s1', 0, 1, 9)].map((r) => [r.trial, r]));
    writeReport(plan, dir, results, 'npx dojo sweep spec.json');
    const text = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
    const report = parseSweepReport(text, 'report.json');
    expect(report).toMatchObject({ format: 'dojo-sweep-report/1', name: 'lr', env: 'CartPole-v1', algo: 'ppo', objective: 'final_eval' });
    expect(report.points).toEqual([
      { point: 1, label: 'c1 learningRate=0.0003', params: { learningRate: 3e-4 }, curve: [[100, 15], [200, 20], [300, 50]], objective: 50 },
      { point: 0, label: 'c0 learningRate=0.001', params: { learningRate: 1e-3 }, curve: [[100, 5], [300, 9]], objective: 9 },
      { point: 2, label: 'c2 learningRate=0.0001', params: { learningRate: 1e-4 }, curve: [], objective: null },
    ]);
    // the same points the PNG plot draws
    const c1 = pointCurve(plan, dir, 1);
    expect(report.points[0].curve).toEqual(c1.steps.map((s, k) => [s, c1.mean[k]]));
    // written atomically: no temporary file is left beside it
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('report.json') && f !== 'report.json')).toEqual([]);
  });

  it('refuses a wrong file with a message naming the field', () => {
    const good = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as { points: Array<Record<string, unknown>> };
    good.points[0].curve = [[100, 'high']];
    expect(() => parseSweepReport(JSON.stringify(good), 'mine.json')).toThrow(/^mine\.json: not a valid sweep report .*points\.0\.curve\.0\.1: Invalid input: expected number, received string/);
    expect(() => parseSweepReport(JSON.stringify({ name: 'x' }), 'x.json')).toThrow(/format: .*; env: .*; algo: .*; objective: .*; points: /);
    expect(() => parseSweepReport('{"format": "dojo-sweep-report/1",', 'cut.json')).toThrow(/^cut\.json: not a sweep report \(expected the JSON of sweeps\/<name>\/report\.json\)/);
    expect(() => parseSweepReport(fs.readFileSync(path.join(dir, 'c1-s1', 'evaluations.jsonl'), 'utf8').split('\n')[0], 'evaluations.jsonl')).toThrow(/format: Invalid input: expected "dojo-sweep-report\/1"/);
  });
});
