import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from './atomic-write.js';
import { fromTfTensorAsync, parseSafetensors, serializeSafetensorsChunks, type HostTensor } from './safetensors.js';

/**
 * A training checkpoint is two files in one folder:
 * - `<name>.safetensors`: the tensors (`encoder.blocks.0...`, `target_encoder...`, `optimizer.<param>.m`, ...);
 * - `<name>.json`: a {@link CheckpointManifest} with the caller's metadata and the byte length and
 *   SHA-256 of the safetensors file.
 * Both are written atomically and the JSON last, so a checkpoint is valid only when its JSON exists
 * and matches its tensors: a crash between the two writes leaves an incomplete checkpoint that
 * {@link listCheckpoints} skips, and earlier checkpoints valid. Use a new name per save (e.g.
 * `step-000100`): re-saving under an existing name and crashing half-way is detected (the old JSON
 * no longer matches), not recovered.
 */

/** `format` of a checkpoint manifest. */
export const CHECKPOINT_FORMAT = 'jepa-checkpoint';
/** Version of the manifest layout this code writes; it reads this version and older. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The content of `<name>.json`. */
export interface CheckpointManifest<M = unknown> {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  name: string;
  /** ISO-8601 time of the save. */
  savedAt: string;
  tensors: { file: string; byteLength: number; sha256: string; count: number };
  /** The caller's metadata: step, epoch, config, rng state, schedules, library version, ... */
  meta: M;
}

/** What {@link saveCheckpoint} writes. */
export interface CheckpointContent<M extends object = object> {
  /** Tensors by key: float32, int32 or bool `tf.Tensor`s (not disposed), or host tensors of any dtype. */
  tensors: Record<string, tf.Tensor | HostTensor>;
  /** Any JSON-serialisable object (no NaN/Infinity, BigInt, Map, Set, functions or undefined). */
  meta: M;
}

/** A checkpoint read back by {@link loadCheckpoint}. */
export interface LoadedCheckpoint<M = unknown> {
  tensors: Map<string, HostTensor>;
  meta: M;
  manifest: CheckpointManifest<M>;
}

/** One entry of {@link listCheckpoints}. */
export interface CheckpointInfo<M = unknown> {
  name: string;
  tensorsPath: string;
  metaPath: string;
  savedAt: string;
  meta: M;
  /** Why the checkpoint cannot be loaded; absent when it is valid. */
  problem?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

function checkName(name: string): void {
  if (!NAME.test(name) || /\.(json|safetensors)$/.test(name)) {
    throw new Error(
      `Checkpoint name ${JSON.stringify(name)} is invalid: use letters, digits, '.', '_' and '-' only, ` +
        `without a path or a .json/.safetensors extension (e.g. 'step-000100').`,
    );
  }
}

/** Paths of the two files of checkpoint `name` in `dir`. */
export function checkpointPaths(dir: string, name: string): { tensorsPath: string; metaPath: string } {
  checkName(name);
  return { tensorsPath: join(dir, `${name}.safetensors`), metaPath: join(dir, `${name}.json`) };
}

/** Throws naming the first value at `path` that JSON would drop or change. */
function checkJson(value: unknown, path: string, seen: Set<object>): void {
  const bad = (what: string): never => {
    throw new Error(`saveCheckpoint: ${path} is ${what}, which JSON cannot store faithfully. Convert it (e.g. to a string, number or array) first.`);
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) bad(String(value));
    return;
  }
  if (typeof value !== 'object') bad(typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`);
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) bad(`a ${value!.constructor.name}`);
  if (seen.has(value as object)) bad('a circular reference');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return; // e.g. Date
  seen.add(value as object);
  if (Array.isArray(value)) value.forEach((v, i) => checkJson(v, `${path}[${i}]`, seen));
  else for (const [k, v] of Object.entries(value as object)) checkJson(v, `${path}.${k}`, seen);
  seen.delete(value as object);
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
): Promise<{ tensorsPath: string; metaPath: string }> {
  const { tensorsPath, metaPath } = checkpointPaths(dir, name);
  checkJson(content.meta, 'meta', new Set());
  const host: Record<string, HostTensor> = {};
  for (const [key, t] of Object.entries(content.tensors)) {
    host[key] = t instanceof tf.Tensor ? await fromTfTensorAsync(t, key) : t;
  }
  const { chunks, byteLength } = serializeSafetensorsChunks(host, {
    format: CHECKPOINT_FORMAT,
    checkpoint: name,
  });
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  const manifest: CheckpointManifest<M> = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    name,
    savedAt: new Date().toISOString(),
    tensors: { file: `${name}.safetensors`, byteLength, sha256: hash.digest('hex'), count: Object.keys(host).length },
    meta: content.meta,
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(tensorsPath, chunks);
  await writeFileAtomic(metaPath, `${JSON.stringify(manifest, null, 2)}\n`);
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
  let manifest: CheckpointManifest<M>;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`Checkpoint manifest ${metaPath} is not valid JSON (${(error as Error).message}); load an earlier checkpoint.`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT || typeof manifest.tensors?.sha256 !== 'string') {
    throw new Error(`${metaPath} is not a ${CHECKPOINT_FORMAT} manifest (no "format": "${CHECKPOINT_FORMAT}" or "tensors" entry).`);
  }
  if (!(manifest.formatVersion <= CHECKPOINT_FORMAT_VERSION)) {
    throw new Error(
      `${metaPath} has checkpoint format version ${manifest.formatVersion}; this @jepa/core reads up to ` +
        `${CHECKPOINT_FORMAT_VERSION}. Upgrade @jepa/core to load it.`,
    );
  }
  return manifest;
}

/** Checks that `bytes` (or just its size) match what the manifest recorded; returns the problem, if any. */
function mismatch(manifest: CheckpointManifest, tensorsPath: string, size: number, bytes?: Uint8Array): string | undefined {
  if (size !== manifest.tensors.byteLength) {
    return `${tensorsPath} is ${size} bytes but its manifest records ${manifest.tensors.byteLength}`;
  }
  if (bytes) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== manifest.tensors.sha256) {
      return `${tensorsPath} has SHA-256 ${sha256} but its manifest records ${manifest.tensors.sha256}`;
    }
  }
  return undefined;
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
  if (problem) {
    throw new Error(
      `Checkpoint '${name}' is corrupt: ${problem} (${metaPath}). The file was modified or a re-save under the same ` +
        'name was interrupted; load an earlier checkpoint.',
    );
  }
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
    if (!file.endsWith('.json') || !NAME.test(name)) continue;
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
