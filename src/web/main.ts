/**
 * The browser sandbox: pick an env and an algorithm, press Start, watch the agent learn.
 *
 * This page is only the glass. The training worker (worker.ts) trains on its own clock and sends a
 * metrics row per iteration (training.ts starts, pauses and steps it); the view worker
 * (view-worker.ts) plays the latest policy snapshot, and this page asks it for frames on its
 * animation clock and plays them at the env's `renderFps` with the pixi renderer. So the view moves
 * during a long iteration, and a hidden tab (no animation frames) still trains. Metrics rows go to
 * the uPlot charts and the run list (runs.ts); weight and activation histograms to the network panel.
 *
 * This file: the pickers, the workers' messages, the frame clock, and the wiring.
 */
import './style.css';
import { defaultsOf } from '../../agents/common/config.ts';
import type { Metrics } from '../core/metrics.ts';
import { metricsLine, parseMetricsJsonl } from '../core/metrics.ts';
import type { Scene } from '../gym/scene.ts';
import { clearError, download, el, paced, showError } from './dom.ts';
import { algoSelect, charts, envInfo, envSelect, form, greedy, keyboard, link, mind, network, persist, state, status, syncButtons, writeUrl } from './page.ts';
import { mountPaintPanel } from './panels/paint.ts';
import { fillAlgoSelect, fillEnvSelect, showEnvDoc } from './panels/pickers.ts';
import { leavePlay, wirePlay } from './play-mode.ts';
import { lastCheckpoint, saveSettings, storeCheckpoint } from './persist.ts';
import type { Solved } from './charts.ts';
import type { Catalog, Frame, FromView, FromWorker, LoadSource, Speed } from './protocol.ts';
import { SceneRenderer } from './renderer.ts';
import { addLiveRun, allRuns, autosaved, finished, keepRun, onSnapshot, restoreRuns, rowsChanged, type RunEntry } from './runs.ts';
import { autosave, goIdle, requestNetwork, wireControls } from './training.ts';
import { countEpisodes, hideEpisodeEnd, resetCompare, showEpisodeEnd, showMind } from './agent-view.ts';
import { algoAbout, envAbout, liveFields } from './describe.ts';
import { configFromUrl, readUrlState } from './url-state.ts';
import { fetchZoo, fillZooList, zooFor } from './zoo.ts';
import BROWSER_BUDGETS from './browser-budgets.json';

/** Longest sample episode drawn in turbo. */
const EPISODE_CAP = 1500;
/** Turbo shows a fresh sample episode at most this often. */
const TURBO_EPISODE_EVERY_MS = 3000;
/** What a first visit (no link, nothing remembered) shows: this env's trained agent from the zoo. */
const FIRST_VISIT_ENV = 'AmpFootWalker-v0';

// ── pickers and form ──

/** The config note of a tuned preset, with the env kwargs it trains on when it names some. */
function tunedNote(key: string): string {
  const kwargs = state.catalog?.presetKwargs[key];
  return `Tuned config: agents/configs/${key}.json${kwargs !== undefined ? `, on ${JSON.stringify(kwargs)}` : ''}`;
}

/** Builds the form for the selected pair: `values`, else the remembered config, else the tuned preset, else defaults. */
function buildForm(values?: Readonly<Record<string, unknown>>): void {
  const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
  if (agent === undefined) {
    el('config-form').innerHTML = '';
    el('algo-doc').textContent = '';
    return;
  }
  el('algo-doc').textContent = algoAbout(agent.name, agent.title);
  const presetKey = `${agent.name}-${envSelect.value}`;
  const preset = state.catalog?.presets[presetKey];
  const saved = state.settings.configs?.[`${agent.name}@${envSelect.value}`];
  const budget = browserBudget(presetKey);
  state.baseline = { ...defaultsOf(agent.spec), ...(preset ?? budget ?? {}) };
  form.build(agent.spec, values ?? saved ?? preset ?? budget ?? {}, liveFields(agent.name));
  el('preset-btn').hidden = preset === undefined;
  el('config-note').textContent = values !== undefined ? 'Config of the loaded checkpoint.' : saved !== undefined ? 'Your last config for this pair.' : preset !== undefined ? tunedNote(presetKey) : budget !== null ? budgetNote(budget) : 'Defaults (CleanRL).';
}

/**
 * The page's overrides for a pair without a tuned preset whose plain default would take hours here (a smaller
 * budget, and learning that starts sooner), or null. Measured by `npm run bench:browser-budgets`.
 */
function browserBudget(key: string): Readonly<Record<string, number>> | null {
  const budgets: Readonly<Record<string, Readonly<Record<string, number>>>> = BROWSER_BUDGETS.budgets;
  return Object.hasOwn(budgets, key) ? budgets[key] : null;
}

function budgetNote(budget: Readonly<Record<string, number>>): string {
  const fields = Object.entries(budget).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${v.toLocaleString('en')}`).join(', ');
  return `Defaults (CleanRL) with ${fields}, capped so the run takes about ten minutes here: the plain defaults would take hours in a tab, and nobody has tuned this pair yet. Raise them to train longer.`;
}

function onEnvPicked(opts: { idle: boolean }): void {
  const env = envInfo();
  if (env === undefined) return;
  showEnvDoc(el('env-doc'), env);
  el('env-about').textContent = envAbout(env);
  const zoo = zooFor(env.id);
  el('watch-btn').hidden = zoo === undefined;
  if (zoo !== undefined) el('watch-btn').textContent = `Watch a trained agent (${zoo.algo.toUpperCase()})`;
  fillAlgoSelect(algoSelect, env, state.catalog?.agents ?? [], state.settings.algo);
  buildForm();
  leavePlay();
  if (opts.idle) goIdle();
  syncButtons();
}

function setSpeed(s: Speed): void {
  state.speed = s;
  link.send({ type: 'speed', speed: s });
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="speed"]')) r.checked = r.value === s;
}

/**
 * Rows to show with the checkpoint being loaded (its metrics.jsonl, or a re-opened run's), that run's
 * id, and the checkpoint's step: a continued run keeps the rows up to it (the ones after it are redone).
 */
type Curve = { rows: Metrics[]; runId: string | null; step: number };
let pendingCurve: (Curve & { name: string }) | null = null;

/** Plays the zoo's agent for the selected env. */
function watchZoo(): void {
  const zoo = zooFor(envSelect.value);
  if (zoo !== undefined) void fetchZoo(zoo, (bytes, file) => loadBytes(bytes, file, 'zoo'), showError);
}

/** Scrolls the view into sight (after anything is loaded: a zoo entry sits far below it on a phone). */
function showView(): void {
  el('view').scrollIntoView({ block: 'nearest', behavior: 'instant' });
}

function loadBytes(bytes: ArrayBuffer, name: string, source: LoadSource, curve: Curve | null = null): void {
  clearError();
  pendingCurve = curve !== null ? { name, ...curve } : null;
  restoring = source === 'restore';
  el('ckpt-status').textContent = `Loading ${name}…`;
  link.send({ type: 'load', bytes, name, source }, [bytes]);
}

/** The load in flight restores the last autosave (a failure leaves the page idle, not without a picture). */
let restoring = false;

/** Re-opens a run of the run list: its checkpoint plays and its curve returns (Start with "continue" resumes it). */
function openRun(run: RunEntry): void {
  if (run.checkpoint === null) {
    showError(`The run ${run.algo.toUpperCase()} on ${run.envId} has no checkpoint yet; its curve is in the run list's overlay.`);
    return;
  }
  state.running = false;
  loadBytes(run.checkpoint.slice(0), `${run.envId}.${run.algo}.step-${run.rows[run.rows.length - 1]?.global_step ?? 0}.safetensors`, 'run', { rows: run.rows.slice(), runId: run.id, step: run.checkpointStep });
}

// ── charts ──

/** Clears the charts for a run on `envId` (its threshold line, no solved moment yet). */
function resetCharts(envId: string): void {
  el('solved').hidden = true;
  charts.reset(envInfo(envId)?.rewardThreshold ?? null);
}

/** The line of text under the solved marker: when (step, training time) and by how much. */
function showSolved(s: Solved): void {
  const seconds = state.runState === 'live' ? state.trainSeconds : 0;
  const time = seconds > 0 ? ` after ${seconds < 90 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`} of training` : '';
  el('solved').textContent = `Solved at step ${s.step.toLocaleString('en')}${time}: the mean of the last 10 episodic returns (${s.mean.toFixed(1)}) reached ${envSelect.value}'s threshold (${s.threshold}).${state.running ? ' Training goes on to its budget; Pause stops it here.' : ''}`;
  el('solved').hidden = false;
}

// ── worker messages ──

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'catalog':
      void onCatalog(msg.catalog);
      return;
    case 'configured': {
      if (msg.runId !== state.runId) return;
      const continued = msg.resumed && pendingRows !== null ? pendingRows : [];
      pendingRows = null;
      Object.assign(state, { runState: 'live', trainSeconds: 0, rows: continued, totalTimesteps: msg.totalTimesteps, loadedName: null, openedRunId: null, lastAutosaveAt: performance.now(), startStep: msg.globalStep, progress: null });
      resetCharts(msg.envId);
      for (const row of continued) charts.push(row);
      const run = addLiveRun(msg.envId, msg.algo, msg.config, msg.envKwargs, state.rows);
      charts.setColour(run.colour);
      network.clear();
      el('ckpt-status').textContent = '';
      writeUrl();
      status(`Training ${msg.algo.toUpperCase()} on ${msg.envId}…`);
      const then = state.afterConfigure;
      state.afterConfigure = null;
      syncButtons();
      then?.();
      return;
    }
    case 'idled':
      Object.assign(state, { runState: 'none', rows: [], openedRunId: null, progress: null });
      resetCharts(msg.envId);
      network.clear();
      el('ckpt-status').textContent = '';
      status('Random actions. Press Start to train.');
      link.idle();
      syncButtons();
      return;
    case 'iteration':
      return onIteration(msg);
    case 'progress':
      if (msg.runId !== state.runId) return;
      state.progress = { phase: msg.phase, collected: msg.collected, rolloutSteps: msg.rolloutSteps, epoch: msg.epoch, epochs: msg.epochs, seconds: msg.seconds };
      liveStatus(false);
      return;
    case 'stopped':
      if (msg.runId !== state.runId) return;
      state.running = false;
      state.progress = null;
      if (msg.finished) state.runState = 'finished';
      link.idle();
      requestNetwork(true);
      autosave(true);
      status();
      syncButtons();
      return;
    case 'checkpoint':
      if (msg.bytes.byteLength === 0) return; // an autosave with nothing to save
      if (msg.reason === 'download') download(msg.name, msg.bytes, 'application/octet-stream');
      else if (msg.globalStep >= 0) {
        autosaved(msg.bytes.slice(0), msg.globalStep);
        void storeCheckpoint({ name: msg.name, envId: envSelect.value, bytes: msg.bytes, savedAt: Date.now() });
      }
      return;
    case 'loaded':
      return onLoaded(msg);
    case 'error':
      if (msg.context === 'train') Object.assign(state, { running: false, runState: 'finished', progress: null });
      if (msg.context === 'configure') state.afterConfigure = null;
      if (msg.context === 'load') {
        el('ckpt-status').textContent = msg.message;
        pendingCurve = null;
      }
      if (msg.context !== 'view') link.idle();
      showError(msg.context === 'load' ? msg.message : `${msg.context}: ${msg.message}`);
      syncButtons();
      if (msg.context === 'load' && restoring) goIdle();
      restoring = false;
      return;
  }
}

/** Rows a continued run starts with (the re-opened run's curve). */
let pendingRows: Metrics[] | null = null;

function onView(msg: FromView): void {
  switch (msg.type) {
    case 'display':
      state.display = msg.display;
      state.fps = msg.renderFps;
      state.queue = [];
      state.framesInflight = false;
      state.renderer?.clear();
      resetCompare();
      if (msg.source === 'none') mind.empty('Random actions: nothing to read. Watch a trained agent or press Start, and this shows the action probabilities and the value the agent computes at every step.');
      return;
    case 'frames': {
      state.framesInflight = false;
      const frames = msg.frames.filter((f) => f.display === state.display);
      if (state.view === 'keys' && frames.length > 0) {
        const frame = frames[frames.length - 1];
        // step 0 is a reset, which takes no action: a tap it carried was not played (turns: a press shows the new game)
        if (frame.len === 0 && keyboard.mode() === 'realtime') keyboard.notPlayed();
        draw(frame);
      } else if (state.view === 'agent') {
        state.queue.push(...frames);
        countEpisodes(frames);
      }
      return;
    }
    case 'board':
      state.queue.push(...msg.frames.filter((f) => f.display === state.display));
      el('board-status').textContent = msg.status;
      return;
    case 'network':
      network.update(msg.layers);
      return;
    case 'snapshot':
      onSnapshot(msg.runId, msg.bytes, msg.globalStep);
      return;
    case 'onnx':
      download(msg.name, msg.bytes, 'application/octet-stream');
      return;
    case 'engine':
      engineNote = msg.engine === 'onnx-runtime' ? ' · played by ONNX Runtime' : '';
      return;
    case 'error':
      state.framesInflight = false;
      if (msg.context === 'ONNX Runtime') el<HTMLInputElement>('onnx-check').checked = false; // the view worker switched the mode off
      showError(`${msg.context}: ${msg.message}`);
      return;
  }
}

/** Appended to the HUD: which engine computes the view's actions (empty for our core). */
let engineNote = '';

function onIteration(msg: Extract<FromWorker, { type: 'iteration' }>): void {
  if (msg.runId !== state.runId) return; // a reply about a run that was reset or replaced
  state.trainSeconds += msg.seconds;
  state.progress = null;
  if (msg.row !== null) {
    state.rows.push(msg.row);
    charts.push(msg.row);
    rowsChanged();
  }
  if (msg.done) {
    state.running = false;
    state.runState = 'finished';
    finished();
  }
  requestNetwork(msg.done);
  autosave(msg.done);
  liveStatus(msg.done);
}

/**
 * The status line and buttons after a row or a progress message, at most five times a second (at once with
 * `now`: a run's end). At turbo a short iteration sends dozens of rows a second, and every change of the
 * page's text costs a layout and a paint on the page's thread, which shares the two cores with the training
 * worker. A call still pending when the run is reset or replaced does nothing: the page said so already.
 */
const paceLiveStatus = paced(() => {
  if (state.runId !== liveStatusRunId) return;
  status();
  syncButtons();
}, 200);
let liveStatusRunId = -1;

function liveStatus(now: boolean): void {
  liveStatusRunId = state.runId;
  paceLiveStatus(now);
}

function onLoaded(msg: Extract<FromWorker, { type: 'loaded' }>): void {
  restoring = false;
  keepRun(); // the worker closed the run it trained: it stays in the run list (with the view worker's last snapshot)
  if (envSelect.value !== msg.envId) envSelect.value = msg.envId;
  state.settings.algo = msg.algo;
  onEnvPicked({ idle: false });
  showEnvDoc(el('env-doc'), { ...(envInfo(msg.envId) ?? fallbackInfo(msg.envId)), observation: msg.observation, action: msg.action });
  algoSelect.value = msg.algo;
  buildForm(msg.config);
  state.runId++; // the worker closed the run: replies still in flight are stale
  const curve = pendingCurve !== null && pendingCurve.name === msg.name ? pendingCurve : null;
  pendingCurve = null;
  const upTo = Math.min(curve?.step ?? Infinity, msg.globalStep >= 0 ? msg.globalStep : Infinity);
  pendingRows = curve !== null ? curve.rows.filter((r) => (r.global_step ?? 0) <= upTo) : null;
  Object.assign(state, { runState: 'none', running: false, loadedName: msg.name, rows: curve?.rows ?? [], openedRunId: curve?.runId ?? null, fps: msg.renderFps, progress: null });
  resetCharts(msg.envId);
  for (const row of state.rows) charts.push(row);
  requestNetwork(true);
  el('ckpt-status').textContent = `Playing ${msg.name} (${msg.algo.toUpperCase()} on ${msg.envId}${Object.keys(msg.envKwargs).length > 0 ? `, ${JSON.stringify(msg.envKwargs)}` : ''}).`;
  status(`Playing ${msg.name}. Press Start to train a new run${state.rows.length > 0 ? ' (tick "continue" to resume this one)' : ''}.`);
  if (msg.source !== 'restore' && msg.source !== 'run') void storeCheckpoint({ name: msg.name, envId: msg.envId, bytes: msg.bytes, savedAt: Date.now() });
  link.idle();
  persist();
  syncButtons();
  showView();
}

/** The env info the pickers know, or a minimal one for an id the catalog does not list. */
function fallbackInfo(id: string): NonNullable<ReturnType<typeof envInfo>> {
  return { id, category: 'other', observation: '', action: '', rewardThreshold: null, maxEpisodeSteps: null, renderFps: 30, keymap: null, game: null, support: {} };
}

async function onCatalog(catalog: Catalog): Promise<void> {
  if (state.catalog !== null) return refreshCatalog(catalog);
  state.catalog = catalog;
  el('kernel').textContent = `${catalog.kernel === 'wasm-simd' ? 'fast math (WebAssembly SIMD)' : 'plain JavaScript math'} · ${state.renderer?.backend ?? 'no'} view`;
  fillEnvSelect(envSelect, catalog);
  const url = readUrlState(location.search);
  const firstVisit = url === null && state.settings.envId === undefined;
  const wanted = url?.envId ?? (firstVisit ? FIRST_VISIT_ENV : state.settings.envId);
  if (wanted !== undefined && catalog.envs.some((e) => e.id === wanted)) envSelect.value = wanted;
  else if (catalog.envs.some((e) => e.id === 'CartPole-v1')) envSelect.value = 'CartPole-v1';
  if (url?.algo != null) state.settings.algo = url.algo;
  if (state.settings.speed === 'realtime' || state.settings.speed === 'fast' || state.settings.speed === 'turbo') setSpeed(state.settings.speed);
  if (state.settings.deterministic === false) el<HTMLInputElement>('sampled-radio').checked = true;
  const workers = el<HTMLSelectElement>('workers-select');
  if ([...workers.options].some((o) => o.value === state.settings.workers)) workers.value = state.settings.workers ?? 'auto';
  link.view({ type: 'display', deterministic: greedy() });
  link.send({ type: 'speed', speed: state.speed });
  onEnvPicked({ idle: false });
  const linked = url !== null && applyUrlSettings(url.settings);
  writeUrl();
  await restoreRuns(openRun);
  if (firstVisit && zooFor(envSelect.value) !== undefined) {
    watchZoo();
    return;
  }
  const stored = await lastCheckpoint();
  // a link with settings asks for a run with them; a remembered checkpoint would replace them with its own
  if (stored !== null && stored.envId === envSelect.value && !linked) loadBytes(stored.bytes, stored.name, 'restore');
  else goIdle();
}

/**
 * New env code changed the catalog (a hot swap, told when the page is idle or plays a checkpoint): the pickers
 * and the env's description refresh and the page stays as it is. Nothing is restored: the last autosave may
 * belong to spaces the new code changed, and it stays in the run list.
 */
function refreshCatalog(catalog: Catalog): void {
  state.catalog = catalog;
  const picked = envSelect.value;
  fillEnvSelect(envSelect, catalog);
  if (catalog.envs.some((e) => e.id === picked)) {
    envSelect.value = picked;
    if (state.loadedName === null) onEnvPicked({ idle: false }); // a checkpoint that plays keeps its config in the form
  } else {
    envSelect.value = catalog.envs.some((e) => e.id === 'CartPole-v1') ? 'CartPole-v1' : (catalog.envs[0]?.id ?? '');
    onEnvPicked({ idle: true });
  }
  writeUrl();
}

/** Fills the form with a link's settings (after the pair's own start); true when it set any. Bad ones are named. */
function applyUrlSettings(settings: Readonly<Record<string, string>>): boolean {
  const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
  if (agent === undefined || Object.keys(settings).length === 0) return false;
  const { config, errors } = configFromUrl(agent.name, agent.spec, settings);
  form.set(config);
  if (errors.length > 0) showError(`Some settings of the link were not applied: ${errors.join('; ')}.`);
  if (Object.keys(config).length > 0) el('config-note').textContent = 'Settings from the link.';
  return Object.keys(config).some((k) => k !== 'seed');
}

// ── the frame clock ──

function draw(frame: Frame): void {
  state.lastFrame = frame;
  state.lastScene = frame.scene;
  state.renderer?.draw(frame.scene);
  showEpisodeEnd(frame);
  if (state.view === 'agent' && frame.mind !== null) panelMind = frame; // a reset frame keeps the last step's numbers
  panelHud = frame;
  showPanels();
}

let panelMind: Frame | null = null;
let panelHud: Frame | null = null;

/**
 * The latest drawn frame's numbers in the mind panel and the HUD, ten times a second. Their numbers change
 * every step; a text or bar change costs a layout and a paint on the page's thread, which shares the two
 * cores with the training worker, and ten updates a second are as many as anyone reads.
 */
const showPanels = paced(() => {
  if (panelMind !== null && state.view === 'agent') showMind(panelMind);
  panelMind = null;
  const frame = panelHud;
  panelHud = null;
  if (frame !== null) el('hud').textContent = state.view === 'board' ? '' : `return ${frame.ret.toFixed(1)} · step ${frame.len}${state.view === 'agent' ? engineNote : ''}`;
}, 100);

let acc = 0;
let lastTick = performance.now();
let lastEpisodeAt = -Infinity;
let lastBusyNote = 0;
let busyNoteShown = false;

/** Says so when the training worker has been silent for long (a long iteration without rollout progress). */
function busyNote(now: number): void {
  const waited = link.busySeconds();
  if (waited > 3 && state.progress === null && now - lastBusyNote > 500) {
    lastBusyNote = now;
    busyNoteShown = true;
    status(`Working… the training worker has been busy for ${waited.toFixed(0)} s (a long iteration or search). Reset stops it at once; the view plays on.`);
  } else if (busyNoteShown && (waited === 0 || state.progress !== null)) {
    busyNoteShown = false;
    if (state.rows.length > 0 || state.progress !== null) status();
    else status(state.loadedName !== null ? `Playing ${state.loadedName}.` : 'Ready.');
  }
}

/**
 * Every animation frame: show the frames that are due at the env's fps, and ask the view worker for
 * more when the queue runs low (in turbo: a fresh sample episode every few seconds). Training does
 * not depend on this clock: in a hidden tab it stops, and only the view waits.
 */
function tick(now: number): void {
  busyNote(now);
  const dt = Math.min(250, now - lastTick);
  lastTick = now;
  const interval = 1000 / Math.max(1, state.fps);
  acc += dt;
  hideEpisodeEnd(now);
  if (state.view === 'keys') {
    if (now < state.holdUntil || state.framesInflight) {
      // the game-over moment, or the last step not answered yet
    } else if (keyboard.mode() === 'turns') {
      const action = keyboard.nextTurn();
      if (action !== null) {
        state.framesInflight = true;
        link.view({ type: 'frames', n: 1, human: action });
      }
    } else if (acc >= interval) {
      acc = 0;
      state.framesInflight = true;
      link.view({ type: 'frames', n: 1, human: keyboard.action() });
    }
  } else {
    let frame: Frame | undefined;
    while (acc >= interval && state.queue.length > 0) {
      frame = state.queue.shift();
      acc -= interval;
    }
    if (state.queue.length === 0) acc = Math.min(acc, interval);
    if (frame !== undefined) draw(frame);
    if (state.view === 'agent' && !state.framesInflight && state.catalog !== null) {
      if (state.speed === 'turbo' && state.running) {
        if (state.queue.length === 0 && now - lastEpisodeAt > TURBO_EPISODE_EVERY_MS) {
          lastEpisodeAt = now;
          state.framesInflight = true;
          link.view({ type: 'episode', cap: EPISODE_CAP });
        }
      } else if (state.queue.length < state.fps / 4) {
        state.framesInflight = true;
        link.view({ type: 'frames', n: Math.max(1, Math.ceil(state.fps / 4)), human: null });
      }
    }
    if (state.loadedName !== null || state.running) requestNetwork();
  }
  requestAnimationFrame(tick);
}

// ── wiring ──

function wire(): void {
  link.onMessage = onMessage;
  charts.onSolved = showSolved;
  link.onView = onView;
  link.onError = showError;
  mountPaintPanel(envSelect);
  envSelect.addEventListener('change', () => {
    onEnvPicked({ idle: true });
    persist();
  });
  algoSelect.addEventListener('change', () => {
    state.settings.algo = algoSelect.value;
    buildForm();
    if (state.runState !== 'none' || state.loadedName !== null) goIdle();
    persist();
    syncButtons();
  });
  form.onChange = (name) => {
    persist();
    // a live field acts on the run in training from its next iteration
    if (state.runState === 'live' && liveFields(algoSelect.value).includes(name)) link.send({ type: 'tune', values: { [name]: form.values()[name] } });
  };
  el('preset-btn').addEventListener('click', () => {
    const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
    const preset = state.catalog?.presets[`${algoSelect.value}-${envSelect.value}`];
    if (agent === undefined || preset === undefined) return;
    form.build(agent.spec, preset, liveFields(agent.name));
    el('config-note').textContent = tunedNote(`${algoSelect.value}-${envSelect.value}`);
    persist();
  });
  el('defaults-btn').addEventListener('click', () => {
    const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
    if (agent === undefined) return;
    const budget = browserBudget(`${agent.name}-${envSelect.value}`);
    form.build(agent.spec, budget ?? {}, liveFields(agent.name));
    el('config-note').textContent = budget !== null ? budgetNote(budget) : 'Defaults (CleanRL).';
    persist();
  });
  wireControls(leavePlay);
  wirePlay();
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="speed"]')) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      setSpeed(r.value as Speed);
      state.queue = [];
      state.settings.speed = r.value;
      saveSettings(state.settings);
    });
  }
  for (const id of ['greedy-radio', 'sampled-radio']) {
    el(id).addEventListener('change', () => {
      state.settings.deterministic = greedy();
      saveSettings(state.settings);
      link.view({ type: 'display', deterministic: greedy() });
    });
  }
  el<HTMLSelectElement>('workers-select').addEventListener('change', (e) => {
    state.settings.workers = (e.target as HTMLSelectElement).value;
    saveSettings(state.settings);
  });
  el('save-btn').addEventListener('click', () => link.send({ type: 'save', reason: 'download' }));
  el('onnx-btn').addEventListener('click', () => link.view({ type: 'export-onnx' }));
  el<HTMLInputElement>('onnx-check').addEventListener('change', (e) => link.view({ type: 'onnx-runtime', on: (e.target as HTMLInputElement).checked }));
  el<HTMLInputElement>('load-input').addEventListener('change', async (e) => {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    const ckpt = files.find((f) => !f.name.endsWith('.jsonl'));
    const metrics = files.find((f) => f.name.endsWith('.jsonl'));
    if (ckpt === undefined) {
      showError(metrics !== undefined ? `Load a .safetensors checkpoint together with ${metrics.name} (select both files).` : 'No file selected.');
      return;
    }
    let rows: Metrics[] | null = null;
    if (metrics !== undefined) {
      try {
        rows = parseMetricsJsonl(await metrics.text(), metrics.name);
      } catch (err) {
        showError(err instanceof Error ? err.message : String(err));
        return;
      }
    }
    loadBytes(await ckpt.arrayBuffer(), ckpt.name, 'upload', rows !== null ? { rows, runId: null, step: Infinity } : null);
  });
  el('error-close').addEventListener('click', clearError);
  el('metrics-btn').addEventListener('click', () => {
    download(`${envSelect.value.replace(/\//g, '_')}.${algoSelect.value}.metrics.jsonl`, state.rows.map((r) => metricsLine(r) + '\n').join(''), 'application/x-ndjson');
  });
  fillZooList(el('zoo-list'), (bytes, file) => loadBytes(bytes, file, 'zoo'), showError);
  el('watch-btn').addEventListener('click', watchZoo);
}

/** What tests and curious people can read from the console (`dojo.rows()`). */
const api = {
  rows: (): Metrics[] => state.rows.slice(),
  state: () => ({ runState: state.runState, running: state.running, envId: envSelect.value, algo: algoSelect.value, view: state.view, framesDrawn: state.renderer?.frames ?? 0, loaded: state.loadedName, queue: state.queue.length, trainSeconds: state.trainSeconds, progress: state.progress }),
  /** The run list: one entry per run, the current one included. */
  runs: () => allRuns().map((r) => ({ id: r.id, envId: r.envId, algo: r.algo, status: r.status, rows: r.rows.length, checkpoint: r.checkpoint !== null, current: r.id === state.currentRunId, overlay: r.overlay })),
  lastScene: (): Scene | null => state.lastScene,
  lastFrame: (): Frame | null => state.lastFrame,
  /** Page coordinates of a shape of the last drawn scene (its centre). */
  shapePoint: (id: string): { x: number; y: number } | null => {
    const shape = state.lastScene?.shapes.find((s) => s.id === id);
    return shape !== undefined && state.renderer !== null ? state.renderer.clientPoint(shape.x, shape.y) : null;
  },
};
(window as unknown as { dojo: typeof api }).dojo = api;

/** The width below which the page is one column (style.css): settings start collapsed there. */
const PHONE_QUERY = '(max-width: 760px)';

async function main(): Promise<void> {
  if (matchMedia(PHONE_QUERY).matches) el<HTMLDetailsElement>('settings').open = false;
  wire();
  try {
    state.renderer = await SceneRenderer.create(el('view'));
    state.renderer.onClick((id) => {
      if (state.view === 'board') link.view({ type: 'board-click', shapeId: id });
    });
  } catch (err) {
    showError(`The view could not start (WebGL unavailable?): ${err instanceof Error ? err.message : String(err)}. Training and charts still work.`);
  }
  link.send({ type: 'catalog' });
  requestAnimationFrame(tick);
}

void main();
