/**
 * safetensors files from strangers (issue 24, items 2–4): the reader never hangs, never reads or
 * allocates more than the file's declared layout, bounds nesting, dimensions, tensor count and
 * message length, and loaders refuse non-finite weights naming the tensor. Property tests
 * (fast-check, fixed seeds) over random and mutated files: only CheckpointError, output bounded by
 * the file's size, every decode fast. Every crafted file is built here; none is committed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError } from '../../src/core/errors.ts';
import { Tensor } from '../../src/autograd/tensor.ts';
import type { Module, StateEntry } from '../../src/nn/module.ts';
import { decodeSafetensors, decodeSafetensorsFrom, encodeSafetensors, loadModule, MAX_MESSAGE_CHARS, MAX_TENSORS } from '../../src/nn/safetensors.ts';
import { loadModuleFile, readSafetensorsFile, saveSafetensorsFile } from '../../src/nn/safetensors-node.ts';

const DOJO = path.join(__dirname, '..', '..', 'bin', 'dojo.js');
let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-hostile-'));
});
afterAll(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A file: the 8-byte length of `header`, the header's UTF-8 bytes, then `data`. */
function file(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** The error `fn` throws (fails the test if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw, but it returned');
}

function module1(values: number[]): Module {
  return { params: { weight: new Tensor(Float32Array.from(values), [values.length], true) }, buffers: {}, children: {}, training: true, forward: (x: Tensor) => x };
}

describe('item 2: only regular files, length first, sizes checked before data is read', () => {
  it('refuses /dev/zero at once instead of reading it forever', () => {
    const err = thrown(() => readSafetensorsFile('/dev/zero'));
    expect(err).toBeInstanceOf(CheckpointError);
    expect(String(err)).toMatch(/\/dev\/zero": it is a character device; checkpoints are read from regular files only/);
  });

  it('refuses a FIFO instead of blocking on it (in a child process, so a regression fails instead of hanging)', () => {
    const fifo = path.join(dir, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    const r = spawnSync(process.execPath, [DOJO, 'eval', '--checkpoint', fifo], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal, 'dojo eval blocked on the FIFO until the timeout').toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/it is a FIFO \(named pipe\); checkpoints are read from regular files only/);
  });

  it('reads only the length and the header of a 64 MB file whose header does not cover it', () => {
    const big = path.join(dir, 'sparse.safetensors');
    const head = file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
    fs.writeFileSync(big, head);
    fs.truncateSync(big, 64 * 1024 * 1024); // sparse: takes no disk
    const whole = vi.spyOn(fs, 'readFileSync');
    const some = vi.spyOn(fs, 'readSync');
    const err = thrown(() => readSafetensorsFile(big));
    const requested = some.mock.calls.reduce((n, call) => n + (typeof (call as unknown[])[3] === 'number' ? ((call as unknown[])[3] as number) : 0), 0);
    whole.mockRestore();
    some.mockRestore();
    expect(String(err)).toMatch(/the tensors cover 8 bytes but the data buffer has \d+; \d+ bytes at the end belong to no tensor/);
    expect(whole).not.toHaveBeenCalled();
    expect(requested).toBeLessThanOrEqual(head.length);
  });

  it('refuses a file over the size limit unread', () => {
    const huge = path.join(dir, 'huge.safetensors');
    fs.writeFileSync(huge, file('{}'));
    fs.truncateSync(huge, 1024 * 1024 * 1024 + 1);
    expect(() => readSafetensorsFile(huge)).toThrow(/the file is 1073741825 bytes, over the 1073741824-byte limit/);
    fs.rmSync(huge);
  });
});

describe('item 3: nesting, dimensions, tensor count and message length are bounded', () => {
  it('a header nested 100,000 levels deep is a CheckpointError, not a stack overflow', () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const err = thrown(() => decodeSafetensors(file(deep)));
    expect(err).toBeInstanceOf(CheckpointError);
    expect(String(err)).toMatch(/the header nests deeper than 3 levels/);
    const deepObject = `{"__metadata__":${'{"k":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expect(thrown(() => decodeSafetensors(file(deepObject)))).toBeInstanceOf(CheckpointError);
  });

  it('a 1M-dimension shape is refused with a short message', () => {
    const ones = new Array(1_000_000).fill(1);
    const err = thrown(() => decodeSafetensors(file(`{"a":{"dtype":"F32","shape":[${ones.join(',')}],"data_offsets":[0,4]}}`, new Uint8Array(4))));
    expect(String(err)).toMatch(/shape has 1000000 dimensions, over the 16-dimension limit/);
    ones[999_999] = -1;
    const bad = thrown(() => decodeSafetensors(file(`{"a":{"dtype":"F32","shape":[${ones.join(',')}],"data_offsets":[0,4]}}`, new Uint8Array(4))));
    expect(bad).toBeInstanceOf(CheckpointError);
    expect((bad as Error).message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  });

  it('more tensors than the limit are refused before any is read', () => {
    const n = MAX_TENSORS + 1;
    const fields = Array.from({ length: n }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const t0 = performance.now();
    expect(() => decodeSafetensors(file(`{${fields.join(',')}}`))).toThrow(`the header lists ${n} tensors, over the ${MAX_TENSORS}-tensor limit`);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('long names, values and field lists are quoted short', () => {
    const name = 'x'.repeat(100_000);
    const cases = [
      file(`{"${name}":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, new Uint8Array(8)),
      file(`{"a":{"dtype":"${name}","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)),
      file(`{"a":"${name}"}`),
      file(`{"__metadata__":{"k":[${new Array(50_000).fill(1).join(',')}]}}`),
      file(`{"a":{${Array.from({ length: 20_000 }, (_, i) => `"f${i}":1`).join(',')}}}`),
    ];
    for (const bytes of cases) {
      const err = thrown(() => decodeSafetensors(bytes));
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    }
  });
});

describe('item 4: non-finite weights are refused on load, naming the tensor', () => {
  it.each([[Number.NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity']])('%s', (bad, shown) => {
    const bytes = encodeSafetensors(new Map<string, StateEntry>([['weight', { data: Float32Array.of(1, bad, 3), shape: [3] }]]));
    const m = module1([0, 0, 0]);
    expect(() => loadModule(m, bytes)).toThrow(`checkpoint tensor "weight" (shape [3]) holds ${shown} at index 1; weights must be finite numbers`);
    expect(Array.from(m.params.weight.data)).toEqual([0, 0, 0]);
    const onDisk = path.join(dir, `nan-${shown}.safetensors`);
    saveSafetensorsFile(onDisk, new Map<string, StateEntry>([['weight', { data: Float32Array.of(1, bad, 3), shape: [3] }]]));
    expect(() => loadModuleFile(m, onDisk)).toThrow(/tensor "weight" \(shape \[3\]\) holds/);
  });
});

// ── property tests ──

/** A valid file: 0–4 tensors of random shapes and values, random string metadata. */
const validFile = fc
  .record({
    tensors: fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })), { maxLength: 4 }),
    metadata: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
  })
  .map(({ tensors, metadata }) => {
    const map = new Map<string, StateEntry>();
    tensors.forEach(([name, shape], i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      if (name !== '__metadata__') map.set(name, { data: Float32Array.from({ length: n }, (_, j) => i + j / 8), shape });
    });
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) Object.defineProperty(meta, k, { value: v, enumerable: true });
    return encodeSafetensors(map, meta);
  });

/** One edit of a file's bytes: flip, overwrite, cut, insert, or a new header length. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 8 }) }),
  fc.record({ kind: fc.constant('length' as const), n: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ kind: fc.constant('token' as const), at: fc.nat(), text: fc.constantFrom('[', ']', '{', '}', ',', ':', '"', '\\', '-1', '1e308', '4294967296', 'null', '"F16"', '"__proto__"', '"shape"', '"data_offsets"') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Uint8Array, edits: readonly Mutation[]): Uint8Array {
  let b = bytes;
  for (const e of edits) {
    const at = b.length === 0 ? 0 : ('at' in e ? e.at % b.length : 0);
    if (e.kind === 'set' && b.length > 0) {
      b = b.slice();
      b[at] = e.byte;
    } else if (e.kind === 'cut') {
      b = b.slice(0, at);
    } else if (e.kind === 'insert' || e.kind === 'token') {
      const ins = e.kind === 'insert' ? e.bytes : new TextEncoder().encode(e.text);
      b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
    } else if (e.kind === 'length' && b.length >= 8) {
      b = b.slice();
      new DataView(b.buffer).setBigUint64(0, e.n, true);
    }
  }
  return b;
}

/** Decodes; the only acceptable failure is a CheckpointError, and a success returns at most 2× the file in float32 (F16/BF16 double). */
function decodeChecked(bytes: Uint8Array): number {
  const t0 = performance.now();
  try {
    const { tensors } = decodeSafetensors(bytes);
    let out = 0;
    for (const t of tensors.values()) out += t.data.byteLength;
    expect(out).toBeLessThanOrEqual(2 * bytes.length);
    expect(tensors.size).toBeLessThanOrEqual(MAX_TENSORS);
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    expect(err.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
  }
  return performance.now() - t0;
}

describe('properties: random and mutated files', () => {
  it('random bytes: only CheckpointError, bounded output, fast', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      expect(decodeChecked(bytes)).toBeLessThan(250);
    }), { seed: 24, numRuns: 400 });
  });

  it('random bytes behind a plausible header length: only CheckpointError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat({ max: 600 }), (body, n) => {
      const bytes = new Uint8Array(8 + body.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(n), true);
      bytes.set(body, 8);
      expect(decodeChecked(bytes)).toBeLessThan(250);
    }), { seed: 2424, numRuns: 400 });
  });

  it('valid files with 1–4 random edits: only CheckpointError, bounded output, fast', () => {
    fc.assert(fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 4 }), (bytes, edits) => {
      expect(decodeChecked(mutate(bytes, edits))).toBeLessThan(250);
    }), { seed: 240, numRuns: 600 });
  });

  it('random JSON headers over random data: only CheckpointError', () => {
    const entry = fc.record({ dtype: fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'toString', 3), shape: fc.oneof(fc.array(fc.oneof(fc.nat({ max: 5 }), fc.integer(), fc.double()), { maxLength: 4 }), fc.jsonValue()), data_offsets: fc.oneof(fc.tuple(fc.nat({ max: 64 }), fc.nat({ max: 64 })), fc.jsonValue()) });
    // a value may also be an array nested up to 100,000 deep (spliced into the text: stringify would overflow)
    const deep = fc.integer({ min: 1, max: 100_000 }).map((n) => `@@deep${n}@@`);
    const header = fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__metadata__', '__proto__', 'constructor')), fc.oneof(entry, fc.jsonValue(), deep), { maxKeys: 4 });
    fc.assert(fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, data) => {
      const text = JSON.stringify(h).replace(/"@@deep(\d+)@@"/g, (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
      expect(decodeChecked(file(text, data))).toBeLessThan(250);
    }), { seed: 4224, numRuns: 600 });
  });

  it('the reader asks for no more bytes than the file has, in all (so it allocates no more)', () => {
    fc.assert(fc.property(validFile, fc.array(mutation, { maxLength: 4 }), (bytes, edits) => {
      const file = mutate(bytes, edits);
      let requested = 0;
      try {
        decodeSafetensorsFrom(file.length, (offset, length) => {
          requested += length;
          expect(offset + length).toBeLessThanOrEqual(file.length);
          return file.slice(offset, offset + length);
        });
      } catch (err) {
        if (!(err instanceof CheckpointError)) throw err;
      }
      expect(requested).toBeLessThanOrEqual(file.length);
    }), { seed: 2400, numRuns: 600 });
  });

  it('files on disk: readSafetensorsFile throws only CheckpointError naming the file', () => {
    const target = path.join(dir, 'prop.safetensors');
    fc.assert(fc.property(validFile, fc.array(mutation, { maxLength: 3 }), (bytes, edits) => {
      fs.writeFileSync(target, mutate(bytes, edits));
      try {
        readSafetensorsFile(target);
      } catch (err) {
        expect(err).toBeInstanceOf(CheckpointError);
        expect((err as Error).message.startsWith(`${target}: `)).toBe(true);
      }
    }), { seed: 42, numRuns: 150 });
  });
});
