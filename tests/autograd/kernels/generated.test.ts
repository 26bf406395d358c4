import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SOURCE_SHA256 } from '../../../src/autograd/kernels/wasm.generated.ts';

describe('wasm.generated.ts', () => {
  it('was built from the current gemm.as and im2col.as (else run: node scripts/build-kernels.mjs)', () => {
    const hash = createHash('sha256');
    for (const name of ['gemm.as', 'im2col.as']) {
      hash.update(readFileSync(new URL(`../../../src/autograd/kernels/${name}`, import.meta.url), 'utf8'));
    }
    expect(hash.digest('hex')).toBe(KERNELS_WASM_SOURCE_SHA256);
  });

  it('stays under 4 KB, so browsers also compile it synchronously on the main thread', () => {
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(4096);
  });
});
