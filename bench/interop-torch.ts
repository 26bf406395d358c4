/**
 * The PyTorch recipe's check (`npm run interop:torch`; not part of CI): runs the script of docs/pytorch.md,
 * taken from the page itself, with `/usr/bin/python3` (which must have torch) on 1,000 random observations
 * from the env's space for every PPO MLP file of the zoo, and compares its outputs with RL Dojo's: the
 * logits or Gaussian mean and the value within 1e-5 of their scale (1e-5 · max(1, largest |output|)), and
 * the deterministic discrete actions identical to
 * the agent's own `loadPolicy`. Prints the largest differences with the commit and the machine; exits 1
 * when a file misses.
 *
 *   npm run interop:torch [-- --python /usr/bin/python3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.ts';
import { flatten, sample } from '../src/gym/spaces.ts';
import { make } from '../src/gym/registry.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { readCheckpoint } from '../src/cli/run-context.ts';
import { getAgent } from '../agents/index.ts';
import { readCheckpointMeta } from '../agents/common/checkpoint.ts';
import { resolveConfig } from '../agents/common/config.ts';
import { ppoSpec } from '../agents/ppo.ts';
import { exportOnnx } from '../agents/export/onnx.ts';
import '../envs/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = 1000;
/** The tolerance, relative to the output's scale: 1e-5 · max(1, largest |output|) (float32 keeps about 7 digits, and PyTorch sums in its own order). */
const TOLERANCE = 1e-5;

/** The first ```python block of docs/pytorch.md: the recipe exactly as users read it. */
function recipe(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'pytorch.md'), 'utf8');
  const m = /```python\n([\s\S]*?)```/.exec(doc);
  if (m === null) throw new Error('docs/pytorch.md has no ```python block');
  return m[1];
}

/** The largest |a − b| over two equally long lists (Infinity when the lengths differ). */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The largest |x|. */
function scale(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]));
  return m;
}

/** Compares the recipe with RL Dojo on one zoo file; returns a result line and whether it passed. */
function checkFile(file: string, python: string, dir: string, script: string): { line: string; ok: boolean } {
  const ckpt = readCheckpoint(join(ROOT, 'zoo', file));
  const meta = readCheckpointMeta(ckpt);
  const env = make(meta.envId, { kwargs: meta.envKwargs });
  const { observationSpace: obsSpace, actionSpace: actSpace } = env;
  env.close();
  const rng = new Rng(7);
  const values = Array.from({ length: N }, () => sample(obsSpace, rng));
  const rows = values.map((v) => Array.from(flatten(obsSpace, v)));
  const obsFile = join(dir, 'obs.json');
  writeFileSync(obsFile, JSON.stringify(rows));
  const r = spawnSync(python, [script, join(ROOT, 'zoo', file), obsFile], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${python} ${script} failed on ${file} (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  const torch = JSON.parse(r.stdout) as { out: number[][]; value: number[]; action: number[] | number[][] };
  const flat = new Float32Array(rows.flat());
  const ours = exportOnnx(ckpt, obsSpace, actSpace, commitId()).reference({ obs: flat }, N);
  const outName = actSpace.kind === 'box' ? 'mean' : 'logits';
  const dOut = maxDiff(torch.out.flat(), ours[outName]), sOut = scale(ours[outName]);
  const dValue = maxDiff(torch.value, ours.value), sValue = scale(ours.value);
  let actions = 'n/a (Box: clipping to the bounds is left to the user)';
  let okActions = true;
  if (actSpace.kind === 'discrete') {
    const policy = getAgent('ppo').loadPolicy(ckpt, obsSpace, actSpace);
    const same = values.filter((v, i) => policy.act(v, { deterministic: true }) === (torch.action as number[])[i]).length;
    actions = `${same}/${N} identical`;
    okActions = same === N;
  }
  const ok = dOut <= TOLERANCE * Math.max(1, sOut) && dValue <= TOLERANCE * Math.max(1, sValue) && okActions;
  const cell = (d: number, s: number): string => `${d.toExponential(1)} (outputs up to ${s.toPrecision(3)} in size)`;
  return { ok, line: `| ${file} | ${outName} ${cell(dOut, sOut)} | ${cell(dValue, sValue)} | ${actions} | ${ok ? 'ok' : 'MISS'} |` };
}

function main(): void {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--python');
  const python = at >= 0 ? argv[at + 1] : '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stderr.write(`interop:torch: ${python} cannot import torch (${probe.stderr.trim().split('\n').pop() ?? 'no output'}); install it (Debian: apt-get install python3-torch) or pass --python <interpreter with torch>\n`);
    process.exitCode = 1;
    return;
  }
  const zoo = JSON.parse(readFileSync(join(ROOT, 'zoo', 'zoo.json'), 'utf8')) as Array<{ file: string }>;
  const files = zoo.map((z) => z.file).filter((f) => {
    if (!f.endsWith('.ppo.safetensors')) return false;
    const cfg = resolveConfig('ppo', ppoSpec, readCheckpointMeta(readCheckpoint(join(ROOT, 'zoo', f))).config);
    return cfg.network === 'mlp' && !cfg.recurrent;
  });
  const dir = mkdtempSync(join(tmpdir(), 'dojo-torch-'));
  try {
    const script = join(dir, 'ppo_torch.py');
    writeFileSync(script, recipe());
    process.stdout.write(`interop:torch, commit ${commitId()}, ${machine()}, torch ${probe.stdout.trim()}, ${N} random observations per file\n\n`);
    process.stdout.write('| zoo file | policy output | value | deterministic actions | |\n|---|---|---|---|---|\n');
    let failed = 0;
    for (const f of files) {
      const r = checkFile(f, python, dir, script);
      process.stdout.write(r.line + '\n');
      if (!r.ok) failed += 1;
    }
    if (failed > 0) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
