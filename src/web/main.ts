/**
 * The browser sandbox: pick an env and an algorithm, press Start, watch the agent learn.
 *
 * This page is only the clock and the glass. Every env step, network and training run lives in the
 * worker (worker.ts); the page asks for one training iteration per message (training.ts) or a few
 * view frames, so Pause is "stop asking", Step is "ask once", and the page never freezes. Frames come
 * back as Scenes and are played here at the env's `renderFps` by the pixi renderer; metrics rows go to
 * the uPlot charts; weight and activation histograms to the network panel.
 *
 * This file: the pickers, the worker's messages, the frame clock, and the wiring.
 */
import './style.css';
import type { Metrics } from '../core/metrics.ts';
import { metricsLine } from '../core/metrics.ts';
import type { Scene } from '../gym/scene.ts';
import { clearError, download, el, showError } from './dom.ts';
import { algoSelect, charts, envInfo, envSelect, form, greedy, keyboard, link, network, persist, state, status, syncButtons } from './page.ts';
import { fillAlgoSelect, fillEnvSelect, showEnvDoc } from './panels/pickers.ts';
import { leavePlay, wirePlay } from './play-mode.ts';
import { lastCheckpoint, saveSettings, storeCheckpoint } from './persist.ts';
import type { Catalog, Frame, FromWorker, LoadSource, Speed } from './protocol.ts';
import { SceneRenderer } from './renderer.ts';
import { autosave, goIdle, pump, requestNetwork, wireControls } from './training.ts';
import { fillZooList } from './zoo.ts';

// ── pickers and form ──

/** Builds the form for the selected pair: `values`, else the remembered config, else the tuned preset, else defaults. */
function buildForm(values?: Readonly<Record<string, unknown>>): void {
  const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
  if (agent === undefined) {
    el('config-form').innerHTML = '';
    el('algo-doc').textContent = '';
    return;
  }
  el('algo-doc').textContent = `Spaces: ${agent.spaces}`;
  const presetKey = `${agent.name}-${envSelect.value}`;
  const preset = state.catalog?.presets[presetKey];
  const saved = state.settings.configs?.[`${agent.name}@${envSelect.value}`];
  form.build(agent.spec, values ?? saved ?? preset ?? {});
  el('preset-btn').hidden = preset === undefined;
  el('config-note').textContent = values !== undefined ? 'Config of the loaded checkpoint.' : saved !== undefined ? 'Your last config for this pair.' : preset !== undefined ? `Tuned config: agents/configs/${presetKey}.json` : 'Defaults (CleanRL).';
}

function onEnvPicked(opts: { idle: boolean }): void {
  const env = envInfo();
  if (env === undefined) return;
  showEnvDoc(el('env-doc'), env);
  fillAlgoSelect(algoSelect, env, state.catalog?.agents ?? [], state.settings.algo);
  buildForm();
  leavePlay();
  if (opts.idle) goIdle();
  syncButtons();
}

function setSpeed(s: Speed): void {
  state.speed = s;
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="speed"]')) r.checked = r.value === s;
}

function loadBytes(bytes: ArrayBuffer, name: string, source: LoadSource): void {
  clearError();
  el('ckpt-status').textContent = `Loading ${name}…`;
  link.send({ type: 'load', bytes, name, source }, [bytes]);
}

// ── worker messages ──

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'catalog':
      void onCatalog(msg.catalog);
      return;
    case 'configured': {
      if (msg.runId !== state.runId) return;
      Object.assign(state, { runState: 'live', trainSeconds: 0, rows: [], queue: [], fps: msg.renderFps, totalTimesteps: msg.totalTimesteps, loadedName: null, lastAutosaveAt: performance.now() });
      charts.reset(envInfo(msg.envId)?.rewardThreshold ?? null);
      network.clear();
      el('ckpt-status').textContent = '';
      status(`Training ${msg.algo.toUpperCase()} on ${msg.envId}…`);
      const then = state.afterConfigure;
      state.afterConfigure = null;
      syncButtons();
      then?.();
      return;
    }
    case 'idled':
      Object.assign(state, { runState: 'none', rows: [], queue: [], fps: msg.renderFps });
      state.renderer?.clear();
      charts.reset(envInfo(msg.envId)?.rewardThreshold ?? null);
      network.clear();
      el('ckpt-status').textContent = '';
      status('Random actions. Press Start to train.');
      syncButtons();
      return;
    case 'iteration':
      return onIteration(msg);
    case 'frames':
      state.framesInflight = false;
      if (state.view === 'keys' && msg.frames.length > 0) draw(msg.frames[msg.frames.length - 1]);
      else if (state.view === 'agent') state.queue.push(...msg.frames);
      return;
    case 'board':
      state.queue.push(...msg.frames);
      el('board-status').textContent = msg.status;
      return;
    case 'checkpoint':
      if (msg.bytes.byteLength === 0) return; // an autosave with nothing to save
      if (msg.reason === 'download') download(msg.name, msg.bytes, 'application/octet-stream');
      else void storeCheckpoint({ name: msg.name, envId: envSelect.value, bytes: msg.bytes, savedAt: Date.now() });
      return;
    case 'loaded':
      return onLoaded(msg);
    case 'network':
      network.update(msg.layers);
      return;
    case 'error':
      if (msg.context === 'train') Object.assign(state, { inflight: Math.max(0, state.inflight - 1), running: false, runState: 'finished' });
      if (msg.context === 'view') state.framesInflight = false;
      if (msg.context === 'configure') state.afterConfigure = null;
      if (msg.context === 'load') el('ckpt-status').textContent = msg.message;
      showError(msg.context === 'load' ? msg.message : `${msg.context}: ${msg.message}`);
      syncButtons();
      return;
  }
}

function onIteration(msg: Extract<FromWorker, { type: 'iteration' }>): void {
  state.inflight = Math.max(0, state.inflight - 1);
  if (msg.runId !== state.runId) return; // a reply about a run that was reset or replaced
  state.lastIterSeconds = msg.seconds;
  state.trainSeconds += msg.seconds;
  if (state.view === 'agent') state.queue.push(...msg.frames);
  if (msg.row !== null) {
    state.rows.push(msg.row);
    charts.push(msg.row);
  }
  if (msg.done) {
    state.running = false;
    state.runState = 'finished';
  }
  requestNetwork(msg.done);
  autosave(msg.done);
  status();
  syncButtons();
  pump();
}

function onLoaded(msg: Extract<FromWorker, { type: 'loaded' }>): void {
  if (envSelect.value !== msg.envId) {
    envSelect.value = msg.envId;
    state.renderer?.clear();
  }
  state.settings.algo = msg.algo;
  onEnvPicked({ idle: false });
  algoSelect.value = msg.algo;
  buildForm(msg.config);
  state.runId++; // the worker closed the run: replies still in flight are stale
  Object.assign(state, { runState: 'none', running: false, loadedName: msg.name, rows: [], queue: [], fps: msg.renderFps });
  charts.reset(envInfo(msg.envId)?.rewardThreshold ?? null);
  requestNetwork(true);
  el('ckpt-status').textContent = `Playing ${msg.name} (${msg.algo.toUpperCase()} on ${msg.envId}).`;
  status(`Playing ${msg.name}. Press Start to train a new run.`);
  if (msg.source !== 'restore') void storeCheckpoint({ name: msg.name, envId: msg.envId, bytes: msg.bytes, savedAt: Date.now() });
  persist();
  syncButtons();
}

async function onCatalog(catalog: Catalog): Promise<void> {
  state.catalog = catalog;
  el('kernel').textContent = `worker: ${catalog.kernel}`;
  fillEnvSelect(envSelect, catalog);
  const wanted = state.settings.envId;
  if (wanted !== undefined && catalog.envs.some((e) => e.id === wanted)) envSelect.value = wanted;
  else if (catalog.envs.some((e) => e.id === 'CartPole-v1')) envSelect.value = 'CartPole-v1';
  if (state.settings.speed === 'realtime' || state.settings.speed === 'fast' || state.settings.speed === 'turbo') setSpeed(state.settings.speed);
  if (state.settings.deterministic === false) el<HTMLInputElement>('greedy-check').checked = false;
  link.send({ type: 'display', deterministic: greedy() });
  onEnvPicked({ idle: false });
  const stored = await lastCheckpoint();
  if (stored !== null && stored.envId === envSelect.value) loadBytes(stored.bytes, stored.name, 'restore');
  else goIdle();
}

// ── the frame clock ──

function draw(frame: Frame): void {
  state.lastFrame = frame;
  state.lastScene = frame.scene;
  state.renderer?.draw(frame.scene);
  el('hud').textContent = state.view === 'board' ? '' : `return ${frame.ret.toFixed(1)} · step ${frame.len}`;
}

let acc = 0;
let lastTick = performance.now();
let lastBusyNote = 0;
let busyNoteShown = false;

/** Says so when the worker is busy for long (a slow iteration or search), and restores the status after. */
function busyNote(now: number): void {
  const waited = link.busySeconds();
  if (waited > 1.5 && now - lastBusyNote > 500) {
    lastBusyNote = now;
    busyNoteShown = true;
    status(`Working… the worker has been busy for ${waited.toFixed(0)} s (a long iteration or search). Reset stops it at once.`);
  } else if (busyNoteShown && waited === 0) {
    busyNoteShown = false;
    if (state.rows.length > 0) status();
    else status(state.loadedName !== null ? `Playing ${state.loadedName}.` : 'Ready.');
  }
}

/** Every animation frame: show the frames that are due at the env's fps, and ask for more when needed. */
function tick(now: number): void {
  busyNote(now);
  const dt = Math.min(250, now - lastTick);
  lastTick = now;
  const interval = 1000 / Math.max(1, state.fps);
  acc += dt;
  if (state.view === 'keys') {
    if (acc >= interval && !state.framesInflight) {
      acc = 0;
      state.framesInflight = true;
      link.send({ type: 'frames', n: 1, human: keyboard.action() });
    }
  } else {
    let frame: Frame | undefined;
    while (acc >= interval && state.queue.length > 0) {
      frame = state.queue.shift();
      acc -= interval;
    }
    if (state.queue.length === 0) acc = Math.min(acc, interval);
    if (frame !== undefined) draw(frame);
    // not training: the view keeps playing the current policy (or random actions)
    if (state.view === 'agent' && !state.running && state.inflight === 0 && !state.framesInflight && state.queue.length < state.fps / 4 && state.catalog !== null) {
      state.framesInflight = true;
      link.send({ type: 'frames', n: Math.ceil(state.fps / 2), human: null });
    }
    if (state.running) pump();
  }
  requestAnimationFrame(tick);
}

// ── wiring ──

function wire(): void {
  link.onMessage = onMessage;
  link.onError = showError;
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
  form.onChange = persist;
  el('preset-btn').addEventListener('click', () => {
    const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
    const preset = state.catalog?.presets[`${algoSelect.value}-${envSelect.value}`];
    if (agent === undefined || preset === undefined) return;
    form.build(agent.spec, preset);
    el('config-note').textContent = `Tuned config: agents/configs/${algoSelect.value}-${envSelect.value}.json`;
    persist();
  });
  el('defaults-btn').addEventListener('click', () => {
    const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
    if (agent === undefined) return;
    form.build(agent.spec, {});
    el('config-note').textContent = 'Defaults (CleanRL).';
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
  el('greedy-check').addEventListener('change', () => {
    state.settings.deterministic = greedy();
    saveSettings(state.settings);
    link.send({ type: 'display', deterministic: greedy() });
  });
  el('save-btn').addEventListener('click', () => link.send({ type: 'save', reason: 'download' }));
  el<HTMLInputElement>('load-input').addEventListener('change', async (e) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file !== undefined) loadBytes(await file.arrayBuffer(), file.name, 'upload');
  });
  el('error-close').addEventListener('click', clearError);
  el('metrics-btn').addEventListener('click', () => {
    download(`${envSelect.value.replace(/\//g, '_')}.${algoSelect.value}.metrics.jsonl`, state.rows.map((r) => metricsLine(r) + '\n').join(''), 'application/x-ndjson');
  });
  fillZooList(el('zoo-list'), (bytes, file) => loadBytes(bytes, file, 'zoo'), showError);
}

/** What tests and curious people can read from the console (`dojo.rows()`). */
const api = {
  rows: (): Metrics[] => state.rows.slice(),
  state: () => ({ runState: state.runState, running: state.running, envId: envSelect.value, algo: algoSelect.value, view: state.view, framesDrawn: state.renderer?.frames ?? 0, loaded: state.loadedName, queue: state.queue.length, trainSeconds: state.trainSeconds }),
  lastScene: (): Scene | null => state.lastScene,
  lastFrame: (): Frame | null => state.lastFrame,
  /** Page coordinates of a shape of the last drawn scene (its centre). */
  shapePoint: (id: string): { x: number; y: number } | null => {
    const shape = state.lastScene?.shapes.find((s) => s.id === id);
    return shape !== undefined && state.renderer !== null ? state.renderer.clientPoint(shape.x, shape.y) : null;
  },
};
(window as unknown as { dojo: typeof api }).dojo = api;

async function main(): Promise<void> {
  wire();
  try {
    state.renderer = await SceneRenderer.create(el('view'));
    state.renderer.onClick((id) => {
      if (state.view === 'board') link.send({ type: 'board-click', shapeId: id });
    });
  } catch (err) {
    showError(`The view could not start (WebGL unavailable?): ${err instanceof Error ? err.message : String(err)}. Training and charts still work.`);
  }
  link.send({ type: 'catalog' });
  requestAnimationFrame(tick);
}

void main();
