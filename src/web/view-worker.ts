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
 *
 * The display env never meets the training envs, and policies act with their own Rng, so watching
 * does not change what training computes.
 */
import '../../envs/index.ts';
import { getAgent } from '../../agents/index.ts';
import type { Policy } from '../../agents/common/agent.ts';
import { spec } from '../gym/registry.ts';
import { encodeSafetensors } from '../nn/safetensors.ts';
import { BoardSession } from './board.ts';
import { Display } from './display.ts';
import { networkView } from './network-stats.ts';
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
  snapshot = next;
  if (next.source === 'run') lastRun = next;
  if (!keep) post({ type: 'display', display: displayId, envId: next.envId, renderFps: spec(next.envId).metadata.renderFps, source: next.source, runId: next.runId });
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
      const frames: BareFrame[] = [];
      if (display !== null) for (let i = 0; i < msg.n; i++) frames.push(msg.human !== null ? display.step(null, msg.human) : display.step(policy));
      post({ type: 'frames', frames: stamp(frames) });
      return;
    }
    case 'episode':
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
    post({ type: 'error', context: msg.type === 'board-new' || msg.type === 'board-click' ? 'board' : 'view', message });
    if (msg.type === 'frames' || msg.type === 'episode') post({ type: 'frames', frames: [] });
  }
});
