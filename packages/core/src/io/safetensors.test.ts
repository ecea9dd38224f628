import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  fromTfTensor,
  fromTfTensorAsync,
  parseSafetensors,
  serializeSafetensors,
  toFloat32Array,
  toTfTensor,
  type HostTensor,
} from './safetensors.js';

/** Builds a raw file from a header object and data bytes, as a foreign writer would. */
function rawFile(header: unknown, data: number[] | Uint8Array = [], headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (shape: number[], values: number[]): HostTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });

describe('serializeSafetensors', () => {
  it('produces the exact bytes of the reference Rust/Python writer', () => {
    // test_serialization in huggingface/safetensors safetensors/src/tensor.rs
    const bytes = serializeSafetensors({ 'attn.0': f32([1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    expect([...bytes]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64,
      0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    // test_empty: "{}" and metadata-only headers padded with spaces to 8 bytes
    expect([...serializeSafetensors({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const withMeta = serializeSafetensors({}, { framework: 'pt' });
    expect(new TextDecoder().decode(withMeta.subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
    expect(withMeta[0]).toBe(40);
  });

  it('orders tensors by descending dtype alignment, then name, with metadata first and data aligned', () => {
    const bytes = serializeSafetensors(
      {
        b: f32([2], [1, 2]),
        mask: { dtype: 'U8', shape: [3], data: Uint8Array.of(1, 2, 3) },
        a: f32([1], [3]),
        step: { dtype: 'I64', shape: [], data: BigInt64Array.of(7n) },
        '0': { dtype: 'F16', shape: [1], data: Uint16Array.of(0x3c00) },
      },
      { z: '1', a: '2' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const order = ['__metadata__', 'step', 'a', 'b', '0', 'mask'].map((k) => text.indexOf(`"${k}":{`));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(text.startsWith('{"__metadata__":{"a":"2","z":"1"},"step":{"dtype":"I64","shape":[],"data_offsets":[0,8]}')).toBe(true);
    expect(header.a.data_offsets).toEqual([8, 12]);
    expect(header.mask.data_offsets).toEqual([22, 25]);
  });

  it('orders names by UTF-8 bytes like Rust, not by UTF-16 code units', () => {
    const one = f32([1], [0]);
    const bytes = serializeSafetensors({ 'k\u{1F600}': one, 'k\uFFFD': one, ka: one, k: one });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(Object.keys(header)).toEqual(['k', 'ka', 'k\uFFFD', 'k\u{1F600}']);
    expect(header['k\u{1F600}'].data_offsets).toEqual([12, 16]);
  });

  it('refuses data of the wrong type or length, naming the key', () => {
    expect(() => serializeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3) } })).toThrow(
      /tensor 'w'.*3 elements but shape \[2, 2\] needs 4/,
    );
    expect(() => serializeSafetensors({ w: { dtype: 'F64', shape: [1], data: Float32Array.of(1) } as unknown as HostTensor })).toThrow(
      /tensor 'w'.*F64 data must be a Float64Array, got Float32Array/,
    );
    expect(() => serializeSafetensors({ w: { dtype: 'F8_E4M3', shape: [1], data: Uint8Array.of(1) } as unknown as HostTensor })).toThrow(
      /tensor 'w'.*unsupported dtype "F8_E4M3"/,
    );
    expect(() => serializeSafetensors({}, { step: 3 as unknown as string })).toThrow(/metadata\['step'\].*must be strings/);
  });
});

describe('parseSafetensors', () => {
  it('round-trips every supported dtype, including empty and scalar tensors', () => {
    const tensors: Record<string, HostTensor> = {
      f64: { dtype: 'F64', shape: [2], data: Float64Array.of(Math.PI, -1e300) },
      f32: f32([2, 2], [1, -2, 3.5, 1e-8]),
      f16: { dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) },
      bf16: { dtype: 'BF16', shape: [1], data: Uint16Array.of(0x3f80) },
      i64: { dtype: 'I64', shape: [2], data: BigInt64Array.of(-(2n ** 62n), 5n) },
      u64: { dtype: 'U64', shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) },
      i32: { dtype: 'I32', shape: [], data: Int32Array.of(-7) },
      u32: { dtype: 'U32', shape: [1], data: Uint32Array.of(4e9) },
      i16: { dtype: 'I16', shape: [1], data: Int16Array.of(-300) },
      u16: { dtype: 'U16', shape: [1], data: Uint16Array.of(65535) },
      i8: { dtype: 'I8', shape: [3], data: Int8Array.of(-128, 0, 127) },
      u8: { dtype: 'U8', shape: [0, 4], data: new Uint8Array(0) },
      flag: { dtype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) },
    };
    const { tensors: back, metadata } = parseSafetensors(serializeSafetensors(tensors, { note: 'x' }));
    expect(metadata).toEqual({ note: 'x' });
    expect(new Set(back.keys())).toEqual(new Set(Object.keys(tensors)));
    for (const [key, t] of Object.entries(tensors)) {
      const b = back.get(key)!;
      expect([key, b.dtype, b.shape]).toEqual([key, t.dtype, t.shape]);
      expect(b.data.constructor).toBe(t.data.constructor);
      expect([...(b.data as ArrayLike<unknown> & Iterable<unknown>)]).toEqual([...(t.data as Iterable<unknown>)]);
    }
  });

  it('decodes F16 and BF16 to float32 on request', () => {
    const half: HostTensor = { dtype: 'F16', shape: [7], data: Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00, 0x3555) };
    expect([...toFloat32Array(half)]).toEqual([1, -2, 65504, 2 ** -24, Infinity, NaN, Math.fround(0.333251953125)]);
    const bits = serializeSafetensors({ h: half, b: { dtype: 'BF16', shape: [2], data: Uint16Array.of(0x3f80, 0xc040) } });
    const { tensors } = parseSafetensors(bits, 'x', { halfToFloat32: true });
    expect(tensors.get('b')).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.of(1, -3) });
    expect(tensors.get('h')!.dtype).toBe('F32');
    expect(tensors.get('h')!.data[2]).toBe(65504);
  });

  it('rejects malformed files with errors naming the source and key', () => {
    const src = 'model.safetensors';
    const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(5), /^model\.safetensors: file is 5 bytes, shorter than the 8-byte header length/],
      [rawFile({}).subarray(0, 9), /header length 2 runs past the end of the 9-byte file/],
      [rawFile(null, [], '{"a":'), /header is not valid JSON/],
      [rawFile(null, [], '[1]'), /header must be a JSON object/],
      [rawFile({ w: entry('F8_E4M3', [1], [0, 1]) }, [0]), /tensor 'w': unsupported dtype "F8_E4M3"; supported: BOOL/],
      [rawFile({ w: entry('F32', [2], [0, 8]) }, [0, 0, 0, 0]), /tensor 'w': data_offsets \[0, 8\] run past the 4-byte data buffer/],
      [rawFile({ w: entry('F32', [2], [0, 4]) }, [0, 0, 0, 0]), /tensor 'w': data_offsets \[0, 4\] span 4 bytes, but F32 \[2\] needs 8/],
      [rawFile({ w: entry('F32', [-1], [0, 0]) }), /tensor 'w': shape \[-1\] must be an array of non-negative integers/],
      [rawFile({ w: entry('F32', [1], [4, 0]) }, [0, 0, 0, 0]), /tensor 'w': data_offsets \[4,0\] must be \[begin, end\]/],
      [
        rawFile({ a: entry('F32', [2], [0, 8]), b: entry('F32', [1], [4, 8]) }, new Uint8Array(8)),
        /tensor 'b': data_offsets \[4, 8\] overlap tensor 'a'/,
      ],
      [rawFile({ a: entry('U8', [1], [1, 2]) }, [0, 0]), /tensor 'a': data_offsets start at 1, leaving a gap/],
      [rawFile({ a: entry('U8', [1], [0, 1]) }, [0, 0]), /tensors cover 1 bytes of the 2-byte data buffer/],
      [rawFile({ __metadata__: { step: 3 } }), /__metadata__\['step'\] is 3; metadata values must be strings/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseSafetensors(bytes, src)).toThrow(message);
      expect(() => parseSafetensors(bytes, src)).toThrow(/^model\.safetensors/);
    }
    const notUtf8 = rawFile({}, []);
    notUtf8[8] = 0xff;
    expect(() => parseSafetensors(notUtf8, src)).toThrow(/header is not valid UTF-8/);
  });

  it('reads a foreign file whose tensors are in any header order and returns copies', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const bytes = rawFile(
      { second: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, first: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      data,
    );
    const { tensors } = parseSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['first', 'second']);
    bytes.fill(0);
    expect([...tensors.get('second')!.data]).toEqual([2, 3]);
  });
});

describe('tf conversions', () => {
  it('converts host tensors to tf tensors and back without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const w = toTfTensor(f32([2, 3], [1, 2, 3, 4, 5, 6]));
    expect([w.dtype, w.shape]).toEqual(['float32', [2, 3]]);
    const d = toTfTensor({ dtype: 'F64', shape: [2], data: Float64Array.of(0.1, 2) });
    expect(d.dtype).toBe('float32');
    expect([...d.dataSync()]).toEqual([Math.fround(0.1), 2]);
    const h = toTfTensor({ dtype: 'BF16', shape: [1], data: Uint16Array.of(0xc040) });
    expect([...h.dataSync()]).toEqual([-3]);
    const i = toTfTensor({ dtype: 'I64', shape: [3], data: BigInt64Array.of(-5n, 0n, 2147483647n) });
    expect([i.dtype, [...i.dataSync()]]).toEqual(['int32', [-5, 0, 2147483647]]);
    const u = toTfTensor({ dtype: 'U8', shape: [2], data: Uint8Array.of(0, 255) });
    expect([u.dtype, [...u.dataSync()]]).toEqual(['int32', [0, 255]]);
    const b = toTfTensor({ dtype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) });
    expect(b.dtype).toBe('bool');

    expect(fromTfTensor(w)).toEqual(f32([2, 3], [1, 2, 3, 4, 5, 6]));
    expect(await fromTfTensorAsync(i)).toEqual({ dtype: 'I32', shape: [3], data: Int32Array.of(-5, 0, 2147483647) });
    expect(fromTfTensor(b)).toEqual({ dtype: 'BOOL', shape: [2], data: Uint8Array.of(1, 0) });
    const host = fromTfTensor(w);
    host.data[0] = 99; // a copy: the tensor is unaffected
    expect(w.dataSync()[0]).toBe(1);
    tf.dispose([w, d, h, i, u, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses int64 values outside int32 and unsupported tf dtypes, naming the key', () => {
    const before = tf.memory().numTensors;
    expect(() => toTfTensor({ dtype: 'I64', shape: [2], data: BigInt64Array.of(1n, 2n ** 40n) }, 'step')).toThrow(
      /'step' \(I64 \[2\]\) has value 1099511627776 at flat index 1, outside int32/,
    );
    const c = tf.complex([1], [2]);
    expect(() => fromTfTensor(c, 'z')).toThrow(/'z' has dtype complex64 \[1\]; only float32, int32 and bool/);
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
