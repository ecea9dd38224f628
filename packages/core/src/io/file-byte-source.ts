import { open } from 'node:fs/promises';
import type { ByteSource } from './byte-source.js';

/**
 * Opens the file at `path` as a {@link ByteSource} (Node only; `@jepa/core/node`): positioned reads
 * on one file handle, so files over 2 GiB work. Throws the system's error when the file cannot be
 * opened or is not a regular file (callers wrap it with what they were reading). Close it when done.
 */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EISDIR' });
    let closed = false;
    return {
      size: info.size,
      read: async (target, offset, length, position) => (await handle.read(target, offset, length, position)).bytesRead,
      close: async () => {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}
