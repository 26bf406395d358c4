/**
 * The training worker. It owns every env, network and training run of the page; the page sends one
 * request per message (protocol.ts) and this worker answers each in order:
 *
 * - `iterate` pulls one `next()` of the run's `iterations` generator (the same generator `dojo train`
 *   drives with for-await), then steps the display env a few frames with the current policy;
 * - `frames` steps only the display (paused, a loaded checkpoint, random actions or a human's keys);
 * - `save` / `load` turn runs into .safetensors bytes and back, validating a file completely before
 *   anything changes;
 * - `board-*` plays click-to-move board games.
 *
 * Messages are handled strictly one after another (a promise chain), so an async iteration never
 * interleaves with another request.
 */
import '../../envs/index.ts';
import { getAgent } from '../../agents/index.ts';
import type { CheckpointPayload, Policy, TrainRun } from '../../agents/common/agent.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import type { Metrics } from '../core/metrics.ts';
import { make, spec } from '../gym/registry.ts';
import { decodeSafetensors, encodeSafetensors } from '../nn/safetensors.ts';
import { BoardSession } from './board.ts';
import { browserRunContext, buildCatalog } from './catalog.ts';
import { Display } from './display.ts';
import { networkView } from './network-stats.ts';
import type { Frame, FromWorker, LoadSource, ToWorker } from './protocol.ts';

/** Seed of the display env (any fixed number: it never meets the training envs). */
const DISPLAY_SEED = 20_240_101;
/** Longest sample episode drawn in turbo. */
const EPISODE_CAP = 1500;

type Session = {
  runId: number;
  envId: string;
  algo: string;
  config: Record<string, unknown>;
  run: TrainRun;
  /** The run's generator itself: sync or async, both answer `next()`. */
  iterator: TrainRun['iterations'];
  finished: boolean;
};

type Loaded = { name: string; envId: string; envKwargs: Record<string, unknown>; algo: string; payload: CheckpointPayload; policy: Policy; bytes: ArrayBuffer };

let session: Session | null = null;
let loaded: Loaded | null = null;
let display: Display | null = null;
let board: BoardSession | null = null;
let deterministic = true;

const post = (msg: FromWorker, transfer: Transferable[] = []): void => {
  (self as unknown as { postMessage(m: FromWorker, t: Transferable[]): void }).postMessage(msg, transfer);
};

/** The policy the view plays: the run's, else the loaded one, else none (random actions). */
function currentPolicy(): Policy | null {
  return session?.run.policy ?? loaded?.policy ?? null;
}

function setDisplay(envId: string, kwargs: Readonly<Record<string, unknown>> = {}): void {
  if (display?.envId === envId && JSON.stringify(display.kwargs) === JSON.stringify(kwargs)) return;
  display?.close();
  display = new Display(envId, DISPLAY_SEED, kwargs);
  display.deterministic = deterministic;
}

function renderFps(envId: string): number {
  return spec(envId).metadata.renderFps;
}

async function closeSession(): Promise<void> {
  const s = session;
  session = null;
  if (s !== null) await s.run.close();
}

function stepFrames(n: number): Frame[] {
  if (display === null) return [];
  const policy = currentPolicy();
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) frames.push(display.step(policy));
  return frames;
}

async function configure(runId: number, envId: string, algo: string, overrides: Readonly<Record<string, unknown>>, resume: CheckpointPayload | undefined): Promise<void> {
  const agent = getAgent(algo);
  const config = resolveConfig(agent.name, agent.spec, overrides);
  // a run resumed from a loaded checkpoint keeps the env kwargs it was trained with
  const kwargs = resume !== undefined ? readCheckpointMeta(resume).envKwargs : {};
  const ctx = browserRunContext(envId, { resume, kwargs });
  const probe = ctx.makeEnv();
  const why = agent.supports(probe.observationSpace, probe.actionSpace);
  probe.close();
  if (why !== null) throw new Error(`${agent.name} cannot train on ${envId}: ${why}`);
  const run = agent.createRun(config, ctx);
  await closeSession();
  session = { runId, envId, algo: agent.name, config: config as Record<string, unknown>, run, iterator: run.iterations, finished: false };
  loaded = null;
  board = null;
  setDisplay(envId, kwargs);
  post({ type: 'configured', runId, envId, algo: agent.name, config, totalTimesteps: run.totalTimesteps, renderFps: renderFps(envId) });
}

async function iterate(frames: number, episode: boolean): Promise<void> {
  const s = session;
  if (s === null) {
    // the run was closed (reset, load) after the page asked: an empty, stale reply
    post({ type: 'iteration', runId: -1, row: null, done: true, frames: [], seconds: 0, globalStep: 0 });
    return;
  }
  let row: Metrics | null = null;
  const t0 = performance.now();
  if (!s.finished) {
    try {
      const r = await s.iterator.next();
      if (r.done === true) s.finished = true;
      else row = r.value;
    } catch (err) {
      s.finished = true;
      throw err;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = episode && display !== null ? display.episode(currentPolicy(), EPISODE_CAP) : stepFrames(frames);
  post({ type: 'iteration', runId: s.runId, row, done: s.finished, frames: out, seconds, globalStep: s.run.globalStep() });
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
  const policy = agent.loadPolicy(payload, obsSpace, actSpace);
  // everything checked: switch
  await closeSession();
  board = null;
  loaded = { name, envId: meta.envId, envKwargs: meta.envKwargs, algo: agent.name, payload, policy, bytes };
  display?.close();
  display = null;
  setDisplay(meta.envId, meta.envKwargs);
  const copy = bytes.slice(0);
  post({ type: 'loaded', name, source, envId: meta.envId, algo: agent.name, config: meta.config, renderFps: renderFps(meta.envId), bytes: copy }, [copy]);
}

function network(): void {
  const payload = session !== null ? session.run.checkpoint() : loaded?.payload ?? null;
  if (payload === null) {
    post({ type: 'network', layers: [], source: 'none' });
    return;
  }
  const obs = display?.recentObs() ?? new Float32Array(0);
  post({ type: 'network', layers: networkView(payload, obs, display?.obsDim ?? 0), source: session !== null ? 'run' : 'checkpoint' });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'catalog':
      post({ type: 'catalog', catalog: buildCatalog() });
      return;
    case 'configure':
      await configure(msg.runId, msg.envId, msg.algo, msg.config, msg.resume && loaded !== null && loaded.envId === msg.envId ? loaded.payload : undefined);
      return;
    case 'idle':
      await closeSession();
      loaded = null;
      board = null;
      setDisplay(msg.envId);
      post({ type: 'idled', envId: msg.envId, renderFps: renderFps(msg.envId) });
      return;
    case 'iterate':
      await iterate(msg.frames, msg.episode);
      return;
    case 'frames': {
      if (display === null) {
        post({ type: 'frames', frames: [] });
        return;
      }
      const frames: Frame[] = [];
      for (let i = 0; i < msg.n; i++) frames.push(msg.human !== null ? display.step(null, msg.human) : display.step(currentPolicy()));
      post({ type: 'frames', frames });
      return;
    }
    case 'display':
      deterministic = msg.deterministic;
      if (display !== null) display.deterministic = deterministic;
      return;
    case 'save':
      save(msg.reason);
      return;
    case 'load':
      await load(msg.bytes, msg.name, msg.source);
      return;
    case 'network':
      network();
      return;
    case 'board-new': {
      const agent = currentPolicy();
      const policy = agent !== null && (session?.envId ?? loaded?.envId) === msg.envId ? agent : null;
      board = new BoardSession(msg.envId, msg.opponent, msg.humanSeat, msg.seed, policy);
      post({ type: 'board', frames: board.start(), status: board.status(), over: board.over() });
      return;
    }
    case 'board-click': {
      if (board === null) return;
      const r = board.click(msg.shapeId);
      post({ type: 'board', frames: r.frames, status: r.status, over: board.over() });
      return;
    }
  }
}

const CONTEXT: Readonly<Record<ToWorker['type'], string>> = {
  catalog: 'catalog', configure: 'configure', idle: 'configure', iterate: 'train', frames: 'view', display: 'view',
  save: 'save', load: 'load', network: 'network', 'board-new': 'board', 'board-click': 'board',
};

let queue: Promise<void> = Promise.resolve();
self.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  queue = queue.then(() => handle(msg)).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'error', context: CONTEXT[msg.type] ?? msg.type, message: msg.type === 'load' ? `Could not load ${msg.name}: ${message}` : message });
  });
});
