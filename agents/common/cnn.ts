/**
 * The convolutional trunk the agents use for image observations, as in CleanRL's ppo_atari.py and
 * dqn_atari.py: uint8 frames scaled by 1/255, the Nature CNN's convolutions (Mnih et al. 2015: 8×8 stride 4,
 * 4×4 stride 2, 3×3 stride 1, each with ReLU), flatten, and a ReLU layer; orthogonal init with gain √2.
 * `channels` picks how many of the three convolutions and their widths (the full Nature CNN is
 * [32, 64, 64] with a 512-unit layer).
 */
import { ConfigError } from '../../src/core/errors.ts';
import type { Rng } from '../../src/core/rng.ts';
import type { Space } from '../../src/gym/spaces.ts';
import { mul, reshape, type Tensor } from '../../src/autograd/index.ts';
import { Activation, Conv2d, Flatten, Linear, Sequential, type Module } from '../../src/nn/index.ts';

/** The Nature CNN's kernels and strides, layer by layer (Mnih et al. 2015). */
const CNN_LAYERS = [{ kernel: 8, stride: 4 }, { kernel: 4, stride: 2 }, { kernel: 3, stride: 1 }] as const;

/** Reshapes flat uint8-valued rows into [B, C, H, W] images scaled to [0, 1]; frame stacks of colour frames fold into C. */
export class ImageInput implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children = {};
  training = true;
  readonly shape: readonly [number, number, number];

  constructor(shape: readonly [number, number, number]) {
    this.shape = shape;
  }

  forward(x: Tensor): Tensor {
    return mul(reshape(x, [x.shape[0], ...this.shape]), 1 / 255);
  }
}

/** The image shape [C, H, W] a CNN reads from an observation space of shape [H, W] (one channel), [C, H, W] or [k, C, H, W]. */
export function imageShape(algo: string, obsSpace: Space): [number, number, number] {
  const shape = obsSpace.kind === 'box' ? obsSpace.shape : [];
  if (shape.length < 2 || shape.length > 4) {
    throw new ConfigError(`${algo}: network "cnn" needs image observations of shape [H, W], [C, H, W] or [k, C, H, W], received ${obsSpace.kind === 'box' ? `Box of shape [${shape.join(', ')}]` : `a ${obsSpace.kind} space`}`);
  }
  const h = shape[shape.length - 2], w = shape[shape.length - 1];
  return [shape.slice(0, -2).reduce((a, b) => a * b, 1), h, w];
}

/** The trunk: image input, 1–3 Nature convolutions with ReLU, flatten, a ReLU layer of `hidden` units. */
export function buildCnnTrunk(algo: string, channels: readonly number[], hidden: number, image: [number, number, number], rng: Rng): Module {
  const [c, h0, w0] = image;
  if (channels.length < 1 || channels.length > CNN_LAYERS.length) throw new ConfigError(`${algo}: cnnChannels must list 1 to ${CNN_LAYERS.length} channel counts, received [${channels.join(', ')}]`);
  const layers: Module[] = [new ImageInput(image)];
  let ch = c, h = h0, w = w0;
  channels.forEach((out, i) => {
    const { kernel, stride } = CNN_LAYERS[i];
    h = Math.floor((h - kernel) / stride) + 1;
    w = Math.floor((w - kernel) / stride) + 1;
    if (h < 1 || w < 1) throw new ConfigError(`${algo}: the ${h0}×${w0} image is too small for cnn layer ${i + 1} (${kernel}×${kernel}, stride ${stride}); use fewer cnnChannels or a bigger screen`);
    layers.push(new Conv2d(ch, out, kernel, rng, { stride, gain: Math.SQRT2 }), new Activation('relu'));
    ch = out;
  });
  layers.push(new Flatten(), new Linear(ch * h * w, hidden, rng, { gain: Math.SQRT2 }), new Activation('relu'));
  return new Sequential(...layers);
}
