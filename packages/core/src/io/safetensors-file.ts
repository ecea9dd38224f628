import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import {
  SafetensorsError,
  parseSafetensors,
  serializeSafetensorsChunks,
  type HostTensors,
  type ParsedSafetensors,
  type ParseSafetensorsOptions,
} from './safetensors.js';

/** Reads and parses a safetensors file (Node); errors name the path. */
export async function readSafetensorsFile(path: string, options?: ParseSafetensorsOptions): Promise<ParsedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SafetensorsError(`cannot read the file (${(error as Error).message}); check the path.`, path);
  }
  return parseSafetensors(bytes, path, options);
}

/**
 * Writes tensors to `path` atomically (temp file, fsync, rename; Node): readers never see a partial
 * file, and a failed write leaves the previous file in place.
 */
export async function writeSafetensorsFile(path: string, tensors: HostTensors, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensorsChunks(tensors, metadata).chunks);
}
