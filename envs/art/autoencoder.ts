/**
 * The perceptual distance of the art envs (`reward: 'perceptual'`): the RMS distance between two images in
 * the feature space of a small convolutional autoencoder trained with our own core on the target
 * distribution (scripts/paint-autoencoder.ts; weights in paint-autoencoder.safetensors next to this file).
 * Distances in a learned feature space follow the shapes of an image more than its pixels do (Zhang et al.
 * 2018, "The Unreasonable Effectiveness of Deep Features as a Perceptual Metric",
 * https://arxiv.org/abs/1801.03924); here the features are the encoder's code of a 64×64 image.
 *
 * Encoder: three 4×4 convolutions with stride 2 and padding 1 (1 → 8 → 16 → 16 channels; 64 → 32 → 16 → 8),
 * ReLU after the first two: a 16×8×8 code. Decoder: three blocks of nearest-neighbour 2× upsampling and a
 * 3×3 convolution (16 → 16 → 8 → 1), ReLU between, sigmoid at the end (Odena et al. 2016,
 * https://distill.pub/2016/deconv-checkerboard/, for upsampling instead of transposed convolutions).
 */
import { broadcastTo, noGrad, reshape, tensor, type Tensor } from '../../src/autograd/index.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { Activation, Conv2d, Sequential, type Module } from '../../src/nn/index.ts';
import { loadModule } from '../../src/nn/safetensors.ts';

/** Side of the images the autoencoder reads. */
export const AE_SIZE = 64;

/** Nearest-neighbour 2× upsampling of [B, C, H, W] (a reshape and a broadcast, so its gradient sums each 2×2 block). */
class Upsample2 implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;

  forward(x: Tensor): Tensor {
    const [b, c, h, w] = x.shape;
    return reshape(broadcastTo(reshape(x, [b, c, h, 1, w, 1]), [b, c, h, 2, w, 2]), [b, c, 2 * h, 2 * w]);
  }
}

/** The autoencoder's two halves. */
export interface PaintAutoencoder {
  readonly encoder: Sequential;
  readonly decoder: Sequential;
  /** Both halves as one module (`encoder.*`, `decoder.*`), for saving and loading. */
  readonly all: Module;
}

/** A freshly initialised autoencoder. */
export function buildPaintAutoencoder(rng: Rng): PaintAutoencoder {
  const down = (i: number, o: number): Conv2d => new Conv2d(i, o, 4, rng, { stride: 2, padding: 1, gain: Math.SQRT2 });
  const up = (i: number, o: number): Conv2d => new Conv2d(i, o, 3, rng, { padding: 1, gain: Math.SQRT2 });
  const encoder = new Sequential(down(1, 8), new Activation('relu'), down(8, 16), new Activation('relu'), down(16, 16));
  const decoder = new Sequential(
    new Upsample2(), up(16, 16), new Activation('relu'),
    new Upsample2(), up(16, 8), new Activation('relu'),
    new Upsample2(), up(8, 1), new Activation('sigmoid'),
  );
  const all: Module = { params: {}, buffers: {}, children: { encoder, decoder }, training: true, forward: (x) => decoder.forward(encoder.forward(x)) };
  return { encoder, decoder, all };
}

/** Reads the shipped weights (Node only: through `process.getBuiltinModule`, so the browser bundle never loads them). */
function readWeights(envId: string): Uint8Array {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.getBuiltinModule === undefined) throw new ConfigError(`${envId}: kwarg reward "perceptual" reads paint-autoencoder.safetensors and needs Node; use reward "l2" in the browser`);
  const fs = proc.getBuiltinModule('node:fs') as { readFileSync: (path: URL) => Uint8Array };
  return fs.readFileSync(new URL('./paint-autoencoder.safetensors', import.meta.url));
}

/** The encoder of the shipped autoencoder, as a distance between images. */
export class PerceptualDistance {
  private readonly encoder: Sequential;

  constructor(envId: string, size: number) {
    if (size !== AE_SIZE) throw new ConfigError(`${envId}: kwarg reward "perceptual" needs size ${AE_SIZE} (the autoencoder's input), received size ${size}`);
    // The Rng only initialises weights that the file then replaces.
    const ae = buildPaintAutoencoder(new Rng(0));
    loadModule(ae.all, readWeights(envId));
    this.encoder = ae.encoder;
  }

  /** The code of one size×size image of ink densities. */
  features(image: Float32Array): Float32Array {
    return noGrad(() => this.encoder.forward(tensor(image, [1, 1, AE_SIZE, AE_SIZE])).data);
  }

  /** The RMS difference of two codes. */
  static distance(a: Float32Array, b: Float32Array): number {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    return Math.sqrt(sum / a.length);
  }
}
