import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWasmFastKernels } from '../backend/kernels/fast-kernels.js';
import { Linear } from '../nn/linear.js';
import { AdamW } from './adamw.js';
import { emaUpdate } from './ema.js';
import { ADAMW_KERNEL, EMA_KERNEL, hasKernel } from './fused-updates.js';

const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

/** Runs `steps` AdamW updates on fresh parameters with seeded gradients; returns parameters and moments. */
function runAdamW(steps: number): number[][] {
  // Variables outlive a tidy; the random tensors they copy do not.
  const w = tf.tidy(() => tf.variable(tf.randomNormal([33, 17], 0, 1, 'float32', 1)));
  const b = tf.tidy(() => tf.variable(tf.randomNormal([17], 0, 1, 'float32', 2)));
  const opt = new AdamW([['fc.weight', w], ['fc.bias', b]], { eps: 1e-6 });
  for (let s = 0; s < steps; s++) {
    const grads = { 'fc.weight': tf.randomNormal([33, 17], 0, 0.1 * (s + 1), 'float32', 10 + s), 'fc.bias': tf.randomNormal([17], 0, 1e-4, 'float32', 20 + s) };
    opt.step(grads, 1e-3 * (s + 1), 0.05);
    tf.dispose(Object.values(grads));
  }
  const state = opt.stateDict();
  const out = [bits(w), bits(b), ...Object.values(state.tensors).map(bits)];
  tf.dispose([w, b, ...Object.values(state.tensors)]);
  opt.dispose();
  return out;
}

describe('fused AdamW and EMA kernels (wasm)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    await setWasmFastKernels(true, { threads: 1 });
  });
  afterAll(async () => {
    await setWasmFastKernels(false);
    await tf.setBackend('cpu');
  });

  it('are registered with the fast kernels and removed with them', async () => {
    expect(hasKernel(ADAMW_KERNEL) && hasKernel(EMA_KERNEL)).toBe(true);
    await setWasmFastKernels(false);
    expect(hasKernel(ADAMW_KERNEL) || hasKernel(EMA_KERNEL)).toBe(false);
    await setWasmFastKernels(true, { threads: 1 });
  });

  it('AdamW gives the tensor ops\' bits: parameters (decayed and not) and both moments over 5 steps, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const fused = runAdamW(5);
    await setWasmFastKernels(false);
    const ops = runAdamW(5);
    await setWasmFastKernels(true, { threads: 1 });
    expect(fused.length).toBe(6);
    fused.forEach((f, i) => expect(f).toEqual(ops[i]));
    // The update moved the parameters (a no-op kernel would pass the comparison only if the ops did nothing too).
    expect(tf.memory().numTensors).toBe(before);
    const start = tf.randomNormal([33, 17], 0, 1, 'float32', 1);
    expect(fused[0]).not.toEqual(bits(start));
    start.dispose();
  });

  it('EMA gives the tensor ops\' bits', async () => {
    const make = () => {
      const target = new Linear(9, 5);
      const online = new Linear(9, 5);
      for (const [, p] of online.namedParameters()) tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 1, 'float32', 3)));
      for (const [, p] of target.namedParameters()) tf.tidy(() => p.variable.assign(tf.randomNormal(p.variable.shape, 0, 1, 'float32', 4)));
      return { target, online };
    };
    const run = () => {
      const { target, online } = make();
      emaUpdate(target, online, 0.996);
      emaUpdate(target, online, 0.9);
      const out = [...target.namedParameters()].map(([, p]) => bits(p.variable));
      target.dispose();
      online.dispose();
      return out;
    };
    const fused = run();
    await setWasmFastKernels(false);
    const ops = run();
    await setWasmFastKernels(true, { threads: 1 });
    expect(fused).toEqual(ops);
  });

  it('a gradient of the wrong shape is named and changes nothing', () => {
    const w = tf.variable(tf.ones([3, 2]));
    const b = tf.variable(tf.ones([2]));
    const opt = new AdamW([['a.weight', w], ['b.bias', b]]);
    const g = { 'a.weight': tf.ones([3, 2]), 'b.bias': tf.ones([3]) };
    expect(() => opt.step(g, 0.1, 0)).toThrow(/'b\.bias' is \[3\], the parameter \[2\]; nothing was updated/);
    expect(Array.from(w.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(opt.stepCount).toBe(0);
    tf.dispose([w, b, ...Object.values(g)]);
    opt.dispose();
  });
});
