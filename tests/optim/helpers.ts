/** Shared test helpers: parameters with hand-set gradients, and the classic test functions. */
import { Tensor } from '../../src/autograd/tensor.ts';

/** A 1-D parameter (a leaf that requires grad) holding `values`. */
export function param(values: readonly number[], name = ''): Tensor {
  const t = new Tensor(Float32Array.from(values), [values.length], true);
  t.name = name;
  return t;
}

/** Sets `p.grad` to `values`. */
export function setGrad(p: Tensor, values: readonly number[]): void {
  p.grad = Float32Array.from(values);
}

/** Rosenbrock's function (1 − x)² + 100(y − x²)², minimum 0 at (1, 1). */
export function rosenbrock(x: number, y: number): number {
  return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
}

/** Writes the gradient of Rosenbrock's function at p = (x, y) into p.grad. */
export function rosenbrockGrad(p: Tensor): void {
  const [x, y] = p.data;
  setGrad(p, [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]);
}

/** An ill-conditioned quadratic bowl f(θ) = ½ Σ a_i (θ_i − c_i)², minimum at c. */
export const BOWL = { a: [0.5, 2, 8, 1], c: [1, -2, 3, 0.5] } as const;

/** Writes ∇f = a ⊙ (θ − c) of the bowl into p.grad. */
export function bowlGrad(p: Tensor): void {
  setGrad(p, BOWL.c.map((c, i) => BOWL.a[i] * (p.data[i] - c)));
}
