import { describe, expect, it } from 'vitest';
import { decodeBFloat16, decodeFloat16, gatherStrided, isTorchTensor, makeTorchTensor, storageElements } from './torch-tensor.js';

/** An independent float16 decoder by arithmetic, to check the bit-level one. */
function halfByMath(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

describe('torch tensor decoding', () => {
  it('decodes all 65536 float16 bit patterns exactly', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = decodeFloat16(bits);
    for (let h = 0; h < 65536; h++) {
      const expected = halfByMath(h);
      if (Number.isNaN(expected)) expect(Number.isNaN(decoded[h]!)).toBe(true);
      else expect(Object.is(decoded[h], expected), `0x${h.toString(16)}`).toBe(true);
    }
  });

  it('decodes bfloat16 as the top half of a float32', () => {
    const f32 = Float32Array.of(1, -2.5, 3.140625, -0, Infinity);
    const top = Uint16Array.from(new Uint32Array(f32.buffer), (w) => w >>> 16);
    expect(Array.from(decodeBFloat16(top))).toEqual([1, -2.5, 3.140625, -0, Infinity]);
  });

  it('views aligned storages without copying, copies misaligned ones, and swaps big-endian ones', () => {
    const buffer = new Uint8Array(16);
    new Float32Array(buffer.buffer).set([1, 2, 3, 4]);
    expect(storageElements(buffer, 'float32').buffer).toBe(buffer.buffer);
    const misaligned = new Uint8Array(17);
    misaligned.set(buffer, 1);
    const view = storageElements(misaligned.subarray(1), 'float32') as Float32Array;
    expect(Array.from(view)).toEqual([1, 2, 3, 4]);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setInt32(0, -5, false);
    new DataView(big.buffer).setInt32(4, 70000, false);
    expect(Array.from(storageElements(big, 'int32', false) as Int32Array)).toEqual([-5, 70000]);
  });

  it('gathers a strided view in row-major order', () => {
    const storage = Int16Array.from({ length: 12 }, (_, i) => i);
    // [3, 4] matrix transposed: shape [4, 3], strides [1, 4]
    expect(Array.from(gatherStrided(storage, { storageOffset: 0, shape: [4, 3], stride: [1, 4] }, 12) as Int16Array))
      .toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    expect(gatherStrided(storage, { storageOffset: 3, shape: [0, 5], stride: [5, 1] }, 0).length).toBe(0);
  });

  it('brands tensors it makes', () => {
    expect(isTorchTensor(makeTorchTensor('bool', [2], Uint8Array.of(1, 0)))).toBe(true);
    expect(isTorchTensor({ kind: 'tensor', dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) })).toBe(false);
  });
});
