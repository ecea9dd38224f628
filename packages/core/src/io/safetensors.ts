import * as tf from '@tensorflow/tfjs';

/**
 * Reader and writer of the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length `n`, `n` bytes of UTF-8 JSON
 * (`{"<key>": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__"?: {string: string}}`,
 * padded with spaces to 8 bytes), then the data buffer, little-endian, C order.
 * Pure TypeScript, no Node APIs: file helpers live in `safetensors-file.ts`.
 */

/** Element typed array of each safetensors dtype. F16 and BF16 are kept as raw bits. */
export interface SafetensorsArrays {
  /** 64-bit floats. */
  F64: Float64Array;
  /** 32-bit floats. */
  F32: Float32Array;
  /** IEEE half-precision bits; decode with {@link toFloat32Array}. */
  F16: Uint16Array;
  /** bfloat16 bits (the top half of a float32); decode with {@link toFloat32Array}. */
  BF16: Uint16Array;
  /** 64-bit signed integers. */
  I64: BigInt64Array;
  /** 64-bit unsigned integers. */
  U64: BigUint64Array;
  /** 32-bit signed integers. */
  I32: Int32Array;
  /** 32-bit unsigned integers. */
  U32: Uint32Array;
  /** 16-bit signed integers. */
  I16: Int16Array;
  /** 16-bit unsigned integers. */
  U16: Uint16Array;
  /** 8-bit signed integers. */
  I8: Int8Array;
  /** 8-bit unsigned integers. */
  U8: Uint8Array;
  /** One byte per element, 0 or 1. */
  BOOL: Uint8Array;
}

/** A dtype this reader/writer supports (FP8 dtypes are not supported). */
export type SafetensorsDtype = keyof SafetensorsArrays;

/** A tensor in host memory, exactly as stored in a safetensors file; `data` is C-ordered. */
export type HostTensor = {
  [D in SafetensorsDtype]: {
    /** The element type. */
    dtype: D;
    /** The shape; `data` holds its product of elements. */
    shape: number[];
    /** The elements, in the typed array of `dtype`. */
    data: SafetensorsArrays[D];
  };
}[SafetensorsDtype];

/** Anything that holds host tensors by key. */
export type HostTensors = Record<string, HostTensor> | Map<string, HostTensor>;

/** What {@link parseSafetensors} returns. */
export interface ParsedSafetensors {
  /** Tensors in file (data offset) order. Their data are copies, independent of the input bytes. */
  tensors: Map<string, HostTensor>;
  /** The `__metadata__` map, `{}` when the file has none. */
  metadata: Record<string, string>;
}

/** Options of {@link parseSafetensors} and of `readSafetensorsFile` (`@jepa/core/node`). */
export interface ParseSafetensorsOptions {
  /** Decode F16 and BF16 tensors to F32 host tensors while parsing. Default false (raw bits). */
  halfToFloat32?: boolean;
  /** Keep only the tensors whose key this returns true for (the file reader then never reads the others). */
  keep?: (key: string) => boolean;
}

/** One tensor entry of a safetensors header; `begin`/`end` are offsets into the data buffer. */
export interface SafetensorsEntry {
  /** The tensor's name. */
  readonly key: string;
  /** Its element type. */
  readonly dtype: SafetensorsDtype;
  /** Its shape (C order). */
  readonly shape: number[];
  /** Offset of its first byte in the data buffer. */
  readonly begin: number;
  /** Offset just past its last byte in the data buffer. */
  readonly end: number;
}

/** A validated safetensors header: the entries in data order, and where the data buffer starts. */
export interface SafetensorsLayout {
  /** The tensors, in data order. */
  readonly entries: readonly SafetensorsEntry[];
  /** The `__metadata__` map, `{}` when the header has none. */
  readonly metadata: Record<string, string>;
  /** File offset of the data buffer (`8 + header length`). */
  readonly dataStart: number;
}

type ArrayCtor = { new (buffer: ArrayBufferLike): ArrayBufferView & { length: number }; BYTES_PER_ELEMENT: number };

/** Constructor per dtype; the order is the Rust crate's `Dtype` order (increasing alignment). */
const DTYPES: ReadonlyArray<[SafetensorsDtype, ArrayCtor]> = [
  ['BOOL', Uint8Array], ['U8', Uint8Array], ['I8', Int8Array], ['I16', Int16Array],
  ['U16', Uint16Array], ['F16', Uint16Array], ['BF16', Uint16Array], ['I32', Int32Array],
  ['U32', Uint32Array], ['F32', Float32Array], ['F64', Float64Array], ['I64', BigInt64Array],
  ['U64', BigUint64Array],
];
const CTOR = new Map(DTYPES);
const RANK = new Map(DTYPES.map(([d], i) => [d, i]));
const KNOWN = DTYPES.map(([d]) => d).join(', ');
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Thrown for a malformed safetensors file or an unwritable tensor; names the file and key. */
export class SafetensorsError extends Error {
  constructor(
    message: string,
    /** The file (or what stands for it) the error is about. */
    readonly source: string,
    /** The tensor the error is about, when it is about one. */
    readonly key?: string,
  ) {
    super(`${source}${key === undefined ? '' : `: tensor '${key}'`}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

/** Bytes per element of `dtype`. */
export function dtypeByteSize(dtype: SafetensorsDtype): number {
  return CTOR.get(dtype)!.BYTES_PER_ELEMENT;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const isDim = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
const fmtShape = (shape: readonly unknown[]) => `[${shape.join(', ')}]`;

/** Reverses the bytes of each element in place (only used on big-endian hosts). */
function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  if (!LITTLE_ENDIAN && size > 1) {
    for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
  }
  return bytes;
}

/**
 * The header length `n` from a file's first 8 bytes, checked against the file length.
 * @throws {SafetensorsError} naming the source.
 */
export function safetensorsHeaderLength(first: Uint8Array, fileLength: number, source = '<safetensors bytes>'): number {
  if (first.length < 8 || fileLength < 8) {
    throw new SafetensorsError(`file is ${fileLength} bytes, shorter than the 8-byte header length; it is truncated or not a safetensors file.`, source);
  }
  const headerLength = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(fileLength - 8)) {
    throw new SafetensorsError(`header length ${headerLength} runs past the end of the ${fileLength}-byte file; it is truncated or not a safetensors file.`, source);
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(`header length ${headerLength} exceeds the 100 MB limit of the format.`, source);
  return Number(headerLength);
}

/**
 * Parses and validates the header of a safetensors file of `fileLength` bytes, given at least its
 * first `8 + n` bytes: every dtype, shape and offset (in range, no overlap or gap, size equal to
 * `numel(shape) * dtypeByteSize`) and that the tensors cover the data buffer exactly, as the
 * reference implementation does.
 * @throws {SafetensorsError} naming the source and the offending key.
 */
export function parseSafetensorsLayout(head: Uint8Array, fileLength: number, source = '<safetensors bytes>'): SafetensorsLayout {
  const fail = (message: string, key?: string): never => {
    throw new SafetensorsError(message, source, key);
  };
  const n = safetensorsHeaderLength(head, fileLength, source);
  if (head.length < 8 + n) fail(`only ${head.length} header bytes were given, the header needs ${8 + n}.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(8, 8 + n));
  } catch {
    return fail('header is not valid UTF-8; the file is corrupt or not a safetensors file.');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    return fail(`header is not valid JSON (${(error as Error).message}); the file is corrupt or not a safetensors file.`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header must be a JSON object of tensor entries.');
  }
  const dataLength = fileLength - 8 - n;
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [key, raw] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ must be an object of strings.');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__['${k}'] is ${JSON.stringify(v)}; metadata values must be strings.`);
        metadata[k] = v as string;
      }
      continue;
    }
    const entry = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null) fail('entry must be an object {dtype, shape, data_offsets}.', key);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (typeof dtype !== 'string' || !CTOR.has(dtype as SafetensorsDtype)) {
      fail(`unsupported dtype ${JSON.stringify(dtype)}; supported: ${KNOWN}. Convert the tensor (e.g. to F32) before saving.`, key);
    }
    if (!Array.isArray(shape) || !shape.every(isDim)) {
      fail(`shape ${JSON.stringify(shape)} must be an array of non-negative integers.`, key);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDim) || offsets[0] > offsets[1]) {
      fail(`data_offsets ${JSON.stringify(offsets)} must be [begin, end] with 0 <= begin <= end.`, key);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) {
      fail(`data_offsets [${begin}, ${end}] run past the ${dataLength}-byte data buffer; the file is truncated.`, key);
    }
    const expected = numel(shape as number[]) * dtypeByteSize(dtype as SafetensorsDtype);
    if (end - begin !== expected) {
      fail(`data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${dtype} ${fmtShape(shape as number[])} needs ${expected}.`, key);
    }
    entries.push({ key, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.begin < cursor) {
      fail(`data_offsets [${e.begin}, ${e.end}] overlap tensor '${entries[i - 1]!.key}' (which ends at ${cursor}).`, e.key);
    }
    if (e.begin > cursor) fail(`data_offsets start at ${e.begin}, leaving a gap after byte ${cursor}; tensors must be contiguous.`, e.key);
    cursor = e.end;
  }
  if (cursor !== dataLength) {
    fail(`tensors cover ${cursor} bytes of the ${dataLength}-byte data buffer; the file has trailing or missing data.`);
  }
  return { entries, metadata, dataStart: 8 + n };
}

/** The host tensor of `entry` from exactly its bytes (copied, so aligned and independent of `bytes`). */
export function hostTensorFromBytes(entry: SafetensorsEntry, bytes: Uint8Array, options: ParseSafetensorsOptions = {}): HostTensor {
  const { dtype, shape } = entry;
  const Ctor = CTOR.get(dtype)!;
  // `new Uint8Array(view)` copies (a Buffer's `slice` would not) and aligns the data.
  const copy = swapBytes(new Uint8Array(bytes), Ctor.BYTES_PER_ELEMENT);
  const tensor = { dtype, shape, data: new Ctor(copy.buffer) } as HostTensor;
  const decode = options.halfToFloat32 && (dtype === 'F16' || dtype === 'BF16');
  return decode ? { dtype: 'F32', shape, data: toFloat32Array(tensor) } : tensor;
}

/**
 * Parses a whole safetensors file held in memory (see {@link parseSafetensorsLayout} for what is
 * validated).
 * @param source Name used in error messages (usually the file path).
 * @throws {SafetensorsError} naming the source and the offending key.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  source = '<safetensors bytes>',
  options: ParseSafetensorsOptions = {},
): ParsedSafetensors {
  const { entries, metadata, dataStart } = parseSafetensorsLayout(bytes, bytes.length, source);
  const tensors = new Map<string, HostTensor>();
  for (const entry of entries) {
    if (options.keep && !options.keep(entry.key)) continue;
    tensors.set(entry.key, hostTensorFromBytes(entry, bytes.subarray(dataStart + entry.begin, dataStart + entry.end), options));
  }
  return { tensors, metadata };
}

/** UTF-8 byte order (= code point order), as Rust compares `String`s. */
function compareUtf8(a: string, b: string): number {
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - b.length; // equal so far: the shorter string is a prefix of the other
}

/** The encoded file as a header followed by one byte view per tensor, without concatenating. */
export interface SafetensorsChunks {
  /** Every piece of the file in order: the 8-byte length plus header, then each tensor's bytes. */
  chunks: Uint8Array[];
  /** Total file size in bytes. */
  byteLength: number;
}

/**
 * Encodes tensors like {@link serializeSafetensors} but returns the pieces without copying the
 * tensor data (on little-endian hosts), for streaming large checkpoints to disk.
 */
export function serializeSafetensorsChunks(tensors: HostTensors, metadata?: Record<string, string>): SafetensorsChunks {
  const source = '<serializeSafetensors>';
  const items = [...(tensors instanceof Map ? tensors : Object.entries(tensors))];
  for (const [key, t] of items) {
    const Ctor = CTOR.get(t?.dtype);
    if (!Ctor) throw new SafetensorsError(`unsupported dtype ${JSON.stringify(t?.dtype)}; supported: ${KNOWN}.`, source, key);
    if (!Array.isArray(t.shape) || !t.shape.every(isDim)) {
      throw new SafetensorsError(`shape ${JSON.stringify(t.shape)} must be an array of non-negative integers.`, source, key);
    }
    if (!(t.data instanceof (Ctor as unknown as typeof Uint8Array))) {
      throw new SafetensorsError(`${t.dtype} data must be a ${Ctor.name}, got ${t.data?.constructor?.name}.`, source, key);
    }
    if (t.data.length !== numel(t.shape)) {
      throw new SafetensorsError(`data has ${t.data.length} elements but shape ${fmtShape(t.shape)} needs ${numel(t.shape)}.`, source, key);
    }
  }
  // As the reference writer: descending dtype alignment, then name; `__metadata__` first.
  items.sort(([ka, a], [kb, b]) => RANK.get(b.dtype)! - RANK.get(a.dtype)! || compareUtf8(ka, kb));
  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(`metadata['${k}'] is ${typeof v}; safetensors metadata values must be strings (JSON.stringify them).`, source);
      }
    }
    const keys = Object.keys(metadata).sort(compareUtf8);
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const [key, t] of items) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(key)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    chunks.push(LITTLE_ENDIAN ? raw : swapBytes(raw.slice(), t.data.BYTES_PER_ELEMENT));
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { chunks: [head, ...chunks], byteLength: head.length + offset };
}

/**
 * Encodes tensors as a safetensors file, byte-identical to the Python/Rust reference writer:
 * tensors ordered by descending dtype alignment then name, compact JSON, `__metadata__` first
 * (its keys sorted), header padded with spaces to a multiple of 8 bytes.
 * @throws {SafetensorsError} for an unsupported dtype, a bad shape, or data of the wrong type/length.
 */
export function serializeSafetensors(tensors: HostTensors, metadata?: Record<string, string>): Uint8Array {
  const { chunks, byteLength } = serializeSafetensorsChunks(tensors, metadata);
  const out = new Uint8Array(byteLength);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Decodes one IEEE half-precision value from its bits. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * The values of a floating-point or small-integer host tensor as a new Float32Array (F16/BF16
 * decoded, F64 rounded). 64-bit integers are refused: read `data` as BigInts instead.
 */
export function toFloat32Array(tensor: HostTensor): Float32Array {
  switch (tensor.dtype) {
    case 'F16':
      return Float32Array.from(tensor.data, halfToFloat);
    case 'BF16': {
      const bits = new Uint32Array(tensor.data.length);
      for (let i = 0; i < bits.length; i++) bits[i] = tensor.data[i]! << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64':
    case 'U64':
      throw new Error(`toFloat32Array: ${tensor.dtype} ${fmtShape(tensor.shape)} holds 64-bit integers; read tensor.data (BigInts) instead.`);
    default:
      return Float32Array.from(tensor.data as ArrayLike<number>);
  }
}

/** int32 values of an integer host tensor; throws when a value does not fit. */
function toInt32Array(tensor: HostTensor, key: string): Int32Array {
  if (tensor.data instanceof Int32Array) return tensor.data;
  const out = new Int32Array(tensor.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(tensor.data[i]!);
    if (v > 2147483647 || v < -2147483648) {
      throw new Error(
        `toTfTensor: '${key}' (${tensor.dtype} ${fmtShape(tensor.shape)}) has value ${tensor.data[i]} at flat index ${i}, ` +
          'outside int32; tfjs has no 64-bit integers. Store it as I32/F32, or read tensor.data directly.',
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * A `tf.Tensor` with the host tensor's values: F32 as float32 (sharing `data`), F64/F16/BF16
 * converted to float32, integer dtypes to int32 (I64/U64/U32 only when every value fits), BOOL to
 * bool. The caller owns (and disposes) the result.
 * @param key Name used in error messages.
 */
export function toTfTensor(tensor: HostTensor, key = '<tensor>'): tf.Tensor {
  switch (tensor.dtype) {
    case 'F32':
      return tf.tensor(tensor.data, tensor.shape, 'float32');
    case 'F64':
    case 'F16':
    case 'BF16':
      return tf.tensor(toFloat32Array(tensor), tensor.shape, 'float32');
    case 'BOOL':
      return tf.tensor(tensor.data, tensor.shape, 'bool');
    default:
      return tf.tensor(toInt32Array(tensor, key), tensor.shape, 'int32');
  }
}

function checkSavable(tensor: tf.Tensor, key: string): void {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    throw new Error(
      `fromTfTensor: '${key}' has dtype ${tensor.dtype} ${fmtShape(tensor.shape)}; only float32, int32 and bool can be saved. Cast it first.`,
    );
  }
}

function hostFromValues(tensor: tf.Tensor, values: tf.TypedArray): HostTensor {
  const shape = tensor.shape.slice();
  if (tensor.dtype === 'float32') return { dtype: 'F32', shape, data: Float32Array.from(values) };
  if (tensor.dtype === 'int32') return { dtype: 'I32', shape, data: Int32Array.from(values) };
  return { dtype: 'BOOL', shape, data: Uint8Array.from(values) };
}

/** A host copy of a float32/int32/bool tensor (read synchronously with `dataSync`). */
export function fromTfTensor(tensor: tf.Tensor, key = '<tensor>'): HostTensor {
  checkSavable(tensor, key);
  return hostFromValues(tensor, tensor.dataSync() as tf.TypedArray);
}

/** A host copy of a float32/int32/bool tensor, read with `await data()` (required on WebGPU). */
export async function fromTfTensorAsync(tensor: tf.Tensor, key = '<tensor>'): Promise<HostTensor> {
  checkSavable(tensor, key);
  return hostFromValues(tensor, (await tensor.data()) as tf.TypedArray);
}
