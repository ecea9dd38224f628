import type { ByteSource } from '../io/byte-source.js';
import { openFileByteSource } from '../io/file-byte-source.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';
import { openZipSource, type ZipFile, type ZipFileOptions } from './zip-archive.js';

/**
 * Opens a zip archive on disk (Node only; `@jepa/core/node`) for random access: the checks and the
 * reader of {@link openZipSource} over positioned reads of the file. Call {@link ZipFile.close} when done.
 *
 * @throws TorchCheckpointError when the file cannot be opened or its structure is damaged.
 */
export async function openZipFile(path: string, options: ZipFileOptions = {}): Promise<ZipFile> {
  const source = options.source ?? path;
  let bytes: ByteSource;
  try {
    bytes = await openFileByteSource(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new TorchCheckpointError('cannot read the file: it is not a regular file.', { source }, 'check the path.');
    throw new TorchCheckpointError(`cannot read the file: ${(error as Error).message}.`, { source }, 'check the path and its permissions.');
  }
  return openZipSource(bytes, { ...options, source });
}
