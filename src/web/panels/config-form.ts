/**
 * The hyperparameter form, generated from an agent's field specs (agents/common/config.ts): one
 * input per field with a human label, its doc line underneath, and its range or choices (and the CLI
 * flag) in the tooltip. The few fields that matter first come first; the rest sit under "Advanced"
 * (describe.ts). Fields the training loop reads afresh every iteration stay editable while a run trains
 * ("live"). Values are read back as a plain config object; the worker validates it with the same
 * `resolveConfig` the CLI uses, so errors read the same in both.
 */
import type { ConfigSpec, FieldSpec } from '../../../agents/common/config.ts';
import { fieldLabel, fieldOrder } from '../describe.ts';

/** kebab-case label of a camelCase field (as the CLI flag). */
function flag(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A generated form for one agent. */
export class ConfigForm {
  private readonly host: HTMLElement;
  private spec: ConfigSpec = {};
  private readonly inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private live: ReadonlySet<string> = new Set();
  /** Called after any edit, with the field's name. */
  onChange: (name: string) => void = () => {};

  constructor(host: HTMLElement) {
    this.host = host;
  }

  /** Builds the inputs of `spec`, filled with the defaults overridden by `values`; `live` fields stay editable mid-run. */
  build(spec: ConfigSpec, values: Readonly<Record<string, unknown>>, live: readonly string[] = []): void {
    this.spec = spec;
    this.live = new Set(live);
    this.inputs.clear();
    const advancedWasOpen = this.host.querySelector<HTMLDetailsElement>('details.advanced')?.open ?? false;
    this.host.innerHTML = '';
    const { main, advanced } = fieldOrder(Object.keys(spec));
    for (const name of main) this.host.appendChild(this.row(name, spec[name], values));
    if (advanced.length === 0) return;
    const more = document.createElement('details');
    more.className = 'advanced';
    more.open = advancedWasOpen;
    const summary = document.createElement('summary');
    summary.textContent = `Advanced (${advanced.length} more)`;
    more.appendChild(summary);
    for (const name of advanced) more.appendChild(this.row(name, spec[name], values));
    this.host.appendChild(more);
  }

  /** One field: its label and doc line beside the input. */
  private row(name: string, f: FieldSpec, values: Readonly<Record<string, unknown>>): HTMLElement {
    const row = document.createElement('label');
    row.className = 'field';
    row.title = `--${flag(name)}: ${f.doc}${range(f)}`;
    const text = document.createElement('span');
    text.className = 'field-name';
    text.textContent = fieldLabel(name);
    if (this.live.has(name)) {
      const badge = document.createElement('span');
      badge.className = 'live';
      badge.textContent = 'live';
      badge.title = 'can change while a run trains: it acts from the next iteration';
      text.append(' ', badge);
    }
    const doc = document.createElement('span');
    doc.className = 'field-doc';
    doc.textContent = f.doc;
    const input = this.input(name, f, name in values ? values[name] : f.default);
    input.addEventListener('change', () => this.onChange(name));
    input.id = `cfg-${name}`;
    row.append(text, input, doc);
    this.inputs.set(name, input);
    return row;
  }

  /** The form's values (numbers parsed; an unparsable number stays a string for the worker to reject readably). */
  values(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, input] of this.inputs) {
      const f = this.spec[name];
      switch (f.kind) {
        case 'number':
          out[name] = input.value.trim() === '' || !Number.isFinite(Number(input.value)) ? input.value : Number(input.value);
          break;
        case 'boolean':
          out[name] = (input as HTMLInputElement).checked;
          break;
        case 'choice':
          out[name] = input.value;
          break;
        case 'numbers': {
          const parts = input.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
          out[name] = parts.every((s) => Number.isFinite(Number(s))) ? parts.map(Number) : input.value;
          break;
        }
      }
    }
    return out;
  }

  /** Sets some fields (a preset or a checkpoint's config); unknown names are ignored. */
  set(values: Readonly<Record<string, unknown>>): void {
    for (const [name, v] of Object.entries(values)) {
      const input = this.inputs.get(name);
      if (input === undefined) continue;
      if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === true;
      else input.value = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }

  /** Enables or disables the inputs (locked while a run is live, except the live fields). */
  setEnabled(on: boolean): void {
    for (const [name, input] of this.inputs) input.disabled = !on && !this.live.has(name);
  }

  private input(name: string, f: FieldSpec, value: unknown): HTMLInputElement | HTMLSelectElement {
    switch (f.kind) {
      case 'number': {
        const el = document.createElement('input');
        el.type = 'number';
        if (f.min !== undefined) el.min = String(f.min);
        if (f.max !== undefined) el.max = String(f.max);
        el.step = f.integer ? '1' : 'any';
        el.value = String(value);
        return el;
      }
      case 'boolean': {
        const el = document.createElement('input');
        el.type = 'checkbox';
        el.checked = value === true;
        return el;
      }
      case 'choice': {
        const el = document.createElement('select');
        for (const c of f.choices) el.add(new Option(c, c));
        el.value = String(value);
        return el;
      }
      case 'numbers': {
        const el = document.createElement('input');
        el.type = 'text';
        el.value = Array.isArray(value) ? value.join(', ') : String(value);
        el.name = name;
        return el;
      }
    }
  }
}

function range(f: FieldSpec): string {
  if (f.kind === 'number') {
    const parts: string[] = [];
    if (f.min !== undefined) parts.push(`≥ ${f.min}`);
    if (f.max !== undefined) parts.push(`≤ ${f.max}`);
    if (f.integer) parts.push('integer');
    return `${parts.length > 0 ? ` (${parts.join(', ')})` : ''}; default ${f.default}`;
  }
  if (f.kind === 'choice') return ` (one of ${f.choices.join(', ')}); default ${f.default}`;
  if (f.kind === 'numbers') return ` (comma-separated); default ${f.default.join(', ')}`;
  return `; default ${f.default}`;
}
