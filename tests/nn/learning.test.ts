/**
 * The classic models learn, each within seconds, with fixed seeds.
 */
import { describe, it, expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import * as T from '../../src/autograd/index.ts';
import { Tensor, noGrad } from '../../src/autograd/index.ts';
import { Activation, Conv2d, Flatten, LSTM, Linear, MaxPool2d, Sequential, mlp, parameters } from '../../src/nn/index.ts';
import { Adam, SGD, clipGradNorm } from '../../src/optim/index.ts';

function accuracy(logits: Tensor, labels: ArrayLike<number>): number {
  const [n, c] = logits.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits.data[i * c + j] > logits.data[i * c + best]) best = j;
    if (best === labels[i]) right++;
  }
  return right / n;
}

describe('classic models learn', () => {
  it('a perceptron separates linearly separable points', () => {
    const rng = new Rng(1);
    const n = 200, x = new Float32Array(n * 2), y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.uniform(-1, 1), b = rng.uniform(-1, 1);
      const margin = 2 * a - b + 0.3;
      if (Math.abs(margin) < 0.1) { i--; continue; }
      x[2 * i] = a; x[2 * i + 1] = b; y[i] = margin > 0 ? 1 : 0;
    }
    const X = new Tensor(x, [n, 2]), Y = new Tensor(y, [n, 1]);
    const p = new Linear(2, 1, rng, { init: 'pytorch' });
    const opt = new SGD(parameters(p), { lr: 1 });
    for (let epoch = 0; epoch < 2000; epoch++) {
      opt.zeroGrad();
      T.binaryCrossEntropyWithLogits(p.forward(X), Y).backward();
      opt.step();
    }
    const out = noGrad(() => p.forward(X));
    let right = 0;
    for (let i = 0; i < n; i++) if ((out.data[i] > 0 ? 1 : 0) === y[i]) right++;
    expect(right / n).toBe(1);
  });

  it('an MLP learns XOR', () => {
    const rng = new Rng(2);
    const X = T.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), Y = T.tensor([[0], [1], [1], [0]]);
    const net = mlp([2, 8, 1], 'tanh', rng);
    const opt = new Adam(parameters(net), { lr: 0.05 });
    for (let i = 0; i < 300; i++) {
      opt.zeroGrad();
      T.binaryCrossEntropyWithLogits(net.forward(X), Y).backward();
      opt.step();
    }
    const out = noGrad(() => net.forward(X)).data;
    expect(Array.from(out, (v) => (v > 0 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  });

  it('an MLP separates two spirals', () => {
    const rng = new Rng(3);
    const n = 200, x = new Float32Array(n * 2), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const cls = i % 2, t = (Math.floor(i / 2) / (n / 2)) * 3 * Math.PI + 0.5;
      const r = t / (3 * Math.PI);
      const sign = cls === 0 ? 1 : -1;
      x[2 * i] = sign * r * Math.cos(t) + rng.normal(0, 0.01);
      x[2 * i + 1] = sign * r * Math.sin(t) + rng.normal(0, 0.01);
      labels[i] = cls;
    }
    const X = new Tensor(x, [n, 2]);
    const net = mlp([2, 64, 64, 2], 'tanh', rng, { init: 'xavierUniform', hiddenGain: 1 });
    const opt = new Adam(parameters(net), { lr: 0.01 });
    for (let i = 0; i < 1500; i++) {
      opt.zeroGrad();
      T.crossEntropy(net.forward(X), labels).backward();
      opt.step();
    }
    expect(accuracy(noGrad(() => net.forward(X)), labels)).toBeGreaterThanOrEqual(0.95);
  });

  it('a small CNN tells horizontal from vertical bars (≥ 95%)', () => {
    const rng = new Rng(4);
    const make = (n: number): [Tensor, Int32Array] => {
      const x = new Float32Array(n * 64), y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = rng.int(2);
        const pos = rng.int(8), len = 3 + rng.int(4), start = rng.int(8 - len + 1);
        for (let k = 0; k < 64; k++) x[i * 64 + k] = rng.normal(0, 0.2);
        for (let k = start; k < start + len; k++) x[i * 64 + (y[i] === 0 ? pos * 8 + k : k * 8 + pos)] += 1;
      }
      return [new Tensor(x, [n, 1, 8, 8]), y];
    };
    const [X, Y] = make(256), [Xt, Yt] = make(200);
    const net = new Sequential(new Conv2d(1, 8, 3, rng, { padding: 1 }), new Activation('relu'), new MaxPool2d(2), new Flatten(), new Linear(8 * 16, 2, rng, { gain: 1 }));
    const opt = new Adam(parameters(net), { lr: 0.01 });
    for (let epoch = 0; epoch < 60; epoch++) {
      for (let b = 0; b < 256; b += 64) {
        const idx = Array.from({ length: 64 }, (_, i) => b + i);
        opt.zeroGrad();
        T.crossEntropy(net.forward(T.indexSelect(X, idx)), Y.subarray(b, b + 64)).backward();
        opt.step();
      }
    }
    expect(accuracy(noGrad(() => net.forward(Xt)), Yt)).toBeGreaterThanOrEqual(0.95);
  });

  it('an LSTM recalls the first symbol after 10 distractor steps (≥ 95%)', () => {
    const rng = new Rng(5);
    const symbols = 4, steps = 11, batch = 32;
    const make = (n: number): [Tensor, Int32Array] => {
      const x = new Float32Array(steps * n * symbols), y = new Int32Array(n);
      for (let b = 0; b < n; b++) {
        y[b] = rng.int(symbols);
        for (let t = 0; t < steps; t++) x[(t * n + b) * symbols + (t === 0 ? y[b] : rng.int(symbols))] = t === 0 ? 1 : 0.5;
      }
      return [new Tensor(x, [steps, n, symbols]), y];
    };
    const lstm = new LSTM(symbols, 16, rng);
    // forget-gate bias 1 (Jozefowicz et al. 2015): remember by default
    lstm.params.bias_ih_l0.data.fill(1, 16, 32);
    const head = new Linear(16, symbols, rng, { gain: 1 });
    const params = [...parameters(lstm), ...parameters(head)];
    const opt = new Adam(params, { lr: 0.01 });
    const predict = (x: Tensor): Tensor => head.forward(T.reshape(T.slice(lstm.run(x).output, [[steps - 1, steps]]), [x.shape[1], 16]));
    for (let i = 0; i < 200; i++) {
      const [x, y] = make(batch);
      opt.zeroGrad();
      T.crossEntropy(predict(x), y).backward();
      clipGradNorm(params, 1);
      opt.step();
    }
    const [xt, yt] = make(200);
    expect(accuracy(noGrad(() => predict(xt)), yt)).toBeGreaterThanOrEqual(0.95);
  });

  it('an autoencoder cuts its reconstruction error 10×', () => {
    const rng = new Rng(6);
    // 16-d data on a 3-d manifold: x = tanh(A z)
    const A = T.randn([3, 16], rng);
    const X = T.tanh(T.matmul(T.randn([256, 3], rng), A));
    const net = new Sequential(mlp([16, 32, 3], 'tanh', rng, { outputActivation: 'tanh' }), mlp([3, 32, 16], 'tanh', rng));
    const opt = new Adam(parameters(net), { lr: 0.005 });
    const loss = (): number => noGrad(() => T.mse(net.forward(X), X).item());
    const before = loss();
    for (let i = 0; i < 1500; i++) {
      opt.zeroGrad();
      T.mse(net.forward(X), X).backward();
      opt.step();
    }
    expect(loss()).toBeLessThan(before / 10);
  });
});
