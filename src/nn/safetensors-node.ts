/**
 * safetensors checkpoints on the file system (Node only; the codec is safetensors.ts).
 *
 * Writes are atomic: the bytes go to `<path>.tmp-<pid>-<random>` in the same directory, are
 * fsynced, and the temporary file is renamed over the target, so a crash or a failed write leaves
 * either the old file or the new one, never half of one, and no temporary file behind (a process
 * killed mid-write leaves its temporary file: `removeStaleTemporaries` clears those).
 *
 * Reads accept regular files only (a FIFO would block forever, /dev/zero never ends) and go in
 * the codec's order: the 8-byte length, the header, every declared range checked against the
 * file's size, and only then the tensor data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CheckpointError } from '../core/errors.ts';
import type { Module, StateEntry } from './module.ts';
import { loadStateDict } from './module.ts';
import type { DecodedSafetensors } from './safetensors.ts';
import { assertFinite, decodeSafetensorsFrom, encodeSafetensors, saveModule } from './safetensors.ts';

/** The largest checkpoint file we read (a net of 256M float32 weights); larger files are refused unread. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/** The suffix of temporary files: `<target>.tmp-<pid>-<12 hex digits>`. */
const TEMPORARY = /\.tmp-(\d+)-[0-9a-f]{12}$/;

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

/**
 * Reads and validates a safetensors file; a missing, special (FIFO, device, directory), oversized
 * or malformed file is a CheckpointError naming the path. Reads no more than the file's declared layout.
 */
export function readSafetensorsFile(file: string): DecodedSafetensors {
  let fd: number;
  try {
    checkRegularFile(file, fs.statSync(file));
    // O_NONBLOCK: should the path turn into a FIFO between stat and open, open does not wait for a writer
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    const code = errorCode(err);
    if (code === 'ENOENT') throw new CheckpointError(`no checkpoint at "${file}": the file does not exist`);
    throw new CheckpointError(`cannot read checkpoint "${file}": ${errorText(err)}`);
  }
  try {
    const st = fs.fstatSync(fd);
    checkRegularFile(file, st);
    if (st.size > MAX_FILE_BYTES) throw new CheckpointError(`${file}: the file is ${st.size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a checkpoint`);
    return decodeSafetensorsFrom(st.size, (offset, length) => readAt(fd, offset, length));
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(err.message.startsWith(`${file}: `) ? err.message : `${file}: ${err.message}`);
    throw new CheckpointError(`cannot read checkpoint "${file}": ${errorText(err)}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Refuses anything but a regular file, saying what it is. */
function checkRegularFile(file: string, st: fs.Stats): void {
  if (st.isFile()) return;
  if (st.isDirectory()) throw new CheckpointError(`cannot read checkpoint "${file}": it is a directory, not a safetensors file`);
  const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isSocket() ? 'a socket' : 'not a regular file';
  throw new CheckpointError(`cannot read checkpoint "${file}": it is ${kind}; checkpoints are read from regular files only`);
}

/** Exactly `length` bytes at `offset` (fewer only if the file shrank while being read). */
function readAt(fd: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, out, got, length - got, offset + got);
    if (n === 0) return out.subarray(0, got);
    got += n;
  }
  return out;
}

/**
 * Removes the temporary files (`<prefix>*.tmp-<pid>-<hex>`) that a process killed while writing left
 * in `dir`, skipping those of processes still running; returns the names removed.
 */
export function removeStaleTemporaries(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (m === null || !name.startsWith(prefix) || isRunning(Number(m[1]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // already gone, or not ours to remove: leave it
    }
  }
  return removed;
}

/** Whether a process with this id exists (signal 0 tests without signalling). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

/**
 * Loads a safetensors file into a module and returns its metadata. The file and its fit to the
 * module are checked before any weight changes (see `loadModule` in safetensors.ts).
 */
export function loadModuleFile(m: Module, file: string, strict = true): Record<string, string> {
  const { tensors, metadata } = readSafetensorsFile(file);
  try {
    assertFinite(tensors);
    loadStateDict(m, tensors, strict);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`${file}: ${err.message}`);
    throw err;
  }
  return metadata;
}

/**
 * Writes `bytes` to `file` through a temporary file, fsync and rename. On failure the temporary
 * file is removed and a CheckpointError names the file (`what` it is: a checkpoint, an image, a log)
 * and what failed.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, what = 'checkpoint'): void {
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
    throw new CheckpointError(`could not write ${what} "${file}": ${errorText(err)}; any previous file there is unchanged`);
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
