/**
 * Runs, seen from the page: Start configures a run in the worker and then asks for one iteration at a
 * time (`pump`), Pause stops asking, Step asks once, Reset discards the run. The speed decides how many
 * view frames come with each iteration and how far ahead the page asks.
 */
import { clearError, el } from './dom.ts';
import { buttons, envSelect, algoSelect, form, greedy, link, persist, state, status, syncButtons } from './page.ts';

const NETWORK_EVERY_MS = 2000;
const AUTOSAVE_EVERY_MS = 20_000;
const TURBO_EPISODE_EVERY_MS = 3000;

/**
 * Discards the run (and any loaded checkpoint); the view plays random actions. A worker busy with a
 * long iteration is replaced rather than waited for.
 */
export function goIdle(): void {
  if (link.restartIfBusy(0.3)) {
    state.inflight = 0;
    state.framesInflight = false;
    link.send({ type: 'display', deterministic: greedy() });
  }
  state.running = false;
  state.runState = 'none';
  state.runId++;
  state.rows = [];
  state.loadedName = null;
  link.send({ type: 'idle', envId: envSelect.value });
}

/** Builds a run from the form; `then` runs once the worker has it. */
function configure(then: () => void): void {
  clearError();
  persist();
  state.afterConfigure = then;
  const resume = state.loadedName !== null && el<HTMLInputElement>('resume-check').checked;
  link.send({ type: 'configure', runId: ++state.runId, envId: envSelect.value, algo: algoSelect.value, config: form.values(), resume });
}

/** Asks for the next iteration(s) when running and the view can take more frames. */
export function pump(): void {
  const depth = state.speed === 'turbo' ? 2 : 1;
  if (!state.running || state.inflight >= depth || state.runState !== 'live' || state.view !== 'agent') return;
  const q = state.queue.length, fps = state.fps;
  if (state.speed === 'realtime' && q > fps / 2) return;
  if (state.speed === 'fast' && q > fps * 2) return;
  const now = performance.now();
  const episode = state.speed === 'turbo' && q === 0 && now - state.lastEpisodeAt > TURBO_EPISODE_EVERY_MS;
  if (episode) state.lastEpisodeAt = now;
  // real time: a second of view per iteration; fast: as many frames as the iteration took in real time
  const frames = state.speed === 'realtime' ? fps : state.speed === 'fast' ? Math.max(1, Math.min(fps, Math.round(fps * state.lastIterSeconds))) : 0;
  state.inflight++;
  link.send({ type: 'iterate', frames, episode });
  if (state.inflight < depth) pump();
}

export function start(): void {
  const go = (): void => {
    state.running = true;
    syncButtons();
    pump();
  };
  if (state.runState === 'live') go();
  else configure(go);
}

export function pause(): void {
  state.running = false;
  syncButtons();
  status();
  requestNetwork(true);
  autosave(true);
}

export function stepOnce(): void {
  const go = (): void => {
    if (state.inflight > 0) return;
    state.inflight++;
    link.send({ type: 'iterate', frames: Math.ceil(state.fps / 2), episode: false });
  };
  if (state.runState === 'live') go();
  else configure(go);
}

/** Asks for the network view's histograms (at most every two seconds unless forced). */
export function requestNetwork(force = false): void {
  const now = performance.now();
  if (!force && now - state.lastNetworkAt < NETWORK_EVERY_MS) return;
  state.lastNetworkAt = now;
  link.send({ type: 'network' });
}

/** Asks for a checkpoint to keep in IndexedDB (every 20 s of training, and on pause and finish). */
export function autosave(force = false): void {
  const now = performance.now();
  if (state.runState === 'none' || (!force && now - state.lastAutosaveAt < AUTOSAVE_EVERY_MS)) return;
  state.lastAutosaveAt = now;
  link.send({ type: 'save', reason: 'autosave' });
}

/** Wires the control buttons. */
export function wireControls(onReset: () => void): void {
  buttons.start.addEventListener('click', start);
  buttons.pause.addEventListener('click', pause);
  buttons.step.addEventListener('click', stepOnce);
  buttons.reset.addEventListener('click', () => {
    clearError();
    onReset();
    goIdle();
  });
}
