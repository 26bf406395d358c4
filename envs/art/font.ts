/**
 * A stroke font of our own for the art envs' targets: the digits 0–9 and the letters A–Z as polylines on
 * a 5 × 7 grid (x 0–4 left to right, y 0–6 top to bottom), in the spirit of the Hershey simplex font
 * (https://en.wikipedia.org/wiki/Hershey_fonts) but coarser. Each polyline is written as a string of
 * digit pairs "xy": "0040" is the segment from (0, 0) to (4, 0).
 */

/** Glyph polylines in grid units, keyed by character. */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['0040460600', '0640'],
  '1': ['112026', '1636'],
  '2': ['01103041420646'],
  '3': ['00404606', '1343'],
  '4': ['36300444'],
  '5': ['400003434606'],
  '6': ['400006464303'],
  '7': ['004016'],
  '8': ['0040460600', '0343'],
  '9': ['430300404606'],
  A: ['062046', '1333'],
  B: ['0006', '003041423303', '3344453606'],
  C: ['40000646'],
  D: ['00304244360600'],
  E: ['40000646', '0333'],
  F: ['400006', '0333'],
  G: ['41400006464323'],
  H: ['0006', '4046', '0343'],
  I: ['0040', '2026', '0646'],
  J: ['4045361605'],
  K: ['0006', '400346'],
  L: ['000646'],
  M: ['0600234046'],
  N: ['06004640'],
  O: ['103041453616050110'],
  P: ['0600404303'],
  Q: ['103041453616050110', '2446'],
  R: ['0600404303', '2346'],
  S: ['413010010213334445361605'],
  T: ['0040', '2026'],
  U: ['000516364540'],
  V: ['002640'],
  W: ['0016233640'],
  X: ['0046', '4006'],
  Y: ['0023', '4023', '2326'],
  Z: ['00400646'],
};

/** The characters the font draws. */
export const GLYPH_CHARS = Object.keys(GLYPHS).join('');

/** Grid width and height of a glyph cell (4 × 6 units). */
export const GLYPH_WIDTH = 4;
export const GLYPH_HEIGHT = 6;

/** The glyph of `ch` as polylines of grid points [x0, y0, x1, y1, …]; throws for a character the font lacks. */
export function glyphPolylines(ch: string): number[][] {
  const lines = GLYPHS[ch];
  if (lines === undefined) throw new RangeError(`glyphPolylines: the stroke font has no glyph for ${JSON.stringify(ch)}; it draws ${GLYPH_CHARS}`);
  return lines.map((line) => Array.from(line, (d) => Number(d)));
}
