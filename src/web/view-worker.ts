/**
 * The view worker: it owns the display env and plays the latest policy, so the view keeps moving
 * however long a training iteration runs in the other worker (worker.ts).
 *
 * - The training worker sends policy snapshots through a MessagePort (`PolicySnapshot`): a new run, a
 *   loaded checkpoint, idle (random actions), and the run's weights at most once a second while it
 *   trains. A snapshot of the same run only swaps the policy; anything else starts a new display.
 * - The page asks for `frames` on its animation clock (none arrive in a hidden tab, which then costs
 *   nothing here), a whole sample `episode` in turbo, `network` histograms of the policy being played
 *   (a loaded checkpoint too), the run's latest `snapshot` as .safetensors bytes (so a run the page
 *   leaves is kept), and board games played by clicking.
 * - "Export ONNX" exports the policy being played with `dojo export`'s exporter; the "ONNX Runtime" mode
 *   plays it through onnxruntime-web instead of our core (onnx-player.ts): each action is computed
 *   asynchronously before its step, so only this mode's frame requests are answered asynchronously.
 *
 * The display env never meets the training envs, and policies act with their own Rng, so watching
 * does not change what training computes.
 */
import { onEnvsSwapped } from './hot-envs.ts';
import { getAgent } from '../../agents/index.ts';
import type { Policy } from '../../agents/common/agent.ts';
import { spec } from '../gym/registry.ts';
import { encodeSafetensors } from '../nn/safetensors.ts';
import { BoardSession } from './board.ts';
import { Display } from './display.ts';
import { MindReader } from './mind.ts';
import { networkView } from './network-stats.ts';
import { OnnxPolicy, exportSnapshot } from './onnx-player.ts';
import type { BareFrame, Frame, FromView, PolicySnapshot, ToView } from './protocol.ts';

/** Seed of the display env (any fixed number: it never meets the training envs). */
const DISPLAY_SEED = 20_240_101;

let display: Display | null = null;
let displayId = 0;
let snapshot: PolicySnapshot | null = null;
/** The latest snapshot of a training run, kept after the view moved on, until the page asks for it. */
let lastRun: PolicySnapshot | null = null;
let policy: Policy | null = null;
let board: BoardSession | null = null;
let deterministic = true;
let port: MessagePort | null = null;
/** ONNX Runtime mode: the display's actions come from an ONNX Runtime session of the policy being played. */
let onnxOn = false;
/** That session's policy once built (a run's newer snapshot replaces it when its own session is ready), or null. */
let onnxPolicy: Promise<OnnxPolicy> | null = null;
/** Counts session builds: a build that finishes after a newer one started is dropped. */
let onnxBuild = 0;
/** The ONNX Runtime frame requests, one after another (two at once would interleave their steps). */
let onnxQueue: Promise<void> = Promise.resolve();

const post = (msg: FromView, transfer: Transferable[] = []): void => {
  (self as unknown as { postMessage(m: FromView, t: Transferable[]): void }).postMessage(msg, transfer);
};

function stamp(frames: readonly BareFrame[]): Frame[] {
  return frames.map((f) => ({ ...f, display: displayId }));
}

/** True when `next` continues what is shown now (the same run or file on the same env): only the weights change. */
function continues(next: PolicySnapshot): boolean {
  const now = snapshot;
  return now !== null && display !== null && now.envId === next.envId && JSON.stringify(now.envKwargs) === JSON.stringify(next.envKwargs) && now.source === next.source && now.runId === next.runId && next.source !== 'none';
}

// a saved env file (npm start): the display starts over on the new code, with the same policy when it still fits
onEnvsSwapped((loaded) => {
  const s = snapshot;
  if (s === null || !loaded) return;
  snapshot = null;
  try {
    onSnapshot(s);
  } catch {
    onSnapshot({ ...s, algo: null, payload: null }); // the policy no longer fits the env's spaces: random actions
  }
});

function onSnapshot(next: PolicySnapshot): void {
  const keep = continues(next);
  if (!keep) {
    display?.close();
    display = new Display(next.envId, DISPLAY_SEED, next.envKwargs);
    display.deterministic = deterministic;
    board = null;
    displayId++;
  }
  policy = next.payload !== null && next.algo !== null && display !== null ? getAgent(next.algo).loadPolicy(next.payload, display.env.observationSpace, display.env.actionSpace) : null;
  if (display !== null) display.mind = next.payload !== null && next.algo !== null ? readerFor(next.payload, next.algo, display) : null;
  snapshot = next;
  if (next.source === 'run') lastRun = next;
  if (!keep) post({ type: 'display', display: displayId, envId: next.envId, renderFps: spec(next.envId).metadata.renderFps, source: next.source, runId: next.runId });
  if (onnxOn) syncOnnx(keep);
}

/** The mind reader of a snapshot's policy, or null when its algorithm has no policy graph (the page then says so). */
function readerFor(payload: NonNullable<PolicySnapshot['payload']>, algo: string, d: Display): MindReader | null {
  try {
    return new MindReader(payload, algo, d.env);
  } catch {
    return null;
  }
}

/**
 * Builds the ONNX Runtime policy of the current snapshot (mode on), or drops it (mode off, or no policy:
 * random actions), and tells the page which engine plays. While a run's newer snapshot is built, the
 * previous session plays on (`keep`); a new display waits for its own. A build that fails (no exporter
 * for the algorithm) says why and switches the mode off.
 */
function syncOnnx(keep: boolean): void {
  const build = ++onnxBuild;
  const s = snapshot;
  const env = display?.env ?? null;
  if (!onnxOn || s === null || s.payload === null || env === null) {
    onnxPolicy = null;
    post({ type: 'engine', engine: 'core' });
    return;
  }
  const built = OnnxPolicy.create(s, env);
  if (!keep || onnxPolicy === null) onnxPolicy = built;
  built.then(() => {
    if (build !== onnxBuild) return;
    onnxPolicy = built;
    post({ type: 'engine', engine: 'onnx-runtime' });
  }, (err: unknown) => {
    if (build === onnxBuild) onnxFailed(err);
  });
}

/** ONNX Runtime failed (a build or a run): says why, switches the mode off, and our core plays on. */
function onnxFailed(err: unknown): void {
  onnxOn = false;
  onnxPolicy = null;
  onnxBuild++;
  post({ type: 'error', context: 'ONNX Runtime', message: err instanceof Error ? err.message : String(err) });
  post({ type: 'engine', engine: 'core' });
}

/**
 * Up to `n` display steps whose actions ONNX Runtime computes (`episode`: a whole sample episode from a
 * fresh start, at most `n` steps). Stops early when the display, or the mode, changed during an await;
 * when there is nothing to play through ONNX Runtime any more, the answer is empty and the next request
 * takes our core's path.
 */
async function onnxFrames(n: number, episode: boolean): Promise<void> {
  const d = display;
  const id = displayId;
  const pending = onnxPolicy;
  const frames: BareFrame[] = [];
  try {
    if (d === null || pending === null || !onnxOn) return;
    const p = await pending;
    if (episode) d.restart();
    for (let i = 0; i < n; i++) {
      const next = d.nextObservation();
      if (next !== null) await p.prepare(next.obs, next.mask);
      if (display !== d || !onnxOn) break;
      frames.push(d.step(p));
      if (episode && d.nextObservation() === null) break;
    }
  } catch (err) {
    // a failed build has switched the mode off already (syncOnnx); a failed run does it here
    if (onnxOn && onnxPolicy === pending) onnxFailed(err);
  } finally {
    post({ type: 'frames', frames: frames.map((f) => ({ ...f, display: id })) });
  }
}

function onPortMessage(ev: MessageEvent<PolicySnapshot>): void {
  try {
    onSnapshot(ev.data);
  } catch (err) {
    post({ type: 'error', context: 'view', message: err instanceof Error ? err.message : String(err) });
  }
}

function handle(msg: ToView): void {
  switch (msg.type) {
    case 'connect':
      port?.close();
      port = msg.port;
      port.onmessage = onPortMessage;
      return;
    case 'frames': {
      if (onnxOn && onnxPolicy !== null && msg.human === null) {
        onnxQueue = onnxQueue.then(() => onnxFrames(msg.n, false));
        return;
      }
      const frames: BareFrame[] = [];
      if (display !== null) for (let i = 0; i < msg.n; i++) frames.push(msg.human !== null ? display.step(null, msg.human) : display.step(policy));
      post({ type: 'frames', frames: stamp(frames) });
      return;
    }
    case 'episode':
      if (onnxOn && onnxPolicy !== null) {
        onnxQueue = onnxQueue.then(() => onnxFrames(msg.cap, true));
        return;
      }
      post({ type: 'frames', frames: display !== null ? stamp(display.episode(policy, msg.cap)) : [] });
      return;
    case 'display':
      deterministic = msg.deterministic;
      if (display !== null) display.deterministic = deterministic;
      return;
    case 'network': {
      const payload = snapshot?.payload ?? null;
      if (payload === null || display === null) {
        post({ type: 'network', layers: [], source: 'none' });
        return;
      }
      post({ type: 'network', layers: networkView(payload, display.recentObs(), display.obsDim), source: snapshot?.source ?? 'none' });
      return;
    }
    case 'snapshot': {
      const s = lastRun;
      if (s === null || s.runId !== msg.runId || s.payload === null) {
        post({ type: 'snapshot', runId: msg.runId, bytes: null, globalStep: -1 });
        return;
      }
      const bytes = encodeSafetensors(s.payload.tensors, s.payload.metadata).buffer as ArrayBuffer;
      post({ type: 'snapshot', runId: msg.runId, bytes, globalStep: s.globalStep }, [bytes]);
      return;
    }
    case 'export-onnx': {
      const { model, name } = exportSnapshot(snapshot, display?.env ?? null);
      const bytes = model.bytes.slice().buffer;
      post({ type: 'onnx', name, bytes }, [bytes]);
      return;
    }
    case 'onnx-runtime': {
      onnxOn = msg.on;
      const s = snapshot;
      if (s === null) {
        syncOnnx(false);
        return;
      }
      // a new display (and episode), so everything shown from now on is played by the engine chosen; a board game goes on
      const game = board;
      snapshot = null;
      onSnapshot(s);
      board = game;
      if (!onnxOn) syncOnnx(false);
      return;
    }
    case 'board-new': {
      const agent = snapshot !== null && snapshot.envId === msg.envId ? policy : null;
      board = new BoardSession(msg.envId, msg.opponent, msg.humanSeat, msg.seed, agent);
      post({ type: 'board', frames: stamp(board.start()), status: board.status(), over: board.over() });
      return;
    }
    case 'board-click': {
      if (board === null) return;
      const r = board.click(msg.shapeId);
      post({ type: 'board', frames: stamp(r.frames), status: r.status, over: board.over() });
      return;
    }
  }
}

self.addEventListener('message', (ev: MessageEvent<ToView>) => {
  const msg = ev.data;
  try {
    handle(msg);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const context = msg.type === 'board-new' || msg.type === 'board-click' ? 'board' : msg.type === 'export-onnx' ? 'Export ONNX' : 'view';
    post({ type: 'error', context, message });
    if (msg.type === 'frames' || msg.type === 'episode') post({ type: 'frames', frames: [] });
  }
});
