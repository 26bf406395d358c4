/**
 * The agent's mind beside the view (the numbers come from the view worker, mind.ts): bars of π(a|s) for
 * discrete actions (the action taken outlined), Q-values for DQN, mean ± σ on the action's range for
 * boxes, and the value estimate. Rows are built once per shape and then only resized, since this runs
 * on every drawn frame.
 */
import type { Mind } from '../protocol.ts';

/** Draws `Mind`s into a host element. */
export class MindPanel {
  private readonly bars: HTMLElement;
  private readonly value: HTMLElement;
  private readonly note: HTMLElement;
  private readonly host: HTMLElement;
  private rows: Array<{ fill: HTMLElement; band: HTMLElement; mark: HTMLElement; text: HTMLElement; row: HTMLElement }> = [];
  private shape = '';

  constructor(host: HTMLElement) {
    this.host = host;
    this.note = host.querySelector<HTMLElement>('.mind-note')!;
    this.bars = host.querySelector<HTMLElement>('.mind-bars')!;
    this.value = host.querySelector<HTMLElement>('.mind-value')!;
  }

  /** Nothing to read (random actions): says how to get something. */
  empty(text: string): void {
    this.host.dataset.kind = 'none';
    this.note.textContent = text;
    this.bars.innerHTML = '';
    this.value.textContent = '';
    this.rows = [];
    this.shape = '';
  }

  /** Shows one step's mind; `labels` names the actions (discrete) or dimensions (box). */
  show(mind: Mind, labels: readonly string[], step: number): void {
    const shape = `${mind.kind}:${mind.values.length}:${labels.join('|')}`;
    if (shape !== this.shape) this.build(mind, labels, shape);
    this.host.dataset.kind = mind.kind;
    this.host.dataset.step = String(step);
    if (mind.kind === 'box') this.showBox(mind);
    else this.showBars(mind);
    this.value.textContent = mind.value === null ? '' : `${mind.valueLabel}: ${fmt(mind.value)}`;
    this.value.dataset.value = mind.value === null ? '' : String(mind.value);
  }

  private build(mind: Mind, labels: readonly string[], shape: string): void {
    this.shape = shape;
    this.note.textContent = mind.note;
    this.bars.innerHTML = '';
    this.rows = mind.values.map((_, i) => {
      const row = document.createElement('div');
      row.className = 'mind-row';
      const name = document.createElement('span');
      name.className = 'mind-label';
      name.textContent = labels[i] ?? String(i);
      const track = document.createElement('span');
      track.className = 'mind-track';
      const band = document.createElement('span');
      band.className = 'mind-band';
      const fill = document.createElement('span');
      fill.className = 'mind-fill';
      const mark = document.createElement('span');
      mark.className = 'mind-mark';
      track.append(band, fill, mark);
      const text = document.createElement('span');
      text.className = 'mind-text';
      row.append(name, track, text);
      this.bars.appendChild(row);
      return { fill, band, mark, text, row };
    });
  }

  /** Probabilities (0…1) or Q-values (scaled between their min and max). */
  private showBars(mind: Mind): void {
    const lo = mind.kind === 'q' ? Math.min(...mind.values) : 0;
    const hi = mind.kind === 'q' ? Math.max(...mind.values) : 1;
    const taken = mind.action.length === 1 ? mind.action[0] : -1;
    mind.values.forEach((v, i) => {
      const r = this.rows[i];
      const w = hi > lo ? (v - lo) / (hi - lo) : 1;
      r.fill.style.width = `${(100 * Math.max(0.01, w)).toFixed(1)}%`;
      r.band.style.width = '0';
      r.mark.hidden = true;
      r.text.textContent = mind.kind === 'probs' ? v.toFixed(2) : fmt(v);
      r.row.dataset.value = String(v);
      r.row.classList.toggle('taken', i === taken);
    });
  }

  /** Mean ± σ on the dimension's range (the bounds, or ±3σ around the mean when unbounded); the tick marks the action taken. */
  private showBox(mind: Mind): void {
    mind.values.forEach((m, i) => {
      const r = this.rows[i];
      const s = mind.spread?.[i] ?? 0;
      const lowB = mind.low?.[i] ?? -Infinity, highB = mind.high?.[i] ?? Infinity;
      const lo = Number.isFinite(lowB) ? lowB : m - 3 * Math.max(s, 1);
      const hi = Number.isFinite(highB) ? highB : m + 3 * Math.max(s, 1);
      const at = (v: number): number => 100 * Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
      r.fill.style.width = '0';
      r.band.style.left = `${at(m - s).toFixed(1)}%`;
      r.band.style.width = `${Math.max(1, at(m + s) - at(m - s)).toFixed(1)}%`;
      const a = mind.action[i];
      r.mark.hidden = a === undefined;
      if (a !== undefined) r.mark.style.left = `${at(a).toFixed(1)}%`;
      r.text.textContent = mind.spread === null ? fmt(m) : `${fmt(m)} ± ${fmt(s)}`;
      r.row.dataset.value = String(m);
      r.row.dataset.spread = String(s);
    });
  }
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
}
