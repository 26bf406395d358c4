/**
 * One or a few optimizer steps checked against numbers worked out by hand, and against float64
 * implementations written straight from each paper's equations (no shared code with src/optim).
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, RMSProp, SGD } from '../../src/optim/index.ts';
import type { Optimizer } from '../../src/optim/index.ts';
import type { Tensor } from '../../src/autograd/tensor.ts';
import { param, setGrad } from './helpers.ts';

/** Runs `opt` on one parameter through the gradient sequence `grads`; returns θ after each step. */
function run(p: Tensor, opt: Optimizer, grads: readonly number[][]): number[][] {
  return grads.map((g) => {
    setGrad(p, g);
    opt.step();
    return Array.from(p.data);
  });
}

const GRADS = [
  [0.5, -1.25, 3],
  [-0.75, 0.5, 2.5],
  [0.1, 2, -4],
  [1.5, -0.3, 0.7],
  [-2, 1, 0.05],
];
const THETA0 = [1, -2, 0.5];

// ── float64 references, one per paper ──
type Ref = (theta: number[], g: number[]) => void;

function sgdRef(lr: number, mu: number, tau: number, wd: number, nesterov: boolean): Ref {
  let b: number[] | null = null;
  return (th, g) => {
    const d = g.map((gi, i) => gi + wd * th[i]);
    b = b === null ? d.slice() : b.map((bi, i) => mu * bi + (1 - tau) * d[i]);
    const bb = b;
    const u = mu === 0 ? d : nesterov ? d.map((di, i) => di + mu * bb[i]) : bb;
    u.forEach((ui, i) => (th[i] -= lr * ui));
  };
}

/** Kingma & Ba 2015, Algorithm 1 (decoupled = AdamW, Loshchilov & Hutter 2019, Algorithm 2). */
function adamRef(lr: number, b1: number, b2: number, eps: number, wd: number, decoupled: boolean): Ref {
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  let t = 0;
  return (th, g) => {
    t++;
    for (let i = 0; i < th.length; i++) {
      if (decoupled) th[i] *= 1 - lr * wd;
      const gi = decoupled ? g[i] : g[i] + wd * th[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      th[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  };
}

function rmsRef(lr: number, alpha: number, eps: number, mu: number, centered: boolean): Ref {
  const sq = [0, 0, 0];
  const ga = [0, 0, 0];
  const b = [0, 0, 0];
  return (th, g) => {
    for (let i = 0; i < th.length; i++) {
      sq[i] = alpha * sq[i] + (1 - alpha) * g[i] ** 2;
      ga[i] = alpha * ga[i] + (1 - alpha) * g[i];
      const d = Math.sqrt(centered ? sq[i] - ga[i] ** 2 : sq[i]) + eps;
      b[i] = mu * b[i] + g[i] / d;
      th[i] -= lr * (mu > 0 ? b[i] : g[i] / d);
    }
  };
}

function adagradRef(lr: number, lrDecay: number, init: number, eps: number): Ref {
  const G = [init, init, init];
  let t = 0;
  return (th, g) => {
    t++;
    for (let i = 0; i < th.length; i++) {
      G[i] += g[i] ** 2;
      th[i] -= ((lr / (1 + (t - 1) * lrDecay)) * g[i]) / (Math.sqrt(G[i]) + eps);
    }
  };
}

/** Zeiler 2012, Algorithm 1, times PyTorch's lr. */
function adadeltaRef(lr: number, rho: number, eps: number): Ref {
  const Eg2 = [0, 0, 0];
  const Edx2 = [0, 0, 0];
  const rms = (x: number) => Math.sqrt(x + eps);
  return (th, g) => {
    for (let i = 0; i < th.length; i++) {
      Eg2[i] = rho * Eg2[i] + (1 - rho) * g[i] ** 2;
      const dx = -(rms(Edx2[i]) / rms(Eg2[i])) * g[i];
      Edx2[i] = rho * Edx2[i] + (1 - rho) * dx * dx;
      th[i] += lr * dx;
    }
  };
}

function expectClose(actual: number[][], expected: number[][], rtol: number): void {
  actual.forEach((row, s) =>
    row.forEach((a, i) => {
      const e = expected[s][i];
      if (Math.abs(a - e) > rtol * Math.max(1, Math.abs(e))) {
        throw new Error(`step ${s + 1}, element ${i}: received ${a}, expected ${e} (rtol ${rtol})`);
      }
    }),
  );
}

const refCases: Array<[string, (p: Tensor[]) => Optimizer, Ref]> = [
  ['SGD', (p) => new SGD(p, { lr: 0.1 }), sgdRef(0.1, 0, 0, 0, false)],
  ['SGD momentum+dampening+wd', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }), sgdRef(0.05, 0.9, 0.3, 0.01, false)],
  ['SGD Nesterov', (p) => new SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 }), sgdRef(0.05, 0.8, 0, 0.1, true)],
  ['Adam', (p) => new Adam(p, { lr: 0.01 }), adamRef(0.01, 0.9, 0.999, 1e-8, 0, false)],
  ['Adam eps 1e-5 (CleanRL PPO), L2', (p) => new Adam(p, { lr: 2.5e-4, eps: 1e-5, weightDecay: 0.1 }), adamRef(2.5e-4, 0.9, 0.999, 1e-5, 0.1, false)],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01, beta1: 0.8, beta2: 0.99, weightDecay: 0.5 }), adamRef(0.01, 0.8, 0.99, 1e-8, 0.5, true)],
  ['RMSProp', (p) => new RMSProp(p, { lr: 0.01 }), rmsRef(0.01, 0.99, 1e-8, 0, false)],
  ['RMSProp centered+momentum', (p) => new RMSProp(p, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true }), rmsRef(0.01, 0.9, 1e-8, 0.5, true)],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.2, initialAccumulatorValue: 0.1 }), adagradRef(0.1, 0.2, 0.1, 1e-10)],
  ['Adadelta', (p) => new Adadelta(p, {}), adadeltaRef(1, 0.9, 1e-6)],
  ['Adadelta lr 0.5, rho 0.95', (p) => new Adadelta(p, { lr: 0.5, rho: 0.95, eps: 1e-4 }), adadeltaRef(0.5, 0.95, 1e-4)],
];

describe('optimizers match float64 implementations of their papers over 5 steps', () => {
  it.each(refCases)('%s', (_name, make, ref) => {
    const p = param(THETA0);
    const actual = run(p, make([p]), GRADS);
    const th = THETA0.slice();
    const expected = GRADS.map((g) => {
      ref(th, g);
      return th.slice();
    });
    expectClose(actual, expected, 2e-6);
  });
});

describe('hand-computed steps', () => {
  it('SGD with momentum 0.9 and weight decay 0.1', () => {
    // step 1: d = g + 0.1θ = [0.6, 0.05]; b = d; θ = [1 − 0.06, −2 − 0.005]
    // step 2: d = [0.5 + 0.094, 0.25 − 0.2005] = [0.594, 0.0495]; b = 0.9·[0.6, 0.05] + d = [1.134, 0.0945]
    const p = param([1, -2]);
    const [s1, s2] = run(p, new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), [[0.5, 0.25], [0.5, 0.25]]);
    expect(s1[0]).toBeCloseTo(0.94, 6);
    expect(s1[1]).toBeCloseTo(-2.005, 6);
    expect(s2[0]).toBeCloseTo(0.8266, 6);
    expect(s2[1]).toBeCloseTo(-2.01445, 6);
  });

  it('SGD Nesterov takes d + μb; dampening scales later gradients into b', () => {
    // Nesterov step 1: b = d = 0.6, update = d + 0.9·b = 1.14, θ = 1 − 0.114
    const p = param([1]);
    expect(run(p, new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 }), [[0.5]])[0][0]).toBeCloseTo(0.886, 6);
    // dampening 0.5, step 2: b = 0.9·0.6 + 0.5·0.594 = 0.837, θ = 0.94 − 0.0837 (step 1 ignores dampening)
    const q = param([1]);
    const [, s2] = run(q, new SGD([q], { lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.1 }), [[0.5], [0.5]]);
    expect(s2[0]).toBeCloseTo(0.8563, 6);
  });

  it('Adam: the first step moves every coordinate by about lr', () => {
    // m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, θ = 1 − 0.1·0.5/(0.5 + 1e-8) ≈ 0.9
    // step 2, g = −0.25: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
    // m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031, θ = 0.9 − 0.1·0.1052632/0.3952253
    const p = param([1]);
    const [s1, s2] = run(p, new Adam([p], { lr: 0.1 }), [[0.5], [-0.25]]);
    expect(s1[0]).toBeCloseTo(0.9, 6);
    expect(s2[0]).toBeCloseTo(0.8733663, 6);
  });

  it('AdamW decays θ by (1 − lr·λ) before the Adam step', () => {
    // θ = 1·(1 − 0.1·0.1) − 0.1·0.5/0.5 = 0.99 − 0.1
    const p = param([1]);
    expect(run(p, new AdamW([p], { lr: 0.1, weightDecay: 0.1 }), [[0.5]])[0][0]).toBeCloseTo(0.89, 6);
    // Adam's L2 decay differs: g = 0.5 + 0.1 = 0.6 and the first step is still ≈ lr
    const q = param([1]);
    expect(run(q, new Adam([q], { lr: 0.1, weightDecay: 0.1 }), [[0.5]])[0][0]).toBeCloseTo(0.9, 6);
  });

  it('RMSProp, plain and centered', () => {
    // E[g²] = 0.01·0.25 = 0.0025, √ = 0.05, θ = 1 − 0.01·0.5/0.05 = 0.9
    const p = param([1]);
    expect(run(p, new RMSProp([p], { lr: 0.01, eps: 0 }), [[0.5]])[0][0]).toBeCloseTo(0.9, 6);
    // centered: E[g] = 0.005, E[g²] − E[g]² = 0.002475, θ = 1 − 0.005/0.0497494
    const q = param([1]);
    expect(run(q, new RMSProp([q], { lr: 0.01, eps: 0, centered: true }), [[0.5]])[0][0]).toBeCloseTo(0.8994962, 6);
  });

  it('Adagrad with an initial accumulator and lr decay', () => {
    // step 1: G = 0.75 + 0.25 = 1, θ = 1 − 0.1·0.5/1 = 0.95
    // step 2: lr' = 0.1/(1 + 0.5) = 0.0666667, G = 1.25, θ = 0.95 − 0.0666667·0.5/1.1180340
    const p = param([1]);
    const [s1, s2] = run(p, new Adagrad([p], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.75, eps: 0 }), [[0.5], [0.5]]);
    expect(s1[0]).toBeCloseTo(0.95, 6);
    expect(s2[0]).toBeCloseTo(0.9201858, 6);
  });

  it('Adadelta: Δx = RMS[Δx]/RMS[g]·g', () => {
    // ρ = 0.5, ε = 0.5, g = 1. step 1: E[g²] = 0.5, Δx = √0.5/√1 = 0.7071068, E[Δx²] = 0.25
    // step 2: E[g²] = 0.75, Δx = √0.75/√1.25 = √0.6 = 0.7745967
    const p = param([1]);
    const [s1, s2] = run(p, new Adadelta([p], { rho: 0.5, eps: 0.5 }), [[1], [1]]);
    expect(s1[0]).toBeCloseTo(1 - 0.7071068, 6);
    expect(s2[0]).toBeCloseTo(1 - 0.7071068 - 0.7745967, 6);
  });
});

describe('skipping parameters without gradients', () => {
  it.each([
    ['SGD', (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9, weightDecay: 0.1 })],
    ['Adam', (p: Tensor[]) => new Adam(p, { lr: 0.1 })],
    ['AdamW', (p: Tensor[]) => new AdamW(p, { lr: 0.1 })],
    ['RMSProp', (p: Tensor[]) => new RMSProp(p, { lr: 0.1, momentum: 0.5, centered: true })],
    ['Adagrad', (p: Tensor[]) => new Adagrad(p, { lr: 0.1 })],
    ['Adadelta', (p: Tensor[]) => new Adadelta(p, {})],
  ] as const)('%s leaves a parameter with grad null alone, and counts its steps separately', (_n, make) => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = make([a, b]);
    for (let i = 0; i < 3; i++) {
      setGrad(a, [0.5, -0.5]);
      opt.step();
    }
    expect(Array.from(b.data)).toEqual([3]);
    expect(opt.state().steps).toEqual([3, 0]);
  });

  it('Adam bias-corrects a late parameter from its own first step', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1]);
    opt.step();
    opt.step();
    setGrad(b, [0.5]);
    opt.step();
    expect(b.data[0]).toBeCloseTo(0.9, 6); // a first Adam step is ≈ lr, whatever a's count is
  });
});

describe('zeroGrad', () => {
  it('sets grads to null by default and zero-fills with setToNone = false', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [1, 1]);
    const buf = p.grad;
    opt.zeroGrad(false);
    expect(p.grad).toBe(buf);
    expect(Array.from(p.grad ?? [])).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });
});
