import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { copyBox, tileInto } from './copy-kernels.js';
import { fastThenStock, useWasmFastKernels } from './use-fast-kernels.js';

function iota(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = i * 0.5 - 7;
  return out;
}

/** Plain reference of a slice: element by element through multi-indices. */
function sliceReference(x: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const out: number[] = [];
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const total = size.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let off = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (begin[d]! + (rest % size[d]!)) * strides[d]!;
      rest = Math.floor(rest / size[d]!);
    }
    out.push(x[off]!);
  }
  return out;
}

/** Plain reference of a tile: output element i reads input index (i_d mod shape_d). */
function tileReference(x: Float32Array, shape: number[], reps: number[]): number[] {
  const outShape = shape.map((n, d) => n * reps[d]!);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const total = outShape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let i = 0; i < total; i++) {
    let rest = i;
    let off = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += ((rest % outShape[d]!) % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / outShape[d]!);
    }
    out.push(x[off]!);
  }
  return out;
}

const slices: Array<[number[], number[], number[]]> = [
  [[7], [2], [4]],
  [[192, 576], [0, 192], [192, 192]],
  [[5, 9], [1, 0], [3, 9]],
  [[5, 9], [2, 3], [2, 5]],
  [[4, 5, 6], [1, 2, 0], [2, 3, 6]],
  [[4, 5, 6], [0, 0, 1], [4, 5, 4]],
  [[3, 4, 5, 6], [1, 0, 2, 3], [2, 4, 2, 3]],
  [[2, 3, 4, 5, 6], [1, 1, 0, 2, 1], [1, 2, 4, 3, 5]],
  [[4, 6], [1, 2], [0, 3]],
];

const tiles: Array<[number[], number[]]> = [
  [[5], [3]],
  [[1, 4, 3], [6, 1, 1]],
  [[2, 3], [2, 3]],
  [[2, 3, 4], [1, 2, 1]],
  [[2, 1, 3, 2], [2, 3, 1, 2]],
  [[3, 2], [0, 2]],
];

describe('copyBox and tileInto', () => {
  it.each(slices)('copyBox of %j from %j size %j equals an element-by-element slice', (shape, begin, size) => {
    const x = iota(shape.reduce((a, b) => a * b, 1));
    const out = new Float32Array(size.reduce((a, b) => a * b, 1));
    copyBox(x, shape, begin, size, out);
    expect(Array.from(out)).toEqual(sliceReference(x, shape, begin, size));
  });

  it.each(tiles)('tileInto of %j by %j equals an element-by-element tile', (shape, reps) => {
    const x = iota(shape.reduce((a, b) => a * b, 1));
    const out = new Float32Array(shape.reduce((a, n, d) => a * n * reps[d]!, 1));
    tileInto(x, shape, reps, out);
    expect(Array.from(out)).toEqual(tileReference(x, shape, reps));
  });
});

describe('wasm Identity, Slice, SplitV, Tile and GatherV2 replacements', () => {
  useWasmFastKernels();

  it('slices, gathers and tiles as the stock kernels and plain references do (float32 and int32), leaking nothing', async () => {
    const before = tf.memory().numTensors;
    for (const dtype of ['float32', 'int32'] as const) {
      for (const [shape, begin, size] of slices) {
        const x = tf.tensor(iota(shape.reduce((a, b) => a * b, 1)), shape, dtype);
        const [fast, stock] = await fastThenStock(() => tf.slice(x, begin, size));
        expect(fast.dtype).toBe(dtype);
        expect(fast.shape).toEqual(stock.shape);
        expect(Array.from(fast.dataSync())).toEqual(Array.from(stock.dataSync()));
        tf.dispose([x, fast, stock]);
      }
      for (const [shape, idx, axis] of [[[6, 4], [5, 0, 5, 2], 0], [[3, 5, 2], [4, 1], 1], [[2, 3, 4], [[3, 0], [1, 1]], 2], [[7], [6, 6, 0], 0]] as Array<[number[], number[] | number[][], number]>) {
        const x = tf.tensor(iota(shape.reduce((a, b) => a * b, 1)), shape, dtype);
        const i = tf.tensor(idx, undefined, 'int32');
        const [fast, stock] = await fastThenStock(() => tf.gather(x, i, axis));
        expect(fast.shape).toEqual(stock.shape);
        expect(Array.from(fast.dataSync())).toEqual(Array.from(stock.dataSync()));
        tf.dispose([x, i, fast, stock]);
      }
      // SplitV: every part equals the plain slice of its box, and the stock kernel's part.
      for (const [shape, sizes, axis] of [[[128, 27, 96], [18, 9], 1], [[4, 5, 6], [1, 3, 2], -1], [[6, 4], 3, 0], [[2, 7, 3], [0, 7], 1], [[9], [4, -1], 0]] as Array<[number[], number | number[], number]>) {
        const x = tf.tensor(iota(shape.reduce((a, b) => a * b, 1)), shape, dtype);
        const [fast, stock] = await fastThenStock(() => tf.split(x, sizes, axis));
        const a = axis < 0 ? axis + shape.length : axis;
        const begin = shape.map(() => 0);
        expect(fast.length).toBe(stock.length);
        fast.forEach((part, i) => {
          expect(part.dtype).toBe(dtype);
          expect(part.shape).toEqual(stock[i]!.shape);
          expect(Array.from(part.dataSync())).toEqual(Array.from(stock[i]!.dataSync()));
          expect(Array.from(part.dataSync())).toEqual(sliceReference(new Float32Array(x.dataSync()), shape, begin, part.shape));
          begin[a]! += part.shape[a]!;
        });
        expect(begin[a]).toBe(shape[a]);
        tf.dispose([x, ...fast, ...stock]);
      }
      for (const [shape, reps] of tiles) {
        const x = tf.tensor(iota(shape.reduce((a, b) => a * b, 1)), shape, dtype);
        const fast = tf.tile(x, reps);
        expect(fast.shape).toEqual(shape.map((n, d) => n * reps[d]!));
        expect(Array.from(fast.dataSync())).toEqual(tileReference(new Float32Array(x.dataSync()), shape, reps));
        tf.dispose([x, fast]);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('GatherV2 names an index out of range, as the stock kernel does', () => {
    const x = tf.ones([3, 2]);
    const i = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.gather(x, i)).toThrow(/index value 3 is not in \[0, 2\]/);
    tf.dispose([x, i]);
  });

  it('Identity shares the data: the clone outlives its source, and memory holds one copy', () => {
    const bytesBefore = tf.memory().numBytes;
    const x = tf.tensor(iota(1000), [10, 100]);
    const y = tf.clone(x);
    // One buffer in the backend, referenced twice (the stock kernel made a second buffer).
    const backend = tf.backend() as unknown as { refCount(id: tf.DataId): number };
    expect(backend.refCount(x.dataId)).toBe(2);
    expect(backend.refCount(y.dataId)).toBe(2);
    x.dispose();
    expect(y.isDisposed).toBe(false);
    expect(Array.from(y.dataSync())).toEqual(Array.from(iota(1000)));
    y.dispose();
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it('gradients through Identity clones (the tape saves inputs by cloning) equal the stock kernels\' bit for bit', async () => {
    const x = tf.tensor(iota(24), [4, 6]);
    // t^2 times t shifted one column right (zero in column 0), summed: the tape saves t, t^2 and the slice.
    const f = (t: tf.Tensor) => tf.sum(tf.mul(tf.square(t), tf.pad(tf.slice(t, [0, 0], [4, 5]), [[0, 0], [1, 0]])));
    const [fast, stock] = await fastThenStock(() => tf.grad(f)(x));
    expect(Array.from(fast.dataSync())).toEqual(Array.from(stock.dataSync()));
    // And it is the derivative: 2 t s + (t one column left)^2.
    const t = iota(24);
    const expected = Array.from(t, (v, i) => 2 * v * (i % 6 === 0 ? 0 : t[i - 1]!) + (i % 6 === 5 ? 0 : t[i + 1]! ** 2));
    Array.from(fast.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 3));
    tf.dispose([x, fast, stock]);
  });
});
