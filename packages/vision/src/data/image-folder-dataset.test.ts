import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLabeledImages } from '@jepa/core';
import { ImageDecodeError } from './decode-image.js';
import { loadImageFolder, scanImageFolder, type ImageFolderProgress } from './image-folder-dataset.js';

let base: string;
let root: string;

/** A solid-colour image file; `value` is the grey level 0..255 (all three channels). */
async function solid(path: string, value: number, width = 6, height = 4): Promise<void> {
  await sharp({ create: { width, height, channels: 3, background: { r: value, g: value, b: value } } }).toFile(path);
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'jepa-folder-'));
  root = join(base, 'root');
  // root/dog is created before root/cat: order must come from sorting, not from the file system.
  await mkdir(join(root, 'dog'), { recursive: true });
  await mkdir(join(root, 'cat', 'sub'), { recursive: true });
  await mkdir(join(root, '.cache'), { recursive: true });
  await solid(join(root, 'dog', 'z.png'), 200);
  await solid(join(root, 'dog', 'A.JPG'), 100, 4, 8);
  await solid(join(root, 'cat', 'b.webp'), 50);
  await solid(join(root, 'cat', 'a.png'), 0);
  await solid(join(root, 'cat', 'sub', 'c.png'), 255);
  await solid(join(root, '.cache', 'x.png'), 10);
  await writeFile(join(root, 'cat', 'notes.txt'), 'not an image');
  await writeFile(join(root, 'README.md'), 'ignored');
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('scanImageFolder', () => {
  it('sorts classes and files, recurses into class folders and skips hidden entries and other extensions', async () => {
    const index = await scanImageFolder(root);
    expect(index.classNames).toEqual(['cat', 'dog']);
    expect(index.samples.map((s) => [s.path.slice(root.length + 1), s.label])).toEqual([
      ['cat/a.png', 0],
      ['cat/b.webp', 0],
      ['cat/sub/c.png', 0],
      ['dog/A.JPG', 1],
      ['dog/z.png', 1],
    ]);
    const pngOnly = await scanImageFolder(root, { extensions: ['.PNG'] });
    expect(pngOnly.samples).toHaveLength(3);
  });

  it('explains a missing root, a root without class folders and empty classes', async () => {
    await expect(scanImageFolder(join(base, 'nope'))).rejects.toThrow(/does not exist.*root\/<class>\/<image>/);
    const flat = join(base, 'flat');
    await mkdir(flat);
    await expect(scanImageFolder(flat)).rejects.toThrow(/no class folders in .*flat \(it is empty\)/);
    await solid(join(flat, 'loose.png'), 1);
    await expect(scanImageFolder(flat)).rejects.toThrow(/found 1 file\(s\) directly in it/);
    await mkdir(join(flat, 'empty'));
    await expect(scanImageFolder(flat)).rejects.toThrow(/hold no image.*: empty\. Fix:.*allowEmptyClasses/);
    const allowed = await scanImageFolder(flat, { allowEmptyClasses: true });
    expect(allowed.classNames).toEqual(['empty']);
    expect(allowed.samples).toEqual([]);
  });
});

describe('loadImageFolder', () => {
  it('decodes every image into one [N, size, size, C] buffer in scan order', async () => {
    const progress: ImageFolderProgress[] = [];
    const dataset = await loadImageFolder(root, { size: 4, onProgress: (p) => progress.push(p) });
    assertLabeledImages(dataset, 'image folder');
    expect([dataset.count, dataset.height, dataset.width, dataset.channels]).toEqual([5, 4, 4, 3]);
    expect(Array.from(dataset.labels)).toEqual([0, 0, 0, 1, 1]);
    expect(dataset.paths.map((p) => p.slice(root.length + 1))).toEqual(['cat/a.png', 'cat/b.webp', 'cat/sub/c.png', 'dog/A.JPG', 'dog/z.png']);
    const firstValueOf = (i: number) => dataset.images[i * 4 * 4 * 3];
    [0, 50, 255, 100, 200].forEach((v, i) => expect(firstValueOf(i)).toBeCloseTo(v / 255, 1));
    expect(progress).toHaveLength(5);
    expect(progress.at(-1)).toMatchObject({ done: 5, total: 5 });
    expect(dataset.skipped).toEqual([]);

    const grey = await loadImageFolder(root, { size: 2, channels: 1, concurrency: 1 });
    expect(grey.images).toHaveLength(5 * 2 * 2);
  });

  it('throws on the first corrupt file, naming it and the skip option; skips it when asked', async () => {
    const broken = join(base, 'broken');
    await mkdir(join(broken, 'a'), { recursive: true });
    await solid(join(broken, 'a', '1.png'), 30);
    await writeFile(join(broken, 'a', '2.png'), 'garbage');
    await solid(join(broken, 'a', '3.png'), 90);
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    await writeFile(join(broken, 'a', '4.jpg'), jpeg.subarray(0, jpeg.length >> 1));

    const error = await loadImageFolder(broken, { size: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect((error as ImageDecodeError).path).toBe(join(broken, 'a', '2.png'));
    expect((error as Error).message).toMatch(/2\.png.*skipCorrupt: true/);

    const dataset = await loadImageFolder(broken, { size: 2, skipCorrupt: true });
    expect(dataset.count).toBe(2);
    expect(dataset.paths.map((p) => p.slice(broken.length + 1))).toEqual(['a/1.png', 'a/3.png']);
    expect(dataset.images[0]).toBeCloseTo(30 / 255, 2);
    expect(dataset.images[2 * 2 * 3]).toBeCloseTo(90 / 255, 2);
    expect(dataset.skipped.map((s) => s.path)).toEqual([join(broken, 'a', '2.png'), join(broken, 'a', '4.jpg')]);
    expect(dataset.skipped[0].reason).toMatch(/unsupported image format/);
  });

  it('validates its options', async () => {
    await expect(loadImageFolder(root, { size: 0 })).rejects.toThrow(/size must be a positive integer/);
    await expect(loadImageFolder(root, { size: 4, concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});
