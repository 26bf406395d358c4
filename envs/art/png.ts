/**
 * User images for the art envs' `targetPng` kwarg: a PNG file decoded with pngjs and turned into a target.
 *
 * Node only. pngjs and node:fs are loaded through `process.getBuiltinModule` when the kwarg is used, so the
 * browser bundle (which imports the env registrations) pulls in neither; the page passes its drawn or
 * dropped image as `reset({ options: { target } })` instead.
 */
import type { PNG } from 'pngjs';
import { ConfigError } from '../../src/core/errors.ts';
import { targetFromImage } from './targets.ts';

/** The Node modules this file needs, or null outside Node. */
function nodeModules(): { readFileSync: (path: string) => Uint8Array; png: typeof PNG } | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.getBuiltinModule === undefined) return null;
  const fs = proc.getBuiltinModule('node:fs') as { readFileSync: (path: string) => Uint8Array };
  const mod = proc.getBuiltinModule('node:module') as { createRequire: (url: string) => (id: string) => unknown };
  const png = (mod.createRequire(import.meta.url)('pngjs') as { PNG: typeof PNG }).PNG;
  return { readFileSync: fs.readFileSync, png };
}

/** The target of the PNG file at `path`, resampled to `size`×`size`; errors name the file, what was expected and what was found. */
export function readPngTarget(envId: string, path: string, size: number): Float32Array {
  const node = nodeModules();
  if (node === null) throw new ConfigError(`${envId}: kwarg "targetPng" reads a file and needs Node; in the browser pass reset({ options: { target } }) instead`);
  let bytes: Uint8Array;
  try {
    bytes = node.readFileSync(path);
  } catch (e) {
    throw new ConfigError(`${envId}: kwarg "targetPng": cannot read "${path}" (expected a readable PNG file): ${(e as Error).message}`);
  }
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b)) {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ConfigError(`${envId}: kwarg "targetPng": "${path}" is not a PNG file (expected the signature 89 50 4e 47 0d 0a 1a 0a, received ${head === '' ? 'an empty file' : head})`);
  }
  let image: PNG;
  try {
    image = node.png.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new ConfigError(`${envId}: kwarg "targetPng": "${path}" has a PNG signature but does not decode (expected a valid PNG): ${(e as Error).message}`);
  }
  return targetFromImage({ width: image.width, height: image.height, data: image.data }, size, `${envId}: kwarg "targetPng" "${path}"`);
}
