/**
 * The paint worker: it owns a Paint-v0 env and a trained painter (a checkpoint from the model zoo), and
 * paints the target the user drew or dropped in the paint panel (panels/paint.ts), one stroke per request,
 * so the page sets the pace and no painting runs on the main thread.
 *
 * Messages in (`ToPaint`): `load` (checkpoint bytes), `start` (the drawn image as RGBA pixels: it becomes
 * the target, and the canvas is blank again), `stroke` (place the next stroke). Out (`FromPaint`):
 * `loaded`, a `frame` after `start` and after each stroke (the Scene, strokes placed, the distance to
 * the target and the fraction of the blank canvas's distance removed), or `error` with a sentence.
 */
import '../../envs/index.ts';
import { getAgent } from '../../agents/index.ts';
import type { Policy } from '../../agents/common/agent.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import type { Paint } from '../../envs/art/paint.ts';
import { targetFromImage } from '../../envs/art/targets.ts';
import type { Env } from '../gym/env.ts';
import { make } from '../gym/registry.ts';
import type { Scene } from '../gym/scene.ts';
import { decodeSafetensors } from '../nn/safetensors.ts';

/** What the panel sends. */
export type ToPaint =
  | { type: 'load'; bytes: ArrayBuffer; file: string }
  | { type: 'start'; width: number; height: number; rgba: Uint8ClampedArray }
  | { type: 'stroke' };

/** What the worker answers. */
export type FromPaint =
  | { type: 'loaded'; file: string; envId: string; algo: string }
  | { type: 'frame'; scene: Scene; stroke: number; strokes: number; distance: number; blankDistance: number; removed: number; done: boolean }
  | { type: 'error'; text: string };

let env: Env<Float32Array, Float32Array> | null = null;
let policy: Policy | null = null;
let obs: Float32Array | null = null;
let done = true;

function post(msg: FromPaint): void {
  (self as unknown as { postMessage(m: FromPaint): void }).postMessage(msg);
}

/** The frame of the env now. */
function frame(info: Readonly<Record<string, unknown>>): FromPaint {
  const paint = (env as Env<Float32Array, Float32Array>).unwrapped as unknown as Paint;
  return {
    type: 'frame', scene: paint.render(), stroke: paint.strokes.length, strokes: paint.strokesPerEpisode,
    distance: info.distance as number, blankDistance: info.blankDistance as number, removed: info.removed as number, done,
  };
}

function handle(msg: ToPaint): void {
  if (msg.type === 'load') {
    const ckpt = decodeSafetensors(msg.bytes);
    const meta = readCheckpointMeta(ckpt);
    if (meta.envId !== 'Paint-v0') throw new Error(`${msg.file} was trained on ${meta.envId}; the paint panel needs a Paint-v0 checkpoint`);
    env?.close();
    env = make<Float32Array, Float32Array>(meta.envId, { kwargs: meta.envKwargs });
    policy = getAgent(meta.algo).loadPolicy(ckpt, env.observationSpace, env.actionSpace);
    done = true;
    post({ type: 'loaded', file: msg.file, envId: meta.envId, algo: meta.algo });
    return;
  }
  if (env === null || policy === null) throw new Error('no painter loaded yet: the zoo checkpoint is still loading');
  const paint = env.unwrapped as unknown as Paint;
  if (msg.type === 'start') {
    const target = targetFromImage({ width: msg.width, height: msg.height, data: msg.rgba }, paint.size, 'the drawn target');
    const r = env.reset({ seed: 0, options: { target } });
    obs = r.obs;
    policy.resetState();
    done = false;
    post(frame(r.info));
    return;
  }
  if (done || obs === null) return;
  const r = env.step(policy.act(obs, { deterministic: true }) as Float32Array);
  obs = r.obs;
  done = r.terminated || r.truncated;
  post(frame(r.info));
}

self.addEventListener('message', (e: MessageEvent<ToPaint>) => {
  try {
    handle(e.data);
  } catch (err) {
    post({ type: 'error', text: err instanceof Error ? err.message : String(err) });
  }
});
