/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), so a file
 * written here opens in PyTorch's `safetensors.torch.load_file`, and the reverse. Browser-safe:
 * no Node imports (the file-system side is safetensors-node.ts).
 *
 * Layout, as the format's README and its reference reader (safetensors/src/tensor.rs) define it:
 *   bytes 0..8      N, an unsigned 64-bit little-endian integer: the header's length in bytes
 *   bytes 8..8+N    the header, UTF-8 JSON starting with `{`, optionally padded with trailing spaces:
 *                   { "__metadata__": { string: string }, "<name>": { "dtype": "F32", "shape": [2, 3],
 *                     "data_offsets": [begin, end] }, … }
 *   the rest        the byte buffer. Offsets count from its start; the tensors tile it exactly, with
 *                   no hole and no overlap, in any order relative to the header; values are
 *                   little-endian, row-major. The reference reader refuses headers over 100 MB.
 *
 * Reading checks every one of those rules (and refuses duplicate JSON keys, which the format
 * disallows) before returning anything, and says what is wrong, where, expected vs received.
 * Files come from strangers (the page's Load button, the zoo, `dojo eval`), so the reader is
 * bounded: it reads the 8-byte length first, then at most MAX_HEADER_BYTES of header, checks the
 * declared byte ranges against the real size before it reads any tensor data, and caps nesting,
 * dimensions, tensor count and message length. What it allocates is proportional to the file.
 */
import { CheckpointError } from '../core/errors.ts';
import type { Module, StateEntry } from './module.ts';
import { loadStateDict, stateDict } from './module.ts';

/**
 * The largest header we read. The reference implementation accepts 100 MB (safetensors
 * MAX_HEADER_SIZE); ours hold a few KB of names and config, and at most ~1 MB of observation
 * statistics for pixel observations, so 16 MiB leaves room and keeps a hostile file cheap.
 */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
/** The most tensors a file may hold (our checkpoints hold under 100; large PyTorch models a few thousand). */
export const MAX_TENSORS = 16_384;
/** The most dimensions a tensor may have (ours have at most 4). */
const MAX_DIMS = 16;
/** How deep the header's JSON may nest: the header object, a tensor entry, its shape array. */
const MAX_HEADER_DEPTH = 3;
/** The longest error message the reader produces; longer quotes of the file are cut. */
export const MAX_MESSAGE_CHARS = 600;

/** Random access to the bytes of a file: `length` bytes from `offset` (a copy or a view). */
export type ReadBytes = (offset: number, length: number) => Uint8Array;

/** A tensor read from a file: values converted to float32, row-major. */
export interface DecodedTensor {
  data: Float32Array;
  shape: number[];
}

/** What `decodeSafetensors` returns: tensors in header order, and the `__metadata__` strings. */
export interface DecodedSafetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}

/** Bits per element of every dtype the format defines; those we read are in DECODERS. */
const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, F64: 64, I64: 64, U64: 64,
};

/** Little-endian element readers for the dtypes we load (all converted to float32). */
const DECODERS: Readonly<Record<string, (v: DataView, at: number) => number>> = {
  F32: (v, at) => v.getFloat32(at, true),
  F64: (v, at) => v.getFloat64(at, true),
  F16: (v, at) => halfToFloat(v.getUint16(at, true)),
  BF16: (v, at) => bfloat16ToFloat(v.getUint16(at, true)),
};

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const KEYS = ['data_offsets', 'dtype', 'shape'];

/**
 * Serializes tensors (F32) and string metadata to safetensors bytes. Tensors are laid out sorted
 * by name, as the reference serializer does; the header is padded with spaces to a multiple of 8
 * so every tensor starts 8-byte aligned. An empty metadata record writes no `__metadata__`.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, StateEntry>, metadata: Readonly<Record<string, string>> = {}): Uint8Array<ArrayBuffer> {
  const names = sortUtf8([...tensors.keys()]);
  const fields: string[] = [];
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length > 0) {
    for (const k of metaKeys) {
      if (typeof metadata[k] !== 'string') throw new CheckpointError(`safetensors: metadata "${k}" must be a string, received ${typeof metadata[k]}`);
    }
    fields.push(`"__metadata__":{${metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name) as StateEntry;
    if (name === '__metadata__') throw new CheckpointError('safetensors: a tensor cannot be named "__metadata__" (the key is reserved)');
    const numel = checkShape(t.shape, `tensor "${name}"`);
    if (t.data.length !== numel) throw new CheckpointError(`safetensors: tensor "${name}" has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${numel}`);
    const begin = offset;
    offset += numel * 4;
    fields.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":[${t.shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const name of names) {
    const d = (tensors.get(name) as StateEntry).data;
    if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    else for (let i = 0; i < d.length; i++) view.setFloat32(at + 4 * i, d[i], true);
    at += d.byteLength;
  }
  return out;
}

/**
 * Parses and fully validates safetensors bytes: header length and size, UTF-8, JSON, duplicate
 * keys, metadata, every dtype, shape and byte range, and that the tensors tile the buffer.
 * F32 is read as is; F64, F16 and BF16 are converted to float32; other dtypes are refused.
 * Throws a CheckpointError naming the problem; the returned arrays never alias `bytes`.
 * The codec is faithful: NaN and ±Infinity come back as stored (loaders refuse them, see `loadModule`).
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer): DecodedSafetensors {
  if (!ArrayBuffer.isView(bytes) && !(bytes instanceof ArrayBuffer)) fail(`expected a Uint8Array or an ArrayBuffer, received ${typeof bytes}`);
  // A plain view: a Node Buffer's slice() would share memory with Node's pool.
  const u8 = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  return decodeSafetensorsFrom(u8.length, (offset, length) => u8.subarray(offset, offset + length));
}

/**
 * Decodes a file of `size` bytes read through `read`, in the order that keeps a hostile file
 * cheap: the 8-byte length, then the header (capped), then every declared range is checked
 * against `size`, and only then is tensor data read, one tensor at a time.
 */
export function decodeSafetensorsFrom(size: number, read: ReadBytes): DecodedSafetensors {
  if (size < 8) fail(`the file is ${size} bytes, too short to hold the 8-byte header length; is it a safetensors file?`);
  const len = readHeaderLength(read(0, 8), size);
  const { header, dataStart } = readHeader(read(8, len), len);
  const metadata = readMetadata(header.__metadata__);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length > MAX_TENSORS) fail(`the header lists ${names.length} tensors, over the ${MAX_TENSORS}-tensor limit`);
  const bufferLen = size - dataStart;
  const entries = names.map((name) => readEntry(name, header[name], bufferLen));
  checkTiling(entries, bufferLen);
  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) tensors.set(e.name, { data: readValues(read(dataStart + e.begin, e.end - e.begin), e), shape: e.shape });
  return { tensors, metadata };
}

/** The name and position of the first NaN or ±Infinity among the tensors, or null when all are finite. */
function findNonFinite(tensors: ReadonlyMap<string, { data: Float32Array; shape: readonly number[] }>): string | null {
  for (const [name, t] of tensors) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) return `tensor "${clip(name, 200)}" (shape [${t.shape.join(', ')}]) holds ${d[i]} at index ${i}`;
    }
  }
  return null;
}

/** Throws a CheckpointError naming the first tensor that holds NaN or ±Infinity. */
export function assertFinite(tensors: ReadonlyMap<string, { data: Float32Array; shape: readonly number[] }>): void {
  const bad = findNonFinite(tensors);
  if (bad !== null) throw new CheckpointError(`checkpoint ${bad}; weights must be finite numbers (the file was saved from a diverged run or is corrupt)`);
}

/**
 * Reads a Blob (a browser file input, a fetch response's blob) and decodes it. The length and
 * the header are read and checked first, so a huge or hostile file is refused before it is read whole.
 */
export async function decodeBlob(blob: Blob): Promise<DecodedSafetensors> {
  if (blob.size >= 8) {
    const len = readHeaderLength(new Uint8Array(await blob.slice(0, 8).arrayBuffer()), blob.size);
    const { header, dataStart } = readHeader(new Uint8Array(await blob.slice(8, 8 + len).arrayBuffer()), len);
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    if (names.length > MAX_TENSORS) fail(`the header lists ${names.length} tensors, over the ${MAX_TENSORS}-tensor limit`);
    checkTiling(names.map((name) => readEntry(name, header[name], blob.size - dataStart)), blob.size - dataStart);
  }
  return decodeSafetensors(await blob.arrayBuffer());
}

/** A module's parameters and buffers (its state dict), as safetensors bytes. */
export function saveModule(m: Module, metadata: Readonly<Record<string, string>> = {}): Uint8Array<ArrayBuffer> {
  return encodeSafetensors(stateDict(m), metadata);
}

/**
 * Loads safetensors bytes into a module and returns the file's metadata. Everything (the file,
 * then finite values, names and shapes against the module) is checked before any weight changes,
 * so on a CheckpointError the module keeps its old weights. `strict` = false ignores missing and extra names.
 */
export function loadModule(m: Module, bytes: Uint8Array | ArrayBuffer, strict = true): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  assertFinite(tensors);
  loadStateDict(m, tensors, strict);
  return metadata;
}

// ── header ──

type Header = Record<string, unknown>;
interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

function fail(message: string): never {
  throw new CheckpointError(clip(`safetensors: ${message}`, MAX_MESSAGE_CHARS));
}

/** `text` cut to `max` characters, saying how much was left out. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}… (${text.length - max + 40} more characters)`;
}

/** A value quoted for a message: JSON, cut short (the header's depth is bounded before it is parsed, so this cannot recurse deeply). */
function show(x: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(x) ?? String(x);
  } catch {
    text = String(x);
  }
  return clip(text, 120);
}

/** N, the header length, checked against the limit and against the file's size. */
function readHeaderLength(first8: Uint8Array, size: number): number {
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`the header length is ${n} bytes, over the ${MAX_HEADER_BYTES}-byte limit; the file is corrupt or not a safetensors file`);
  const len = Number(n);
  if (8 + len > size) fail(`the header length is ${len} bytes but only ${size - 8} bytes follow the length field; the file is truncated or not a safetensors file`);
  return len;
}

/** Parses the JSON header (`len` bytes, already read): UTF-8, depth, JSON, duplicate keys. */
function readHeader(bytes: Uint8Array, len: number): { header: Header; dataStart: number } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(`the header must start with "{", received ${JSON.stringify(text.slice(0, 16))}`);
  const depth = nestingDepth(text, MAX_HEADER_DEPTH);
  if (depth > MAX_HEADER_DEPTH) fail(`the header nests deeper than ${MAX_HEADER_DEPTH} levels (object, tensor entry, shape); the file is not a safetensors file`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`the header is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('the header must be a JSON object');
  const dup = findDuplicateKey(text);
  if (dup !== null) fail(`the header repeats the key ${JSON.stringify(dup)}; the format disallows duplicate keys`);
  return { header: header as Header, dataStart: 8 + len };
}

/** `__metadata__` must be an object of strings (or absent, or null as serde reads it). */
function readMetadata(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(`"__metadata__" must be an object of strings, received ${show(raw)}`);
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') fail(`"__metadata__" value ${show(k)} must be a string, received ${show(v)}`);
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Checks one tensor's header entry: fields, dtype, shape, and its byte range against its size. */
function readEntry(name: string, raw: unknown, bufferLen: number): Entry {
  const where = `tensor ${clip(JSON.stringify(name), 120)}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${where}: expected an object with dtype, shape and data_offsets, received ${show(raw)}`);
  const info = raw as Record<string, unknown>;
  const keys = Object.keys(info).sort();
  if (keys.join() !== KEYS.join()) fail(`${where}: expected exactly the fields dtype, shape, data_offsets, received ${clip(keys.join(', '), 120) || 'none'}`);
  const dtype = info.dtype;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BITS, dtype)) fail(`${where}: unknown dtype ${show(dtype)}; safetensors dtypes are ${Object.keys(DTYPE_BITS).join(', ')}`);
  if (!Object.hasOwn(DECODERS, dtype)) fail(`${where}: dtype ${dtype} is not supported; RL Dojo reads F32, and converts F64, F16 and BF16 to F32`);
  if (!Array.isArray(info.shape)) fail(`${where}: shape must be an array of non-negative integers, received ${show(info.shape)}`);
  const shape = info.shape as unknown[];
  const numel = checkShape(shape, where);
  const offsets = info.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    fail(`${where}: data_offsets must be [begin, end], two non-negative integers, received ${show(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > bufferLen) fail(`${where}: data_offsets [${begin}, ${end}] run past the end of the ${bufferLen}-byte data buffer; the file is truncated`);
  const bytes = (numel * DTYPE_BITS[dtype]) / 8;
  if (end - begin !== bytes) fail(`${where}: shape [${shape.join(', ')}] of ${dtype} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { name, dtype, shape: shape as number[], numel, begin, end };
}

/** Element count of a shape of non-negative integers; throws otherwise or on overflow. */
function checkShape(shape: readonly unknown[], where: string): number {
  if (shape.length > MAX_DIMS) fail(`${where}: shape has ${shape.length} dimensions, over the ${MAX_DIMS}-dimension limit`);
  let numel = 1;
  for (const d of shape) {
    if (!isSize(d)) fail(`${where}: shape must be an array of non-negative integers, received ${show(shape)}`);
    numel *= d;
  }
  if (!Number.isSafeInteger(numel * 8)) fail(`${where}: shape ${show(shape)} is too large`);
  return numel;
}

function isSize(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** The byte ranges, sorted, must cover [0, bufferLen) exactly: no overlap, no hole, no tail. */
function checkTiling(entries: Entry[], bufferLen: number): void {
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < at && prev !== null) fail(`tensors "${prev.name}" [${prev.begin}, ${prev.end}] and "${e.name}" [${e.begin}, ${e.end}] overlap`);
    if (e.begin > at) fail(`bytes [${at}, ${e.begin}) of the data buffer belong to no tensor (a hole before "${e.name}")`);
    at = e.end;
    prev = e;
  }
  if (at !== bufferLen) fail(`the tensors cover ${at} bytes but the data buffer has ${bufferLen}; ${bufferLen - at} bytes at the end belong to no tensor`);
}

/** Copies one tensor's bytes (exactly its range) out as float32. */
function readValues(bytes: Uint8Array, e: Entry): Float32Array {
  if (bytes.length !== e.end - e.begin) fail(`tensor ${clip(JSON.stringify(e.name), 120)}: read ${bytes.length} of its ${e.end - e.begin} bytes; the file changed while it was read`);
  if (e.dtype === 'F32' && LITTLE_ENDIAN_HOST) return new Float32Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = DECODERS[e.dtype];
  const size = DTYPE_BITS[e.dtype] / 8;
  const out = new Float32Array(e.numel);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * size);
  return out;
}

// ── helpers ──

/** IEEE 754 half precision bits → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 bits (the top half of a float32) → number. */
function bfloat16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}

/** Sorts strings by their UTF-8 bytes, as Rust's `str` ordering (the reference serializer) does. */
function sortUtf8(names: string[]): string[] {
  const enc = new TextEncoder();
  const keyed = names.map((name) => ({ name, bytes: enc.encode(name) }));
  keyed.sort((a, b) => {
    const n = Math.min(a.bytes.length, b.bytes.length);
    for (let i = 0; i < n; i++) if (a.bytes[i] !== b.bytes[i]) return a.bytes[i] - b.bytes[i];
    return a.bytes.length - b.bytes.length;
  });
  return keyed.map((k) => k.name);
}

/**
 * How deeply objects and arrays nest in the JSON `text` (strings skipped), counting up to `limit` + 1
 * and stopping there: code that walks a 100,000-deep value recursively (JSON.stringify, error
 * formatting) would overflow the stack. Any text is accepted (malformed JSON is JSON.parse's to report).
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0, deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    } else if (c === 0x22) {
      for (i += 1; i < text.length && text.charCodeAt(i) !== 0x22; i += 1) if (text.charCodeAt(i) === 0x5c) i += 1;
    }
  }
  return deepest;
}

/**
 * The first object key that appears twice in one object of a (valid) JSON text, or null.
 * JSON.parse silently keeps the last, which would let one file mean two things.
 */
function findDuplicateKey(text: string): string | null {
  const stack: Array<Set<string> | null> = []; // a Set per open object, null per open array
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = stack[stack.length - 1] !== null;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const keys = stack[stack.length - 1];
      if (expectKey && keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    }
  }
  return null;
}
