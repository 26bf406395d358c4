/**
 * Sweep reports on the return chart: "Open sweep report…" in the run list reads a sweep's
 * `report.json` (written by `dojo sweep`, checked with the schema in src/core/sweep-report.ts) and adds
 * one overlay per config point, its mean deterministic eval return over seeds, labelled
 * "sweep <name> <point> (eval)". Each point can be ticked off and on, and a whole sweep removed, like
 * run overlays; the current run and its charts are left as they are.
 */
import { parseSweepReport, type SweepReport } from '../../core/sweep-report.ts';
import type { Overlay } from '../charts.ts';
import { el, showError } from '../dom.ts';

/** Colours of sweep points (matplotlib's tab10, as curves.png), apart from the run list's. */
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

interface LoadedSweep {
  readonly report: SweepReport;
  /** Whether each point (by index in `report.points`) is drawn. */
  readonly shown: boolean[];
}

const sweeps: LoadedSweep[] = [];
/** Called when the overlays change (runs.ts redraws the chart's overlays). */
let onChange: () => void = () => {};

/** The overlays of the loaded sweeps' ticked points, in the order they were opened. */
export function sweepOverlays(): Overlay[] {
  return sweeps.flatMap((s) => s.report.points
    .map((p, i) => ({ label: `sweep ${s.report.name} ${p.label} (eval)`, colour: COLOURS[i % COLOURS.length], points: p.curve }))
    .filter((_, i) => s.shown[i] && s.report.points[i].curve.length > 0));
}

/** Wires the file input; `changed` redraws the overlays. */
export function initSweepOverlays(changed: () => void): void {
  onChange = changed;
  const input = el('sweep-input') as HTMLInputElement;
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = ''; // the same file can be opened again after a removal
    for (const f of files) void openReport(f);
  });
}

async function openReport(file: File): Promise<void> {
  let report: SweepReport;
  try {
    report = parseSweepReport(await file.text(), file.name);
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  const same = sweeps.findIndex((s) => s.report.name === report.name);
  const entry = { report, shown: report.points.map(() => true) };
  if (same >= 0) sweeps[same] = entry; // a newer report of the same sweep replaces the older
  else sweeps.push(entry);
  changedNow();
}

function changedNow(): void {
  onChange();
  render();
}

function render(): void {
  const list = el('sweep-list');
  list.innerHTML = '';
  for (const s of sweeps) list.appendChild(sweepItem(s));
}

function sweepItem(s: LoadedSweep): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.sweep = s.report.name;
  const head = document.createElement('div');
  head.className = 'row spread';
  const title = document.createElement('span');
  title.textContent = `sweep ${s.report.name}: ${s.report.algo.toUpperCase()} on ${s.report.env}, ${s.report.points.length} config points (${s.report.objective}, best first)`;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'small';
  remove.textContent = 'Remove';
  remove.title = 'take this sweep\'s curves off the chart';
  remove.addEventListener('click', () => {
    sweeps.splice(sweeps.indexOf(s), 1);
    changedNow();
  });
  head.append(title, remove);
  li.appendChild(head);
  s.report.points.forEach((_, i) => li.appendChild(pointToggle(s, i)));
  return li;
}

function pointToggle(s: LoadedSweep, i: number): HTMLLabelElement {
  const p = s.report.points[i];
  const label = document.createElement('label');
  label.className = 'sweep-point';
  label.dataset.point = String(p.point);
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = s.shown[i];
  box.disabled = p.curve.length === 0;
  box.addEventListener('change', () => {
    s.shown[i] = box.checked;
    onChange();
  });
  const dot = document.createElement('span');
  dot.className = 'swatch';
  dot.style.background = COLOURS[i % COLOURS.length];
  const objective = p.objective === null ? 'no seed finished' : `${s.report.objective} ${p.objective.toFixed(1)}`;
  label.append(box, dot, `${p.label}: ${p.curve.length === 0 ? 'no evaluations' : objective}`);
  return label;
}
