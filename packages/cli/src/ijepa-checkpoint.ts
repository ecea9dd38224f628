import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { listCheckpoints, loadCheckpoint, StateDictMismatchError, toTfTensor } from '@jepa/core';
import { createIJepa, type IJepaModel } from '@jepa/vision';
import { CliError } from './cli-error.js';
import type { ResolvedTrainingConfig } from './run-config.js';

/** A checkpoint file pair found from what the user passed. */
export interface CheckpointLocation {
  /** Folder holding `<name>.json` and `<name>.safetensors`. */
  readonly dir: string;
  readonly name: string;
  /** The run folder (holding `config.json`) when the checkpoint sits in `<run>/checkpoints/`. */
  readonly runDir: string | undefined;
}

/** What the trainer stores in a checkpoint's `meta` (only the parts read here). */
interface TrainerMeta {
  trainer?: { step?: number };
  state?: { kind?: string; config?: ResolvedTrainingConfig };
}

const isDirectory = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory() ?? false;

/**
 * Finds a checkpoint from a run folder (its newest checkpoint, by step), a `checkpoints/` folder,
 * or one checkpoint's `.json` or `.safetensors` file. Throws a {@link CliError} saying what to pass.
 */
export async function locateCheckpoint(path: string, cwd: string): Promise<CheckpointLocation> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new CliError(`--checkpoint ${absolute}: no such file or folder. Pass a run folder written by \`jepa train ijepa\` or a checkpoint's .json file.`);
  if (info.isFile()) {
    const match = /^(.*)\.(json|safetensors)$/.exec(basename(absolute));
    if (!match) throw new CliError(`--checkpoint ${absolute}: expected a checkpoint's .json (or .safetensors) file, or a run folder.`);
    const dir = dirname(absolute);
    return { dir, name: match[1]!, runDir: basename(dir) === 'checkpoints' ? dirname(dir) : undefined };
  }
  const nested = join(absolute, 'checkpoints');
  const dir = (await isDirectory(nested)) ? nested : absolute;
  const entries = (await listCheckpoints<TrainerMeta>(dir)).filter((c) => typeof c.meta?.trainer?.step === 'number');
  const valid = entries.filter((c) => !c.problem).sort((a, b) => a.meta.trainer!.step! - b.meta.trainer!.step!);
  if (valid.length === 0) {
    const broken = entries.length > 0 ? ` (${entries.length} unusable: ${entries.map((c) => `${c.name}: ${c.problem}`).join('; ')})` : '';
    throw new CliError(`--checkpoint ${absolute}: no valid training checkpoint in ${dir}${broken}. Pass a run folder written by \`jepa train ijepa\` or a checkpoint's .json file.`);
  }
  const newest = valid[valid.length - 1]!;
  return { dir, name: newest.name, runDir: dir === nested ? absolute : basename(dir) === 'checkpoints' ? dirname(dir) : undefined };
}

/** An I-JEPA rebuilt from a checkpoint. */
export interface LoadedIJepa {
  readonly model: IJepaModel;
  readonly config: ResolvedTrainingConfig;
  /** Training step the checkpoint was saved at (undefined if it does not say). */
  readonly step: number | undefined;
  readonly tensorsPath: string;
}

/**
 * Loads an I-JEPA checkpoint written by `jepa train ijepa`: builds the model from the config in
 * its metadata and loads the weights strictly (optimizer moments are ignored). A checkpoint whose
 * keys or shapes differ from that model throws a {@link CliError} listing every mismatched key.
 */
export async function loadIJepaCheckpoint(location: CheckpointLocation): Promise<LoadedIJepa> {
  const { dir, name } = location;
  const tensorsPath = join(dir, `${name}.safetensors`);
  let loaded;
  try {
    loaded = await loadCheckpoint<TrainerMeta>(dir, name);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const state = loaded.meta?.state;
  if (state?.kind !== 'ijepa' || typeof state.config?.model !== 'object') {
    throw new CliError(
      `${join(dir, `${name}.json`)} is not an I-JEPA training checkpoint: its meta.state.kind is ${JSON.stringify(state?.kind)} ` +
        '(expected "ijepa" with the training config). Pass a checkpoint written by `jepa train ijepa`.',
    );
  }
  const config = state.config;
  let model: IJepaModel;
  try {
    model = createIJepa(config.model);
  } catch (error) {
    throw new CliError(`Cannot build the model described by ${join(dir, `${name}.json`)}: ${(error as Error).message}`);
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
