import { open, type FileHandle } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import {
  hostTensorFromBytes,
  parseSafetensorsLayout,
  SafetensorsError,
  safetensorsHeaderLength,
  serializeSafetensorsChunks,
  type HostTensor,
  type HostTensors,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
} from './safetensors.js';

/** Reads exactly `length` bytes at `position` (positioned reads may return fewer at once). */
async function readAt(handle: FileHandle, position: number, length: number, path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) throw new SafetensorsError(`the file ended at byte ${position + done} while reading ${length} bytes at ${position}; it is truncated or was changed while being read.`, path);
    done += bytesRead;
  }
  return bytes;
}

/**
 * Reads and parses a safetensors file (Node) with positioned reads: the header first, then each
 * tensor at its offset, so files over 2 GiB work (each tensor must fit in one typed array) and
 * `options.keep` skips tensors without reading them. Errors name the path.
 */
export async function readSafetensorsFile(path: string, options: ParseSafetensorsOptions = {}): Promise<ParsedSafetensors> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SafetensorsError(`cannot read the file (${(error as Error).message}); check the path.`, path);
  }
  try {
    const { size } = await handle.stat();
    const first = await readAt(handle, 0, Math.min(8, size), path);
    const headerLength = safetensorsHeaderLength(first, size, path);
    const { entries, metadata, dataStart } = parseSafetensorsLayout(await readAt(handle, 0, 8 + headerLength, path), size, path);
    const tensors = new Map<string, HostTensor>();
    for (const entry of entries) {
      if (options.keep && !options.keep(entry.key)) continue;
      tensors.set(entry.key, hostTensorFromBytes(entry, await readAt(handle, dataStart + entry.begin, entry.end - entry.begin, path), options));
    }
    return { tensors, metadata };
  } finally {
    await handle.close();
  }
}

/**
 * Writes tensors to `path` atomically (temp file, fsync, rename; Node): readers never see a partial
 * file, and a failed write leaves the previous file in place.
 */
export async function writeSafetensorsFile(path: string, tensors: HostTensors, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensorsChunks(tensors, metadata).chunks);
}
