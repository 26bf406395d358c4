/**
 * The Scene: what `Env.render()` returns. A plain, serialisable display list in world units (y up).
 *
 * Envs never draw. They describe themselves as shapes, and two generic consumers draw any scene: the pixi
 * renderer in the browser (`web/renderer.ts`) and the rasterizer in Node (`gym/raster.ts`, for rgb frames,
 * pixel observations and GIFs). Ids are stable across frames so the browser can create one display object
 * per id once and afterwards only move it: `x`, `y` and `angle` may change every frame for free; changing a
 * shape's geometry (size, points, text) makes a renderer rebuild that one shape. Shapes draw in array order.
 *
 * Colours are CSS-like hex strings (`#rgb` or `#rrggbb`). Line widths are in world units; the rasterizer
 * draws them at least one pixel wide.
 */

/** The visible world rectangle, world units, y up. */
export interface SceneBounds {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** Fields every shape has. The shape's local frame is rotated by `angle` (radians, counter-clockwise) about and then moved to (x, y). */
interface ShapeBase {
  /** Stable identity across frames (unique within a scene). */
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  /** Fill colour, e.g. `#ca9865`; no fill when absent. */
  readonly fill?: string;
  /** Outline colour; no outline when absent. */
  readonly stroke?: string;
  /** Outline or line width in world units (default: one pixel). */
  readonly lineWidth?: number;
}

/** A rectangle centred on (x, y). */
export interface RectShape extends ShapeBase {
  readonly kind: 'rect';
  readonly width: number;
  readonly height: number;
}

/** A circle centred on (x, y). */
export interface CircleShape extends ShapeBase {
  readonly kind: 'circle';
  readonly radius: number;
}

/** A closed polygon; `points` are flat local coordinates `[x0, y0, x1, y1, …]`. */
export interface PolygonShape extends ShapeBase {
  readonly kind: 'polygon';
  readonly points: readonly number[];
}

/** A segment from local (points[0], points[1]) to (points[2], points[3]); drawn with `stroke`. */
export interface LineShape extends ShapeBase {
  readonly kind: 'line';
  readonly points: readonly number[];
}

/** An open polyline through flat local `points`; drawn with `stroke`. */
export interface PolylineShape extends ShapeBase {
  readonly kind: 'polyline';
  readonly points: readonly number[];
}

/** A line of text whose baseline-left (or centre/right, per `align`) sits at (x, y); `size` is the glyph height in world units; drawn with `fill`. */
export interface TextShape extends ShapeBase {
  readonly kind: 'text';
  readonly text: string;
  readonly size: number;
  readonly align?: 'left' | 'center' | 'right';
}

/** Any shape. */
export type Shape = RectShape | CircleShape | PolygonShape | LineShape | PolylineShape | TextShape;

/** A frame: the world rectangle to show and the shapes in draw order. */
export interface Scene {
  readonly bounds: SceneBounds;
  /** Background colour (default white). */
  readonly background?: string;
  readonly shapes: readonly Shape[];
}

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/**
 * Why `scene` is not a valid Scene (one sentence naming the shape id), or null when it is: finite
 * bounds with min < max, known kinds, unique ids, finite numbers, hex colours, point lists of even length.
 */
export function explainInvalidScene(scene: unknown): string | null {
  if (typeof scene !== 'object' || scene === null) return 'render() must return a Scene object';
  const s = scene as { bounds?: unknown; shapes?: unknown; background?: unknown };
  const b = s.bounds as Partial<SceneBounds> | undefined;
  if (typeof b !== 'object' || b === null) return 'scene.bounds is missing';
  const nums = [b.xMin, b.xMax, b.yMin, b.yMax];
  if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v))) return `scene.bounds must be finite numbers, received ${JSON.stringify(b)}`;
  if (!((b.xMin as number) < (b.xMax as number) && (b.yMin as number) < (b.yMax as number))) return `scene.bounds must have min < max, received ${JSON.stringify(b)}`;
  if (s.background !== undefined && !(typeof s.background === 'string' && HEX_COLOR.test(s.background))) return `scene.background must be a hex colour, received ${String(s.background)}`;
  if (!Array.isArray(s.shapes)) return 'scene.shapes must be an array';
  const ids = new Set<string>();
  for (const shape of s.shapes as unknown[]) {
    const why = explainInvalidShape(shape);
    if (why !== null) return why;
    const id = (shape as Shape).id;
    if (ids.has(id)) return `shape id "${id}" appears twice; ids must be unique`;
    ids.add(id);
  }
  return null;
}

function explainInvalidShape(shape: unknown): string | null {
  if (typeof shape !== 'object' || shape === null) return 'every shape must be an object';
  const sh = shape as Record<string, unknown>;
  if (typeof sh.id !== 'string' || sh.id === '') return `shape ids must be non-empty strings, received ${String(sh.id)}`;
  const where = `shape "${sh.id}"`;
  for (const key of ['x', 'y', 'angle']) {
    if (typeof sh[key] !== 'number' || !Number.isFinite(sh[key])) return `${where}: ${key} must be a finite number, received ${String(sh[key])}`;
  }
  for (const key of ['fill', 'stroke']) {
    if (sh[key] !== undefined && !(typeof sh[key] === 'string' && HEX_COLOR.test(sh[key]))) return `${where}: ${key} must be a hex colour like #a0b1c2, received ${String(sh[key])}`;
  }
  if (sh.lineWidth !== undefined && !(typeof sh.lineWidth === 'number' && sh.lineWidth >= 0 && Number.isFinite(sh.lineWidth))) return `${where}: lineWidth must be a finite number ≥ 0`;
  const positive = (key: string): string | null =>
    typeof sh[key] === 'number' && Number.isFinite(sh[key]) && (sh[key] as number) >= 0 ? null : `${where}: ${key} must be a finite number ≥ 0, received ${String(sh[key])}`;
  const points = (min: number, max = Infinity): string | null => {
    const p = sh.points;
    if (!Array.isArray(p) || p.length % 2 !== 0 || p.length < 2 * min || p.length > 2 * max) return `${where}: points must be a flat [x0, y0, …] list of ${min === max ? min : `at least ${min}`} points`;
    return p.every((v) => typeof v === 'number' && Number.isFinite(v)) ? null : `${where}: points must be finite numbers`;
  };
  switch (sh.kind) {
    case 'rect':
      return positive('width') ?? positive('height');
    case 'circle':
      return positive('radius');
    case 'polygon':
      return points(3);
    case 'line':
      return points(2, 2);
    case 'polyline':
      return points(2);
    case 'text':
      if (typeof sh.text !== 'string') return `${where}: text must be a string`;
      if (sh.align !== undefined && sh.align !== 'left' && sh.align !== 'center' && sh.align !== 'right') return `${where}: align must be left, center or right`;
      return positive('size');
    default:
      return `${where}: unknown kind ${String(sh.kind)}; expected rect, circle, polygon, line, polyline or text`;
  }
}
