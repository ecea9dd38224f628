import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, type LabeledImages } from '@jepa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from '../decode/ffmpeg-adapter.js';
import { directionClass, generateMovingMnistClip, movingMnistClips } from './moving-mnist.js';
import { writeMovingMnistDataset } from './moving-mnist-files.js';
import { sevenSegmentDigits } from './test-digits.js';
import { loadVideoIndex } from './video-index-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-moving-mnist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let digits: LabeledImages;
beforeAll(() => {
  digits = sevenSegmentDigits(); // 10 digits, one per class
});

const meanAbsoluteError = (a: Float32Array, b: Float32Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
};

describe('directionClass', () => {
  it('numbers directions counter-clockwise from right, as seen on screen (y down)', () => {
    expect([directionClass(1, 0), directionClass(1, -1), directionClass(0, -1), directionClass(-1, -1)]).toEqual([0, 1, 2, 3]);
    expect([directionClass(-1, 0), directionClass(-1, 1), directionClass(0, 1), directionClass(1, 1)]).toEqual([4, 5, 6, 7]);
    expect([directionClass(1, 0, 4), directionClass(0, -1, 4), directionClass(-1, 0.2, 4), directionClass(0.3, 1, 4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('generateMovingMnistClip', () => {
  it('draws the digit at its tracked position in every frame, bouncing inside the frame', () => {
    const sample = generateMovingMnistClip(digits, new Rng(3), { numDigits: 1, numFrames: 60, speed: 5 });
    const { clip, positions, sourceIndices } = sample;
    expect([clip.frames, clip.height, clip.width, clip.channels]).toEqual([60, 64, 64, 1]);
    const image = digits.images.subarray(sourceIndices[0] * 784, (sourceIndices[0] + 1) * 784);
    for (let t = 0; t < 60; t++) {
      const [x, y] = positions[0][t];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(36);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(36);
      // the frame is the digit at (x, y) and black elsewhere
      let inside = 0;
      let outside = 0;
      for (let row = 0; row < 64; row++) {
        for (let col = 0; col < 64; col++) {
          const value = clip.data[(t * 64 + row) * 64 + col];
          const r = row - y;
          const c = col - x;
          if (r >= 0 && r < 28 && c >= 0 && c < 28) inside = Math.max(inside, Math.abs(value - image[r * 28 + c]));
          else outside = Math.max(outside, value);
        }
      }
      expect(inside).toBe(0);
      expect(outside).toBe(0);
      if (t > 0) {
        const [px, py] = positions[0][t - 1];
        expect(Math.hypot(x - px, y - py)).toBeLessThanOrEqual(5 + 1.5);
      }
    }
    // 60 frames at 5 px/frame cross the 36-pixel range several times: it bounced.
    const xs = positions[0].map(([x]) => x);
    const ys = positions[0].map(([, y]) => y);
    expect(Math.max(...xs) - Math.min(...xs) + Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(36);
  });

  it('labels digit identity and initial direction, reproducibly from the seed', () => {
    const a = [...movingMnistClips({ count: 5, seed: 9, digits, numFrames: 4 })];
    const b = [...movingMnistClips({ count: 5, seed: 9, digits, numFrames: 4 })];
    const bytes = (data: Float32Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    a.forEach((sample, i) => expect(bytes(sample.clip.data).equals(bytes(b[i].clip.data))).toBe(true));
    for (const sample of a) {
      expect(sample.digits).toEqual(sample.sourceIndices.map((i) => digits.labels[i]));
      expect(sample.digitLabel).toBe(sample.digits[0]);
      expect(sample.pairLabel).toBe(10 * sample.digits[0] + sample.digits[1]);
      const [vx, vy] = sample.velocities[0];
      expect(Math.hypot(vx, vy)).toBeCloseTo(3.6, 6);
      expect(sample.directionLabel).toBe(directionClass(vx, vy, 8));
      // away from the edges, the drawn digit's first step points along the velocity (within rounding)
      const [[x0, y0], [x1, y1]] = sample.positions[0];
      if (x0 > 4 && x0 < 32 && y0 > 4 && y0 < 32) {
        const cos = ((x1 - x0) * vx + (y1 - y0) * vy) / (Math.hypot(x1 - x0, y1 - y0) * 3.6);
        expect(cos).toBeGreaterThan(Math.cos((30 * Math.PI) / 180));
      }
    }
    expect(new Set(a.map((s) => bytes(s.clip.data).toString('base64'))).size).toBe(5);
  });
});

describe('writeMovingMnistDataset', () => {
  it('writes real video files and index files whose decoded frames match the generated clips', async () => {
    const written = await writeMovingMnistDataset(join(dir, 'mm'), { count: 3, numFrames: 12, seed: 4, digits });
    expect(written.videos.map((v) => v.slice(written.directory.length + 1))).toEqual(['videos/000000.mp4', 'videos/000001.mp4', 'videos/000002.mp4']);
    expect(['libx264', 'mpeg4']).toContain(written.codec);
    const generated = [...movingMnistClips({ count: 3, numFrames: 12, seed: 4, digits })];
    expect(readFileSync(written.indexFiles.digit, 'utf8')).toBe(generated.map((g, i) => `videos/00000${i}.mp4 ${g.digitLabel}\n`).join(''));
    const labels = JSON.parse(readFileSync(written.labelsFile, 'utf8'));
    expect(labels.samples.map((s: { directionLabel: number }) => s.directionLabel)).toEqual(generated.map((g) => g.directionLabel));
    expect(labels.classNames.direction).toEqual(written.directionClassNames);

    // Through the real decoding path: index file -> dataset -> ffmpeg -> frames.
    const dataset = await loadVideoIndex(written.indexFiles.direction, { numFrames: 12, frameStep: 1, pixelFormat: 'gray' });
    let count = 0;
    for await (const sample of dataset.clips({ placement: 'start' })) {
      const expected = generated[sample.index];
      expect(sample.label).toBe(expected.directionLabel);
      expect(sample.indices).toEqual([Array.from({ length: 12 }, (_, t) => t)]);
      expect(meanAbsoluteError(sample.clips[0].data, expected.clip.data)).toBeLessThan(0.01);
      count++;
    }
    expect(count).toBe(3);
  });

  it('falls back to mpeg4 (or writes it on request) with frames still close', async () => {
    const written = await writeMovingMnistDataset(join(dir, 'mm-mpeg4'), { count: 1, numFrames: 6, seed: 2, digits, codec: 'mpeg4' });
    expect(written.codec).toBe('mpeg4');
    const [expected] = movingMnistClips({ count: 1, numFrames: 6, seed: 2, digits });
    const { clip } = await decodeFrames(written.videos[0], { pixelFormat: 'gray' });
    expect(clip.frames).toBe(6);
    expect(meanAbsoluteError(clip.data, expected.clip.data)).toBeLessThan(0.02);
  });
});
