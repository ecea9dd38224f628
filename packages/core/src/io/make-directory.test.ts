import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from './make-directory.js';

describe('makeDirectory', () => {
  it('creates missing parents, accepts an existing folder, and refuses a file on the way', async () => {
    const base = await mkdtemp(join(tmpdir(), 'jepa-mkdir-'));
    try {
      await makeDirectory(join(base, 'a', 'b', 'c'));
      expect((await stat(join(base, 'a', 'b', 'c'))).isDirectory()).toBe(true);
      await makeDirectory(join(base, 'a'));
      await writeFile(join(base, 'file'), 'x');
      await expect(makeDirectory(join(base, 'file', 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it.runIf(existsSync('/proc/self'))('fails where the file system refuses new folders (/proc), where mkdir -p in Node loops forever', async () => {
    await expect(makeDirectory('/proc/jepa-test/run')).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('cannot create /proc/jepa-test') });
  });
});
