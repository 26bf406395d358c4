/**
 * The network view: one row per Linear layer of the policy (and critic, Q nets, …), with its shape,
 * a histogram of its weights and one of its activations on the display env's recent observations.
 * The worker computes the histograms (network-stats.ts); this panel only draws bars on 2D canvases.
 * Saturated tanh units (activations piling up at ±1) and dead ReLUs (a spike at 0) show at a glance.
 */
import type { Histogram, LayerView } from '../protocol.ts';

const W = 150;
const H = 44;

/** Draws a histogram's bars with its range underneath. */
function drawHistogram(canvas: HTMLCanvasElement, h: Histogram | null, color: string): void {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#f3f4f6';
  ctx.fillRect(0, 0, W, H - 12);
  ctx.font = '9px system-ui, sans-serif';
  ctx.fillStyle = '#6b7280';
  if (h === null) {
    ctx.fillText('n/a', W / 2 - 8, (H - 12) / 2 + 3);
    return;
  }
  const peak = Math.max(1, ...h.counts);
  const bw = W / h.counts.length;
  ctx.fillStyle = color;
  h.counts.forEach((c, i) => {
    const bh = ((H - 14) * c) / peak;
    ctx.fillRect(i * bw + 0.5, H - 12 - bh, Math.max(1, bw - 1), bh);
  });
  // zero marker when the range spans it
  if (h.min < 0 && h.max > 0) {
    const x = (-h.min / (h.max - h.min)) * W;
    ctx.fillStyle = '#111827';
    ctx.fillRect(x, 0, 1, H - 12);
  }
  ctx.fillStyle = '#6b7280';
  ctx.fillText(fmt(h.min), 0, H - 2);
  const right = fmt(h.max);
  ctx.fillText(right, W - ctx.measureText(right).width, H - 2);
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);
}

/** Renders the layer table into `host`, reusing rows and canvases across updates. */
export class NetworkPanel {
  private readonly host: HTMLElement;
  private readonly rows = new Map<string, { row: HTMLElement; info: HTMLElement; w: HTMLCanvasElement; a: HTMLCanvasElement }>();
  private readonly note: HTMLElement;

  constructor(host: HTMLElement) {
    this.host = host;
    this.note = document.createElement('p');
    this.note.className = 'muted';
    this.note.textContent = 'Start training or load a checkpoint to see the layers.';
    host.appendChild(this.note);
  }

  clear(): void {
    for (const r of this.rows.values()) r.row.remove();
    this.rows.clear();
    this.note.hidden = false;
  }

  update(layers: readonly LayerView[]): void {
    this.note.hidden = layers.length > 0;
    const keep = new Set(layers.map((l) => l.name));
    for (const [name, r] of this.rows) {
      if (!keep.has(name)) {
        r.row.remove();
        this.rows.delete(name);
      }
    }
    for (const layer of layers) {
      let r = this.rows.get(layer.name);
      if (r === undefined) {
        const row = document.createElement('div');
        row.className = 'layer';
        const info = document.createElement('div');
        info.className = 'layer-info';
        const w = document.createElement('canvas');
        const a = document.createElement('canvas');
        w.title = 'weights';
        a.title = 'activations on recent observations';
        row.append(info, w, a);
        this.host.appendChild(row);
        r = { row, info, w, a };
        this.rows.set(layer.name, r);
      }
      const [out, inp] = layer.shape;
      r.info.innerHTML = '';
      const name = document.createElement('strong');
      name.textContent = layer.name;
      const detail = document.createElement('span');
      detail.textContent = `${inp} → ${out} · ${layer.activation} · w σ ${layer.weights.std.toPrecision(2)}`;
      r.info.append(name, detail);
      drawHistogram(r.w, layer.weights, '#2563eb');
      drawHistogram(r.a, layer.activations, '#059669');
      // what the histograms show, for people who inspect the page and for the e2e tests
      r.row.dataset.layer = layer.name;
      r.row.dataset.activations = layer.activations === null ? 'none' : `${layer.activations.mean.toPrecision(4)}±${layer.activations.std.toPrecision(4)}`;
    }
  }
}
