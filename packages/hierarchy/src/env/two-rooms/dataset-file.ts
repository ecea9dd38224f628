import { readSafetensorsFile, writeSafetensorsFile } from '@jepa/core/node';
import { twoRoomsDatasetFromSafetensors, twoRoomsDatasetTensors } from './dataset-bytes.js';
import type { TwoRoomsDataset } from './dataset.js';

/**
 * Two Rooms dataset files (Node only; `@jepa/hierarchy/node`): the safetensors of dataset-bytes.ts
 * on disk.
 */

/** Writes `dataset` to a safetensors file (atomically); see `encodeTwoRoomsDataset` for the layout. */
export async function writeTwoRoomsDatasetFile(path: string, dataset: TwoRoomsDataset): Promise<void> {
  const { tensors, metadata } = twoRoomsDatasetTensors(dataset, 'writeTwoRoomsDatasetFile');
  await writeSafetensorsFile(path, tensors, metadata);
}

/**
 * Reads a dataset written by {@link writeTwoRoomsDatasetFile}, checking the format tag, every
 * tensor's dtype and shape; errors name the file and what is wrong.
 */
export async function readTwoRoomsDatasetFile(path: string): Promise<TwoRoomsDataset> {
  return twoRoomsDatasetFromSafetensors(await readSafetensorsFile(path), 'readTwoRoomsDatasetFile', path);
}
