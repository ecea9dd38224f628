import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Creates `path` and its missing parents, one level at a time. Unlike `mkdir(path, { recursive: true })`,
 * which Node retries forever where a parent exists but refuses new entries with ENOENT (under
 * `/proc`), this fails: the error keeps the system's code (ENOENT, EROFS, EACCES, ENOTDIR, ...) and
 * names the folder that could not be made.
 */
export async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) throw Object.assign(new Error(`${current} is not a folder, so ${resolve(path)} cannot be made in it`), { code: 'ENOTDIR' });
      break;
    }
    if (info.code !== 'ENOENT') throw info;
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw Object.assign(new Error(`cannot create ${dir}: ${(error as Error).message}`), { code, cause: error });
    }
  }
}
