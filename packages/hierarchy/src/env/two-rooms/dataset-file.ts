// Node-only (file IO through @jepa/core, which loads TensorFlow.js): keep it apart from the
// browser-safe environment files.
import { type HostTensor } from '@jepa/core';
import { readSafetensorsFile, writeSafetensorsFile } from '@jepa/core/node';
import { resolveTwoRoomsDataConfig } from './data-config.js';
import { checkTwoRoomsDataset, type TwoRoomsDataset } from './dataset.js';

/** The `format` metadata value of a Two Rooms dataset file. */
export const TWO_ROOMS_DATASET_FORMAT = 'jepa-two-rooms-dataset/1';

/**
 * Writes `dataset` to a safetensors file (atomically): tensors `layouts` I32 `[N, 2]`,
 * `positions` F32 `[N, T + 1, 2]`, `actions` F32 `[N, T, 2]`, `door_crossing` U8 `[N]`; metadata
 * `format`, and `seed` and `config` (JSON) when the dataset records its source. Node only.
 */
export async function writeTwoRoomsDatasetFile(path: string, dataset: TwoRoomsDataset): Promise<void> {
  checkTwoRoomsDataset(dataset, 'writeTwoRoomsDatasetFile');
  const { trajectories: n, steps: t } = dataset;
  const metadata: Record<string, string> = { format: TWO_ROOMS_DATASET_FORMAT };
  if (dataset.source) {
    metadata.seed = String(dataset.source.seed);
    metadata.config = JSON.stringify(dataset.source.config);
  }
  await writeSafetensorsFile(
    path,
    {
      layouts: { dtype: 'I32', shape: [n, 2], data: dataset.layouts },
      positions: { dtype: 'F32', shape: [n, t + 1, 2], data: dataset.positions },
      actions: { dtype: 'F32', shape: [n, t, 2], data: dataset.actions },
      door_crossing: { dtype: 'U8', shape: [n], data: dataset.doorCrossing },
    },
    metadata,
  );
}

/**
 * Reads a dataset written by {@link writeTwoRoomsDatasetFile}, checking the format tag, every
 * tensor's dtype and shape; errors name the file and what is wrong. Node only.
 */
export async function readTwoRoomsDatasetFile(path: string): Promise<TwoRoomsDataset> {
  const { tensors, metadata } = await readSafetensorsFile(path);
  const fail = (message: string): never => {
    throw new Error(`readTwoRoomsDatasetFile: ${path}: ${message}`);
  };
  if (metadata.format !== TWO_ROOMS_DATASET_FORMAT) {
    fail(`not a Two Rooms dataset (metadata format is ${JSON.stringify(metadata.format)}, expected ${JSON.stringify(TWO_ROOMS_DATASET_FORMAT)}); write it with writeTwoRoomsDatasetFile.`);
  }
  const take = <D extends HostTensor['dtype']>(key: string, dtype: D): Extract<HostTensor, { dtype: D }> => {
    const tensor = tensors.get(key);
    if (!tensor) return fail(`tensor "${key}" is missing.`);
    if (tensor.dtype !== dtype) return fail(`tensor "${key}" has dtype ${tensor.dtype}, expected ${dtype}.`);
    return tensor as Extract<HostTensor, { dtype: D }>;
  };
  const layouts = take('layouts', 'I32');
  const positions = take('positions', 'F32');
  const actions = take('actions', 'F32');
  const doorCrossing = take('door_crossing', 'U8');
  const n = layouts.shape[0] ?? 0;
  const t = actions.shape[1] ?? 0;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(layouts.shape, [n, 2]) || !same(positions.shape, [n, t + 1, 2]) || !same(actions.shape, [n, t, 2]) || !same(doorCrossing.shape, [n])) {
    fail(
      `shapes do not agree: layouts [${layouts.shape}], positions [${positions.shape}], actions [${actions.shape}], door_crossing [${doorCrossing.shape}]; expected [N, 2], [N, T + 1, 2], [N, T, 2], [N].`,
    );
  }
  let source: TwoRoomsDataset['source'];
  if (metadata.seed !== undefined && metadata.config !== undefined) {
    source = { seed: Number(metadata.seed), config: resolveTwoRoomsDataConfig(JSON.parse(metadata.config) as object, `readTwoRoomsDatasetFile (${path})`) };
  }
  const dataset: TwoRoomsDataset = {
    trajectories: n,
    steps: t,
    layouts: layouts.data,
    positions: positions.data,
    actions: actions.data,
    doorCrossing: doorCrossing.data,
    ...(source ? { source } : {}),
  };
  checkTwoRoomsDataset(dataset, `readTwoRoomsDatasetFile (${path})`);
  return dataset;
}
