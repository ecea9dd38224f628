import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { readFile } from 'node:fs/promises';

describe('encodeCheckpoint / decodeCheckpoint (a run checkpoint as two in-memory files)', () => {
  const meta = { step: 4, config: { embedDim: 2 } };

  it('round-trips, and writes the files saveCheckpoint writes (loadCheckpoint reads them, and the other way round)', async () => {
    const weight = tf.tensor2d([[1, 2], [3, 4]]);
    try {
      const encoded = await encodeCheckpoint('step-000004', { tensors: { 'encoder.w': weight, step: { dtype: 'I32', shape: [], data: Int32Array.of(4) } }, meta });
      expect(encoded.manifest).toMatchObject({ format: 'jepa-checkpoint', name: 'step-000004', tensors: { file: 'step-000004.safetensors', count: 2 }, meta });
      expect(encoded.manifestText).toBe(`${JSON.stringify(encoded.manifest, null, 2)}\n`);

      const decoded = await decodeCheckpoint<typeof meta>({ manifest: encoded.manifestText, tensors: new Blob(encoded.tensors as Uint8Array<ArrayBuffer>[]) });
      expect(decoded.meta).toEqual(meta);
      expect(decoded.tensors.get('encoder.w')).toEqual({ dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });

      const dir = await mkdtemp(join(tmpdir(), 'jepa-codec-'));
      try {
        await writeFile(join(dir, 'step-000004.json'), encoded.manifestText);
        await writeFile(join(dir, 'step-000004.safetensors'), Buffer.concat(encoded.tensors));
        expect((await loadCheckpoint(dir, 'step-000004')).meta).toEqual(meta);
        const saved = await saveCheckpoint(dir, 'other', { tensors: { 'encoder.w': weight }, meta });
        const fromDisk = await decodeCheckpoint({ manifest: await readFile(saved.metaPath), tensors: await readFile(saved.tensorsPath) });
        expect(fromDisk.tensors.get('encoder.w')?.data).toEqual(Float32Array.of(1, 2, 3, 4));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } finally {
      weight.dispose();
    }
  });

  it('refuses tensors that differ from the manifest, and metadata JSON cannot hold', async () => {
    const encoded = await encodeCheckpoint('a', { tensors: { w: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } }, meta: {} });
    const bytes = new Uint8Array(Buffer.concat(encoded.tensors));
    bytes[bytes.length - 1] ^= 0xff;
    await expect(decodeCheckpoint({ manifest: encoded.manifestText, tensors: new File([bytes], 'a.safetensors') })).rejects.toThrow(
      /Checkpoint 'a' is corrupt: a\.safetensors has SHA-256 [0-9a-f]{64} but its manifest records/,
    );
    await expect(decodeCheckpoint({ manifest: '{"format": "other"}', tensors: bytes })).rejects.toThrow(/is not a jepa-checkpoint manifest/);
    await expect(encodeCheckpoint('a', { tensors: {}, meta: { lr: NaN } })).rejects.toThrow(/encodeCheckpoint: meta\.lr is NaN/);
    await expect(encodeCheckpoint('../a', { tensors: {}, meta: {} })).rejects.toThrow(/name "..\/a" is invalid/);
  });
});
