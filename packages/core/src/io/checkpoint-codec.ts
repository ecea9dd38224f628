import * as tf from '@tensorflow/tfjs';
import { bytesOf, type BinaryInput } from './byte-source.js';
import { fromTfTensorAsync, parseSafetensors, serializeSafetensorsChunks, type HostTensor } from './safetensors.js';

/**
 * A training checkpoint is two files: `<name>.safetensors` (the tensors: `encoder.blocks.0...`,
 * `target_encoder...`, `optimizer.<param>.m`, ...) and `<name>.json`, a {@link CheckpointManifest}
 * with the caller's metadata and the byte length and SHA-256 of the tensors file. This file turns a
 * checkpoint into those two files' bytes and back, browser-safe ({@link encodeCheckpoint},
 * {@link decodeCheckpoint}: a page can save a run as two downloads and resume from two uploads);
 * `@jepa/core/node` writes and reads them in a folder (`saveCheckpoint`, `loadCheckpoint`).
 */

/** `format` of a checkpoint manifest. */
export const CHECKPOINT_FORMAT = 'jepa-checkpoint';
/** Version of the manifest layout this code writes; it reads this version and older. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The content of `<name>.json`. */
export interface CheckpointManifest<M = unknown> {
  /** Marks the file as a checkpoint manifest (`jepa-checkpoint`). */
  format: typeof CHECKPOINT_FORMAT;
  /** Version of the manifest layout ({@link CHECKPOINT_FORMAT_VERSION} when written). */
  formatVersion: number;
  /** The checkpoint's name (the two files are `<name>.safetensors` and `<name>.json`). */
  name: string;
  /** ISO-8601 time of the save. */
  savedAt: string;
  /** The tensors file. */
  tensors: {
    /** Its file name, `<name>.safetensors`. */
    file: string;
    /** Its size in bytes. */
    byteLength: number;
    /** Its SHA-256, hex: a checkpoint whose tensors file does not match is refused. */
    sha256: string;
    /** Tensors it holds. */
    count: number;
  };
  /** The caller's metadata: step, epoch, config, rng state, schedules, library version, ... */
  meta: M;
}

/** What a checkpoint holds, to save. */
export interface CheckpointContent<M extends object = object> {
  /** Tensors by key: float32, int32 or bool `tf.Tensor`s (not disposed), or host tensors of any dtype. */
  tensors: Record<string, tf.Tensor | HostTensor>;
  /** Any JSON-serialisable object (no NaN/Infinity, BigInt, Map, Set, functions or undefined). */
  meta: M;
}

/** A checkpoint read back. */
export interface LoadedCheckpoint<M = unknown> {
  /** The tensors by key, as stored (float32 stays float32, F16/BF16 stay raw bits). */
  tensors: Map<string, HostTensor>;
  /** The caller's metadata, as saved. */
  meta: M;
  /** The whole manifest, with the tensors file's size and SHA-256. */
  manifest: CheckpointManifest<M>;
}

/** The two files of a checkpoint, in memory, as {@link encodeCheckpoint} makes them. */
export interface EncodedCheckpoint<M = unknown> {
  /** The checkpoint's name. */
  readonly name: string;
  /** `<name>.safetensors`, as the pieces to write in order (concatenate, or pass to `new Blob(chunks)`). */
  readonly tensors: readonly Uint8Array[];
  /** Size of the tensors file. */
  readonly byteLength: number;
  /** The manifest, with the tensors file's size and SHA-256 filled in. */
  readonly manifest: CheckpointManifest<M>;
  /** `<name>.json`: the manifest as written (two-space JSON and a newline). */
  readonly manifestText: string;
}

/** Names a checkpoint may have: letters, digits, `.`, `_`, `-`; no path. */
export const CHECKPOINT_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Throws unless `name` can name a checkpoint's two files. */
export function checkCheckpointName(name: string): void {
  if (!CHECKPOINT_NAME.test(name) || /\.(json|safetensors)$/.test(name)) {
    throw new Error(
      `Checkpoint name ${JSON.stringify(name)} is invalid: use letters, digits, '.', '_' and '-' only, ` +
        `without a path or a .json/.safetensors extension (e.g. 'step-000100').`,
    );
  }
}

/** Throws naming the first value at `path` that JSON would drop or change; `who` starts the message. */
function checkJson(value: unknown, path: string, seen: Set<object>, who: string): void {
  const bad = (what: string): never => {
    throw new Error(`${who}: ${path} is ${what}, which JSON cannot store faithfully. Convert it (e.g. to a string, number or array) first.`);
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
  if (Array.isArray(value)) value.forEach((v, i) => checkJson(v, `${path}[${i}]`, seen, who));
  else for (const [k, v] of Object.entries(value as object)) checkJson(v, `${path}.${k}`, seen, who);
  seen.delete(value as object);
}

/**
 * Checks a checkpoint's name and metadata, reads its tensors (asynchronously, not disposed) and
 * serialises them: the tensors file's pieces, its length, and the manifest without its hash yet.
 * Shared by {@link encodeCheckpoint} and `saveCheckpoint`, which hash the pieces their own way.
 * @throws before anything is written when a name, tensor dtype or `meta` value cannot be saved.
 */
export async function prepareCheckpoint<M extends object>(
  name: string,
  content: CheckpointContent<M>,
  who: string,
): Promise<{ chunks: Uint8Array[]; byteLength: number; manifest: (sha256: string) => CheckpointManifest<M> }> {
  checkCheckpointName(name);
  checkJson(content.meta, 'meta', new Set(), who);
  const host: Record<string, HostTensor> = {};
  for (const [key, t] of Object.entries(content.tensors)) {
    host[key] = t instanceof tf.Tensor ? await fromTfTensorAsync(t, key) : t;
  }
  const { chunks, byteLength } = serializeSafetensorsChunks(host, { format: CHECKPOINT_FORMAT, checkpoint: name });
  const manifest = (sha256: string): CheckpointManifest<M> => ({
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    name,
    savedAt: new Date().toISOString(),
    tensors: { file: `${name}.safetensors`, byteLength, sha256, count: Object.keys(host).length },
    meta: content.meta,
  });
  return { chunks, byteLength, manifest };
}

/** The manifest as its `<name>.json` file holds it. */
export function manifestText(manifest: CheckpointManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Lower-case hex SHA-256 of `chunks` (concatenated) with the Web Crypto API (browsers, Node >= 20). */
export async function sha256Hex(chunks: readonly Uint8Array[]): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('SHA-256 needs the Web Crypto API (crypto.subtle): a secure context (https or localhost) in a browser, or Node >= 20.');
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const whole = chunks.length === 1 && chunks[0]!.byteOffset === 0 && chunks[0]!.byteLength === chunks[0]!.buffer.byteLength ? chunks[0]! : new Uint8Array(length);
  if (whole !== chunks[0]) {
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.length;
    }
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', whole as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A checkpoint as the bytes of its two files (browser-safe): `<name>.safetensors` (as pieces) and
 * `<name>.json` (the manifest, with the tensors' length and SHA-256). `saveCheckpoint`
 * (`@jepa/core/node`) writes the same two files to a folder, and {@link decodeCheckpoint} or
 * `loadCheckpoint` read them back. The tensors are read asynchronously and not disposed.
 * @throws before anything is made when a name, tensor dtype or `meta` value cannot be saved.
 */
export async function encodeCheckpoint<M extends object>(name: string, content: CheckpointContent<M>): Promise<EncodedCheckpoint<M>> {
  const { chunks, byteLength, manifest } = await prepareCheckpoint(name, content, 'encodeCheckpoint');
  const done = manifest(await sha256Hex(chunks));
  return { name, tensors: chunks, byteLength, manifest: done, manifestText: manifestText(done) };
}

/**
 * Parses and checks the text of `<name>.json`; `where` (its path or name) starts every message.
 * @throws when it is not JSON, not a checkpoint manifest, or from a newer format version.
 */
export function parseCheckpointManifest<M = unknown>(text: string, where: string): CheckpointManifest<M> {
  let manifest: CheckpointManifest<M>;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`Checkpoint manifest ${where} is not valid JSON (${(error as Error).message}); load an earlier checkpoint.`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT || typeof manifest.tensors?.sha256 !== 'string') {
    throw new Error(`${where} is not a ${CHECKPOINT_FORMAT} manifest (no "format": "${CHECKPOINT_FORMAT}" or "tensors" entry).`);
  }
  if (!(manifest.formatVersion <= CHECKPOINT_FORMAT_VERSION)) {
    throw new Error(
      `${where} has checkpoint format version ${manifest.formatVersion}; this @jepa/core reads up to ` +
        `${CHECKPOINT_FORMAT_VERSION}. Upgrade @jepa/core to load it.`,
    );
  }
  return manifest;
}

/** How a tensors file of `size` bytes (and hash `sha256`, when computed) differs from its manifest; undefined when it matches. */
export function checkpointMismatch(manifest: CheckpointManifest, tensorsPath: string, size: number, sha256?: string): string | undefined {
  if (size !== manifest.tensors.byteLength) {
    return `${tensorsPath} is ${size} bytes but its manifest records ${manifest.tensors.byteLength}`;
  }
  if (sha256 !== undefined && sha256 !== manifest.tensors.sha256) {
    return `${tensorsPath} has SHA-256 ${sha256} but its manifest records ${manifest.tensors.sha256}`;
  }
  return undefined;
}

/** The error for a tensors file that does not match its manifest. */
export function corruptCheckpointError(name: string, problem: string, metaPath: string): Error {
  return new Error(
    `Checkpoint '${name}' is corrupt: ${problem} (${metaPath}). The file was modified or a re-save under the same ` +
      'name was interrupted; load an earlier checkpoint.',
  );
}

/** The two files {@link decodeCheckpoint} reads: as uploaded `File`s, fetched `Blob`s, or bytes. */
export interface CheckpointFiles {
  /** `<name>.json`: its text, or its bytes. */
  readonly manifest: string | BinaryInput;
  /** `<name>.safetensors`. */
  readonly tensors: BinaryInput;
}

/**
 * Reads a checkpoint from its two files held in memory (browser-safe; `loadCheckpoint` in
 * `@jepa/core/node` reads them from a folder), verifying the tensors' length and SHA-256 against
 * the manifest. Tensors come back as host tensors; turn them into `tf.Tensor`s with `toTfTensor`.
 * @throws when the manifest is invalid or the tensors do not match it.
 */
export async function decodeCheckpoint<M = unknown>(files: CheckpointFiles): Promise<LoadedCheckpoint<M>> {
  const text = typeof files.manifest === 'string' ? files.manifest : new TextDecoder().decode(await bytesOf(files.manifest, 'decodeCheckpoint: manifest'));
  const named = (input: unknown, fallback: string) => {
    const name = (input as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name !== '' ? name : fallback;
  };
  const manifest = parseCheckpointManifest<M>(text, named(files.manifest, 'the checkpoint manifest'));
  const tensorsPath = named(files.tensors, manifest.tensors.file);
  const bytes = await bytesOf(files.tensors, 'decodeCheckpoint: tensors');
  const problem = checkpointMismatch(manifest, tensorsPath, bytes.length)
    ?? checkpointMismatch(manifest, tensorsPath, bytes.length, await sha256Hex([bytes]));
  if (problem) throw corruptCheckpointError(manifest.name, problem, named(files.manifest, `${manifest.name}.json`));
  const { tensors } = parseSafetensors(bytes, tensorsPath);
  return { tensors, meta: manifest.meta, manifest };
}
