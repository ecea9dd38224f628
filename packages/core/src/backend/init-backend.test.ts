import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';

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

  it('rejects unknown names and unavailable forced backends with what to do', async () => {
    await expect(initBackend({ env: { JEPA_BACKEND: 'tpu' } })).rejects.toThrow(/Unknown backend 'tpu' \(from JEPA_BACKEND\)/);
    await expect(initBackend({ backend: 'tensorflow-gpu', env: {} })).rejects.toThrow(/Install @tensorflow\/tfjs-node-gpu/);
  });
});
