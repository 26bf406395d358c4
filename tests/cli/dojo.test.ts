/**
 * The `dojo` command as a user runs it: real processes, real files.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOJO = join(__dirname, '..', '..', 'bin', 'dojo.js');
let dir = '';

function dojo(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** metrics.jsonl rows without timing fields. */
function rows(out: string): Array<Record<string, unknown>> {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r['charts/SPS'];
    return r;
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dojo-cli-'));
});

describe('dojo train / eval', () => {
  it('trains, writes config, metrics and checkpoints, and evaluates the result', () => {
    const out = join(dir, 'a');
    const r = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '2048', '--seed', '3', '--out', out, '--checkpoint-frequency', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/learning-rate\s+0\.00025/);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toMatchObject({ env: 'CartPole-v1', algo: 'ppo', seed: 3, totalTimesteps: 2048 });
    const m = rows(out);
    expect(m.length).toBe(4);
    expect(m[3]).toHaveProperty('losses/approx_kl');
    expect(existsSync(join(out, 'final.safetensors'))).toBe(true);
    expect(readdirSync(join(out, 'checkpoints'))).toEqual(['step-1024.safetensors']);
    const e = dojo('eval', '--checkpoint', join(out, 'final.safetensors'), '--episodes', '3', '--json');
    expect(e.code, e.stderr).toBe(0);
    const j = JSON.parse(e.stdout) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['env', 'algo', 'episodes', 'mean_return', 'std_return', 'actions']);
    expect(j).toMatchObject({ env: 'CartPole-v1', algo: 'ppo', episodes: 3, actions: 'greedy' });
  });

  it('evaluates every checkpoint with --eval-episodes and keeps the best as best.safetensors', () => {
    const out = join(dir, 'ev');
    const r = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '1536', '--seed', '2', '--checkpoint-frequency', '1', '--eval-episodes', '2', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const evals = readFileSync(join(out, 'evaluations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { global_step: number; checkpoint: string; mean_return: number; best: boolean });
    // 512 steps per iteration: checkpoints after iterations 1 and 2 (not 3: the run ends there), then the final policy
    expect(evals.map((e) => e.global_step)).toEqual([512, 1024, 1536]);
    expect(evals.map((e) => e.checkpoint)).toEqual([join(out, 'checkpoints', 'step-512.safetensors'), join(out, 'checkpoints', 'step-1024.safetensors'), join(out, 'final.safetensors')]);
    let best = -Infinity, bestFile = '';
    for (const e of evals) {
      expect(e.best).toBe(e.mean_return > best);
      if (e.best) [best, bestFile] = [e.mean_return, e.checkpoint];
    }
    expect(readFileSync(join(out, 'best.safetensors'))).toEqual(readFileSync(bestFile));
    // the same episodes from dojo eval: evaluations start at seed 1,000,000
    const e = dojo('eval', '--checkpoint', join(out, 'best.safetensors'), '--episodes', '2', '--seed', '1000000', '--json');
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { mean_return: number }).mean_return).toBe(best);
    const bad = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--eval-episodes', 'two', '--out', join(dir, 'ev-bad'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--eval-episodes expects a non-negative integer, received "two"/);
  });

  it('gives identical metrics for the same command, timing aside, in-process or on 2 workers', () => {
    const args = ['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '1536', '--quiet'];
    expect(dojo(...args, '--out', join(dir, 'd1')).code).toBe(0);
    expect(dojo(...args, '--out', join(dir, 'd2')).code).toBe(0);
    expect(dojo(...args, '--out', join(dir, 'd3'), '--workers', '2').code).toBe(0);
    expect(rows(join(dir, 'd1'))).toEqual(rows(join(dir, 'd2')));
    expect(rows(join(dir, 'd3'))).toEqual(rows(join(dir, 'd1')));
  });

  it('resumes a run from a checkpoint into the same metrics as the uninterrupted run', () => {
    const whole = join(dir, 'r1');
    const base = ['--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '3072', '--checkpoint-frequency', '2', '--quiet'];
    expect(dojo('train', ...base, '--out', whole).code).toBe(0);
    const resumed = join(dir, 'r2');
    const r = dojo('train', '--resume', join(whole, 'checkpoints', 'step-1024.safetensors'), '--out', resumed, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(rows(resumed)).toEqual(rows(whole).slice(2));
  });

  it('saves a checkpoint and exits 130 on Ctrl-C (issue 24 item 9: it exited 0)', async () => {
    const out = join(dir, 'int');
    const child = spawn(process.execPath, [DOJO, 'train', '--env', 'CartPole-v1', '--algo', 'ppo', '--total-timesteps', '10000000', '--out', out, '--quiet']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(existsSync(join(out, 'metrics.jsonl')) && readFileSync(join(out, 'metrics.jsonl'), 'utf8').includes('\n'))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // the launcher forwards the signal to the tsx process group member that runs the CLI
    child.kill('SIGINT');
    const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted by SIGINT: saved .*interrupted-\d+\.safetensors/);
    const saved = readdirSync(join(out, 'checkpoints')).filter((f) => f.startsWith('interrupted-'));
    expect(saved.length).toBe(1);
    const e = dojo('eval', '--checkpoint', join(out, 'checkpoints', saved[0]), '--episodes', '1', '--json');
    expect(e.code, e.stderr).toBe(0);
  });

  it('trains with --env-kwargs, saves them in the checkpoint, and eval, render and resume make the same env', () => {
    const out = join(dir, 'kw');
    // a 6×6 Snake observes a smaller grid: a policy loaded into the default 10×10 env fails its shape check
    const r = dojo('train', '--env', 'Snake-v0', '--env-kwargs', '{"rows":6,"columns":6}', '--algo', 'ppo', '--no-preset', '--total-timesteps', '1024', '--checkpoint-frequency', '1', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ env: 'Snake-v0', env_kwargs: { rows: 6, columns: 6 } });
    const ckpt = join(out, 'final.safetensors');
    const e = dojo('eval', '--checkpoint', ckpt, '--episodes', '2', '--json', '--info');
    expect(e.code, e.stderr).toBe(0);
    // --info: terminated episodes and the mean of each numeric final-info field (Snake reports its length)
    const j = JSON.parse(e.stdout) as { terminated: number; info: Record<string, number> };
    expect(j.terminated).toBeGreaterThanOrEqual(0);
    expect(j.terminated).toBeLessThanOrEqual(2);
    expect(j.info.length).toBeGreaterThanOrEqual(3);
    const png = join(dir, 'kw.png');
    const g = dojo('render', '--checkpoint', ckpt, '--out', png, '--steps', '3', '--width', '60');
    expect(g.code, g.stderr).toBe(0);
    const step = readdirSync(join(out, 'checkpoints'))[0];
    const same = dojo('train', '--resume', join(out, 'checkpoints', step), '--out', join(dir, 'kw2'), '--quiet');
    expect(same.code, same.stderr).toBe(0);
    expect(rows(join(dir, 'kw2'))).toEqual(rows(out).slice(-rows(join(dir, 'kw2')).length));
    const other = dojo('train', '--resume', ckpt, '--env-kwargs', '{"rows":8}', '--out', join(dir, 'kw3'), '--quiet');
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/trained with --env-kwargs '\{"rows":6,"columns":6\}', not '\{"rows":8\}'/);
  });

  it('stops on a non-finite loss with the step, keeping the last good checkpoint', () => {
    const out = join(dir, 'nan');
    const r = dojo('train', '--env', 'CartPole-v1', '--algo', 'ppo', '--no-preset', '--total-timesteps', '8192', '--learning-rate', '1e30', '--max-grad-norm', '1e30', '--out', out, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/global step \d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('dojo render', () => {
  it('writes a GIF of a trained policy from its checkpoint', () => {
    const out = join(dir, 'cp.gif');
    const r = dojo('render', '--checkpoint', join(__dirname, '..', '..', 'zoo', 'CartPole-v1.ppo.safetensors'), '--out', out, '--steps', '20', '--width', '120');
    expect(r.code, r.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(r.stdout).toMatch(/21 frames/);
  });
});

describe('dojo errors', () => {
  it.each([
    [['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--lerning-rate', '3'], /unknown flag --lerning-rate \(did you mean --learning-rate\?\)/],
    [['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--num-envs', 'abc'], /--num-envs expects a number, received "abc"/],
    [['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--gamma', '2'], /gamma" expects a number <= 1, received 2/],
    [['train', '--env', 'CartPol-v1', '--algo', 'ppo'], /not registered.*CartPole-v1/],
    [['train', '--env', 'CartPole-v1', '--algo', 'ppx'], /unknown algorithm "ppx"/],
    [['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--config', '/nonexistent.json'], /config file not found/],
    [['eval', '--checkpoint', '/nonexistent.safetensors'], /checkpoint not found/],
    [['frobnicate'], /unknown command/],
    [['train', '--env', 'Snake-v0', '--algo', 'ppo', '--env-kwargs', '{rows:6}'], /--env-kwargs must be a JSON object like '\{"obs":"pixels"\}', received \{rows:6\}/],
    [['train', '--env', 'Snake-v0', '--algo', 'ppo', '--env-kwargs', '{"rows":-1}'], /rows/],
    [['train', '--env', 'Pendulum-v1', '--algo', 'dqn'], /dqn cannot train on Pendulum-v1: .*Box.*Agents that can: .*ppo.*sac.*td3/],
  ])('%j fails with a clear message', (args, pattern) => {
    const r = dojo(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a file that is not a checkpoint', () => {
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'this is not a checkpoint');
    const r = dojo('eval', '--checkpoint', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/safetensors|header/i);
  });
});

describe('dojo check --env-kwargs', () => {
  it('checks the env built with the kwargs (Paint-v0 in the window frame), and refuses bad kwargs or --all', () => {
    const r = dojo('check', 'Paint-v0', '--env-kwargs', '{"obs":"features","featureSize":8,"actionFrame":"window"}', '--steps', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ envId: 'Paint-v0', ok: true });
    const bad = dojo('check', 'Paint-v0', '--env-kwargs', '{"actionFrame":"sideways"}', '--steps', '20');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/actionFrame/);
    const all = dojo('check', '--all', '--env-kwargs', '{}');
    expect(all.code).not.toBe(0);
    expect(all.stderr).toMatch(/--env-kwargs builds one env, not every env \(--all\)/);
  }, 120_000);
});
