import { crc32 } from './crc32.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';

/** One file inside a zip archive, as its central directory and local header describe it. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. Other methods are refused when the archive is opened. */
  readonly method: 0 | 8;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
  /** Absolute offset of the entry's (possibly compressed) bytes in the archive. */
  readonly dataOffset: number;
}

/** A zip archive opened over an in-memory buffer. Entries are read lazily, on demand. */
export interface ZipArchive {
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
   * runtime provides it (`process.getBuiltinModule`), else compressed entries are refused.
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

/**
 * Opens a zip archive held in memory, strictly: the end-of-central-directory record (and its zip64
 * form, which PyTorch always writes) must sit exactly at the end of the buffer, every central
 * directory record and local header must lie inside the buffer and agree on the name, entries may
 * not overlap or extend into the central directory, names must be unique, and only stored or
 * deflated, unencrypted, single-disk entries are accepted. All of this is checked before any entry
 * is read, so a truncated or tampered file fails here with the offset of the first bad record.
 *
 * @throws TorchCheckpointError describing the first structural problem found.
 */
export function openZipArchive(input: Uint8Array, options: ZipArchiveOptions = {}): ZipArchive {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength); // never a Buffer
  const source = options.source ?? '<bytes>';
  const verifyCrc = options.verifyCrc ?? true;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  const fail = (problem: string, offset?: number, fix?: string, entry?: string): never => {
    throw new TorchCheckpointError(problem, { source, offset, entry }, fix);
  };
  const truncatedFix = 'the file is truncated or damaged; copy or download it again.';

  if (size < 22) fail(`only ${size} bytes, too short to be a zip archive (at least 22 bytes).`, undefined, truncatedFix);

  // --- end of central directory: the last 22 + comment bytes of the file -----------------------
  let eocd = -1;
  const lowest = Math.max(0, size - 22 - 0xffff);
  for (let i = size - 22; i >= lowest; i--) {
    if (view.getUint32(i, true) === SIG_EOCD && i + 22 + view.getUint16(i + 20, true) === size) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    fail('no zip end-of-central-directory record at the end of the file.', undefined, truncatedFix);
  }
  const diskNumber = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  let entriesOnDisk = view.getUint16(eocd + 8, true);
  let entryCount = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdLimit = eocd; // the central directory must end before this offset

  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === SIG_ZIP64_LOCATOR) {
    if (view.getUint32(locator + 4, true) !== 0 || view.getUint32(locator + 16, true) !== 1) {
      fail('zip64 locator describes a multi-disk archive; split archives are not supported.', locator);
    }
    const z64 = safeU64(view, locator + 8, size, 'zip64 end-of-central-directory offset', fail);
    if (z64 + 56 > locator) {
      fail(`zip64 end-of-central-directory offset ${z64} points past the locator at ${locator}.`, locator + 8, truncatedFix);
    }
    if (view.getUint32(z64, true) !== SIG_ZIP64_EOCD) {
      fail(`no zip64 end-of-central-directory record at offset ${z64} (bad signature).`, z64, truncatedFix);
    }
    if (view.getUint32(z64 + 16, true) !== 0 || view.getUint32(z64 + 20, true) !== 0) {
      fail('zip64 record describes a multi-disk archive; split archives are not supported.', z64 + 16);
    }
    entriesOnDisk = safeU64(view, z64 + 24, size, 'zip64 entry count', fail);
    entryCount = safeU64(view, z64 + 32, size, 'zip64 entry count', fail);
    cdSize = safeU64(view, z64 + 40, size, 'zip64 central directory size', fail);
    cdOffset = safeU64(view, z64 + 48, size, 'zip64 central directory offset', fail);
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

  // --- central directory records ----------------------------------------------------------------
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries = new Map<string, ZipEntry>();
  const cdEnd = cdOffset + cdSize;
  let pos = cdOffset;
  for (let index = 0; index < entryCount; index++) {
    if (pos + 46 > cdEnd) fail(`central directory record ${index} is cut off.`, pos, truncatedFix);
    if (view.getUint32(pos, true) !== SIG_CENTRAL) {
      fail(`central directory record ${index} has a bad signature 0x${view.getUint32(pos, true).toString(16)}.`, pos, truncatedFix);
    }
    const flags = view.getUint16(pos + 8, true);
    const method = view.getUint16(pos + 10, true);
    const crc = view.getUint32(pos + 16, true);
    let compressedSize = view.getUint32(pos + 20, true);
    let uncompressedSize = view.getUint32(pos + 24, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    let startDisk = view.getUint16(pos + 34, true);
    let localHeaderOffset = view.getUint32(pos + 42, true);
    const recordEnd = pos + 46 + nameLength + extraLength + commentLength;
    if (recordEnd > cdEnd) fail(`central directory record ${index} runs past the directory's end.`, pos, truncatedFix);
    let name: string;
    try {
      name = decoder.decode(bytes.subarray(pos + 46, pos + 46 + nameLength));
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
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (extra + 4 + length > extraEnd) fail(`entry '${name}' has an extra field that overruns its record.`, extra);
      if (id === 0x0001) {
        let field = extra + 4;
        const take = (what: string): number => {
          if (field + 8 > extra + 4 + length) fail(`entry '${name}' has a zip64 extra field without its ${what}.`, field);
          const value = safeU64(view, field, Number.MAX_SAFE_INTEGER, what, fail);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take('uncompressed size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
        if (startDisk === 0xffff) {
          if (field + 4 > extra + 4 + length) fail(`entry '${name}' has a zip64 extra field without its disk number.`, field);
          startDisk = view.getUint32(field, true);
        }
      }
      extra += 4 + length;
    }
    if (startDisk !== 0) fail(`entry '${name}' starts on disk ${startDisk}; split archives are not supported.`, pos + 34);
    if (entries.has(name)) fail(`entry '${name}' appears twice in the central directory.`, pos, 'the archive is damaged or forged.');

    // --- the local header it points to --------------------------------------------------------
    const lh = localHeaderOffset;
    if (lh + 30 > cdOffset) fail(`local header of '${name}' at ${lh} lies outside the entry area [0, ${cdOffset}).`, pos + 42, truncatedFix);
    if (view.getUint32(lh, true) !== SIG_LOCAL) fail(`local header of '${name}' has a bad signature.`, lh, truncatedFix);
    const localNameLength = view.getUint16(lh + 26, true);
    const localExtraLength = view.getUint16(lh + 28, true);
    const dataOffset = lh + 30 + localNameLength + localExtraLength;
    if (localNameLength !== nameLength || !sameBytes(bytes, lh + 30, pos + 46, nameLength)) {
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
            { source, entry: name, offset: entry.dataOffset }, truncatedFix);
        }
        if (data.length !== entry.uncompressedSize) {
          throw new TorchCheckpointError(`the entry inflated to ${data.length} bytes, not the declared ${entry.uncompressedSize}.`,
            { source, entry: name, offset: entry.dataOffset }, truncatedFix);
        }
      }
      if (verifyCrc) {
        const actual = crc32(data);
        if (actual !== entry.crc32) {
          throw new TorchCheckpointError(
            `CRC-32 mismatch (stored 0x${entry.crc32.toString(16)}, computed 0x${actual.toString(16)}).`,
            { source, entry: name, offset: entry.dataOffset }, truncatedFix);
        }
      }
      return data;
    },
  };
}

function safeU64(
  view: DataView,
  offset: number,
  max: number,
  what: string,
  fail: (problem: string, offset?: number, fix?: string) => never,
): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(max)) fail(`${what} ${value} exceeds the ${max}-byte file.`, offset, 'the file is truncated or damaged.');
  return Number(value);
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}
