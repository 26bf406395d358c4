import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import * as T from '../../src/autograd/index.ts';
import { tensor, randn } from '../../src/autograd/index.ts';
import {
  Linear, Embedding, Sequential, Activation, mlp, Conv2d, MaxPool2d, Flatten, Dropout, batchNorm1d, batchNorm2d, LayerNorm,
  LSTM, GRU, Rbm, namedParameters, stateDict, loadStateDict, gradNorms, train, evalMode, orthogonal,
  kaimingNormal, xavierUniform, fans,
} from '../../src/nn/index.ts';
import { paramGradCheck } from '../autograd/grad-check.ts';

describe('initialisers', () => {
  it('orthogonal gives orthonormal rows (times the gain)', () => {
    for (const [rows, cols] of [[4, 7], [7, 4], [5, 5]]) {
      const w = orthogonal(new Float32Array(rows * cols), [rows, cols], new Rng(3), 2);
      const small = Math.min(rows, cols);
      // Gram matrix over the short side equals gain² I
      for (let a = 0; a < small; a++)
        for (let b = 0; b < small; b++) {
          let dot = 0;
          for (let t = 0; t < Math.max(rows, cols); t++) {
            dot += rows <= cols ? w[a * cols + t] * w[b * cols + t] : w[t * cols + a] * w[t * cols + b];
          }
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 4);
        }
    }
  });

  it('fans and variance of Kaiming/Xavier match their formulas', () => {
    expect(fans([32, 4, 8, 8])).toEqual({ fanIn: 256, fanOut: 2048 });
    const w = kaimingNormal(new Float32Array(200 * 400), [200, 400], new Rng(1));
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo(2 / 400, 3);
    const x = xavierUniform(new Float32Array(100 * 300), [100, 300], new Rng(2));
    expect(Math.max(...x)).toBeLessThanOrEqual(Math.sqrt(6 / 400));
  });
});

describe('layers', () => {
  it('Linear computes x·Wᵀ + b with PyTorch weight layout', () => {
    const l = new Linear(3, 2, new Rng(1));
    l.weight.data.set([1, 2, 3, 4, 5, 6]);
    l.bias!.data.set([0.5, -1]);
    expect(l.forward(tensor([[1, 0, -1]])).toArray()).toEqual([[-1.5, -3]]);
    expect(namedParameters(l).map(([n]) => n)).toEqual(['weight', 'bias']);
  });

  it('mlp builds CleanRL-style nets with dotted names', () => {
    const net = mlp([4, 64, 64, 2], 'tanh', new Rng(1), { outputGain: 0.01 });
    expect(namedParameters(net).map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual([
      '0.weight:64x4', '0.bias:64', '2.weight:64x64', '2.bias:64', '4.weight:2x64', '4.bias:2',
    ]);
    expect(net.forward(randn([5, 4], new Rng(2))).shape).toEqual([5, 2]);
  });

  it('Conv2d, MaxPool2d and Flatten compose into a Nature-DQN-shaped trunk', () => {
    const rng = new Rng(1);
    const net = new Sequential(new Conv2d(4, 8, 8, rng, { stride: 4 }), new Activation('relu'), new MaxPool2d(2), new Flatten());
    const y = net.forward(randn([2, 4, 36, 36], rng));
    expect(y.shape).toEqual([2, 8 * 4 * 4]);
  });

  it('Embedding looks rows up and sends gradients to them', () => {
    const e = new Embedding(5, 3, new Rng(1));
    const ids = tensor([[1, 4], [1, 0]]);
    const y = e.forward(ids);
    expect(y.shape).toEqual([2, 2, 3]);
    T.sum(y).backward();
    expect(Array.from(e.weight.grad!.slice(3, 6))).toEqual([2, 2, 2]); // row 1 used twice
    expect(Array.from(e.weight.grad!.slice(6, 9))).toEqual([0, 0, 0]);
  });

  it('Dropout zeroes about p of the values in train mode and is the identity in eval mode', () => {
    const d = new Dropout(0.3, new Rng(5));
    const x = T.ones([10_000]);
    const y = d.forward(x);
    const zeros = y.data.filter((v) => v === 0).length;
    expect(zeros / 10_000).toBeGreaterThan(0.27);
    expect(zeros / 10_000).toBeLessThan(0.33);
    expect(T.mean(y).item()).toBeCloseTo(1, 1);
    evalMode(d);
    expect(d.forward(x)).toBe(x);
  });

  it('BatchNorm1d normalises with batch statistics in train mode and running statistics in eval mode', () => {
    const bn = batchNorm1d(3);
    const rng = new Rng(2);
    const x = T.add(T.mul(randn([64, 3], rng), tensor([1, 5, 0.1])), tensor([10, -3, 2]));
    const y = bn.forward(x);
    const mu = T.mean(y, 0).data, v = T.mean(T.square(y), 0).data;
    for (let c = 0; c < 3; c++) {
      expect(mu[c]).toBeCloseTo(0, 4);
      expect(v[c]).toBeCloseTo(1, 2);
    }
    expect(bn.runningMean.data[0]).toBeCloseTo(0.1 * 10, 0); // one update with momentum 0.1
    for (let i = 0; i < 200; i++) bn.forward(x);
    evalMode(bn);
    const yEval = bn.forward(x);
    // running statistics converge to the batch's, with the unbiased variance
    expect(T.mean(yEval, 0).data[1]).toBeCloseTo(0, 2);
    expect(T.mean(T.square(yEval), 0).data[1]).toBeCloseTo(63 / 64, 2); // unbiased running variance
    train(bn);
    expect(stateDict(bn).has('runningVar')).toBe(true);
  });

  it('BatchNorm train and eval outputs differ before the running statistics settle', () => {
    const bn = batchNorm2d(2);
    const x = T.add(randn([4, 2, 3, 3], new Rng(1)), 5);
    const yTrain = bn.forward(x);
    evalMode(bn);
    const yEval = bn.forward(x);
    expect(Math.abs(yTrain.data[0] - yEval.data[0])).toBeGreaterThan(0.5);
    const m = T.mean(yTrain, [0, 2, 3]).data;
    expect(m[0]).toBeCloseTo(0, 4);
  });

  it('BatchNorm and LayerNorm gradients match finite differences', () => {
    const rng = new Rng(4);
    const bn = batchNorm1d(3);
    const x = randn([5, 3], rng);
    const w = randn([5, 3], rng);
    paramGradCheck('batchnorm', namedParameters(bn), () => T.sum(T.mul(bn.forward(x), w)));
    const ln = new LayerNorm(4);
    ln.params.weight.data.set([1, 2, 0.5, -1]);
    const x2 = randn([3, 4], rng);
    paramGradCheck('layernorm', namedParameters(ln), () => T.sum(T.mul(T.tanh(ln.forward(x2)), 1)));
  });

  it('LSTM and GRU: parameter gradients match finite differences', () => {
    const rng = new Rng(7);
    for (const layer of [new LSTM(3, 4, rng, 2), new GRU(3, 4, rng, 2)]) {
      const x = randn([5, 2, 3], rng);
      paramGradCheck(layer.cell, namedParameters(layer), () => T.sum(T.mul(layer.run(x).output, 0.5)), { atol: 2e-3 });
    }
  });

  it('LSTM state in and out: two halves with carried state equal one whole run', () => {
    const rng = new Rng(8);
    const lstm = new LSTM(3, 5, rng, 2);
    const x = randn([6, 2, 3], rng);
    const whole = lstm.run(x);
    const first = lstm.run(T.slice(x, [[0, 3]]));
    const second = lstm.run(T.slice(x, [[3, 6]]), first.state);
    expect(second.state.h.shape).toEqual([2, 2, 5]);
    for (let i = 0; i < second.output.size; i++) expect(second.output.data[i]).toBeCloseTo(whole.output.data[3 * 2 * 5 + i], 5);
    for (let i = 0; i < whole.state.c!.size; i++) expect(second.state.c!.data[i]).toBeCloseTo(whole.state.c!.data[i], 5);
    expect(namedParameters(lstm).map(([n]) => n)).toContain('weight_hh_l1');
  });

  it('loadStateDict validates everything before changing anything', () => {
    const a = mlp([2, 3, 1], 'relu', new Rng(1));
    const b = mlp([2, 3, 1], 'relu', new Rng(2));
    const before = Array.from(a.layers[0] instanceof Linear ? a.layers[0].weight.data : []);
    const bad = new Map(stateDict(b));
    bad.set('2.weight', tensor([[1, 2, 3, 4]]));
    expect(() => loadStateDict(a, bad)).toThrow(/tensor "2.weight" has shape \[1, 4\], the model expects \[1, 3\]/);
    expect(Array.from((a.layers[0] as Linear).weight.data)).toEqual(before);
    const missing = new Map(stateDict(b));
    missing.delete('0.bias');
    expect(() => loadStateDict(a, missing)).toThrow(/missing tensor "0.bias"/);
    loadStateDict(a, stateDict(b));
    expect(Array.from((a.layers[0] as Linear).weight.data)).toEqual(Array.from((b.layers[0] as Linear).weight.data));
  });

  it('gradNorms reports one L2 norm per layer', () => {
    const net = mlp([2, 3, 1], 'tanh', new Rng(1));
    T.sum(net.forward(tensor([[1, 2]]))).backward();
    const norms = gradNorms(net);
    expect(Object.keys(norms)).toEqual(['0', '2']);
    const l2 = net.layers[2] as Linear;
    const expected = Math.hypot(...l2.weight.grad!, ...l2.bias!.grad!);
    expect(norms['2']).toBeCloseTo(expected, 5);
  });
});

describe('vanishing gradients, measured', () => {
  function firstLayerGradNorm(activation: 'sigmoid' | 'relu', init: 'xavierUniform' | 'kaimingNormal'): number {
    const rng = new Rng(11);
    const sizes = [32, ...Array(9).fill(64), 1];
    const net = mlp(sizes, activation, rng, { init, hiddenGain: init === 'kaimingNormal' ? Math.SQRT2 : 1, outputGain: 1 });
    const x = randn([128, 32], rng);
    T.mse(net.forward(x), T.zeros([128, 1])).backward();
    return gradNorms(net)['0'];
  }

  it('the first layer of a 10-layer sigmoid MLP gets ≥100× less gradient than ReLU with He init', () => {
    const sig = firstLayerGradNorm('sigmoid', 'xavierUniform');
    const relu = firstLayerGradNorm('relu', 'kaimingNormal');
    expect(relu / sig).toBeGreaterThan(100);
  });
});

describe('restricted Boltzmann machine', () => {
  it('CD-1 learns to reconstruct bars-and-stripes', () => {
    const n = 4;
    const patterns: Float32Array[] = [];
    for (let mask = 0; mask < 1 << n; mask++) {
      const rows = new Float32Array(n * n), cols = new Float32Array(n * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
        rows[r * n + c] = (mask >> r) & 1;
        cols[r * n + c] = (mask >> c) & 1;
      }
      patterns.push(rows);
      if (mask !== 0 && mask !== (1 << n) - 1) patterns.push(cols);
    }
    expect(patterns.length).toBe(30);
    const rng = new Rng(3);
    const rbm = new Rbm(16, 24, rng);
    const error = (): number => {
      let e = 0;
      for (const p of patterns) {
        const r = rbm.reconstruct(p);
        for (let i = 0; i < 16; i++) e += Math.abs((r[i] > 0.5 ? 1 : 0) - p[i]);
      }
      return e / (30 * 16);
    };
    const before = error();
    for (let epoch = 0; epoch < 2000; epoch++) {
      const order = rng.permutation(30);
      for (let b = 0; b < 30; b += 10) rbm.trainBatch(Array.from(order.slice(b, b + 10), (i) => patterns[i]), { lr: 0.1, k: 1, momentum: 0.5 });
    }
    expect(before).toBeGreaterThan(0.2);
    expect(error()).toBeLessThan(0.03);
  });
});
