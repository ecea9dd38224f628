import { parseSafetensors, serializeSafetensors, type HostTensor, type HostTensors, type ParsedSafetensors } from '@jepa/core';
import { resolveTwoRoomsDataConfig } from './data-config.js';
import { checkTwoRoomsDataset, type TwoRoomsDataset } from './dataset.js';

/**
 * A Two Rooms dataset as safetensors (browser-safe): tensors `layouts` I32 `[N, 2]`, `positions`
 * F32 `[N, T + 1, 2]`, `actions` F32 `[N, T, 2]`, `door_crossing` U8 `[N]`; metadata `format`, and
 * `seed` and `config` (JSON) when the dataset records its source. `writeTwoRoomsDatasetFile` and
 * `readTwoRoomsDatasetFile` (`@jepa/hierarchy/node`) put the same bytes in a file.
 */

/** The `format` metadata value of a Two Rooms dataset file. */
export const TWO_ROOMS_DATASET_FORMAT = 'jepa-two-rooms-dataset/1';

/** The tensors and metadata of `dataset` (checked first; `who` names the caller in errors). */
export function twoRoomsDatasetTensors(dataset: TwoRoomsDataset, who: string): { tensors: HostTensors; metadata: Record<string, string> } {
  checkTwoRoomsDataset(dataset, who);
  const { trajectories: n, steps: t } = dataset;
  const metadata: Record<string, string> = { format: TWO_ROOMS_DATASET_FORMAT };
  if (dataset.source) {
    metadata.seed = String(dataset.source.seed);
    metadata.config = JSON.stringify(dataset.source.config);
  }
  const tensors: HostTensors = {
    layouts: { dtype: 'I32', shape: [n, 2], data: dataset.layouts },
    positions: { dtype: 'F32', shape: [n, t + 1, 2], data: dataset.positions },
    actions: { dtype: 'F32', shape: [n, t, 2], data: dataset.actions },
    door_crossing: { dtype: 'U8', shape: [n], data: dataset.doorCrossing },
  };
  return { tensors, metadata };
}

/**
 * The dataset in parsed safetensors, checking the format tag, every tensor's dtype and shape;
 * errors name `who` (the caller) and `source` (the file) and say what is wrong.
 */
export function twoRoomsDatasetFromSafetensors({ tensors, metadata }: ParsedSafetensors, who: string, source: string): TwoRoomsDataset {
  const fail = (message: string): never => {
    throw new Error(`${who}: ${source}: ${message}`);
  };
  if (metadata.format !== TWO_ROOMS_DATASET_FORMAT) {
    fail(`not a Two Rooms dataset (metadata format is ${JSON.stringify(metadata.format)}, expected ${JSON.stringify(TWO_ROOMS_DATASET_FORMAT)}); write it with writeTwoRoomsDatasetFile or encodeTwoRoomsDataset.`);
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
  let recorded: TwoRoomsDataset['source'];
  if (metadata.seed !== undefined && metadata.config !== undefined) {
    recorded = { seed: Number(metadata.seed), config: resolveTwoRoomsDataConfig(JSON.parse(metadata.config) as object, `${who} (${source})`) };
  }
  const dataset: TwoRoomsDataset = {
    trajectories: n,
    steps: t,
    layouts: layouts.data,
    positions: positions.data,
    actions: actions.data,
    doorCrossing: doorCrossing.data,
    ...(recorded ? { source: recorded } : {}),
  };
  checkTwoRoomsDataset(dataset, `${who} (${source})`);
  return dataset;
}

/** The bytes of a Two Rooms dataset file (what `writeTwoRoomsDatasetFile` writes), e.g. to download from a page. */
export function encodeTwoRoomsDataset(dataset: TwoRoomsDataset): Uint8Array {
  const { tensors, metadata } = twoRoomsDatasetTensors(dataset, 'encodeTwoRoomsDataset');
  return serializeSafetensors(tensors, metadata);
}

/**
 * A Two Rooms dataset from the bytes of its file (checked as `readTwoRoomsDatasetFile` checks it).
 * @param source names the bytes in errors (a file name). Default `'<bytes>'`.
 */
export function decodeTwoRoomsDataset(bytes: Uint8Array, source = '<bytes>'): TwoRoomsDataset {
  return twoRoomsDatasetFromSafetensors(parseSafetensors(bytes, source), 'decodeTwoRoomsDataset', source);
}
