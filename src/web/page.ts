/**
 * The page's state and its widgets, shared by the controller modules (main.ts: messages and the frame
 * clock; training.ts: runs; play-mode.ts: human play). One page, one state object: plain fields that
 * the handlers read and write, and small helpers that reflect them in the DOM.
 */
import type { Metrics } from '../core/metrics.ts';
import type { Scene } from '../gym/scene.ts';
import { MetricCharts } from './charts.ts';
import { el } from './dom.ts';
import { ConfigForm } from './panels/config-form.ts';
import { NetworkPanel } from './panels/network.ts';
import { KeyboardPlayer } from './panels/play.ts';
import { loadSettings, saveSettings, type Settings } from './persist.ts';
import type { Catalog, EnvInfo, Frame, Speed } from './protocol.ts';
import type { SceneRenderer } from './renderer.ts';
import { WorkerLink } from './worker-link.ts';

/** What the view shows: the agent's policy, a human at the keyboard, or a board game being clicked. */
export type View = 'agent' | 'keys' | 'board';

export const link = new WorkerLink();
export const envSelect = el<HTMLSelectElement>('env-select');
export const algoSelect = el<HTMLSelectElement>('algo-select');
export const form = new ConfigForm(el('config-form'));
export const charts = new MetricCharts(el('charts'));
export const network = new NetworkPanel(el('network'));
export const keyboard = new KeyboardPlayer();
export const buttons = { start: el<HTMLButtonElement>('start-btn'), pause: el<HTMLButtonElement>('pause-btn'), step: el<HTMLButtonElement>('step-btn'), reset: el<HTMLButtonElement>('reset-btn') };

export const state = {
  catalog: null as Catalog | null,
  settings: loadSettings() as Settings,
  runState: 'none' as 'none' | 'live' | 'finished',
  /** Counts configure requests; replies about an older run are stale. */
  runId: 0,
  running: false,
  /** `iterate` requests in flight (turbo keeps two, so the worker never waits for the page). */
  inflight: 0,
  framesInflight: false,
  afterConfigure: null as (() => void) | null,
  /** Frames waiting to be shown at `fps`. */
  queue: [] as Frame[],
  fps: 30,
  speed: 'fast' as Speed,
  lastIterSeconds: 0.05,
  /** Seconds the worker spent inside the training generator this run (the rest is view and messaging). */
  trainSeconds: 0,
  lastEpisodeAt: 0,
  lastNetworkAt: 0,
  lastAutosaveAt: 0,
  rows: [] as Metrics[],
  totalTimesteps: 0,
  view: 'agent' as View,
  loadedName: null as string | null,
  lastScene: null as Scene | null,
  lastFrame: null as Frame | null,
  renderer: null as SceneRenderer | null,
};

/** The catalog entry of an env id (default: the selected one). */
export function envInfo(id = envSelect.value): EnvInfo | undefined {
  return state.catalog?.envs.find((e) => e.id === id);
}

/** Remembers the selection and this pair's config. */
export function persist(): void {
  const s = state.settings;
  s.envId = envSelect.value;
  s.algo = algoSelect.value;
  s.configs ??= {};
  if (algoSelect.value !== '') s.configs[`${algoSelect.value}@${envSelect.value}`] = form.values();
  saveSettings(s);
}

/** Enables the controls that make sense now. */
export function syncButtons(): void {
  const canTrain = algoSelect.value !== '' && state.view === 'agent';
  buttons.start.disabled = !canTrain || state.running;
  buttons.start.textContent = state.runState === 'live' && !state.running && state.rows.length > 0 ? 'Resume' : 'Start';
  buttons.pause.disabled = !state.running;
  buttons.step.disabled = !canTrain || state.running || state.runState === 'finished';
  form.setEnabled(state.runState !== 'live');
  el('config-form').classList.toggle('locked', state.runState === 'live');
  const env = envInfo();
  el('play-btn').hidden = env?.keymap === null || env === undefined;
  el('board-btn').hidden = env?.game === null || env === undefined;
  el('resume-row').hidden = state.loadedName === null;
}

/** Sets the status line to `text`, or (without text) to the run's progress. */
export function status(text?: string): void {
  if (text !== undefined) {
    el('status-line').textContent = text;
    return;
  }
  const last = state.rows[state.rows.length - 1];
  if (last === undefined) return;
  let ret: number | undefined;
  for (let i = state.rows.length - 1; i >= 0 && ret === undefined; i--) ret = state.rows[i]['charts/episodic_return'];
  const parts = [
    `iteration ${last.iteration ?? state.rows.length}`,
    `${(last.global_step ?? 0).toLocaleString('en')} / ${state.totalTimesteps.toLocaleString('en')} steps`,
    `return ${ret === undefined ? '—' : ret.toFixed(1)}`,
    last['charts/SPS'] !== undefined ? `${last['charts/SPS'].toLocaleString('en')} steps/s` : '',
  ].filter((p) => p !== '');
  const prefix = state.runState === 'finished' ? 'Finished. ' : state.running ? '' : 'Paused. ';
  el('status-line').textContent = prefix + parts.join(' · ');
}

/** The view's greedy-actions switch. */
export function greedy(): boolean {
  return el<HTMLInputElement>('greedy-check').checked;
}
