import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { StateDictMismatchError, toTfTensor } from '@jepa/core';
import { loadCheckpoint } from '@jepa/core/node';
import { CliError } from '../cli-error.js';
import { refuseNonFiniteWeights } from './finite-weights.js';
import type { CheckpointLocation } from './checkpoint-location.js';
import { readSafetensorsShapes, refuseContradictedConfig, type ShapeClaim } from './model-shape-claims.js';
import { refuseDisagreeingRunRecords } from './run-records.js';

/** What the trainer stores in a run checkpoint's `meta` (only the parts read here). */
export interface RunCheckpointMeta<Config> {
  trainer?: { step?: number };
  state?: { kind?: string; config?: Config };
}

/** A model rebuilt from a run checkpoint. */
export interface LoadedRunCheckpoint<Model, Config> {
  readonly model: Model;
  /** The training config recorded in the checkpoint. */
  readonly config: Config;
  /** Training step the checkpoint was saved at (undefined if it does not say). */
  readonly step: number | undefined;
  readonly tensorsPath: string;
}

/**
 * The `meta.state.kind` a run checkpoint's manifest records (`ijepa`, `vjepa`), read from its
 * `.json` without loading the tensors; undefined when the manifest cannot be read or says nothing.
 */
export async function runCheckpointKind(location: CheckpointLocation): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(location.dir, `${location.name}.json`), 'utf8')) as { meta?: RunCheckpointMeta<unknown> };
    const kind = manifest.meta?.state?.kind;
    return typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  }
}

/** `meta.state` of a checkpoint manifest, or undefined when the manifest cannot be read (loadCheckpoint then says why). */
async function readManifestState<Config>(metaPath: string): Promise<{ kind?: unknown; config?: Config & { model?: unknown } } | undefined> {
  try {
    const manifest = JSON.parse(await readFile(metaPath, 'utf8')) as { meta?: RunCheckpointMeta<Config> };
    const state = manifest?.meta?.state;
    return typeof state === 'object' && state !== null ? (state as { kind?: unknown; config?: Config & { model?: unknown } }) : {};
  } catch {
    return undefined;
  }
}

/** How to rebuild one kind of run's model. */
export interface RunCheckpointKind<Model, Config> {
  /** `meta.state.kind` of the runs (`ijepa`, `vjepa`). */
  readonly kind: string;
  /** The model in words (`I-JEPA`) and the command that writes such runs (`jepa train ijepa`). */
  readonly label: string;
  readonly command: string;
  readonly build: (config: Config) => Model;
  /**
   * The tensor shapes the recorded config implies (see {@link ShapeClaim}): checked against the
   * safetensors header before the model is built, so a forged config cannot make it allocate more
   * than the weights hold. Kinds without it are built from the config as recorded.
   */
  readonly shapeClaims?: (config: Config, where: string) => readonly ShapeClaim[];
}

/**
 * Loads a checkpoint written by a `jepa train` command: builds the model from the config in its
 * metadata and loads its weights strictly (the `optimizer.` moments are ignored). Before anything is
 * built, the recorded config is compared with the run folder's own records (config.json,
 * report.json: heads cannot be read from weights) and, for kinds with `shapeClaims`, with the
 * tensor shapes of the safetensors header. A checkpoint of another kind, a config these contradict,
 * or keys or shapes that differ from the model throw a {@link CliError} (naming the files, fields
 * and keys), and nothing is loaded.
 */
export async function loadRunCheckpoint<Model extends { loadStateDict(weights: Record<string, tf.Tensor>, source?: string): void; dispose(): void }, Config extends { model: object }>(
  location: CheckpointLocation,
  kind: RunCheckpointKind<Model, Config>,
): Promise<LoadedRunCheckpoint<Model, Config>> {
  const { dir, name } = location;
  const tensorsPath = join(dir, `${name}.safetensors`);
  const metaPath = join(dir, `${name}.json`);
  const notThisKind = (recordedKind: unknown) =>
    new CliError(
      `${metaPath} is not ${/^[AEIOU]/.test(kind.label) ? 'an' : 'a'} ${kind.label} training checkpoint: its meta.state.kind is ${JSON.stringify(recordedKind)} ` +
        `(expected "${kind.kind}" with the training config). Pass a checkpoint written by \`${kind.command}\`.`,
    );
  // The recorded config is checked before the tensors are read and before anything is built from it.
  const recorded = await readManifestState<Config>(metaPath);
  if (recorded) {
    if (recorded.kind !== kind.kind || typeof recorded.config?.model !== 'object' || recorded.config.model === null) throw notThisKind(recorded.kind);
    await refuseDisagreeingRunRecords(recorded.config.model, metaPath, location.runDir, kind.kind);
    if (kind.shapeClaims) {
      let shapes: Map<string, readonly number[]>;
      try {
        shapes = await readSafetensorsShapes(tensorsPath);
      } catch (error) {
        throw new CliError(`Checkpoint '${name}': cannot read the tensor header of ${tensorsPath} named by ${metaPath} (${(error as Error).message}).`);
      }
      refuseContradictedConfig(kind.shapeClaims(recorded.config, metaPath), shapes, metaPath, tensorsPath);
    }
  }
  let loaded;
  try {
    loaded = await loadCheckpoint<RunCheckpointMeta<Config>>(dir, name);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const state = loaded.meta?.state;
  if (state?.kind !== kind.kind || typeof state.config?.model !== 'object') throw notThisKind(state?.kind);
  const config = state.config;
  refuseNonFiniteWeights([...loaded.tensors].filter(([key]) => !key.startsWith('optimizer.')), tensorsPath);
  let model: Model;
  try {
    model = kind.build(config);
  } catch (error) {
    throw new CliError(`Cannot build the ${kind.label} described by ${metaPath}: ${(error as Error).message}`);
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
