import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { Attention } from '../../nn/attention.js';
import { fusedSelfAttention, selfAttentionFuses } from '../../ops/fused-attention.js';
import { setWasmFastKernels } from './fast-kernels.js';
import { fastThenStock, useWasmFastKernels } from './use-fast-kernels.js';

/** Float64 attention from a fused projection: each head's softmax(q kᵀ * scale) v, heads side by side. */
function attentionReference(qkv: Float32Array, batch: number, tokens: number, heads: number, hd: number, scale: number): Float64Array {
  const d = heads * hd;
  const out = new Float64Array(batch * tokens * d);
  const at = (b: number, i: number, part: number, h: number, c: number) => qkv[(b * tokens + i) * 3 * d + part * d + h * hd + c]!;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < tokens; i++) {
        const logits = Array.from({ length: tokens }, (_, j) => {
          let dot = 0;
          for (let c = 0; c < hd; c++) dot += at(b, i, 0, h, c) * at(b, j, 1, h, c);
          return dot * scale;
        });
        const m = Math.max(...logits);
        const e = logits.map((v) => Math.exp(v - m));
        const sum = e.reduce((p, q) => p + q, 0);
        for (let c = 0; c < hd; c++) {
          let acc = 0;
          for (let j = 0; j < tokens; j++) acc += (e[j]! / sum) * at(b, j, 2, h, c);
          out[(b * tokens + i) * d + h * hd + c] = acc;
        }
      }
    }
  }
  return out;
}

/** Largest |a - b| over the arrays, and the largest |b|. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { diff, scale };
}

/**
 * The unfused ops of Attention.apply from a fused projection: head split by transposes, q kᵀ,
 * the scale, softmax, the product with v, the heads merged back.
 */
function unfusedAttention(qkv: tf.Tensor3D, heads: number, scale: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, tokens, width] = qkv.shape;
    const d = width / 3;
    const hd = d / heads;
    const part = (i: number) => tf.reshape(tf.transpose(tf.reshape(tf.slice(qkv, [0, 0, i * d], [batch, tokens, d]), [batch, tokens, heads, hd]), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
    const weights = tf.softmax(tf.mul(tf.matMul(part(0), part(1), false, true), scale));
    const out = tf.matMul(weights as tf.Tensor3D, part(2));
    return tf.reshape(tf.transpose(tf.reshape(out, [batch, heads, tokens, hd]), [0, 2, 1, 3]), [batch, tokens, d]) as tf.Tensor3D;
  });
}

// [batch, tokens, heads, head width]: tails of 4 and 8 in every product dimension, one token, one head.
const SHAPES: Array<[number, number, number, number]> = [[2, 5, 3, 4], [3, 13, 2, 7], [4, 1, 2, 8], [2, 27, 1, 32], [5, 18, 3, 64], [8, 64, 3, 16]];

describe('wasm fused self-attention kernel', () => {
  useWasmFastKernels();

  for (const threads of [1, 2]) {
    it(`is the attention of float64 and of the unfused ops within float32 rounding (${threads === 1 ? 'one thread' : 'two threads, every chunk in the worker'}), leaking nothing`, async () => {
      if (threads === 2) await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
      try {
        const before = tf.memory().numTensors;
        for (const [batch, tokens, heads, hd] of SHAPES) {
          const qkv = tf.randomNormal([batch, tokens, 3 * heads * hd], 0, 1, 'float32', batch * 100 + tokens) as tf.Tensor3D;
          const scale = hd ** -0.5;
          const fused = fusedSelfAttention(qkv, heads, scale);
          const separate = unfusedAttention(qkv, heads, scale);
          expect(fused.shape).toEqual([batch, tokens, heads * hd]);
          const got = fused.dataSync();
          const want = attentionReference(qkv.dataSync() as Float32Array, batch, tokens, heads, hd, scale);
          const vsFloat64 = maxDiff(got, want);
          expect(vsFloat64.diff).toBeLessThanOrEqual(2e-6 * vsFloat64.scale);
          const vsOps = maxDiff(got, separate.dataSync());
          expect(vsOps.diff).toBeLessThanOrEqual(2e-6 * vsOps.scale);
          tf.dispose([qkv, fused, separate]);
        }
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        if (threads === 2) await setWasmFastKernels(true, { threads: 1 });
      }
    });
  }

  it('two threads give one thread\'s bits', async () => {
    const qkv = tf.randomNormal([7, 22, 3 * 3 * 16], 0, 1, 'float32', 11) as tf.Tensor3D;
    const one = fusedSelfAttention(qkv, 3, 0.25);
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
    const worker = fusedSelfAttention(qkv, 3, 0.25);
    await setWasmFastKernels(true, { threads: 2 });
    const two = fusedSelfAttention(qkv, 3, 0.25);
    await setWasmFastKernels(true, { threads: 1 });
    expect(Array.from(worker.dataSync())).toEqual(Array.from(one.dataSync()));
    expect(Array.from(two.dataSync())).toEqual(Array.from(one.dataSync()));
    tf.dispose([qkv, one, worker, two]);
  });

  it('names a qkv it cannot take', () => {
    const x = tf.zeros([2, 3, 10]) as tf.Tensor3D;
    expect(() => fusedSelfAttention(x, 2, 1)).toThrow(/qkv must be float32 \[B, N, 3 \* heads \* headDim\].*\[2,3,10\]/);
    x.dispose();
  });

  it('gives the unfused ops\' gradient with respect to qkv within float32 rounding (one thread, two threads with every chunk in the worker), leaking nothing', async () => {
    for (const threads of [1, 2]) {
      if (threads === 2) await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
      try {
        const before = tf.memory().numTensors;
        for (const [batch, tokens, heads, hd] of SHAPES) {
          const qkv = tf.randomNormal([batch, tokens, 3 * heads * hd], 0, 1, 'float32', batch * 10 + tokens) as tf.Tensor3D;
          const dy = tf.randomNormal([batch, tokens, heads * hd], 0, 1, 'float32', tokens) as tf.Tensor3D;
          const scale = hd ** -0.5;
          const loss = (f: (x: tf.Tensor3D) => tf.Tensor3D) => (x: tf.Tensor) => tf.sum(tf.mul(f(x as tf.Tensor3D), dy));
          const fused = tf.grad(loss((x) => fusedSelfAttention(x, heads, scale)))(qkv);
          const separate = tf.grad(loss((x) => unfusedAttention(x, heads, scale)))(qkv);
          expect(fused.shape).toEqual(qkv.shape);
          const close = maxDiff(fused.dataSync(), separate.dataSync());
          expect(close.diff).toBeLessThanOrEqual(2e-6 * close.scale);
          tf.dispose([qkv, dy, fused, separate]);
        }
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        if (threads === 2) await setWasmFastKernels(true, { threads: 1 });
      }
    }
  });

  it('the gradient on two threads gives one thread\'s bits', async () => {
    const qkv = tf.randomNormal([7, 22, 3 * 3 * 16], 0, 1, 'float32', 12) as tf.Tensor3D;
    const dy = tf.randomNormal([7, 22, 3 * 16], 0, 1, 'float32', 13);
    const g = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fusedSelfAttention(x as tf.Tensor3D, 3, 0.25), dy)))(qkv);
    const one = g();
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0, workerOnly: true });
    const worker = g();
    await setWasmFastKernels(true, { threads: 2 });
    const two = g();
    await setWasmFastKernels(true, { threads: 1 });
    expect(Array.from(worker.dataSync())).toEqual(Array.from(one.dataSync()));
    expect(Array.from(two.dataSync())).toEqual(Array.from(one.dataSync()));
    tf.dispose([qkv, dy, one, worker, two]);
  });

  // The two threads' instances share one memory and one stack pointer: a kernel that kept a buffer
  // on the stack (the softmax's last partial vector did) gave wrong rows now and then.
  it('forward and gradient on two threads, many times over: always one thread\'s bits', async () => {
    const qkv = tf.randomNormal([16, 5, 3 * 4 * 8], 0, 1, 'float32', 21) as tf.Tensor3D;
    const dy = tf.randomNormal([16, 5, 4 * 8], 0, 1, 'float32', 22);
    const both = () => tf.tidy(() => [fusedSelfAttention(qkv, 4, 0.3), tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fusedSelfAttention(x as tf.Tensor3D, 4, 0.3), dy)))(qkv)].map((t) => Buffer.from((t.dataSync() as Float32Array).buffer.slice(0))));
    const want = both();
    await setWasmFastKernels(true, { threads: 2, threadMinWork: 0, batch1MinWork: 0 });
    let bad = 0;
    for (let i = 0; i < 200; i++) {
      const got = both();
      if (!got[0]!.equals(want[0]!) || !got[1]!.equals(want[1]!)) bad++;
    }
    await setWasmFastKernels(true, { threads: 1 });
    expect(bad).toBe(0);
    tf.dispose([qkv, dy]);
  });

  it('Attention runs it with and without a tape (the same output), and its gradients are the stock kernels\' within rounding', async () => {
    const attention = new Attention(24, 3);
    const x = tf.randomNormal([4, 9, 24], 0, 1, 'float32', 3) as tf.Tensor3D;
    expect(selfAttentionFuses('float32')).toBe(true);
    const profile = await tf.profile(() => attention.apply(x));
    expect(profile.kernelNames).toContain('JepaAttention');
    expect(profile.kernelNames).not.toContain('Softmax');
    const fused = profile.result as tf.Tensor;
    const params = [attention.qkv.weight, attention.qkv.bias!, attention.proj.weight];
    const gradsOf = () => {
      let out: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        out = tf.keep(attention.apply(x));
        return tf.sum(tf.square(out));
      }, params);
      return { out: out!, value, grads: params.map((p) => grads[p.name]!) };
    };
    const taped = await tf.profile(gradsOf);
    expect(taped.kernelNames).toContain('JepaAttentionTrain');
    expect(taped.kernelNames).toContain('JepaAttentionGrad');
    const fast = taped.result as ReturnType<typeof gradsOf>;
    expect(Array.from(fast.out.dataSync())).toEqual(Array.from(fused.dataSync()));
    // Against the stock kernels (XNNPACK's products and softmax, tfjs's gradients): close.
    await setWasmFastKernels(false);
    const stock = gradsOf();
    await setWasmFastKernels(true, { threads: 1 });
    for (const [i, g] of fast.grads.entries()) {
      const close = maxDiff(g.dataSync(), stock.grads[i]!.dataSync());
      expect(close.diff).toBeLessThanOrEqual(1e-5 * close.scale);
    }
    const vsStock = maxDiff(fast.out.dataSync(), stock.out.dataSync());
    expect(vsStock.diff).toBeLessThanOrEqual(2e-6 * vsStock.scale);
    tf.dispose([x, fused, fast.out, fast.value, ...fast.grads, stock.out, stock.value, ...stock.grads]);
    attention.dispose();
  });
});
