import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SOURCE_SHA256 } from '../../../src/autograd/kernels/wasm.generated.ts';

describe('wasm.generated.ts', () => {
  it('was built from the current .as sources (else run: node scripts/build-kernels.mjs)', () => {
    const hash = createHash('sha256');
    for (const name of ['gemm.as', 'im2col.as', 'elementwise.as']) {
      hash.update(readFileSync(new URL(`../../../src/autograd/kernels/${name}`, import.meta.url), 'utf8'));
    }
    expect(hash.digest('hex')).toBe(KERNELS_WASM_SOURCE_SHA256);
  });

  it('stays small (a few KB), so it compiles synchronously at import', () => {
    // Chrome once refused synchronous compiles over 4 KB on the main thread; Chromium 156 does not
    // (see wasm.ts), and wasm.ts falls back to an async compile where one refuses.
    expect(Buffer.from(KERNELS_WASM_BASE64, 'base64').length).toBeLessThan(16384);
  });
});
