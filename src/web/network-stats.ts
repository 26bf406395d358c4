/**
 * Worker side of the network view: per-layer weight histograms, and activation histograms of the
 * policy's layers on recent observations, read from a checkpoint payload (the one view of the weights
 * every agent gives: `TrainRun.checkpoint()` or a loaded file), so no agent needs extra code.
 *
 * Layers are the Linear layers of `mlp` nets: tensors `<net>.<i>.weight` [out, in] with an optional
 * `<net>.<i>.bias`. A chain whose first layer takes the observation is run forward on the recent
 * observations, with the config's hidden activation between layers (an index gap of 2 means an
 * Activation module sits between them, as `mlp` builds them) and none after the last.
 */
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import type { Histogram, LayerView } from './protocol.ts';

const BINS = 24;

/** A histogram of `values` with BINS equal bins over their range. */
export function histogram(values: ArrayLike<number>): Histogram {
  let min = Infinity, max = -Infinity, sum = 0, sq = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sq += v * v;
    n++;
  }
  const counts = new Array<number>(BINS).fill(0);
  if (n === 0) return { min: 0, max: 0, counts, mean: 0, std: 0 };
  const width = max > min ? (max - min) / BINS : 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(BINS - 1, Math.floor((v - min) / width))]++;
  }
  const mean = sum / n;
  return { min, max, counts, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
}

type Entry = { data: Float32Array; shape: readonly number[] };
type LinearLayer = { name: string; index: number; weight: Entry; bias: Entry | null };

/** The Linear layers of each net in a payload, by net prefix, in index order. */
function linearChains(tensors: CheckpointPayload['tensors']): Map<string, LinearLayer[]> {
  const nets = new Map<string, LinearLayer[]>();
  for (const [name, weight] of tensors) {
    const m = /^(.+)\.(\d+)\.weight$/.exec(name);
    if (m === null || weight.shape.length !== 2 || name.startsWith('optim.')) continue;
    const [, net, idx] = m;
    const layers = nets.get(net) ?? [];
    layers.push({ name: `${net}.${idx}`, index: Number(idx), weight, bias: tensors.get(`${net}.${idx}.bias`) ?? null });
    nets.set(net, layers);
  }
  for (const layers of nets.values()) layers.sort((a, b) => a.index - b.index);
  return nets;
}

/** Applies a named activation in place (the ones `mlp` offers; unknown names leave values as they are). */
function activate(x: Float32Array, kind: string): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    switch (kind) {
      case 'tanh': x[i] = Math.tanh(v); break;
      case 'relu': x[i] = v > 0 ? v : 0; break;
      case 'sigmoid': x[i] = 1 / (1 + Math.exp(-v)); break;
      case 'leakyRelu': x[i] = v > 0 ? v : 0.01 * v; break;
      case 'elu': x[i] = v > 0 ? v : Math.exp(v) - 1; break;
      case 'softplus': x[i] = Math.log1p(Math.exp(v)); break;
      case 'gelu': x[i] = 0.5 * v * (1 + Math.tanh(0.7978845608 * (v + 0.044715 * v * v * v))); break;
      default: break;
    }
  }
}

/** y[b, out] = x[b, in] · Wᵀ + bias. */
function linearForward(x: Float32Array, rows: number, layer: LinearLayer): Float32Array {
  const [out, inp] = layer.weight.shape;
  const w = layer.weight.data, b = layer.bias?.data ?? null;
  const y = new Float32Array(rows * out);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < out; o++) {
      let s = b !== null ? b[o] : 0;
      for (let i = 0; i < inp; i++) s += x[r * inp + i] * w[o * inp + i];
      y[r * out + o] = s;
    }
  }
  return y;
}

/** Normalises observations with the checkpoint's running statistics (as the policy sees them). */
function normalizeObs(obs: Float32Array, dim: number, meta: Record<string, string>): Float32Array {
  let stats: { mean: number[]; var: number[] } | null = null;
  try {
    stats = JSON.parse(meta.obs_norm ?? 'null') as { mean: number[]; var: number[] } | null;
  } catch {
    stats = null;
  }
  if (stats === null || stats.mean.length !== dim) return obs;
  const out = new Float32Array(obs.length);
  for (let i = 0; i < obs.length; i++) {
    const j = i % dim;
    out[i] = Math.max(-10, Math.min(10, (obs[i] - stats.mean[j]) / Math.sqrt(stats.var[j] + 1e-8)));
  }
  return out;
}

/**
 * The layers of every net in `payload`, with weight histograms, and activation histograms for chains
 * fed by the observation (`obs` holds `rows` flat observations of length `obsDim`).
 */
export function networkView(payload: CheckpointPayload, obs: Float32Array, obsDim: number): LayerView[] {
  let hidden = 'relu';
  try {
    const cfg = JSON.parse(payload.metadata.config ?? '{}') as { activation?: unknown };
    if (typeof cfg.activation === 'string') hidden = cfg.activation;
  } catch {
    // keep relu, the default of the agents without an activation field
  }
  const rows = obsDim > 0 ? Math.floor(obs.length / obsDim) : 0;
  const input = rows > 0 ? normalizeObs(obs, obsDim, payload.metadata) : null;
  const views: LayerView[] = [];
  for (const layers of linearChains(payload.tensors).values()) {
    let x: Float32Array | null = input !== null && layers[0].weight.shape[1] === obsDim ? input : null;
    layers.forEach((layer, k) => {
      const last = k === layers.length - 1;
      const activation = last ? 'linear' : layers[k + 1].index - layer.index >= 2 ? hidden : 'linear';
      let acts: Float32Array | null = null;
      if (x !== null && x.length === rows * layer.weight.shape[1]) {
        acts = linearForward(x, rows, layer);
        if (activation !== 'linear') activate(acts, activation);
      }
      x = acts;
      views.push({ name: layer.name, shape: layer.weight.shape, weights: histogram(layer.weight.data), activations: acts !== null ? histogram(acts) : null, activation });
    });
  }
  return views;
}
