/**
 * `dojo bench`: the product needs nothing from bench/ (so it runs from an installed package), every mode
 * of `dojo bench envs` warms up by one rule, and its results carry where the Gymnasium rates come from.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { warmUp } from '../../src/cli/bench-envs.ts';

const ROOT = join(__dirname, '..', '..');
const DOJO = join(ROOT, 'bin', 'dojo.js');

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('dojo bench', () => {
  it('nothing in src/, agents/ or envs/ imports from bench/', () => {
    const offenders: string[] = [];
    for (const file of ['src', 'agents', 'envs'].flatMap(sources)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        if (/(^|\/)bench\//.test(m[1])) offenders.push(`${file.slice(ROOT.length + 1)} imports ${m[1]}`);
      }
      if (/['"`][^'"`]*\bbench\/[\w-]+\.ts/.test(text.replace(/^\s*(\*|\/\/).*$/gm, ''))) offenders.push(`${file.slice(ROOT.length + 1)} names a bench/ script outside comments`);
    }
    expect(offenders).toEqual([]);
  });

  it('warms every mode up by one rule: until two runs in a row are no faster than the best by 2 %, at most the cap', async () => {
    const rates = [100, 150, 200, 203, 201, 250, 250, 250];
    let calls = 0;
    const spent = await warmUp(() => rates[calls++], 500, 20_000);
    // 100 → 150 → 200 rise; 203 and 201 are within 2 % of 200: stop after five runs
    expect(calls).toBe(5);
    expect(spent).toBe(2500);
    let rising = 1;
    const capped = await warmUp(() => (rising *= 1.1), 500, 3000);
    expect(capped).toBe(3000);
  });

  it('dojo bench envs measures every mode and says where the Gymnasium rates come from', () => {
    const r = spawnSync(process.execPath, [DOJO, 'bench', 'envs', '--only', 'CartPole-v1', '--seconds', '0.05', '--json'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { commit: string; gymnasium: { source: string; reproduce: string; steps_per_s: Record<string, number> }; envs: Array<{ id: string; mode: string; steps_per_s: number }> };
    expect(j.envs.map((e) => e.mode)).toEqual(['single', 'vector', 'workers']);
    for (const e of j.envs) expect(e.steps_per_s).toBeGreaterThan(0);
    expect(j.gymnasium.steps_per_s['CartPole-v1']).toBe(112_000);
    expect(j.gymnasium.source).toMatch(/issue 3.*command was not recorded/);
    expect(j.gymnasium.reproduce).toContain('bench/gymnasium_envs.py');
  }, 120_000);

  it('offers only the benchmarks that run from an installed package', () => {
    const r = spawnSync(process.execPath, [DOJO, 'bench', '--help'], { encoding: 'utf8', timeout: 60_000 });
    const commands = [...r.stdout.matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    expect(commands.sort()).toEqual(['envs', 'games']);
  });
});
