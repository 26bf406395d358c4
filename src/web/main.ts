/**
 * The browser sandbox: pick an env and an algorithm, press Start, watch the agent learn.
 *
 * This page is only the clock and the glass. Every env step, network and training run lives in the
 * worker (worker.ts); the page asks for one training iteration per message (or a few display
 * frames), so Pause is "stop asking", Step is "ask once", and the page never freezes. Frames come back
 * as Scenes and are played at the env's `renderFps` by the pixi renderer; metrics rows go to the
 * uPlot charts; weight and activation histograms to the network panel.
 *
 * Speeds: real time (training waits for the view: one iteration per second of view), fast (training
 * at full speed, the view shows the latest policy in real time), turbo (training at full speed, a
 * sample episode every few seconds).
 */
import './style.css';
import type { Metrics } from '../core/metrics.ts';
import { metricsLine } from '../core/metrics.ts';
import type { Scene } from '../gym/scene.ts';
import { MetricCharts } from './charts.ts';
import { ConfigForm } from './panels/config-form.ts';
import { NetworkPanel } from './panels/network.ts';
import { fillAlgoSelect, fillEnvSelect, showEnvDoc } from './panels/pickers.ts';
import { KeyboardPlayer, keyLegend, opponentChoices } from './panels/play.ts';
import { lastCheckpoint, loadSettings, saveSettings, storeCheckpoint, type Settings } from './persist.ts';
import type { Catalog, EnvInfo, Frame, FromWorker, LoadSource, Speed, ToWorker } from './protocol.ts';
import { SceneRenderer } from './renderer.ts';
import { zooEntries } from './zoo.ts';

/** An element by id (the page's own markup: a missing one is a bug). */
function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no #${id}`);
  return e as T;
}

const NETWORK_EVERY_MS = 2000;
const AUTOSAVE_EVERY_MS = 20_000;
const TURBO_EPISODE_EVERY_MS = 3000;

type View = 'agent' | 'keys' | 'board';

/** Requests that get an answer; `busy` tracks the oldest one still waiting. */
const ANSWERED: ReadonlySet<ToWorker['type']> = new Set(['catalog', 'configure', 'idle', 'iterate', 'frames', 'save', 'load', 'network', 'board-new']);
const busy = { outstanding: 0, since: 0 };

function spawnWorker(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  w.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
    busy.outstanding = Math.max(0, busy.outstanding - 1);
    busy.since = performance.now();
    onMessage(ev.data);
  });
  w.addEventListener('error', (ev) => showError(`The training worker failed: ${ev.message || 'see the browser console'}`));
  return w;
}

let worker = spawnWorker();
const send = (msg: ToWorker, transfer: Transferable[] = []): void => {
  if (ANSWERED.has(msg.type)) {
    if (busy.outstanding === 0) busy.since = performance.now();
    busy.outstanding++;
  }
  worker.postMessage(msg, transfer);
};

/** Seconds the worker has been working on a request (0 when idle). */
function busySeconds(): number {
  return busy.outstanding > 0 ? (performance.now() - busy.since) / 1000 : 0;
}

/**
 * Replaces a worker that is stuck in a long request (an off-policy agent's first iteration can run
 * for many seconds): the run is lost, the page answers at once. Used by Reset and by env changes.
 */
function restartWorkerIfBusy(): void {
  if (busySeconds() < 0.3) return;
  worker.terminate();
  busy.outstanding = 0;
  state.inflight = 0;
  state.framesInflight = false;
  worker = spawnWorker();
  send({ type: 'display', deterministic: el<HTMLInputElement>('greedy-check').checked });
}

const envSelect = el<HTMLSelectElement>('env-select');
const algoSelect = el<HTMLSelectElement>('algo-select');
const form = new ConfigForm(el('config-form'));
const charts = new MetricCharts(el('charts'));
const network = new NetworkPanel(el('network'));
const keyboard = new KeyboardPlayer();
const buttons = { start: el<HTMLButtonElement>('start-btn'), pause: el<HTMLButtonElement>('pause-btn'), step: el<HTMLButtonElement>('step-btn'), reset: el<HTMLButtonElement>('reset-btn') };

const state = {
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
  globalStep: 0,
  view: 'agent' as View,
  loadedName: null as string | null,
  lastScene: null as Scene | null,
  lastFrame: null as Frame | null,
};

let renderer: SceneRenderer | null = null;

// ── helpers ──

function envInfo(id = envSelect.value): EnvInfo | undefined {
  return state.catalog?.envs.find((e) => e.id === id);
}

function showError(text: string): void {
  el('error-text').textContent = text;
  el('error').hidden = false;
}

function clearError(): void {
  el('error').hidden = true;
}

function persist(): void {
  const s = state.settings;
  s.envId = envSelect.value;
  s.algo = algoSelect.value;
  s.configs ??= {};
  if (algoSelect.value !== '') s.configs[`${algoSelect.value}@${envSelect.value}`] = form.values();
  saveSettings(s);
}

function syncButtons(): void {
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

function status(text?: string): void {
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

// ── pickers and form ──

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
  el('config-note').textContent = values !== undefined ? 'Config of the loaded checkpoint.' : saved !== undefined ? 'Your last config for this pair.' : preset !== undefined ? `Tuned config: bench/configs/${presetKey}.json` : 'Defaults (CleanRL).';
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

/** Discards the run (and any loaded checkpoint); the view plays random actions. */
function goIdle(): void {
  restartWorkerIfBusy();
  state.running = false;
  state.runState = 'none';
  state.runId++;
  state.rows = [];
  state.loadedName = null;
  send({ type: 'idle', envId: envSelect.value });
}

// ── training ──

function configure(then: () => void): void {
  clearError();
  persist();
  state.afterConfigure = then;
  const resume = state.loadedName !== null && (el<HTMLInputElement>('resume-check')).checked;
  send({ type: 'configure', runId: ++state.runId, envId: envSelect.value, algo: algoSelect.value, config: form.values(), resume });
}

function pump(): void {
  const depth = state.speed === 'turbo' ? 2 : 1;
  if (!state.running || state.inflight >= depth || state.runState !== 'live' || state.view !== 'agent') return;
  const q = state.queue.length, fps = state.fps;
  if (state.speed === 'realtime' && q > fps / 2) return;
  if (state.speed === 'fast' && q > fps * 2) return;
  const now = performance.now();
  const episode = state.speed === 'turbo' && q === 0 && now - state.lastEpisodeAt > TURBO_EPISODE_EVERY_MS;
  if (episode) state.lastEpisodeAt = now;
  const frames = state.speed === 'realtime' ? fps : state.speed === 'fast' ? Math.max(1, Math.min(fps, Math.round(fps * state.lastIterSeconds))) : 0;
  state.inflight++;
  send({ type: 'iterate', frames, episode });
  if (state.inflight < depth) pump();
}

function start(): void {
  if (state.runState === 'live') {
    state.running = true;
    syncButtons();
    pump();
    return;
  }
  configure(() => {
    state.running = true;
    syncButtons();
    pump();
  });
}

function pause(): void {
  state.running = false;
  syncButtons();
  status();
  requestNetwork(true);
  autosave(true);
}

function stepOnce(): void {
  const go = (): void => {
    if (state.inflight > 0) return;
    state.inflight++;
    send({ type: 'iterate', frames: Math.ceil(state.fps / 2), episode: false });
  };
  if (state.runState === 'live') go();
  else configure(go);
}

function requestNetwork(force = false): void {
  const now = performance.now();
  if (!force && now - state.lastNetworkAt < NETWORK_EVERY_MS) return;
  state.lastNetworkAt = now;
  send({ type: 'network' });
}

function autosave(force = false): void {
  const now = performance.now();
  if (state.runState === 'none' || (!force && now - state.lastAutosaveAt < AUTOSAVE_EVERY_MS)) return;
  state.lastAutosaveAt = now;
  send({ type: 'save', reason: 'autosave' });
}

// ── human play ──

function leavePlay(): void {
  if (state.view === 'agent') return;
  state.view = 'agent';
  state.queue = [];
  keyboard.use(null);
  el('keys-panel').hidden = true;
  el('board-panel').hidden = true;
  syncButtons();
}

function playKeys(): void {
  const env = envInfo();
  if (env?.keymap == null) return;
  state.running = false;
  state.view = 'keys';
  state.queue = [];
  keyboard.use(env.keymap);
  keyLegend(el('keys-legend'), env.keymap);
  status('Your turn: the view follows your keys. Training is paused while you play.');
  el('keys-panel').hidden = false;
  el('board-panel').hidden = true;
  syncButtons();
}

function playBoard(): void {
  const env = envInfo();
  if (env === undefined || env.game === null) return;
  state.running = false;
  state.view = 'board';
  state.queue = [];
  const sel = el<HTMLSelectElement>('opponent-select');
  const prev = sel.value;
  sel.innerHTML = '';
  for (const o of opponentChoices(state.runState !== 'none' || state.loadedName !== null)) sel.add(new Option(o.label, o.value));
  if ([...sel.options].some((o) => o.value === prev)) sel.value = prev;
  el('board-panel').hidden = false;
  el('keys-panel').hidden = true;
  status('Click-to-move: you against the chosen opponent. Training is paused while you play.');
  syncButtons();
  newBoardGame();
}

let boardGames = 0;
function newBoardGame(): void {
  state.queue = [];
  send({ type: 'board-new', envId: envSelect.value, opponent: el<HTMLSelectElement>('opponent-select').value, humanSeat: el<HTMLSelectElement>('seat-select').value === '1' ? 1 : 0, seed: ++boardGames });
}

// ── checkpoints ──

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function loadBytes(bytes: ArrayBuffer, name: string, source: LoadSource): void {
  clearError();
  el('ckpt-status').textContent = `Loading ${name}…`;
  send({ type: 'load', bytes, name, source }, [bytes]);
}

function fillZoo(): void {
  const list = el('zoo-list');
  list.innerHTML = '';
  const entries = zooEntries();
  if (entries.length === 0) list.innerHTML = '<li class="muted">No checkpoints in zoo/ yet.</li>';
  for (const z of entries) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.zoo = z.file;
    b.title = `load ${z.file} and watch it play`;
    b.innerHTML = `<span></span><span class="algo"></span>`;
    (b.firstChild as HTMLElement).textContent = z.envId;
    (b.lastChild as HTMLElement).textContent = z.algo.toUpperCase();
    b.addEventListener('click', async () => {
      try {
        const res = await fetch(z.url);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        loadBytes(await res.arrayBuffer(), z.file, 'zoo');
      } catch (err) {
        showError(`Could not fetch ${z.file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    li.appendChild(b);
    list.appendChild(li);
  }
}

// ── worker messages ──

function onMessage(msg: FromWorker): void {
  switch (msg.type) {
    case 'catalog':
      void onCatalog(msg.catalog);
      return;
    case 'configured': {
      if (msg.runId !== state.runId) return;
      const env = envInfo(msg.envId);
      state.runState = 'live';
      state.trainSeconds = 0;
      state.rows = [];
      state.queue = [];
      state.fps = msg.renderFps;
      state.totalTimesteps = msg.totalTimesteps;
      state.loadedName = null;
      state.lastAutosaveAt = performance.now();
      charts.reset(env?.rewardThreshold ?? null);
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
      state.runState = 'none';
      state.rows = [];
      state.queue = [];
      state.fps = msg.renderFps;
      renderer?.clear();
      charts.reset(envInfo(msg.envId)?.rewardThreshold ?? null);
      network.clear();
      el('ckpt-status').textContent = '';
      status('Random actions. Press Start to train.');
      syncButtons();
      return;
    case 'iteration':
      state.inflight = Math.max(0, state.inflight - 1);
      if (msg.runId !== state.runId) return;
      state.lastIterSeconds = msg.seconds;
      state.trainSeconds += msg.seconds;
      state.globalStep = msg.globalStep;
      if (state.view === 'agent') state.queue.push(...msg.frames);
      if (msg.row !== null) {
        state.rows.push(msg.row);
        charts.push(msg.row);
      }
      if (msg.done) {
        state.running = false;
        state.runState = 'finished';
        autosave(true);
        requestNetwork(true);
      } else {
        requestNetwork();
        autosave();
      }
      status();
      syncButtons();
      pump();
      return;
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
      if (msg.context === 'train') {
        state.inflight = Math.max(0, state.inflight - 1);
        state.running = false;
        state.runState = 'finished';
      }
      if (msg.context === 'view') state.framesInflight = false;
      if (msg.context === 'configure') state.afterConfigure = null;
      if (msg.context === 'load') el('ckpt-status').textContent = msg.message;
      showError(msg.context === 'load' ? msg.message : `${msg.context}: ${msg.message}`);
      syncButtons();
      return;
  }
}

function onLoaded(msg: Extract<FromWorker, { type: 'loaded' }>): void {
  const envChanged = envSelect.value !== msg.envId;
  if (envChanged) {
    envSelect.value = msg.envId;
    renderer?.clear();
  }
  state.settings.algo = msg.algo;
  onEnvPicked({ idle: false });
  algoSelect.value = msg.algo;
  buildForm(msg.config);
  state.runId++; // the worker closed the run: replies still in flight are stale
  state.runState = 'none';
  state.running = false;
  state.loadedName = msg.name;
  state.rows = [];
  state.queue = [];
  state.fps = msg.renderFps;
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
  send({ type: 'display', deterministic: el<HTMLInputElement>('greedy-check').checked });
  onEnvPicked({ idle: false });
  const stored = await lastCheckpoint();
  if (stored !== null && stored.envId === envSelect.value) loadBytes(stored.bytes, stored.name, 'restore');
  else goIdle();
}

function setSpeed(s: Speed): void {
  state.speed = s;
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="speed"]')) r.checked = r.value === s;
}

// ── the frame clock ──

function draw(frame: Frame): void {
  state.lastFrame = frame;
  state.lastScene = frame.scene;
  renderer?.draw(frame.scene);
  el('hud').textContent = state.view === 'board' ? '' : `return ${frame.ret.toFixed(1)} · step ${frame.len}`;
}

let acc = 0;
let lastTick = performance.now();
let lastBusyNote = 0;
let busyNoteShown = false;
function tick(now: number): void {
  const waited = busySeconds();
  if (waited > 1.5 && now - lastBusyNote > 500) {
    lastBusyNote = now;
    busyNoteShown = true;
    status(`Working… the worker has been busy for ${waited.toFixed(0)} s (a long iteration or search). Reset stops it at once.`);
  } else if (busyNoteShown && waited === 0) {
    busyNoteShown = false;
    if (state.rows.length > 0) status();
    else status(state.loadedName !== null ? `Playing ${state.loadedName}.` : 'Ready.');
  }
  const dt = Math.min(250, now - lastTick);
  lastTick = now;
  const interval = 1000 / Math.max(1, state.fps);
  acc += dt;
  if (state.view === 'keys') {
    if (acc >= interval && !state.framesInflight) {
      acc = 0;
      state.framesInflight = true;
      send({ type: 'frames', n: 1, human: keyboard.action() });
    }
  } else {
    let frame: Frame | undefined;
    while (acc >= interval && state.queue.length > 0) {
      frame = state.queue.shift();
      acc -= interval;
    }
    if (state.queue.length === 0) acc = Math.min(acc, interval);
    if (frame !== undefined) draw(frame);
    if (state.view === 'agent' && !state.running && state.inflight === 0 && !state.framesInflight && state.queue.length < state.fps / 4 && state.catalog !== null) {
      state.framesInflight = true;
      send({ type: 'frames', n: Math.ceil(state.fps / 2), human: null });
    }
    if (state.running) pump();
  }
  requestAnimationFrame(tick);
}

// ── wiring ──


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
  el('config-note').textContent = `Tuned config: bench/configs/${algoSelect.value}-${envSelect.value}.json`;
  persist();
});
el('defaults-btn').addEventListener('click', () => {
  const agent = state.catalog?.agents.find((a) => a.name === algoSelect.value);
  if (agent === undefined) return;
  form.build(agent.spec, {});
  el('config-note').textContent = 'Defaults (CleanRL).';
  persist();
});
buttons.start.addEventListener('click', start);
buttons.pause.addEventListener('click', pause);
buttons.step.addEventListener('click', stepOnce);
buttons.reset.addEventListener('click', () => {
  clearError();
  leavePlay();
  goIdle();
});
for (const r of document.querySelectorAll<HTMLInputElement>('input[name="speed"]')) {
  r.addEventListener('change', () => {
    if (!r.checked) return;
    setSpeed(r.value as Speed);
    state.queue = [];
    state.settings.speed = r.value;
    saveSettings(state.settings);
  });
}
el<HTMLInputElement>('greedy-check').addEventListener('change', (e) => {
  const on = (e.target as HTMLInputElement).checked;
  state.settings.deterministic = on;
  saveSettings(state.settings);
  send({ type: 'display', deterministic: on });
});
el('save-btn').addEventListener('click', () => send({ type: 'save', reason: 'download' }));
el<HTMLInputElement>('load-input').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (file === undefined) return;
  loadBytes(await file.arrayBuffer(), file.name, 'upload');
});
el('error-close').addEventListener('click', clearError);
el('play-btn').addEventListener('click', playKeys);
el('keys-stop').addEventListener('click', leavePlay);
el('board-btn').addEventListener('click', playBoard);
el('board-new').addEventListener('click', newBoardGame);
el('board-stop').addEventListener('click', () => {
  leavePlay();
  send({ type: 'frames', n: 1, human: null });
});
el('metrics-btn').addEventListener('click', () => {
  download(`${envSelect.value.replace(/\//g, '_')}.${algoSelect.value}.metrics.jsonl`, state.rows.map((r) => metricsLine(r) + '\n').join(''), 'application/x-ndjson');
});

/** What tests and curious people can read from the console (`dojo.rows()`). */
const api = {
  rows: (): Metrics[] => state.rows.slice(),
  state: () => ({ runState: state.runState, running: state.running, envId: envSelect.value, algo: algoSelect.value, view: state.view, framesDrawn: renderer?.frames ?? 0, loaded: state.loadedName, queue: state.queue.length, trainSeconds: state.trainSeconds }),
  lastScene: (): Scene | null => state.lastScene,
  lastFrame: (): Frame | null => state.lastFrame,
  /** Page coordinates of a shape of the last drawn scene (its centre). */
  shapePoint: (id: string): { x: number; y: number } | null => {
    const shape = state.lastScene?.shapes.find((s) => s.id === id);
    return shape !== undefined && renderer !== null ? renderer.clientPoint(shape.x, shape.y) : null;
  },
};
(window as unknown as { dojo: typeof api }).dojo = api;

async function main(): Promise<void> {
  fillZoo();
  try {
    renderer = await SceneRenderer.create(el('view'));
    renderer.onClick((id) => {
      if (state.view === 'board') send({ type: 'board-click', shapeId: id });
    });
  } catch (err) {
    showError(`The view could not start (WebGL unavailable?): ${err instanceof Error ? err.message : String(err)}. Training and charts still work.`);
  }
  send({ type: 'catalog' });
  requestAnimationFrame(tick);
}

void main();
