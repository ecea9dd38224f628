import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';
import { latestCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { CheckpointManifest } from './checkpoint-codec.js';
import { serializeSafetensors, toTfTensor } from './safetensors.js';

describe('checkpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jepa-ckpt-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const meta = (step: number) => ({ step, epoch: 0, config: { embedDim: 4, lr: [1e-3, 1e-4] }, rng: { seed: 7, state: [1, 2] } });

  async function save(name: string, step: number, value = step) {
    const tensors = {
      'encoder.blocks.0.attn.qkv.weight': tf.fill([2, 3], value),
      'optimizer.encoder.blocks.0.attn.qkv.weight.m': tf.zeros([2, 3]),
      'optimizer.step': tf.scalar(step, 'int32'),
    };
    try {
      return await saveCheckpoint(join(dir, 'ckpts'), name, { tensors, meta: meta(step) });
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  it('saves tensors and a manifest recording their length and SHA-256, and loads them back', async () => {
    const before = tf.memory().numTensors;
    const { tensorsPath, metaPath } = await save('step-000010', 10, 1.5);
    expect(tf.memory().numTensors).toBe(before);
    expect(tensorsPath).toBe(join(dir, 'ckpts', 'step-000010.safetensors'));
    const bytes = await readFile(tensorsPath);
    const manifest = JSON.parse(await readFile(metaPath, 'utf8')) as CheckpointManifest;
    expect(manifest).toMatchObject({
      format: 'jepa-checkpoint',
      formatVersion: 1,
      name: 'step-000010',
      tensors: { file: 'step-000010.safetensors', byteLength: bytes.length, count: 3 },
      meta: meta(10),
    });
    expect(manifest.tensors.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    const loaded = await loadCheckpoint<ReturnType<typeof meta>>(join(dir, 'ckpts'), 'step-000010');
    expect(loaded.meta).toEqual(meta(10));
    const w = loaded.tensors.get('encoder.blocks.0.attn.qkv.weight')!;
    expect([w.dtype, w.shape, [...w.data]]).toEqual(['F32', [2, 3], [1.5, 1.5, 1.5, 1.5, 1.5, 1.5]]);
    expect(loaded.tensors.get('optimizer.step')).toEqual({ dtype: 'I32', shape: [], data: Int32Array.of(10) });
    expect(tf.tidy(() => toTfTensor(w).sum().arraySync())).toBe(9);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a tensors file whose length or hash differs from the manifest, naming the file', async () => {
    const { tensorsPath } = await save('a', 1);
    const bytes = await readFile(tensorsPath);
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(tensorsPath, bytes);
    await expect(loadCheckpoint(join(dir, 'ckpts'), 'a')).rejects.toThrow(
      new RegExp(`Checkpoint 'a' is corrupt: .*a\\.safetensors has SHA-256 [0-9a-f]{64} but its manifest records`),
    );
    await writeFile(tensorsPath, bytes.subarray(0, 100));
    await expect(loadCheckpoint(join(dir, 'ckpts'), 'a')).rejects.toThrow(/a\.safetensors is 100 bytes but its manifest records \d+/);
    const listed = await listCheckpoints(join(dir, 'ckpts'));
    expect(listed.map((c) => [c.name, c.problem !== undefined])).toEqual([['a', true]]);
  });

  it('a crash between the two writes leaves the previous checkpoint the latest valid one', async () => {
    await save('step-2', 2);
    // Simulate a crash after the tensors of step-10 were written but before its manifest.
    await writeFileAtomic(join(dir, 'ckpts', 'step-10.safetensors'), serializeSafetensors({}));
    await expect(loadCheckpoint(join(dir, 'ckpts'), 'step-10')).rejects.toThrow(
      /Checkpoint 'step-10' is incomplete: .*step-10\.json does not exist/,
    );
    expect((await listCheckpoints(join(dir, 'ckpts'))).map((c) => c.name)).toEqual(['step-2']);
    expect((await latestCheckpoint(join(dir, 'ckpts')))?.name).toBe('step-2');
    await save('step-10', 10);
    expect((await latestCheckpoint(join(dir, 'ckpts')))?.meta).toEqual(meta(10));
  });

  it('lists checkpoints oldest first, skips other JSON files, and verifies hashes on request', async () => {
    expect(await listCheckpoints(join(dir, 'nothing-here'))).toEqual([]);
    expect(await latestCheckpoint(join(dir, 'nothing-here'))).toBeUndefined();
    await save('step-10', 10);
    await save('step-9', 9); // saved later: newer even though its name sorts first
    await writeFile(join(dir, 'ckpts', 'config.json'), '{"lr": 1}');
    await writeFile(join(dir, 'ckpts', 'notes.json'), 'not json');
    expect((await listCheckpoints(join(dir, 'ckpts'))).map((c) => c.name)).toEqual(['step-10', 'step-9']);

    // Same length, different bytes: only `verify` notices.
    const path = join(dir, 'ckpts', 'step-9.safetensors');
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 1;
    await writeFile(path, bytes);
    expect((await latestCheckpoint(join(dir, 'ckpts')))?.name).toBe('step-9');
    expect((await latestCheckpoint(join(dir, 'ckpts'), { verify: true }))?.name).toBe('step-10');
    expect(await readdir(join(dir, 'ckpts'))).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });

  it('rejects bad names and non-JSON metadata before writing anything', async () => {
    const tensors = { w: tf.ones([1]) };
    try {
      await expect(saveCheckpoint(dir, '../evil', { tensors, meta: {} })).rejects.toThrow(/name "..\/evil" is invalid/);
      await expect(saveCheckpoint(dir, 'x.json', { tensors, meta: {} })).rejects.toThrow(/without a path or a \.json/);
      await expect(saveCheckpoint(dir, 'x', { tensors, meta: { lr: [1, NaN] } })).rejects.toThrow(/meta\.lr\[1\] is NaN/);
      await expect(saveCheckpoint(dir, 'x', { tensors, meta: { rng: 5n } })).rejects.toThrow(/meta\.rng is a bigint/);
      await expect(saveCheckpoint(dir, 'x', { tensors, meta: { seen: new Map() } })).rejects.toThrow(/meta\.seen is a Map/);
      await expect(saveCheckpoint(dir, 'x', { tensors, meta: { a: undefined } })).rejects.toThrow(/meta\.a is undefined/);
      const c = tf.complex([1], [1]);
      await expect(saveCheckpoint(dir, 'x', { tensors: { z: c }, meta: {} })).rejects.toThrow(/'z' has dtype complex64/);
      c.dispose();
      expect(await readdir(dir)).toEqual([]);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  });

  it('refuses a manifest from a newer format version, saying to upgrade', async () => {
    const { metaPath } = await save('new', 1);
    const manifest = JSON.parse(await readFile(metaPath, 'utf8'));
    await writeFile(metaPath, JSON.stringify({ ...manifest, formatVersion: 99 }));
    await expect(loadCheckpoint(join(dir, 'ckpts'), 'new')).rejects.toThrow(/format version 99.*Upgrade @jepa\/core/);
  });
});
