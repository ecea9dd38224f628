import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Linear } from '../nn/linear.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { patchify3d } from './patchify-3d.js';

// Tubelet embeddings train on wasm, which lacks the conv backprop kernels: run everything there.
useBackendForThisFile('wasm');

const [B, T, H, W, C] = [2, 4, 6, 4, 3];
const [t, p] = [2, 2];
const [GT, GH, GW] = [T / t, H / p, W / p];
const K = t * p * p * C;

/** clip[b, f, y, x, c] of a row-major [B, T, H, W, C] array. */
const at = (data: Float32Array | number[], b: number, f: number, y: number, x: number, c: number) => data[(((b * T + f) * H + y) * W + x) * C + c]!;

describe('patchify3d', () => {
  it('orders tubelets in raster order of [T/t, H/p, W/p] and their values in (dt, dy, dx, c) order', () => {
    const clips = tf.tidy(() => tf.reshape(tf.range(0, B * T * H * W * C, 1, 'float32'), [B, T, H, W, C]) as tf.Tensor5D);
    const before = tf.memory().numTensors;
    const tokens = patchify3d(clips, t, p);
    expect(tokens.shape).toEqual([B, GT * GH * GW, K]);
    const got = tokens.dataSync();
    const source = clips.dataSync() as Float32Array;
    for (let b = 0; b < B; b++) {
      for (let gt = 0; gt < GT; gt++) for (let gh = 0; gh < GH; gh++) for (let gw = 0; gw < GW; gw++) {
        const n = (gt * GH + gh) * GW + gw;
        for (let dt = 0; dt < t; dt++) for (let dy = 0; dy < p; dy++) for (let dx = 0; dx < p; dx++) for (let c = 0; c < C; c++) {
          const k = ((dt * p + dy) * p + dx) * C + c;
          expect(got[(b * GT * GH * GW + n) * K + k]).toBe(at(source, b, gt * t + dt, gh * p + dy, gw * p + dx, c));
        }
      }
    }
    tokens.dispose();
    expect(tf.memory().numTensors).toBe(before);
    clips.dispose();
  });

  it('with a conv-layout Linear equals PyTorch Conv3d (weight [D, C, t, p, p], stride (t, p, p))', () => {
    const D = 5;
    const clips = tf.randomNormal([B, T, H, W, C], 0, 1, 'float32', 1) as tf.Tensor5D;
    const torchWeight = tf.randomNormal([D, C, t, p, p], 0, 1, 'float32', 2);
    const proj = new Linear(K, D, { layout: { kind: 'conv', kernel: [t, p, p], inChannels: C } });
    proj.loadStateDict({ weight: torchWeight, bias: tf.tensor1d([0.5, -1, 0, 2, 0.25]) });
    const ours = tf.tidy(() => proj.apply(patchify3d(clips, t, p)));
    // Host Conv3d: out[b, n, d] = bias[d] + sum_{c, dt, dy, dx} w[d, c, dt, dy, dx] * clip[b, t'*t+dt, h'*p+dy, w'*p+dx, c].
    const x = clips.dataSync() as Float32Array;
    const w = torchWeight.dataSync();
    const bias = [0.5, -1, 0, 2, 0.25];
    const got = ours.dataSync();
    let worst = 0;
    for (let b = 0; b < B; b++) for (let gt = 0; gt < GT; gt++) for (let gh = 0; gh < GH; gh++) for (let gw = 0; gw < GW; gw++) {
      const n = (gt * GH + gh) * GW + gw;
      for (let d = 0; d < D; d++) {
        let sum = bias[d]!;
        for (let c = 0; c < C; c++) for (let dt = 0; dt < t; dt++) for (let dy = 0; dy < p; dy++) for (let dx = 0; dx < p; dx++) {
          sum += w[(((d * C + c) * t + dt) * p + dy) * p + dx]! * at(x, b, gt * t + dt, gh * p + dy, gw * p + dx, c);
        }
        worst = Math.max(worst, Math.abs(got[(b * GT * GH * GW + n) * D + d]! - sum));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([clips, torchWeight, ours]);
    proj.dispose();
  });

  it('has a gradient on wasm: each clip value receives the upstream gradient of its tubelet slot', () => {
    expect(tf.getBackend()).toBe('wasm');
    const clips = tf.randomNormal([B, T, H, W, C], 0, 1, 'float32', 3) as tf.Tensor5D;
    const upstream = tf.randomNormal([B, GT * GH * GW, K], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(patchify3d(x as tf.Tensor5D, t, p), upstream)))(clips);
    expect(grad.shape).toEqual([B, T, H, W, C]);
    const g = grad.dataSync();
    const u = upstream.dataSync();
    for (let b = 0; b < B; b++) for (let f = 0; f < T; f++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) {
      const n = (Math.floor(f / t) * GH + Math.floor(y / p)) * GW + Math.floor(x / p);
      const k = (((f % t) * p + (y % p)) * p + (x % p)) * C + c;
      expect(at(g as Float32Array, b, f, y, x, c)).toBe(u[(b * GT * GH * GW + n) * K + k]);
    }
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([clips, upstream]);
  });

  it('says what to fix for wrong ranks and sizes', () => {
    const clips = tf.zeros([1, 3, 4, 4, 1]) as tf.Tensor5D;
    expect(() => patchify3d(clips, 2, 2)).toThrow(/3 frames are not divisible by tubelet size 2/);
    expect(() => patchify3d(clips, 1, 3)).toThrow(/4x4 are not divisible by patch size 3/);
    expect(() => patchify3d(clips, 0, 2)).toThrow(/tubelet size must be a positive integer/);
    const images = tf.zeros([1, 4, 4, 1]);
    expect(() => patchify3d(images as unknown as tf.Tensor5D, 1, 2)).toThrow(/expected clips \[B, T, H, W, C\].*perm \[0, 2, 3, 4, 1\]/);
    tf.dispose([clips, images]);
  });
});
