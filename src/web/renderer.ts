/**
 * Draws any Scene (src/gym/scene.ts) with pixi.js v8. Envs never draw: they describe shapes with
 * stable ids, and this one renderer shows every env, board and robot.
 *
 * One display object per shape id, created the first time the id appears and afterwards only moved
 * (`position`, `rotation`, `visible`): redrawing a Graphics every frame leaks in pixi v8
 * (pixijs/pixijs#10549, #5543). A shape's geometry (size, points, colours, text) is compared with
 * what was drawn, and only a changed shape is redrawn. Ids missing from a frame are hidden, not
 * destroyed, since they usually come back (pieces, bricks). `clear()` drops everything when the
 * env changes.
 *
 * World units, y up: a root container maps the scene bounds onto the canvas (uniform scale, centred)
 * and flips y. A scene with a background (the arcade games) is drawn as a framed area on a neutral
 * canvas, so its edges (Snake's walls) show where the canvas is wider than the scene. Texts are flipped back so they read upright. Shapes whose id starts with `cell:` are
 * clickable (board games' click-to-move).
 */
import { Application, Container, Graphics, Text } from 'pixi.js';
import type { Scene, SceneBounds, Shape } from '../gym/scene.ts';

/** The canvas around a scene that has a background of its own, and the frame drawn at the scene's edges. */
const OUTSIDE = '#d1d5db';
const EDGE = '#374151';
/** The frame's width in CSS pixels. */
const EDGE_PX = 3;

/** Font size texts are rasterised at before scaling to world units. */
const TEXT_PX = 48;

type Drawn = { obj: Graphics | Text; shape: Shape; index: number };

/** Renders scenes into a canvas inside `host`. */
export class SceneRenderer {
  private readonly app: Application;
  private readonly root: Container;
  private readonly objects = new Map<string, Drawn>();
  private bounds: SceneBounds | null = null;
  private background = '';
  /** The scene's own background over its bounds, with a frame at the edges (scenes with a background only). */
  private readonly area = new Graphics();
  /** Pixels per world unit of the current fit (line widths are at least one pixel). */
  private scale = 1;
  private clickHandler: ((id: string) => void) | null = null;
  /** Frames drawn so far (for fps measurements). */
  frames = 0;

  private constructor(app: Application) {
    this.app = app;
    this.root = new Container();
    this.root.sortableChildren = true;
    this.area.zIndex = -1;
    this.root.addChild(this.area);
    app.stage.addChild(this.root);
    app.renderer.on('resize', () => {
      this.fit();
      app.render();
    });
  }

  /** Creates the pixi application (`await app.init`, pixi v8) and its canvas inside `host`. */
  static async create(host: HTMLElement): Promise<SceneRenderer> {
    const app = new Application();
    // no ticker: the page renders only when a frame arrives (or the canvas resizes), which leaves the CPU to
    // the training worker (a software-WebGL canvas redrawn 60 times a second costs a core)
    // drawn at the device's resolution (sharp on HiDPI screens and phones); autoDensity keeps the CSS size.
    // WebGL where a GPU runs it; where WebGL would be emulated in software (no GPU, a blocklisted driver,
    // headless Chromium) pixi's Canvas 2D renderer draws the same shapes for about a third of the main
    // thread's time, which the view needs when training keeps every core busy.
    const preference = hardwareWebGl() ? 'webgl' : 'canvas';
    await app.init({ resizeTo: host, background: '#ffffff', antialias: true, resolution: deviceResolution(), autoDensity: true, preference, autoStart: false, sharedTicker: false });
    app.canvas.setAttribute('aria-label', 'environment view');
    host.appendChild(app.canvas);
    const renderer = new SceneRenderer(app);
    renderer.followDeviceResolution();
    return renderer;
  }

  /** Re-renders at the new device pixel ratio when the page is zoomed or moved to another screen. */
  private followDeviceResolution(): void {
    const dpr = window.devicePixelRatio || 1;
    window.matchMedia(`(resolution: ${dpr}dppx)`).addEventListener('change', () => {
      this.app.renderer.resolution = deviceResolution();
      this.app.resize();
      this.fit();
      this.app.render();
      this.followDeviceResolution();
    }, { once: true });
  }

  /** 'webgl' or 'canvas' (the Canvas 2D renderer, where WebGL would run in software). */
  get backend(): string {
    return this.app.renderer.name;
  }

  /** The canvas element (for screenshots and tests). */
  get canvas(): HTMLCanvasElement {
    return this.app.canvas;
  }

  /** Where world point (x, y) is on the page, in CSS pixels (for tests that click board cells). */
  clientPoint(x: number, y: number): { x: number; y: number } {
    const rect = this.app.canvas.getBoundingClientRect();
    const p = this.root.toGlobal({ x, y });
    return { x: rect.left + p.x, y: rect.top + p.y };
  }

  /** Called with the id of a clicked `cell:*` shape. */
  onClick(handler: (id: string) => void): void {
    this.clickHandler = handler;
  }

  /** Forgets every shape (a different env is coming). */
  clear(): void {
    for (const d of this.objects.values()) d.obj.destroy();
    this.objects.clear();
    this.bounds = null;
    this.area.clear();
    this.app.render();
  }

  /** Shows one frame: moves existing objects, creates new ids, redraws changed geometry, hides absent ids. */
  draw(scene: Scene): void {
    if (this.bounds === null || !sameBounds(this.bounds, scene.bounds)) {
      this.bounds = scene.bounds;
      this.fit();
    }
    const bg = scene.background ?? '';
    if (bg !== this.background) {
      this.background = bg;
      this.app.renderer.background.color = bg === '' ? '#ffffff' : OUTSIDE;
      this.drawArea();
    }
    const seen = new Set<string>();
    scene.shapes.forEach((shape, index) => {
      seen.add(shape.id);
      let d = this.objects.get(shape.id);
      if (d === undefined || d.shape.kind !== shape.kind) {
        d?.obj.destroy();
        d = { obj: this.build(shape), shape, index };
        this.root.addChild(d.obj);
        this.objects.set(shape.id, d);
      } else if (!sameGeometry(d.shape, shape)) {
        this.redraw(d.obj, shape);
      }
      d.shape = shape;
      if (d.index !== index || d.obj.zIndex !== index) {
        d.index = index;
        d.obj.zIndex = index;
      }
      d.obj.position.set(shape.x, shape.y);
      d.obj.rotation = shape.angle;
      d.obj.visible = true;
    });
    for (const [id, d] of this.objects) if (!seen.has(id)) d.obj.visible = false;
    this.app.render();
    this.frames++;
  }

  private build(shape: Shape): Graphics | Text {
    let obj: Graphics | Text;
    if (shape.kind === 'text') {
      obj = new Text({ text: shape.text, style: { fontFamily: 'system-ui, sans-serif', fontSize: TEXT_PX, fill: shape.fill ?? '#000000' } });
      this.redraw(obj, shape);
    } else {
      obj = new Graphics();
      this.redraw(obj, shape);
    }
    if (shape.id.startsWith('cell:')) {
      obj.eventMode = 'static';
      obj.cursor = 'pointer';
      const id = shape.id;
      obj.on('pointertap', () => this.clickHandler?.(id));
    } else {
      obj.eventMode = 'none';
    }
    return obj;
  }

  /** Draws a shape's geometry in its local frame (only when it first appears or its geometry changes). */
  private redraw(obj: Graphics | Text, shape: Shape): void {
    if (shape.kind === 'text') {
      const t = obj as Text;
      t.text = shape.text;
      t.style.fill = shape.fill ?? '#000000';
      const s = shape.size / TEXT_PX;
      t.scale.set(s, -s);
      t.anchor.set(shape.align === 'center' ? 0.5 : shape.align === 'right' ? 1 : 0, 0.8);
      return;
    }
    const g = obj as Graphics;
    g.clear();
    const width = Math.max(shape.lineWidth ?? 0, 1 / this.scale);
    const stroke = shape.stroke !== undefined ? { width, color: shape.stroke } : null;
    switch (shape.kind) {
      case 'rect':
        g.rect(-shape.width / 2, -shape.height / 2, shape.width, shape.height);
        break;
      case 'circle':
        g.circle(0, 0, shape.radius);
        break;
      case 'polygon':
        g.poly([...shape.points], true);
        break;
      case 'line':
      case 'polyline': {
        const p = shape.points;
        g.moveTo(p[0], p[1]);
        for (let i = 2; i + 1 < p.length; i += 2) g.lineTo(p[i], p[i + 1]);
        g.stroke({ width, color: shape.stroke ?? shape.fill ?? '#000000', cap: 'round', join: 'round' });
        return;
      }
    }
    if (shape.fill !== undefined) g.fill({ color: shape.fill });
    if (stroke !== null) g.stroke(stroke);
  }

  /** The scene's background over its bounds, framed (nothing for scenes without a background). */
  private drawArea(): void {
    const b = this.bounds;
    this.area.clear();
    if (b === null || this.background === '') return;
    const width = EDGE_PX / Math.max(1e-9, this.root.scale.x);
    this.area.rect(b.xMin, b.yMin, b.xMax - b.xMin, b.yMax - b.yMin).fill({ color: this.background }).stroke({ width, color: EDGE });
  }

  /** Maps the scene bounds onto the canvas; line widths depend on the scale, so lines are redrawn. */
  private fit(): void {
    const b = this.bounds;
    if (b === null) return;
    // the fit is in CSS pixels (pixi's `screen`), whatever the resolution: `renderer.width` is not device pixels in pixi v8
    const w = this.app.screen.width, h = this.app.screen.height;
    const scale = Math.min(w / (b.xMax - b.xMin), h / (b.yMax - b.yMin));
    this.root.scale.set(scale, -scale);
    this.root.position.set(w / 2 - ((b.xMin + b.xMax) / 2) * scale, h / 2 + ((b.yMin + b.yMax) / 2) * scale);
    this.drawArea();
    if (Math.abs(scale - this.scale) > 1e-9) {
      this.scale = scale;
      for (const d of this.objects.values()) if (d.shape.kind !== 'text') this.redraw(d.obj, d.shape);
    }
  }
}

/** Renderer names of WebGL emulated on the CPU: Chromium's SwiftShader, Mesa's llvmpipe and softpipe, Windows' WARP. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/**
 * True when this browser runs WebGL on a GPU. A software fallback is a "major performance caveat", but
 * Chromium grants SwiftShader contexts even then, so the renderer's name is read too.
 */
function hardwareWebGl(): boolean {
  const probe = document.createElement('canvas');
  const gl = probe.getContext('webgl2', { failIfMajorPerformanceCaveat: true }) ?? probe.getContext('webgl', { failIfMajorPerformanceCaveat: true });
  if (gl === null) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info !== null ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return !SOFTWARE_GL.test(name);
}

/** The device pixel ratio, capped at 3 (a larger backing store costs memory and shows nothing more). */
function deviceResolution(): number {
  return Math.min(3, Math.max(1, window.devicePixelRatio || 1));
}

function sameBounds(a: SceneBounds, b: SceneBounds): boolean {
  return a.xMin === b.xMin && a.xMax === b.xMax && a.yMin === b.yMin && a.yMax === b.yMax;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two shapes of one id have the same geometry and style (only position and angle differ). */
export function sameGeometry(a: Shape, b: Shape): boolean {
  if (a.kind !== b.kind || a.fill !== b.fill || a.stroke !== b.stroke || a.lineWidth !== b.lineWidth) return false;
  switch (a.kind) {
    case 'rect':
      return b.kind === 'rect' && a.width === b.width && a.height === b.height;
    case 'circle':
      return b.kind === 'circle' && a.radius === b.radius;
    case 'polygon':
    case 'line':
    case 'polyline':
      return (b.kind === 'polygon' || b.kind === 'line' || b.kind === 'polyline') && sameNumbers(a.points, b.points);
    case 'text':
      return b.kind === 'text' && a.text === b.text && a.size === b.size && a.align === b.align;
  }
}
