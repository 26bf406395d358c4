/**
 * `dojo eval` greedy and `--stochastic`: both ways evaluate the same checkpoint, the result says which
 * way it took, and sampled actions are what training took (they repeat on a rerun: the policy's own Rng).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ppo, ppoSpec } from '../../agents/ppo.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { evaluateCheckpoint } from '../../src/cli/eval.ts';
import { runContext, writeCheckpoint } from '../../src/cli/run-context.ts';

const DOJO = join(__dirname, '..', '..', 'bin', 'dojo.js');
let dir = '';
let ckpt: CheckpointPayload;
let file = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dojo-eval-'));
  // one iteration of PPO on CartPole: a policy far from greedy, so greedy and sampled episodes differ
  const run = ppo.createRun(resolveConfig('ppo', ppoSpec, { totalTimesteps: 512, seed: 4 }), runContext('CartPole-v1'));
  for await (const _ of run.iterations);
  ckpt = run.checkpoint();
  await run.close();
  file = join(dir, 'policy.safetensors');
  writeCheckpoint(file, ckpt);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function dojo(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [DOJO, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('dojo eval: greedy or sampled actions', () => {
  it('evaluateCheckpoint takes greedy actions by default and sampled ones when asked, and says which', () => {
    const greedy = evaluateCheckpoint(ckpt, 6, 0);
    const sampled = evaluateCheckpoint(ckpt, 6, 0, 'sampled');
    expect(greedy.actions).toBe('greedy');
    expect(sampled.actions).toBe('sampled');
    expect(sampled.returns).not.toEqual(greedy.returns);
    // the same seed and checkpoint give the same episodes either way (sampling uses the policy's seeded Rng)
    expect(evaluateCheckpoint(ckpt, 6, 0, 'sampled').returns).toEqual(sampled.returns);
    expect(evaluateCheckpoint(ckpt, 6, 0).returns).toEqual(greedy.returns);
  });

  it('the command says greedy or sampled in its text and JSON output', () => {
    const text = dojo('eval', '--checkpoint', file, '--episodes', '2');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^ppo on CartPole-v1, greedy actions \(the most likely one; --stochastic samples them as in training\): mean return [\d.]+ ± [\d.]+ over 2 episodes/);
    const sampledText = dojo('eval', '--checkpoint', file, '--episodes', '2', '--stochastic');
    expect(sampledText.code, sampledText.stderr).toBe(0);
    expect(sampledText.stdout).toMatch(/^ppo on CartPole-v1, sampled actions \(from the policy's distribution, as in training\): mean return/);
    const json = dojo('eval', '--checkpoint', file, '--episodes', '3', '--stochastic', '--json');
    expect(json.code, json.stderr).toBe(0);
    const j = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ env: 'CartPole-v1', algo: 'ppo', episodes: 3, actions: 'sampled' });
    expect(j.mean_return).toBeCloseTo(evaluateCheckpoint(ckpt, 3, 0, 'sampled').mean_return, 10);
  });
});
