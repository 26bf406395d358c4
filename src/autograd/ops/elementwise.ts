/**
 * Elementwise primitives with numpy broadcasting. Each forward loop sits beside its backward,
 * which adds into the parents' grads; the derivative is the comment on the backward.
 */
import { ShapeError } from '../../core/errors.ts';
import { accumulate, broadcastMap, broadcastShapes } from '../broadcast.ts';
import { alloc } from '../alloc.ts';
import { asTensor, result, shapeSize, type Tensor, type TensorLike } from '../tensor.ts';

type Prepared = { A: Tensor; B: Tensor; shape: number[]; ia: Int32Array | null; ib: Int32Array | null; n: number };

function prepare(op: string, a: TensorLike, b: TensorLike): Prepared {
  const A = asTensor(a);
  const B = asTensor(b);
  const shape = broadcastShapes(op, A.shape, B.shape);
  return { A, B, shape, ia: broadcastMap(shape, A.shape), ib: broadcastMap(shape, B.shape), n: shapeSize(shape) };
}

/** a + b */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const { A, B, shape, ia, ib, n } = prepare('add', a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] + bd[i];
  else if (ia === null && ib !== null) for (let i = 0; i < n; i++) out[i] = ad[i] + bd[ib[i]];
  else for (let i = 0; i < n; i++) out[i] = ad[ia === null ? i : ia[i]] + bd[ib === null ? i : ib[i]];
  return result(out, shape, [A, B], (g) => {
    // d/da (a + b) = 1, d/db (a + b) = 1
    if (A.requiresGrad) accumulate(A.gradBuffer(), g, shape, A.shape);
    if (B.requiresGrad) accumulate(B.gradBuffer(), g, shape, B.shape);
  });
}

/** a - b */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const { A, B, shape, ia, ib, n } = prepare('sub', a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] - bd[i];
  else for (let i = 0; i < n; i++) out[i] = ad[ia === null ? i : ia[i]] - bd[ib === null ? i : ib[i]];
  return result(out, shape, [A, B], (g) => {
    // d/da (a - b) = 1, d/db (a - b) = -1
    if (A.requiresGrad) accumulate(A.gradBuffer(), g, shape, A.shape);
    if (B.requiresGrad) {
      const ng = alloc(n);
      for (let i = 0; i < n; i++) ng[i] = -g[i];
      accumulate(B.gradBuffer(), ng, shape, B.shape);
    }
  });
}

/** a * b */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const { A, B, shape, ia, ib, n } = prepare('mul', a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  if (ia === null && ib === null) for (let i = 0; i < n; i++) out[i] = ad[i] * bd[i];
  else if (ia === null && bd.length === 1) {
    // a scalar factor (e.g. images scaled by 1/255): no gather through the broadcast map
    const b0 = bd[0];
    for (let i = 0; i < n; i++) out[i] = ad[i] * b0;
  } else for (let i = 0; i < n; i++) out[i] = ad[ia === null ? i : ia[i]] * bd[ib === null ? i : ib[i]];
  return result(out, shape, [A, B], (g) => {
    // d/da (a * b) = b, d/db (a * b) = a
    if (A.requiresGrad) {
      const ga = A.gradBuffer();
      for (let i = 0; i < n; i++) ga[ia === null ? i : ia[i]] += g[i] * bd[ib === null ? i : ib[i]];
    }
    if (B.requiresGrad) {
      const gb = B.gradBuffer();
      for (let i = 0; i < n; i++) gb[ib === null ? i : ib[i]] += g[i] * ad[ia === null ? i : ia[i]];
    }
  });
}

/** a / b */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const { A, B, shape, ia, ib, n } = prepare('div', a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = ad[ia === null ? i : ia[i]] / bd[ib === null ? i : ib[i]];
  return result(out, shape, [A, B], (g) => {
    // d/da (a / b) = 1 / b, d/db (a / b) = -a / b²
    if (A.requiresGrad) {
      const ga = A.gradBuffer();
      for (let i = 0; i < n; i++) ga[ia === null ? i : ia[i]] += g[i] / bd[ib === null ? i : ib[i]];
    }
    if (B.requiresGrad) {
      const gb = B.gradBuffer();
      for (let i = 0; i < n; i++) {
        const bv = bd[ib === null ? i : ib[i]];
        gb[ib === null ? i : ib[i]] -= (g[i] * out[i]) / bv;
      }
    }
  });
}

/** a ** b (b a scalar or a tensor; a tensor exponent needs a > 0 for its gradient). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const { A, B, shape, ia, ib, n } = prepare('pow', a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.pow(ad[ia === null ? i : ia[i]], bd[ib === null ? i : ib[i]]);
  return result(out, shape, [A, B], (g) => {
    // d/da a^b = b·a^(b-1), d/db a^b = a^b·ln a
    if (A.requiresGrad) {
      const ga = A.gradBuffer();
      for (let i = 0; i < n; i++) {
        const av = ad[ia === null ? i : ia[i]], bv = bd[ib === null ? i : ib[i]];
        ga[ia === null ? i : ia[i]] += g[i] * (bv === 0 ? 0 : bv * Math.pow(av, bv - 1));
      }
    }
    if (B.requiresGrad) {
      const gb = B.gradBuffer();
      for (let i = 0; i < n; i++) gb[ib === null ? i : ib[i]] += g[i] * out[i] * Math.log(ad[ia === null ? i : ia[i]]);
    }
  });
}

/** Elementwise minimum; ties send the gradient to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return pick('minimum', a, b, (x, y) => x <= y);
}

/** Elementwise maximum; ties send the gradient to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return pick('maximum', a, b, (x, y) => x >= y);
}

function pick(op: string, a: TensorLike, b: TensorLike, takeA: (x: number, y: number) => boolean): Tensor {
  const { A, B, shape, ia, ib, n } = prepare(op, a, b);
  const ad = A.data, bd = B.data, out = alloc(n);
  const fromA = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = ad[ia === null ? i : ia[i]], y = bd[ib === null ? i : ib[i]];
    fromA[i] = takeA(x, y) ? 1 : 0;
    out[i] = fromA[i] ? x : y;
  }
  return result(out, shape, [A, B], (g) => {
    // d/da = 1 where a was chosen, d/db = 1 where b was chosen
    if (A.requiresGrad) {
      const ga = A.gradBuffer();
      for (let i = 0; i < n; i++) if (fromA[i]) ga[ia === null ? i : ia[i]] += g[i];
    }
    if (B.requiresGrad) {
      const gb = B.gradBuffer();
      for (let i = 0; i < n; i++) if (!fromA[i]) gb[ib === null ? i : ib[i]] += g[i];
    }
  });
}

/**
 * where(cond, a, b): a where cond is non-zero, else b. `cond` is a constant (no gradient) and
 * all three broadcast together.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const A = asTensor(a), B = asTensor(b);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, A.shape), B.shape);
  const ic = broadcastMap(shape, cond.shape), ia = broadcastMap(shape, A.shape), ib = broadcastMap(shape, B.shape);
  const n = shapeSize(shape), out = alloc(n);
  const cd = cond.data, ad = A.data, bd = B.data;
  for (let i = 0; i < n; i++) out[i] = cd[ic === null ? i : ic[i]] !== 0 ? ad[ia === null ? i : ia[i]] : bd[ib === null ? i : ib[i]];
  return result(out, shape, [A, B], (g) => {
    // d/da = cond, d/db = 1 - cond
    if (A.requiresGrad) {
      const ga = A.gradBuffer();
      for (let i = 0; i < n; i++) if (cd[ic === null ? i : ic[i]] !== 0) ga[ia === null ? i : ia[i]] += g[i];
    }
    if (B.requiresGrad) {
      const gb = B.gradBuffer();
      for (let i = 0; i < n; i++) if (cd[ic === null ? i : ic[i]] === 0) gb[ib === null ? i : ib[i]] += g[i];
    }
  });
}

/** -x */
export function neg(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = -d[i];
  return result(out, x.shape, [x], (g) => {
    // d/dx (-x) = -1
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] -= g[i];
  });
}

/** e^x */
export function exp(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(d[i]);
  return result(out, x.shape, [x], (g) => {
    // d/dx e^x = e^x
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += g[i] * out[i];
  });
}

/** ln x */
export function log(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.log(d[i]);
  return result(out, x.shape, [x], (g) => {
    // d/dx ln x = 1 / x
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += g[i] / d[i];
  });
}

/** √x */
export function sqrt(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(d[i]);
  return result(out, x.shape, [x], (g) => {
    // d/dx √x = 1 / (2√x)
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += g[i] / (2 * out[i]);
  });
}

/** |x| (gradient 0 at 0). */
export function abs(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.abs(d[i]);
  return result(out, x.shape, [x], (g) => {
    // d/dx |x| = sign(x)
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += d[i] > 0 ? g[i] : d[i] < 0 ? -g[i] : 0;
  });
}

/** Clamps into [min, max]; the gradient passes where min ≤ x ≤ max, as in PyTorch. */
export function clamp(x: Tensor, min: number, max: number): Tensor {
  if (!(min <= max)) throw new ShapeError('clamp', `expected min <= max, received min=${min}, max=${max}`);
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = d[i] < min ? min : d[i] > max ? max : d[i];
  return result(out, x.shape, [x], (g) => {
    // d/dx clamp(x) = 1 inside [min, max], 0 outside
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) if (d[i] >= min && d[i] <= max) gx[i] += g[i];
  });
}

/** x² (a cheap special case of pow, used by every squared loss). */
export function square(x: Tensor): Tensor {
  const d = x.data, n = d.length, out = alloc(n);
  for (let i = 0; i < n; i++) out[i] = d[i] * d[i];
  return result(out, x.shape, [x], (g) => {
    // d/dx x² = 2x
    const gx = x.gradBuffer();
    for (let i = 0; i < n; i++) gx[i] += 2 * g[i] * d[i];
  });
}
