/**
 * safetensors checkpoints: byte-level fixtures built by hand from the format's specification
 * (https://github.com/huggingface/safetensors, README "Format"), round trips, every malformed
 * input the reader must refuse, and atomic writes on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.ts';
import { CheckpointError } from '../../src/core/errors.ts';
import type { Module, StateEntry } from '../../src/nn/module.ts';
import { stateDict } from '../../src/nn/module.ts';
import { decodeBlob, decodeSafetensors, encodeSafetensors, loadModule, saveModule } from '../../src/nn/safetensors.ts';
import { loadModuleFile, readSafetensorsFile, saveSafetensorsFile } from '../../src/nn/safetensors-node.ts';

// ── building files by hand ──

/** N as 8 little-endian bytes. */
function u64le(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++) out.push(Math.floor(n / 2 ** (8 * i)) % 256);
  return out;
}

/** A file: the 8-byte length of `header`, the header's UTF-8 bytes, then `data`. */
function file(header: string, data: readonly number[] = []): Uint8Array {
  const h = new TextEncoder().encode(header);
  return Uint8Array.from([...u64le(h.length), ...h, ...data]);
}

const ONE_F32 = [0x00, 0x00, 0x80, 0x3f]; // 1.0f = 0x3F800000, little-endian
const TWO_F32 = [0x00, 0x00, 0x00, 0x40]; // 2.0f = 0x40000000
const entry = (dtype: string, shape: string, offsets: string) => `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;

// ── a tiny module ──

function leaf(values: number[], shape: number[]): Tensor {
  return new Tensor(Float32Array.from(values), shape, true);
}

function net(offset = 0): Module {
  const identity = (x: Tensor) => x;
  const head: Module = {
    params: { weight: leaf([1, 2, 3].map((v) => v + offset), [1, 3]) },
    buffers: { runningMean: new Tensor(Float32Array.from([0.5 + offset]), [1]) },
    children: {},
    training: true,
    forward: identity,
  };
  return {
    params: { weight: leaf([1, -2, 3, -4, 5, -6].map((v) => v * 0.1 + offset), [2, 3]), bias: leaf([0.25 + offset, -0.5], [2]) },
    buffers: {},
    children: { head },
    training: true,
    forward: identity,
  };
}

function weights(m: Module): Record<string, number[]> {
  return Object.fromEntries([...stateDict(m)].map(([k, t]) => [k, Array.from(t.data)]));
}

// ── fixtures ──

describe('encoding matches bytes built by hand from the spec', () => {
  it('one F32 tensor "a" = [1, 2] with metadata', () => {
    const header = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(header.length).toBe(85); // counted by hand: 32 + 4 + 15 + 12 + 20 + 2
    const expected = Uint8Array.from([
      0x58, 0, 0, 0, 0, 0, 0, 0, // N = 88 = 85 + 3 spaces of padding to a multiple of 8
      ...new TextEncoder().encode(header),
      0x20, 0x20, 0x20,
      ...ONE_F32, ...TWO_F32,
    ]);
    const bytes = encodeSafetensors(new Map([['a', { data: Float32Array.of(1, 2), shape: [2] }]]), { format: 'pt' });
    expect(bytes).toEqual(expected);
  });

  it('a 4-D tensor, no metadata: the reference serializer pads its 65-byte header with 7 spaces', () => {
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(65);
    const data = new Uint8Array(Float32Array.of(0, 1, 2, 3, 4, 5).buffer); // this host is little-endian (checked below)
    const expected = Uint8Array.from([72, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode(header), ...new Array(7).fill(0x20), ...data]);
    expect(new Uint8Array(Uint16Array.of(1).buffer)[0]).toBe(1);
    expect(encodeSafetensors(new Map([['attn0', { data: Float32Array.of(0, 1, 2, 3, 4, 5), shape: [1, 1, 2, 3] }]]))).toEqual(expected);
  });

  it('no tensors and no metadata: "{}" and six spaces', () => {
    expect(encodeSafetensors(new Map())).toEqual(Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32]));
  });

  it('lays tensors out sorted by name, every one 8-byte aligned in the file', () => {
    const bytes = encodeSafetensors(new Map([
      ['z', { data: Float32Array.of(7), shape: [] }],
      ['b', { data: Float32Array.of(1, 2, 3), shape: [3] }],
    ]));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
    expect(header).toBe(`{"b":${entry('F32', '[3]', '[0,12]')},"z":${entry('F32', '[]', '[12,16]')}}`);
  });
});

describe('decoding hand-built files', () => {
  it('reads the padded fixture, its metadata and values', () => {
    const header = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}   ';
    const { tensors, metadata } = decodeSafetensors(file(header, [...ONE_F32, ...TWO_F32]));
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['a']);
    expect(tensors.get('a')).toEqual({ data: Float32Array.of(1, 2), shape: [2] });
  });

  it('reads an unpadded header (data at an unaligned offset) and whitespace in the JSON', () => {
    const header = '{ "a" : { "shape" : [ 2 ] , "dtype" : "F32" , "data_offsets" : [ 0 , 8 ] } }\n';
    const { tensors, metadata } = decodeSafetensors(file(header, [...TWO_F32, ...ONE_F32]));
    expect(metadata).toEqual({});
    expect(tensors.get('a')?.data).toEqual(Float32Array.of(2, 1));
  });

  it('reads tensors stored in a different order than the header lists them', () => {
    const header = `{"a":${entry('F32', '[2]', '[4,12]')},"b":${entry('F32', '[]', '[0,4]')}}`;
    const { tensors } = decodeSafetensors(file(header, [...TWO_F32, ...ONE_F32, ...TWO_F32]));
    expect(tensors.get('a')).toEqual({ data: Float32Array.of(1, 2), shape: [2] });
    expect(tensors.get('b')).toEqual({ data: Float32Array.of(2), shape: [] });
  });

  it('reads names with escapes, and keys inside values do not count as duplicates', () => {
    const header = `{"__metadata__":{"a":"{\\"a\\":1}"},"a\\"b":${entry('F32', '[1]', '[0,4]')},"a":${entry('F32', '[1]', '[4,8]')}}`;
    const { tensors, metadata } = decodeSafetensors(file(header, DATA8));
    expect(metadata).toEqual({ a: '{"a":1}' });
    expect([...tensors.keys()]).toEqual(['a"b', 'a']);
  });

  it('reads empty tensors (a 0 in the shape) and zero-length ranges', () => {
    const header = `{"e":${entry('F32', '[2,0,3]', '[0,0]')},"a":${entry('F32', '[1]', '[0,4]')},"f":${entry('F32', '[0]', '[4,4]')}}`;
    const { tensors } = decodeSafetensors(file(header, ONE_F32));
    expect(tensors.get('e')).toEqual({ data: new Float32Array(0), shape: [2, 0, 3] });
    expect(tensors.get('f')?.data.length).toBe(0);
    expect(tensors.get('a')?.data).toEqual(Float32Array.of(1));
  });

  it('converts F64, F16 and BF16 to float32', () => {
    const header = `{"d":${entry('F64', '[1]', '[0,8]')},"h":${entry('F16', '[5]', '[8,18]')},"b":${entry('BF16', '[2]', '[18,22]')}}`;
    const data = [
      0, 0, 0, 0, 0, 0, 0xf8, 0x3f, // 1.5 = 0x3FF8000000000000
      0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0xff, 0x7b, 0x01, 0x00, // F16 1, −2, 0.5, 65504, 2⁻²⁴
      0x80, 0x3f, 0x20, 0xc0, // BF16 1, −2.5
    ];
    const { tensors } = decodeSafetensors(file(header, data));
    expect(tensors.get('d')?.data).toEqual(Float32Array.of(1.5));
    expect(tensors.get('h')?.data).toEqual(Float32Array.of(1, -2, 0.5, 65504, 2 ** -24));
    expect(tensors.get('b')?.data).toEqual(Float32Array.of(1, -2.5));
  });

  it('accepts an ArrayBuffer, a view into a larger buffer, and a Blob; never aliases the input', async () => {
    const bytes = file(`{"a":${entry('F32', '[2]', '[0,8]')}}`, [...ONE_F32, ...TWO_F32]);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const fromView = decodeSafetensors(big.subarray(3));
    expect(fromView.tensors.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect(decodeSafetensors(bytes.slice().buffer).tensors.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect((await decodeBlob(new Blob([new Uint8Array(bytes)]))).tensors.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect((await decodeBlob(new Blob([saveModule(net(0))]))).tensors.get('bias')?.data).toEqual(Float32Array.of(0.25, -0.5));
    big.fill(0);
    expect(fromView.tensors.get('a')?.data).toEqual(Float32Array.of(1, 2));
  });
});

describe('round trips', () => {
  it('tensors with awkward names, scalars, empty tensors, NaN and ±Infinity, and metadata', () => {
    const tensors = new Map<string, StateEntry>([
      ['layer.0.weight', { data: Float32Array.of(1.5, -0, 3e-39, 3.4e38), shape: [2, 2] }],
      ['naïve "quoted" \\ name ✓', { data: Float32Array.of(Number.NaN, Infinity, -Infinity), shape: [3] }],
      ['__proto__', { data: Float32Array.of(42), shape: [] }],
      ['0', { data: new Float32Array(0), shape: [0, 4] }],
    ]);
    const metadata = { algo: 'ppo', config: JSON.stringify({ lr: 2.5e-4, envId: 'CartPole-v1' }), note: 'line\nbreak, "quotes", ünïcödé', __proto__x: '' };
    const back = decodeSafetensors(encodeSafetensors(tensors, metadata));
    expect(back.metadata).toEqual(metadata);
    expect(new Set(back.tensors.keys())).toEqual(new Set(tensors.keys()));
    for (const [name, t] of tensors) {
      const b = back.tensors.get(name);
      expect(b?.shape).toEqual(t.shape);
      expect(new Uint8Array((b?.data ?? new Float32Array()).buffer)).toEqual(new Uint8Array(t.data.buffer)); // bit for bit
    }
  });

  it('saveModule → loadModule restores every parameter and buffer and returns the metadata', () => {
    const source = net(0);
    const target = net(10);
    const meta = loadModule(target, saveModule(source, { envId: 'CartPole-v1' }));
    expect(meta).toEqual({ envId: 'CartPole-v1' });
    expect(weights(target)).toEqual(weights(source));
  });

  it('encoding refuses what the format cannot hold', () => {
    expect(() => encodeSafetensors(new Map([['a', { data: Float32Array.of(1, 2), shape: [3] }]]))).toThrow(/tensor "a" has 2 values but shape \[3\] needs 3/);
    expect(() => encodeSafetensors(new Map([['__metadata__', { data: Float32Array.of(1), shape: [1] }]]))).toThrow(/reserved/);
    expect(() => encodeSafetensors(new Map([['a', { data: Float32Array.of(1), shape: [1.5] }]]))).toThrow(CheckpointError);
    const notString = { n: 1 } as unknown as Record<string, string>;
    expect(() => encodeSafetensors(new Map(), notString)).toThrow(/metadata "n" must be a string, received number/);
  });
});

// ── malformed files ──

const A2 = `{"a":${entry('F32', '[2]', '[0,8]')}}`;
const DATA8 = [...ONE_F32, ...TWO_F32];

const malformed: Array<[string, Uint8Array, RegExp]> = [
  ['an empty file', new Uint8Array(0), /the file is 0 bytes, too short to hold the 8-byte header length/],
  ['a 5-byte file', Uint8Array.of(1, 2, 3, 4, 5), /the file is 5 bytes, too short/],
  ['a header length of 2⁶⁴ − 1', Uint8Array.from([...new Array(8).fill(0xff), 0x7b, 0x7d]), /header length is 18446744073709551615 bytes, over the 16777216-byte limit/],
  ['a header length just over 16 MiB', Uint8Array.from([...u64le(16 * 1024 * 1024 + 1), 0x7b, 0x7d]), /over the 16777216-byte limit/],
  ['a header length past the end of the file', Uint8Array.from([...u64le(100), 0x7b, 0x7d]), /header length is 100 bytes but only 2 bytes follow/],
  ['a truncated file (data cut short)', file(A2, ONE_F32), /data_offsets \[0, 8\] run past the end of the 4-byte data buffer; the file is truncated/],
  ['a header that is not UTF-8', Uint8Array.from([...u64le(4), 0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
  ['a header that does not start with "{"', file(' {}'), /must start with "\{", received " \{\}"/],
  ['a header with a byte-order mark', file('\ufeff{}'), /must start with "\{"/],
  ['a JSON array header', file('[]'), /must start with "\{"/],
  ['a header that is not JSON', file('{"a":'), /the header is not valid JSON/],
  ['a header padded with NUL bytes', file('{}\0\0'), /not valid JSON/],
  ['a PNG (not safetensors)', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13), /header length is .* over the 16777216-byte limit/],
  ['a repeated tensor name', file(`{"a":${entry('U8', '[4]', '[0,4]')},"a":${entry('F32', '[1]', '[0,4]')}}`, ONE_F32), /repeats the key "a"; the format disallows duplicate keys/],
  ['a repeated name spelled with an escape', file(`{"a":${entry('F32', '[1]', '[0,4]')},"\\u0061":${entry('F32', '[1]', '[0,4]')}}`, ONE_F32), /repeats the key "a"/],
  ['a repeated field', file(`{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, ONE_F32), /repeats the key "dtype"/],
  ['a repeated metadata key', file('{"__metadata__":{"k":"1","k":"2"}}'), /repeats the key "k"/],
  ['an unknown dtype', file(`{"a":${entry('F33', '[1]', '[0,4]')}}`, ONE_F32), /tensor "a": unknown dtype "F33"; safetensors dtypes are BOOL, .*F32/],
  ['a dtype that is not a string', file('{"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}', ONE_F32), /unknown dtype 4/],
  ['a dtype named like an Object method', file(`{"a":${entry('toString', '[1]', '[0,4]')}}`, ONE_F32), /unknown dtype "toString"/],
  ['an unsupported dtype (I64)', file(`{"a":${entry('I64', '[1]', '[0,8]')}}`, DATA8), /tensor "a": dtype I64 is not supported; RL Dojo reads F32, and converts F64, F16 and BF16 to F32/],
  ['a shape that is not an array', file(`{"a":${entry('F32', '2', '[0,8]')}}`, DATA8), /shape must be an array of non-negative integers, received 2/],
  ['a negative dimension', file(`{"a":${entry('F32', '[-2]', '[0,8]')}}`, DATA8), /received \[-2\]/],
  ['a fractional dimension', file(`{"a":${entry('F32', '[1.5]', '[0,8]')}}`, DATA8), /received \[1.5\]/],
  ['a string dimension', file(`{"a":${entry('F32', '["2"]', '[0,8]')}}`, DATA8), /received \["2"\]/],
  ['an overflowing shape', file(`{"a":${entry('F32', '[4294967296,4294967296]', '[0,8]')}}`, DATA8), /shape \[4294967296,4294967296\] is too large/],
  ['one data offset', file(`{"a":${entry('F32', '[2]', '[8]')}}`, DATA8), /data_offsets must be \[begin, end\], two non-negative integers, received \[8\]/],
  ['three data offsets', file(`{"a":${entry('F32', '[2]', '[0,4,8]')}}`, DATA8), /received \[0,4,8\]/],
  ['a negative offset', file(`{"a":${entry('F32', '[2]', '[-8,0]')}}`, DATA8), /received \[-8,0\]/],
  ['a string offset', file(`{"a":${entry('F32', '[2]', '[0,"8"]')}}`, DATA8), /received \[0,"8"\]/],
  ['offsets in reverse', file(`{"a":${entry('F32', '[0]', '[8,0]')}}`, DATA8), /data_offsets \[8, 0\] end before they begin/],
  ['offsets past the buffer', file(`{"a":${entry('F32', '[3]', '[0,12]')}}`, DATA8), /run past the end of the 8-byte data buffer/],
  ['a range that does not match shape × dtype', file(`{"a":${entry('F32', '[2]', '[0,4]')},"b":${entry('F32', '[1]', '[4,8]')}}`, DATA8), /tensor "a": shape \[2\] of F32 needs 8 bytes, but data_offsets \[0, 4\] hold 4/],
  ['overlapping tensors', file(`{"a":${entry('F32', '[2]', '[0,8]')},"b":${entry('F32', '[1]', '[4,8]')}}`, DATA8), /tensors "a" \[0, 8\] and "b" \[4, 8\] overlap/],
  ['two tensors on the same bytes', file(`{"a":${entry('F32', '[1]', '[0,4]')},"b":${entry('F32', '[1]', '[0,4]')}}`, ONE_F32), /overlap/],
  ['a hole between tensors', file(`{"a":${entry('F32', '[1]', '[0,4]')},"b":${entry('F32', '[1]', '[8,12]')}}`, [...DATA8, ...ONE_F32]), /bytes \[4, 8\) of the data buffer belong to no tensor \(a hole before "b"\)/],
  ['a hole at the start', file(`{"a":${entry('F32', '[1]', '[4,8]')}}`, DATA8), /bytes \[0, 4\) .* hole before "a"/],
  ['trailing bytes after the last tensor', file(`{"a":${entry('F32', '[1]', '[0,4]')}}`, DATA8), /the tensors cover 4 bytes but the data buffer has 8; 4 bytes at the end belong to no tensor/],
  ['data but no tensors', file('{}', ONE_F32), /cover 0 bytes but the data buffer has 4/],
  ['a missing field', file('{"a":{"dtype":"F32","shape":[1]}}', ONE_F32), /expected exactly the fields dtype, shape, data_offsets, received dtype, shape/],
  ['an extra field', file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}}', ONE_F32), /received data_offsets, dtype, shape, strides/],
  ['a tensor entry that is not an object', file('{"a":5}'), /tensor "a": expected an object with dtype, shape and data_offsets, received 5/],
  ['a metadata value that is not a string', file('{"__metadata__":{"step":100}}'), /"__metadata__" value "step" must be a string, received 100/],
  ['metadata that is not an object', file('{"__metadata__":["x"]}'), /"__metadata__" must be an object of strings, received \["x"\]/],
];

describe('malformed files give a CheckpointError that says what is wrong, and change nothing', () => {
  it.each(malformed)('%s', (_name, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(CheckpointError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
    const m = net(0);
    const before = weights(m);
    expect(() => loadModule(m, bytes)).toThrow(CheckpointError);
    expect(weights(m)).toEqual(before);
  });

  it('every message starts with "safetensors:"', () => {
    for (const [, bytes] of malformed) expect(() => decodeSafetensors(bytes)).toThrow(/^safetensors: /);
  });

  it('refuses input that is not bytes', () => {
    expect(() => decodeSafetensors('hello' as unknown as Uint8Array)).toThrow(/expected a Uint8Array or an ArrayBuffer, received string/);
  });
});

describe('a valid file that does not fit the model changes nothing', () => {
  const cases: Array<[string, (t: Map<string, StateEntry>) => void, RegExp]> = [
    ['a wrong shape', (t) => t.set('bias', { data: Float32Array.of(1, 2, 3), shape: [3] }), /tensor "bias" has shape \[3\], the model expects \[2\]/],
    ['a missing tensor', (t) => t.delete('head.runningMean'), /missing tensor "head.runningMean"/],
    ['an extra tensor', (t) => t.set('extra', { data: Float32Array.of(1), shape: [1] }), /unexpected tensor "extra"/],
  ];
  it.each(cases)('%s', (_n, edit, message) => {
    const tensors = new Map<string, StateEntry>(stateDict(net(5)));
    edit(tensors);
    const m = net(0);
    const before = weights(m);
    expect(() => loadModule(m, encodeSafetensors(tensors))).toThrow(message);
    expect(weights(m)).toEqual(before);
  });

  it('strict = false loads the tensors that are there', () => {
    const tensors = new Map<string, StateEntry>(stateDict(net(5)));
    tensors.delete('bias');
    const m = net(0);
    loadModule(m, encodeSafetensors(tensors), false);
    expect(weights(m).weight).toEqual(weights(net(5)).weight);
    expect(weights(m).bias).toEqual(weights(net(0)).bias);
  });
});

// ── files ──

describe('files on disk', () => {
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dojo-safetensors-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves a module and reads it back; no temporary file is left', () => {
    const target = path.join(dir, 'CartPole-v1.ppo.safetensors');
    saveSafetensorsFile(target, net(0), { algo: 'ppo' });
    expect(fs.readdirSync(dir)).toEqual(['CartPole-v1.ppo.safetensors']);
    expect(readSafetensorsFile(target).metadata).toEqual({ algo: 'ppo' });
    const m = net(3);
    expect(loadModuleFile(m, target)).toEqual({ algo: 'ppo' });
    expect(weights(m)).toEqual(weights(net(0)));
    expect(fs.readFileSync(target)).toEqual(Buffer.from(saveModule(net(0), { algo: 'ppo' })));
  });

  it('saves a map of tensors and replaces an existing file', () => {
    const target = path.join(dir, 'x.safetensors');
    fs.writeFileSync(target, 'old');
    saveSafetensorsFile(target, new Map([['a', { data: Float32Array.of(1, 2), shape: [2] }]]));
    expect(readSafetensorsFile(target).tensors.get('a')?.data).toEqual(Float32Array.of(1, 2));
    expect(fs.readdirSync(dir)).toEqual(['x.safetensors']);
  });

  it('a failed rename (the target is a directory) leaves the directory and no temporary file', () => {
    const target = path.join(dir, 'ckpt');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    expect(() => saveSafetensorsFile(target, net(0))).toThrow(/could not write checkpoint ".*ckpt": .*; any previous file there is unchanged/);
    expect(fs.readdirSync(dir)).toEqual(['ckpt']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('keep');
  });

  it('a failed fsync leaves the old file intact and no temporary file', () => {
    const target = path.join(dir, 'ckpt.safetensors');
    saveSafetensorsFile(target, net(0));
    const old = fs.readFileSync(target);
    vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    expect(() => saveSafetensorsFile(target, net(7))).toThrow(/EIO/);
    expect(fs.readdirSync(dir)).toEqual(['ckpt.safetensors']);
    expect(fs.readFileSync(target)).toEqual(old);
  });

  it('a write that fails half way leaves the old file intact and no temporary file', () => {
    const target = path.join(dir, 'ckpt.safetensors');
    saveSafetensorsFile(target, net(0));
    const old = fs.readFileSync(target);
    const realWrite = fs.writeSync.bind(fs) as (fd: number, b: Uint8Array, off: number, len: number) => number;
    let calls = 0;
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, b: Uint8Array, off: number, len: number) => {
      if (++calls > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return realWrite(fd, b, off, Math.min(len, 16)); // a short write, then a full disk
    }) as unknown as typeof fs.writeSync);
    expect(() => saveSafetensorsFile(target, net(7))).toThrow(/ENOSPC/);
    expect(calls).toBe(2);
    expect(fs.readdirSync(dir)).toEqual(['ckpt.safetensors']);
    expect(fs.readFileSync(target)).toEqual(old);
  });

  it('an encoding error touches no file', () => {
    const target = path.join(dir, 'ckpt.safetensors');
    fs.writeFileSync(target, 'old');
    expect(() => saveSafetensorsFile(target, new Map([['a', { data: Float32Array.of(1), shape: [2] }]]))).toThrow(CheckpointError);
    expect(fs.readdirSync(dir)).toEqual(['ckpt.safetensors']);
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
  });

  it('a missing directory is an error and creates nothing', () => {
    expect(() => saveSafetensorsFile(path.join(dir, 'no', 'such', 'x.safetensors'), net(0))).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('reading: a missing file, a directory, a malformed file and a misfit name the path', () => {
    const missing = path.join(dir, 'missing.safetensors');
    expect(() => readSafetensorsFile(missing)).toThrow(new CheckpointError(`no checkpoint at "${missing}": the file does not exist`));
    expect(() => readSafetensorsFile(dir)).toThrow(/is a directory, not a safetensors file/);
    const bad = path.join(dir, 'bad.safetensors');
    fs.writeFileSync(bad, file(A2, ONE_F32));
    expect(() => readSafetensorsFile(bad)).toThrow(`${bad}: safetensors: tensor "a": data_offsets [0, 8] run past the end`);
    const other = path.join(dir, 'other.safetensors');
    saveSafetensorsFile(other, new Map([['a', { data: Float32Array.of(1, 2), shape: [2] }]]));
    const m = net(0);
    const before = weights(m);
    expect(() => loadModuleFile(m, other)).toThrow(`${other}: state dict does not fit the model`);
    expect(weights(m)).toEqual(before);
  });
});
