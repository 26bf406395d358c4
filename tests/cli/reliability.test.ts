/**
 * Issue 24, "nothing lost, nothing hangs", in the CLI: run folders are never reused silently
 * (item 8), logs are cut back to the checkpoint on resume (7), signals save and exit 130/143 (9),
 * a resume keeps its batch shape (10), stale temporaries are removed and render names its file
 * (11), an unusable --out fails at once and a budget under one iteration is announced (12); plus
 * the CLI ends of items 1, 5 and 6. Quick cases call `train` in this process; anything that could
 * hang before the fix (a spin, a huge net) or needs a signal runs as a child with a timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { train } from '../../src/cli/train.ts';
import { evaluateCheckpoint } from '../../src/cli/eval.ts';
import { claimRunFolder, cutLogAfter } from '../../src/cli/run-folder.ts';
import { encodeSafetensors } from '../../src/nn/safetensors.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';

const DOJO = path.join(__dirname, '..', '..', 'bin', 'dojo.js');
const ZOO = path.join(__dirname, '..', '..', 'zoo', 'CartPole-v1.ppo.safetensors');
/** 8 iterations of 2 × 64 steps, a checkpoint every 2 (steps 256, 512, 768). */
const SMALL = ['--total-timesteps', '1024', '--num-envs', '2', '--num-steps', '64', '--checkpoint-frequency', '2'];
// the plain defaults (--no-preset): the step counts below are the defaults' iterations of 4 × 128
const PPO = { env: 'CartPole-v1', algo: 'ppo', quiet: true, preset: false };
let dir = '';

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-reliability-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function dojo(args: string[], timeout = 120_000): { code: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function steps(out: string): number[] {
  return fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { global_step: number }).global_step);
}

/** A pid no process has: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('item 8: a run folder is never reused without a word', () => {
  it('refuses a non-empty --out and leaves it as it was', async () => {
    const out = path.join(dir, 'reuse');
    await train({ ...PPO, out }, SMALL);
    const before = fs.readFileSync(path.join(out, 'metrics.jsonl'));
    await expect(train({ ...PPO, out }, ['--total-timesteps', '256', '--num-envs', '2', '--num-steps', '64'])).rejects.toThrow(/the run folder .*reuse is not empty \(.*metrics\.jsonl.*\); reusing it would overwrite or mix in another run's metrics and checkpoints\. Choose another --out, resume from one of its checkpoints with --resume, or pass --overwrite/);
    expect(fs.readFileSync(path.join(out, 'metrics.jsonl'))).toEqual(before);
    expect(fs.readdirSync(path.join(out, 'checkpoints')).sort()).toEqual(['step-256.safetensors', 'step-512.safetensors', 'step-768.safetensors']);
  });

  it('--overwrite replaces the previous run files and nothing else', async () => {
    const out = path.join(dir, 'overwrite');
    await train({ ...PPO, out }, SMALL);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    await train({ ...PPO, out, overwrite: true }, ['--total-timesteps', '256', '--num-envs', '2', '--num-steps', '64', '--checkpoint-frequency', '1']);
    expect(steps(out)).toEqual([128, 256]);
    expect(fs.readdirSync(path.join(out, 'checkpoints'))).toEqual(['step-128.safetensors']);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('resuming into the folder of the checkpoint is allowed; into another non-empty folder it is not', async () => {
    const out = path.join(dir, 'reuse');
    const other = path.join(dir, 'overwrite');
    await expect(train({ quiet: true, resume: path.join(out, 'checkpoints', 'step-768.safetensors'), out: other }, [])).rejects.toThrow(/overwrite is not empty/);
    await train({ quiet: true, resume: path.join(out, 'checkpoints', 'step-768.safetensors'), out }, []);
    expect(steps(out)).toEqual([128, 256, 384, 512, 640, 768, 896, 1024]);
  });

  it('the default folder name never collides: a taken name gets -2, -3', () => {
    const parent = path.join(dir, 'runs');
    expect(claimRunFolder(parent, 'CartPole-v1__ppo__1__1700000000')).toBe(path.join(parent, 'CartPole-v1__ppo__1__1700000000'));
    expect(claimRunFolder(parent, 'CartPole-v1__ppo__1__1700000000')).toBe(path.join(parent, 'CartPole-v1__ppo__1__1700000000-2'));
    expect(claimRunFolder(parent, 'CartPole-v1__ppo__1__1700000000')).toBe(path.join(parent, 'CartPole-v1__ppo__1__1700000000-3'));
  });
});

describe('item 7: on resume the logs are cut back to the checkpoint before appending', () => {
  it('a run resumed from an earlier checkpoint into its own folder has each step once', async () => {
    const out = path.join(dir, 'cut');
    await train({ ...PPO, out, evalEpisodes: '1' }, SMALL);
    const whole = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8');
    const evals = fs.readFileSync(path.join(out, 'evaluations.jsonl'), 'utf8');
    await train({ quiet: true, resume: path.join(out, 'checkpoints', 'step-512.safetensors'), out, evalEpisodes: '1' }, []);
    expect(steps(out)).toEqual([128, 256, 384, 512, 640, 768, 896, 1024]);
    const strip = (text: string) => text.trim().split('\n').map((l) => ({ ...(JSON.parse(l) as Record<string, unknown>), 'charts/SPS': 0 }));
    expect(strip(fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8'))).toEqual(strip(whole));
    expect(fs.readFileSync(path.join(out, 'evaluations.jsonl'), 'utf8')).toBe(evals);
  });

  it('cutLogAfter keeps rows up to the step, drops a torn last line, and writes atomically', () => {
    const file = path.join(dir, 'log.jsonl');
    fs.writeFileSync(file, '{"global_step":128}\n{"global_step":256}\n{"global_step":384}\n{"global_st');
    expect(cutLogAfter(file, 256)).toBe(2);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"global_step":128}\n{"global_step":256}\n');
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('log.jsonl.tmp'))).toEqual([]);
    expect(cutLogAfter(file, 256)).toBe(0);
    expect(cutLogAfter(path.join(dir, 'absent.jsonl'), 1)).toBe(0);
  });
});

describe('item 9: SIGTERM, like SIGINT, saves a checkpoint; the exit statuses are 143 and 130', () => {
  it('SIGTERM saves interrupted-<step>.safetensors and exits 143', async () => {
    const out = path.join(dir, 'term');
    const child = spawn(process.execPath, [DOJO, 'train', '--env', 'CartPole-v1', '--algo', 'ppo', '--total-timesteps', '10000000', '--out', out, '--quiet']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const metrics = path.join(out, 'metrics.jsonl');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(fs.existsSync(metrics) && fs.readFileSync(metrics, 'utf8').includes('\n'))) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(143);
    expect(stderr).toMatch(/interrupted by SIGTERM: saved .*interrupted-\d+\.safetensors; resume with: dojo train --resume/);
    const saved = fs.readdirSync(path.join(out, 'checkpoints')).filter((f) => f.startsWith('interrupted-'));
    expect(saved.length).toBe(1);
    expect(readSafetensorsFile(path.join(out, 'checkpoints', saved[0])).metadata.algo).toBe('ppo');
  });

  it('--help says so', () => {
    const r = dojo(['train', '--help']);
    expect(r.stdout).toMatch(/SIGINT \(Ctrl-C\) or SIGTERM[^]*exits with status 130 \(SIGINT\) or 143 \(SIGTERM\)/);
  });
});

describe('item 10: a resume keeps the batch shape', () => {
  it('--num-envs or --num-steps other than the checkpoint\'s is refused with the reason', async () => {
    const ckpt = path.join(dir, 'reuse', 'checkpoints', 'step-256.safetensors');
    await expect(train({ quiet: true, resume: ckpt, out: path.join(dir, 'ne') }, ['--num-envs', '4'])).rejects.toThrow(/the checkpoint was trained with --num-envs 2, not 4: a resumed run keeps the shape of its iterations, because its iteration count, learning-rate schedule, env seeds and checkpoint boundaries all count in iterations of that shape/);
    await expect(train({ quiet: true, resume: ckpt, out: path.join(dir, 'ns') }, ['--num-steps', '32'])).rejects.toThrow(/trained with --num-steps 64, not 32/);
  });

  it('a resume whose checkpoint already spent --total-timesteps is refused before its folder is touched (it wrote a final checkpoint at once)', async () => {
    const src = path.join(dir, 'reuse');
    const ckpt = path.join(src, 'checkpoints', 'step-256.safetensors');
    const before = fs.readdirSync(src).sort().map((f) => [f, fs.statSync(path.join(src, f)).mtimeMs]);
    await expect(train({ quiet: true, resume: ckpt, out: src }, ['--total-timesteps', '128'])).rejects.toThrow(/is at step 256, which already spends the step budget of 128 \(--total-timesteps\): nothing is left to train\. To continue it, give a larger --total-timesteps/);
    expect(fs.readdirSync(src).sort().map((f) => [f, fs.statSync(path.join(src, f)).mtimeMs])).toEqual(before);
  });
});

describe('item 11: stale temporary files are removed; render names the file it could not write', () => {
  it('a resumed run removes the temporaries a killed writer left, and keeps those of live processes', async () => {
    const out = path.join(dir, 'reuse');
    const pid = deadPid();
    const stale = [path.join(out, 'checkpoints', `step-1024.safetensors.tmp-${pid}-0123456789ab`), path.join(out, `metrics.jsonl.tmp-${pid}-abcdef012345`)];
    const live = path.join(out, `best.safetensors.tmp-${process.pid}-abcdef012345`);
    for (const f of [...stale, live]) fs.writeFileSync(f, 'partial');
    await train({ quiet: true, resume: path.join(out, 'checkpoints', 'step-768.safetensors'), out }, []);
    for (const f of stale) expect(fs.existsSync(f), f).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    fs.rmSync(live);
  });

  it('render: a failed write leaves no partial file and the error names the file', () => {
    const out = path.join(dir, 'frames.gif');
    fs.mkdirSync(out); // the rename onto it fails, as a full disk would fail the write
    const pid = deadPid();
    fs.writeFileSync(`${out}.tmp-${pid}-0123456789ab`, 'partial');
    const r = dojo(['render', 'CartPole-v1', '--out', out, '--steps', '2', '--width', '40']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not write image ".*frames\.gif": .*; any previous file there is unchanged/);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('frames.gif.'))).toEqual([]);
  });
});

describe('item 12: an unusable --out fails at once; a budget under one iteration is announced', () => {
  it('--out /proc/x (Node\'s recursive mkdir spun at 100 % CPU there)', () => {
    const r = dojo(['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--total-timesteps', '128', '--out', '/proc/dojo-x/run'], 60_000);
    expect(r.signal, 'dojo train was still running after 60 s').toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot create the run folder \/proc\/dojo-x\/run: mkdir \/proc\/dojo-x failed \(ENOENT\); is \/proc a writable directory on a normal file system\?/);
  });

  it('--out below a regular file', async () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, '');
    await expect(train({ ...PPO, out: path.join(file, 'run') }, SMALL)).rejects.toThrow(/cannot create the run folder .*plain\.txt\/run: .*plain\.txt is not a directory/);
  });

  it('--total-timesteps 1 says it rounds up to one iteration', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let said = '';
    try {
      await train({ ...PPO, out: path.join(dir, 'one') }, ['--total-timesteps', '1']);
      await train({ ...PPO, out: path.join(dir, 'floor') }, ['--total-timesteps', '1000', '--num-envs', '2', '--num-steps', '64']);
      said = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
    }
    expect(said).toMatch(/note: --total-timesteps 1 rounds up to one iteration: ppo trains in whole iterations of numEnvs × numSteps = 4 × 128 = 512 steps, so this run takes 512 steps/);
    expect(said).toMatch(/note: --total-timesteps 1000 rounds down: .* = 128 steps, so this run takes 896 steps/);
    expect(steps(path.join(dir, 'one'))).toEqual([512]);
  });
});

describe('items 1, 5 and 6 from the command line', () => {
  it('item 1: dojo eval of a 113 KB checkpoint asking for a 4000 × 4000 net fails at once', () => {
    const { tensors, metadata } = readSafetensorsFile(ZOO);
    const config = { ...(JSON.parse(metadata.config) as Record<string, unknown>), hiddenSizes: [4000, 4000] };
    const file = path.join(dir, 'huge-net.safetensors');
    fs.writeFileSync(file, encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(config) }));
    const r = dojo(['eval', '--checkpoint', file], 60_000);
    expect(r.signal, 'dojo eval was still building the net after 60 s').toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/checkpoint config "hiddenSizes" asks for a layer of width 4000, but no stored tensor has a dimension of 4000/);
  });

  it('item 1: --hidden-sizes 0, -4 and 1.5 get a range message', async () => {
    for (const v of ['0', '-4', '1.5']) {
      await expect(train({ ...PPO, out: path.join(dir, `hs${v}`) }, ['--hidden-sizes', v])).rejects.toThrow(`ppo: config field "hiddenSizes" expects a list of layer sizes, each an integer from 1 to 65536, received [${v}]`);
    }
  });

  it('item 4: a checkpoint with a NaN weight neither evaluates nor resumes', async () => {
    const { tensors, metadata } = readSafetensorsFile(ZOO);
    const w = tensors.get('critic.2.weight') as { data: Float32Array; shape: readonly number[] };
    w.data[0] = Number.NaN;
    const file = path.join(dir, 'nan.safetensors');
    fs.writeFileSync(file, encodeSafetensors(tensors, metadata));
    expect(() => evaluateCheckpoint({ tensors, metadata }, 2, 0)).toThrow(/checkpoint tensor "critic.2.weight" \(shape \[64, 64\]\) holds NaN at index 0/);
    await expect(train({ quiet: true, resume: file, out: path.join(dir, 'nan-run') }, [])).rejects.toThrow(/"critic.2.weight" .* holds NaN/);
  });

  it('item 5: --resume <ppo checkpoint> --algo dqn says it is a ppo checkpoint', async () => {
    await expect(train({ quiet: true, resume: ZOO, algo: 'dqn', out: path.join(dir, 'algo') }, [])).rejects.toThrow(/this is a ppo checkpoint, not a dqn one/);
  });

  it('item 6: --to-string, a config file with "constructor", --env-kwargs with "__proto__"', async () => {
    await expect(train({ ...PPO, out: path.join(dir, 'p1') }, ['--to-string', 'x'])).rejects.toThrow(/unknown flag --to-string/);
    const cfg = path.join(dir, 'proto.json');
    fs.writeFileSync(cfg, '{"constructor": 1}');
    await expect(train({ ...PPO, config: cfg, out: path.join(dir, 'p2') }, [])).rejects.toThrow(/unknown config field "constructor"/);
    fs.writeFileSync(cfg, '{"__proto__": {"learningRate": 1}}');
    await expect(train({ ...PPO, config: cfg, out: path.join(dir, 'p3') }, [])).rejects.toThrow(/unknown config field "__proto__"/);
    await expect(train({ ...PPO, envKwargs: '{"__proto__":{"x":1}}', out: path.join(dir, 'p4') }, [])).rejects.toThrow(/CartPole-v1: unknown kwarg "__proto__"/);
  });
});
