import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import {
  CHECKPOINT_NAME,
  checkCheckpointName,
  checkpointMismatch,
  corruptCheckpointError,
  manifestText,
  parseCheckpointManifest,
  prepareCheckpoint,
  type CheckpointContent,
  type CheckpointManifest,
  type LoadedCheckpoint,
} from './checkpoint-codec.js';
import { parseSafetensors } from './safetensors.js';

/**
 * A training checkpoint in a folder (Node only; `@jepa/core/node`): the two files of
 * checkpoint-codec.ts, `<name>.safetensors` and `<name>.json`.
 * Both are written atomically and the JSON last, so a checkpoint is valid only when its JSON exists
 * and matches its tensors: a crash between the two writes leaves an incomplete checkpoint that
 * {@link listCheckpoints} skips, and earlier checkpoints valid. Use a new name per save (e.g.
 * `step-000100`): re-saving under an existing name and crashing half-way is detected (the old JSON
 * no longer matches), not recovered.
 */

/** One entry of {@link listCheckpoints}. */
export interface CheckpointInfo<M = unknown> {
  /** The checkpoint's name. */
  name: string;
  /** Path of `<name>.safetensors`. */
  tensorsPath: string;
  /** Path of `<name>.json`. */
  metaPath: string;
  /** ISO-8601 time of the save, from the manifest. */
  savedAt: string;
  /** The caller's metadata, from the manifest. */
  meta: M;
  /** Why the checkpoint cannot be loaded; absent when it is valid. */
  problem?: string;
}

/** Paths of the two files of checkpoint `name` in `dir`. */
export function checkpointPaths(dir: string, name: string): {
  /** Path of `<name>.safetensors`. */
  tensorsPath: string;
  /** Path of `<name>.json`. */
  metaPath: string;
} {
  checkCheckpointName(name);
  return { tensorsPath: join(dir, `${name}.safetensors`), metaPath: join(dir, `${name}.json`) };
}

/**
 * Saves a checkpoint: `<dir>/<name>.safetensors`, then `<dir>/<name>.json` (both atomic; `dir` is
 * created if needed). The tensors are read asynchronously and not disposed.
 * @throws before writing anything when a name, tensor dtype or `meta` value cannot be saved.
 */
export async function saveCheckpoint<M extends object>(
  dir: string,
  name: string,
  content: CheckpointContent<M>,
): Promise<{
  /** Path of `<name>.safetensors`. */
  tensorsPath: string;
  /** Path of `<name>.json`. */
  metaPath: string;
}> {
  const { tensorsPath, metaPath } = checkpointPaths(dir, name);
  const { chunks, manifest } = await prepareCheckpoint(name, content, 'saveCheckpoint');
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  const done = manifest(hash.digest('hex'));
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(tensorsPath, chunks);
  await writeFileAtomic(metaPath, manifestText(done));
  return { tensorsPath, metaPath };
}

/** Reads and checks `<name>.json`; throws naming the file. */
async function readManifest<M>(metaPath: string, name: string): Promise<CheckpointManifest<M>> {
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `Checkpoint '${name}' is incomplete: ${metaPath} does not exist (the save was interrupted, or the name is wrong). ` +
          'Load an earlier checkpoint (see listCheckpoints / latestCheckpoint).',
      );
    }
    throw new Error(`Cannot read checkpoint manifest ${metaPath}: ${(error as Error).message}`);
  }
  return parseCheckpointManifest<M>(text, metaPath);
}

/** Checks that `bytes` (or just its size) match what the manifest recorded; returns the problem, if any. */
function mismatch(manifest: CheckpointManifest, tensorsPath: string, size: number, bytes?: Uint8Array): string | undefined {
  return checkpointMismatch(manifest, tensorsPath, size, bytes ? createHash('sha256').update(bytes).digest('hex') : undefined);
}

/**
 * Loads checkpoint `name` from `dir`, verifying the tensors file's length and SHA-256 against the
 * manifest. Tensors come back as host tensors; turn them into `tf.Tensor`s with `toTfTensor`.
 * @throws naming the file when the manifest is missing or invalid, or the tensors do not match it.
 */
export async function loadCheckpoint<M = unknown>(dir: string, name: string): Promise<LoadedCheckpoint<M>> {
  const { tensorsPath, metaPath } = checkpointPaths(dir, name);
  const manifest = await readManifest<M>(metaPath, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(tensorsPath);
  } catch (error) {
    throw new Error(`Checkpoint '${name}': cannot read ${tensorsPath} named by ${metaPath} (${(error as Error).message}).`);
  }
  const problem = mismatch(manifest, tensorsPath, bytes.length, bytes);
  if (problem) throw corruptCheckpointError(name, problem, metaPath);
  const { tensors } = parseSafetensors(bytes, tensorsPath);
  return { tensors, meta: manifest.meta, manifest };
}

const byAge = (a: CheckpointInfo, b: CheckpointInfo) =>
  a.savedAt.localeCompare(b.savedAt) || a.name.localeCompare(b.name, 'en', { numeric: true });

/**
 * The checkpoints in `dir` (those with a `<name>.json` manifest), oldest first by save time, then
 * by name in natural order. Each entry has a `problem` when its tensors file is missing or its size
 * differs from the manifest; with `verify` the SHA-256 is checked too (reads every file).
 * Returns `[]` when `dir` does not exist. Files that are not checkpoint manifests are ignored.
 */
export async function listCheckpoints<M = unknown>(dir: string, options: { verify?: boolean } = {}): Promise<CheckpointInfo<M>[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: CheckpointInfo<M>[] = [];
  for (const file of files) {
    const name = file.slice(0, -'.json'.length);
    if (!file.endsWith('.json') || !CHECKPOINT_NAME.test(name)) continue;
    const { tensorsPath, metaPath } = checkpointPaths(dir, name);
    let manifest: CheckpointManifest<M>;
    try {
      manifest = await readManifest<M>(metaPath, name);
    } catch {
      continue; // not a checkpoint manifest (e.g. a config file)
    }
    let problem: string | undefined;
    try {
      const bytes = options.verify ? await readFile(tensorsPath) : undefined;
      problem = mismatch(manifest, tensorsPath, bytes ? bytes.length : (await stat(tensorsPath)).size, bytes);
    } catch (error) {
      problem = `cannot read ${tensorsPath} (${(error as Error).message})`;
    }
    out.push({ name, tensorsPath, metaPath, savedAt: manifest.savedAt, meta: manifest.meta, ...(problem ? { problem } : {}) });
  }
  return out.sort(byAge);
}

/** The newest valid checkpoint in `dir` (see {@link listCheckpoints}), or `undefined` if none. */
export async function latestCheckpoint<M = unknown>(dir: string, options: { verify?: boolean } = {}): Promise<CheckpointInfo<M> | undefined> {
  const valid = (await listCheckpoints<M>(dir, options)).filter((c) => !c.problem);
  return valid[valid.length - 1];
}
