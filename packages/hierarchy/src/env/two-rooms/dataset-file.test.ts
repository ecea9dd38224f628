import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensorsFile } from '@jepa/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { readTwoRoomsDatasetFile, writeTwoRoomsDatasetFile } from './dataset-file.js';
import { generateTwoRoomsDataset } from './dataset.js';

describe('Two Rooms dataset files', () => {
  let folder: string | undefined;
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('round-trips a dataset through safetensors, arrays, shapes and source alike', async () => {
    folder = await mkdtemp(join(tmpdir(), 'two-rooms-'));
    const dataset = generateTwoRoomsDataset({ trajectories: 7, seed: 3, steps: 12 });
    const path = join(folder, 'data.safetensors');
    await writeTwoRoomsDatasetFile(path, dataset);
    const read = await readTwoRoomsDatasetFile(path);
    expect(read).toEqual(dataset);
  });

  it('refuses a safetensors file that is not a Two Rooms dataset, saying so', async () => {
    folder ??= await mkdtemp(join(tmpdir(), 'two-rooms-'));
    const path = join(folder, 'other.safetensors');
    await writeSafetensorsFile(path, { weight: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    await expect(readTwoRoomsDatasetFile(path)).rejects.toThrow(/not a Two Rooms dataset/);
  });
});
