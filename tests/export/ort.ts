/**
 * Test helpers: run an exported model in ONNX Runtime (onnxruntime-web's wasm build, in Node), build
 * fresh checkpoints with random weights, and compare outputs.
 */
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import type { Space } from '../../src/gym/spaces.ts';
import { flatten, sample } from '../../src/gym/spaces.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { getAgent } from '../../agents/index.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import { resolveConfig } from '../../agents/common/config.ts';

ort.env.wasm.numThreads = 1;

/** A loaded ONNX Runtime session. */
export type Session = ort.InferenceSession;

/** Loads model bytes into ONNX Runtime. */
export function loadSession(bytes: Uint8Array): Promise<Session> {
  return ort.InferenceSession.create(bytes);
}

/** Runs the session on float32 feeds ({data, dims}); every output as a Float32Array (int64 converted). */
export async function runSession(session: Session, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, Float32Array>> {
  const inputs = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor('float32', f.data, f.dims)]));
  const out = await session.run(inputs);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => {
    const d = t.data as Float32Array | BigInt64Array;
    return [k, d instanceof BigInt64Array ? Float32Array.from(d, (v) => Number(v)) : d];
  }));
}

/** `n` random observations from `space`, each as the env gives it, and all of them flattened row after row. */
export function randomObservations(space: Space, n: number, rng: Rng): { values: ReturnType<typeof sample>[]; flat: Float32Array; dim: number } {
  const values = Array.from({ length: n }, () => sample(space, rng));
  const first = flatten(space, values[0]);
  const flat = new Float32Array(n * first.length);
  values.forEach((v, i) => flatten(space, v, flat, i * first.length));
  return { values, flat, dim: first.length };
}

/** The largest |a − b| (Infinity when the lengths differ or a value is not finite in one only). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] === b[i] ? 0 : Math.abs(a[i] - b[i]);
    m = Math.max(m, Number.isNaN(d) ? Infinity : d);
  }
  return m;
}

/** Expects every float output within `tol` of ours and every int output identical, naming the output. */
export function expectOutputsMatch(onnx: Record<string, Float32Array>, ours: Record<string, Float32Array>, intOutputs: readonly string[], tol = 1e-5): void {
  for (const [name, mine] of Object.entries(ours)) {
    expect(onnx[name], `ONNX Runtime gave no output "${name}"`).toBeDefined();
    const diff = maxAbsDiff(onnx[name], mine);
    if (intOutputs.includes(name)) expect(diff, `output "${name}" (integers) differs`).toBe(0);
    else expect(diff, `output "${name}": max abs difference`).toBeLessThanOrEqual(tol);
  }
}

/**
 * A checkpoint of a fresh `algo` run on `envId` (no training), its network weights replaced by draws
 * from N(0, 1/fan-in) (biases and log σ N(0, 0.1²) and N(0, 0.5²)) so every output is far from its
 * initial near-zero values, and, when `obsNorm` is given, observation statistics drawn at random.
 */
export function randomCheckpoint(algo: string, envId: string, config: Record<string, unknown>, seed: number, opts: { kwargs?: Record<string, unknown>; obsNorm?: boolean } = {}): CheckpointPayload {
  const agent = getAgent(algo);
  const run = agent.createRun(resolveConfig(algo, agent.spec, config), runContext(envId, { kwargs: opts.kwargs }));
  const ckpt = run.checkpoint();
  void run.close();
  const rng = new Rng(seed);
  randomizeWeights(ckpt, rng);
  if (opts.obsNorm === true) {
    const dim = (JSON.parse(ckpt.metadata.obs_norm) as { mean: number[] }).mean.length;
    const mean = Array.from({ length: dim }, () => rng.normal(0, 1));
    const variance = Array.from({ length: dim }, () => 0.05 + 2 * rng.random());
    ckpt.metadata.obs_norm = JSON.stringify({ mean, var: variance, count: 1000 });
  }
  return ckpt;
}

/** Replaces a checkpoint's network weights (not its optimizer state) in place by draws from N(0, 1/fan-in); biases N(0, 0.1²), log σ N(0, 0.5²). */
export function randomizeWeights(ckpt: CheckpointPayload, rng: Rng): void {
  for (const [name, t] of ckpt.tensors) {
    if (name.startsWith('optim.')) continue;
    const fanIn = t.shape.length > 1 ? t.data.length / t.shape[0] : 0;
    const std = name.endsWith('logStd') ? 0.5 : fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0.1;
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal(0, std);
  }
}
