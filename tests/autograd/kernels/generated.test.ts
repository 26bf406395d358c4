import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GEMM_WASM_BASE64, GEMM_WASM_SOURCE_SHA256 } from '../../../src/autograd/kernels/gemm-wasm.generated.ts';

describe('gemm-wasm.generated.ts', () => {
  it('was built from the current gemm.as (else run: node scripts/build-kernels.mjs)', () => {
    const source = readFileSync(new URL('../../../src/autograd/kernels/gemm.as', import.meta.url), 'utf8');
    expect(createHash('sha256').update(source).digest('hex')).toBe(GEMM_WASM_SOURCE_SHA256);
  });

  it('stays under 4 KB, so browsers compile it synchronously on the main thread', () => {
    expect(Buffer.from(GEMM_WASM_BASE64, 'base64').length).toBeLessThan(4096);
  });
});
