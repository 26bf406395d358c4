/**
 * The crash test of issue 24: a short training run in a child process is killed (kill -9, then
 * SIGTERM) after a checkpoint, resumed from that checkpoint into the same folder, and must end with
 * the metrics and final weights of an uninterrupted run, identical except for timing fields.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DOJO = path.join(__dirname, '..', '..', 'bin', 'dojo.js');
/** 16 iterations of 2 × 64 CartPole steps, a checkpoint after 8: about 1.5 s of CPU per run; the signal lands with 7 iterations to spare. */
const RUN = ['train', '--env', 'CartPole-v1', '--algo', 'ppo', '--seed', '7', '--total-timesteps', '2048', '--num-envs', '2', '--num-steps', '64', '--checkpoint-frequency', '8', '--quiet'];
let dir = '';
let whole = '';

function dojo(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr };
}

/** metrics.jsonl rows without the timing field. */
function rows(out: string): Array<Record<string, unknown>> {
  return fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r['charts/SPS'];
    return r;
  });
}

/** The periodic checkpoints in a run folder, oldest first. */
function periodic(out: string): string[] {
  const ckpts = path.join(out, 'checkpoints');
  if (!fs.existsSync(ckpts)) return [];
  return fs.readdirSync(ckpts).filter((n) => /^step-\d+\.safetensors$/.test(n)).sort((a, b) => Number(a.slice(5, -12)) - Number(b.slice(5, -12)));
}

/** The global step of the last complete metrics row (0 when none). */
function lastRowStep(out: string): number {
  const file = path.join(out, 'metrics.jsonl');
  if (!fs.existsSync(file)) return 0;
  const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
  return lines.length === 0 ? 0 : (JSON.parse(lines[lines.length - 1]) as { global_step: number }).global_step;
}

function lastCheckpointStep(out: string): number {
  const last = periodic(out).at(-1);
  return last === undefined ? 0 : Number(last.slice(5, -12));
}

/**
 * Starts the run and sends `signal` once a periodic checkpoint exists and the log has rows past it
 * (those a resume used to log twice); returns how the child ended.
 */
async function interrupt(out: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [DOJO, ...RUN, '--out', out]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !(lastCheckpointStep(out) > 0 && lastRowStep(out) > lastCheckpointStep(out))) await new Promise((r) => setTimeout(r, 5));
  child.kill(signal);
  const end = await exited;
  expect(lastRowStep(out), 'no metrics row past the last checkpoint when the signal landed; the test proves nothing').toBeGreaterThan(lastCheckpointStep(out));
  return { ...end, stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-crash-'));
  whole = path.join(dir, 'whole');
  const r = dojo(...RUN, '--out', whole);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('crash test: killed, resumed, identical to an uninterrupted run', () => {
  it('kill -9 after a checkpoint, then --resume into the same folder', async () => {
    const out = path.join(dir, 'killed');
    const k = await interrupt(out, 'SIGKILL');
    expect(k.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(out, 'final.safetensors')), 'the run ended before the kill; the test proves nothing').toBe(false);
    const last = periodic(out).at(-1) as string;
    // the killed run logged rows after its last checkpoint: a resume used to log them twice
    const r = dojo('train', '--resume', path.join(out, 'checkpoints', last), '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(rows(out)).toEqual(rows(whole));
    expect(fs.readFileSync(path.join(out, 'final.safetensors'))).toEqual(fs.readFileSync(path.join(whole, 'final.safetensors')));
    expect(periodic(out)).toEqual(periodic(whole));
    for (const name of periodic(whole)) expect(fs.readFileSync(path.join(out, 'checkpoints', name))).toEqual(fs.readFileSync(path.join(whole, 'checkpoints', name)));
    expect(fs.readdirSync(path.join(out, 'checkpoints')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('SIGTERM saves and exits 143; resuming from the last periodic checkpoint ends identical', async () => {
    const out = path.join(dir, 'terminated');
    const t = await interrupt(out, 'SIGTERM');
    expect(t.code, t.stderr).toBe(143);
    expect(t.stderr).toMatch(/interrupted by SIGTERM: saved .*interrupted-\d+\.safetensors/);
    expect(fs.existsSync(path.join(out, 'final.safetensors'))).toBe(false);
    const last = periodic(out).at(-1) as string;
    const r = dojo('train', '--resume', path.join(out, 'checkpoints', last), '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(rows(out)).toEqual(rows(whole));
    expect(fs.readFileSync(path.join(out, 'final.safetensors'))).toEqual(fs.readFileSync(path.join(whole, 'final.safetensors')));
  });
});
