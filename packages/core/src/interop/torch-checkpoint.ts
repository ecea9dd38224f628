import { unpickle, type PickleContext, type PickleDictMode, type PickleLimits } from './pickle-machine.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { createTorchGlobals, parseStoragePid, type TorchStorageRef } from './torch-globals.js';
import {
  gatherStrided,
  isContiguous,
  isTorchTensor,
  makeTorchTensor,
  publicData,
  storageElements,
  TORCH_ITEM_SIZE,
  type RawArray,
  type StridedLayout,
  type TorchTensor,
  type TorchTensorData,
} from './torch-tensor.js';
import { byteSourceOf, type BinaryInput } from '../io/byte-source.js';
import { checkCrc, openZipArchive, openZipSource, type ZipArchiveOptions, type ZipEntry, type ZipFile, type ZipFileOptions } from './zip-archive.js';

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
  /**
   * Most bytes all deflate-compressed entries may inflate to together (torch.save stores entries
   * uncompressed; other zip tools may not). Checked against each entry's declared size before it
   * is inflated, and inflation stops at that size, so a small file cannot ask for gigabytes.
   * Default: 4 x the file size + 64 MiB.
   */
  readonly maxInflatedBytes?: number;
}

/** Options for {@link parseTorchCheckpoint}, {@link readTorchBlob} and `readTorchFile` (`@jepa/core/node`). */
export interface TorchCheckpointOptions {
  /**
   * `'object'` (default): Python dicts become plain objects; int/bool/None keys become strings
   * (`0`, `True`, `None`). `'map'`: dicts become `Map`s keeping Python's keys and order exactly.
   */
  readonly dicts?: PickleDictMode;
  /** Check every entry's CRC-32. Default `true`. */
  readonly verifyCrc?: boolean;
  /** Size and recursion limits of the reader (defaults suit every official checkpoint). */
  readonly limits?: TorchCheckpointLimits;
  /** Raw-deflate decoder for compressed entries (torch.save never compresses). */
  readonly inflateRaw?: ZipArchiveOptions['inflateRaw'];
  /**
   * Rebuild only the tensors under these top-level keys of a dict checkpoint (e.g.
   * `['target_encoder']`): other top-level entries that hold tensors (`encoder`, `predictor`,
   * `opt`, ...) are left out of the result and their storages are never read; entries without
   * tensors (`epoch`, `lr`, ...) are kept. The whole pickle is still parsed and checked. A name
   * the checkpoint lacks is an error listing the ones it has.
   */
  readonly only?: readonly string[];
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
function archivePrefix(entries: ReadonlyMap<string, ZipEntry>, source: string): string {
  const names = [...entries.keys()];
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

/** Longest `byteorder` entry accepted: it holds `little` or `big` (with a newline at most). */
const MAX_BYTEORDER_BYTES = 16;

/**
 * Budget for deflated entries: each is checked against the bytes left, by its declared size,
 * before it is inflated (the inflater then stops at that size). Stored entries cost nothing here:
 * their bytes are in the file.
 */
class InflationBudget {
  private left: number;
  constructor(private readonly limit: number, private readonly fileSize: number, private readonly source: string) {
    this.left = limit;
  }

  /** Refuses `entry` when it is deflated and its declared size exceeds what is left (or `max`, what its use needs). */
  take(entry: ZipEntry, max?: { bytes: number; why: string }): void {
    if (entry.method === 0) return;
    const where = { source: this.source, entry: entry.name };
    if (max && entry.uncompressedSize > max.bytes) {
      throw new TorchCheckpointError(
        `the entry is deflate-compressed and would inflate to ${entry.uncompressedSize} bytes, but ${max.why} need only ${max.bytes}; ` +
          'torch.save never compresses entries, so this is refused before inflating.',
        where, 'the file is forged (a decompression bomb) or was re-zipped; save it again with torch.save.');
    }
    if (entry.uncompressedSize > this.left) {
      throw new TorchCheckpointError(
        `the entry is deflate-compressed and would inflate to ${entry.uncompressedSize} bytes, over what is left (${this.left}) of the ${this.limit}-byte inflation limit for this ${this.fileSize}-byte file.`,
        where, 'save the file again with torch.save (which stores entries uncompressed), or raise limits.maxInflatedBytes if the file is trusted.');
    }
    this.left -= entry.uncompressedSize;
  }
}

function inflationBudget(fileSize: number, source: string, options: TorchCheckpointOptions): InflationBudget {
  return new InflationBudget(options.limits?.maxInflatedBytes ?? 4 * fileSize + 64 * 2 ** 20, fileSize, source);
}

/** Checks the `byteorder` entry's size (before anything is read or inflated) and the inflation budget. */
function checkByteOrderEntry(entry: ZipEntry, source: string, budget: InflationBudget): void {
  if (entry.uncompressedSize > MAX_BYTEORDER_BYTES) {
    throw new TorchCheckpointError(`byteorder holds ${entry.uncompressedSize} bytes; it should hold 'little' or 'big' (at most ${MAX_BYTEORDER_BYTES} bytes).`,
      { source, entry: entry.name }, 'the archive is damaged or forged.');
  }
  budget.take(entry);
}

/** Bytes of a storage the tensors that use it reach (the last element any of them reads, plus one). */
function bytesUsed(group: readonly TensorJob[]): number {
  let elements = 0;
  for (const { layout, numel } of group) {
    if (numel === 0) continue;
    let last = layout.storageOffset;
    for (let axis = 0; axis < layout.shape.length; axis++) last += (layout.shape[axis]! - 1) * layout.stride[axis]!;
    elements = Math.max(elements, last + 1);
  }
  return elements * TORCH_ITEM_SIZE[group[0]!.ref.dtype];
}

/** Checks a storage entry about to be read: a deflated one may inflate only to what its tensors use, within the budget. */
function checkStorageEntry(entry: ZipEntry, group: readonly TensorJob[], budget: InflationBudget): void {
  const ref = group[0]!.ref;
  budget.take(entry, { bytes: bytesUsed(group), why: `the ${group.length} tensor${group.length === 1 ? '' : 's'} that use storage '${ref.key}'` });
}

/** `true` for little-endian storages, from the `<prefix>/byteorder` entry's bytes (absent: little). */
function parseByteOrder(bytes: Uint8Array | undefined, entry: string, source: string): boolean {
  if (!bytes) return true; // written since torch 1.13; older files are little-endian
  const text = new TextDecoder().decode(bytes).trim();
  if (text === 'little') return true;
  if (text === 'big') return false;
  throw new TorchCheckpointError(`byteorder is '${text.slice(0, 20)}', expected 'little' or 'big'.`, { source, entry },
    'the archive is damaged.');
}

/** A tensor met in the pickle, validated, whose elements are filled in once the pickle is parsed. */
interface TensorJob {
  readonly ref: TorchStorageRef;
  readonly layout: StridedLayout;
  readonly numel: number;
  readonly tensor: TorchTensor;
}

const PENDING = new Float32Array(0);

function setTensorData(tensor: TorchTensor, data: TorchTensorData): void {
  (tensor as { data: TorchTensorData }).data = data;
}

/**
 * Unpickles `data.pkl` with the allow-listed globals, checking every storage against its entry
 * and every tensor's layout against its storage, but reads no storage: each tensor comes back
 * with empty data and a {@link TensorJob} saying where its elements are.
 */
function unpickleTorch(
  pickle: Uint8Array,
  entries: ReadonlyMap<string, ZipEntry>,
  prefix: string,
  source: string,
  fileSize: number,
  options: TorchCheckpointOptions,
): { value: unknown; jobs: TensorJob[] } {
  const maxExpanded = options.limits?.maxExpandedElements ?? 1 << 24;
  const maxTotalBytes = options.limits?.maxTotalTensorBytes ?? 4 * fileSize + 64 * 2 ** 20;
  let totalBytes = 0;
  const pickleEntry = `${prefix}/data.pkl`;
  const seen = new Map<string, TorchStorageRef>();
  const jobs: TensorJob[] = [];
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
    const entry = entries.get(entryName);
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
        `rebuilding this tensor (${outBytes} bytes, from ${where}) would bring the tensors read so far to ${totalBytes + outBytes} bytes, over the ${maxTotalBytes}-byte limit for this ${fileSize}-byte file.`,
        'if the file is trusted and really holds that many overlapping views, raise limits.maxTotalTensorBytes.',
      );
    }
    totalBytes += outBytes;
    const tensor = makeTorchTensor(ref.dtype, [...shape], PENDING);
    jobs.push({ ref, layout: { storageOffset, shape: [...shape], stride: [...stride] }, numel, tensor });
    return tensor;
  };

  const value = unpickle(pickle, {
    source,
    entry: pickleEntry,
    dicts: options.dicts,
    limits: options.limits,
    resolveGlobal: createTorchGlobals({ rebuildTensor }),
    persistentLoad,
  });
  return { value, jobs };
}

/**
 * Applies {@link TorchCheckpointOptions.only}: the top level without the unselected entries that
 * hold tensors, and the jobs of the tensors still reachable.
 */
function selectModules(value: unknown, jobs: TensorJob[], only: readonly string[] | undefined, source: string): { value: unknown; jobs: TensorJob[] } {
  if (!only) return { value, jobs };
  const isDict = value instanceof Map || (typeof value === 'object' && value !== null && !Array.isArray(value) && !isTorchTensor(value)
    && !ArrayBuffer.isView(value) && !(value instanceof Set));
  if (!isDict) {
    throw new TorchCheckpointError('options.only names top-level modules, but the checkpoint is not a dict at its top level.', { source },
      'read it without options.only.');
  }
  const entries: Array<[unknown, unknown]> = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  const wanted = new Set(only);
  const reachable = new Set<TorchTensor>();
  const withTensors: string[] = [];
  const kept: Array<[unknown, unknown]> = [];
  for (const [key, item] of entries) {
    const tensors = reachableTensors(item);
    if (tensors.size > 0) withTensors.push(String(key));
    if (tensors.size > 0 && !wanted.has(String(key))) continue;
    for (const t of tensors) reachable.add(t);
    kept.push([key, item]);
  }
  const missing = only.filter((name) => !withTensors.includes(name));
  if (missing.length > 0) {
    throw new TorchCheckpointError(
      `options.only names ${missing.map((m) => `'${m}'`).join(', ')}, which the checkpoint has no tensors under (it has: ${withTensors.join(', ') || 'none'}).`,
      { source }, 'name top-level keys that hold the module weights.');
  }
  let selected: unknown;
  if (value instanceof Map) {
    selected = new Map(kept);
  } else {
    const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
    // defineProperty, not assignment: a '__proto__' key stays an ordinary key
    for (const [key, item] of kept) Object.defineProperty(out, key as string, { value: item, enumerable: true, writable: true, configurable: true });
    selected = out;
  }
  return { value: selected, jobs: jobs.filter((job) => reachable.has(job.tensor)) };
}

function reachableTensors(root: unknown): Set<TorchTensor> {
  const found = new Set<TorchTensor>();
  const visited = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || visited.has(item)) continue;
    visited.add(item);
    if (isTorchTensor(item)) {
      found.add(item);
    } else if (item instanceof Map) {
      for (const [k, v] of item) stack.push(k, v);
    } else if (item instanceof Set || Array.isArray(item)) {
      for (const v of item) stack.push(v);
    } else if (!ArrayBuffer.isView(item)) {
      for (const v of Object.values(item)) stack.push(v);
    }
  }
  return found;
}

/** Groups jobs by storage, in the order storages are first used. */
function jobsByStorage(jobs: readonly TensorJob[]): TensorJob[][] {
  const groups = new Map<string, TensorJob[]>();
  for (const job of jobs) {
    const group = groups.get(job.ref.key);
    if (group) group.push(job);
    else groups.set(job.ref.key, [job]);
  }
  return [...groups.values()];
}

/** Fills the tensors of one storage from its elements (each tensor gets its own contiguous copy). */
function fillFromStorage(group: readonly TensorJob[], raw: RawArray): void {
  for (const job of group) setTensorData(job.tensor, publicData(job.ref.dtype, gatherStrided(raw, job.layout, job.numel)));
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
 * @param input the whole file.
 * @param source label for error messages, usually the path. Default `'<bytes>'`.
 */
export function parseTorchCheckpoint(input: Uint8Array, source = '<bytes>', options: TorchCheckpointOptions = {}): unknown {
  // A plain view: a Node Buffer's slice() aliases memory instead of copying.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) refuseNonZip(bytes, source);
  const archive = openZipArchive(bytes, { source, verifyCrc: options.verifyCrc, inflateRaw: options.inflateRaw });
  const prefix = archivePrefix(archive.entries, source);
  const budget = inflationBudget(bytes.length, source, options);
  const byteorder = archive.entries.get(`${prefix}/byteorder`);
  if (byteorder) checkByteOrderEntry(byteorder, source, budget);
  const littleEndian = parseByteOrder(byteorder ? archive.read(byteorder.name) : undefined, `${prefix}/byteorder`, source);
  budget.take(archive.entries.get(`${prefix}/data.pkl`)!);
  const parsed = unpickleTorch(archive.read(`${prefix}/data.pkl`), archive.entries, prefix, source, bytes.length, options);
  const { value, jobs } = selectModules(parsed.value, parsed.jobs, options.only, source);
  for (const group of jobsByStorage(jobs)) {
    const ref = group[0]!.ref;
    const name = `${prefix}/data/${ref.key}`;
    checkStorageEntry(archive.entries.get(name)!, group, budget);
    fillFromStorage(group, storageElements(archive.read(name), ref.dtype, littleEndian));
  }
  return value;
}

/** The zip-structure options shared by the positioned readers: refuse files that are not zips by their first bytes. */
export function torchZipOptions(source: string, options: TorchCheckpointOptions): ZipFileOptions {
  return {
    source,
    verifyCrc: options.verifyCrc,
    inflateRaw: options.inflateRaw,
    checkHead: (head) => {
      if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(head, [0x50, 0x4b, 0x05, 0x06])) refuseNonZip(head, source);
    },
  };
}

/**
 * Reads a `torch.save` archive opened for positioned reads (see {@link openZipSource}), with the
 * checks of {@link parseTorchCheckpoint} and the same result, but without holding the file in
 * memory: the zip structure and `data.pkl` are read first, then each storage into a buffer of its
 * own, which becomes the tensor's data when one contiguous tensor covers the whole storage (the
 * usual case) and is dropped after copying otherwise. Memory is about the size of the tensors
 * returned, so zip64 files of any size work; a single storage must fit in one typed array. With
 * `options.only`, storages outside the selected top-level modules are never read. Every storage is
 * read whole exactly once, so its CRC-32 is checked (unless `verifyCrc: false`) without a second
 * pass. Closes `zip` when done. Shared by {@link readTorchBlob} and `readTorchFile`
 * (`@jepa/core/node`).
 */
export async function readTorchZip(zip: ZipFile, options: TorchCheckpointOptions = {}): Promise<unknown> {
  const source = zip.source;
  try {
    const prefix = archivePrefix(zip.entries, source);
    const budget = inflationBudget(zip.size, source, options);
    const byteorder = zip.entries.get(`${prefix}/byteorder`);
    if (byteorder) checkByteOrderEntry(byteorder, source, budget);
    const littleEndian = parseByteOrder(byteorder ? await zip.read(byteorder.name) : undefined, `${prefix}/byteorder`, source);
    budget.take(zip.entries.get(`${prefix}/data.pkl`)!);
    const parsed = unpickleTorch(await zip.read(`${prefix}/data.pkl`), zip.entries, prefix, source, zip.size, options);
    const { value, jobs } = selectModules(parsed.value, parsed.jobs, options.only, source);
    for (const group of jobsByStorage(jobs)) {
      checkStorageEntry(zip.entries.get(`${prefix}/data/${group[0]!.ref.key}`)!, group, budget);
      await readStorage(zip, prefix, group, littleEndian, options.verifyCrc ?? true);
    }
    return value;
  } finally {
    await zip.close();
  }
}

/** Options of {@link readTorchBlob}. */
export interface ReadTorchBlobOptions extends TorchCheckpointOptions {
  /** Name used in error messages. Default: the `File`'s name, else `'<bytes>'`. */
  readonly source?: string;
}

/**
 * Reads a `torch.save` checkpoint (`.pth`, `.pth.tar`, `.pt`) from a browser `File`/`Blob` or from
 * bytes, browser-safe and without executing anything: the same data-only pickle machine and checks
 * as {@link parseTorchCheckpoint}, with the same result. A Blob is read piece by
 * piece (the zip structure, `data.pkl`, then each storage kept by `options.only`), never whole;
 * deflated entries (torch.save writes none) are inflated with `DecompressionStream` where Node's
 * zlib is absent. Node reads paths with `readTorchFile` (`@jepa/core/node`).
 *
 * @throws TorchCheckpointError naming the source, the entry and the offset, and what to do.
 */
export async function readTorchBlob(input: BinaryInput, options: ReadTorchBlobOptions = {}): Promise<unknown> {
  const { source: label = (input as { name?: unknown }).name, ...rest } = options;
  const source = typeof label === 'string' && label !== '' ? label : '<bytes>';
  return readTorchZip(await openZipSource(byteSourceOf(input, 'readTorchBlob'), torchZipOptions(source, rest)), rest);
}

/** Reads one storage with positioned reads and fills the tensors that use it. */
async function readStorage(zip: ZipFile, prefix: string, group: readonly TensorJob[], littleEndian: boolean, verifyCrc: boolean): Promise<void> {
  const ref = group[0]!.ref;
  const name = `${prefix}/data/${ref.key}`;
  const entry = zip.entries.get(name)!; // checked against the storage when the pickle named it
  let bytes: Uint8Array;
  if (entry.method !== 0) {
    bytes = await zip.read(name); // inflated and CRC-checked
  } else {
    try {
      bytes = new Uint8Array(entry.uncompressedSize); // a fresh, aligned buffer of exactly the storage's size
    } catch (error) {
      throw new TorchCheckpointError(
        `storage '${ref.key}' holds ${entry.uncompressedSize} bytes (${ref.numel} ${ref.dtype}), more than this runtime can allocate in one array: ${(error as Error).message}.`,
        { source: zip.source, entry: name }, 'a single storage this large is not supported; save the tensor in smaller pieces.');
    }
    await zip.readInto(entry, bytes);
    if (verifyCrc) checkCrc(entry, bytes, zip.source);
  }
  const raw = storageElements(bytes, ref.dtype, littleEndian);
  const only = group.length === 1 ? group[0]! : undefined;
  if (only && entry.method === 0 && raw.buffer === bytes.buffer && only.layout.storageOffset === 0 && only.numel === ref.numel
    && isContiguous(only.layout.shape, only.layout.stride)) {
    // One tensor over the whole storage, already a fresh buffer of its own: use it, no copy.
    setTensorData(only.tensor, publicData(ref.dtype, raw));
  } else {
    fillFromStorage(group, raw);
  }
}
