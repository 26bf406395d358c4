/**
 * safetensors checkpoints on the file system (Node only; the codec is safetensors.ts).
 *
 * Writes are atomic: the bytes go to `<path>.tmp-<pid>-<random>` in the same directory, are
 * fsynced, and the temporary file is renamed over the target, so a crash or a failed write leaves
 * either the old file or the new one, never half of one, and no temporary file behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CheckpointError } from '../core/errors.ts';
import type { Module, StateEntry } from './module.ts';
import { loadStateDict } from './module.ts';
import type { DecodedSafetensors } from './safetensors.ts';
import { decodeSafetensors, encodeSafetensors, saveModule } from './safetensors.ts';

/**
 * Saves a module's state dict, or a map of named tensors, as a safetensors file at `file`,
 * atomically (see the file header). Throws a CheckpointError if the write fails; the previous
 * file, if any, is then unchanged.
 */
export function saveSafetensorsFile(
  file: string,
  source: Module | ReadonlyMap<string, StateEntry>,
  metadata: Readonly<Record<string, string>> = {},
): void {
  const bytes = source instanceof Map ? encodeSafetensors(source, metadata) : saveModule(source as Module, metadata);
  writeFileAtomic(file, bytes);
}

/** Reads and validates a safetensors file; a missing or malformed file is a CheckpointError naming the path. */
export function readSafetensorsFile(file: string): DecodedSafetensors {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') throw new CheckpointError(`no checkpoint at "${file}": the file does not exist`);
    if (code === 'EISDIR') throw new CheckpointError(`cannot read checkpoint "${file}": it is a directory, not a safetensors file`);
    throw new CheckpointError(`cannot read checkpoint "${file}": ${errorText(err)}`);
  }
  try {
    return decodeSafetensors(bytes);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`${file}: ${err.message}`);
    throw err;
  }
}

/**
 * Loads a safetensors file into a module and returns its metadata. The file and its fit to the
 * module are checked before any weight changes (see `loadModule` in safetensors.ts).
 */
export function loadModuleFile(m: Module, file: string, strict = true): Record<string, string> {
  const { tensors, metadata } = readSafetensorsFile(file);
  try {
    loadStateDict(m, tensors, strict);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`${file}: ${err.message}`);
    throw err;
  }
  return metadata;
}

/**
 * Writes `bytes` to `file` through a temporary file, fsync and rename. On failure the temporary
 * file is removed and a CheckpointError says what failed.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let fd: number | null = null;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== null) ignoreErrors(() => fs.closeSync(fd as number));
    ignoreErrors(() => fs.unlinkSync(tmp));
    throw new CheckpointError(`could not write checkpoint "${file}": ${errorText(err)}; any previous file there is unchanged`);
  }
  syncDirectory(path.dirname(file));
}

/** Makes the rename itself durable; not possible on every platform, so failures are ignored. */
function syncDirectory(dir: string): void {
  ignoreErrors(() => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  });
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // best effort: the caller is already reporting the error that matters
  }
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
