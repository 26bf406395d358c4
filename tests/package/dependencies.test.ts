/**
 * What the product imports at run time (bin/, src/, envs/, agents/) must be in package.json's
 * `dependencies`: `npm install rl-dojo` leaves devDependencies out, and `dojo` then failed at its
 * first line (bin/dojo.js loads the CLI through tsx, which was a devDependency). Type-only imports
 * and Node's built-ins need nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const PRODUCT = ['bin', 'src', 'envs', 'agents'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The packages a source file imports at run time (static, side-effect and dynamic imports). */
function runtimePackages(text: string): string[] {
  const specs = [
    ...[...text.matchAll(/^\s*import\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]),
    ...[...text.matchAll(/^\s*export\s+(?!type\b)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]),
  ];
  return specs
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]).replace(/\?.*$/, ''));
}

describe('package.json', () => {
  it('lists every package the product imports at run time under dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const missing: string[] = [];
    for (const file of PRODUCT.flatMap((d) => sources(path.join(ROOT, d)))) {
      for (const name of runtimePackages(fs.readFileSync(file, 'utf8'))) {
        if (!(name in pkg.dependencies)) missing.push(`${path.relative(ROOT, file)} imports "${name}"`);
      }
    }
    expect(missing, 'move these packages from devDependencies to dependencies').toEqual([]);
  });

  it('sees the imports it looks for (the scan itself can fail)', () => {
    expect(runtimePackages("import { register } from 'tsx/esm/api';\nimport type { X } from 'y';\nimport {\n  a,\n} from '@s/p/q';\nconst m = await import('gifenc');")).toEqual(['tsx', '@s/p', 'gifenc']);
  });
});
