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
import { MindPanel } from './panels/mind.ts';
import { NetworkPanel } from './panels/network.ts';
import { KeyboardPlayer } from './panels/play.ts';
import { loadSettings, saveSettings, type Settings } from './persist.ts';
import type { Catalog, EnvInfo, Frame, Speed } from './protocol.ts';
import type { SceneRenderer } from './renderer.ts';
import { urlQuery } from './url-state.ts';
import { WorkerLink } from './worker-link.ts';

/** What the view shows: the agent's policy, a human at the keyboard, or a board game being clicked. */
export type View = 'agent' | 'keys' | 'board';

export const link = new WorkerLink();
export const envSelect = el<HTMLSelectElement>('env-select');
export const algoSelect = el<HTMLSelectElement>('algo-select');
export const form = new ConfigForm(el('config-form'));
export const charts = new MetricCharts(el('charts'));
export const network = new NetworkPanel(el('network'));
export const mind = new MindPanel(el('mind'));
export const keyboard = new KeyboardPlayer();
export const buttons = { start: el<HTMLButtonElement>('start-btn'), pause: el<HTMLButtonElement>('pause-btn'), step: el<HTMLButtonElement>('step-btn'), reset: el<HTMLButtonElement>('reset-btn') };

export const state = {
  catalog: null as Catalog | null,
  settings: loadSettings() as Settings,
  runState: 'none' as 'none' | 'live' | 'finished',
  /** Counts configure requests; replies about an older run are stale. */
  runId: 0,
  /** The training worker was told to run (and has not said it stopped). */
  running: false,
  /** A `frames` or `episode` request to the view worker is unanswered. */
  framesInflight: false,
  /** The view worker's current display: frames of an older one are dropped. */
  display: 0,
  afterConfigure: null as (() => void) | null,
  /** Frames waiting to be shown at `fps`. */
  queue: [] as Frame[],
  fps: 30,
  speed: 'fast' as Speed,
  /** Seconds the worker spent inside the training generator this run. */
  trainSeconds: 0,
  /** The global step the current run started from (0, or a continued checkpoint's), for the ETA. */
  startStep: 0,
  /** Progress inside the iteration in flight, or null between iterations. */
  progress: null as { phase: 'rollout' | 'update'; collected: number; rolloutSteps: number | null; epoch: number | null; epochs: number | null; seconds: number } | null,
  /** The run list's id of the run being trained, and of a re-opened run being played. */
  currentRunId: null as string | null,
  openedRunId: null as string | null,
  lastEpisodeAt: 0,
  lastNetworkAt: 0,
  lastAutosaveAt: 0,
  rows: [] as Metrics[],
  /** The config the selected pair starts from (defaults, with its tuned preset or browser budget): the link names only changes from it. */
  baseline: {} as Record<string, unknown>,
  totalTimesteps: 0,
  view: 'agent' as View,
  loadedName: null as string | null,
  lastScene: null as Scene | null,
  lastFrame: null as Frame | null,
  /** Human play waits until then (the game-over moment), in performance.now() ms. */
  holdUntil: 0,
  renderer: null as SceneRenderer | null,
};

/** The catalog entry of an env id (default: the selected one). */
export function envInfo(id = envSelect.value): EnvInfo | undefined {
  return state.catalog?.envs.find((e) => e.id === id);
}

/** Remembers the selection and this pair's config, and writes them into the page's URL (a link to share). */
export function persist(): void {
  const s = state.settings;
  s.envId = envSelect.value;
  s.algo = algoSelect.value;
  s.configs ??= {};
  const values = form.values();
  if (algoSelect.value !== '') s.configs[`${algoSelect.value}@${envSelect.value}`] = values;
  saveSettings(s);
  writeUrl(values);
}

/**
 * Writes the selection and the settings changed from the pair's start into the URL (replacing it: Back still
 * leaves). While a checkpoint plays, the settings are its own (a link cannot carry the file), so only the
 * env and the algorithm go in, and a reload restores the checkpoint.
 */
export function writeUrl(values: Readonly<Record<string, unknown>> = form.values()): void {
  if (envSelect.value !== '') history.replaceState(null, '', urlQuery(envSelect.value, algoSelect.value, state.loadedName === null ? values : {}, state.baseline));
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
  el('mind').hidden = state.view !== 'agent';
}

/** Sets the status line to `text`, or (without text) to the run's progress. */
export function status(text?: string): void {
  if (text !== undefined) {
    el('status-line').textContent = text;
    return;
  }
  const last = state.rows[state.rows.length - 1];
  if (last === undefined) {
    if (state.running && state.progress !== null) el('status-line').textContent = progressText();
    return;
  }
  let ret: number | undefined;
  for (let i = state.rows.length - 1; i >= 0 && ret === undefined; i--) ret = state.rows[i]['charts/episodic_return'];
  const parts = [
    `iteration ${last.iteration ?? state.rows.length}`,
    `${(last.global_step ?? 0).toLocaleString('en')} / ${state.totalTimesteps.toLocaleString('en')} steps`,
    `return ${ret === undefined ? '—' : ret.toFixed(1)}`,
    last['charts/SPS'] !== undefined ? `${last['charts/SPS'].toLocaleString('en')} steps/s` : '',
    state.running ? eta(last.global_step ?? 0) : '',
    state.running && state.progress !== null ? progressText() : '',
  ].filter((p) => p !== '');
  const prefix = state.runState === 'finished' ? 'Finished. ' : state.running ? '' : 'Paused. ';
  el('status-line').textContent = prefix + parts.join(' · ');
}

/** "collecting 12,288 / 32,768 steps" or "updating the networks (4 s)". */
function progressText(): string {
  const p = state.progress;
  if (p === null) return '';
  if (p.phase === 'update') return p.epoch !== null && p.epochs !== null ? `updating the networks: epoch ${p.epoch}/${p.epochs}` : `updating the networks (${p.seconds.toFixed(0)} s into the iteration)`;
  return p.rolloutSteps !== null ? `collecting ${p.collected.toLocaleString('en')} / ${p.rolloutSteps.toLocaleString('en')} steps` : `collecting: ${p.collected.toLocaleString('en')} steps this iteration`;
}

/** Time left for the whole run at the rate so far ("about 12 min left"). */
function eta(step: number): string {
  const seconds = state.trainSeconds;
  const done = step - state.startStep;
  if (done <= 0 || seconds < 2 || state.totalTimesteps <= step) return '';
  const left = ((state.totalTimesteps - step) * seconds) / done;
  return `about ${left < 90 ? `${Math.ceil(left)} s` : left < 5400 ? `${Math.round(left / 60)} min` : `${(left / 3600).toFixed(1)} h`} left`;
}

/** The view's actions switch: greedy (true) or sampled. */
export function greedy(): boolean {
  return el<HTMLInputElement>('greedy-radio').checked;
}
