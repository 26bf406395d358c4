/**
 * The paint panel, shown while Paint-v0 is the selected env: the user draws a target with the mouse or a
 * finger (Pointer Events) or drops a PNG on the pad, presses Paint, and watches the trained painter from
 * the model zoo (zoo/Paint-v0.*.safetensors) place its strokes: target and canvas side by side, drawn by
 * the same Scene renderer as every env. The painting runs in paint-worker.ts; this panel asks for one
 * stroke every STROKE_MS once the previous one is on screen.
 *
 * For tests, the status line carries `data-stroke`, `data-done`, `data-removed` (fraction of the blank
 * canvas's distance removed) and `data-distance`/`data-blank` (RMS distances to the target).
 */
import { SceneRenderer } from '../renderer.ts';
import { zooEntries } from '../zoo.ts';
import type { FromPaint, ToPaint } from '../paint-worker.ts';

/** Side of the drawing pad (CSS and canvas pixels). */
const PAD_PX = 256;
/** Pen radius on the pad (pixels): 4 px at Paint-v0's 64×64, wider than the generated glyphs' 1.5–3 px pens, whose thin lines the zoo painter handles worst. */
const PEN_PX = 16;
/** Pause between strokes, so each one can be watched landing. */
const STROKE_MS = 250;

/** The panel's elements. */
interface PaintDom {
  readonly section: HTMLElement;
  readonly pad: HTMLCanvasElement;
  readonly view: HTMLElement;
  readonly go: HTMLButtonElement;
  readonly clear: HTMLButtonElement;
  readonly file: HTMLInputElement;
  readonly status: HTMLElement;
}

function build(): PaintDom {
  const section = document.createElement('section');
  section.className = 'card';
  section.id = 'paint-panel';
  section.hidden = true;
  section.innerHTML = `
    <h2>Paint your own target</h2>
    <p class="muted small-text">Draw with the mouse or a finger, or drop a PNG on the pad, then press Paint: the trained painter from the model zoo places its strokes on the canvas.</p>
    <div class="row" style="align-items:flex-start;flex-wrap:wrap;gap:12px">
      <canvas id="paint-pad" width="${PAD_PX}" height="${PAD_PX}" aria-label="drawing pad: draw the target here" style="width:${PAD_PX}px;height:${PAD_PX}px;border:1px solid #888;background:#fff;touch-action:none;cursor:crosshair"></canvas>
      <div id="paint-view" style="flex:1;min-width:260px;height:${PAD_PX}px"></div>
    </div>
    <div class="row">
      <button id="paint-go" type="button" class="primary" disabled>Paint</button>
      <button id="paint-clear" type="button">Clear</button>
      <label class="button file" title="a PNG image as the target (dark = ink)">PNG…<input id="paint-file" type="file" accept="image/png" /></label>
    </div>
    <p id="paint-status" class="muted" role="status">Loading the painter…</p>`;
  const q = <T extends HTMLElement>(id: string): T => section.querySelector(`#${id}`) as T;
  return { section, pad: q('paint-pad'), view: q('paint-view'), go: q('paint-go'), clear: q('paint-clear'), file: q('paint-file'), status: q('paint-status') };
}

/** A white pad. */
function clearPad(pad: HTMLCanvasElement): void {
  const ctx = pad.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, pad.width, pad.height);
}

/** Freehand drawing on the pad with a round black pen, for mouse, pen and touch alike. */
function wirePad(pad: HTMLCanvasElement): void {
  const ctx = pad.getContext('2d') as CanvasRenderingContext2D;
  let last: { x: number; y: number } | null = null;
  const point = (e: PointerEvent): { x: number; y: number } => {
    const r = pad.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * pad.width) / r.width, y: ((e.clientY - r.top) * pad.height) / r.height };
  };
  const line = (a: { x: number; y: number }, b: { x: number; y: number }): void => {
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = 2 * PEN_PX;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  };
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = point(e);
    line(last, last);
  });
  pad.addEventListener('pointermove', (e) => {
    if (last === null) return;
    const p = point(e);
    line(last, p);
    last = p;
  });
  const end = (): void => {
    last = null;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
}

/** Draws a PNG file onto the pad, scaled to fit on white. */
async function drawFile(pad: HTMLCanvasElement, file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  clearPad(pad);
  (pad.getContext('2d') as CanvasRenderingContext2D).drawImage(bitmap, 0, 0, pad.width, pad.height);
  bitmap.close();
}

/** Adds the panel under the env view; it shows itself while `envSelect` is Paint-v0. */
export function mountPaintPanel(envSelect: HTMLSelectElement): void {
  const dom = build();
  const anchor = document.querySelector('.view-wrap');
  if (anchor === null) return;
  anchor.after(dom.section);
  clearPad(dom.pad);
  wirePad(dom.pad);
  let worker: Worker | null = null;
  let renderer: SceneRenderer | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const send = (msg: ToPaint): void => worker?.postMessage(msg);

  const onMessage = async (msg: FromPaint): Promise<void> => {
    if (msg.type === 'error') {
      dom.status.textContent = `Painting failed: ${msg.text}`;
      return;
    }
    if (msg.type === 'loaded') {
      dom.go.disabled = false;
      dom.status.textContent = `Painter ${msg.algo.toUpperCase()} from ${msg.file} is ready: draw a target and press Paint.`;
      return;
    }
    renderer ??= await SceneRenderer.create(dom.view);
    renderer.draw(msg.scene);
    Object.assign(dom.status.dataset, { stroke: String(msg.stroke), done: msg.done ? '1' : '0', removed: String(msg.removed), distance: String(msg.distance), blank: String(msg.blankDistance) });
    dom.status.textContent = `Stroke ${msg.stroke} of ${msg.strokes}: ${(100 * msg.removed).toFixed(0)} % of the blank canvas's distance to the target removed.`;
    if (!msg.done) timer = setTimeout(() => send({ type: 'stroke' }), STROKE_MS);
    else dom.go.disabled = false;
  };

  const start = async (): Promise<void> => {
    if (worker !== null) return;
    const entry = zooEntries().find((z) => z.envId === 'Paint-v0');
    if (entry === undefined) {
      dom.status.textContent = 'No Paint-v0 checkpoint in zoo/: train one (bench/LEARNING.md) to watch it paint.';
      return;
    }
    worker = new Worker(new URL('../paint-worker.ts', import.meta.url), { type: 'module', name: 'dojo-paint-worker' });
    worker.addEventListener('message', (e: MessageEvent<FromPaint>) => void onMessage(e.data));
    const res = await fetch(entry.url);
    if (!res.ok) {
      dom.status.textContent = `Could not fetch ${entry.file}: HTTP ${res.status}`;
      return;
    }
    send({ type: 'load', bytes: await res.arrayBuffer(), file: entry.file });
  };

  dom.go.addEventListener('click', () => {
    if (timer !== null) clearTimeout(timer);
    dom.go.disabled = true;
    const image = (dom.pad.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, dom.pad.width, dom.pad.height);
    send({ type: 'start', width: image.width, height: image.height, rgba: image.data });
  });
  dom.clear.addEventListener('click', () => clearPad(dom.pad));
  dom.file.addEventListener('change', () => {
    const f = dom.file.files?.[0];
    if (f !== undefined) void drawFile(dom.pad, f);
  });
  dom.pad.addEventListener('dragover', (e) => e.preventDefault());
  dom.pad.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void drawFile(dom.pad, f);
  });
  const sync = (): void => {
    dom.section.hidden = envSelect.value !== 'Paint-v0';
    if (!dom.section.hidden) void start();
  };
  envSelect.addEventListener('change', sync);
  sync();
}
