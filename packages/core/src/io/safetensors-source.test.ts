import { describe, expect, it } from 'vitest';
import { serializeSafetensors } from './safetensors.js';
import { readSafetensorsBlob } from './safetensors-source.js';

describe('readSafetensorsBlob', () => {
  const bytes = new Uint8Array(serializeSafetensors(
    { 'encoder.w': { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, 'predictor.b': { dtype: 'I32', shape: [1], data: Int32Array.of(7) } },
    { format: 'test' },
  ));

  it('reads a File, a Blob, an ArrayBuffer or bytes, keeping only what keep selects', async () => {
    for (const input of [new File([bytes], 'w.safetensors'), new Blob([bytes]), bytes.buffer, bytes]) {
      const { tensors, metadata } = await readSafetensorsBlob(input);
      expect(metadata).toEqual({ format: 'test' });
      expect(tensors.get('encoder.w')).toEqual({ dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
      expect(tensors.get('predictor.b')).toEqual({ dtype: 'I32', shape: [1], data: Int32Array.of(7) });
    }
    const kept = await readSafetensorsBlob(new Blob([bytes]), { keep: (key) => key.startsWith('encoder.') });
    expect([...kept.tensors.keys()]).toEqual(['encoder.w']);
  });

  it('names the File (or the given source) when the bytes are truncated', async () => {
    await expect(readSafetensorsBlob(new File([bytes.subarray(0, bytes.length - 3)], 'cut.safetensors'))).rejects.toThrow(/cut\.safetensors/);
    await expect(readSafetensorsBlob(bytes.subarray(0, 20), { source: 'given' })).rejects.toThrow(/given/);
  });
});
