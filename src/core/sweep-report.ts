/**
 * The machine-readable sweep report, `sweeps/<name>/report.json`: what the sweep searched (env,
 * algorithm, objective) and, per config point (best first, as in report.md), its label, its searched
 * values, its mean deterministic eval curve over seeds (the data curves.png draws) and its objective.
 * The sweep writes it (src/cli/sweep-results.ts) and the page reads it to overlay the curves on its
 * return chart (src/web/panels/sweep-overlay.ts); both go through this one schema, so a file the
 * page accepts is one the sweep could have written.
 */
import { z } from 'zod';
import { ConfigError } from './errors.ts';

/** The `format` field that marks a file as a sweep report. */
export const SWEEP_REPORT_FORMAT = 'dojo-sweep-report/1';

const pointSchema = z.strictObject({
  /** The point's index in the spec's search (`c<point>` in trial ids). */
  point: z.int().min(0),
  /** `c3 learningRate=0.001, updateEpochs=14`: the point id and its searched values. */
  label: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  /** [env step, mean eval return over the seeds evaluated there], ascending steps (empty before any evaluation). */
  curve: z.array(z.tuple([z.number().min(0), z.number()])),
  /** Mean objective over the seeds that finished; null when none has. */
  objective: z.number().nullable(),
});

/** The schema of report.json. */
export const sweepReportSchema = z.strictObject({
  format: z.literal(SWEEP_REPORT_FORMAT),
  name: z.string().min(1),
  env: z.string().min(1),
  algo: z.string().min(1),
  objective: z.enum(['final_eval', 'eval_auc']),
  points: z.array(pointSchema),
});

/** A parsed report.json. */
export type SweepReport = z.infer<typeof sweepReportSchema>;

/**
 * Parses and checks the text of a report.json; `source` names the file in the error. Throws a
 * ConfigError naming each wrong field (its path, what was expected and what was received).
 */
export function parseSweepReport(text: string, source: string): SweepReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not a sweep report (expected the JSON of sweeps/<name>/report.json): ${(e as Error).message}`);
  }
  const r = sweepReportSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`);
  throw new ConfigError(`${source}: not a valid sweep report (sweeps/<name>/report.json): ${problems.join('; ')}`);
}
