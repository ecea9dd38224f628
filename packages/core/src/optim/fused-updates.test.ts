import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { setWasmFastKernels } from '../backend/kernels/fast-kernels.js';
import { Linear } from '../nn/linear.js';
import { AdamW } from './adamw.js';
import { emaUpdate } from './ema.js';
import { hasKernel } from '../ops/has-kernel.js';
import { ADAMW_KERNEL, EMA_KERNEL, adamwUpdateInto, emaInto, type AdamWScalars } from './fused-updates.js';
import { fastThenStock, useWasmFastKernels } from '../backend/kernels/use-fast-kernels.js';

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
  useWasmFastKernels();

  it('are registered with the fast kernels and removed with them', async () => {
    expect(hasKernel(ADAMW_KERNEL) && hasKernel(EMA_KERNEL)).toBe(true);
    await setWasmFastKernels(false);
    expect(hasKernel(ADAMW_KERNEL) || hasKernel(EMA_KERNEL)).toBe(false);
    await setWasmFastKernels(true, { threads: 1 });
  });

  it('AdamW gives the tensor ops\' bits: parameters (decayed and not) and both moments over 5 steps, leaking nothing', async () => {
    const before = tf.memory().numTensors;
    const [fused, ops] = await fastThenStock(() => runAdamW(5));
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
    const [fused, ops] = await fastThenStock(run);
    expect(fused).toEqual(ops);
  });

  it('the plain-JS fallback (adamwUpdateInto, emaInto) gives the SIMD kernels\' bits', () => {
    const n = 1003;
    const [p, m, v, g] = [1, 2, 3, 4].map((seed) => tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed)));
    const vPos = tf.abs(v!);
    const s: AdamWScalars = { decay: true, decayFactor: 1 - 3e-4 * 0.05, beta1: 0.9, oneMinusBeta1: 1 - 0.9, beta2: 0.999, oneMinusBeta2: 1 - 0.999, sqrtBias2: Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, stepSize: 3e-4 / (1 - 0.9 ** 3) };
    const outs = tf.engine().runKernel(ADAMW_KERNEL, { p: p!, m: m!, v: vPos, g: g! }, { ...s }) as tf.Tensor[];
    const js = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
    adamwUpdateInto(p!.dataSync(), m!.dataSync(), vPos.dataSync(), g!.dataSync(), js[0]!, js[1]!, js[2]!, s);
    outs.forEach((o, i) => expect(bits(o)).toEqual(Array.from(new Uint32Array(js[i]!.buffer))));
    const e = tf.engine().runKernel(EMA_KERNEL, { target: p!, online: g! }, { momentum: 0.996 }) as tf.Tensor;
    const je = new Float32Array(n);
    emaInto(p!.dataSync(), g!.dataSync(), je, 0.996);
    expect(bits(e)).toEqual(Array.from(new Uint32Array(je.buffer)));
    tf.dispose([p!, m!, v!, g!, vPos, e, ...outs]);
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
