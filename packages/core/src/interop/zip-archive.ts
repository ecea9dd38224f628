import type { ByteSource } from '../io/byte-source.js';
import { crc32 } from './crc32.js';
import { inflateRawAsync } from './inflate-raw.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';

/** One file inside a zip archive, as its central directory and local header describe it. */
export interface ZipEntry {
  /** The entry's path inside the archive, e.g. `archive/data.pkl`. */
  readonly name: string;
  /** 0 = stored, 8 = deflate. Other methods are refused when the archive is opened. */
  readonly method: 0 | 8;
  /** CRC-32 of the uncompressed bytes, from the central directory. */
  readonly crc32: number;
  /** Bytes stored in the archive. */
  readonly compressedSize: number;
  /** Bytes after inflating (equal to `compressedSize` for stored entries). */
  readonly uncompressedSize: number;
  /** Offset of the entry's local header in the archive. */
  readonly localHeaderOffset: number;
  /** Absolute offset of the entry's (possibly compressed) bytes in the archive. */
  readonly dataOffset: number;
}

/** A zip archive opened over an in-memory buffer. Entries are read lazily, on demand. */
export interface ZipArchive {
  /** Label of the archive in errors (usually its path). */
  readonly source: string;
  /** Entries in central-directory order, by name. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /**
   * The uncompressed bytes of `name`. Stored entries are returned as views into the archive's
   * buffer (no copy). Throws a {@link TorchCheckpointError} if the entry is missing or damaged.
   */
  read(name: string): Uint8Array;
}

/** Options for {@link openZipArchive}. */
export interface ZipArchiveOptions {
  /** Label for error messages (usually the file path). Default `'<bytes>'`. */
  readonly source?: string;
  /** Check each entry's CRC-32 when it is read. Default `true`. */
  readonly verifyCrc?: boolean;
  /**
   * Raw-deflate decoder for compressed entries. Default: node's `zlib.inflateRawSync` when the
   * runtime provides it (`process.getBuiltinModule`); else {@link openZipArchive} refuses compressed
   * entries and {@link openZipSource} inflates them with `DecompressionStream('deflate-raw')`.
   */
  readonly inflateRaw?: (data: Uint8Array, maxOutputLength: number) => Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
/** Deflate cannot expand more than about 1032:1; anything claiming more is a lie or a bomb. */
const MAX_DEFLATE_RATIO = 1032;

function defaultInflateRaw(): ZipArchiveOptions['inflateRaw'] {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as
    | { inflateRawSync?: (d: Uint8Array, o: { maxOutputLength: number }) => Uint8Array }
    | undefined;
  const inflate = zlib?.inflateRawSync;
  if (typeof inflate !== 'function') return undefined;
  return (data, maxOutputLength) => {
    const out = inflate(data, { maxOutputLength: Math.max(1, maxOutputLength) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength); // a plain view, not a Buffer
  };
}

/** A byte range the structural scan needs: `[offset, offset + length)`, always inside the file. */
type ReadRequest = readonly [offset: number, length: number];

/** What the structural scan learns: the entries, and where the entry area ends. */
interface ZipLayout {
  readonly entries: Map<string, ZipEntry>;
  readonly cdOffset: number;
}

/** Largest central directory accepted (a torch.save file's is a few hundred KiB even for ViT-g). */
const MAX_CENTRAL_DIRECTORY_BYTES = 256 * 2 ** 20;
const TRUNCATED_FIX = 'the file is truncated or damaged; copy or download it again.';

/** DataView over a chunk read at absolute offset `base`: every getter takes absolute offsets. */
class Chunk {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly base: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number { return this.view.getUint16(at - this.base, true); }
  u32(at: number): number { return this.view.getUint32(at - this.base, true); }
  u64(at: number): bigint { return this.view.getBigUint64(at - this.base, true); }
  sub(at: number, length: number): Uint8Array { return this.bytes.subarray(at - this.base, at - this.base + length); }
}

/**
 * The structural checks of a zip archive of `size` bytes, written once for both the in-memory and
 * the on-disk reader: it yields the byte ranges it needs (each inside the file, each small except
 * the central directory, which is capped) and is resumed with their bytes. Returns the entries.
 */
function* scanZip(size: number, source: string): Generator<ReadRequest, ZipLayout, Uint8Array> {
  const fail = (problem: string, offset?: number, fix?: string, entry?: string): never => {
    throw new TorchCheckpointError(problem, { source, offset, entry }, fix);
  };
  const truncatedFix = TRUNCATED_FIX;
  const read = function* (offset: number, length: number): Generator<ReadRequest, Chunk, Uint8Array> {
    const bytes = yield [offset, length];
    return new Chunk(bytes, offset);
  };

  if (size < 22) fail(`only ${size} bytes, too short to be a zip archive (at least 22 bytes).`, undefined, truncatedFix);

  // --- end of central directory: the last 22 + comment bytes of the file -----------------------
  // (read with the 20 bytes before it, where the zip64 locator sits)
  const tailStart = Math.max(0, size - 22 - 0xffff - 20);
  const tail = yield* read(tailStart, size - tailStart);
  let eocd = -1;
  const lowest = Math.max(0, size - 22 - 0xffff);
  for (let i = size - 22; i >= lowest; i--) {
    if (tail.u32(i) === SIG_EOCD && i + 22 + tail.u16(i + 20) === size) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    fail('no zip end-of-central-directory record at the end of the file.', undefined, truncatedFix);
  }
  const diskNumber = tail.u16(eocd + 4);
  const cdDisk = tail.u16(eocd + 6);
  let entriesOnDisk = tail.u16(eocd + 8);
  let entryCount = tail.u16(eocd + 10);
  let cdSize = tail.u32(eocd + 12);
  let cdOffset = tail.u32(eocd + 16);
  let cdLimit = eocd; // the central directory must end before this offset

  const locator = eocd - 20;
  if (locator >= 0 && tail.u32(locator) === SIG_ZIP64_LOCATOR) {
    if (tail.u32(locator + 4) !== 0 || tail.u32(locator + 16) !== 1) {
      fail('zip64 locator describes a multi-disk archive; split archives are not supported.', locator);
    }
    const z64 = safeU64(tail, locator + 8, size, 'zip64 end-of-central-directory offset', fail);
    if (z64 + 56 > locator) {
      fail(`zip64 end-of-central-directory offset ${z64} points past the locator at ${locator}.`, locator + 8, truncatedFix);
    }
    const record = yield* read(z64, 56);
    if (record.u32(z64) !== SIG_ZIP64_EOCD) {
      fail(`no zip64 end-of-central-directory record at offset ${z64} (bad signature).`, z64, truncatedFix);
    }
    if (record.u32(z64 + 16) !== 0 || record.u32(z64 + 20) !== 0) {
      fail('zip64 record describes a multi-disk archive; split archives are not supported.', z64 + 16);
    }
    entriesOnDisk = safeU64(record, z64 + 24, size, 'zip64 entry count', fail);
    entryCount = safeU64(record, z64 + 32, size, 'zip64 entry count', fail);
    cdSize = safeU64(record, z64 + 40, size, 'zip64 central directory size', fail);
    cdOffset = safeU64(record, z64 + 48, size, 'zip64 central directory offset', fail);
    cdLimit = z64;
  } else {
    if (diskNumber !== 0 || cdDisk !== 0) fail('multi-disk zip archives are not supported.', eocd + 4);
    if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      fail('the archive needs a zip64 record (sizes are 0xFFFF/0xFFFFFFFF) but has none.', eocd, truncatedFix);
    }
  }
  if (entriesOnDisk !== entryCount) fail(`entry counts disagree (${entriesOnDisk} on this disk, ${entryCount} total).`, eocd + 8);
  if (cdOffset + cdSize > cdLimit) {
    fail(
      `central directory [${cdOffset}, ${cdOffset + cdSize}) runs past the end record at ${cdLimit}.`,
      cdOffset,
      truncatedFix,
    );
  }
  if (entryCount * 46 > cdSize) {
    fail(`${entryCount} entries cannot fit in a ${cdSize}-byte central directory (46 bytes each at least).`, cdOffset, truncatedFix);
  }
  if (cdSize > MAX_CENTRAL_DIRECTORY_BYTES) {
    fail(`the central directory is ${cdSize} bytes (limit ${MAX_CENTRAL_DIRECTORY_BYTES}); no checkpoint needs one that large.`, cdOffset,
      'the archive is damaged or forged.');
  }

  // --- central directory records ----------------------------------------------------------------
  const cd = yield* read(cdOffset, cdSize);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, ZipEntry>();
  const cdEnd = cdOffset + cdSize;
  let pos = cdOffset;
  for (let index = 0; index < entryCount; index++) {
    if (pos + 46 > cdEnd) fail(`central directory record ${index} is cut off.`, pos, truncatedFix);
    if (cd.u32(pos) !== SIG_CENTRAL) {
      fail(`central directory record ${index} has a bad signature 0x${cd.u32(pos).toString(16)}.`, pos, truncatedFix);
    }
    const flags = cd.u16(pos + 8);
    const method = cd.u16(pos + 10);
    const crc = cd.u32(pos + 16);
    let compressedSize = cd.u32(pos + 20);
    let uncompressedSize = cd.u32(pos + 24);
    const nameLength = cd.u16(pos + 28);
    const extraLength = cd.u16(pos + 30);
    const commentLength = cd.u16(pos + 32);
    let startDisk = cd.u16(pos + 34);
    let localHeaderOffset = cd.u32(pos + 42);
    const recordEnd = pos + 46 + nameLength + extraLength + commentLength;
    if (recordEnd > cdEnd) fail(`central directory record ${index} runs past the directory's end.`, pos, truncatedFix);
    const nameBytes = cd.sub(pos + 46, nameLength);
    let name: string;
    try {
      name = decoder.decode(nameBytes);
    } catch {
      return fail(`central directory record ${index} has a name that is not valid UTF-8.`, pos + 46);
    }
    if (flags & 0x1) fail(`entry '${name}' is encrypted; encrypted archives are not supported.`, pos + 8);
    if (method !== 0 && method !== 8) {
      fail(`entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported.`, pos + 10,
        're-save the checkpoint with torch.save (which stores entries uncompressed).');
    }
    // zip64 extra field: the 64-bit values appear in this order, only for fields saturated above.
    let extra = pos + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = cd.u16(extra);
      const length = cd.u16(extra + 2);
      if (extra + 4 + length > extraEnd) fail(`entry '${name}' has an extra field that overruns its record.`, extra);
      if (id === 0x0001) {
        let field = extra + 4;
        const take = (what: string): number => {
          if (field + 8 > extra + 4 + length) fail(`entry '${name}' has a zip64 extra field without its ${what}.`, field);
          const value = safeU64(cd, field, Number.MAX_SAFE_INTEGER, what, fail);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take('uncompressed size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
        if (startDisk === 0xffff) {
          if (field + 4 > extra + 4 + length) fail(`entry '${name}' has a zip64 extra field without its disk number.`, field);
          startDisk = cd.u32(field);
        }
      }
      extra += 4 + length;
    }
    if (startDisk !== 0) fail(`entry '${name}' starts on disk ${startDisk}; split archives are not supported.`, pos + 34);
    if (entries.has(name)) fail(`entry '${name}' appears twice in the central directory.`, pos, 'the archive is damaged or forged.');

    // --- the local header it points to --------------------------------------------------------
    const lh = localHeaderOffset;
    if (lh + 30 > cdOffset) fail(`local header of '${name}' at ${lh} lies outside the entry area [0, ${cdOffset}).`, pos + 42, truncatedFix);
    // the header and the name it should hold, in one read (cut at the central directory)
    const local = yield* read(lh, Math.min(30 + nameLength, cdOffset - lh));
    if (local.u32(lh) !== SIG_LOCAL) fail(`local header of '${name}' has a bad signature.`, lh, truncatedFix);
    const localNameLength = local.u16(lh + 26);
    const localExtraLength = local.u16(lh + 28);
    const dataOffset = lh + 30 + localNameLength + localExtraLength;
    if (localNameLength !== nameLength || !sameBytes(local.sub(lh + 30, nameLength), nameBytes)) {
      fail(`local header at ${lh} does not name '${name}' as the central directory says.`, lh, truncatedFix);
    }
    if (dataOffset + compressedSize > cdOffset) {
      fail(
        `data of '${name}' [${dataOffset}, ${dataOffset + compressedSize}) runs into the central directory at ${cdOffset}.`,
        dataOffset,
        truncatedFix,
      );
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      fail(`stored entry '${name}' declares ${compressedSize} stored but ${uncompressedSize} uncompressed bytes.`, pos + 20);
    }
    if (method === 8 && uncompressedSize > compressedSize * MAX_DEFLATE_RATIO + 1024) {
      fail(`deflated entry '${name}' claims ${uncompressedSize} bytes from ${compressedSize}; deflate cannot expand that much.`, pos + 20,
        'the archive is forged (a zip bomb) or damaged.');
    }
    entries.set(name, { name, method: method as 0 | 8, crc32: crc, compressedSize, uncompressedSize, localHeaderOffset: lh, dataOffset });
    pos = recordEnd;
  }
  if (pos !== cdEnd) fail(`central directory has ${cdEnd - pos} unexplained bytes after its ${entryCount} records.`, pos, truncatedFix);

  // Entries may not overlap: overlapping entries let a small file declare many large ones.
  const ordered = [...entries.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1]!;
    const current = ordered[i]!;
    if (previous.dataOffset + previous.compressedSize > current.localHeaderOffset) {
      fail(`entries '${previous.name}' and '${current.name}' overlap.`, current.localHeaderOffset, 'the archive is damaged or forged.');
    }
  }
  return { entries, cdOffset };
}

/**
 * Opens a zip archive held in memory, strictly: the end-of-central-directory record (and its zip64
 * form, which PyTorch always writes) must sit exactly at the end of the buffer, every central
 * directory record and local header must lie inside the buffer and agree on the name, entries may
 * not overlap or extend into the central directory, names must be unique, and only stored or
 * deflated, unencrypted, single-disk entries are accepted. All of this is checked before any entry
 * is read, so a truncated or tampered file fails here with the offset of the first bad record.
 * (The same checks back {@link openZipSource}, which reads a `File` or a file on disk piece by piece.)
 *
 * @throws TorchCheckpointError describing the first structural problem found.
 */
export function openZipArchive(input: Uint8Array, options: ZipArchiveOptions = {}): ZipArchive {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength); // never a Buffer
  const source = options.source ?? '<bytes>';
  const verifyCrc = options.verifyCrc ?? true;
  const truncatedFix = TRUNCATED_FIX;
  const scan = scanZip(bytes.length, source);
  let step = scan.next();
  while (!step.done) {
    const [offset, length] = step.value;
    step = scan.next(bytes.subarray(offset, offset + length));
  }
  const { entries } = step.value;

  const inflateRaw = options.inflateRaw ?? defaultInflateRaw();
  return {
    source,
    entries,
    read(name: string): Uint8Array {
      const entry = entries.get(name);
      if (!entry) {
        throw new TorchCheckpointError(`the archive has no entry '${name}'.`, { source, entry: name }, truncatedFix);
      }
      const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
      return decodeEntry(entry, raw, source, verifyCrc, inflateRaw);
    },
  };
}

/** Inflates (when deflated) the raw bytes of `entry` and checks their length and CRC-32. */
function decodeEntry(entry: ZipEntry, raw: Uint8Array, source: string, verifyCrc: boolean,
  inflateRaw: ZipArchiveOptions['inflateRaw']): Uint8Array {
  const name = entry.name;
  let data = raw;
  if (entry.method === 8) {
    if (!inflateRaw) {
      throw new TorchCheckpointError('the entry is deflate-compressed and this runtime has no inflater.', { source, entry: name },
        'pass options.inflateRaw, or re-save the file with torch.save (which stores entries uncompressed).');
    }
    try {
      data = inflateRaw(raw, entry.uncompressedSize);
    } catch (error) {
      throw new TorchCheckpointError(`the entry's deflate stream is damaged: ${(error as Error).message}.`,
        { source, entry: name, offset: entry.dataOffset }, TRUNCATED_FIX);
    }
    if (data.length !== entry.uncompressedSize) {
      throw new TorchCheckpointError(`the entry inflated to ${data.length} bytes, not the declared ${entry.uncompressedSize}.`,
        { source, entry: name, offset: entry.dataOffset }, TRUNCATED_FIX);
    }
  }
  if (verifyCrc) checkCrc(entry, data, source);
  return data;
}

/** Throws unless `data` (the whole uncompressed entry) has the CRC-32 the central directory records. */
export function checkCrc(entry: ZipEntry, data: Uint8Array, source: string): void {
  const actual = crc32(data);
  if (actual !== entry.crc32) {
    throw new TorchCheckpointError(
      `CRC-32 mismatch (stored 0x${entry.crc32.toString(16)}, computed 0x${actual.toString(16)}).`,
      { source, entry: entry.name, offset: entry.dataOffset }, TRUNCATED_FIX);
  }
}

/**
 * A zip archive read with positioned reads, opened by {@link openZipSource} (or, for a path,
 * `openZipFile` of `@jepa/core/node`): the structure was read and checked, the entries' bytes are
 * read on demand, so files of any size (zip64) work and memory holds only what is asked for. Call
 * {@link ZipFile.close} when done.
 */
export interface ZipFile {
  /** Label of the archive in errors (usually its path). */
  readonly source: string;
  /** The file's size in bytes. */
  readonly size: number;
  /** Entries in central-directory order, by name. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /**
   * The whole uncompressed entry `name`, in a fresh buffer, inflated and CRC-checked like
   * {@link ZipArchive.read}. An entry must be under 2 GiB to be read this way. Deflated entries use
   * `options.inflateRaw` or node's zlib when there is one, else the runtime's
   * `DecompressionStream('deflate-raw')` (browsers).
   */
  read(name: string): Promise<Uint8Array>;
  /**
   * Fills `target` with the bytes of the *stored* entry `entry` starting `offsetInEntry` bytes into
   * its data (no CRC check: a caller that reads the whole entry checks the CRC-32 itself).
   * Reads in pieces of at most 1 GiB, so targets over 2 GiB are fine when the runtime can allocate them.
   */
  readInto(entry: ZipEntry, target: Uint8Array, offsetInEntry?: number): Promise<void>;
  /** The first `length` bytes of the file (fewer when the file is shorter). */
  head(length: number): Promise<Uint8Array>;
  /** Closes the byte source. */
  close(): Promise<void>;
}

/** Options for {@link openZipSource}. */
export interface ZipFileOptions extends ZipArchiveOptions {
  /**
   * Called with the file's first 512 bytes (fewer for a shorter file) before the zip structure is
   * read, to refuse files that are not zips with a better reason than a missing end record.
   */
  readonly checkHead?: (head: Uint8Array) => void;
}

/** Largest single positioned read (Linux returns at most 0x7ffff000 bytes per read). */
const MAX_READ_BYTES = 2 ** 30;

/**
 * Opens a zip archive over a {@link ByteSource} (a browser `File`, bytes, or a file on disk through
 * `openZipFile` of `@jepa/core/node`) for random access: reads the end records, the central
 * directory and every local header with positioned reads and applies exactly the checks of
 * {@link openZipArchive}, then reads entries on demand. Nothing else is read, so a several-GB zip64
 * checkpoint costs memory only for the entries read. The archive owns `bytes`: closing it (or a
 * failure here) closes the source.
 *
 * @throws TorchCheckpointError when the structure is damaged or the source cannot be read.
 */
export async function openZipSource(bytes: ByteSource, options: ZipFileOptions = {}): Promise<ZipFile> {
  const source = options.source ?? '<bytes>';
  const verifyCrc = options.verifyCrc ?? true;
  try {
    const size = bytes.size;
    const readAt = async (target: Uint8Array, position: number): Promise<void> => {
      for (let done = 0; done < target.length; ) {
        const want = Math.min(target.length - done, MAX_READ_BYTES);
        let bytesRead: number;
        try {
          bytesRead = await bytes.read(target, done, want, position + done);
        } catch (error) {
          throw new TorchCheckpointError(`cannot read ${want} bytes at offset ${position + done}: ${(error as Error).message}.`,
            { source, offset: position + done }, 'check the file and the disk.');
        }
        if (bytesRead === 0) {
          throw new TorchCheckpointError(`the file ended at offset ${position + done} while ${target.length - done} more bytes were expected (did it shrink while being read?).`,
            { source, offset: position + done }, TRUNCATED_FIX);
        }
        done += bytesRead;
      }
    };
    if (options.checkHead) {
      const head = new Uint8Array(Math.min(512, size));
      await readAt(head, 0);
      options.checkHead(head);
    }
    const scan = scanZip(size, source);
    let step = scan.next();
    while (!step.done) {
      const [offset, length] = step.value;
      const chunk = new Uint8Array(length);
      await readAt(chunk, offset);
      step = scan.next(chunk);
    }
    const { entries } = step.value;
    const inflateRaw = options.inflateRaw ?? defaultInflateRaw();
    const allocate = (entry: ZipEntry, length: number): Uint8Array => {
      try {
        return new Uint8Array(length);
      } catch (error) {
        throw new TorchCheckpointError(`cannot allocate ${length} bytes for this entry: ${(error as Error).message}.`,
          { source, entry: entry.name }, 'the entry is too large for this runtime to hold in one buffer.');
      }
    };
    return {
      source,
      size,
      entries,
      async read(name: string): Promise<Uint8Array> {
        const entry = entries.get(name);
        if (!entry) throw new TorchCheckpointError(`the archive has no entry '${name}'.`, { source, entry: name }, TRUNCATED_FIX);
        if (entry.compressedSize > 2 ** 31 - 1) {
          throw new TorchCheckpointError(`the entry holds ${entry.compressedSize} bytes; entries are read whole only up to 2 GiB.`,
            { source, entry: name }, 'read it in pieces with readInto.');
        }
        const raw = allocate(entry, entry.compressedSize);
        await readAt(raw, entry.dataOffset);
        if (entry.method === 8 && !inflateRaw && typeof DecompressionStream === 'function') {
          // No synchronous inflater here (a browser): inflate with the runtime's streams, then check as usual.
          const inflated = await inflateRawAsync(raw, entry.uncompressedSize).catch((error: Error) => {
            throw new TorchCheckpointError(`the entry's deflate stream is damaged: ${error.message}.`,
              { source, entry: name, offset: entry.dataOffset }, TRUNCATED_FIX);
          });
          return decodeEntry(entry, raw, source, verifyCrc, () => inflated);
        }
        return decodeEntry(entry, raw, source, verifyCrc, inflateRaw);
      },
      async readInto(entry: ZipEntry, target: Uint8Array, offsetInEntry = 0): Promise<void> {
        if (entry.method !== 0) {
          throw new TorchCheckpointError('the entry is deflate-compressed; it can only be read whole.', { source, entry: entry.name });
        }
        if (offsetInEntry < 0 || offsetInEntry + target.length > entry.compressedSize) {
          throw new TorchCheckpointError(`bytes [${offsetInEntry}, ${offsetInEntry + target.length}) lie outside the ${entry.compressedSize}-byte entry.`,
            { source, entry: entry.name });
        }
        await readAt(target, entry.dataOffset + offsetInEntry);
      },
      async head(length: number): Promise<Uint8Array> {
        const out = new Uint8Array(Math.min(length, size));
        await readAt(out, 0);
        return out;
      },
      close: () => bytes.close(),
    };
  } catch (error) {
    await bytes.close().catch(() => undefined);
    throw error;
  }
}

function safeU64(
  chunk: Chunk,
  offset: number,
  max: number,
  what: string,
  fail: (problem: string, offset?: number, fix?: string) => never,
): number {
  const value = chunk.u64(offset);
  if (value > BigInt(max)) fail(`${what} ${value} exceeds the ${max}-byte file.`, offset, 'the file is truncated or damaged.');
  return Number(value);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
