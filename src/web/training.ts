/**
 * Runs, seen from the page: Start configures a run in the training worker and tells it to `run`; the
 * worker then trains on its own clock and sends a row per iteration. Pause and Step are one message
 * each; the speed is the worker's pacing. Nothing here depends on animation frames, so a run goes on
 * in a hidden tab.
 */
import { clearError, el } from './dom.ts';
import { buttons, envInfo, envSelect, algoSelect, form, greedy, link, persist, state, status, syncButtons } from './page.ts';
import { keepRun } from './runs.ts';

const NETWORK_EVERY_MS = 2000;
const AUTOSAVE_EVERY_MS = 20_000;

/**
 * Leaves the run (and any loaded checkpoint); the view plays random actions. The run is kept in the
 * run list first (its rows and the view worker's latest snapshot of its weights). A worker busy with
 * a long iteration is replaced rather than waited for.
 */
export function goIdle(): void {
  keepRun();
  if (link.restartIfBusy(0.3)) link.view({ type: 'display', deterministic: greedy() });
  state.running = false;
  state.runState = 'none';
  state.runId++;
  state.rows = [];
  state.loadedName = null;
  state.progress = null;
  link.send({ type: 'idle', envId: envSelect.value });
}

/**
 * Env workers for the next run: the user's choice, or (auto) two for the robot envs when the machine has
 * two or more cores, where stepping the copies beside the update pays (as `dojo train --workers 2`), and
 * none for cheap envs, whose steps cost less than a message.
 */
export function envWorkers(): number {
  const choice = el<HTMLSelectElement>('workers-select').value;
  if (choice !== 'auto') return Number(choice);
  return envInfo()?.category === 'robot' && (navigator.hardwareConcurrency ?? 1) >= 2 ? 2 : 0;
}

/** Builds a run from the form; `then` runs once the worker has it. */
function configure(then: () => void): void {
  clearError();
  persist();
  keepRun();
  state.afterConfigure = then;
  const resume = state.loadedName !== null && el<HTMLInputElement>('resume-check').checked;
  link.send({ type: 'configure', runId: ++state.runId, envId: envSelect.value, algo: algoSelect.value, config: form.values(), resume, workers: envWorkers() });
}

export function start(): void {
  const go = (): void => {
    state.running = true;
    link.send({ type: 'run', speed: state.speed });
    syncButtons();
    status();
  };
  if (state.runState === 'live') go();
  else configure(go);
}

export function pause(): void {
  if (!state.running) return;
  state.running = false;
  link.send({ type: 'pause' });
  syncButtons();
  status();
  requestNetwork(true);
  autosave(true);
}

export function stepOnce(): void {
  const go = (): void => {
    state.running = false;
    link.send({ type: 'step' });
  };
  if (state.runState === 'live') go();
  else configure(go);
}

/** Asks the view worker for the network view's histograms (at most every two seconds unless forced). */
export function requestNetwork(force = false): void {
  const now = performance.now();
  if (!force && now - state.lastNetworkAt < NETWORK_EVERY_MS) return;
  state.lastNetworkAt = now;
  link.view({ type: 'network' });
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
