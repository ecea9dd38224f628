import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type CheckpointFile, type ReadCheckpointOptions } from '@jepa/core';
import { readCheckpointFile } from '@jepa/core/node';
import { CliError } from '../cli-error.js';
import { locateCheckpoint } from './checkpoint-location.js';
import { refuseDisagreeingRunRecords } from './run-records.js';

/**
 * Reads the checkpoint a user named: an official `.pth`/`.pth.tar`, a `.safetensors` file (an
 * export or a run checkpoint), a run folder (its newest checkpoint) or a run checkpoint's `.json`.
 * Every problem is a {@link CliError} that names the path and what to pass instead; a run checkpoint
 * whose manifest records another model than its run folder's config.json or report.json is refused
 * (the heads it records would be used).
 * @param what how the argument is named in messages (`--checkpoint`, `FILE`).
 * @param options.only read only these top-level modules when the file has them all (the other
 *   modules and the optimizer state of a training checkpoint are skipped); otherwise the whole file.
 */
export async function readCheckpointArgument(path: string, cwd: string, what: string, options: Pick<ReadCheckpointOptions, 'only'> = {}): Promise<CheckpointFile> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new CliError(`${what} ${absolute}: no such file or folder. Pass an official I-JEPA .pth.tar, a .safetensors file, or a run folder written by \`jepa train ijepa\`.`);
  }
  let file = absolute;
  if (info.isDirectory() || absolute.endsWith('.json')) {
    const location = await locateCheckpoint(absolute, cwd);
    file = join(location.dir, `${location.name}.safetensors`);
  }
  const read = await readFile(file, what, options);
  await checkRunRecords(read);
  return read;
}

async function readFile(file: string, what: string, options: Pick<ReadCheckpointOptions, 'only'>): Promise<CheckpointFile> {
  if (options.only) {
    try {
      return await readCheckpointFile(file, { only: options.only });
    } catch {
      // Not a dict of these modules (a bare state dict, another module layout) or unreadable: the full read below says why.
    }
  }
  try {
    return await readCheckpointFile(file);
  } catch (error) {
    throw new CliError(`${what}: ${(error as Error).message}`);
  }
}

/** A run checkpoint (one with a manifest) in `<run>/checkpoints/`: its recorded model must agree with the run folder's records. */
async function checkRunRecords(file: CheckpointFile): Promise<void> {
  const state = (file.manifest?.meta as { state?: { kind?: unknown; config?: { model?: unknown } } } | undefined)?.state;
  if (typeof state?.kind !== 'string') return;
  const dir = dirname(file.path);
  const runDir = basename(dir) === 'checkpoints' ? dirname(dir) : undefined;
  await refuseDisagreeingRunRecords(state.config?.model, file.path.replace(/\.safetensors$/, '.json'), runDir, state.kind);
}
