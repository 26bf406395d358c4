/**
 * The view's "ONNX Runtime" mode: the policy being played, exported by the exporter `dojo export` uses
 * (agents/export/onnx.ts, docs/export.md) and run by onnxruntime-web instead of our core, so the page
 * shows that the exported model acts as the policy does.
 *
 * ONNX Runtime's wasm build is loaded on first use only, single-threaded; its .wasm file is a vite asset
 * (`?url`) handed to `env.wasm.wasmPaths`, the way the ORT docs give for bundlers. `session.run` is
 * asynchronous, so the view worker asks for each action (`prepare`) before the display steps, and the
 * display's synchronous `act` then returns it.
 */
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { InferenceSession, Tensor } from 'onnxruntime-web/wasm';
import type { Policy } from '../../agents/common/agent.ts';
import { exportOnnx, type OnnxExport } from '../../agents/export/onnx.ts';
import type { Env, Observation } from '../gym/env.ts';
import { flatten, type Space } from '../gym/spaces.ts';
import type { PolicySnapshot } from './protocol.ts';

type Ort = typeof import('onnxruntime-web/wasm');

/** What the page writes as `rl_dojo_commit`: a static site knows no git checkout. */
const PAGE_COMMIT = 'unknown (exported by the sandbox page)';

let ortModule: Promise<Ort> | null = null;

/** ONNX Runtime's wasm build, loaded once, single-threaded, its .wasm served by vite. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-web/wasm').then((ort) => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = { wasm: wasmUrl };
    return ort;
  });
  return ortModule;
}

/**
 * Exports the snapshot's policy for the display env's spaces, with the file name the page downloads it as
 * (`<env>.<algo>.onnx`, a `/` in an env id as `_`); an error that says why when there is no policy (random
 * actions) or the exporter refuses it (an algorithm without one, a layer ONNX cannot express).
 */
export function exportSnapshot(s: PolicySnapshot | null, env: Env<unknown, unknown> | null): { model: OnnxExport; name: string } {
  if (s === null || s.payload === null || s.algo === null || env === null) {
    throw new Error('nothing to export: the view plays random actions. Load a checkpoint (the model zoo or Load…) or start a run first.');
  }
  return { model: exportOnnx(s.payload, env.observationSpace, env.actionSpace, PAGE_COMMIT), name: `${s.envId.replace(/\//g, '_')}.${s.algo}.onnx` };
}

/** A feed: float32 data and its dims. */
type Feed = { data: Float32Array; dims: number[] };

/** A policy whose actions come from ONNX Runtime: `prepare(obs)` runs the model, then `act(obs)` returns its action. */
export class OnnxPolicy implements Policy {
  readonly algo: string;
  readonly envId: string;
  private readonly ort: Ort;
  private readonly session: InferenceSession;
  private readonly obsSpace: Space;
  private readonly obsDims: number[];
  /** Recurrent state fed as `h_in`/`c_in` (null for feed-forward models), all zeros at an episode start. */
  private state: Record<string, Feed> | null;
  private preparedFor: unknown = undefined;
  private prepared: { action: number | Float32Array | Int32Array; state: Record<string, Feed> | null } | null = null;

  private constructor(ort: Ort, session: InferenceSession, exp: OnnxExport, algo: string, envId: string, obsSpace: Space) {
    this.ort = ort;
    this.session = session;
    this.algo = algo;
    this.envId = envId;
    this.obsSpace = obsSpace;
    this.obsDims = dimsOf(exp, 'obs');
    const recurrent = exp.inputs.some((io) => io.name === 'h_in');
    this.state = recurrent ? { h_in: zeros(dimsOf(exp, 'h_in')), c_in: zeros(dimsOf(exp, 'c_in')) } : null;
  }

  /**
   * Exports the snapshot's policy and loads it in an ONNX Runtime session (`runtime`: the page's wasm
   * build by default; the tests pass onnxruntime-web's Node build).
   */
  static async create(s: PolicySnapshot, env: Env<unknown, unknown>, runtime: () => Promise<Ort> = loadOrt): Promise<OnnxPolicy> {
    const exp = exportSnapshot(s, env).model;
    const ort = await runtime();
    const session = await ort.InferenceSession.create(exp.bytes);
    return new OnnxPolicy(ort, session, exp, s.algo ?? '', s.envId, env.observationSpace);
  }

  /** Runs the model on `obs` (one row); the next `act(obs)` returns its deterministic action (masked argmax with a mask). */
  async prepare(obs: unknown, mask: Uint8Array | undefined): Promise<void> {
    const flat = flatten(this.obsSpace, obs as Parameters<typeof flatten>[1]);
    const feeds: Record<string, Tensor> = { obs: new this.ort.Tensor('float32', flat, this.obsDims) };
    for (const [name, f] of Object.entries(this.state ?? {})) feeds[name] = new this.ort.Tensor('float32', f.data, f.dims);
    const out = await this.session.run(feeds);
    const next = this.state === null ? null : { h_in: { data: out.h_out.data as Float32Array, dims: this.state.h_in.dims }, c_in: { data: out.c_out.data as Float32Array, dims: this.state.c_in.dims } };
    this.prepared = { action: actionOf(out, mask), state: next };
    this.preparedFor = obs;
  }

  act(obs: Observation): number | Float32Array | Int32Array {
    if (this.prepared === null || obs !== this.preparedFor) throw new Error('ONNX Runtime policy: act() was called for an observation that prepare() has not run');
    const { action, state } = this.prepared;
    this.prepared = null;
    this.preparedFor = undefined;
    this.state = state;
    return action;
  }

  resetState(): void {
    if (this.state !== null) this.state = { h_in: zeros(this.state.h_in.dims), c_in: zeros(this.state.c_in.dims) };
  }
}

/** The dims of input `name` for one row. */
function dimsOf(exp: OnnxExport, name: string): number[] {
  const io = exp.inputs.find((i) => i.name === name);
  if (io === undefined) throw new Error(`the exported model has no input "${name}" (inputs: ${exp.inputs.map((i) => i.name).join(', ')})`);
  return io.dims.map((d) => (typeof d === 'number' ? d : 1));
}

function zeros(dims: number[]): Feed {
  return { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims };
}

/**
 * The action of one row: the model's `action` output (int64 [1] → number, [1, k] → Int32Array for MultiDiscrete;
 * floats for Box). With a legal-action mask the argmax of `logits` or `q_values` over legal actions,
 * shifted as the model's own `action` is (DQN adds the space's `start`); AlphaZero has no `action`
 * output and plays its policy head's best legal move (no search).
 */
function actionOf(out: Record<string, { data: unknown; dims: readonly number[] }>, mask: Uint8Array | undefined): number | Float32Array | Int32Array {
  const scores = (out.logits ?? out.q_values)?.data as Float32Array | undefined;
  const action = out.action?.data as BigInt64Array | Float32Array | undefined;
  if (mask !== undefined && scores !== undefined && scores.length === mask.length) {
    const offset = action instanceof BigInt64Array && out.action.dims.length === 1 ? Number(action[0]) - argmax(scores, null) : 0;
    return argmax(scores, mask) + offset;
  }
  if (action === undefined) {
    if (scores === undefined) throw new Error(`the exported model has neither an "action" nor a "logits" output (outputs: ${Object.keys(out).join(', ')})`);
    return argmax(scores, null);
  }
  if (action instanceof BigInt64Array) return out.action.dims.length === 1 ? Number(action[0]) : Int32Array.from(action, (v) => Number(v));
  return Float32Array.from(action);
}

/** The index of the largest score (among `mask`'s legal entries when given). */
function argmax(scores: Float32Array, mask: Uint8Array | null): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    if (mask !== null && mask[i] === 0) continue;
    if (best < 0 || scores[i] > scores[best]) best = i;
  }
  if (best < 0) throw new Error('ONNX Runtime policy: the action mask allows no action');
  return best;
}
