import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, StateDictMismatchError, toTfTensor } from '@jepa/core';
import { createVJepa, type VJepaModel, type VJepaTrainingConfig } from '@jepa/video';
import { CliError } from './cli-error.js';
import type { CheckpointLocation } from './ijepa-checkpoint.js';

/** What the trainer stores in a V-JEPA checkpoint's `meta` (only the parts read here). */
interface TrainerMeta {
  trainer?: { step?: number };
  state?: { kind?: string; config?: VJepaTrainingConfig };
}

/**
 * The `meta.state.kind` a run checkpoint's manifest records (`ijepa`, `vjepa`), read from its
 * `.json` without loading the tensors; undefined when the manifest cannot be read or says nothing.
 */
export async function checkpointKind(location: CheckpointLocation): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(location.dir, `${location.name}.json`), 'utf8')) as { meta?: TrainerMeta };
    const kind = manifest.meta?.state?.kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** A V-JEPA rebuilt from a checkpoint. */
export interface LoadedVJepa {
  readonly model: VJepaModel;
  /** The training config recorded in the checkpoint (model sizes, normalisation, seed, ...). */
  readonly config: VJepaTrainingConfig;
  /** Training step the checkpoint was saved at (undefined if it does not say). */
  readonly step: number | undefined;
  readonly tensorsPath: string;
}

/**
 * Loads a V-JEPA checkpoint written by `jepa train vjepa`: builds the model from the config in its
 * metadata (`createVJepa(config.model)`) and loads the three modules strictly (the `optimizer.`
 * moments are ignored). A checkpoint whose keys or shapes differ from that model throws a
 * {@link CliError} listing every mismatched key, and nothing is loaded.
 */
export async function loadVJepaCheckpoint(location: CheckpointLocation): Promise<LoadedVJepa> {
  const { dir, name } = location;
  const tensorsPath = join(dir, `${name}.safetensors`);
  const metaPath = join(dir, `${name}.json`);
  let loaded;
  try {
    loaded = await loadCheckpoint<TrainerMeta>(dir, name);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const state = loaded.meta?.state;
  if (state?.kind !== 'vjepa' || typeof state.config?.model !== 'object') {
    throw new CliError(
      `${metaPath} is not a V-JEPA training checkpoint: its meta.state.kind is ${JSON.stringify(state?.kind)} ` +
        '(expected "vjepa" with the training config). Pass a checkpoint written by `jepa train vjepa`.',
    );
  }
  const config = state.config;
  let model: VJepaModel;
  try {
    model = createVJepa(config.model);
  } catch (error) {
    throw new CliError(`Cannot build the V-JEPA described by ${metaPath}: ${(error as Error).message}`);
  }
  const weights: Record<string, tf.Tensor> = {};
  try {
    for (const [key, host] of loaded.tensors) {
      if (!key.startsWith('optimizer.')) weights[key] = toTfTensor(host, key);
    }
    model.loadStateDict(weights, tensorsPath);
  } catch (error) {
    model.dispose();
    if (error instanceof StateDictMismatchError) throw new CliError(error.message);
    throw error;
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
  return { model, config, step: loaded.meta.trainer?.step, tensorsPath };
}
