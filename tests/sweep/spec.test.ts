/**
 * Sweep specs (src/cli/sweep-spec.ts): the JSON shape, the search space checked against the
 * algorithm's field specs, the expansion into trials (grid order, seeded random draws), the objective's
 * area under the eval curve, and the worker's refusal of jobs that are not trials it may run.
 * All in this process: nothing trains here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep } from '../../src/cli/sweep-spec.ts';
import { evalAuc, formatTable, summarize } from '../../src/cli/sweep-results.ts';
import { checkTrialJob } from '../../src/cli/sweep-worker.ts';
import { readPreset } from '../../src/cli/presets.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-sweep-spec-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const BASE = { name: 'lr', env: 'CartPole-v1', algo: 'ppo', seeds: [1, 2] };
const plan = (spec: Record<string, unknown>): ReturnType<typeof planSweep> => planSweep(parseSweepSpec(spec), tmp);

describe('grid search', () => {
  it('expands every combination × seed, the last field fastest, over the env preset and the shared config', () => {
    const p = plan({ ...BASE, config: { totalTimesteps: 5000 }, search: { kind: 'grid', space: { learningRate: [1e-3, 3e-4], updateEpochs: [4, 10] } } });
    expect(p.points).toEqual([
      { learningRate: 1e-3, updateEpochs: 4 }, { learningRate: 1e-3, updateEpochs: 10 },
      { learningRate: 3e-4, updateEpochs: 4 }, { learningRate: 3e-4, updateEpochs: 10 },
    ]);
    expect(p.trials.map((t) => t.id)).toEqual(['c0-s1', 'c0-s2', 'c1-s1', 'c1-s2', 'c2-s1', 'c2-s2', 'c3-s1', 'c3-s2']);
    const preset = readPreset('ppo-CartPole-v1')?.values ?? {};
    const t = p.trials[7];
    expect(t.config).toMatchObject({ ...preset, totalTimesteps: 5000, learningRate: 3e-4, updateEpochs: 10, seed: 2 });
    expect(t.config.numEnvs).toBe(preset.numEnvs);
  });

  it('"base": "defaults" starts from the algorithm\'s defaults and a base file from the file, relative to the spec', () => {
    expect(plan({ ...BASE, base: 'defaults', search: { kind: 'grid', space: { gamma: [0.9] } } }).trials[0].config.numEnvs).toBe(4);
    fs.writeFileSync(path.join(tmp, 'base.json'), JSON.stringify({ numEnvs: 3, numSteps: 16 }));
    expect(plan({ ...BASE, base: { file: 'base.json' }, search: { kind: 'grid', space: { gamma: [0.9] } } }).trials[0].config).toMatchObject({ numEnvs: 3, numSteps: 16, gamma: 0.9 });
  });
});

describe('env kwargs', () => {
  it('a spec that names none takes its preset\'s (as dojo train); named ones or another base keep theirs', () => {
    const paint = { ...BASE, env: 'Paint-v0', search: { kind: 'grid', space: { gamma: [0.9] } } };
    expect(plan(paint).spec.envKwargs).toEqual(readPreset('ppo-Paint-v0')?.envKwargs);
    expect(plan({ ...paint, envKwargs: { obs: 'features' } }).spec.envKwargs).toEqual({ obs: 'features' });
    expect(plan({ ...paint, base: 'defaults' }).spec.envKwargs).toEqual({});
    expect(plan({ ...BASE, search: { kind: 'grid', space: { gamma: [0.9] } } }).spec.envKwargs).toEqual({});
    fs.writeFileSync(path.join(tmp, 'with-kwargs.json'), JSON.stringify({ envKwargs: { obs: 'features' }, numEnvs: 2 }));
    expect(() => plan({ ...paint, base: { file: 'with-kwargs.json' } })).toThrow(/base config file .*with-kwargs.json holds envKwargs \{"obs":"features"\}; a sweep takes its env kwargs from the spec's "envKwargs"/);
  });
});

describe('seeds only', () => {
  it('with no search, runs one config with every seed', () => {
    const p = plan({ ...BASE, seeds: [1, 2, 3] });
    expect(p.points).toEqual([{}]);
    expect(p.trials.map((t) => t.id)).toEqual(['c0-s1', 'c0-s2', 'c0-s3']);
    expect(formatTable(p, summarize(p, new Map()))).toBe([
      '| point | final_eval (mean ± std) | seeds done | steps | wall s | status |',
      '|-------|-------------------------|------------|-------|--------|--------|',
      '| c0 | — | 0/3 | 0 | 0 | 3 pending |',
    ].join('\n'));
  });
});

describe('random search', () => {
  const space = { learningRate: { logUniform: [1e-5, 1e-2] }, gaeLambda: { uniform: [0.8, 0.99] }, updateEpochs: { uniform: [1, 3] }, activation: { choice: ['tanh', 'relu'] } };
  it('draws `trials` points inside the ranges, integers for integer fields, the same for the same seed', () => {
    const a = plan({ ...BASE, seeds: [0], search: { kind: 'random', trials: 40, seed: 7, space } });
    expect(a.points).toHaveLength(40);
    for (const p of a.points) {
      expect(p.learningRate as number).toBeGreaterThanOrEqual(1e-5);
      expect(p.learningRate as number).toBeLessThanOrEqual(1e-2);
      expect(p.gaeLambda as number).toBeGreaterThanOrEqual(0.8);
      expect(p.gaeLambda as number).toBeLessThan(0.99);
      expect([1, 2, 3]).toContain(p.updateEpochs);
      expect(['tanh', 'relu']).toContain(p.activation);
    }
    expect(new Set(a.points.map((p) => p.updateEpochs)).size).toBe(3);
    // log-uniform: about as many draws below 1e-3.5 as above
    const low = a.points.filter((p) => (p.learningRate as number) < 10 ** -3.5).length;
    expect(low).toBeGreaterThan(10);
    expect(low).toBeLessThan(30);
    expect(plan({ ...BASE, seeds: [0], search: { kind: 'random', trials: 40, seed: 7, space } }).points).toEqual(a.points);
    expect(plan({ ...BASE, seeds: [0], search: { kind: 'random', trials: 40, seed: 8, space } }).points).not.toEqual(a.points);
  });
});

describe('a bad spec fails before anything runs, saying what and where', () => {
  const grid = { kind: 'grid', space: { learningRate: [1e-3] } };
  it.each([
    [{ ...BASE, search: grid, extra: 1 }, /\(top level\): Unrecognized key: "extra"/],
    [{ ...BASE, name: '../up', search: grid }, /name: letters, digits/],
    [{ ...BASE, seeds: [1, 1], search: grid }, /seeds: seeds must not repeat/],
    [{ ...BASE, seeds: [], search: grid }, /seeds:/],
    [{ ...BASE, search: { kind: 'random', space: {} } }, /search\.trials:/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { gamma: { normal: [0, 1] } } } }, /search\.space\.gamma/],
    [{ ...BASE, objective: 'best', search: grid }, /objective:/],
    [{ ...BASE, search: grid, scheduler: { kind: 'asha', eta: 1, minSteps: 100 } }, /scheduler\.eta:/],
  ])('shape %#', (spec, message) => {
    expect(() => parseSweepSpec(spec)).toThrow(message);
  });

  it.each([
    [{ ...BASE, env: 'CartPol-v1', search: grid }, /unknown env "CartPol-v1" \(did you mean "CartPole-v1"\?\)/],
    [{ ...BASE, algo: 'ppo2', search: grid }, /unknown algorithm "ppo2"; known: .*ppo/],
    [{ ...BASE, algo: 'dqn', env: 'Pendulum-v1', search: grid }, /dqn cannot train on Pendulum-v1/],
    [{ ...BASE, search: { kind: 'grid', space: { learningRat: [1e-3] } } }, /ppo has no config field "learningRat" \(did you mean "learningRate"\?\)/],
    [{ ...BASE, search: { kind: 'grid', space: { seed: [1] } } }, /"seed" is set by the spec's "seeds" list/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { annealLr: { uniform: [0, 1] } } } }, /"annealLr" is a boolean field; uniform draws numbers/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { gamma: { uniform: [0.99, 0.9] } } } }, /uniform expects \[low, high\] with low < high, received \[0\.99, 0\.9\]/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { learningRate: { logUniform: [0, 1e-3] } } } }, /logUniform expects a positive low end, received 0/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { updateEpochs: { uniform: [0, 4] } } } }, /uniform \[0, 4\] leaves the field's range \[1, ∞\]/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { updateEpochs: { uniform: [1.2, 1.8] } } } }, /integer field, and uniform \[1\.2, 1\.8\] holds no integer/],
    [{ ...BASE, search: { kind: 'grid', space: { learningRate: [1e-3, -1] } } }, /trial c1-s1 \(\{"learningRate":-1\}\): ppo: config field "learningRate" expects a number >= 0, received -1/],
    [{ ...BASE, search: { kind: 'random', trials: 2, space: { activation: { choice: ['gelu'] } } } }, /config field "activation" expects one of tanh, relu, received "gelu"/],
    [{ ...BASE, config: { numEnv: 2 }, search: grid }, /unknown config field "numEnv" \(did you mean "numEnvs"\?\)/],
    [{ ...BASE, base: { file: 'missing.json' }, search: grid }, /base config file not found: .*missing\.json/],
    [{ ...BASE, config: { totalTimesteps: 1000 }, search: grid, scheduler: { kind: 'asha', minSteps: 1000 } }, /scheduler\.minSteps \(1000\) must be below the step budget of trial c0-s1 \(totalTimesteps 1000\)/],
  ])('fields %#', (spec, message) => {
    expect(() => plan(spec)).toThrow(message);
  });
});

describe('the objective', () => {
  it('area under the eval curve is the trapezoid area over the steps it spans', () => {
    expect(evalAuc([{ global_step: 100, mean_return: 10 }, { global_step: 200, mean_return: 30 }, { global_step: 400, mean_return: 30 }])).toBeCloseTo((100 * 20 + 200 * 30) / 300, 12);
    expect(evalAuc([{ global_step: 100, mean_return: 7 }])).toBe(7);
    expect(evalAuc([])).toBeNull();
  });
});

describe('a worker runs only trials it may run', () => {
  const job = { sweep: 's', trial: 'c0-s1', env: 'CartPole-v1', envKwargs: {}, algo: 'ppo', config: { seed: 1, totalTimesteps: 256 }, evalEpisodes: 2 };
  it('accepts a trial job of a registered env, a known algorithm and a valid config', () => {
    expect(checkTrialJob(job).trial).toBe('c0-s1');
  });
  it.each([
    [{ ...job, env: 'Evil-v0' }, /refused: env "Evil-v0" is not registered on this worker/],
    [{ ...job, algo: 'shell' }, /refused: unknown algorithm "shell"/],
    [{ ...job, config: { learningRate: 'rm -rf /' } }, /refused: ppo: config field "learningRate" expects a finite number, received "rm -rf \/"/],
    [{ ...job, config: { __proto__: 1, constructor: 2 } }, /refused: ppo: unknown config field/],
    [{ ...job, trial: '../../etc' }, /refused: not a trial job: trial:/],
    [{ ...job, resume: { step: 128, files: { '../../.bashrc': 'AAAA' } } }, /refused: not a trial job: resume\.files\.\.\.\/\.\.\/\.bashrc: Invalid key in record/],
    [{ ...job, command: 'node -e 1' }, /refused: not a trial job: : Unrecognized key: "command"/],
  ])('refuses %#', (data, message) => {
    expect(() => checkTrialJob(JSON.parse(JSON.stringify(data)))).toThrow(message);
  });
});
