/**
 * The run list: every run of this page, kept. Leaving a run (Reset, another env or algorithm, a zoo
 * entry, a loaded file, a new Start) never discards it: it moves to the list with its metrics rows
 * and the latest checkpoint the view worker holds (taken at most a second before). Runs are stored in
 * IndexedDB as they train (rows and the autosaved checkpoint), so they survive a reload, and a run
 * that was training when the page closed comes back as "stopped".
 *
 * From the list a run can be overlaid on the return chart (its mean-of-10 return curve in its colour),
 * re-opened (its checkpoint plays, its curve returns, and Start can continue it), saved as
 * `.safetensors` + `metrics.jsonl`, or deleted (after asking). A sweep's report.json can be opened
 * beside them to overlay its config points' eval curves (panels/sweep-overlay.ts).
 */
import type { Metrics } from '../core/metrics.ts';
import { metricsLine } from '../core/metrics.ts';
import { download, el, paced, showError } from './dom.ts';
import { charts, link, state } from './page.ts';
import { initSweepOverlays, sweepOverlays } from './panels/sweep-overlay.ts';
import { deleteRun, listRuns, putRun, type StoredRun } from './persist.ts';

const COLOURS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9333ea', '#ea580c'];
/** Episodes in the running mean that the list's "best" and the overlays use (as the return chart). */
const MEAN_WINDOW = 10;
/** The list re-renders at most this often while a run trains. */
const RENDER_EVERY_MS = 1000;

/** A run of the list; `live` is the run the page trains now. */
export interface RunEntry {
  id: string;
  envId: string;
  algo: string;
  config: Readonly<Record<string, unknown>>;
  envKwargs: Readonly<Record<string, unknown>>;
  rows: Metrics[];
  status: 'live' | StoredRun['status'];
  colour: string;
  overlay: boolean;
  checkpoint: ArrayBuffer | null;
  /** The global step of `checkpoint` (-1 without one): a continued run starts there. */
  checkpointStep: number;
  startedAt: number;
  /** False when the last write to IndexedDB failed (shown in the list). */
  stored: boolean;
}

const runs: RunEntry[] = [];
/** Runs the page left, waiting for the view worker's snapshot of their weights, by the page's run id. */
const pendingSnapshots = new Map<number, RunEntry>();
let counter = 0;
/** Called to re-open a run (main.ts loads its checkpoint and restores its curve). */
let onOpen: (run: RunEntry) => void = () => {};

/** The run the page trains now, if any. */
export function currentRun(): RunEntry | undefined {
  return runs.find((r) => r.id === state.currentRunId);
}

/** Every run in the list (oldest first). */
export function allRuns(): readonly RunEntry[] {
  return runs;
}

/** Adds the run the worker just configured; `rows` are its rows so far (a continued run starts with its parent's). */
export function addLiveRun(envId: string, algo: string, config: Readonly<Record<string, unknown>>, envKwargs: Readonly<Record<string, unknown>>, rows: Metrics[]): RunEntry {
  const used = new Set(runs.map((r) => r.colour));
  const colour = COLOURS.find((c) => !used.has(c)) ?? COLOURS[runs.length % COLOURS.length];
  const run: RunEntry = { id: `${Date.now().toString(36)}-${(counter++).toString(36)}`, envId, algo, config, envKwargs, rows, status: 'live', colour, overlay: false, checkpoint: null, checkpointStep: -1, startedAt: Date.now(), stored: true };
  runs.push(run);
  state.currentRunId = run.id;
  render(true);
  return run;
}

/** The current run got a new autosaved checkpoint: store it with its rows. */
export function autosaved(bytes: ArrayBuffer, globalStep: number): void {
  const run = currentRun();
  if (run === undefined) return;
  run.checkpoint = bytes;
  run.checkpointStep = globalStep;
  void store(run);
}

/** The current run finished its budget. */
export function finished(): void {
  const run = currentRun();
  if (run === undefined) return;
  run.status = 'finished';
  void store(run);
  render(true);
}

/**
 * Keeps the current run in the list before the page leaves it: the view worker's latest snapshot of
 * its weights (fresher than the last autosave) is asked for, and the run is stored with it.
 */
export function keepRun(): void {
  const run = currentRun();
  state.currentRunId = null;
  if (run === undefined) return;
  if (run.rows.length === 0 && run.checkpoint === null) {
    runs.splice(runs.indexOf(run), 1); // nothing happened in it yet
    render(true);
    return;
  }
  if (run.status === 'live') run.status = 'stopped';
  pendingSnapshots.set(state.runId, run);
  link.view({ type: 'snapshot', runId: state.runId });
  state.runId++; // rows the worker still sends about this run are not the page's any more: the kept run stays as stored
  state.running = false;
  void store(run);
  render(true);
}

/** The view worker's answer to `keepRun`'s request. */
export function onSnapshot(runId: number, bytes: ArrayBuffer | null, globalStep: number): void {
  const run = pendingSnapshots.get(runId);
  pendingSnapshots.delete(runId);
  if (run === undefined || bytes === null || globalStep < run.checkpointStep) return;
  run.checkpoint = bytes;
  run.checkpointStep = globalStep;
  void store(run);
}

/** New rows arrived for the current run. */
export function rowsChanged(): void {
  render(false);
}

async function store(run: RunEntry): Promise<void> {
  const { status, ...rest } = run;
  const ok = await putRun({ ...rest, rows: run.rows.slice(), status: status === 'live' ? 'stopped' : status, savedAt: Date.now() });
  if (ok !== run.stored) {
    run.stored = ok;
    render(true);
  }
}

/** Restores the stored runs after a reload (a run that was live then is 'stopped' now). */
export async function restoreRuns(open: (run: RunEntry) => void): Promise<void> {
  onOpen = open;
  initSweepOverlays(overlaysChanged);
  for (const s of await listRuns()) {
    if (runs.some((r) => r.id === s.id)) continue;
    runs.push({ ...s, rows: s.rows.slice(), status: s.status, stored: true });
  }
  runs.sort((a, b) => a.startedAt - b.startedAt);
  overlaysChanged();
  render(true);
}

/** Mean-of-10 return curve of a run: [global_step, mean] points. */
export function meanCurve(rows: readonly Metrics[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const recent: number[] = [];
  for (const r of rows) {
    const v = r['charts/episodic_return'];
    if (v === undefined || !Number.isFinite(v)) continue;
    recent.push(v);
    if (recent.length > MEAN_WINDOW) recent.shift();
    out.push([r.global_step ?? out.length, recent.reduce((a, b) => a + b, 0) / recent.length]);
  }
  return out;
}

function bestMean(rows: readonly Metrics[]): number | null {
  let best: number | null = null;
  for (const [, m] of meanCurve(rows)) best = best === null ? m : Math.max(best, m);
  return best;
}

function overlaysChanged(): void {
  const own = runs.filter((r) => r.overlay && r.id !== state.currentRunId && r.id !== state.openedRunId).map((r) => ({ label: `${r.algo.toUpperCase()} ${r.envId} seed ${String(r.config.seed ?? '?')}`, colour: r.colour, points: meanCurve(r.rows) }));
  charts.setOverlays([...own, ...sweepOverlays()]);
}

/** Saves a run as its checkpoint and its metrics.jsonl (two downloads). */
function saveRun(run: RunEntry): void {
  const base = `${run.envId.replace(/\//g, '_')}.${run.algo}.seed-${String(run.config.seed ?? 0)}.${run.id}`;
  if (run.checkpoint !== null) download(`${base}.safetensors`, run.checkpoint, 'application/octet-stream');
  download(`${base}.metrics.jsonl`, run.rows.map((r) => metricsLine(r) + '\n').join(''), 'application/x-ndjson');
}

async function removeRun(run: RunEntry): Promise<void> {
  if (!window.confirm(`Delete the run ${run.algo.toUpperCase()} on ${run.envId} (${run.rows.length} iterations)? Its metrics and checkpoint are gone for good unless you saved them.`)) return;
  runs.splice(runs.indexOf(run), 1);
  await deleteRun(run.id);
  overlaysChanged();
  render(true);
}

/** Redraws the run list, at once with `now`, else at most once a second (rows arrive many times a second). */
const render = paced(() => {
  const body = el('runs-body');
  body.innerHTML = '';
  el('runs-empty').hidden = runs.length > 0;
  for (const run of [...runs].reverse()) body.appendChild(runRow(run));
}, RENDER_EVERY_MS);

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className !== '') td.className = className;
  return td;
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'small';
  b.textContent = text;
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function runRow(run: RunEntry): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.run = run.id;
  const live = run.id === state.currentRunId;
  const opened = run.id === state.openedRunId;
  const swatch = document.createElement('td');
  const dot = document.createElement('span');
  dot.className = 'swatch';
  dot.style.background = run.colour;
  swatch.appendChild(dot);
  const overlay = document.createElement('input');
  overlay.type = 'checkbox';
  overlay.checked = run.overlay;
  overlay.disabled = live || opened;
  overlay.title = live || opened ? 'this run is on the charts already' : 'overlay its return curve on the chart';
  overlay.setAttribute('aria-label', 'overlay on the return chart');
  overlay.addEventListener('change', () => {
    run.overlay = overlay.checked;
    overlaysChanged();
    void store(run);
  });
  swatch.appendChild(overlay);
  const last = run.rows[run.rows.length - 1];
  const best = bestMean(run.rows);
  const status = live ? (state.running ? 'training' : 'paused') : opened ? 'open' : run.status;
  tr.append(
    swatch,
    cell(run.envId),
    cell(run.algo.toUpperCase()),
    cell(String(run.config.seed ?? '—'), 'num'),
    cell((last?.global_step ?? 0).toLocaleString('en'), 'num'),
    cell(best === null ? '—' : best.toFixed(1), 'num'),
    cell(run.stored ? status : `${status} (not stored: browser storage unavailable or full)`, 'run-status'),
  );
  const actions = document.createElement('td');
  actions.className = 'run-actions';
  if (!live && !opened) actions.appendChild(button('Open', run.checkpoint === null ? 'show its curve (no checkpoint was taken yet)' : 'play its checkpoint and show its curve; Start then continues it', () => onOpen(run)));
  actions.appendChild(button('Save', 'download its .safetensors checkpoint and metrics.jsonl', () => (run.checkpoint === null && live ? showError('No checkpoint of this run yet: pause it or wait for the next autosave.') : saveRun(run))));
  if (!live) actions.appendChild(button('Delete', 'forget this run (asks first)', () => void removeRun(run)));
  tr.appendChild(actions);
  return tr;
}
