/**
 * The shipped autoencoder of the perceptual reward (envs/art/paint-autoencoder.safetensors, rebuilt by
 * scripts/paint-autoencoder.ts): it loads into the architecture of autoencoder.ts and reconstructs
 * held-out targets far better than a blank image does.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AE_SIZE, buildPaintAutoencoder } from '../../../envs/art/autoencoder.ts';
import { generateTarget, HELD_OUT_FROM } from '../../../envs/art/targets.ts';
import { mse, noGrad, tensor } from '../../../src/autograd/index.ts';
import { Rng } from '../../../src/core/rng.ts';
import { loadModule } from '../../../src/nn/safetensors.ts';

describe('paint autoencoder', () => {
  it('reconstructs held-out targets with under a fifth of a blank image\'s squared error', () => {
    const ae = buildPaintAutoencoder(new Rng(0));
    const meta = loadModule(ae.all, readFileSync(new URL('../../../envs/art/paint-autoencoder.safetensors', import.meta.url)));
    expect(meta.command).toMatch(/^npx tsx scripts\/paint-autoencoder\.ts/);
    const n = 8, size = AE_SIZE * AE_SIZE;
    const x = new Float32Array(n * size);
    for (let i = 0; i < n; i++) x.set(generateTarget(HELD_OUT_FROM + 1000 + i, AE_SIZE), i * size);
    const input = tensor(x, [n, 1, AE_SIZE, AE_SIZE]);
    const error = noGrad(() => mse(ae.all.forward(input), input).data[0]);
    const blank = x.reduce((a, v) => a + v * v, 0) / x.length;
    expect(error).toBeLessThan(blank / 5);
  });
});
