import { describe, it, expect } from 'vitest';
import * as T from '../../src/autograd/index.ts';
import { Tensor, tensor, noGrad } from '../../src/autograd/index.ts';
import { gradCheck } from './grad-check.ts';
import { Rng } from '../../src/core/rng.ts';

const positive = (_i: number, r: Rng) => r.uniform(0.5, 2);
/** Values away from 0 so relu/abs kinks are not straddled by the finite difference. */
const awayFromZero = (_i: number, r: Rng) => (r.random() < 0.5 ? -1 : 1) * r.uniform(0.1, 2);
/** Distinct values so max/min have no ties. */
const distinct = (i: number, r: Rng) => i * 0.37 - 3 + r.uniform(0, 0.1);

type Case = [name: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor, init?: (i: number, r: Rng) => number];

const cases: Case[] = [
  // binary elementwise, with broadcasting
  ['add', [[3, 4], [3, 4]], (a, b) => T.add(a, b)],
  ['add bias', [[3, 4], [4]], (a, b) => T.add(a, b)],
  ['add column', [[3, 4], [3, 1]], (a, b) => T.add(a, b)],
  ['add outer', [[3, 1], [1, 4]], (a, b) => T.add(a, b)],
  ['add scalar tensor', [[2, 3], []], (a, b) => T.add(a, b)],
  ['sub broadcast', [[2, 1, 4], [3, 1]], (a, b) => T.sub(a, b)],
  ['mul', [[3, 4], [3, 4]], (a, b) => T.mul(a, b)],
  ['mul broadcast 3d', [[2, 3, 4], [1, 3, 1]], (a, b) => T.mul(a, b)],
  ['div', [[3, 4], [3, 4]], (a, b) => T.div(a, b), positive],
  ['div broadcast', [[3, 4], [4]], (a, b) => T.div(a, b), positive],
  ['pow scalar', [[3, 4]], (a) => T.pow(a, 3)],
  ['pow tensor', [[3, 4], [3, 4]], (a, b) => T.pow(a, b), positive],
  ['minimum', [[3, 4], [3, 4]], (a, b) => T.minimum(a, b), distinct],
  ['maximum broadcast', [[3, 4], [4]], (a, b) => T.maximum(a, b), awayFromZero],
  ['where', [[3, 4], [3, 4]], (a, b) => T.where(tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]), a, b)],
  ['where broadcast', [[3, 4], [1]], (a, b) => T.where(tensor([1, 0, 1, 0]), a, b)],
  // unary
  ['neg', [[5]], (a) => T.neg(a)],
  ['exp', [[3, 4]], (a) => T.exp(a)],
  ['log', [[3, 4]], (a) => T.log(a), positive],
  ['sqrt', [[3, 4]], (a) => T.sqrt(a), positive],
  ['abs', [[3, 4]], (a) => T.abs(a), awayFromZero],
  ['clamp', [[3, 4]], (a) => T.clamp(a, -1, 1), (i) => [-1.7, -0.5, 0.3, 0.9, 1.6, -1.2][i % 6]],
  ['square', [[3, 4]], (a) => T.square(a)],
  // activations
  ['sigmoid', [[3, 4]], (a) => T.sigmoid(a)],
  ['tanh', [[3, 4]], (a) => T.tanh(a)],
  ['relu', [[3, 4]], (a) => T.relu(a), awayFromZero],
  ['leakyRelu', [[3, 4]], (a) => T.leakyRelu(a, 0.1), awayFromZero],
  ['elu', [[3, 4]], (a) => T.elu(a), awayFromZero],
  ['softplus', [[3, 4]], (a) => T.softplus(a)],
  ['gelu', [[3, 4]], (a) => T.gelu(a)],
  // reductions
  ['sum all', [[3, 4]], (a) => T.sum(a)],
  ['sum axis 0', [[3, 4]], (a) => T.sum(a, 0)],
  ['sum axis 1 keepdim', [[3, 4]], (a) => T.sum(a, 1, true)],
  ['sum axes 0,2', [[2, 3, 4]], (a) => T.sum(a, [0, 2])],
  ['mean axis -1', [[2, 3, 4]], (a) => T.mean(a, -1)],
  ['mean axes 0,2 keepdim', [[2, 3, 4]], (a) => T.mean(a, [0, 2], true)],
  ['max axis 1', [[3, 4]], (a) => T.max(a, 1), distinct],
  ['max all', [[3, 4]], (a) => T.max(a), distinct],
  ['min axis 0 keepdim', [[3, 4]], (a) => T.min(a, 0, true), distinct],
  ['max axes 0,2', [[2, 3, 4]], (a) => T.max(a, [0, 2]), distinct],
  // matrix products
  ['matmul 2d', [[3, 4], [4, 5]], (a, b) => T.matmul(a, b)],
  ['matmul batched', [[2, 3, 4], [2, 4, 5]], (a, b) => T.matmul(a, b)],
  ['matmul batched x shared', [[2, 3, 4], [4, 5]], (a, b) => T.matmul(a, b)],
  ['matmul shared x batched', [[3, 4], [2, 4, 5]], (a, b) => T.matmul(a, b)],
  ['linear', [[5, 3], [4, 3], [4]], (x, w, b) => T.linear(x, w, b)],
  ['linear no bias 3d', [[2, 5, 3], [4, 3]], (x, w) => T.linear(x, w, null)],
  // shape
  ['reshape', [[3, 4]], (a) => T.reshape(a, [2, -1])],
  ['transpose', [[3, 4]], (a) => T.transpose(a)],
  ['permute', [[2, 3, 4]], (a) => T.permute(a, [2, 0, 1])],
  ['slice', [[4, 5]], (a) => T.slice(a, [[1, 3], [-3, 5]])],
  ['concat axis 1', [[2, 3], [2, 2]], (a, b) => T.concat([a, b], 1)],
  ['concat axis 0', [[2, 3], [1, 3]], (a, b) => T.concat([a, b], 0)],
  ['stack', [[2, 3], [2, 3]], (a, b) => T.stack([a, b], 1)],
  ['gather', [[3, 4]], (a) => T.gather(a, 1, [2, 0, 3])],
  ['gather axis 0', [[3, 4]], (a) => T.gather(a, 0, [2, 0, 1, 1])],
  ['broadcastTo', [[3, 1]], (a) => T.broadcastTo(a, [2, 3, 4])],
  // convolution and pooling
  ['conv2d', [[2, 3, 5, 5], [4, 3, 3, 3], [4]], (x, w, b) => T.conv2d(x, w, b, 1, 0)],
  ['conv2d stride 2 pad 1', [[2, 2, 6, 5], [3, 2, 3, 3], [3]], (x, w, b) => T.conv2d(x, w, b, 2, 1)],
  ['conv2d 1x1 no bias', [[1, 3, 4, 4], [2, 3, 1, 1]], (x, w) => T.conv2d(x, w, null)],
  ['maxPool2d', [[2, 2, 4, 4]], (x) => T.maxPool2d(x, 2), distinct],
  ['maxPool2d stride 1 pad 1', [[1, 2, 3, 3]], (x) => T.maxPool2d(x, 2, 1, 1), distinct],
  // composites
  ['logsumexp', [[3, 4]], (a) => T.logsumexp(a, -1)],
  ['logsumexp axis 0 keepdim', [[3, 4]], (a) => T.logsumexp(a, 0, true)],
  ['logSoftmax', [[3, 4]], (a) => T.logSoftmax(a)],
  ['softmax', [[3, 4]], (a) => T.softmax(a)],
  ['mse', [[3, 4], [3, 4]], (a, b) => T.mse(a, b)],
  ['huber', [[3, 4], [3, 4]], (a, b) => T.huber(a, b), (i) => [-2.3, 0.4, 1.9, -0.2, 0.7, -1.4][i % 6] + (i % 5) * 0.11],
  ['crossEntropy indices', [[3, 4]], (a) => T.crossEntropy(a, [1, 3, 0])],
  ['crossEntropy soft', [[3, 4]], (a) => T.crossEntropy(a, tensor([[0.1, 0.2, 0.3, 0.4], [1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]]))],
  ['bce with logits', [[3, 4]], (a) => T.binaryCrossEntropyWithLogits(a, tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]])), awayFromZero],
  ['klCategorical', [[3, 4], [3, 4]], (p, q) => T.klCategorical(p, q)],
  ['klDiagGaussian', [[3, 2], [3, 2], [3, 2], [3, 2]], (m1, s1, m2, s2) => T.klDiagGaussian(m1, T.mul(s1, 0.3), m2, T.mul(s2, 0.3))],
  ['entropy', [[3, 4]], (a) => T.entropy(a)],
  ['gaussianLogProb', [[3, 2], [3, 2], [3, 2]], (x, m, s) => T.gaussianLogProb(x, m, T.mul(s, 0.3))],
  // Tensor methods (one-line delegates), so a loss can be written as its formula
  ['Tensor.square', [[3, 4]], (a) => a.square()],
  ['Tensor.maximum broadcast', [[3, 4], [4]], (a, b) => a.maximum(b), awayFromZero],
  ['Tensor.minimum', [[3, 4], [3, 4]], (a, b) => a.minimum(b), distinct],
  ['Tensor.maximum scalar', [[3, 4]], (a) => a.maximum(0.05), awayFromZero],
  ['Tensor.where', [[3, 4], [3, 4]], (a, b) => a.where(tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]]), b)],
  ['Tensor.where scalar other', [[3, 4]], (a) => a.where(tensor([1, 0, 1, 0]), -1)],
  ['Tensor.clamp', [[3, 4]], (a) => a.clamp(-1, 1), (i) => [-1.7, -0.5, 0.3, 0.9, 1.6, -1.2][i % 6]],
  ['Tensor.softplus', [[3, 4]], (a) => a.softplus()],
  ['Tensor.logSoftmax', [[3, 4]], (a) => a.logSoftmax()],
  ['Tensor.softmax axis 0', [[3, 4]], (a) => a.softmax(0)],
  ['Tensor.squeeze', [[3, 1, 4]], (a) => a.squeeze(1)],
  ['Tensor.unsqueeze', [[3, 4]], (a) => a.unsqueeze(0)],
  ['PPO clipped objective as methods', [[6], [6]], (ratio, A) => ratio.mul(A).minimum(ratio.clamp(0.8, 1.2).mul(A)).mean().neg(), (i) => [0.5, 0.9, 1.1, 1.3, 0.7, 1.05][i % 6] + (i >= 6 ? 0.3 : 0)],
];

describe('finite-difference gradient checks', () => {
  for (const [name, shapes, f, init] of cases) {
    it(name, () => gradCheck(name, shapes, f, { init }));
  }
});

describe('Tensor methods compute what the ops compute', () => {
  const x = tensor([[-1.5, 0.2, 0.7], [2.0, -0.3, 1.1]]);
  const y = tensor([0.1, 0.5, -2]);
  const cond = tensor([[1, 0, 1], [0, 1, 0]]);
  it.each([
    ['square', x.square(), T.square(x)],
    ['maximum', x.maximum(y), T.maximum(x, y)],
    ['minimum', x.minimum(0), T.minimum(x, 0)],
    ['where', x.where(cond, y), T.where(cond, x, y)],
    ['clamp', x.clamp(-1, 1), T.clamp(x, -1, 1)],
    ['softplus', x.softplus(), T.softplus(x)],
    ['logSoftmax', x.logSoftmax(), T.logSoftmax(x, -1)],
    ['softmax', x.softmax(0), T.softmax(x, 0)],
    ['squeeze', x.unsqueeze(1).squeeze(1), x],
    ['unsqueeze', x.unsqueeze(-1), T.unsqueeze(x, -1)],
  ] as const)('%s', (_name, method, op) => {
    expect(method.shape).toEqual(op.shape);
    expect(Array.from(method.data)).toEqual(Array.from(op.data));
  });
});

describe('graph mechanics', () => {
  it('diamond graph: a reused node gets both contributions', () => {
    const a = tensor([3], undefined, true);
    const b = T.mul(a, a); // b = a², used twice below
    const c = T.add(T.mul(b, 2), T.exp(T.mul(b, 0.1)));
    c.backward();
    // dc/da = (2 + 0.1·e^{0.1a²}) · 2a
    const expected = (2 + 0.1 * Math.exp(0.9)) * 6;
    expect(a.grad![0]).toBeCloseTo(expected, 4);
  });

  it('backward twice accumulates into leaves and is otherwise safe', () => {
    const a = tensor([2], undefined, true);
    const y = T.tanh(T.mul(a, a));
    y.backward();
    const g1 = a.grad![0];
    y.backward();
    expect(a.grad![0]).toBeCloseTo(2 * g1, 5);
  });

  it('a 10,000-deep chain backpropagates without stack overflow', () => {
    const x = tensor([0.5], undefined, true);
    let y: Tensor = x;
    for (let i = 0; i < 10_000; i++) y = T.add(y, 0.0001);
    y.backward();
    expect(x.grad![0]).toBe(1);
    expect(y.item()).toBeCloseTo(1.5, 2);
  });

  it('noGrad builds no graph', () => {
    const a = tensor([1, 2], undefined, true);
    const y = noGrad(() => T.mul(a, 3));
    expect(y.requiresGrad).toBe(false);
    expect(y.backwardFn).toBeNull();
    expect(() => T.sum(y).backward()).toThrow(/does not require grad/);
  });

  it('detach cuts the graph', () => {
    const a = tensor([1, 2], undefined, true);
    const y = T.sum(T.mul(T.mul(a, 2).detach(), a));
    y.backward();
    expect(Array.from(a.grad!)).toEqual([2, 4]);
  });

  it("micrograd's sanity expression matches hand-computed values", () => {
    // x = -4; z = 2x + 2 + x; q = relu(z) + z·x; h = relu(z·z); y = h + q + q·x
    const x = tensor(-4, undefined, true);
    const z = T.add(T.add(T.mul(x, 2), 2), x);
    const q = T.add(T.relu(z), T.mul(z, x));
    const h = T.relu(T.mul(z, z));
    const y = T.add(T.add(h, q), T.mul(q, x));
    y.backward();
    expect(y.item()).toBe(-20);
    expect(x.grad![0]).toBe(46);
  });

  it('shape errors name the op and both shapes', () => {
    const a = tensor([[1, 2, 3]]), b = tensor([[1, 2]]);
    expect(() => T.add(a, b)).toThrow(/add: cannot broadcast shapes \[1, 3\] and \[1, 2\]/);
    expect(() => T.matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/matmul: inner sizes differ: \[1, 2\] @ \[1, 2\]/);
  });

  it('non-finite check finds NaN and Infinity', () => {
    expect(T.isFiniteTensor(tensor([1, 2]))).toBe(true);
    expect(T.isFiniteTensor(tensor([1, NaN]))).toBe(false);
    expect(T.firstNonFinite(Float32Array.of(0, 1, Infinity))).toBe(2);
  });

  it('erf matches reference values', () => {
    const ref: [number, number][] = [[0, 0], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527], [3, 0.9999779095030014], [-1.5, -0.9661051464753108]];
    for (const [x, v] of ref) expect(T.erf(x)).toBeCloseTo(v, 12);
  });
});

describe('gradient buffers of intermediates are recycled', () => {
  it('leaves keep their grads, intermediates drop them, and a second backward on a fresh graph is unaffected', () => {
    const rng = new Rng(11);
    const n = 5000; // over 16 values, so the buffers go to the pool
    const x = T.randn([n], rng);
    x.requiresGrad = true;
    const y = T.mul(x, x);
    const z = T.sum(y);
    z.backward();
    expect(y.grad).toBeNull();
    const first = Array.from(x.grad!);
    for (let i = 0; i < n; i += 499) expect(first[i]).toBeCloseTo(2 * x.data[i], 5);
    // a pooled buffer comes back zeroed: a second graph's gradients equal the first's
    x.grad = null;
    T.sum(T.mul(x, x)).backward();
    expect(Array.from(x.grad!)).toEqual(first);
  });
});

describe('conv2d recycles its im2col columns', () => {
  it('gives the same gradients on a second backward through the same graph, and after no-grad forwards reuse the pool', () => {
    const rng = new Rng(5);
    const x = T.randn([3, 2, 9, 9], rng);
    const w = T.randn([4, 2, 3, 3], rng);
    x.requiresGrad = true;
    w.requiresGrad = true;
    const loss = T.sum(T.mul(T.conv2d(x, w, null, 2, 1), T.randn([3, 4, 5, 5], rng)));
    loss.backward();
    const gw = Array.from(w.grad!), gx = Array.from(x.grad!);
    // forwards without a graph take the released columns from the pool and overwrite them
    noGrad(() => T.conv2d(T.randn([3, 2, 9, 9], rng), w, null, 2, 1));
    w.grad = null;
    x.grad = null;
    loss.backward();
    expect(Array.from(w.grad!)).toEqual(gw);
    expect(Array.from(x.grad!)).toEqual(gx);
  });
});

describe('backward with freeGraph', () => {
  it('pools the intermediates and empties them; leaves, the root, small scalars and views of leaves stay', () => {
    const rng = new Rng(12);
    const w = T.randn([40, 30], rng);
    w.requiresGrad = true;
    const x = T.randn([30, 40], rng); // an input outside the graph (no grad)
    const view = T.reshape(w, [30, 40]); // shares w's memory: must never be pooled
    const h = T.tanh(T.matmul(w, x)); // [40, 40] intermediates
    const small = T.sum(h); // a scalar intermediate, readable after
    const loss = T.add(T.sum(T.mul(view, x)), small);
    const wBefore = Array.from(w.data), xBefore = Array.from(x.data);
    loss.backward(undefined, { freeGraph: true });
    const g = Array.from(w.grad!);
    expect(h.data.length).toBe(0); // released: a late read sees nothing rather than reused memory
    expect(Number.isFinite(small.item())).toBe(true);
    expect(Number.isFinite(loss.item())).toBe(true);
    expect(Array.from(w.data)).toEqual(wBefore);
    expect(Array.from(x.data)).toEqual(xBefore);
    // the pool hands the released arrays to the next graph, zeroed: its numbers equal a fresh computation's
    w.grad = null;
    const again = T.add(T.sum(T.mul(T.reshape(w, [30, 40]), x)), T.sum(T.tanh(T.matmul(w, x))));
    again.backward(undefined, { freeGraph: true });
    expect(Array.from(w.grad!)).toEqual(g);
    expect(Array.from(w.data)).toEqual(wBefore);
    expect(Array.from(x.data)).toEqual(xBefore);
  });
});
