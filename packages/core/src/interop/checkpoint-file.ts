import * as tf from '@tensorflow/tfjs';
import { byteSourceOf, type BinaryInput, type ByteSource } from '../io/byte-source.js';
import { parseSafetensors, toTfTensor, type HostTensor } from '../io/safetensors.js';
import { readSafetensorsSource } from '../io/safetensors-source.js';
import { collectTensors } from './collect-tensors.js';
import { parseTorchCheckpoint, readTorchZip, torchZipOptions } from './torch-checkpoint.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { openZipSource } from './zip-archive.js';
import { isTorchTensor, type TorchTensor } from './torch-tensor.js';

/** A tensor read from a checkpoint file: a `torch.save` tensor or a safetensors host tensor. */
export type CheckpointTensor = TorchTensor | HostTensor;

/**
 * A checkpoint file read into memory, whatever its container: by {@link parseCheckpointBytes},
 * {@link readCheckpointBlob} (browser-safe) or `readCheckpointFile` (`@jepa/core/node`).
 */
export interface CheckpointFile {
  /** The path it was read from (used in every message). */
  readonly path: string;
  /** `torch`: a `torch.save` zip (`.pth`, `.pth.tar`, `.pt`); `safetensors`: a `.safetensors` file. */
  readonly format: 'torch' | 'safetensors';
  /** Size of the file in bytes. */
  readonly byteLength: number;
  /** Every tensor by dotted name (`encoder.module.blocks.0.attn.qkv.weight`, `opt.state.1.exp_avg`), in file order. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
  /**
   * Values that are not tensors: for `torch`, the top-level entries that hold no tensor (`epoch`,
   * `loss`, `lr`, `batch_size`, `scaler`, ...); for `safetensors`, the `__metadata__` strings.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** `torch` only: the whole unpickled object (optimizer state and all). Nothing in it was executed. */
  readonly value?: unknown;
  /**
   * A `jepa train` checkpoint (`format: jepa-checkpoint` in the safetensors metadata): its manifest
   * `<name>.json` beside the tensors, when it exists (it records the model sizes).
   */
  readonly manifest?: Readonly<Record<string, unknown>>;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** Whether a file with this name and these first bytes is read as a torch.save file (else safetensors). */
function isTorchFile(head: Uint8Array, path: string): boolean {
  if (/\.safetensors$/i.test(path)) return false;
  const torchSignature = startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]) || startsWith(head, [0x80]);
  return torchSignature || /\.(pth|pt|tar|ckpt)$/i.test(path);
}

/** Options for {@link readCheckpointBlob} and `readCheckpointFile`. */
export interface ReadCheckpointOptions {
  /**
   * Read only the tensors under these top-level names (e.g. `['target_encoder']`). For a torch
   * file the other modules' storages (the other encoder, the predictor, the optimizer moments)
   * are never read, so a multi-GB training checkpoint costs only the selected weights; their
   * non-tensor entries (`epoch`, `lr`, ...) stay in `metadata`. A name the file lacks is an error.
   * For safetensors, tensors are kept by their first dotted component.
   */
  readonly only?: readonly string[];
}

function torchCheckpoint(value: unknown, path: string, byteLength: number): CheckpointFile {
  const tensors = collectTensors(value);
  return { path, format: 'torch', byteLength, tensors, metadata: topLevelValues(value), value };
}

/**
 * Parses a checkpoint held in memory (see {@link readCheckpointBlob}): `.safetensors` by its name,
 * a torch file by its zip (or legacy pickle) signature or its `.pth`/`.pt`/`.tar` name.
 */
export function parseCheckpointBytes(bytes: Uint8Array, path: string): CheckpointFile {
  if (isTorchFile(bytes, path)) {
    // parseTorchCheckpoint names the file and explains legacy/bare-pickle/TorchScript files.
    return torchCheckpoint(parseTorchCheckpoint(bytes, path), path, bytes.length);
  }
  const parsed = parseSafetensors(bytes, path);
  return { path, format: 'safetensors', byteLength: bytes.length, tensors: parsed.tensors, metadata: parsed.metadata };
}

/**
 * Reads a checkpoint from a {@link ByteSource} with positioned reads: a torch file through
 * `readTorchZip`, else safetensors (see `readCheckpointFile`, which this backs with
 * {@link readCheckpointBlob}). `path` names it in messages and decides its container with its first
 * bytes. Closes `bytes` when done.
 */
export async function readCheckpointSource(bytes: ByteSource, path: string, options: ReadCheckpointOptions = {}): Promise<CheckpointFile> {
  let zipOwnsBytes = false;
  try {
    const head = new Uint8Array(Math.min(8, bytes.size));
    for (let done = 0; done < head.length; ) {
      const read = await bytes.read(head, done, head.length - done, done);
      if (read === 0) break;
      done += read;
    }
    const size = bytes.size;
    if (isTorchFile(head, path)) {
      const torchOptions = { only: options.only };
      zipOwnsBytes = true; // openZipSource closes it, also on failure
      return torchCheckpoint(await readTorchZip(await openZipSource(bytes, torchZipOptions(path, torchOptions)), torchOptions), path, size);
    }
    const wanted = options.only ? new Set(options.only) : undefined;
    const parsed = await readSafetensorsSource(bytes, path, wanted ? { keep: (key) => wanted.has(key.split('.')[0]!) } : {});
    if (options.only) {
      const missing = options.only.filter((name) => ![...parsed.tensors.keys()].some((key) => key.split('.')[0] === name));
      if (missing.length > 0) {
        throw new TorchCheckpointError(`options.only names ${missing.map((m) => `'${m}'`).join(', ')}, which the file has no tensors under.`,
          { source: path }, 'name top-level groups that hold the module weights.');
      }
    }
    return { path, format: 'safetensors', byteLength: size, tensors: parsed.tensors, metadata: parsed.metadata };
  } finally {
    if (!zipOwnsBytes) await bytes.close();
  }
}

/** Options of {@link readCheckpointBlob}. */
export interface ReadCheckpointBlobOptions extends ReadCheckpointOptions {
  /**
   * The file name, which names it in messages and tells a `.safetensors` file from a torch one
   * whose first bytes are damaged. Default: the `File`'s name, else `'<bytes>'`.
   */
  readonly name?: string;
}

/**
 * Reads a `torch.save` checkpoint (`.pth`, `.pth.tar`, `.pt`, recognised by its zip signature) or a
 * `.safetensors` file from a browser `File`/`Blob` or from bytes, browser-safe: a Blob is read
 * piece by piece, never whole, so only the tensors kept (`options.only`) cost memory. Nothing in a
 * torch file is executed: its pickle is read by the data-only machine of `parseTorchCheckpoint`,
 * which refuses every global outside a small allow-list. The result is what `readCheckpointFile`
 * (`@jepa/core/node`) gives for the same file on disk, except the `jepa train` manifest beside it
 * (read that with `decodeCheckpoint`).
 *
 * @throws TorchCheckpointError / SafetensorsError naming the file, and what to do.
 */
export async function readCheckpointBlob(input: BinaryInput, options: ReadCheckpointBlobOptions = {}): Promise<CheckpointFile> {
  const { name = (input as { name?: unknown }).name, ...rest } = options;
  return readCheckpointSource(byteSourceOf(input, 'readCheckpointBlob'), typeof name === 'string' && name !== '' ? name : '<bytes>', rest);
}

/** Top-level entries of an unpickled checkpoint that hold no tensor (epoch, loss, lr, ...). */
function topLevelValues(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isTorchTensor(value)) return out;
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    if (isTorchTensor(item)) continue;
    if (typeof item === 'object' && item !== null && !ArrayBuffer.isView(item) && collectTensors(item).size > 0) continue;
    out[key] = item;
  }
  return out;
}

/** The dtype as the file names it (`float32` for torch, `F32` for safetensors). */
export function checkpointTensorDtype(tensor: CheckpointTensor): string {
  return tensor.dtype;
}

/** Number of elements of a tensor of `shape`. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const FLOAT_DTYPES = new Set(['float32', 'float64', 'float16', 'bfloat16', 'F32', 'F64', 'F16', 'BF16']);

/** True for a floating-point tensor (a weight), false for integers and booleans. */
export function isFloatTensor(tensor: CheckpointTensor): boolean {
  return FLOAT_DTYPES.has(tensor.dtype);
}

/**
 * A float32 `tf.Tensor` with the values of a floating-point checkpoint tensor (float16/bfloat16
 * are widened exactly, float64 rounded). The caller disposes it.
 * @param key named in the error when the tensor is not floating-point.
 */
export function checkpointTensorToTf(tensor: CheckpointTensor, key: string): tf.Tensor {
  if (!isFloatTensor(tensor)) {
    throw new Error(`${key}: a tensor of dtype ${tensor.dtype} and shape [${tensor.shape.join(', ')}] cannot be a model weight; weights are floating-point. The checkpoint is not an I-JEPA model, or this key belongs elsewhere.`);
  }
  if ('kind' in tensor) {
    const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data as Float64Array);
    return tf.tensor(data, tensor.shape, 'float32');
  }
  return toTfTensor(tensor, key);
}

/** The values of a floating-point checkpoint tensor as a Float32Array (shared when already float32). */
export function checkpointTensorValues(tensor: CheckpointTensor, key: string): Float32Array {
  if (!isFloatTensor(tensor)) {
    throw new Error(`${key}: expected a floating-point tensor, got ${tensor.dtype} [${tensor.shape.join(', ')}].`);
  }
  if (tensor.data instanceof Float32Array) return tensor.data;
  if ('kind' in tensor) return Float32Array.from(tensor.data as Float64Array);
  const t = toTfTensor(tensor, key);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
