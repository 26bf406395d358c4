/**
 * AmpFootProsthesis (v1, or v0 with `--env`): a learned prosthesis controller against the fixed-timing baseline, and the ankle
 * power curve over a gait cycle (issue 5).
 *
 * Runs seeded full episodes with each controller: the fixed-timing baseline (`baselineProsthesisAction`),
 * the passive spring foot (`lockEnabled: false`, no motor, no lock) for reference, and, with
 * `--checkpoint`, a trained policy (deterministic actions, the env made with the checkpoint's env kwargs).
 * Every 20 ms control step it records for leg 0 (the prosthesis): the gait phase the controller saw
 * (obs[38], obs[39] are sin and cos of 2π·phase), the mean ankle power over the step (the change of the
 * sim's net ankle work over the step's duration: ankle spring torque times ankle angular velocity, summed
 * over the sub-steps), the lock state, the motor's electrical power and whether the foot is on the ground.
 *
 * Strides run from one heel strike of leg 0 to the next (the env's phase wraps to 0 there; the exact time
 * is the step's end minus phase · GAIT_PERIOD). The first stride of an episode (the start transient) and
 * the unfinished last one are not counted. Per controller it prints the mean speed (distance / time),
 * motor energy per stride and per metre, push-off work per stride (positive ankle work on the ground),
 * peak ankle power, toe-off, and when the lock opens in stance: as the env's gait phase and as the
 * fraction of the stride's duration (the env's phase is not time-linear: it jumps from about 0.35 to 0.5
 * when the other foot lands, see envs/robot/README.md). Swing is the longest run of steps that end with
 * the foot in the air (the stance foot can lose contact for a step when the other foot lands); the rest
 * of the stride is stance.
 *
 * The plot is ankle power (W) against the fraction of the stride, the mean over all counted strides
 * (each stride's step samples linearly interpolated onto a common grid), one line per controller, with
 * the baseline's swing shaded, the mean lock release marked (when a controller releases once per stride
 * at a steady time), and below the axes one strip per controller with a lock, shaded by the share of
 * strides that have the lock closed there. It is drawn as a Scene, rasterized by src/gym/raster.ts (its
 * 3×5 pixel font writes the labels) and encoded by `encodePng`.
 *
 *   npx tsx bench/prosthesis.ts [--checkpoint run/final.safetensors] [--env AmpFootProsthesis-v1] [--episodes 5] [--seed 0]
 *                               [--out envs/robot/power-curve.png] [--json]
 */
import { existsSync, writeFileSync } from 'node:fs';
import '../envs/index.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { baselineProsthesisAction, phaseFromObservation } from '../envs/robot/baseline.ts';
import { GAIT_PERIOD } from '../envs/robot/gait.ts';
import { PROSTHESIS_LEG, type AmpFootProsthesis } from '../envs/robot/amp-foot-prosthesis.ts';
import { DT, SUBSTEPS } from '../envs/robot/world.ts';
import { encodePng } from '../src/cli/render.ts';
import { readCheckpoint } from '../src/cli/run-context.ts';
import { parseColor, rasterize } from '../src/gym/raster.ts';
import { make } from '../src/gym/registry.ts';
import type { Scene, Shape } from '../src/gym/scene.ts';
import { commitId, machine } from '../src/cli/provenance.ts';

/** The env every controller runs on: `--env`, else the checkpoint's env, else the current version. */
let ENV_ID = 'AmpFootProsthesis-v1';
const ENV_IDS = ['AmpFootProsthesis-v0', 'AmpFootProsthesis-v1'];
/** Duration of one control step (s). */
const CONTROL_DT = DT * SUBSTEPS;
/** Observation index of leg 0's "lock closed" flag (4 + 12·leg + 10). */
const LOCK_OBS = 4 + 12 * PROSTHESIS_LEG + 10;
/** Where late stance begins as a fraction of the stride (the env's phase 0.4 comes at about 0.4 of the stride, before the jump to 0.5). */
const LATE_RELEASE_FRACTION = 0.4;
/** Points of the stride grid the power curves are resampled onto. */
const GRID = 100;

/** A controller under test: how to make its env and how it acts. */
interface Controller {
  readonly name: string;
  readonly color: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Called at each episode start. */
  reset(): void;
  act(obs: Float32Array): Float32Array;
}

/** What one control step of leg 0 looked like. */
interface StepRecord {
  /** Simulated time at the start of the step (s). */
  readonly t: number;
  /** Gait phase the controller saw when it chose the action (start of the step). */
  readonly phase: number;
  /** Lock closed at the start and at the end of the step. */
  readonly lockBefore: boolean;
  readonly lockAfter: boolean;
  /** Foot on the ground at the end of the step. */
  readonly groundAfter: boolean;
  /** Mean ankle power over the step (W; positive: the ankle pushes the foot down, push-off). */
  readonly anklePower: number;
  /** Mean electrical power of the AMP-Foot motor over the step (W). */
  readonly motorPower: number;
  /** Positive ankle work on the ground over the step (J). */
  readonly pushOffWork: number;
  /** Net ankle work on the ground in late stance over the step (J; the env's `lateStanceWork`, which v1 pays for). */
  readonly lateWork: number;
}

/** One episode of one controller. */
interface Trace {
  readonly steps: StepRecord[];
  /** Times of leg 0's heel strikes (s); the first is the reset. */
  readonly heelStrikes: number[];
  readonly fell: boolean;
  readonly return: number;
  readonly distance: number;
  readonly time: number;
  readonly motorEnergy: number;
  /** Largest ankle power on the ground, per 2.5 ms sub-step (the env's `peakAnklePower`, W). */
  readonly peakAnklePower: number;
}

/** Runs one seeded episode of `ctrl`, recording every control step. */
function runEpisode(ctrl: Controller, seed: number): Trace {
  const env = make<Float32Array, Float32Array>(ENV_ID, { kwargs: ctrl.kwargs });
  const sim = (env.unwrapped as AmpFootProsthesis).sim;
  const ankle = sim.ankleMetrics[PROSTHESIS_LEG];
  ctrl.reset();
  let { obs, info } = env.reset({ seed });
  const steps: StepRecord[] = [];
  const heelStrikes = [0];
  let ret = 0;
  let fell = false;
  for (;;) {
    const t = sim.time;
    const phase = phaseFromObservation(obs);
    const lockBefore = obs[LOCK_OBS] === 1;
    const work0 = ankle.work;
    const motor0 = ankle.motorEnergy;
    const push0 = ankle.pushOffWork;
    const late0 = info.lateStanceWork as number;
    const r = env.step(ctrl.act(obs));
    ret += r.reward;
    steps.push({
      t, phase, lockBefore, lockAfter: r.obs[LOCK_OBS] === 1, groundAfter: sim.footOnGround(PROSTHESIS_LEG),
      anklePower: (ankle.work - work0) / CONTROL_DT,
      motorPower: (ankle.motorEnergy - motor0) / CONTROL_DT,
      pushOffWork: ankle.pushOffWork - push0,
      lateWork: (r.info.lateStanceWork as number) - late0,
    });
    const next = phaseFromObservation(r.obs);
    if (next < phase - 0.5) heelStrikes.push(sim.time - next * GAIT_PERIOD);
    obs = r.obs;
    info = r.info;
    if (r.terminated || r.truncated) {
      fell = r.terminated;
      break;
    }
  }
  env.close();
  return {
    steps, heelStrikes, fell, return: ret, distance: info.distance as number, time: sim.time,
    motorEnergy: info.motorEnergy as number, peakAnklePower: info.peakAnklePower as number,
  };
}

/**
 * A counted stride: its time span, the steps that start inside it, and its swing: the longest run of
 * steps that end with the foot in the air (shorter runs are contact flicker, e.g. when the other foot
 * lands), as step indices [from, to). Everything else is stance.
 */
interface Stride {
  readonly start: number;
  readonly end: number;
  readonly steps: StepRecord[];
  readonly swing: readonly [number, number] | null;
  readonly trace: Trace;
}

/** The complete strides of a trace after the first. */
function strides(trace: Trace): Stride[] {
  const out: Stride[] = [];
  const hs = trace.heelStrikes;
  for (let k = 1; k + 1 < hs.length; k++) {
    const steps = trace.steps.filter((s) => s.t >= hs[k] && s.t < hs[k + 1]);
    out.push({ start: hs[k], end: hs[k + 1], steps, swing: longestAirRun(steps), trace });
  }
  return out;
}

/** The longest run [from, to) of steps that end with the foot in the air, or null. */
function longestAirRun(steps: readonly StepRecord[]): [number, number] | null {
  let best: [number, number] | null = null;
  let runStart = -1;
  for (let i = 0; i <= steps.length; i++) {
    const air = i < steps.length && !steps[i].groundAfter;
    if (air && runStart < 0) runStart = i;
    if (!air && runStart >= 0) {
      if (best === null || i - runStart > best[1] - best[0]) best = [runStart, i];
      runStart = -1;
    }
  }
  return best;
}

/** Fraction of the stride at the middle of step i (its end for i past the last step). */
function fractionAt(s: Stride, i: number): number {
  return (i < s.steps.length ? s.steps[i].t + CONTROL_DT / 2 - s.start : s.end - s.start) / (s.end - s.start);
}

/** The last step whose time `t + offset` is at or before `tau` (binary search; -1 when none). */
function stepBefore(steps: readonly StepRecord[], tau: number, offset: number): number {
  let lo = -1;
  let hi = steps.length;
  while (hi - lo > 1) {
    const m = (lo + hi) >> 1;
    if (steps[m].t + offset <= tau) lo = m;
    else hi = m;
  }
  return lo;
}

/** Step-mean ankle power at time `tau`, linearly interpolated between step mid-times (constant past the ends). */
function powerAt(steps: readonly StepRecord[], tau: number): number {
  const i = stepBefore(steps, tau, CONTROL_DT / 2);
  if (i < 0) return steps[0].anklePower;
  if (i === steps.length - 1) return steps[i].anklePower;
  const w = (tau - (steps[i].t + CONTROL_DT / 2)) / CONTROL_DT;
  return steps[i].anklePower + w * (steps[i + 1].anklePower - steps[i].anklePower);
}

/** 1 when the lock is closed during the step that contains time `tau` (the lock state the step ended with). */
function lockAt(steps: readonly StepRecord[], tau: number): number {
  const i = stepBefore(steps, tau, 0);
  return i >= 0 && steps[i].lockAfter ? 1 : 0;
}

/** The mean of `f(steps, time)` over the strides at stride fractions (j + 0.5) / GRID. */
function meanOverStrides(all: readonly Stride[], f: (steps: readonly StepRecord[], tau: number) => number): Float64Array {
  const curve = new Float64Array(GRID);
  for (const s of all) {
    for (let j = 0; j < GRID; j++) curve[j] += f(s.trace.steps, s.start + ((j + 0.5) / GRID) * (s.end - s.start)) / all.length;
  }
  return curve;
}

/** A lock release in stance. */
interface Release {
  readonly phase: number;
  readonly fraction: number;
}

/**
 * Lock releases in stance (outside the swing run) in a stride: the env phase the controller saw when it
 * opened the lock, and the fraction of the stride at which the step began (when the release acts).
 */
function releases(s: Stride): Release[] {
  const out: Release[] = [];
  s.steps.forEach((r, i) => {
    const inSwing = s.swing !== null && i >= s.swing[0] && i < s.swing[1];
    if (r.lockBefore && !r.lockAfter && !inSwing) out.push({ phase: r.phase, fraction: (r.t - s.start) / (s.end - s.start) });
  });
  return out;
}

/**
 * The catapult release of a stride: the end of its longest lock hold in stance (a run of steps ending
 * locked, outside the swing run, that ends with a release in stance), as the fraction of the stride at which
 * the releasing step began; null if no hold ends in stance. Short holds (a lock closed for a step or two
 * around heel strike) and locks in swing do not count.
 */
function mainRelease(s: Stride): number | null {
  const inSwing = (i: number): boolean => s.swing !== null && i >= s.swing[0] && i < s.swing[1];
  let bestLength = 0;
  let fraction: number | null = null;
  let runStart = -1;
  for (let i = 0; i < s.steps.length; i++) {
    const r = s.steps[i];
    if (r.lockAfter && !inSwing(i)) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && r.lockBefore && !inSwing(i) && i - runStart > bestLength) {
      bestLength = i - runStart;
      fraction = (r.t - s.start) / (s.end - s.start);
    }
    runStart = -1;
  }
  return fraction;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
/** The q-quantile of `xs` (nearest rank; NaN when empty). */
const quantile = (xs: readonly number[], q: number): number => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]);

/** The summary of one controller. */
interface Summary {
  readonly name: string;
  readonly episodes: number;
  readonly falls: number;
  readonly meanReturn: number;
  readonly strides: number;
  readonly strideTime: number;
  readonly speed: number;
  readonly motorEnergyPerStride: number;
  readonly motorEnergyPerMetre: number;
  readonly pushOffWorkPerStride: number;
  /** Net ankle work on the ground in late stance per stride (J): what v1's push-off term pays for, up to 0.15 J/kg. */
  readonly lateWorkPerStride: number;
  /** Net ankle work per stride, on the ground or not (J); the reward pays for it up to 0.15 J/kg. */
  readonly netWorkPerStride: number;
  /** Mean over episodes of the env's per-sub-step peak ankle power on the ground (W). */
  readonly peakAnklePower: number;
  /** Peak of the mean 20 ms power curve (W). */
  readonly peakMeanCurvePower: number;
  readonly releasesPerStride: number;
  readonly releasePhase: number;
  readonly releaseFraction: number;
  /** 10th and 90th percentile of the release fraction. */
  readonly releaseFractionRange: [number, number];
  /** Strides whose stance has a lock hold that ends in a release, and that release's mean fraction and 10th–90th percentiles. */
  readonly mainReleases: number;
  readonly mainReleaseFraction: number;
  readonly mainReleaseFractionRange: [number, number];
  /** Share of counted strides whose catapult release comes in late stance (at ≥ 0.4 of the stride, before toe-off). */
  readonly lateReleaseShare: number;
  readonly toeOffFraction: number;
  readonly touchDownFraction: number;
}

/** Everything measured for one controller. */
interface Result {
  readonly ctrl: Controller;
  readonly summary: Summary;
  /** Mean ankle power (W) at stride fractions (j + 0.5) / GRID. */
  readonly curve: Float64Array;
  /** Fraction of strides with the lock closed there. */
  readonly lockClosed: Float64Array;
}

/** Runs `episodes` episodes of `ctrl` from `seed` and summarises them. */
function evaluate(ctrl: Controller, episodes: number, seed: number): Result {
  const traces = Array.from({ length: episodes }, (_, e) => runEpisode(ctrl, seed + e));
  const all = traces.flatMap(strides);
  const rel = all.flatMap(releases);
  const main = all.map(mainRelease).filter((f): f is number => f !== null);
  const swings = all.filter((s) => s.swing !== null).map((s) => [fractionAt(s, s.swing![0]), fractionAt(s, s.swing![1])]);
  const curve = meanOverStrides(all, powerAt);
  const lockClosed = meanOverStrides(all, lockAt);
  const summary: Summary = {
    name: ctrl.name,
    episodes,
    falls: traces.filter((t) => t.fell).length,
    meanReturn: mean(traces.map((t) => t.return)),
    strides: all.length,
    strideTime: mean(all.map((s) => s.end - s.start)),
    speed: sum(traces.map((t) => t.distance)) / sum(traces.map((t) => t.time)),
    motorEnergyPerStride: mean(all.map((s) => sum(s.steps.map((r) => r.motorPower * CONTROL_DT)))),
    motorEnergyPerMetre: sum(traces.map((t) => t.motorEnergy)) / sum(traces.map((t) => t.distance)),
    pushOffWorkPerStride: mean(all.map((s) => sum(s.steps.map((r) => r.pushOffWork)))),
    lateWorkPerStride: mean(all.map((s) => sum(s.steps.map((r) => r.lateWork)))),
    netWorkPerStride: mean(all.map((s) => sum(s.steps.map((r) => r.anklePower * CONTROL_DT)))),
    peakAnklePower: mean(traces.map((t) => t.peakAnklePower)),
    peakMeanCurvePower: Math.max(...curve),
    releasesPerStride: rel.length / Math.max(1, all.length),
    releasePhase: mean(rel.map((r) => r.phase)),
    releaseFraction: mean(rel.map((r) => r.fraction)),
    releaseFractionRange: [quantile(rel.map((r) => r.fraction), 0.1), quantile(rel.map((r) => r.fraction), 0.9)],
    mainReleases: main.length,
    mainReleaseFraction: mean(main),
    mainReleaseFractionRange: [quantile(main, 0.1), quantile(main, 0.9)],
    lateReleaseShare: main.filter((f) => f >= LATE_RELEASE_FRACTION).length / Math.max(1, all.length),
    toeOffFraction: mean(swings.map((s) => s[0])),
    touchDownFraction: mean(swings.map((s) => s[1])),
  };
  return { ctrl, summary, curve, lockClosed };
}

// ── controllers ──

const baseline: Controller = { name: 'baseline', color: '#1f5fbf', kwargs: {}, reset: () => {}, act: (obs) => baselineProsthesisAction(obs) };
const passive: Controller = { name: 'passive', color: '#8c8c8c', kwargs: { lockEnabled: false }, reset: () => {}, act: () => Float32Array.of(0, -1) };

/** The trained policy in `path` (deterministic), on the env kwargs it was trained with. */
function learned(path: string): Controller {
  if (!existsSync(path)) throw new Error(`bench/prosthesis: checkpoint not found: ${path}`);
  const ckpt = readCheckpoint(path);
  const meta = readCheckpointMeta(ckpt);
  if (meta.envId !== ENV_ID) throw new Error(`bench/prosthesis: the checkpoint was trained on ${meta.envId}, not ${ENV_ID} (drop --env or pass --env ${meta.envId})`);
  const probe = make<Float32Array, Float32Array>(ENV_ID, { kwargs: meta.envKwargs });
  const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
  probe.close();
  return { name: `learned (${meta.algo})`, color: '#d0352b', kwargs: meta.envKwargs, reset: () => policy.resetState(), act: (obs) => policy.act(obs, { deterministic: true }) as Float32Array };
}

// ── the plot ──

/** Image size and the axes' left, right and top edges (px, y up); the bottom edge leaves room for the lock strips. */
const PLOT = { width: 960, height: 620, left: 90, right: 930, top: 550 } as const;
/** Height of the x tick labels' baseline, of the first lock strip's bottom, and of each strip with its gap (px). */
const TICK_LABEL_Y = 42;
const STRIP_Y = 64;
const STRIP_H = 14;
const STRIP_GAP = 6;
const TEXT = '#202020';
const SMALL = 10;

function text(id: string, x: number, y: number, s: string, opts: { size?: number; align?: 'left' | 'center' | 'right'; angle?: number; fill?: string } = {}): Shape {
  return { id, kind: 'text', x: Math.round(x), y: Math.round(y), angle: opts.angle ?? 0, text: s, size: opts.size ?? SMALL, align: opts.align ?? 'left', fill: opts.fill ?? TEXT };
}

function segment(id: string, x0: number, y0: number, x1: number, y1: number, stroke: string, lineWidth = 1): Shape {
  return { id, kind: 'line', x: 0, y: 0, angle: 0, points: [x0, y0, x1, y1], stroke, lineWidth };
}

/** A vertical dashed line from y0 to y1 at x. */
function dashed(id: string, x: number, y0: number, y1: number, stroke: string): Shape[] {
  const out: Shape[] = [];
  for (let y = y0, k = 0; y < y1; y += 10, k++) out.push(segment(`${id}-${k}`, x, y, x, Math.min(y + 6, y1), stroke, 2));
  return out;
}

/** A tick step that gives at most 9 intervals over `span` (W). */
function tickStep(span: number): number {
  for (const step of [10, 20, 25, 50, 100, 200, 250, 500]) if (span / step <= 9) return step;
  return 1000;
}

/**
 * True when the controller releases the lock about once per stride at about the same time (10th–90th
 * percentile within 0.1 of the stride): only then is the mean release time worth a line. Otherwise the
 * lock strip shows where the lock opens.
 */
function releasesConsistent(s: Summary): boolean {
  return s.releasesPerStride > 0.8 && s.releasesPerStride < 1.2 && s.releaseFractionRange[1] - s.releaseFractionRange[0] <= 0.1;
}

/** `color` faded toward white: `amount` 0 is white, 1 the colour. */
function fade(color: string, amount: number): string {
  const hex = (v: number): string => Math.round(v).toString(16).padStart(2, '0');
  return `#${parseColor(color).map((v) => hex(255 + amount * (v - 255))).join('')}`;
}

/**
 * The plot as a Scene in pixel units (y up): the power curves with grid, ticks, release marks, the
 * baseline's swing band and a legend; below them one strip per controller with a lock, shaded by the share
 * of strides that have the lock closed there.
 */
function plotScene(results: readonly Result[]): Scene {
  const { width, height, left, right, top } = PLOT;
  const locking = results.filter((r) => r.ctrl !== passive);
  const bottom = STRIP_Y + locking.length * (STRIP_H + STRIP_GAP) + 6;
  const lo = Math.min(0, ...results.flatMap((r) => [...r.curve]));
  const hi = Math.max(0, ...results.flatMap((r) => [...r.curve]));
  const step = tickStep(hi - lo);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.ceil(hi / step) * step;
  const px = (f: number): number => left + f * (right - left);
  const py = (w: number): number => bottom + ((w - yMin) / (yMax - yMin)) * (top - bottom);
  const shapes: Shape[] = [];
  const base = results.find((r) => r.ctrl === baseline);
  if (base !== undefined && Number.isFinite(base.summary.toeOffFraction)) {
    const a = px(base.summary.toeOffFraction);
    const b = px(Math.min(1, base.summary.touchDownFraction));
    shapes.push({ id: 'swing', kind: 'rect', x: (a + b) / 2, y: (bottom + top) / 2, angle: 0, width: b - a, height: top - bottom, fill: '#eef2f7' });
    shapes.push(text('swing-label', (a + b) / 2, top - 16, 'SWING (BASELINE)', { align: 'center', fill: '#6a7a90' }));
  }
  for (let k = 0; k <= 10; k++) {
    const x = px(k / 10);
    shapes.push(segment(`grid-x-${k}`, x, bottom, x, top, '#e2e2e2'));
    shapes.push(segment(`tick-x-${k}`, x, STRIP_Y - 6, x, STRIP_Y, TEXT));
    shapes.push(text(`label-x-${k}`, x, TICK_LABEL_Y, (k / 10).toFixed(1), { align: 'center' }));
  }
  for (let w = yMin, k = 0; w <= yMax; w += step, k++) {
    const y = py(w);
    shapes.push(segment(`grid-y-${k}`, left, y, right, y, w === 0 ? '#9a9a9a' : '#e2e2e2', w === 0 ? 2 : 1));
    shapes.push(segment(`tick-y-${k}`, left - 5, y, left, y, TEXT));
    shapes.push(text(`label-y-${k}`, left - 10, y - SMALL / 2, String(w), { align: 'right' }));
  }
  for (const r of results) {
    if (!releasesConsistent(r.summary)) continue;
    shapes.push(...dashed(`release-${r.ctrl.name}`, px(r.summary.releaseFraction), bottom, top, r.ctrl.color));
  }
  for (const r of results) {
    const points: number[] = [];
    r.curve.forEach((w, j) => points.push(px((j + 0.5) / GRID), py(w)));
    shapes.push({ id: `curve-${r.ctrl.name}`, kind: 'polyline', x: 0, y: 0, angle: 0, points, stroke: r.ctrl.color, lineWidth: 3 });
  }
  locking.forEach((r, k) => {
    const y = STRIP_Y + (locking.length - 1 - k) * (STRIP_H + STRIP_GAP) + STRIP_H / 2;
    const cell = (right - left) / GRID;
    r.lockClosed.forEach((p, j) => {
      if (p > 0) shapes.push({ id: `lock-${r.ctrl.name}-${j}`, kind: 'rect', x: left + (j + 0.5) * cell, y, angle: 0, width: cell, height: STRIP_H, fill: fade(r.ctrl.color, p) });
    });
    shapes.push({ id: `lock-frame-${r.ctrl.name}`, kind: 'rect', x: (left + right) / 2, y, angle: 0, width: right - left, height: STRIP_H, stroke: '#b0b0b0', lineWidth: 1 });
    shapes.push(text(`lock-label-${r.ctrl.name}`, left - 10, y - SMALL / 2, 'LOCKED', { align: 'right', fill: r.ctrl.color }));
  });
  shapes.push({ id: 'frame', kind: 'rect', x: (left + right) / 2, y: (bottom + top) / 2, angle: 0, width: right - left, height: top - bottom, stroke: TEXT, lineWidth: 1 });
  // the legend, in the corner of the axes the curves cross least
  const legend: [string, string, boolean][] = results.map((r) => [r.ctrl.color, `${describe(r.ctrl)}, ${r.summary.strides} STRIDES`, false]);
  legend.push(['#404040', 'MEAN LOCK RELEASE IN STANCE, IF ONCE PER STRIDE AT A STEADY TIME', true]);
  const boxWidth = 54 + Math.max(...legend.map(([, label]) => label.length)) * (0.8 * SMALL);
  const boxHeight = 18 * legend.length + 10;
  const corners = [[left + 10, top - 10], [right - 10 - boxWidth, top - 10], [left + 10, bottom + 10 + boxHeight], [right - 10 - boxWidth, bottom + 10 + boxHeight]];
  const crossings = (x0: number, y0: number): number =>
    results.reduce((n, r) => n + [...r.curve].filter((w, j) => px((j + 0.5) / GRID) >= x0 && px((j + 0.5) / GRID) <= x0 + boxWidth && py(w) <= y0 && py(w) >= y0 - boxHeight).length, 0);
  const [bx, by] = corners.reduce((best, c) => (crossings(c[0], c[1]) < crossings(best[0], best[1]) ? c : best));
  shapes.push({ id: 'legend', kind: 'rect', x: bx + boxWidth / 2, y: by - boxHeight / 2, angle: 0, width: boxWidth, height: boxHeight, fill: '#ffffff', stroke: '#b0b0b0', lineWidth: 1 });
  legend.forEach(([color, label, isDashed], k) => {
    const y = by - 14 - 18 * k;
    if (isDashed) shapes.push(...dashed(`legend-mark-${k}`, bx + 20, y - 7, y + 9, color));
    else shapes.push(segment(`legend-mark-${k}`, bx + 8, y, bx + 34, y, color, 3));
    shapes.push(text(`legend-label-${k}`, bx + 44, y - SMALL / 2, label));
  });
  shapes.push(text('title', width / 2, top + 40, `${ENV_ID.toUpperCase()}: ANKLE POWER OF THE PROSTHESIS OVER A GAIT CYCLE`, { size: 15, align: 'center' }));
  shapes.push(text('subtitle', width / 2, top + 16, 'MEAN OVER STRIDES OF 20 MS STEP MEANS, POSITIVE: THE ANKLE DELIVERS ENERGY. STRIPS: SHARE OF STRIDES LOCKED', { align: 'center', fill: '#505050' }));
  shapes.push(text('x-label', (left + right) / 2, 16, 'FRACTION OF THE STRIDE OF LEG 0 (0 = GAIT PHASE 0, THE HEEL-STRIKE EVENT OF THE ENV)', { align: 'center' }));
  shapes.push(text('y-label', 30, (bottom + top) / 2, 'ANKLE POWER (W)', { align: 'center', angle: Math.PI / 2 }));
  return { bounds: { xMin: 0, xMax: width, yMin: 0, yMax: height }, background: '#ffffff', shapes };
}

function describe(ctrl: Controller): string {
  if (ctrl === baseline) return 'FIXED-TIMING BASELINE';
  if (ctrl === passive) return 'PASSIVE SPRING FOOT (NO MOTOR, NO LOCK)';
  return ctrl.name.toUpperCase().replace('LEARNED', 'LEARNED CONTROLLER');
}

// ── the table and main ──

function table(summaries: readonly Summary[]): string {
  const f = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const rows: [string, (s: Summary) => string][] = [
    ['episodes (falls)', (s) => `${s.episodes} (${s.falls})`],
    ['mean return', (s) => f(s.meanReturn, 1)],
    ['strides counted', (s) => String(s.strides)],
    ['stride time (s)', (s) => f(s.strideTime, 3)],
    ['mean speed (m/s)', (s) => f(s.speed, 3)],
    ['motor energy per stride (J)', (s) => f(s.motorEnergyPerStride, 2)],
    ['motor energy per metre (J/m)', (s) => f(s.motorEnergyPerMetre, 2)],
    ['push-off work per stride (J)', (s) => f(s.pushOffWorkPerStride, 2)],
    ['net ankle work per stride (J)', (s) => f(s.netWorkPerStride, 2)],
    ['late-stance net work per stride (J; v1 pays up to 11.25)', (s) => f(s.lateWorkPerStride, 2)],
    ['peak ankle power, 2.5 ms (W)', (s) => f(s.peakAnklePower, 0)],
    ['peak of the mean curve, 20 ms (W)', (s) => f(s.peakMeanCurvePower, 0)],
    ['lock releases in stance per stride', (s) => f(s.releasesPerStride, 2)],
    ['release: env gait phase (mean)', (s) => f(s.releasePhase, 3)],
    ['release: fraction of the stride (mean)', (s) => f(s.releaseFraction, 3)],
    ['release: fraction of the stride (10th–90th percentile)', (s) => (s.releasesPerStride > 0 ? `${f(s.releaseFractionRange[0], 2)}–${f(s.releaseFractionRange[1], 2)}` : '–')],
    ['catapult release (end of the longest lock hold in stance): strides', (s) => String(s.mainReleases)],
    ['catapult release: fraction of the stride (mean; 10th–90th percentile)', (s) => (s.mainReleases > 0 ? `${f(s.mainReleaseFraction, 3)} (${f(s.mainReleaseFractionRange[0], 2)}–${f(s.mainReleaseFractionRange[1], 2)})` : '–')],
    ['strides with the catapult release in late stance (≥ 0.4 of the stride)', (s) => f(s.lateReleaseShare, 2)],
    ['toe-off: fraction of the stride (mean)', (s) => f(s.toeOffFraction, 3)],
  ];
  const lines = [`| | ${summaries.map((s) => s.name).join(' | ')} |`, `|---|${summaries.map(() => '---:').join('|')}|`];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${summaries.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): { checkpoint?: string; env?: string; episodes: number; seed: number; out: string; json: boolean } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : undefined;
  };
  const int = (flag: string, fallback: number, min: number): number => {
    const v = value(flag);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench/prosthesis: ${flag} must be an integer ≥ ${min}, received ${v}`);
    return n;
  };
  const env = value('--env');
  if (env !== undefined && !ENV_IDS.includes(env)) throw new Error(`bench/prosthesis: --env must be one of ${ENV_IDS.join(', ')}, received ${env}`);
  return { checkpoint: value('--checkpoint'), env, episodes: int('--episodes', 5, 1), seed: int('--seed', 0, 0), out: value('--out') ?? 'envs/robot/power-curve.png', json: argv.includes('--json') };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  ENV_ID = args.env ?? (args.checkpoint !== undefined && existsSync(args.checkpoint) ? readCheckpointMeta(readCheckpoint(args.checkpoint)).envId : ENV_ID);
  const controllers = [baseline, ...(args.checkpoint !== undefined ? [learned(args.checkpoint)] : []), passive];
  const results = controllers.map((c) => evaluate(c, args.episodes, args.seed));
  const scene = plotScene(results);
  writeFileSync(args.out, encodePng(rasterize(scene, PLOT.width, PLOT.height, { supersample: 2 }), PLOT.width, PLOT.height));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ commit: commitId(), machine: machine(), checkpoint: args.checkpoint ?? null, seeds: [args.seed, args.seed + args.episodes - 1], summaries: results.map((r) => r.summary) })}\n`);
    return;
  }
  console.log(`bench prosthesis · commit ${commitId()} · ${machine()}`);
  console.log(`${ENV_ID}, seeds ${args.seed}–${args.seed + args.episodes - 1}${args.checkpoint !== undefined ? `, checkpoint ${args.checkpoint}` : ''}\n`);
  console.log(table(results.map((r) => r.summary)));
  console.log(`\nwrote ${args.out}`);
}

main();
