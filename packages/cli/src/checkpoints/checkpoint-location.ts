import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { listCheckpoints } from '@jepa/core/node';
import { CliError } from '../cli-error.js';

/** A checkpoint file pair found from what the user passed. */
export interface CheckpointLocation {
  /** Folder holding `<name>.json` and `<name>.safetensors`. */
  readonly dir: string;
  readonly name: string;
  /** The run folder (holding `config.json`) when the checkpoint sits in `<run>/checkpoints/`. */
  readonly runDir: string | undefined;
}

type TrainerMeta = { trainer?: { step?: number } };

const isDirectory = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory() ?? false;

/**
 * Finds a run checkpoint from a run folder (its newest checkpoint, by step), a `checkpoints/`
 * folder, or one checkpoint's `.json` or `.safetensors` file. Throws a {@link CliError} saying what
 * to pass.
 */
export async function locateCheckpoint(path: string, cwd: string): Promise<CheckpointLocation> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new CliError(`--checkpoint ${absolute}: no such file or folder. Pass a run folder written by \`jepa train\` or a checkpoint's .json file.`);
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
    throw new CliError(`--checkpoint ${absolute}: no valid training checkpoint in ${dir}${broken}. Pass a run folder written by \`jepa train\` or a checkpoint's .json file.`);
  }
  const newest = valid[valid.length - 1]!;
  return { dir, name: newest.name, runDir: dir === nested ? absolute : basename(dir) === 'checkpoints' ? dirname(dir) : undefined };
}
