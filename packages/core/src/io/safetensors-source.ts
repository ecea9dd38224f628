import { byteSourceOf, type BinaryInput, type ByteSource } from './byte-source.js';
import {
  hostTensorFromBytes,
  parseSafetensorsLayout,
  SafetensorsError,
  safetensorsHeaderLength,
  type HostTensor,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
} from './safetensors.js';

/** Reads exactly `length` bytes at `position` (positioned reads may return fewer at once). */
async function readAt(source: ByteSource, position: number, length: number, label: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const read = await source.read(bytes, done, length - done, position + done);
    if (read === 0) throw new SafetensorsError(`the file ended at byte ${position + done} while reading ${length} bytes at ${position}; it is truncated or was changed while being read.`, label);
    done += read;
  }
  return bytes;
}

/**
 * Parses safetensors from a {@link ByteSource} with positioned reads: the header first, then each
 * tensor at its offset, so files over 2 GiB work (each tensor must fit in one typed array) and
 * `options.keep` skips tensors without reading them. Errors name `label`. Does not close `source`.
 */
export async function readSafetensorsSource(source: ByteSource, label: string, options: ParseSafetensorsOptions = {}): Promise<ParsedSafetensors> {
  const size = source.size;
  const first = await readAt(source, 0, Math.min(8, size), label);
  const headerLength = safetensorsHeaderLength(first, size, label);
  const { entries, metadata, dataStart } = parseSafetensorsLayout(await readAt(source, 0, 8 + headerLength, label), size, label);
  const tensors = new Map<string, HostTensor>();
  for (const entry of entries) {
    if (options.keep && !options.keep(entry.key)) continue;
    tensors.set(entry.key, hostTensorFromBytes(entry, await readAt(source, dataStart + entry.begin, entry.end - entry.begin, label), options));
  }
  return { tensors, metadata };
}

/** Options of {@link readSafetensorsBlob}. */
export interface ReadSafetensorsBlobOptions extends ParseSafetensorsOptions {
  /** Name used in error messages. Default: the `File`'s name, else `'<safetensors bytes>'`. */
  readonly source?: string;
}

/**
 * Reads a safetensors file from a browser `File`/`Blob` (or bytes), browser-safe: a Blob is read
 * piece by piece (header, then each tensor kept by `options.keep`), never whole. Node reads paths
 * with `readSafetensorsFile` (`@jepa/core/node`); both check the same things as
 * {@link parseSafetensors}.
 * @throws {SafetensorsError} naming the source and the offending key.
 */
export async function readSafetensorsBlob(input: BinaryInput, options: ReadSafetensorsBlobOptions = {}): Promise<ParsedSafetensors> {
  const { source: label = (input as { name?: unknown }).name, ...parse } = options;
  const source = byteSourceOf(input, 'readSafetensorsBlob');
  try {
    return await readSafetensorsSource(source, typeof label === 'string' && label !== '' ? label : '<safetensors bytes>', parse);
  } finally {
    await source.close();
  }
}
