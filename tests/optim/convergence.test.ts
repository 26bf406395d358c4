/**
 * Convergence: every optimizer reaches the minimum of an ill-conditioned quadratic bowl and of
 * Rosenbrock's banana function from (−1.5, 2), with the settings a user would reasonably pick.
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, RMSProp, SGD } from '../../src/optim/index.ts';
import type { Optimizer } from '../../src/optim/index.ts';
import type { Tensor } from '../../src/autograd/tensor.ts';
import { BOWL, bowlGrad, param, rosenbrock, rosenbrockGrad } from './helpers.ts';

type Make = (p: Tensor[]) => Optimizer;

function minimize(make: Make, start: readonly number[], grad: (p: Tensor) => void, steps: number): Float32Array {
  const p = param(start);
  const opt = make([p]);
  for (let s = 0; s < steps; s++) {
    grad(p);
    opt.step();
    opt.zeroGrad();
  }
  return p.data;
}

// [name, optimizer, steps, tolerance on each coordinate]
const bowlCases: Array<[string, Make, number, number]> = [
  ['SGD', (p) => new SGD(p, { lr: 0.1 }), 300, 1e-4],
  ['SGD momentum', (p) => new SGD(p, { lr: 0.05, momentum: 0.9 }), 300, 1e-4],
  ['SGD Nesterov', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true }), 300, 1e-4],
  ['Adam', (p) => new Adam(p, { lr: 0.05 }), 1000, 1e-3],
  ['AdamW (weightDecay 0)', (p) => new AdamW(p, { lr: 0.05, weightDecay: 0 }), 1000, 1e-3],
  ['RMSProp', (p) => new RMSProp(p, { lr: 0.01 }), 1000, 1e-2],
  ['RMSProp centered + momentum', (p) => new RMSProp(p, { lr: 0.01, momentum: 0.9, centered: true }), 1000, 1e-3],
  ['Adagrad', (p) => new Adagrad(p, { lr: 0.5 }), 1000, 1e-3],
  ['Adadelta (defaults, lr 1)', (p) => new Adadelta(p), 3000, 1e-2],
];

describe('quadratic bowl ½Σ aᵢ(θᵢ − cᵢ)², condition number 16', () => {
  it.each(bowlCases)('%s', (_name, make, steps, tol) => {
    const theta = minimize(make, [0, 0, 0, 0], bowlGrad, steps);
    theta.forEach((x, i) => expect(Math.abs(x - BOWL.c[i])).toBeLessThan(tol));
  });
});

// From (−1.5, 2) the banana's floor curves round to (1, 1); f(−1.5, 2) = 12.5.
const rosenbrockCases: Array<[string, Make, number, number]> = [
  ['SGD momentum', (p) => new SGD(p, { lr: 1e-3, momentum: 0.9 }), 5000, 1e-3],
  ['SGD Nesterov', (p) => new SGD(p, { lr: 1e-3, momentum: 0.9, nesterov: true }), 5000, 1e-3],
  ['Adam', (p) => new Adam(p, { lr: 1e-2 }), 5000, 1e-3],
  // decoupled decay pulls towards 0, so AdamW's fixed point sits just short of (1, 1)
  ['AdamW (default weightDecay 0.01)', (p) => new AdamW(p, { lr: 1e-2 }), 5000, 2e-2],
  ['RMSProp', (p) => new RMSProp(p, { lr: 5e-4 }), 10000, 1e-2],
  ['RMSProp momentum', (p) => new RMSProp(p, { lr: 1e-3, momentum: 0.5 }), 5000, 1e-3],
  ['RMSProp centered', (p) => new RMSProp(p, { lr: 1e-3, centered: true }), 10000, 1e-2],
  ['Adagrad', (p) => new Adagrad(p, { lr: 1 }), 10000, 1e-2],
  // Adadelta at lr 1 keeps oscillating across the valley and stalls near f ≈ 0.5 (the same in
  // float64); PyTorch's lr factor damps it.
  ['Adadelta (lr 0.05)', (p) => new Adadelta(p, { lr: 0.05 }), 10000, 2e-2],
];

describe('Rosenbrock from (−1.5, 2)', () => {
  it.each(rosenbrockCases)('%s', (_name, make, steps, tol) => {
    const [x, y] = minimize(make, [-1.5, 2], rosenbrockGrad, steps);
    expect(Math.abs(x - 1)).toBeLessThan(tol);
    expect(Math.abs(y - 1)).toBeLessThan(2 * tol);
    expect(rosenbrock(x, y)).toBeLessThan(25 * tol * tol); // from 12.5 at the start
  });
});
