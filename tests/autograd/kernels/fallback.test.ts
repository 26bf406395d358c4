import { afterEach, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../src/core/rng.ts';

function randomArray(rng: Rng, length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** Runs a 37×29×41 A·Bᵀ product through `gemm` and returns the worst error against gemmRef. */
async function worstGemmError(): Promise<number> {
  const { gemm, gemmRef } = await import('../../../src/autograd/kernels/index.ts');
  const rng = new Rng(7);
  const a = randomArray(rng, 37 * 41);
  const b = randomArray(rng, 29 * 41);
  const expected = new Float32Array(37 * 29);
  const actual = new Float32Array(37 * 29);
  gemmRef(false, true, 37, 29, 41, a, 0, b, 0, expected, 0, 0);
  gemm(false, true, 37, 29, 41, a, 0, b, 0, actual, 0, 0);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

describe('kernel loading fallbacks', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.doUnmock('../../../src/autograd/kernels/wasm.generated.ts');
    vi.resetModules();
  });

  it('without WebAssembly SIMD, gemm and im2col run in JS and kernelInfo says why', async () => {
    vi.resetModules();
    vi.doMock('../../../src/autograd/kernels/wasm.generated.ts', () => ({
      KERNELS_WASM_BASE64: 'AGFzbQEAAAABAA==', // not a valid module: the validate() check fails
      KERNELS_WASM_SOURCE_SHA256: '',
    }));
    const { kernelInfo, gemmSimd, im2col, convOutputSize } = await import('../../../src/autograd/kernels/index.ts');
    expect(kernelInfo.backend).toBe('js');
    expect(kernelInfo.reason).toMatch(/not supported/);
    expect(await worstGemmError()).toBeLessThan(1e-5);
    expect(() => gemmSimd(false, false, 8, 8, 8, new Float32Array(64), 0, new Float32Array(64), 0, new Float32Array(64), 0, 0))
      .toThrow(/wasm kernel unavailable/);
    const o = convOutputSize(5, 3, 1, 0);
    const col = new Float32Array(9 * o * o);
    im2col(new Float32Array(25).fill(2), { n: 1, c: 1, h: 5, w: 5, kh: 3, kw: 3, stride: 1, padding: 0, oh: o, ow: o }, col);
    expect(col.every((v: number) => v === 2)).toBe(true);
  });

  it('when synchronous compilation is refused (browser main thread), uses JS until the async compile lands', async () => {
    vi.resetModules();
    const real = WebAssembly;
    vi.stubGlobal('WebAssembly', {
      ...real,
      validate: real.validate,
      compile: real.compile,
      instantiate: real.instantiate,
      Instance: real.Instance,
      Memory: real.Memory,
      Module: class {
        constructor() {
          throw new RangeError('WebAssembly.Module(): Buffer size exceeds the main-thread limit');
        }
      },
    });
    const { kernelInfo, kernelsReady } = await import('../../../src/autograd/kernels/index.ts');
    expect(kernelInfo.backend).toBe('js');
    expect(await worstGemmError()).toBeLessThan(1e-5);
    await kernelsReady;
    expect(kernelInfo.backend).toBe('wasm-simd');
    expect(await worstGemmError()).toBeLessThan(1e-5);
  });
});
