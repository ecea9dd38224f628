import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../io/checkpoint.js';
import {
  listTrainCheckpoints,
  loadLatestTrainCheckpoint,
  pruneTrainCheckpoints,
  writeTrainCheckpoint,
} from './train-checkpoints.js';
import { trainCheckpointName, type TrainerCheckpointMeta } from './train-checkpoint.js';

const trainer = (step: number): TrainerCheckpointMeta => ({ step, epoch: 0, totalSteps: 100, loss: step === 0 ? null : 1 / step, elapsedSeconds: step, reason: 'periodic' });

describe('trainer checkpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jepa-train-ckpt-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(step: number) {
    const w = tf.fill([2], step);
    let disposed = 0;
    try {
      const checkpoint = await writeTrainCheckpoint(dir, { tensors: { w }, meta: { rng: [1, 2, 3, 4] }, dispose: () => void disposed++ }, trainer(step));
      expect(disposed).toBe(1);
      return checkpoint;
    } finally {
      w.dispose();
    }
  }

  it('names checkpoints by zero-padded step', () => {
    expect([trainCheckpointName(0), trainCheckpointName(100), trainCheckpointName(1234567)]).toEqual(['step-000000', 'step-000100', 'step-1234567']);
    expect(() => trainCheckpointName(-1)).toThrow(/non-negative integer, got -1/);
  });

  it('writes, lists by step (not by file time) and loads the newest, ignoring foreign checkpoints', async () => {
    const before = tf.memory().numTensors;
    expect(await write(20)).toMatchObject({ dir, name: 'step-000020', step: 20, reason: 'periodic', tensorsPath: join(dir, 'step-000020.safetensors') });
    await write(100);
    await write(3); // written last, but oldest by step
    await saveCheckpoint(dir, 'best', { tensors: {}, meta: { trainer: trainer(500), state: {} } }); // not a step-N name
    await saveCheckpoint(dir, 'step-000999', { tensors: {}, meta: { note: 'no trainer meta' } });
    expect((await listTrainCheckpoints(dir)).map((c) => c.name)).toEqual(['step-000003', 'step-000020', 'step-000100']);
    const point = await loadLatestTrainCheckpoint(dir);
    expect(point?.checkpoint).toEqual({ dir, name: 'step-000100', step: 100, reason: 'periodic', tensorsPath: join(dir, 'step-000100.safetensors'), metaPath: join(dir, 'step-000100.json') });
    expect(point?.loaded.meta).toEqual({ trainer: trainer(100), state: { rng: [1, 2, 3, 4] } });
    expect(Array.from(point!.loaded.tensors.get('w')!.data as Float32Array)).toEqual([100, 100]);
    expect(tf.memory().numTensors).toBe(before);
    expect(await loadLatestTrainCheckpoint(join(dir, 'missing'))).toBeUndefined();
  });

  it('skips newer broken checkpoints when loading, reporting them', async () => {
    await write(1);
    await write(2);
    await writeFile(join(dir, 'step-000002.safetensors'), 'truncated');
    const point = await loadLatestTrainCheckpoint(dir);
    expect(point?.checkpoint.name).toBe('step-000001');
    expect(point?.skipped).toEqual([expect.stringMatching(/^step-000002: .*is 9 bytes but its manifest records/)]);
    await writeFile(join(dir, 'step-000001.safetensors'), 'x');
    const problems: string[] = [];
    expect(await loadLatestTrainCheckpoint(dir, problems)).toBeUndefined();
    expect(problems).toHaveLength(2);
  });

  it('prunes to the newest valid ones, removing broken and half-written ones but never newer files', async () => {
    for (const step of [2, 4, 6, 8, 10]) await write(step);
    await writeFile(join(dir, 'step-000008.safetensors'), 'corrupt'); // broken, inside the kept window
    await writeFile(join(dir, 'step-000001.safetensors'), 'orphan tensors without a manifest');
    await writeFile(join(dir, 'step-000012.safetensors'), 'a save in progress');
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    expect(await pruneTrainCheckpoints(dir, 2)).toEqual(['step-000001', 'step-000002', 'step-000004', 'step-000008']);
    expect((await readdir(dir)).sort()).toEqual([
      'notes.txt',
      'step-000006.json',
      'step-000006.safetensors',
      'step-000010.json',
      'step-000010.safetensors',
      'step-000012.safetensors',
    ]);
    expect(await pruneTrainCheckpoints(dir, Infinity)).toEqual([]);
    await expect(pruneTrainCheckpoints(dir, 0)).rejects.toThrow(/keep must be at least 1/);
  });

  it('refuses a malformed saveState result, saying what to fix', async () => {
    await expect(writeTrainCheckpoint(dir, { tensors: {} } as never, trainer(1))).rejects.toThrow(
      /saveState\(\) must return \{ tensors: .*, meta: .* \}, got an object with keys \[tensors\]/,
    );
    await expect(writeTrainCheckpoint(dir, { tensors: {}, meta: { lr: Number.NaN } }, trainer(1))).rejects.toThrow(/meta\.state\.lr is NaN/);
  });
});
