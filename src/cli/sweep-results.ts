/**
 * What a sweep leaves for people to read: `sweeps/<name>/results.jsonl` (one row per finished or
 * failed trial, appended as trials end, so a killed sweep knows what is done), `report.md` (a table
 * of config points: the searched values, seeds, mean ± std of the objective, steps, wall time,
 * status; the eval-curve plot `curves.png` (sweep-plot.ts); the best config; the command and commits
 * that rebuild it), `report.json` (the same points and their eval curves as data, for the page to
 * overlay: src/core/sweep-report.ts) and `best-config.json` (the best point's whole config, without the
 * seed, a file `dojo train --config` accepts). The same table is printed at the end of a sweep.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsFile, writeFileAtomic } from '../nn/safetensors-node.ts';
import { CURVE_COLORS, plotEvalCurves, type EvalCurve } from './sweep-plot.ts';
import type { EvaluationRow } from './train.ts';
import { ConfigError } from '../core/errors.ts';
import { SWEEP_REPORT_FORMAT, sweepReportSchema, type SweepReport } from '../core/sweep-report.ts';
import type { SweepPlan, SweepSpec, Trial } from './sweep-spec.ts';

/**
 * Creates the sweep folder `dir`, records the spec in `dir/spec.json` and takes `dir/sweep.lock` for
 * this process; returns the function that releases the lock. A folder that holds another spec is
 * refused, since its recorded trials would be mixed with this spec's, and so is a sweep another live
 * process is running (two would train the same trials into the same folders). A lock left by a dead
 * process is taken over.
 */
export function claimSweepFolder(dir: string, spec: SweepSpec): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'spec.json');
  const text = `${JSON.stringify(spec, null, 2)}\n`;
  if (existsSync(file) && readFileSync(file, 'utf8') !== text) {
    throw new ConfigError(`sweep: ${dir} holds the trials of a different spec (${file}); give the sweep another name, or remove the folder to start it over`);
  }
  const lock = join(dir, 'sweep.lock');
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new ConfigError(`sweep: process ${pid} is running this sweep (${lock}); wait for it, or stop it first`);
      rmSync(lock, { force: true }); // its process is gone
    }
  }
  writeFileAtomic(file, new TextEncoder().encode(text), 'spec');
  return () => rmSync(lock, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One row of results.jsonl. */
export interface TrialResult {
  trial: string;
  point: number;
  seed: number;
  params: Record<string, unknown>;
  /** done: trained to the end; failed: an error ended it; stopped: the scheduler ended it early (see `error`). */
  status: 'done' | 'failed' | 'stopped';
  /** The spec's objective (null when the trial failed). */
  objective: number | null;
  /** Mean deterministic eval return of the final policy. */
  final_eval: number | null;
  /** Area under the eval curve (trapezoids over global_step) divided by the steps it spans: the mean eval return over training. */
  eval_auc: number | null;
  /** Env steps of the last metrics row. */
  steps: number;
  wall_s: number;
  /** Why a failed trial failed, or why the scheduler stopped it. */
  error?: string;
}

/** The evaluation rows of a run folder (none when there is no evaluations.jsonl; a line still being written is skipped). */
export function readEvaluations(runDir: string): EvaluationRow[] {
  const file = join(runDir, 'evaluations.jsonl');
  if (!existsSync(file)) return [];
  const rows: EvaluationRow[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try {
      if (line.trim() !== '') rows.push(JSON.parse(line) as EvaluationRow);
    } catch {
      // the line a running trial is writing
    }
  }
  return rows;
}

/** The step of the last whole metrics row of a run folder (0 when there is none; a row still being written is skipped). */
export function lastMetricsStep(runDir: string): number {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const step = (JSON.parse(lines[i]) as { global_step?: unknown }).global_step;
      if (typeof step === 'number') return step;
    } catch {
      // cut short by a kill
    }
  }
  return 0;
}

/**
 * The area under an eval curve divided by the steps it spans (trapezoids over global_step), in
 * return units: a run that learns early scores higher than one that reaches the same end late. One
 * evaluation gives its own return.
 */
export function evalAuc(rows: readonly { global_step: number; mean_return: number }[]): number | null {
  if (rows.length === 0) return null;
  if (rows.length === 1) return rows[0].mean_return;
  let area = 0;
  for (let i = 1; i < rows.length; i++) area += (rows[i].global_step - rows[i - 1].global_step) * (rows[i].mean_return + rows[i - 1].mean_return) / 2;
  const span = rows[rows.length - 1].global_step - rows[0].global_step;
  return span > 0 ? area / span : rows[rows.length - 1].mean_return;
}

/** The result of a trial whose run folder holds a finished run (final.safetensors and its evaluation). */
export function finishedResult(plan: SweepPlan, trial: Trial, runDir: string, wallS: number): TrialResult {
  const rows = readEvaluations(runDir);
  const final = rows.filter((r) => r.checkpoint.endsWith('final.safetensors')).at(-1);
  const base = { trial: trial.id, point: trial.point, seed: trial.seed, params: { ...trial.params }, steps: lastMetricsStep(runDir), wall_s: round(wallS) };
  if (final === undefined) {
    return { ...base, status: 'failed', objective: null, final_eval: null, eval_auc: null, error: `${join(runDir, 'evaluations.jsonl')} holds no evaluation of final.safetensors` };
  }
  const auc = evalAuc(rows);
  const objective = plan.spec.objective === 'final_eval' ? final.mean_return : auc;
  return { ...base, status: 'done', objective, final_eval: final.mean_return, eval_auc: auc };
}

/** The result of a trial that failed with `error` (or that the scheduler stopped, `status` 'stopped', saying why). */
export function failedResult(trial: Trial, runDir: string, wallS: number, error: string, status: 'failed' | 'stopped' = 'failed'): TrialResult {
  return { trial: trial.id, point: trial.point, seed: trial.seed, params: { ...trial.params }, status, objective: null, final_eval: null, eval_auc: null, steps: lastMetricsStep(runDir), wall_s: round(wallS), error };
}

/** The rows of results.jsonl by trial id (a later row of a trial replaces an earlier one; a line cut short by a kill is skipped). */
export function readResults(file: string): Map<string, TrialResult> {
  const out = new Map<string, TrialResult>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as TrialResult;
      out.set(r.trial, r);
    } catch {
      // the last line of a sweep killed while appending
    }
  }
  return out;
}

/** Appends one row to results.jsonl (one write of a whole line). */
export function appendResult(file: string, r: TrialResult): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, `${JSON.stringify(r)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** One config point over its seeds. */
export interface PointSummary {
  point: number;
  params: Record<string, unknown>;
  /** Objectives of the finished seeds. */
  values: number[];
  /** Mean final eval return of the finished seeds (NaN when none finished). */
  finalEval: number;
  mean: number;
  std: number;
  seeds: number;
  failed: number;
  stopped: number;
  pending: number;
  steps: number;
  wall_s: number;
}

/** Summaries of every config point, best mean objective first (points with no finished seed last). */
export function summarize(plan: SweepPlan, results: ReadonlyMap<string, TrialResult>): PointSummary[] {
  const out = plan.points.map((params, point): PointSummary => {
    const trials = plan.trials.filter((t) => t.point === point);
    const rows = trials.map((t) => results.get(t.id)).filter((r) => r !== undefined);
    const values = rows.filter((r) => r.status === 'done' && r.objective !== null).map((r) => r.objective as number);
    const finals = rows.filter((r) => r.status === 'done' && r.final_eval !== null).map((r) => r.final_eval as number);
    const mean = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
    const std = values.length > 0 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) : Number.NaN;
    return {
      point, params: { ...params }, values, mean, std, seeds: trials.length, finalEval: finals.length > 0 ? finals.reduce((a, b) => a + b, 0) / finals.length : Number.NaN,
      failed: rows.filter((r) => r.status === 'failed').length, stopped: rows.filter((r) => r.status === 'stopped').length, pending: trials.length - rows.length,
      steps: rows.reduce((a, r) => a + r.steps, 0), wall_s: round(rows.reduce((a, r) => a + r.wall_s, 0)),
    };
  });
  return out.sort((a, b) => (Number.isNaN(a.mean) ? 1 : 0) - (Number.isNaN(b.mean) ? 1 : 0) || b.mean - a.mean || a.point - b.point);
}

/** The summary as a Markdown table (with the mean final eval return too when the objective is another). */
export function formatTable(plan: SweepPlan, summary: readonly PointSummary[]): string {
  const fields = Object.keys(plan.spec.search.space);
  const withFinal = plan.spec.objective !== 'final_eval';
  const head = `| point | ${fields.map((f) => `${f} | `).join('')}${plan.spec.objective} (mean ± std) | ${withFinal ? 'final_eval (mean) | ' : ''}seeds done | steps | wall s | status |`;
  const rule = head.replace(/[^|]/g, '-');
  const lines = summary.map((s) => {
    const values = fields.map((k) => `${formatValue(s.params[k])} | `).join('');
    const score = s.values.length > 0 ? `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)}` : '—';
    const status = [s.pending > 0 ? `${s.pending} pending` : '', s.failed > 0 ? `${s.failed} failed` : '', s.stopped > 0 ? `${s.stopped} stopped early` : ''].filter((x) => x !== '').join(', ') || 'done';
    const final = withFinal ? `${Number.isNaN(s.finalEval) ? '—' : s.finalEval.toFixed(1)} | ` : '';
    return `| c${s.point} | ${values}${score} | ${final}${s.values.length}/${s.seeds} | ${s.steps} | ${s.wall_s} | ${status} |`;
  });
  return [head, rule, ...lines].join('\n');
}

/**
 * Writes report.md, report.json, the eval-curve plot curves.png (when any trial has evaluations) and,
 * when a point has finished seeds, best-config.json. `command` is the command line that runs the sweep again; the
 * report gives it with the commits the trials trained at (their final checkpoints' metadata).
 */
export function writeReport(plan: SweepPlan, dir: string, results: ReadonlyMap<string, TrialResult>, command: string): PointSummary[] {
  const summary = summarize(plan, results);
  const { spec } = plan;
  const failures = [...results.values()].filter((r) => r.status === 'failed').map((r) => `- ${r.trial}: ${r.error ?? 'failed'}`);
  const stops = [...results.values()].filter((r) => r.status === 'stopped').map((r) => `- ${r.trial} after ${r.steps} steps: ${r.error ?? 'stopped'}`);
  const best = summary[0] !== undefined && summary[0].values.length > 0 ? summary[0] : undefined;
  const { seed: _seed, ...bestConfig } = best !== undefined ? (plan.trials.find((t) => t.point === best.point)?.config ?? {}) : {};
  const curves = new Map(summary.map((s) => [s.point, pointCurve(plan, dir, s.point)]));
  const plotted = writePlot(plan, dir, summary, curves);
  const commits = trainedAt(plan, dir, results);
  const text = [
    `# Sweep ${spec.name}`, '',
    `${spec.algo} on ${spec.env}${Object.keys(spec.envKwargs).length > 0 ? ` ${JSON.stringify(spec.envKwargs)}` : ''}, ${spec.search.kind} search, ${plan.points.length} config points × seeds ${spec.seeds.join(', ')}; objective ${spec.objective} over ${spec.evalEpisodes} deterministic episodes${spec.scheduler !== undefined ? `; ASHA early stopping (eta ${spec.scheduler.eta}, first rung at ${spec.scheduler.minSteps} steps)` : ''}. Best first.`, '',
    formatTable(plan, summary), '',
    ...(plotted > 0 ? [`![Eval curves: the mean deterministic eval return over seeds at each evaluation, in a band of ± one std over seeds](${CURVES_FILE})`, '',
      `${CURVES_FILE}: the mean eval return over seeds at each evaluation (dots), ± one standard deviation over seeds (band), of ${plotted === summary.length ? 'every config point' : `the ${plotted} best config points of ${summary.length}`}, best first in the legend.`, ''] : []),
    ...(best !== undefined ? ['## Best config', '', `c${best.point} ${JSON.stringify(best.params)}: ${spec.objective} ${best.mean.toFixed(2)} ± ${best.std.toFixed(2)} over ${best.values.length} seeds. Its whole config (without the seed) is best-config.json, which \`dojo train --config best-config.json\` accepts:`, '', '```json', JSON.stringify(bestConfig, null, 2), '```', ''] : []),
    ...(failures.length > 0 ? ['## Failed trials', '', ...failures, ''] : []),
    ...(stops.length > 0 ? ['## Stopped early', '', ...stops, ''] : []),
    '## Rebuild', '', '```sh', command, '```', '',
    commits.length > 0 ? `The trials trained at commit ${commits.join(', ')} (the \`commit\` in their final checkpoints' metadata).` : 'No trial has a final checkpoint yet.', '',
  ].join('\n');
  writeFileAtomic(join(dir, 'report.md'), new TextEncoder().encode(text), 'report');
  const data = reportData(plan, summary, curves);
  writeFileAtomic(join(dir, REPORT_JSON_FILE), new TextEncoder().encode(`${JSON.stringify(data, null, 1)}\n`), 'report');
  if (best !== undefined) writeFileAtomic(join(dir, 'best-config.json'), new TextEncoder().encode(`${JSON.stringify(bestConfig, null, 2)}\n`), 'config');
  return summary;
}

/** The plot's file name in the sweep folder. */
const CURVES_FILE = 'curves.png';

/** The report's data file in the sweep folder. */
const REPORT_JSON_FILE = 'report.json';

type PointCurves = ReadonlyMap<number, Omit<EvalCurve, 'label'>>;

/** Writes curves.png of the best config points that have evaluations (as many as the plot has colours); returns how many it drew. */
function writePlot(plan: SweepPlan, dir: string, summary: readonly PointSummary[], pointCurves: PointCurves): number {
  const fields = Object.keys(plan.spec.search.space);
  const curves: EvalCurve[] = [];
  for (const s of summary) {
    if (curves.length === CURVE_COLORS.length) break;
    const curve = pointCurves.get(s.point) ?? { steps: [], mean: [], std: [] };
    if (curve.steps.length === 0) continue;
    curves.push({ ...curve, label: `c${s.point}${fields.length > 0 ? `: ${fields.map((f) => formatValue(s.params[f]).replace(/"/g, '')).join(', ')}` : ''}` });
  }
  if (curves.length === 0) return 0;
  const title = `${plan.spec.algo} on ${plan.spec.env}: eval return, mean of ${plan.spec.seeds.length} seeds +- std`;
  const png = plotEvalCurves(curves, { title, legendTitle: fields.length > 0 ? `point: ${fields.join(', ')}` : 'point' });
  writeFileAtomic(join(dir, CURVES_FILE), png, 'plot');
  return curves.length;
}

/**
 * The eval curve of config point `point` over its seeds: at each step any of its trials evaluated, the
 * mean and standard deviation of the returns of the trials evaluated there (a trial stopped early
 * leaves the later steps to the others).
 */
export function pointCurve(plan: SweepPlan, dir: string, point: number): Omit<EvalCurve, 'label'> {
  const byStep = new Map<number, number[]>();
  for (const t of plan.trials) {
    if (t.point !== point) continue;
    for (const row of readEvaluations(join(dir, t.id))) byStep.set(row.global_step, [...(byStep.get(row.global_step) ?? []), row.mean_return]);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const mean = steps.map((s) => {
    const v = byStep.get(s) ?? [];
    return v.reduce((a, b) => a + b, 0) / v.length;
  });
  const std = steps.map((s, k) => {
    const v = byStep.get(s) ?? [];
    return Math.sqrt(v.reduce((a, b) => a + (b - mean[k]) ** 2, 0) / v.length);
  });
  return { steps, mean, std };
}

/**
 * report.json's content: every config point, best first, with its searched values, its mean eval curve
 * (the points curves.png draws) and its mean objective. Checked against the schema the page reads it with.
 */
function reportData(plan: SweepPlan, summary: readonly PointSummary[], curves: PointCurves): SweepReport {
  const fields = Object.keys(plan.spec.search.space);
  const points = summary.map((s) => {
    const c = curves.get(s.point) ?? { steps: [], mean: [], std: [] };
    const values = fields.map((f) => `${f}=${formatValue(s.params[f]).replace(/"/g, '')}`).join(', ');
    return {
      point: s.point, label: `c${s.point}${values !== '' ? ` ${values}` : ''}`, params: { ...s.params },
      curve: c.steps.map((step, k): [number, number] => [step, c.mean[k]]), objective: Number.isNaN(s.mean) ? null : s.mean,
    };
  });
  return sweepReportSchema.parse({ format: SWEEP_REPORT_FORMAT, name: plan.spec.name, env: plan.spec.env, algo: plan.spec.algo, objective: plan.spec.objective, points });
}

/** The distinct commits the finished trials trained at, from their final checkpoints' metadata. */
function trainedAt(plan: SweepPlan, dir: string, results: ReadonlyMap<string, TrialResult>): string[] {
  const commits = new Set<string>();
  for (const t of plan.trials) {
    const file = join(dir, t.id, 'final.safetensors');
    if (results.get(t.id)?.status !== 'done' || !existsSync(file)) continue;
    commits.add(readSafetensorsFile(file).metadata.commit ?? 'unknown');
  }
  return [...commits].sort();
}

/** A searched value for the table and the legend: numbers to 3 significant digits, without trailing zeros (0.0003, 0.95). */
function formatValue(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(3))) : JSON.stringify(v);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
