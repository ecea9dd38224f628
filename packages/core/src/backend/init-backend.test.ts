import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import { wasmFastKernelsOn, wasmKernelThreads } from './kernels/fast-kernels.js';

describe('initBackend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('falls back past missing tfjs-node packages and says why', async () => {
    const info = await initBackend({ env: {} });
    // tfjs-node(-gpu) cannot be installed offline, so here auto picks wasm and records the skips.
    expect(['tensorflow', 'wasm']).toContain(info.backend);
    expect(tf.getBackend()).toBe(info.backend);
    if (info.backend === 'wasm') {
      expect(info.skipped.map((s) => s.candidate)).toEqual(['tensorflow-gpu', 'tensorflow']);
      expect(info.skipped[0]!.reason.length).toBeGreaterThan(0);
    }
  });

  it('honours JEPA_BACKEND, and the option over the variable', async () => {
    expect((await initBackend({ env: { JEPA_BACKEND: 'cpu' } })).backend).toBe('cpu');
    expect((await initBackend({ backend: 'wasm', env: { JEPA_BACKEND: 'cpu' } })).backend).toBe('wasm');
  });

  it('registers the fast wasm kernels unless fastKernels: false or JEPA_WASM_FAST_KERNELS=0', async () => {
    expect((await initBackend({ backend: 'wasm', env: {} })).fastKernels).toBe(true);
    expect(wasmFastKernelsOn()).toBe(true);
    expect((await initBackend({ backend: 'wasm', env: { JEPA_WASM_FAST_KERNELS: '0' } })).fastKernels).toBe(false);
    expect(wasmFastKernelsOn()).toBe(false);
    expect((await initBackend({ backend: 'wasm', fastKernels: true, env: { JEPA_WASM_FAST_KERNELS: '0' } })).fastKernels).toBe(true);
    expect((await initBackend({ backend: 'wasm', fastKernels: false, env: {} })).fastKernels).toBe(false);
    expect(wasmFastKernelsOn()).toBe(false);
    expect((await initBackend({ backend: 'cpu', env: {} })).fastKernels).toBe(false);
  });

  it('runs the fast kernels on two threads unless threads: 1 or JEPA_WASM_THREADS=1', async () => {
    const two = await initBackend({ backend: 'wasm', env: {} });
    expect(two.kernelThreads).toBe(2);
    expect(wasmKernelThreads().threads).toBe(2);
    const one = await initBackend({ backend: 'wasm', env: { JEPA_WASM_THREADS: '1' } });
    expect(one.kernelThreads).toBe(1);
    expect(one.kernelThreadsReason).toMatch(/one thread/);
    expect((await initBackend({ backend: 'wasm', threads: 2, env: { JEPA_WASM_THREADS: '1' } })).kernelThreads).toBe(2);
    expect((await initBackend({ backend: 'wasm', fastKernels: false, env: {} })).kernelThreads).toBe(0);
    expect((await initBackend({ backend: 'cpu', env: {} })).kernelThreads).toBe(0);
  });

  it('rejects unknown names and unavailable forced backends with what to do', async () => {
    await expect(initBackend({ env: { JEPA_BACKEND: 'tpu' } })).rejects.toThrow(/Unknown backend 'tpu' \(from JEPA_BACKEND\)/);
    await expect(initBackend({ backend: 'tensorflow-gpu', env: {} })).rejects.toThrow(/Install @tensorflow\/tfjs-node-gpu/);
  });
});

describe('initBackend in a browser page', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('tries WebGPU, then WebGL, then wasm, and says why it passed each over', async () => {
    // Node has no navigator.gpu and no WebGL context: the browser order ends at wasm.
    const info = await initBackend({ runtime: 'browser', env: {} });
    expect(info).toMatchObject({ backend: 'wasm', runtime: 'browser', provider: '@tensorflow/tfjs-backend-wasm' });
    expect(info.skipped.map((s) => s.candidate)).toEqual(['webgpu', 'webgl']);
    expect(info.skipped[0]!.reason).toMatch(/navigator\.gpu/);
    expect((await initBackend({ env: {} })).runtime).toBe('node');
  });

  it('prefers WebGPU when navigator.gpu exists and the page registered the webgpu backend', async () => {
    const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
    const navigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: {} }, configurable: true });
    // A stand-in for @tensorflow/tfjs-backend-webgpu's registration (its kernels are not needed here).
    tf.registerBackend('webgpu', () => new MathBackendCPU());
    try {
      const info = await initBackend({ runtime: 'browser', env: {} });
      expect(info).toMatchObject({ backend: 'webgpu', provider: '@tensorflow/tfjs-backend-webgpu', skipped: [], fastKernels: false });
      // without navigator.gpu it is passed over, and a forced webgpu says what to install
      Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
      expect((await initBackend({ runtime: 'browser', env: {} })).backend).toBe('wasm');
      await expect(initBackend({ backend: 'webgpu', env: {} })).rejects.toThrow(/Backend 'webgpu' could not be loaded \(no WebGPU here.*Install @tensorflow\/tfjs-backend-webgpu/);
    } finally {
      tf.removeBackend('webgpu');
      if (navigator) Object.defineProperty(globalThis, 'navigator', navigator);
      else delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});
