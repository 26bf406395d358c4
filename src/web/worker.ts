/**
 * The training worker. It owns the page's training run and trains on its own clock:
 *
 * - `run` pulls one `next()` of the run's `iterations` generator (the same generator `dojo train`
 *   drives) after another, yielding to the message queue between them (a MessageChannel hop, not a
 *   clamped timer), so `pause`, `speed`, `save` and the rest are answered at the next iteration
 *   boundary. Nothing here waits for the page's animation frames: a hidden tab trains at full speed.
 *   Real time is the one pacing: at most one iteration per second.
 * - Inside a long iteration, `progress` messages say how many env steps the rollout has collected
 *   and when the update has begun.
 * - The view lives in the view worker (view-worker.ts): this worker sends it policy snapshots
 *   (`PolicySnapshot`) through a MessagePort: the run's full checkpoint at most once a second, a loaded
 *   checkpoint, or none (random actions).
 * - `save` / `load` turn runs into .safetensors bytes and back, validating a file completely before
 *   anything changes.
 * - Hot swap (`npm start`): when an env file is saved, hot-envs.ts brings the new code into the registry
 *   and `swapEnvCode` moves the run onto it at the next iteration boundary: the run's checkpoint (weights,
 *   optimizer, normalisation, step and Rng states) resumes on envs built from the new code, so the agent,
 *   the run and its charts go on and episodes start afresh. A changed observation or action space stops
 *   the run and says why (Start then begins a fresh one); code that fails to load pauses it. The pickers
 *   get the new catalog at once when no run is live, else when the page next goes idle.
 *
 * Messages are handled strictly one after another (a promise chain), and each training iteration is
 * one more link of that chain, so an async iteration never interleaves with another request.
 */
import { onEnvsSwapped } from './hot-envs.ts';
import { getAgent } from '../../agents/index.ts';
import type { CheckpointPayload, TrainRun } from '../../agents/common/agent.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import type { Metrics } from '../core/metrics.ts';
import { make, spec } from '../gym/registry.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import { describeSpace } from '../gym/spaces.ts';
import { browserRunContext, buildCatalog, presetEnvKwargs } from './catalog.ts';
import type { FromWorker, LoadSource, PolicySnapshot, Speed, ToWorker } from './protocol.ts';

/** The view gets the run's weights at most this often while it trains. */
const SNAPSHOT_EVERY_MS = 1000;
/** Progress messages inside an iteration at most this often. */
const PROGRESS_EVERY_MS = 125;
/** Real time: at most one iteration per this many ms. */
const REALTIME_ITERATION_MS = 1000;

type Session = {
  runId: number;
  envId: string;
  algo: string;
  config: Record<string, unknown>;
  run: TrainRun;
  /** The run's generator itself: sync or async, both answer `next()`. */
  iterator: TrainRun['iterations'];
  finished: boolean;
  envKwargs: Readonly<Record<string, unknown>>;
  /** Env steps one iteration collects, when the config says (on-policy: numSteps × numEnvs). */
  rolloutSteps: number | null;
  /** Env workers the run steps its copies on (0: in this worker). */
  workers: number;
  /** The spaces the agent's networks were built for (`describeSpace`), to refuse a hot swap that changes them. */
  spaces: { observation: string; action: string };
};

type Loaded = { name: string; envId: string; envKwargs: Record<string, unknown>; algo: string; payload: CheckpointPayload; bytes: ArrayBuffer };

let session: Session | null = null;
let loaded: Loaded | null = null;
let viewPort: MessagePort | null = null;
/** The policy the view plays now (resent to a view port that connects later). */
let shown: PolicySnapshot | null = null;
let lastSnapshotAt = 0;
let running = false;
let speed: Speed = 'fast';
let lastIterationAt = -Infinity;

const post = (msg: FromWorker, transfer: Transferable[] = []): void => {
  (self as unknown as { postMessage(m: FromWorker, t: Transferable[]): void }).postMessage(msg, transfer);
};

/** Tells the view worker what to play. */
function show(snapshot: PolicySnapshot): void {
  shown = snapshot;
  lastSnapshotAt = performance.now();
  viewPort?.postMessage(snapshot);
}

/** Sends the run's current weights to the view (at most once a second unless `force`). */
function showRun(force: boolean): void {
  const s = session;
  if (s === null || (!force && performance.now() - lastSnapshotAt < SNAPSHOT_EVERY_MS)) return;
  show({ type: 'policy', envId: s.envId, envKwargs: s.envKwargs, algo: s.algo, payload: s.run.checkpoint(), source: 'run', runId: s.runId, globalStep: s.run.globalStep() });
}

function renderFps(envId: string): number {
  return spec(envId).metadata.renderFps;
}

async function closeSession(): Promise<void> {
  const s = session;
  session = null;
  running = false;
  if (s !== null) await s.run.close();
}

/** Rollout progress: counts env steps inside an iteration and reports them at most every PROGRESS_EVERY_MS. */
const progress = {
  collected: 0,
  epoch: null as number | null,
  epochs: null as number | null,
  startedAt: 0,
  lastPostAt: 0,
  begin(): void {
    this.collected = 0;
    this.epoch = this.epochs = null;
    this.startedAt = this.lastPostAt = performance.now();
  },
  onSteps(n: number): void {
    this.collected += n;
    const now = performance.now();
    const rollout = session?.rolloutSteps ?? null;
    if (rollout !== null && this.collected === rollout) this.post('update', now); // on-policy: the networks update next (said once)
    else if (now - this.lastPostAt >= PROGRESS_EVERY_MS) this.post('rollout', now);
  },
  /** An update epoch begins (`done` of `total` finished). */
  onEpoch(done: number, total: number): void {
    this.epoch = done + 1;
    this.epochs = total;
    const now = performance.now();
    // a short iteration runs many epochs a second: the page hears of them no more often than of rollout steps
    if (now - this.lastPostAt >= PROGRESS_EVERY_MS) this.post('update', now);
  },
  post(phase: 'rollout' | 'update', now: number): void {
    const s = session;
    if (s === null) return;
    this.lastPostAt = now;
    post({ type: 'progress', runId: s.runId, phase, collected: this.collected, rolloutSteps: s.rolloutSteps, epoch: this.epoch, epochs: this.epochs, seconds: (now - this.startedAt) / 1000 });
  },
};

/** Env steps per iteration when the config names them (numSteps × numEnvs), else null. */
function rolloutSteps(config: Readonly<Record<string, unknown>>): number | null {
  const { numSteps, numEnvs } = config;
  return typeof numSteps === 'number' && typeof numEnvs === 'number' ? numSteps * numEnvs : null;
}

async function configure(runId: number, envId: string, algo: string, overrides: Readonly<Record<string, unknown>>, resume: CheckpointPayload | undefined, workers: number): Promise<void> {
  const agent = getAgent(algo);
  const config = resolveConfig(agent.name, agent.spec, overrides);
  // a run resumed from a loaded checkpoint keeps the env kwargs it was trained with; a fresh one takes its preset's
  const kwargs = resume !== undefined ? readCheckpointMeta(resume).envKwargs : presetEnvKwargs(algo, envId);
  const ctx = runContextFor(envId, kwargs, resume, workers);
  const probe = ctx.makeEnv();
  const why = agent.supports(probe.observationSpace, probe.actionSpace);
  const spaces = { observation: describeSpace(probe.observationSpace), action: describeSpace(probe.actionSpace) };
  probe.close();
  if (why !== null) throw new Error(`${agent.name} cannot train on ${envId}: ${why}`);
  const run = agent.createRun(config, ctx);
  await closeSession();
  session = { runId, envId, algo: agent.name, config: config as Record<string, unknown>, run, iterator: run.iterations, finished: false, envKwargs: kwargs, rolloutSteps: rolloutSteps(config as Record<string, unknown>), workers, spaces };
  loaded = null;
  showRun(true);
  post({ type: 'configured', runId, resumed: resume !== undefined, envId, algo: agent.name, config, envKwargs: kwargs, totalTimesteps: run.totalTimesteps, renderFps: renderFps(envId), globalStep: run.globalStep() });
}

/** The run's envs (`make` through the registry as it is now), reporting rollout and update progress. */
function runContextFor(envId: string, kwargs: Readonly<Record<string, unknown>>, resume: CheckpointPayload | undefined, workers: number): ReturnType<typeof browserRunContext> {
  return browserRunContext(envId, { resume, kwargs, onSteps: (n) => progress.onSteps(n), onUpdateProgress: (done, total) => progress.onEpoch(done, total), workers });
}

// ── hot swap: a saved env file while the page runs (hot-envs.ts) ──

/** The catalog the page has now (JSON), to tell whether new code changed what the pickers show. */
let catalogShown = '';
/** New code changed the catalog while a run was live: the page gets it when it next goes idle. */
let catalogStale = false;

/** Sends the catalog (the pickers' content) to the page. */
function postCatalog(): void {
  const catalog = buildCatalog();
  catalogShown = JSON.stringify(catalog);
  catalogStale = false;
  post({ type: 'catalog', catalog });
}

/**
 * Moves a live run onto the env code just loaded: its checkpoint resumes on new envs (the agent, optimizer,
 * step and run go on; episodes restart). A run whose spaces changed stops with the reason; code that did
 * not load, or an env that no longer builds, pauses the run on the code it has. Without a run the pickers
 * refresh at once, else when the page next goes idle.
 */
async function swapEnvCode(loaded: boolean): Promise<void> {
  const s = session !== null && !session.finished ? session : null;
  const pauseFor = (problem: string): Error => {
    if (running) stop();
    return new Error(`${problem}, so ${s?.envId} trains on the code it had; the run is paused and kept: fix the file and save it again, then press Resume`);
  };
  if (!loaded) {
    if (s !== null) throw pauseFor('the edited env code did not load (the browser console shows why)');
    return;
  }
  catalogStale ||= JSON.stringify(buildCatalog()) !== catalogShown;
  if (s === null) {
    // nothing on the page to keep: the pickers refresh now (a finished run stays on the page until it goes idle)
    if (session === null && catalogStale) postCatalog();
    return;
  }
  let spaces: Session['spaces'];
  try {
    spaces = envSpaces(s.envId, s.envKwargs);
  } catch (err) {
    throw pauseFor(`the new code of ${s.envId} does not build (${err instanceof Error ? err.message : String(err)})`);
  }
  const which = spaces.observation !== s.spaces.observation ? 'observation' : spaces.action !== s.spaces.action ? 'action' : null;
  if (which !== null) {
    s.finished = true;
    running = false;
    post({ type: 'stopped', runId: s.runId, finished: true }); // (not `stop()`: the run's weights no longer fit the view's env)
    throw new Error(`the new code of ${s.envId} changed its ${which} space from ${s.spaces[which]} to ${spaces[which]}, which the ${s.algo.toUpperCase()} networks of this run cannot take. The run stopped at step ${s.run.globalStep()} and is kept in the run list; press Start for a fresh run on the new code`);
  }
  const agent = getAgent(s.algo);
  let run: TrainRun;
  try {
    run = agent.createRun(resolveConfig(agent.name, agent.spec, s.config), runContextFor(s.envId, s.envKwargs, s.run.checkpoint(), s.workers));
  } catch (err) {
    throw pauseFor(`the run could not move to the new code of ${s.envId} (${err instanceof Error ? err.message : String(err)})`);
  }
  const old = s.run;
  s.run = run;
  s.iterator = run.iterations;
  await old.close();
  showRun(true);
  console.info(`[hot swap] ${s.envId}: the run continues at step ${run.globalStep()} on the new code`);
}

/** The spaces of `envId` as the registry builds it now (`describeSpace`). */
function envSpaces(envId: string, kwargs: Readonly<Record<string, unknown>>): Session['spaces'] {
  const probe = make<unknown, unknown>(envId, { kwargs });
  const spaces = { observation: describeSpace(probe.observationSpace), action: describeSpace(probe.actionSpace) };
  probe.close();
  return spaces;
}

onEnvsSwapped((loaded) => enqueue('hot swap', () => swapEnvCode(loaded)));

/** One iteration of the run; posts its row (and the run's weights to the view, at most once a second). */
async function iterate(): Promise<void> {
  const s = session;
  if (s === null || s.finished) return;
  let row: Metrics | null = null;
  const t0 = performance.now();
  progress.begin();
  try {
    const r = await s.iterator.next();
    if (r.done === true) s.finished = true;
    else row = r.value;
  } catch (err) {
    s.finished = true;
    running = false;
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  showRun(s.finished);
  post({ type: 'iteration', runId: s.runId, row, done: s.finished, seconds, globalStep: s.run.globalStep() });
  if (s.finished) stop();
}

/** Stops the training loop and tells the page. */
function stop(): void {
  const s = session;
  running = false;
  if (s === null) return;
  showRun(true);
  post({ type: 'stopped', runId: s.runId, finished: s.finished });
}

// ── the training loop: one iteration per link of the message chain, a macrotask hop between them ──

const hop = new MessageChannel();
let scheduled = false;
hop.port1.onmessage = () => {
  scheduled = false;
  enqueue('train', loopStep);
};

function schedule(delayMs = 0): void {
  if (scheduled) return;
  scheduled = true;
  if (delayMs > 0) setTimeout(() => hop.port2.postMessage(0), delayMs);
  else hop.port2.postMessage(0);
}

async function loopStep(): Promise<void> {
  if (!running || session === null || session.finished) return;
  if (speed === 'realtime') {
    const wait = REALTIME_ITERATION_MS - (performance.now() - lastIterationAt);
    if (wait > 1) {
      schedule(wait);
      return;
    }
  }
  lastIterationAt = performance.now();
  await iterate();
  if (running) schedule();
}

function checkpointName(envId: string, algo: string, step: number): string {
  return `${envId.replace(/\//g, '_')}.${algo}.step-${step}.safetensors`;
}

function save(reason: 'download' | 'autosave'): void {
  if (session !== null) {
    const ckpt = session.run.checkpoint();
    const bytes = encodeSafetensors(ckpt.tensors, ckpt.metadata).buffer;
    const step = session.run.globalStep();
    post({ type: 'checkpoint', reason, bytes, name: checkpointName(session.envId, session.algo, step), globalStep: step }, [bytes]);
  } else if (loaded !== null) {
    const bytes = loaded.bytes.slice(0);
    post({ type: 'checkpoint', reason, bytes, name: loaded.name, globalStep: -1 }, [bytes]);
  } else if (reason === 'download') {
    throw new Error('nothing to save yet: start training or load a checkpoint');
  } else {
    post({ type: 'checkpoint', reason, bytes: new ArrayBuffer(0), name: '', globalStep: -1 });
  }
}

/** Validates a checkpoint completely (format, metadata, algorithm, env, every tensor shape) and only then switches to it. */
async function load(bytes: ArrayBuffer, name: string, source: LoadSource): Promise<void> {
  if (bytes.byteLength === 0) throw new Error('the file is empty');
  const decoded = decodeSafetensors(new Uint8Array(bytes));
  const payload: CheckpointPayload = { tensors: decoded.tensors, metadata: decoded.metadata };
  const meta = readCheckpointMeta(payload);
  const agent = getAgent(meta.algo);
  spec(meta.envId);
  const probe = make<unknown, unknown>(meta.envId, { kwargs: meta.envKwargs });
  const obsSpace = probe.observationSpace, actSpace = probe.actionSpace;
  probe.close();
  try {
    agent.loadPolicy(payload, obsSpace, actSpace); // builds and checks every tensor; the view builds its own copy
  } catch (err) {
    if (source !== 'restore') throw err;
    // our own autosave no longer fits: the env's code changed its spaces since (a hot swap)
    throw new Error(`it does not fit the current code of ${meta.envId}, whose spaces changed since it was saved (now observation ${describeSpace(obsSpace)}, action ${describeSpace(actSpace)}; ${err instanceof Error ? err.message : String(err)}). It stays in the run list with its run and is not loaded into the changed env: nothing is lost. Random actions; press Start for a fresh run on the new code`);
  }
  // everything checked: switch
  await closeSession();
  loaded = { name, envId: meta.envId, envKwargs: meta.envKwargs, algo: agent.name, payload, bytes };
  show({ type: 'policy', envId: meta.envId, envKwargs: meta.envKwargs, algo: agent.name, payload, source: 'checkpoint', runId: -1, globalStep: -1 }); // a file, not a run: never asked back as a run's snapshot
  const trainer = meta.trainer as { globalStep?: unknown } | null;
  const globalStep = typeof trainer?.globalStep === 'number' ? trainer.globalStep : -1;
  const copy = bytes.slice(0);
  post({ type: 'loaded', name, source, envId: meta.envId, algo: agent.name, config: meta.config, renderFps: renderFps(meta.envId), bytes: copy, observation: describeSpace(obsSpace), action: describeSpace(actSpace), envKwargs: meta.envKwargs, globalStep }, [copy]);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'catalog':
      postCatalog();
      return;
    case 'connect':
      viewPort = msg.port;
      if (shown !== null) viewPort.postMessage(shown);
      return;
    case 'configure':
      await configure(msg.runId, msg.envId, msg.algo, msg.config, msg.resume && loaded !== null && loaded.envId === msg.envId ? loaded.payload : undefined, msg.workers);
      return;
    case 'idle':
      await closeSession();
      loaded = null;
      spec(msg.envId);
      show({ type: 'policy', envId: msg.envId, envKwargs: {}, algo: null, payload: null, source: 'none', runId: -1, globalStep: 0 });
      post({ type: 'idled', envId: msg.envId, renderFps: renderFps(msg.envId) });
      if (catalogStale) postCatalog(); // env code changed during the run that just ended
      return;
    case 'run':
      speed = msg.speed;
      if (session === null || session.finished) return stop();
      running = true;
      schedule();
      return;
    case 'pause':
      if (running) stop();
      return;
    case 'step':
      running = false;
      await iterate();
      if (session !== null && !session.finished) stop();
      return;
    case 'speed':
      speed = msg.speed;
      return;
    case 'tune':
      // checked as a whole config first (a bad value throws before anything changes); the run's loop reads these fields from this object
      if (session === null) return;
      resolveConfig(session.algo, getAgent(session.algo).spec, { ...session.config, ...msg.values });
      Object.assign(session.config, msg.values);
      return;
    case 'save':
      save(msg.reason);
      return;
    case 'load':
      await load(msg.bytes, msg.name, msg.source);
      return;
  }
}

const CONTEXT: Readonly<Record<ToWorker['type'], string>> = {
  catalog: 'catalog', connect: 'view', configure: 'configure', idle: 'configure', run: 'train', pause: 'train', step: 'train', speed: 'train', tune: 'tune',
  save: 'save', load: 'load',
};

let queue: Promise<void> = Promise.resolve();

/** Appends `task` to the chain; an error becomes an `error` message with `context`. */
function enqueue(context: string, task: () => Promise<void>, describe: (message: string) => string = (m) => m): void {
  queue = queue.then(task).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'error', context, message: describe(message) });
  });
}

self.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  enqueue(CONTEXT[msg.type] ?? msg.type, () => handle(msg), (m) => (msg.type !== 'load' ? m : msg.source === 'restore' ? `The last autosave, ${msg.name}, was not loaded: ${m}` : `Could not load ${msg.name}: ${m}`));
});
