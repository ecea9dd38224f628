import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, ImageDecodeError } from './decode-image.js';

let dir: string;
// 2x3 RGB pixels, row-major.
const RGB = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 128, 128, 128, 0, 0, 0]);
const raw = (data: Buffer, channels: 1 | 3 | 4, width = 3, height = 2) =>
  sharp(data, { raw: { width, height, channels } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jepa-image-'));
  await raw(RGB, 3).png().toFile(join(dir, 'rgb.png'));
  await raw(RGB, 3).webp({ lossless: true }).toFile(join(dir, 'rgb.webp'));
  await raw(Buffer.from([0, 51, 102, 153, 204, 255]), 1).png().toFile(join(dir, 'grey.png'));
  const rgba = Buffer.alloc(24);
  for (let p = 0; p < 6; p++) rgba.set([200, 100, 50, p * 40], p * 4);
  await raw(rgba, 4).png().toFile(join(dir, 'rgba.png'));
  await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 0, g: 128, b: 255 } } })
    .jpeg({ quality: 95 })
    .toFile(join(dir, 'wide.jpg'));
  await writeFile(join(dir, 'not-an-image.png'), 'hello');
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  await writeFile(join(dir, 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  await mkdir(join(dir, 'folder.png'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('decodeImage', () => {
  it('decodes lossless PNG and WebP to [H, W, 3] values in 0..1, exactly', async () => {
    for (const file of ['rgb.png', 'rgb.webp']) {
      const image = await decodeImage(join(dir, file), { channels: 3 });
      expect([image.height, image.width, image.channels]).toEqual([2, 3, 3]);
      Array.from(RGB).forEach((v, i) => expect(image.data[i]).toBeCloseTo(v / 255, 6));
    }
  });

  it('converts RGB to grey with ITU-R 601-2 luma weights', async () => {
    const image = await decodeImage(join(dir, 'rgb.png'), { channels: 1 });
    expect([image.height, image.width, image.channels]).toEqual([2, 3, 1]);
    expect(image.data[0]).toBeCloseTo(0.299, 5);
    expect(image.data[1]).toBeCloseTo(0.587, 5);
    expect(image.data[2]).toBeCloseTo(0.114, 5);
    expect(image.data[3]).toBeCloseTo((0.299 * 10 + 0.587 * 20 + 0.114 * 30) / 255, 5);
  });

  it('repeats greyscale into RGB and keeps grey as is', async () => {
    const rgb = await decodeImage(join(dir, 'grey.png'), { channels: 3 });
    const grey = await decodeImage(join(dir, 'grey.png'), { channels: 1 });
    [0, 51, 102, 153, 204, 255].forEach((v, p) => {
      expect(grey.data[p]).toBeCloseTo(v / 255, 6);
      for (let c = 0; c < 3; c++) expect(rgb.data[p * 3 + c]).toBeCloseTo(v / 255, 6);
    });
  });

  it('drops alpha without compositing and defaults to 3 channels', async () => {
    const image = await decodeImage(join(dir, 'rgba.png'));
    expect(image.channels).toBe(3);
    expect(Array.from(image.data.subarray(0, 3)).map((v) => Math.round(v * 255))).toEqual([200, 100, 50]);
  });

  it('resizes the shorter side and centre-crops when given a size', async () => {
    const image = await decodeImage(join(dir, 'wide.jpg'), { size: 8 });
    expect([image.height, image.width, image.channels]).toEqual([8, 8, 3]);
    expect(image.data[0]).toBeCloseTo(0, 1);
    expect(image.data[1]).toBeCloseTo(128 / 255, 1);
    expect(image.data[2]).toBeCloseTo(1, 1);
  });

  it('throws ImageDecodeError naming the file and the reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['missing.png', /file does not exist/],
      ['folder.png', /not a regular file/],
      ['not-an-image.png', /unsupported image format/],
      ['truncated.jpg', /premature end|corrupt/i],
    ];
    for (const [file, reason] of cases) {
      const path = join(dir, file);
      const error = await decodeImage(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect((error as ImageDecodeError).path).toBe(path);
      expect((error as ImageDecodeError).reason).toMatch(reason);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(/Fix:/);
    }
  });

  it('rejects bad options before touching the file', async () => {
    await expect(decodeImage(join(dir, 'rgb.png'), { channels: 2 as 1 })).rejects.toThrow(/channels must be 1 or 3/);
    await expect(decodeImage(join(dir, 'rgb.png'), { size: 0 })).rejects.toThrow(/size must be a positive integer/);
  });
});
