import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GELU_GRAD_KERNEL, GELU_KERNEL } from '../../nn/gelu.js';
import { gelu } from '../../nn/gelu.js';
import { Linear } from '../../nn/linear.js';
import { PRODUCT_GELU, setWasmFastKernels, splitPlan, SplitMode, stopWasmKernelThreads, wasmFastKernelsOn, wasmKernelThreads } from './fast-kernels.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A float32 tensor's data as bytes, to compare results bit for bit. */
function bytesOf(t: tf.Tensor): Buffer {
  const d = t.dataSync() as Float32Array;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function randomArray(n: number, r: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() * 4;
  return out;
}

/** float64 reference of tfjs's matMul (batch dims flattened, index modulo the batch as tfjs does). */
function reference(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], ta: boolean, tb: boolean): { value: Float64Array; scale: Float64Array } {
  const ar = aShape.length;
  const br = bShape.length;
  const m = ta ? aShape[ar - 1]! : aShape[ar - 2]!;
  const k = ta ? aShape[ar - 2]! : aShape[ar - 1]!;
  const n = tb ? bShape[br - 2]! : bShape[br - 1]!;
  const batchA = aShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = bShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batch = Math.max(batchA, batchB);
  const value = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let q = 0; q < batch; q++) {
    const ao = (q % batchA) * m * k;
    const bo = (q % batchB) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ao + (ta ? p * m + i : i * k + p)]! * b[bo + (tb ? j * k + p : p * n + j)]!;
          s += x;
          t += Math.abs(x);
        }
        value[q * m * n + i * n + j] = s;
        scale[q * m * n + i * n + j] = t;
      }
    }
  }
  return { value, scale };
}

/** Max of |ours - ref| / (sum_k |a_ik b_kj|), the error relative to what a float32 sum can hold. */
function relativeError(ours: Float32Array, ref: { value: Float64Array; scale: Float64Array }): number {
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - ref.value[i]!) / Math.max(ref.scale[i]!, 1e-30));
  return worst;
}

describe('splitPlan', () => {
  it('cuts batches when there are 4 or more, else the longer of rows and columns, covering each once', () => {
    expect(splitPlan(96, 64, 64)).toEqual({ mode: SplitMode.Batches, per: 24, chunks: 4, units: 96 });
    expect(splitPlan(9, 64, 64)).toEqual({ mode: SplitMode.Batches, per: 3, chunks: 3, units: 9 });
    // 2048 rows: 512 row units of 4, 128 per chunk.
    expect(splitPlan(1, 2048, 192)).toEqual({ mode: SplitMode.Rows, per: 512, chunks: 4, units: 512 });
    // A weight gradient [96, 3200] x [3200, 384]: 48 column panels of 8, 12 per chunk.
    expect(splitPlan(1, 96, 384)).toEqual({ mode: SplitMode.Columns, per: 96, chunks: 4, units: 48 });
    // 70 columns: 9 panels, 3 per chunk, 3 chunks (the last one 22 columns).
    expect(splitPlan(3, 3, 70)).toEqual({ mode: SplitMode.Columns, per: 24, chunks: 3, units: 9 });
    expect(splitPlan(3, 64, 64, 8)).toEqual({ mode: SplitMode.Rows, per: 8, chunks: 8, units: 16 });
    for (const [batch, m, n] of [[1, 5, 5], [2, 130, 71], [1, 3, 1000], [7, 1, 9]] as const) {
      const p = splitPlan(batch, m, n);
      const extent = p.mode === SplitMode.Batches ? batch : p.mode === SplitMode.Rows ? m : n;
      expect(p.per * (p.chunks - 1)).toBeLessThan(extent);
      expect(p.per * p.chunks).toBeGreaterThanOrEqual(extent);
      if (p.mode === SplitMode.Rows) expect(p.per % 4).toBe(0);
      if (p.mode === SplitMode.Columns) expect(p.per % 8).toBe(0);
    }
  });
});

describe('fast wasm BatchMatMul', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(await setWasmFastKernels(true)).toBe(true);
    expect(wasmFastKernelsOn()).toBe(true);
  });
  afterAll(async () => {
    await setWasmFastKernels(false);
    await tf.setBackend('cpu');
  });

  const sizes = [1, 13, 22, 64, 65];
  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [];
  const r = rng(7);
  const pick = () => sizes[Math.floor((r() + 0.5) * sizes.length)]!;
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      for (let c = 0; c < 6; c++) {
        const [m, k, n] = c < 5 ? [sizes[c]!, sizes[(c + 2) % 5]!, sizes[(c + 4) % 5]!] : [pick(), pick(), pick()];
        const batch = 1 + c;
        cases.push({ a: ta ? [batch, k, m] : [batch, m, k], b: tb ? [batch, n, k] : [batch, k, n], ta, tb });
      }
      // Broadcasting as tfjs allows: one side with batch 1, a rank-2 side, rank 4 against rank 2.
      cases.push({ a: ta ? [3, 13, 22] : [3, 22, 13], b: tb ? [1, 9, 13] : [1, 13, 9], ta, tb });
      cases.push({ a: ta ? [13, 22] : [22, 13], b: tb ? [5, 9, 13] : [5, 13, 9], ta, tb });
      cases.push({ a: ta ? [2, 3, 13, 7] : [2, 3, 7, 13], b: tb ? [9, 13] : [13, 9], ta, tb });
      // Batch 1 (the stock kernel's when untransposed), and a broadcast the fast kernel does not
      // flatten (the stock kernel's).
      cases.push({ a: ta ? [1, 13, 22] : [1, 22, 13], b: tb ? [1, 9, 13] : [1, 13, 9], ta, tb });
      cases.push({ a: ta ? [2, 3, 13, 7] : [2, 3, 7, 13], b: tb ? [3, 9, 13] : [3, 13, 9], ta, tb });
    }
  }

  it.each(cases)('a $a b $b transposeA $ta transposeB $tb equals a float64 reference within 1e-5', ({ a: aShape, b: bShape, ta, tb }) => {
    const rr = rng(aShape.length * 1000 + bShape.reduce((x, y) => x * 31 + y, 0));
    const a = randomArray(aShape.reduce((x, y) => x * y, 1), rr);
    const b = randomArray(bShape.reduce((x, y) => x * y, 1), rr);
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
    const ref = reference(a, aShape, b, bShape, ta, tb);
    expect(out.shape.slice(-2)).toEqual([ta ? aShape.at(-1) : aShape.at(-2), tb ? bShape.at(-2) : bShape.at(-1)]);
    expect(out.size).toBe(ref.value.length);
    expect(relativeError(out.dataSync() as Float32Array, ref)).toBeLessThan(1e-5);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('agrees with the stock wasm kernel within 1e-5 relative on the bench attention shapes and 2-D transposed products', async () => {
    const shapes: Array<[number[], number[], boolean, boolean]> = [
      [[96, 64, 64], [96, 64, 64], false, true],
      [[96, 13, 13], [96, 13, 64], false, false],
      [[384, 22, 22], [384, 22, 32], true, false],
      [[300, 96], [300, 48], true, false],
      [[65, 96], [48, 96], false, true],
    ];
    for (const [sa, sb, ta, tb] of shapes) {
      const rr = rng(sa[1]! * 7 + sb[2]!);
      const a = tf.tensor(randomArray(sa.reduce((x, y) => x * y, 1), rr), sa);
      const b = tf.tensor(randomArray(sb.reduce((x, y) => x * y, 1), rr), sb);
      const fast = tf.matMul(a, b, ta, tb);
      await setWasmFastKernels(false);
      const stock = tf.matMul(a, b, ta, tb);
      await setWasmFastKernels(true);
      const scale = tf.matMul(tf.abs(a), tf.abs(b), ta, tb);
      const f = fast.dataSync();
      const s = stock.dataSync();
      const sc = scale.dataSync();
      let worst = 0;
      for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i]! - s[i]!) / sc[i]!);
      expect(worst).toBeLessThan(1e-5);
      tf.dispose([a, b, fast, stock, scale]);
    }
  });

  it('passes non-float32 inputs to the stock kernel (and its error)', () => {
    const a = tf.ones([2, 3, 4], 'int32');
    const b = tf.ones([2, 4, 5], 'int32');
    expect(() => tf.matMul(a, b)).toThrow(/non-float32|not yet supported/);
    tf.dispose([a, b]);
  });

  it('gives the gradients of a small attention that the cpu backend gives', async () => {
    const [B, T, D] = [6, 13, 8];
    const rr = rng(3);
    const data = [randomArray(B * T * D, rr), randomArray(B * T * D, rr), randomArray(B * T * D, rr), randomArray(B * T * D, rr)];
    const run = () =>
      tf.tidy(() => {
        const [q, k, v, w] = data.map((d) => tf.tensor3d(d, [B, T, D]));
        const f = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => {
          const att = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(D)));
          return tf.sum(tf.mul(tf.matMul(att, v), w!));
        };
        const { value, grads } = tf.valueAndGrads(f)([q!, k!, v!]);
        return [value, ...grads].map((t) => t.dataSync() as Float32Array);
      });
    const before = tf.memory().numTensors;
    const wasm = run();
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(wasmFastKernelsOn()).toBe(true);
    for (let g = 0; g < wasm.length; g++) {
      const norm = Math.max(...Array.from(cpu[g]!, Math.abs));
      for (let i = 0; i < wasm[g]!.length; i++) expect(Math.abs(wasm[g]![i]! - cpu[g]![i]!)).toBeLessThan(1e-5 * norm + 1e-6);
    }
  });

  it('switches off and on again', async () => {
    expect(await setWasmFastKernels(false)).toBe(false);
    expect(wasmFastKernelsOn()).toBe(false);
    expect(await setWasmFastKernels(true)).toBe(true);
    expect(await setWasmFastKernels(true)).toBe(true);
    expect(wasmFastKernelsOn()).toBe(true);
  });
});

describe('fast wasm BatchMatMul on two threads', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(async () => {
    await setWasmFastKernels(false);
    await tf.setBackend('cpu');
  });

  // Every product split (thresholds 0), including batch-1 untransposed ones: odd sizes, all
  // transposes, batches split in two (even, or >= 8), rows split at a multiple of 4 and columns at a
  // multiple of 8 (batch 1, 3).
  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [];
  // K above the kernel's 256-deep blocks (partial sums carried through C), and few rows with many
  // columns (split by columns).
  const mkn: Array<[number, number, number]> = [[1, 7, 5], [3, 13, 9], [5, 22, 13], [13, 1, 65], [65, 64, 22], [130, 33, 71], [4, 8, 8], [9, 5, 3], [3, 300, 70], [70, 520, 9], [6, 257, 17]];
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      mkn.forEach(([m, k, n], c) => {
        for (const batch of [1, 2, 3, 9]) {
          if ((c + batch) % 2 === 0 && batch !== 1) continue;
          cases.push({ a: ta ? [batch, k, m] : [batch, m, k], b: tb ? [batch, n, k] : [batch, k, n], ta, tb });
        }
      });
      cases.push({ a: ta ? [13, 22] : [22, 13], b: tb ? [5, 9, 13] : [5, 13, 9], ta, tb });
      cases.push({ a: ta ? [3, 13, 22] : [3, 22, 13], b: tb ? [1, 9, 13] : [1, 13, 9], ta, tb });
      cases.push({ a: ta ? [2, 3, 13, 7] : [2, 3, 7, 13], b: tb ? [9, 13] : [13, 9], ta, tb });
    }
  }

  it('starts a worker (Node)', async () => {
    expect(await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 })).toBe(true);
    expect(wasmKernelThreads()).toEqual({ threads: 2 });
  });

  it.each(cases)('a $a b $b transposeA $ta transposeB $tb: two threads equal one thread bit for bit', async ({ a: aShape, b: bShape, ta, tb }) => {
    const rr = rng(aShape.reduce((x, y) => x * 17 + y, 0) + bShape.reduce((x, y) => x * 31 + y, 0));
    const a = tf.tensor(randomArray(aShape.reduce((x, y) => x * y, 1), rr), aShape);
    const b = tf.tensor(randomArray(bShape.reduce((x, y) => x * y, 1), rr), bShape);
    const before = tf.memory().numTensors;
    // Every chunk computed by the worker (first: the kernel module's memory then holds no copy of
    // this product), then both threads sharing them (where this thread may take them all).
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
    const worker = tf.matMul(a, b, ta, tb);
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 });
    const two = tf.matMul(a, b, ta, tb);
    await setWasmFastKernels(true, { threads: 1, batch1MinWork: 0 });
    const one = tf.matMul(a, b, ta, tb);
    const t = two.dataSync() as Float32Array;
    expect(Array.from(two.shape)).toEqual(Array.from(one.shape));
    expect(bytesOf(two).equals(bytesOf(one))).toBe(true);
    expect(bytesOf(worker).equals(bytesOf(one))).toBe(true);
    // And both are the product (the one-thread kernel is checked against float64 above).
    expect(relativeError(t, reference(a.dataSync() as Float32Array, aShape, b.dataSync() as Float32Array, bShape, ta, tb))).toBeLessThan(1e-5);
    tf.dispose([two, worker, one]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  // [a, b, transposeA, transposeB, bias shape]: batch 1 and batched, every split mode, N not a multiple of 8.
  const fusedCases: Array<[number[], number[], boolean, boolean, number[]]> = [
    [[22, 13], [13, 9], false, false, [9]],
    [[130, 33], [71, 33], false, true, [1, 71]],
    [[300, 3], [300, 70], true, false, [70]],
    [[9, 5, 13], [9, 13, 17], false, false, [17]],
    [[3, 13, 22], [13, 9], true, false, [1, 1, 9]],
  ];
  it.each(fusedCases)('tf.fused.matMul a %j b %j (transposes %s %s) with a bias %j: the product plus the bias bit for bit, on two threads and the worker alone', async (aShape, bShape, ta, tb, biasShape) => {
    const rr = rng(aShape[0]! * 101 + bShape[1]!);
    const a = tf.tensor(randomArray(aShape.reduce((x, y) => x * y, 1), rr), aShape);
    const b = tf.tensor(randomArray(bShape.reduce((x, y) => x * y, 1), rr), bShape);
    const bias = tf.tensor(randomArray(biasShape.reduce((x, y) => x * y, 1), rr), biasShape);
    const before = tf.memory().numTensors;
    const fused = () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: ta, transposeB: tb, bias });
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
    const worker = fused();
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 });
    const two = fused();
    // The product alone through the same kernel (thresholds 0: batch-1 untransposed ones too, which
    // XNNPACK, the stock path, sums in another order), then the bias added by the stock Add.
    const separate = tf.tidy(() => tf.add(tf.matMul(a, b, ta, tb), bias));
    expect(two.shape).toEqual(separate.shape);
    for (const t of [two, worker]) expect(bytesOf(t).equals(bytesOf(separate))).toBe(true);
    tf.dispose([worker, two, separate]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, bias]);
  });

  const geluCases: Array<[[number, number], [number, number]]> = [[[2048, 192], [192, 768]], [[13, 22], [22, 9]], [[416, 96], [96, 384]]];
  it.each(geluCases)('the GELU activation of _FusedMatMul (a %j b %j): the product, the bias, then the GELU kernel\'s bits, on every path', async (aShape, bShape) => {
    const rr = rng(aShape[0]! + bShape[1]!);
    const a = tf.tensor(randomArray(aShape[0]! * aShape[1]!, rr), aShape) as tf.Tensor2D;
    const b = tf.tensor(randomArray(bShape[0]! * bShape[1]!, rr), bShape) as tf.Tensor2D;
    const bias = tf.tensor(randomArray(bShape[1]!, rr));
    const before = tf.memory().numTensors;
    const fused = () => tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation: PRODUCT_GELU, leakyreluAlpha: 0 }) as tf.Tensor;
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 });
    const separate = tf.tidy(() => tf.engine().runKernel(GELU_KERNEL, { x: tf.add(tf.matMul(a, b), bias) }) as tf.Tensor);
    const results = [fused()];
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
    results.push(fused());
    // One thread: batch-1 untransposed products go to XNNPACK, but this activation stays here.
    await setWasmFastKernels(true, { threads: 1 });
    results.push(fused());
    for (const t of results) expect(bytesOf(t).equals(bytesOf(separate))).toBe(true);
    tf.dispose([...results, separate]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => tf.engine().runKernel('_FusedMatMul', { a: tf.cast(a, 'int32'), b, bias }, { transposeA: false, transposeB: false, activation: PRODUCT_GELU, leakyreluAlpha: 0 })).toThrow(/_FusedMatMul with GELU: it takes float32 operands/);
    tf.dispose([a, b, bias]);
  });

  it('Linear.applyGelu: one fused call without a gradient tape, gelu(apply(x)) within rounding; the same gradients under one', async () => {
    await setWasmFastKernels(true, { threads: 2 });
    const linear = new Linear(64, 96);
    tf.tidy(() => linear.bias!.assign(tf.randomNormal([96], 0, 1, 'float32', 9)));
    const x = tf.randomNormal([3, 40, 64], 0, 1, 'float32', 8);
    const probe = tf.randomNormal([3, 40, 96], 0, 1, 'float32', 10);
    const fusedCalls = () => tf.profile(() => linear.applyGelu(x).dispose()).then((p) => p.kernels.filter((k) => k.name === '_FusedMatMul').length);
    expect(await fusedCalls()).toBe(1);
    const y = linear.applyGelu(x);
    const want = tf.tidy(() => gelu(linear.apply(x)));
    // Within rounding: this small product alone goes to XNNPACK unfused, which sums in another order.
    expect(tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]).toBeLessThan(1e-5);
    const grads = (f: (t: tf.Tensor) => tf.Tensor) => tf.variableGrads(() => tf.sum(tf.mul(f(x), probe)) as tf.Scalar, [linear.weight, linear.bias!]).grads;
    const got = grads((t) => linear.applyGelu(t));
    const expected = grads((t) => gelu(linear.apply(t)));
    for (const name of Object.keys(expected)) expect(tf.max(tf.abs(tf.sub(got[name]!, expected[name]!))).dataSync()[0]).toBe(0);
    tf.dispose([x, probe, y, want, ...Object.values(got), ...Object.values(expected)]);
    linear.dispose();
  });

  it('leaves other activations and PReLU weights to the stock _FusedMatMul, and gives the unfused gradients', async () => {
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 });
    const a = tf.randomNormal([33, 20], 0, 1, 'float32', 3) as tf.Tensor2D;
    const b = tf.randomNormal([20, 12], 0, 1, 'float32', 4) as tf.Tensor2D;
    const bias = tf.randomNormal([12], 0, 1, 'float32', 5);
    const relu = tf.fused.matMul({ a, b, bias, activation: 'relu' });
    expect(tf.max(tf.abs(tf.sub(relu, tf.relu(tf.add(tf.matMul(a, b), bias))))).dataSync()[0]).toBeLessThan(1e-5);
    const probe = tf.randomNormal([33, 12], 0, 1, 'float32', 6);
    const loss = (f: (x: tf.Tensor2D, y: tf.Tensor2D, z: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor2D, y as tf.Tensor2D, z), probe)));
    const got = loss((x, y, z) => tf.fused.matMul({ a: x, b: y, bias: z }))([a, b, bias]);
    const want = loss((x, y, z) => tf.add(tf.matMul(x, y), z))([a, b, bias]);
    for (let i = 0; i < 3; i++) expect(tf.max(tf.abs(tf.sub(got[i]!, want[i]!))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([a, b, bias, relu, probe, ...got, ...want]);
  });

  // Sizes around the vector (4) and chunk (8 chunks) boundaries; every one split (threshold 1).
  it.each([1, 3, 4, 5, 31, 32, 33, 1001, 4099])('exp, erf, GELU and its gradient over %i elements: chunks computed by the worker equal one thread bit for bit', async (n) => {
    const rr = rng(n * 7 + 1);
    const x = tf.tensor(randomArray(n, rr));
    const dy = tf.tensor(randomArray(n, rr));
    const run = () => [tf.exp(x), tf.erf(x), tf.engine().runKernel(GELU_KERNEL, { x }) as tf.Tensor, tf.engine().runKernel(GELU_GRAD_KERNEL, { x, dy }) as tf.Tensor];
    const before = tf.memory().numTensors;
    await setWasmFastKernels(true, { threads: 2, mapMinElements: 1, workerOnly: true });
    const two = run();
    await setWasmFastKernels(true, { threads: 1 });
    const one = run();
    for (let i = 0; i < one.length; i++) expect(bytesOf(two[i]!).equals(bytesOf(one[i]!))).toBe(true);
    // And they are the functions (the one-thread kernels are checked against float64 in simd-kernels.test.ts).
    const xs = x.dataSync();
    expect(Math.abs(one[0]!.dataSync()[n - 1]! - Math.exp(xs[n - 1]!))).toBeLessThan(1e-5 * Math.exp(xs[n - 1]!));
    tf.dispose([...two, ...one]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  // The worker's claim loop can run on into the next operation without sleeping in between: each
  // chunk it claims must be run as that operation (product or element-wise), with its operands in.
  it('products and element-wise kernels in quick alternation: every result equals one thread\'s', async () => {
    const rr = rng(404);
    const a = tf.tensor(randomArray(48 * 40, rr), [48, 40]);
    const b = tf.tensor(randomArray(40 * 36, rr), [40, 36]);
    const x = tf.tensor(randomArray(4099, rr));
    const step = () => [tf.matMul(a, b), tf.erf(x), tf.matMul(a, b, false, false), tf.exp(x)];
    await setWasmFastKernels(true, { threads: 1, batch1MinWork: 0 });
    const want = step().map((t) => {
      // A copy: the tensor is disposed before the comparisons.
      const b = Buffer.from(bytesOf(t));
      t.dispose();
      return b;
    });
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, mapMinElements: 1 });
    let bad = 0;
    for (let i = 0; i < 1500; i++) {
      const got = step();
      got.forEach((t, j) => {
        if (!bytesOf(t).equals(want[j]!)) bad++;
      });
      tf.dispose(got);
    }
    expect(bad).toBe(0);
    tf.dispose([a, b, x]);
  });

  // The worker reads the generation counter before it says it is ready: an operation started the
  // moment it is must wake it (with every chunk left to the worker, a missed wake-up hangs).
  it('a worker just started, given every chunk of the first operation, runs them (thirty restarts)', async () => {
    const rr = rng(505);
    const a = tf.tensor(randomArray(48 * 40, rr), [48, 40]);
    const b = tf.tensor(randomArray(40 * 36, rr), [40, 36]);
    await setWasmFastKernels(true, { threads: 1, batch1MinWork: 0 });
    const want = tf.matMul(a, b);
    for (let i = 0; i < 30; i++) {
      await stopWasmKernelThreads();
      await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
      const got = tf.matMul(a, b);
      expect(bytesOf(got).equals(bytesOf(want))).toBe(true);
      got.dispose();
    }
    await setWasmFastKernels(true, { threads: 2 });
    tf.dispose([a, b, want]);
  });

  it('lets a Node process exit with the worker started', () => {
    // Next to this file, so that it resolves the workspace's packages.
    const script = join(here, `.exit-check-${process.pid}.tmp.mts`);
    try {
      writeFileSync(
        script,
        `import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../init-backend.ts';
const info = await initBackend({ backend: 'wasm', env: {} });
const a = tf.ones([512, 256]);
const s = tf.matMul(a, a, false, true).sum().dataSync()[0];
console.log(JSON.stringify({ threads: info.kernelThreads, s }));
`,
      );
      const tsx = join(here, '../../../../../node_modules/tsx/dist/cli.mjs');
      const out = execFileSync(process.execPath, [tsx, script], { timeout: 60_000, encoding: 'utf8', cwd: join(here, '../../..') });
      expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ threads: 2, s: 512 * 512 * 256 });
    } finally {
      rmSync(script, { force: true });
    }
  }, 90_000);
});

let clang = false;
try {
  execFileSync('clang-14', ['--version'], { stdio: 'ignore' });
  execFileSync('wasm-ld-14', ['--version'], { stdio: 'ignore' });
  clang = true;
} catch {
  clang = false;
}

describe.skipIf(!clang)('the committed kernel module', () => {
  it('matches a fresh build of packages/core/kernels/wasm with clang-14', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jepa-kernels-'));
    try {
      const out = join(dir, 'generated.ts');
      execFileSync('bash', [join(here, '../../../scripts/build-wasm-kernels.sh'), out], { stdio: 'pipe' });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(here, 'wasm-kernels.generated.ts'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
