/** The dtypes of the storages `torch.save` writes that this reader rebuilds. */
export type TorchDType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** Element arrays of rebuilt tensors: float16/bfloat16 are widened (exactly) to float32. */
export type TorchTensorData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/**
 * A tensor read from a PyTorch file: a contiguous, row-major copy of its elements.
 * `dtype` is the dtype in the file; `data` is `Float32Array` for float16/bfloat16 (decoded
 * exactly), `BigInt64Array` for int64 and `Uint8Array` (0/1) for bool. A 0-d tensor has
 * `shape: []` and one element.
 */
export interface TorchTensor {
  /** Marks the value as a tensor. */
  readonly kind: 'tensor';
  /** The dtype in the file. */
  readonly dtype: TorchDType;
  /** The shape (`[]` for a 0-d tensor). */
  readonly shape: number[];
  /** The elements, row-major. */
  readonly data: TorchTensorData;
}

interface DTypeInfo {
  readonly dtype: TorchDType;
  readonly itemSize: 1 | 2 | 4 | 8;
}

/** `torch.<Name>Storage` class names and what their bytes hold. */
export const TORCH_STORAGE_TYPES: Readonly<Record<string, DTypeInfo>> = {
  FloatStorage: { dtype: 'float32', itemSize: 4 },
  DoubleStorage: { dtype: 'float64', itemSize: 8 },
  HalfStorage: { dtype: 'float16', itemSize: 2 },
  BFloat16Storage: { dtype: 'bfloat16', itemSize: 2 },
  LongStorage: { dtype: 'int64', itemSize: 8 },
  IntStorage: { dtype: 'int32', itemSize: 4 },
  ShortStorage: { dtype: 'int16', itemSize: 2 },
  CharStorage: { dtype: 'int8', itemSize: 1 },
  ByteStorage: { dtype: 'uint8', itemSize: 1 },
  BoolStorage: { dtype: 'bool', itemSize: 1 },
};

/** Bytes per element of each dtype as stored in the file. */
export const TORCH_ITEM_SIZE: Readonly<Record<TorchDType, number>> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

const genuine = new WeakSet<object>();

/** Makes a tensor record (branded, so {@link isTorchTensor} tells it from a look-alike dict). */
export function makeTorchTensor(dtype: TorchDType, shape: number[], data: TorchTensorData): TorchTensor {
  const tensor: TorchTensor = { kind: 'tensor', dtype, shape, data };
  genuine.add(tensor);
  return tensor;
}

/**
 * Whether `value` is a tensor this module rebuilt. A Python dict that merely has the keys
 * `kind`, `dtype`, `shape` and `data` is not one.
 */
export function isTorchTensor(value: unknown): value is TorchTensor {
  return typeof value === 'object' && value !== null && genuine.has(value);
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Raw element views of a storage, in the storage's own element width. */
export type RawArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

type RawCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => RawArray;

function rawCtor(dtype: TorchDType): RawCtor {
  switch (dtype) {
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    case 'float16':
    case 'bfloat16': return Uint16Array;
    case 'int64': return BigInt64Array;
    case 'int32': return Int32Array;
    case 'int16': return Int16Array;
    case 'int8': return Int8Array;
    case 'uint8':
    case 'bool': return Uint8Array;
  }
}

/**
 * Views `bytes` (a whole storage) as elements of `dtype`, copying only when the bytes are
 * misaligned or need swapping (`littleEndian: false` storages, or a big-endian host).
 */
export function storageElements(bytes: Uint8Array, dtype: TorchDType, littleEndian = true): RawArray {
  const Ctor = rawCtor(dtype);
  const itemSize = TORCH_ITEM_SIZE[dtype];
  const count = bytes.length / itemSize;
  const swap = itemSize > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  if (!swap && bytes.byteOffset % itemSize === 0) return new Ctor(bytes.buffer, bytes.byteOffset, count);
  const copy = new Uint8Array(bytes); // a real copy (Buffer#slice would alias)
  if (swap) {
    for (let i = 0; i < copy.length; i += itemSize) copy.subarray(i, i + itemSize).reverse();
  }
  return new Ctor(copy.buffer, 0, count);
}

/** Decodes IEEE half-precision bit patterns to float32, exactly (NaN payloads kept). */
export function decodeFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    let mantissa = h & 0x3ff;
    if (exponent === 0x1f) {
      words[i] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    } else if (exponent !== 0) {
      words[i] = (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
    } else if (mantissa === 0) {
      words[i] = sign >>> 0;
    } else {
      let shift = 0; // subnormal: normalise the mantissa
      while ((mantissa & 0x400) === 0) {
        mantissa <<= 1;
        shift++;
      }
      words[i] = (sign | ((113 - shift) << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
    }
  }
  return out;
}

/** Decodes bfloat16 bit patterns to float32, exactly (bfloat16 is the top half of a float32). */
export function decodeBFloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) words[i] = (bits[i]! << 16) >>> 0;
  return out;
}

/** Where a tensor's elements sit in its storage, as `_rebuild_tensor_v2` receives them. */
export interface StridedLayout {
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/**
 * Copies the elements a (possibly non-contiguous, possibly overlapping) strided view selects
 * into a new contiguous row-major array. The layout must already be validated against the
 * storage's length (see `validateLayout` in the checkpoint reader).
 */
export function gatherStrided(storage: RawArray, layout: StridedLayout, numel: number): RawArray {
  const { storageOffset, shape, stride } = layout;
  const Ctor = storage.constructor as new (length: number) => RawArray;
  if (isContiguous(shape, stride)) return storage.slice(storageOffset, storageOffset + numel) as RawArray;
  const out = new Ctor(numel);
  if (numel === 0) return out;
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const innerStride = stride[rank - 1]!;
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  let base = storageOffset;
  // `as` casts: bigint and number arrays never mix because `out` has storage's own type.
  const src = storage as unknown as ArrayLike<number> & { [i: number]: number };
  const dst = out as unknown as { [i: number]: number };
  for (let written = 0; written < numel; ) {
    for (let j = 0, at = base; j < inner; j++, at += innerStride) dst[written++] = src[at]!;
    // advance the outer index like an odometer
    for (let axis = rank - 2; axis >= 0; axis--) {
      index[axis]!++;
      base += stride[axis]!;
      if (index[axis]! < shape[axis]!) break;
      base -= stride[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    if (shape[axis]! !== 1 && stride[axis]! !== expected) return false;
    expected *= shape[axis]!;
  }
  return true;
}

/** Turns gathered raw elements into the public data array (widening float16/bfloat16). */
export function publicData(dtype: TorchDType, raw: RawArray): TorchTensorData {
  if (dtype === 'float16') return decodeFloat16(raw as Uint16Array);
  if (dtype === 'bfloat16') return decodeBFloat16(raw as Uint16Array);
  return raw as TorchTensorData;
}
