/** state()/loadState(): a restored optimizer continues bit for bit; bad snapshots change nothing. */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, RMSProp, SGD } from '../../src/optim/index.ts';
import type { Optimizer, OptimizerState } from '../../src/optim/index.ts';
import type { Tensor } from '../../src/autograd/tensor.ts';
import { CheckpointError, ConfigError } from '../../src/core/errors.ts';
import { param, rosenbrockGrad, setGrad } from './helpers.ts';

type Make = (p: Tensor[]) => Optimizer;

const makers: Array<[string, Make]> = [
  ['SGD', (p) => new SGD(p, { lr: 1e-3 })],
  ['SGD Nesterov', (p) => new SGD(p, { lr: 1e-3, momentum: 0.9, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 1e-2, eps: 1e-5 })],
  ['AdamW', (p) => new AdamW(p, { lr: 1e-2 })],
  ['RMSProp centered + momentum', (p) => new RMSProp(p, { lr: 1e-3, momentum: 0.5, centered: true })],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.5, lrDecay: 0.01 })],
  ['Adadelta', (p) => new Adadelta(p, { lr: 0.05 })],
];

function train(p: Tensor, opt: Optimizer, steps: number): void {
  for (let s = 0; s < steps; s++) {
    rosenbrockGrad(p);
    opt.step();
  }
}

describe('state round trip', () => {
  it.each(makers)('%s continues identically after structuredClone(state()) → loadState', (_n, make) => {
    const a = param([-1.5, 2]);
    const optA = make([a]);
    train(a, optA, 50);
    const saved = structuredClone(optA.state());
    const thetaAtSave = a.data.slice();
    train(a, optA, 100);

    const b = param(Array.from(thetaAtSave));
    const optB = make([b]);
    optB.lr = 123; // restored from the snapshot
    optB.loadState(saved);
    expect(optB.lr).toBe(optA.lr);
    train(b, optB, 100);
    expect(b.data).toEqual(a.data);
    expect(optB.state()).toEqual(optA.state());
  });

  it('a snapshot is a copy: later steps do not change it', () => {
    const p = param([1, 2]);
    const opt = new Adam([p], { lr: 0.1 });
    setGrad(p, [1, 1]);
    opt.step();
    const s = opt.state();
    const m = s.slots.m[0].slice();
    opt.step();
    expect(s.slots.m[0]).toEqual(m);
    expect(s.steps).toEqual([1]);
  });
});

describe('loadState refuses snapshots that do not fit, and changes nothing', () => {
  function trained(): [Tensor, Adam] {
    const p = param([1, 2, 3]);
    const opt = new Adam([p], { lr: 0.1 });
    setGrad(p, [1, -1, 0.5]);
    opt.step();
    return [p, opt];
  }
  const good = trained()[1].state();
  const bad: Array<[string, OptimizerState, RegExp]> = [
    ['another kind', { ...good, kind: 'SGD' }, /from SGD, expected Adam/],
    ['another parameter count', { ...good, steps: [1, 1] }, /2 parameters, this optimizer has 1/],
    ['missing slot', { ...good, slots: { m: good.slots.m } }, /slots \[m\], expected \[m, v\]/],
    ['wrong buffer length', { ...good, slots: { ...good.slots, v: [new Float32Array(2)] } }, /slot "v" of parameter 0 has 2 values, expected 3/],
    ['non-integer step count', { ...good, steps: [1.5] }, /non-negative integers/],
    ['bad lr', { ...good, lr: Number.NaN }, /lr must be/],
  ];
  it.each(bad)('%s', (_n, s, msg) => {
    const [, opt] = trained();
    const before = opt.state();
    expect(() => opt.loadState(s)).toThrow(CheckpointError);
    expect(() => opt.loadState(s)).toThrow(msg);
    expect(opt.state()).toEqual(before);
  });
});

describe('constructor checks', () => {
  const p = param([1]);
  it.each([
    ['negative lr', () => new SGD([p], { lr: -1 }), /lr must satisfy 0 ≤ lr/],
    ['Nesterov without momentum', () => new SGD([p], { nesterov: true }), /nesterov needs momentum > 0/],
    ['beta1 = 1', () => new Adam([p], { beta1: 1 }), /beta1 must satisfy 0 ≤ beta1 < 1, received 1/],
    ['NaN eps', () => new AdamW([p], { eps: Number.NaN }), /eps must satisfy/],
    ['alpha > 1', () => new RMSProp([p], { alpha: 1.5 }), /alpha/],
    ['negative initial accumulator', () => new Adagrad([p], { initialAccumulatorValue: -1 }), /initialAccumulatorValue/],
    ['rho > 1', () => new Adadelta([p], { rho: 2 }), /rho/],
    ['unknown option', () => new Adam([p], { betas: [0.9, 0.999] } as unknown as Record<string, never>), /unknown option "betas"; options are lr, beta1, beta2, eps, weightDecay/],
    ['empty parameter list', () => new Adam([]), /empty parameter list/],
    ['repeated parameter', () => new SGD([p, param([2], 'w'), p]), /parameter 2 appears more than once/],
  ] as const)('%s', (_n, make, msg) => {
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(msg);
  });

  it('undefined options fall back to the defaults; eps is configurable (CleanRL PPO uses 1e-5)', () => {
    expect(new Adam([p], { lr: undefined, eps: 1e-5 })).toMatchObject({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-5 });
    expect(new Adadelta([p])).toMatchObject({ lr: 1, rho: 0.9, eps: 1e-6 });
    expect(new AdamW([p])).toMatchObject({ weightDecay: 0.01 });
  });
});
