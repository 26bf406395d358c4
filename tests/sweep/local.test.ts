/**
 * `dojo sweep` on this machine (src/cli/sweep.ts, sweep-local.ts): trials run as `dojo train`
 * children, two at a time, each a normal run folder; the results, report and best config are written;
 * a sweep started again after a kill redoes no finished trial, and a trial cut short resumes from its
 * last periodic checkpoint and ends with exactly the weights and logs of an uninterrupted run. A
 * failing trial is recorded with its error. Tiny PPO CartPole runs: 2 iterations of 2 × 64 steps.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweep } from '../../src/cli/sweep.ts';
import { readResults } from '../../src/cli/sweep-results.ts';
import { parseSweepReport } from '../../src/core/sweep-report.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';

const SPEC = {
  name: 'tiny', env: 'CartPole-v1', algo: 'ppo', base: 'defaults',
  config: { totalTimesteps: 256, numEnvs: 2, numSteps: 64, checkpointFrequency: 1 },
  seeds: [1, 2], search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4] } }, evalEpisodes: 2,
};
let root = '';
let lines: string[] = [];
const log = (l: string): void => {
  lines.push(l);
};

function writeSpec(spec: object, name = 'spec.json'): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

function tensors(file: string): Map<string, number[]> {
  return new Map([...readSafetensorsFile(file).tensors].map(([k, t]) => [k, [...t.data]]));
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-local-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('dojo sweep, local', () => {
  it('runs every trial as a run folder, records results and writes the report and best config', async () => {
    const dir = await sweep(writeSpec(SPEC), { parallel: '2', root: path.join(root, 'sweeps') }, log);
    expect(dir).toBe(path.join(root, 'sweeps', 'tiny'));
    const results = readResults(path.join(dir, 'results.jsonl'));
    expect([...results.keys()].sort()).toEqual(['c0-s1', 'c0-s2', 'c1-s1', 'c1-s2']);
    for (const r of results.values()) {
      expect(r.status).toBe('done');
      expect(r.steps).toBe(256);
      expect(r.objective).toBe(r.final_eval);
      const run = path.join(dir, r.trial);
      for (const f of ['config.json', 'metrics.jsonl', 'evaluations.jsonl', 'final.safetensors', 'best.safetensors', 'checkpoints/step-128.safetensors']) expect(fs.existsSync(path.join(run, f)), `${r.trial}/${f}`).toBe(true);
      const config = JSON.parse(fs.readFileSync(path.join(run, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ env: 'CartPole-v1', algo: 'ppo', seed: r.seed, learningRate: r.params.learningRate, numEnvs: 2, totalTimesteps: 256 });
    }
    // the same seed and config give the same run whichever lane ran it: seed 1 differs from seed 2
    expect(tensors(path.join(dir, 'c0-s1', 'final.safetensors'))).not.toEqual(tensors(path.join(dir, 'c0-s2', 'final.safetensors')));
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(report).toMatch(/\| point \| learningRate \| final_eval \(mean ± std\) \| seeds done \| steps \| wall s \| status \|/);
    expect(report.match(/\| 2\/2 \| 512 \|/g)).toHaveLength(2);
    // the plot of both points' eval curves, the best config and the command and commit that rebuild it
    expect(report).toContain('![Eval curves: the mean deterministic eval return over seeds at each evaluation, in a band of ± one std over seeds](curves.png)');
    expect(report).toContain('of every config point, best first in the legend');
    expect(fs.statSync(path.join(dir, 'curves.png')).size).toBeGreaterThan(5000);
    // and the same points as data for the page: both, with their eval curves and objectives
    const data = parseSweepReport(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'), 'report.json');
    expect(data).toMatchObject({ name: 'tiny', env: 'CartPole-v1', algo: 'ppo', objective: 'final_eval' });
    expect(data.points.map((p) => p.label).sort()).toEqual(['c0 learningRate=0.001', 'c1 learningRate=0.0003']);
    for (const p of data.points) {
      expect(p.curve.map(([step]) => step)).toEqual([128, 256]);
      expect(p.objective).toBe(p.curve[1][1]);
    }
    expect(report).toMatch(/## Best config\n\nc[01] \{"learningRate":0\.00(1|03)\}: final_eval [\d.]+ ± [\d.]+ over 2 seeds\./);
    expect(report).toContain(`## Rebuild\n\n\`\`\`sh\nnpx dojo sweep ${path.join(root, 'spec.json')} --parallel 2 --root ${path.join(root, 'sweeps')}\n\`\`\``);
    expect(report).toMatch(/The trials trained at commit [0-9a-f]{7,}(\+dirty)? \(the `commit` in their final checkpoints' metadata\)\./);
    const best = JSON.parse(fs.readFileSync(path.join(dir, 'best-config.json'), 'utf8')) as Record<string, unknown>;
    expect(best.seed).toBeUndefined();
    expect(best.numEnvs).toBe(2);
    expect(lines.some((l) => /^\| c[01] \| 0\.00[13]0* \| /m.test(l))).toBe(true);
  });

  it('started again, skips recorded trials and resumes one cut short to the same weights and logs', async () => {
    const dir = path.join(root, 'sweeps', 'tiny');
    const run = path.join(dir, 'c1-s1');
    const finalBefore = tensors(path.join(run, 'final.safetensors'));
    const metricsBefore = fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8');
    const evalsBefore = fs.readFileSync(path.join(run, 'evaluations.jsonl'), 'utf8');
    const untouched = fs.statSync(path.join(dir, 'c0-s1', 'final.safetensors')).mtimeMs;
    // a kill after the checkpoint at step 128: no final checkpoint, no result row, a log line cut in half
    fs.rmSync(path.join(run, 'final.safetensors'));
    fs.rmSync(path.join(run, 'best.safetensors'));
    fs.appendFileSync(path.join(run, 'metrics.jsonl'), '{"global_step":3');
    // another killed during its final evaluation: final.safetensors written, its evaluation not
    const other = path.join(dir, 'c0-s2');
    const otherFinal = tensors(path.join(other, 'final.safetensors'));
    const otherEvals = fs.readFileSync(path.join(other, 'evaluations.jsonl'), 'utf8');
    fs.writeFileSync(path.join(other, 'evaluations.jsonl'), otherEvals.split('\n').filter((l) => !l.includes('final.safetensors')).join('\n'));
    const results = fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').split('\n').filter((l) => l !== '' && !l.includes('"c1-s1"') && !l.includes('"c0-s2"'));
    fs.writeFileSync(path.join(dir, 'results.jsonl'), `${results.join('\n')}\n`);
    lines = [];
    await sweep(writeSpec(SPEC), { status: true, root: path.join(root, 'sweeps') }, log);
    expect(lines[0]).toBe(`sweep tiny (${dir}): 4 trials; 2 done, 0 failed, 0 stopped early, 2 not finished`);
    expect(lines[1]).toMatch(/^ {2}c0-s2 \{"learningRate":0\.001\}: step 256 of 256 \(running, or cut short: the sweep resumes it\)$/);
    expect(lines[2]).toMatch(/^ {2}c1-s1 \{"learningRate":0\.0003\}: step 256 of 256 \(running, or cut short: the sweep resumes it\)$/);
    expect(lines[3]).toMatch(/^\n\| point \| learningRate \|/);
    expect(fs.existsSync(path.join(run, 'final.safetensors'))).toBe(false);
    lines = [];
    await sweep(writeSpec(SPEC), { parallel: '2', root: path.join(root, 'sweeps') }, log);
    expect(lines).toContain('2 trials already recorded in ' + path.join(dir, 'results.jsonl') + '; 2 to run');
    expect(lines.some((l) => l.startsWith(`c1-s1 resumes from ${path.join(run, 'checkpoints', 'step-128.safetensors')}`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`c0-s2 resumes from ${path.join(other, 'checkpoints', 'step-128.safetensors')}`))).toBe(true);
    expect(lines.filter((l) => / (starts|resumes from) /.test(l))).toHaveLength(2);
    expect(tensors(path.join(other, 'final.safetensors'))).toEqual(otherFinal);
    expect(fs.readFileSync(path.join(other, 'evaluations.jsonl'), 'utf8')).toBe(otherEvals);
    expect(fs.statSync(path.join(dir, 'c0-s1', 'final.safetensors')).mtimeMs).toBe(untouched);
    expect(tensors(path.join(run, 'final.safetensors'))).toEqual(finalBefore);
    expect(fs.readFileSync(path.join(run, 'metrics.jsonl'), 'utf8').replace(/"charts\/SPS":[^,}]*/g, '')).toBe(metricsBefore.replace(/"charts\/SPS":[^,}]*/g, ''));
    expect(fs.readFileSync(path.join(run, 'evaluations.jsonl'), 'utf8')).toBe(evalsBefore);
    expect(readResults(path.join(dir, 'results.jsonl')).size).toBe(4);
  });

  it('refuses a sweep another live process is running, and takes over the lock of a dead one', async () => {
    const dir = path.join(root, 'sweeps', 'tiny');
    fs.writeFileSync(path.join(dir, 'sweep.lock'), `${process.pid}\n`);
    await expect(sweep(writeSpec(SPEC), { root: path.join(root, 'sweeps') }, log)).rejects.toThrow(`sweep: process ${process.pid} is running this sweep (${path.join(dir, 'sweep.lock')}); wait for it, or stop it first`);
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    fs.writeFileSync(path.join(dir, 'sweep.lock'), `${dead}\n`);
    lines = [];
    await sweep(writeSpec(SPEC), { root: path.join(root, 'sweeps') }, log);
    expect(lines).toContain(`4 trials already recorded in ${path.join(dir, 'results.jsonl')}; 0 to run`);
    expect(fs.existsSync(path.join(dir, 'sweep.lock'))).toBe(false);
  });

  it('refuses to mix another spec into a sweep folder', async () => {
    await expect(sweep(writeSpec({ ...SPEC, seeds: [3] }), { root: path.join(root, 'sweeps') }, log)).rejects.toThrow(/sweeps\/tiny holds the trials of a different spec \(.*spec\.json\); give the sweep another name, or remove the folder/);
  });

  it('records a trial that fails by itself with its error, and the sweep exits 1', async () => {
    // a config the field specs accept and PPO refuses when the run starts: numMinibatches must divide numEnvs × numSteps
    const spec = { ...SPEC, name: 'broken', seeds: [1], config: { ...SPEC.config, numMinibatches: 3 }, search: { kind: 'grid', space: { learningRate: [1e-3] } } };
    lines = [];
    const before = process.exitCode;
    const dir = await sweep(writeSpec(spec, 'broken.json'), { parallel: '1', root: path.join(root, 'sweeps') }, log);
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    const r = readResults(path.join(dir, 'results.jsonl')).get('c0-s1');
    expect(r?.status).toBe('failed');
    expect(r?.error).toMatch(/numMinibatches \(3\) must divide numEnvs·numSteps \(128\)/);
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/## Failed trials\n\n- c0-s1: .*numMinibatches/);
  });

  it('with the asha scheduler, stops the trials below a rung\'s cutoff early and does not run them again', async () => {
    // 32 iterations of 128 steps, evaluated after each; rungs at 256, 512, 1024 and 2048; one trial at a time, so the order is fixed
    const spec = {
      ...SPEC, name: 'asha', seeds: [1], config: { ...SPEC.config, totalTimesteps: 4096 },
      search: { kind: 'grid', space: { learningRate: [3e-3, 0, 1e-3, 1e-5] } }, scheduler: { kind: 'asha', eta: 2, minSteps: 256 },
    };
    lines = [];
    const file = writeSpec(spec, 'asha.json');
    const dir = await sweep(file, { parallel: '1', root: path.join(root, 'sweeps') }, log);
    const results = readResults(path.join(dir, 'results.jsonl'));
    // a learning rate of 0 or 1e-5 has learned nothing at step 256 (return 9, the untrained policy's), below the rung's median;
    // 1e-3 passes rung 0 and stops at rung 1, where the first trial's return was higher
    expect([...results.values()].map((r) => [r.trial, r.status])).toEqual([['c0-s1', 'done'], ['c1-s1', 'stopped'], ['c2-s1', 'stopped'], ['c3-s1', 'stopped']]);
    expect(results.get('c2-s1')?.error).toMatch(/^stopped by ASHA at rung 1 \(step 512, evaluated at 512\): eval return 141\.00 is below the rung's cutoff 248\.50 \(the 0\.50 quantile of 2 trials\)$/);
    for (const id of ['c1-s1', 'c2-s1', 'c3-s1']) {
      const r = results.get(id);
      if (id !== 'c2-s1') expect(r?.error).toMatch(/^stopped by ASHA at rung 0 \(step 256, evaluated at 256\): eval return 9\.00 is below the rung's cutoff 17\.25/);
      expect(r?.steps).toBeLessThan(4096);
      expect(r?.objective).toBeNull();
      expect(fs.existsSync(path.join(dir, id, 'final.safetensors'))).toBe(false);
    }
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toMatch(/ASHA early stopping \(eta 2, first rung at 256 steps\)[\s\S]*\| 1 stopped early \|[\s\S]*## Stopped early\n\n- c1-s1 after \d+ steps: stopped by ASHA/);
    lines = [];
    await sweep(file, { parallel: '1', root: path.join(root, 'sweeps') }, log);
    expect(lines.filter((l) => / (starts|resumes from) /.test(l))).toEqual([]);
  });

  it('refuses --store and --redis-ca without --redis before touching anything', async () => {
    const file = writeSpec({ ...SPEC, name: 'no-redis' }, 'no-redis.json');
    await expect(sweep(file, { store: root, root: path.join(root, 'sweeps') }, log)).rejects.toThrow('sweep: --store goes with --redis (a local sweep keeps its run files in its own folder)');
    await expect(sweep(file, { redisCa: 'ca.pem', root: path.join(root, 'sweeps') }, log)).rejects.toThrow('sweep: --redis-ca goes with --redis');
    expect(fs.existsSync(path.join(root, 'sweeps', 'no-redis'))).toBe(false);
  });
});
