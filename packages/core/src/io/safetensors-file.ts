import { writeFileAtomic } from './atomic-write.js';
import type { ByteSource } from './byte-source.js';
import { openFileByteSource } from './file-byte-source.js';
import { SafetensorsError, serializeSafetensorsChunks, type HostTensors, type ParsedSafetensors, type ParseSafetensorsOptions } from './safetensors.js';
import { readSafetensorsSource } from './safetensors-source.js';

/**
 * Reads and parses a safetensors file (Node; `@jepa/core/node`) with positioned reads: the header
 * first, then each tensor at its offset, so files over 2 GiB work (each tensor must fit in one typed
 * array) and `options.keep` skips tensors without reading them. Errors name the path. (In a
 * browser: `readSafetensorsBlob`.)
 */
export async function readSafetensorsFile(path: string, options: ParseSafetensorsOptions = {}): Promise<ParsedSafetensors> {
  let source: ByteSource;
  try {
    source = await openFileByteSource(path);
  } catch (error) {
    throw new SafetensorsError(`cannot read the file (${(error as Error).message}); check the path.`, path);
  }
  try {
    return await readSafetensorsSource(source, path, options);
  } finally {
    await source.close();
  }
}

/**
 * Writes tensors to `path` atomically (temp file, fsync, rename; Node): readers never see a partial
 * file, and a failed write leaves the previous file in place.
 */
export async function writeSafetensorsFile(path: string, tensors: HostTensors, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensorsChunks(tensors, metadata).chunks);
}
