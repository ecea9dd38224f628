import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jepa-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and then replaces a file, leaving no temp file behind', async () => {
    const path = join(dir, 'a.bin');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    await writeFileAtomic(path, 'replaced');
    expect(await readFile(path, 'utf8')).toBe('replaced');
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('writes sync and async chunk sequences in order', async () => {
    const path = join(dir, 'chunks.bin');
    await writeFileAtomic(path, [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])]);
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    async function* chunks() {
      yield new Uint8Array([9]);
      yield new Uint8Array([8, 7]);
    }
    await writeFileAtomic(path, chunks());
    expect([...(await readFile(path))]).toEqual([9, 8, 7]);
  });

  it('keeps the previous file intact and removes the temp file when the write is interrupted', async () => {
    const path = join(dir, 'model.safetensors');
    await writeFile(path, 'previous');
    async function* failing() {
      yield new Uint8Array(1000).fill(65);
      throw new Error('disk full');
    }
    const error = await writeFileAtomic(path, failing()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('disk full');
    expect((error as Error).message).toContain('unchanged');
    expect(((error as Error).cause as Error).message).toBe('disk full');
    expect(await readFile(path, 'utf8')).toBe('previous');
    expect(await readdir(dir)).toEqual(['model.safetensors']);
  });

  it('removes the temp file when the final rename fails', async () => {
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true }); // a non-empty directory cannot be replaced by a file
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/could not write .*occupied/);
    expect(await readdir(dir)).toEqual(['occupied']);
    expect(await readdir(target)).toEqual(['child']);
  });

  it('says which directory to create when it is missing', async () => {
    const path = join(dir, 'missing', 'a.json');
    await expect(writeFileAtomic(path, '{}')).rejects.toThrow(`Create the directory ${join(dir, 'missing')} first`);
  });
});
