/**
 * PixelObservation: replaces observations with pixels of the env's rendered Scene (Gymnasium's
 * `AddRenderObservation(render_only=True)` + `ResizeObservation` + `GrayscaleObservation`), drawn directly
 * at the requested size by the rasterizer. Observations are uint8 `[height, width, channels]`, channels 3
 * (RGB) or 1 (grayscale), as CNN policies expect.
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import type { AnyEnv, Env, EnvSpec, ResetOptions, ResetResult, StepResult, Wrapper } from '../env.ts';
import { rasterize, rgbToGray } from '../raster.ts';
import type { Scene } from '../scene.ts';
import { box, type BoxSpace, type Space } from '../spaces.ts';

/** Options of `pixelObservation`. */
export interface PixelObservationOptions {
  /** Image width in pixels (default 84). */
  readonly width?: number;
  /** Image height in pixels (default 84). */
  readonly height?: number;
  /** One luma channel instead of RGB (default false). */
  readonly grayscale?: boolean;
}

/** The wrapper. */
export class PixelObservation<A> implements Wrapper<Uint8Array, A, unknown, A> {
  readonly inner: Env<unknown, A>;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: AnyEnv;
  readonly width: number;
  readonly height: number;
  readonly grayscale: boolean;
  private readonly rgb: Uint8Array;

  constructor(env: Env<unknown, A>, opts: PixelObservationOptions = {}) {
    const width = opts.width ?? 84;
    const height = opts.height ?? 84;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new ConfigError(`${env.spec.id}: pixelObservation width and height must be positive integers, received ${width}×${height}`);
    }
    this.grayscale = opts.grayscale ?? false;
    this.inner = env;
    this.observationSpace = box(0, 255, { shape: [height, width, this.grayscale ? 1 : 3], dtype: 'uint8' });
    this.actionSpace = env.actionSpace;
    this.spec = env.spec;
    this.actionRng = env.actionRng;
    this.unwrapped = env.unwrapped;
    this.width = width;
    this.height = height;
    this.rgb = new Uint8Array(width * height * 3);
  }

  /** Resets and returns the first frame. */
  reset(opts?: ResetOptions): ResetResult<Uint8Array> {
    const { info, mask } = this.inner.reset(opts);
    const obs = this.frame();
    return mask === undefined ? { obs, info } : { obs, info, mask };
  }

  /** Steps and returns the new frame. */
  step(action: A): StepResult<Uint8Array> {
    const r = this.inner.step(action);
    const out: StepResult<Uint8Array> = { obs: this.frame(), reward: r.reward, terminated: r.terminated, truncated: r.truncated, info: r.info };
    if (r.mask !== undefined) out.mask = r.mask;
    return out;
  }

  private frame(): Uint8Array {
    const scene = this.inner.render();
    if (this.grayscale) return rgbToGray(rasterize(scene, this.width, this.height, { out: this.rgb }));
    return rasterize(scene, this.width, this.height);
  }

  /** The inner env's scene. */
  render(): Scene {
    return this.inner.render();
  }

  /** Closes the inner env. */
  close(): void {
    this.inner.close();
  }
}

/** Wraps `env` so observations are its rendered frames (uint8, `[height, width, 3 or 1]`). */
export function pixelObservation<A>(env: Env<unknown, A>, opts?: PixelObservationOptions): PixelObservation<A> {
  return new PixelObservation(env, opts);
}
