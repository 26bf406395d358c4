/**
 * Finite-difference gradient checking: central differences accumulated in float64 against the
 * analytic gradient of sum(f(inputs) · w) for a fixed random weighting w, so every output
 * element contributes with a different weight.
 */
import { expect } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Tensor, noGrad, shapeSize, type Shape } from '../../src/autograd/tensor.ts';

export type GradCheckOptions = {
  /** Step size for central differences. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** How to draw inputs; default uniform in [-2, 2]. */
  init?: (i: number, rng: Rng) => number;
  /** Seed for inputs. */
  seed?: number;
};

/** Checks d sum(w·f(x)) / dx for every input against central differences. */
export function gradCheck(name: string, shapes: readonly Shape[], f: (...xs: Tensor[]) => Tensor, opts: GradCheckOptions = {}): void {
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2, seed = 1 } = opts;
  const rng = new Rng(seed);
  const init = opts.init ?? ((_i: number, r: Rng) => r.uniform(-2, 2));
  const inputs = shapes.map((s) => {
    const d = new Float32Array(shapeSize(s));
    for (let i = 0; i < d.length; i++) d[i] = init(i, rng);
    return new Tensor(d, s, true);
  });
  const out = f(...inputs);
  const w = new Float32Array(out.size);
  for (let i = 0; i < w.length; i++) w[i] = rng.uniform(0.5, 1.5);
  out.backward(w);
  const objective = (): number =>
    noGrad(() => {
      const o = f(...inputs);
      let s = 0;
      for (let i = 0; i < o.size; i++) s += o.data[i] * w[i];
      return s;
    });
  inputs.forEach((x, xi) => {
    const analytic = x.grad ?? new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const orig = x.data[i];
      x.data[i] = orig + eps;
      const plus = objective();
      x.data[i] = orig - eps;
      const minus = objective();
      x.data[i] = orig;
      // the actual step, after float32 rounding of the perturbed input
      const h = Math.fround(orig + eps) - Math.fround(orig - eps);
      const numeric = (plus - minus) / h;
      const a = analytic[i];
      const ok = Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric);
      if (!ok) {
        expect.fail(`${name}: input ${xi} [${x.shape.join(', ')}] element ${i}: analytic ${a}, numeric ${numeric}`);
      }
    }
  });
}

/** Checks the gradient of a scalar loss with respect to every element of every parameter. */
export function paramGradCheck(name: string, params: ReadonlyArray<[string, Tensor]>, loss: () => Tensor, opts: { eps?: number; atol?: number; rtol?: number } = {}): void {
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2 } = opts;
  for (const [, p] of params) p.grad = null;
  loss().backward();
  for (const [pname, p] of params) {
    const analytic = p.grad ?? new Float32Array(p.size);
    for (let i = 0; i < p.size; i++) {
      const orig = p.data[i];
      p.data[i] = orig + eps;
      const plus = noGrad(() => loss().item());
      p.data[i] = orig - eps;
      const minus = noGrad(() => loss().item());
      p.data[i] = orig;
      const numeric = (plus - minus) / (Math.fround(orig + eps) - Math.fround(orig - eps));
      if (Math.abs(analytic[i] - numeric) > atol + rtol * Math.abs(numeric)) {
        expect.fail(`${name}: parameter ${pname} element ${i}: analytic ${analytic[i]}, numeric ${numeric}`);
      }
    }
  }
}
