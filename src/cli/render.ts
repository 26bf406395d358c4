/**
 * `dojo render <id> --out frames.gif|frame.png [--policy random|noop] [--steps n] [--seed n] [--width px]
 * [--height px] [--supersample k] [--fps n]`: runs an env with a simple policy and saves what it renders,
 * through the rasterizer (no browser). A GIF holds one frame per step (until the episode ends or `--steps`),
 * a PNG the frame after `--steps` steps. GIFs are encoded with gifenc, PNGs with pngjs; files are written
 * to a temporary name and renamed into place; a failed write (a full disk) leaves no partial file
 * and names the file, and temporaries left by a killed render are removed on the next one.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { PNG } from 'pngjs';
import '../../envs/index.ts';
import { ConfigError } from '../core/errors.ts';
import type { AnyEnv } from '../gym/env.ts';
import { rasterize } from '../gym/raster.ts';
import { make, spec } from '../gym/registry.ts';
import { getAgent } from '../../agents/index.ts';
import { readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { parseKwargsFlag, readCheckpoint } from './run-context.ts';
import type { Scene } from '../gym/scene.ts';
import { sample, type SpaceValue } from '../gym/spaces.ts';
import { removeStaleTemporaries, writeFileAtomic } from '../nn/safetensors-node.ts';

/** Options of `dojo render`. */
interface RenderFlags {
  envKwargs?: string;
  out?: string;
  policy?: string;
  steps?: string;
  seed?: string;
  width?: string;
  height?: string;
  supersample?: string;
  fps?: string;
  checkpoint?: string;
}

/** The parts of gifenc we use (it ships without types, so its module is narrowed at run time). */
interface GifEncoderApi {
  GIFEncoder(): { writeFrame(index: Uint8Array, width: number, height: number, opts: { palette: number[][]; delay: number; repeat?: number }): void; finish(): void; bytes(): Uint8Array };
  quantize(rgba: Uint8Array, maxColors: number): number[][];
  applyPalette(rgba: Uint8Array, palette: number[][]): Uint8Array;
}

const POLICIES = ['random', 'noop'] as const;

function intFlag(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`render: --${name} must be an integer ≥ ${min}, received "${value}"`);
  return n;
}

/** The action a policy takes now. */
function chooseAction(env: AnyEnv, policy: (typeof POLICIES)[number], mask: Uint8Array | undefined): SpaceValue {
  if (policy === 'random') return sample(env.actionSpace, env.actionRng, mask);
  const keymap = env.spec.metadata.keymap;
  const noop = keymap?.play === 'realtime' ? keymap.noop : undefined;
  if (noop === undefined) throw new ConfigError(`render: ${env.spec.id} declares no noop action (${keymap === undefined ? 'no keymap' : 'its keymap plays in turns'}); use --policy random`);
  return typeof noop === 'number' ? noop : Float32Array.from(noop);
}

/** Picks an action: a named simple policy, or a trained policy (`--checkpoint`). */
export type Chooser = (env: AnyEnv, obs: unknown, mask: Uint8Array | undefined) => SpaceValue;

/** Runs the env and collects scenes: after reset, then after each step. */
export function collectScenes(
  id: string, policy: (typeof POLICIES)[number] | Chooser, steps: number, seed: number, untilDone: boolean, kwargs: Readonly<Record<string, unknown>> = {},
): Scene[] {
  const env = make<unknown, unknown>(id, { kwargs });
  const choose: Chooser = typeof policy === 'function' ? policy : (e, _obs, m) => chooseAction(e, policy, m);
  const scenes: Scene[] = [];
  let { obs, mask } = env.reset({ seed });
  scenes.push(env.render());
  for (let t = 0; t < steps; t++) {
    const r = env.step(choose(env, obs, mask));
    obs = r.obs;
    mask = r.mask;
    scenes.push(env.render());
    if (r.terminated || r.truncated) {
      if (untilDone) break;
      ({ obs, mask } = env.reset());
    }
  }
  env.close();
  return scenes;
}

function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const rgba = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i];
    rgba[j + 1] = rgb[i + 1];
    rgba[j + 2] = rgb[i + 2];
    rgba[j + 3] = 255;
  }
  return rgba;
}

async function loadGifenc(): Promise<GifEncoderApi> {
  const name: string = 'gifenc';
  const mod: unknown = await import(name);
  const candidates = [mod, (mod as { default?: unknown }).default];
  for (const c of candidates) {
    const api = c as Partial<GifEncoderApi> | undefined;
    if (api && typeof api.GIFEncoder === 'function' && typeof api.quantize === 'function' && typeof api.applyPalette === 'function') return api as GifEncoderApi;
  }
  throw new Error('render: the gifenc package does not export GIFEncoder/quantize/applyPalette');
}

/** Encodes RGB frames as a looping GIF. */
export async function encodeGif(frames: Uint8Array[], width: number, height: number, fps: number): Promise<Uint8Array> {
  const { GIFEncoder, quantize, applyPalette } = await loadGifenc();
  const gif = GIFEncoder();
  const delay = Math.round(1000 / fps);
  for (const rgb of frames) {
    const rgba = rgbToRgba(rgb);
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), width, height, { palette, delay, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}

/** Encodes one RGB frame as PNG. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgbToRgba(rgb));
  return PNG.sync.write(png);
}

/** Adds `dojo render`. */
export function register(program: Command): void {
  program
    .command('render')
    .description('run an environment with a simple or a trained policy and save its frames as a GIF or PNG')
    .argument('[id]', 'environment id, e.g. CartPole-v1 (default: the checkpoint\'s env)')
    .option('--env-kwargs <json>', 'env kwargs as a JSON object, e.g. \'{"obs":"pixels"}\' (default: the checkpoint\'s)')
    .option('--checkpoint <file>', 'act with the trained policy in this checkpoint (deterministic actions)')
    .requiredOption('--out <file>', 'output file, .gif (animation) or .png (one frame)')
    .option('--policy <name>', `policy: ${POLICIES.join(' | ')}`, 'random')
    .option('--steps <n>', 'GIF: at most n steps (stops at the episode end); PNG: the frame after n steps')
    .option('--seed <n>', 'reset seed', '0')
    .option('--width <px>', 'image width', '600')
    .option('--height <px>', 'image height (default: keeps the scene aspect ratio)')
    .option('--supersample <k>', 'anti-aliasing factor', '2')
    .option('--fps <n>', "GIF frame rate (default: the env's renderFps)")
    .action(async (idArg: string | undefined, flags: RenderFlags) => {
      const out = flags.out as string;
      let id = idArg;
      let trained: Chooser | null = null;
      let kwargs = parseKwargsFlag('render', '--env-kwargs', flags.envKwargs, '{"obs":"pixels"}');
      if (flags.checkpoint !== undefined) {
        if (!existsSync(flags.checkpoint)) throw new ConfigError(`render: checkpoint not found: ${flags.checkpoint}`);
        const ckpt = readCheckpoint(flags.checkpoint);
        const meta = readCheckpointMeta(ckpt);
        if (id !== undefined && id !== meta.envId) throw new ConfigError(`render: the checkpoint was trained on ${meta.envId}, not ${id}`);
        id = meta.envId;
        if (flags.envKwargs !== undefined && JSON.stringify(kwargs) !== JSON.stringify(meta.envKwargs)) {
          throw new ConfigError(`render: the checkpoint was trained with --env-kwargs '${JSON.stringify(meta.envKwargs)}', not '${JSON.stringify(kwargs)}'`);
        }
        kwargs = meta.envKwargs;
        const probe = make<unknown, unknown>(id, { kwargs });
        const policy = getAgent(meta.algo).loadPolicy(ckpt, probe.observationSpace, probe.actionSpace);
        probe.close();
        trained = (_env, obs, mask) => policy.act(obs as SpaceValue, { deterministic: true, mask });
      }
      if (id === undefined) throw new ConfigError('render: give an env id or --checkpoint <file>');
      const kind = out.toLowerCase().endsWith('.gif') ? 'gif' : out.toLowerCase().endsWith('.png') ? 'png' : null;
      if (kind === null) throw new ConfigError(`render: --out must end in .gif or .png, received "${out}"`);
      removeStaleTemporaries(dirname(out), `${basename(out)}.tmp-`);
      const policy = POLICIES.find((p) => p === flags.policy);
      if (policy === undefined) throw new ConfigError(`render: unknown --policy "${flags.policy}"; choose ${POLICIES.join(' or ')}`);
      const steps = intFlag('steps', flags.steps, kind === 'gif' ? (trained !== null ? 500 : 300) : 0);
      const seed = intFlag('seed', flags.seed, 0);
      const width = intFlag('width', flags.width, 600, 1);
      const supersample = intFlag('supersample', flags.supersample, 2, 1);
      const scenes = collectScenes(id, trained ?? policy, steps, seed, kind === 'gif', kwargs);
      const b = scenes[0].bounds;
      const height = intFlag('height', flags.height, Math.max(1, Math.round((width * (b.yMax - b.yMin)) / (b.xMax - b.xMin))), 1);
      if (kind === 'png') {
        writeFileAtomic(out, encodePng(rasterize(scenes[scenes.length - 1], width, height, { supersample }), width, height), 'image');
        process.stdout.write(`wrote ${out} (${width}×${height}, after ${scenes.length - 1} steps)\n`);
        return;
      }
      const fps = intFlag('fps', flags.fps, spec(id).metadata.renderFps, 1);
      const frames = scenes.map((scene) => rasterize(scene, width, height, { supersample }));
      writeFileAtomic(out, await encodeGif(frames, width, height, fps), 'image');
      process.stdout.write(`wrote ${out} (${frames.length} frames, ${width}×${height}, ${fps} fps)\n`);
    });
}
