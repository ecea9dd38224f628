import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** What {@link writeFileAtomic} can write: bytes, text, or chunks (sync or async) written in order. */
export type AtomicWriteData = Uint8Array | string | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Temp files are `.<target name>.<pid>.<random>.tmp` beside the target. */
export const ATOMIC_TEMP_SUFFIX = '.tmp';

const ATOMIC_TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * Whether a file name is one of {@link writeFileAtomic}'s temp files (`.<target>.<pid>.<12 hex>.tmp`):
 * one that is still there after its writer ended was left by an interrupted write and may be removed.
 */
export function isAtomicTempFile(name: string): boolean {
  return ATOMIC_TEMP_NAME.test(name);
}

/** Flushes a directory entry to disk; not possible everywhere (e.g. Windows), so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or fsynced on some platforms; the rename is still atomic.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Writes `data` to `path` so that `path` holds either its previous content or all of `data`,
 * never a mix: the data go to a temp file in the same directory, which is fsynced and then renamed
 * over `path` (and the directory fsynced). On any failure the temp file is removed, the previous
 * file is left untouched, and the error says so (the original error is its `cause`).
 */
export async function writeFileAtomic(path: string, data: AtomicWriteData): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${ATOMIC_TEMP_SUFFIX}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await handle.writeFile(data);
    } else {
      for await (const chunk of data) await handle.writeFile(chunk);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ` Create the directory ${dir} first.` : '';
    throw new Error(
      `writeFileAtomic: could not write ${path} (${(error as Error).message}); the previous file, if any, is unchanged.${hint}`,
      { cause: error },
    );
  }
  await syncDirectory(dir);
}
