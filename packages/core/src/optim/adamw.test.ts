import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';

describe('AdamW (torch semantics)', () => {
  it('applies decoupled decay then the bias-corrected update, by hand for two steps', () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const opt = new AdamW([['layer.weight', w], ['layer.bias', b]], { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(opt.groups()).toEqual([{ name: 'layer.weight', decay: true }, { name: 'layer.bias', decay: false }]);
    const lr = 0.1;
    const wd = 0.5;
    // Reference in plain arithmetic, as torch.optim.AdamW computes it.
    let p = 1;
    let m = 0;
    let v = 0;
    let pb = 0.5;
    let mb = 0;
    let vb = 0;
    const grads = [[0.3, 0.2], [-0.4, 0.1]];
    grads.forEach(([g, gb], i) => {
      const t = i + 1;
      p *= 1 - lr * wd;
      m = 0.9 * m + 0.1 * g!;
      v = 0.999 * v + 0.001 * g! * g!;
      p -= (lr / (1 - 0.9 ** t)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      mb = 0.9 * mb + 0.1 * gb!;
      vb = 0.999 * vb + 0.001 * gb! * gb!;
      pb -= (lr / (1 - 0.9 ** t)) * mb / (Math.sqrt(vb) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
      const gw = tf.tensor2d([[g!, g!]]);
      const gbt = tf.tensor1d([gb!]);
      opt.step({ 'layer.weight': gw, 'layer.bias': gbt }, lr, wd);
      tf.dispose([gw, gbt]);
    });
    expect(w.dataSync()[0]).toBeCloseTo(p, 6);
    expect(b.dataSync()[0]).toBeCloseTo(pb, 6);
    expect(opt.stepCount).toBe(2);
    opt.dispose();
    tf.dispose([w, b]);
  });

  it('owns exactly its moment variables: construction and dispose leave no tensor behind', () => {
    const w = tf.variable(tf.ones([3]));
    const before = tf.memory().numTensors;
    const opt = new AdamW([['w', w]]);
    expect(tf.memory().numTensors).toBe(before + 2);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('restores its state exactly and refuses a state of other shapes without changing anything', () => {
    const w = tf.variable(tf.ones([2, 3]));
    const opt = new AdamW([['w', w]]);
    const g = tf.fill([2, 3], 0.5);
    opt.step({ w: g }, 0.01, 0);
    const state = opt.stateDict();
    const twin = new AdamW([['w', tf.variable(tf.ones([2, 3]))]]);
    twin.loadStateDict(state);
    expect(twin.stepCount).toBe(1);
    expect(Array.from(twin.stateDict().tensors['w.exp_avg']!.dataSync())).toEqual(Array.from(state.tensors['w.exp_avg']!.dataSync()));
    const bad = { step: 3, tensors: { 'w.exp_avg': tf.zeros([3, 2]) } };
    expect(() => twin.loadStateDict(bad, 'ckpt.safetensors')).toThrow(/ckpt.safetensors[\s\S]*w.exp_avg: expected \[2,3\], got \[3,2\][\s\S]*missing w.exp_avg_sq/);
    expect(twin.stepCount).toBe(1);
    tf.dispose([g, ...Object.values(state.tensors), bad.tensors['w.exp_avg']]);
    opt.dispose();
    twin.dispose();
  });
});
