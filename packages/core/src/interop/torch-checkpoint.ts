import { unpickle, type PickleContext, type PickleDictMode, type PickleLimits } from './pickle-machine.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { createTorchGlobals, parseStoragePid, type TorchStorageRef } from './torch-globals.js';
import {
  gatherStrided,
  makeTorchTensor,
  publicData,
  storageElements,
  TORCH_ITEM_SIZE,
  type StridedLayout,
  type TorchTensor,
} from './torch-tensor.js';
import { openZipArchive, type ZipArchive, type ZipArchiveOptions } from './zip-archive.js';

/** Size and recursion bounds for {@link parseTorchCheckpoint}. */
export interface TorchCheckpointLimits extends PickleLimits {
  /**
   * Most elements a tensor may have beyond the elements of its storage. Only overlapping strides
   * (e.g. a saved `expand()` view) produce such tensors; the copy this reader makes could otherwise
   * be far larger than the file. Default 16,777,216.
   */
  readonly maxExpandedElements?: number;
  /**
   * Most bytes all rebuilt tensors may occupy together. Each tensor is a copy, so a pickle that
   * rebuilds many views of one large storage could otherwise ask for far more memory than the
   * file holds. Default: 4 x the file size + 64 MiB (room for float16 widened to float32).
   */
  readonly maxTotalTensorBytes?: number;
}

/** Options for {@link parseTorchCheckpoint} and {@link readTorchFile}. */
export interface TorchCheckpointOptions {
  /**
   * `'object'` (default): Python dicts become plain objects; int/bool/None keys become strings
   * (`0`, `True`, `None`). `'map'`: dicts become `Map`s keeping Python's keys and order exactly.
   */
  readonly dicts?: PickleDictMode;
  /** Check every entry's CRC-32. Default `true`. */
  readonly verifyCrc?: boolean;
  readonly limits?: TorchCheckpointLimits;
  /** Raw-deflate decoder for compressed entries (torch.save never compresses). */
  readonly inflateRaw?: ZipArchiveOptions['inflateRaw'];
}

const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function refuseNonZip(bytes: Uint8Array, source: string): never {
  if (startsWith(bytes, LEGACY_MAGIC)) {
    throw new TorchCheckpointError(
      'this is the legacy (pre-1.6, non-zip) torch.save format, which this reader does not support.',
      { source, offset: 0 },
      'load it in Python and save it again with torch>=1.6 (torch.save(obj, path) writes the zip format by default).',
    );
  }
  if (startsWith(bytes, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) {
    throw new TorchCheckpointError('this is the very old tar-based torch.save format, which is not supported.', { source, offset: 257 },
      'load it in Python and save it again with a current torch.save.');
  }
  if (bytes[0] === 0x80) {
    throw new TorchCheckpointError('this is a bare pickle, not a torch.save zip archive.', { source, offset: 0 },
      'save the object with torch.save (not pickle.dump).');
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new TorchCheckpointError(
    `not a torch.save file: it starts with bytes [${head}], not a zip signature (50 4b 03 04).`,
    { source, offset: 0 },
    'pass a file written by torch.save (.pt/.pth/.pth.tar); for .safetensors use the safetensors reader.',
  );
}

/** Finds the single `<archive>/data.pkl` and returns `<archive>`. */
function archivePrefix(archive: ZipArchive, source: string): string {
  const names = [...archive.entries.keys()];
  const pickles = names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length === 1) return pickles[0]!.slice(0, -'/data.pkl'.length);
  if (pickles.length > 1) {
    throw new TorchCheckpointError(`the archive holds ${pickles.length} data.pkl entries (${pickles.join(', ')}); torch.save writes one.`,
      { source }, 'the archive is damaged or forged.');
  }
  if (names.some((name) => /^[^/]+\/constants\.pkl$/.test(name) || /^[^/]+\/code\//.test(name))) {
    throw new TorchCheckpointError('this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint.', { source },
      'in Python: torch.save(torch.jit.load(path).state_dict(), "weights.pt").');
  }
  const listed = names.slice(0, 8).join(', ') + (names.length > 8 ? ', ...' : '');
  throw new TorchCheckpointError(`the zip archive has no '<name>/data.pkl' entry (entries: ${listed || 'none'}).`, { source },
    'pass a file written by torch.save.');
}

function readByteOrder(archive: ZipArchive, prefix: string, source: string): boolean {
  const entry = `${prefix}/byteorder`;
  if (!archive.entries.has(entry)) return true; // written since torch 1.13; older files are little-endian
  const text = new TextDecoder().decode(archive.read(entry)).trim();
  if (text === 'little') return true;
  if (text === 'big') return false;
  throw new TorchCheckpointError(`byteorder is '${text.slice(0, 20)}', expected 'little' or 'big'.`, { source, entry },
    'the archive is damaged.');
}

/**
 * Reads a checkpoint written by PyTorch's `torch.save` (the zip format of torch >= 1.6) from
 * memory, without executing anything. Returns plain values: dicts (see
 * {@link TorchCheckpointOptions.dicts}; `OrderedDict`s too), arrays for lists and tuples, numbers
 * (or `bigint` beyond 2^53) for ints, numbers for floats, strings, `Uint8Array` for bytes, booleans,
 * `null` for None, `Set` for sets, `number[]` for `torch.Size`, and {@link TorchTensor}s for tensors
 * and parameters (contiguous copies, whatever the saved strides and storage offset; storages
 * shared by several tensors are read once).
 *
 * Only the globals torch needs for this are accepted (`_rebuild_tensor_v2`, `_rebuild_parameter`,
 * `OrderedDict`, `torch.Size`, the storage classes, and the ones pickle uses for bytes and sets);
 * any other (`os.system`, `builtins.eval`, numpy, ...) is refused by name where the pickle first
 * names it. Damaged or hostile input fails with a {@link TorchCheckpointError} naming the file,
 * entry, byte offset and a fix; sizes are checked against the file before anything is allocated.
 *
 * @param bytes the whole file.
 * @param source label for error messages, usually the path. Default `'<bytes>'`.
 */
export function parseTorchCheckpoint(input: Uint8Array, source = '<bytes>', options: TorchCheckpointOptions = {}): unknown {
  // A plain view: a Node Buffer's slice() aliases memory instead of copying.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) refuseNonZip(bytes, source);
  const archive = openZipArchive(bytes, { source, verifyCrc: options.verifyCrc, inflateRaw: options.inflateRaw });
  const prefix = archivePrefix(archive, source);
  const littleEndian = readByteOrder(archive, prefix, source);
  const maxExpanded = options.limits?.maxExpandedElements ?? 1 << 24;
  const maxTotalBytes = options.limits?.maxTotalTensorBytes ?? 4 * bytes.length + 64 * 2 ** 20;
  let totalBytes = 0;
  const pickleEntry = `${prefix}/data.pkl`;

  const seen = new Map<string, TorchStorageRef>();
  const elements = new Map<string, ReturnType<typeof storageElements>>();

  const storageEntry = (ref: TorchStorageRef) => `${prefix}/data/${ref.key}`;

  const persistentLoad = (pid: unknown, context: PickleContext): TorchStorageRef => {
    const ref = parseStoragePid(pid, context);
    const previous = seen.get(ref.key);
    if (previous) {
      if (previous.dtype !== ref.dtype || previous.numel !== ref.numel) {
        context.fail(`storage '${ref.key}' is declared as ${ref.numel} ${ref.dtype} here but ${previous.numel} ${previous.dtype} before.`,
          'the pickle is corrupt or forged.');
      }
      return previous;
    }
    const entryName = storageEntry(ref);
    const entry = archive.entries.get(entryName);
    if (!entry) {
      context.fail(`storage '${ref.key}' has no entry '${entryName}' in the archive.`,
        'the file is incomplete; save it again with torch.save.');
    }
    const declared = ref.numel * TORCH_ITEM_SIZE[ref.dtype];
    if (declared !== entry.uncompressedSize) {
      context.fail(
        `storage '${ref.key}' declares ${ref.numel} ${ref.dtype} elements (${declared} bytes) but its entry '${entryName}' holds ${entry.uncompressedSize} bytes.`,
        'the file is damaged or forged; save it again with torch.save.',
      );
    }
    seen.set(ref.key, ref);
    return ref;
  };

  const rebuildTensor = (ref: TorchStorageRef, layout: StridedLayout, context: PickleContext): TorchTensor => {
    const { storageOffset, shape, stride } = layout;
    let numel = 1;
    for (const size of shape) numel *= size;
    if (!Number.isSafeInteger(numel)) context.fail(`shape [${shape.join(', ')}] has more elements than can be counted.`, 'the pickle is corrupt.');
    let last = storageOffset;
    for (let axis = 0; axis < shape.length; axis++) if (shape[axis]! > 0) last += (shape[axis]! - 1) * stride[axis]!;
    const where = `storage '${ref.key}' (entry '${storageEntry(ref)}', ${ref.numel} elements)`;
    if (numel > 0 && (!Number.isSafeInteger(last) || last >= ref.numel)) {
      context.fail(
        `a tensor of shape [${shape.join(', ')}] with strides [${stride.join(', ')}] at storage offset ${storageOffset} reaches element ${last} of ${where}.`,
        'the file is damaged or forged; save it again with torch.save.',
      );
    }
    if (numel === 0 && storageOffset > ref.numel) {
      context.fail(`storage offset ${storageOffset} is past the end of ${where}.`, 'the file is damaged or forged.');
    }
    if (numel > ref.numel && numel - ref.numel > maxExpanded) {
      context.fail(
        `a tensor of shape [${shape.join(', ')}] repeats ${where} into ${numel} elements (limit: ${maxExpanded} beyond the storage's).`,
        'save a contiguous copy (tensor.contiguous()) or raise limits.maxExpandedElements.',
      );
    }
    const outBytes = numel * (ref.dtype === 'float16' || ref.dtype === 'bfloat16' ? 4 : TORCH_ITEM_SIZE[ref.dtype]);
    if (totalBytes + outBytes > maxTotalBytes) {
      context.fail(
        `rebuilding this tensor (${outBytes} bytes, from ${where}) would bring the tensors read so far to ${totalBytes + outBytes} bytes, over the ${maxTotalBytes}-byte limit for this ${bytes.length}-byte file.`,
        'if the file is trusted and really holds that many overlapping views, raise limits.maxTotalTensorBytes.',
      );
    }
    totalBytes += outBytes;
    let raw = elements.get(ref.key);
    if (!raw) {
      raw = storageElements(archive.read(storageEntry(ref)), ref.dtype, littleEndian);
      elements.set(ref.key, raw);
    }
    return makeTorchTensor(ref.dtype, [...shape], publicData(ref.dtype, gatherStrided(raw, layout, numel)));
  };

  return unpickle(archive.read(pickleEntry), {
    source,
    entry: pickleEntry,
    dicts: options.dicts,
    limits: options.limits,
    resolveGlobal: createTorchGlobals({ rebuildTensor }),
    persistentLoad,
  });
}

/**
 * Reads a `torch.save` file from disk (Node only) and parses it with {@link parseTorchCheckpoint}.
 * Nothing in the file is executed.
 *
 * @throws TorchCheckpointError when the file cannot be read or is not a valid checkpoint.
 */
export async function readTorchFile(path: string, options: TorchCheckpointOptions = {}): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TorchCheckpointError(`cannot read the file: ${(error as Error).message}.`, { source: path },
      'check the path and its permissions.');
  }
  return parseTorchCheckpoint(bytes, path, options);
}
