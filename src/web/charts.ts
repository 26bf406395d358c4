/**
 * Live training charts with uPlot (https://github.com/leeoniya/uPlot), against `global_step`:
 *
 * - episodic return, its running mean and the env's reward threshold, with a "solved" marker where the
 *   mean first reaches the threshold;
 * - losses (`losses/*_loss`), on an arcsinh scale since policy and value losses differ by orders
 *   of magnitude and may be negative;
 * - the other `losses/*` diagnostics: entropy, approx KL, clip fraction, Q values;
 * - explained variance on its own axis (it runs from −∞ to 1 and would flatten the diagnostics);
 * - throughput (`charts/SPS`);
 * - per-layer gradient norms (`grads/<net>.<layer>`) on a log scale: the vanishing-gradient picture;
 * - the numbers of the env's final info (`env/<key>`, e.g. the robot's push-off work and motor energy), arcsinh scale.
 *
 * Every chart names its y axis and unit; the legends show each series' latest value until the pointer
 * picks another step. Series appear as the agent reports new keys, so every agent's metrics draw without configuration.
 * Other runs of the run list can be overlaid on the return chart (their mean-of-10 curves), on the
 * union of all runs' steps. Redraws are batched to one per animation frame at most.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Metrics } from '../core/metrics.ts';

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9333ea', '#ea580c', '#0f766e', '#4b5563'];
const HEIGHT = 170;
/** Episodes in the running mean of the return chart. */
const MEAN_WINDOW = 10;

/** Another run's return curve drawn over the current one. */
export interface Overlay {
  readonly label: string;
  readonly colour: string;
  /** [global_step, mean return] points, ascending steps. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

type Panel = {
  readonly id: string;
  readonly title: string;
  /** The y axis' title, with its unit. */
  readonly yLabel: string;
  /** Which metric keys this panel draws. */
  readonly accepts: (key: string) => boolean;
  readonly distr: 1 | 3 | 4;
  keys: string[];
  plot: uPlot | null;
  readonly el: HTMLElement;
};

/** Short legend label of a metric key. */
function label(key: string): string {
  return key.replace(/^(losses|charts|grads|env)\//, '');
}

/** Where the mean return first reached the env's threshold. */
export interface Solved {
  readonly step: number;
  /** The mean of the last episodes' returns there. */
  readonly mean: number;
  readonly threshold: number;
}

/** The explained-variance key, charted on its own axis. */
const EXPLAINED_VARIANCE = 'losses/explained_variance';

/** The chart grid. */
export class MetricCharts {
  private readonly panels: Panel[];
  private xs: number[] = [];
  private readonly columns = new Map<string, Array<number | null>>();
  private threshold: number | null = null;
  private dirty = false;
  private width = 400;
  private readonly recent: number[] = [];
  private readonly note: HTMLElement;
  private scheduled = false;
  private lastFlush = 0;
  /** Panels a flush has still to draw (it draws at most one new chart an animation frame). */
  private pending: Panel[] = [];
  private overlays: readonly Overlay[] = [];
  private colour = '#111827';
  private solved: Solved | null = null;
  /** Hears the moment the running mean first reaches the threshold (once per run). */
  onSolved: (s: Solved) => void = () => {};

  constructor(host: HTMLElement) {
    this.note = document.createElement('p');
    this.note.className = 'muted charts-note';
    this.note.textContent = 'The charts fill in as training runs: episodic return against the solved threshold, losses, entropy and KL, steps per second, and gradient norms per layer.';
    host.appendChild(this.note);
    const mk = (id: string, title: string, yLabel: string, accepts: (k: string) => boolean, distr: 1 | 3 | 4): Panel => {
      const el = document.createElement('figure');
      el.className = 'chart';
      el.dataset.chart = id;
      const cap = document.createElement('figcaption');
      cap.textContent = title;
      el.appendChild(cap);
      host.appendChild(el);
      return { id, title, yLabel, accepts, distr, keys: [], plot: null, el };
    };
    this.panels = [
      mk('return', 'Episodic return: the sum of rewards of an episode', 'return per episode', (k) => k === 'charts/episodic_return' || k === 'mean_return' || k === 'threshold', 1),
      mk('losses', 'Losses (arcsinh scale)', 'loss', (k) => k.startsWith('losses/') && k.endsWith('loss'), 4),
      mk('diagnostics', 'Policy diagnostics: entropy, approx. KL, clip fraction (arcsinh scale)', 'nats · fraction', (k) => k.startsWith('losses/') && !k.endsWith('loss') && k !== EXPLAINED_VARIANCE, 4),
      mk('explained', 'Explained variance of the value function (1: perfect, 0: no better than the mean)', 'explained variance', (k) => k === EXPLAINED_VARIANCE, 1),
      mk('sps', 'Training speed', 'env steps / s', (k) => k === 'charts/SPS', 1),
      mk('grads', 'Gradient norm per layer: vanishing (→ 0) or exploding (large) gradients, log scale', 'L2 norm of the gradient', (k) => k.startsWith('grads/'), 3),
      mk('env', 'Env metrics at episode end (arcsinh scale)', 'value', (k) => k.startsWith('env/'), 4),
    ];
    const ro = new ResizeObserver(() => {
      const w = Math.max(240, Math.floor(this.panels[0].el.clientWidth));
      if (w !== this.width) {
        this.width = w;
        for (const p of this.panels) p.plot?.setSize({ width: w, height: HEIGHT });
      }
    });
    ro.observe(host);
  }

  /** Clears every chart for a new run; `threshold` draws the env's solved line. */
  reset(threshold: number | null): void {
    this.threshold = threshold;
    this.solved = null;
    this.xs = [];
    this.columns.clear();
    this.recent.length = 0;
    for (const p of this.panels) {
      p.plot?.destroy();
      p.plot = null;
      p.keys = [];
    }
    this.dirty = true;
    this.schedule();
  }

  /** Draws these runs over the return chart (replacing the previous overlays). */
  setOverlays(overlays: readonly Overlay[]): void {
    this.overlays = overlays;
    this.dirty = true;
    this.schedule();
  }

  /** The colour of the current run's mean return (its colour in the run list). */
  setColour(colour: string): void {
    if (colour === this.colour) return;
    this.colour = colour;
    const p = this.panels[0];
    if (p.plot !== null) this.rebuild(p, p.keys);
  }

  /** Appends one metrics row. */
  push(row: Metrics): void {
    const n = this.xs.length;
    this.xs.push(row.global_step ?? n);
    const ret = row['charts/episodic_return'];
    const values: Record<string, number | null> = { ...row };
    if (ret !== undefined && Number.isFinite(ret)) {
      this.recent.push(ret);
      if (this.recent.length > MEAN_WINDOW) this.recent.shift();
    }
    const mean = this.recent.length > 0 ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : null;
    values.mean_return = mean;
    if (this.solved === null && this.threshold !== null && mean !== null && this.recent.length === MEAN_WINDOW && mean >= this.threshold) {
      const solved = { step: this.xs[n], mean, threshold: this.threshold };
      this.solved = solved;
      this.onSolved(solved);
    }
    if (this.threshold !== null) values.threshold = this.threshold;
    for (const [key, v] of Object.entries(values)) {
      if (key === 'global_step' || key === 'iteration') continue;
      let col = this.columns.get(key);
      if (col === undefined) {
        col = new Array<number | null>(n).fill(null);
        this.columns.set(key, col);
      }
      col.push(v !== null && Number.isFinite(v) ? v : null);
    }
    for (const col of this.columns.values()) if (col.length < n + 1) col.push(null);
    this.dirty = true;
    this.schedule();
  }

  /** Redraws on the next animation frame, at most four times a second (turbo sends many rows). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, 250 - (performance.now() - this.lastFlush));
    setTimeout(() => requestAnimationFrame(() => {
      this.scheduled = false;
      this.lastFlush = performance.now();
      this.flush();
    }), wait);
  }

  /**
   * Draws the panels that changed, at most one new uPlot a frame: making a chart costs 5-25 ms, and the
   * first row of a run makes all seven, which in one frame held the walker's view still for 70 ms (and
   * over 100 ms on a busy machine). The rest continue on the next animation frames.
   */
  private flush(): void {
    if (this.dirty) {
      this.dirty = false;
      this.note.hidden = this.xs.length > 0 || this.overlays.length > 0;
      this.pending = [...this.panels];
    }
    let built = false;
    while (this.pending.length > 0) {
      const p = this.pending[0];
      const keys = [...this.columns.keys()].filter(p.accepts).sort(order);
      if (p.id === 'return') keys.push(...this.overlays.map((o, i) => `overlay:${i}:${o.label}`));
      const rebuild = p.plot === null || keys.join('|') !== p.keys.join('|');
      if (rebuild && built && keys.length > 0) break;
      this.pending.shift();
      if (rebuild) {
        this.rebuild(p, keys); // drawn with the data
        built ||= p.plot !== null;
      } else p.plot?.setData(this.data(p));
    }
    if (this.pending.length > 0 && !this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  private data(p: Panel): uPlot.AlignedData {
    const own = p.keys.filter((k) => !k.startsWith('overlay:'));
    const cols = own.map((k) => {
      const c = this.columns.get(k) ?? [];
      return p.distr === 3 ? c.map((v) => (v !== null && v > 0 ? v : null)) : c;
    });
    if (p.id !== 'return' || this.overlays.length === 0) return [this.xs, ...cols] as uPlot.AlignedData;
    // overlays: every run on the union of the steps, null where a run has no point
    const xs = [...new Set([...this.xs, ...this.overlays.flatMap((o) => o.points.map((q) => q[0]))])].sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const spread = (pairs: Iterable<readonly [number, number | null]>): Array<number | null> => {
      const out = new Array<number | null>(xs.length).fill(null);
      for (const [x, v] of pairs) out[at.get(x) ?? 0] = v;
      return out;
    };
    const ownCols = cols.map((c) => spread(this.xs.map((x, i) => [x, c[i]] as const)));
    return [xs, ...ownCols, ...this.overlays.map((o) => spread(o.points))] as uPlot.AlignedData;
  }

  /** The solved marker: a vertical line at the step where the mean first reached the threshold, labelled. */
  private drawSolved(u: uPlot): void {
    if (this.solved === null) return;
    const x = Math.round(u.valToPos(this.solved.step, 'x', true));
    const { top, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#059669';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillStyle = '#059669';
    ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = x > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
    ctx.fillText('solved', x + (ctx.textAlign === 'left' ? 4 : -4) * devicePixelRatio, top + 12 * devicePixelRatio);
    ctx.restore();
  }

  private rebuild(p: Panel, keys: string[]): void {
    p.plot?.destroy();
    p.keys = keys;
    p.el.classList.toggle('empty', keys.length === 0);
    if (keys.length === 0) {
      p.plot = null;
      return;
    }
    const series: uPlot.Series[] = [{ label: 'step' }];
    keys.forEach((k, i) => {
      if (k === 'threshold') series.push({ label: 'threshold', stroke: '#dc2626', dash: [6, 4], width: 1.5, spanGaps: true, points: { show: false } });
      else if (k === 'mean_return') series.push({ label: `mean of last ${MEAN_WINDOW}`, stroke: this.colour, width: 2, spanGaps: true, points: { show: false } });
      else if (k.startsWith('overlay:')) {
        const o = this.overlays[Number(k.split(':')[1])];
        series.push({ label: o?.label ?? 'run', stroke: o?.colour ?? '#9ca3af', width: 1.5, dash: [4, 3], spanGaps: true, points: { show: false } });
      }
      else series.push({ label: label(k), stroke: p.id === 'return' ? '#93c5fd' : PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true, points: { show: false } });
    });
    for (const s of series.slice(1)) s.value = (_u, v) => shortNumber(v);
    const opts: uPlot.Options = {
      width: this.width,
      height: HEIGHT,
      series,
      scales: { x: { time: false }, y: p.distr === 1 ? {} : { distr: p.distr, log: 10 } },
      axes: [
        { size: 30, label: 'env steps', labelSize: 16, labelFont: '11px system-ui, sans-serif', values: (_u, vals) => vals.map(shortNumber) },
        { size: 46, label: p.yLabel, labelSize: 16, labelFont: '11px system-ui, sans-serif', values: (_u, vals) => vals.map(shortNumber) },
      ],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        // with the pointer off the chart, the legend shows each series' latest value instead of "--"
        setLegend: [(u) => {
          if (u.cursor.idx == null) u.setLegend({ idxs: latestIndices(u) }, false);
        }],
        draw: p.id === 'return' ? [(u) => this.drawSolved(u)] : [],
      },
    };
    p.plot = new uPlot(opts, this.data(p), p.el);
    // the axis titles uPlot draws on its canvas, readable from the page (tests, screen readers)
    p.el.dataset.axes = p.plot.axes.map((a) => String(a.label ?? '')).join(' | ');
  }
}

/** Per series, the index of its latest non-null value (the x series: the last index). */
function latestIndices(u: uPlot): number[] {
  return u.data.map((col, s) => {
    let i = col.length - 1;
    if (s > 0) while (i > 0 && col[i] == null) i--;
    return Math.max(0, i);
  });
}

/** Return chart order: the return, its mean, then the threshold; others alphabetical. */
function order(a: string, b: string): number {
  const rank = (k: string): number => (k === 'charts/episodic_return' ? 0 : k === 'mean_return' ? 1 : k === 'threshold' ? 2 : 3);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** 12345 → 12.3k, 0.000123 → 1.23e-4. */
function shortNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  if (a < 1e-3) return v.toExponential(0);
  return String(+v.toPrecision(3));
}
