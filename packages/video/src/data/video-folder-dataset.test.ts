import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@jepa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePatternVideo } from '../decode/pattern-video.js';
import { VideoDecodeError } from '../decode/video-decode-error.js';
import { loadVideoFolder } from './video-folder-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'jepa-video-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeAll(async () => {
  for (const name of ['cat', 'dog', 'empty']) mkdirSync(join(root, name));
  await writePatternVideo(join(root, 'cat', 'a.mkv'), { frames: 12, width: 16, height: 16, codec: 'ffv1' });
  await writePatternVideo(join(root, 'dog', 'b.mkv'), { frames: 10, width: 16, height: 16, codec: 'ffv1' });
  writeFileSync(join(root, 'dog', 'broken.mp4'), Buffer.from('this is not a video, just some text bytes'.repeat(100)));
  writeFileSync(join(root, 'dog', 'notes.txt'), 'ignored: not a video extension');
});

const options = { numFrames: 4, frameStep: 2, size: 8, allowEmptyClasses: true };
// the red channel encodes the frame number as 8t + 4 (resizing may move it by a level or two)
const frameNumber = (data: Float32Array, t: number) => Math.round((data[t * 8 * 8 * 3] * 255 - 4) / 8);

describe('loadVideoFolder', () => {
  it('indexes class folders and names the unreadable file when it is read', async () => {
    const dataset = await loadVideoFolder(root, options);
    expect(dataset.classNames).toEqual(['cat', 'dog', 'empty']);
    expect(dataset.samples.map((s) => [s.path.slice(root.length + 1), s.label])).toEqual([
      ['cat/a.mkv', 0],
      ['dog/b.mkv', 1],
      ['dog/broken.mp4', 1],
    ]);
    const read = async () => {
      for await (const _ of dataset.clips()) {
        // read all
      }
    };
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoDecodeError);
    expect((error as Error).message).toContain(join(root, 'dog', 'broken.mp4'));
    expect((error as Error).message).toMatch(/skipCorrupt: true/);
  });

  it('skips, counts and lists unreadable files with skipCorrupt', async () => {
    const dataset = await loadVideoFolder(root, { ...options, skipCorrupt: true });
    const seen: Array<[number, number[]]> = [];
    for await (const sample of dataset.clips({ concurrency: 3 })) {
      seen.push([sample.label, [0, 1, 2, 3].map((t) => frameNumber(sample.clips[0].data, t))]);
    }
    // centred clips: 12 frames, window 8 -> start 2; 10 frames -> start 1; linspace spacing 8/3
    expect(seen).toEqual([
      [0, [2, 4, 7, 9]],
      [1, [1, 3, 6, 8]],
    ]);
    expect(dataset.skipped).toHaveLength(1);
    expect(dataset.skipped[0].path).toBe(join(root, 'dog', 'broken.mp4'));
    expect(dataset.skipped[0].reason).toMatch(/^corrupt/);
  });

  it('batches shuffled random clips as [B, T, H, W, C], reproducibly', async () => {
    const dataset = await loadVideoFolder(root, { ...options, skipCorrupt: true, validate: true });
    expect(dataset.skipped.map((s) => s.path)).toEqual([join(root, 'dog', 'broken.mp4')]);
    const collect = async (seed: number) => {
      const batches = [];
      for await (const batch of dataset.batches({ batchSize: 2, rng: new Rng(seed) })) batches.push(batch);
      return batches;
    };
    const [batch, ...rest] = await collect(5);
    expect(rest).toEqual([]);
    expect(batch.shape).toEqual([2, 4, 8, 8, 3]);
    expect(batch.data.length).toBe(2 * 4 * 8 * 8 * 3);
    expect([...batch.labels].sort()).toEqual([0, 1]);
    expect(batch.paths.map((p) => p.slice(root.length + 1)).sort()).toEqual(['cat/a.mkv', 'dog/b.mkv']);
    const again = await collect(5);
    expect(again[0].data).toEqual(batch.data);
  });

  it('explains a root without class folders', async () => {
    const flat = join(root, 'cat');
    await expect(loadVideoFolder(flat, options)).rejects.toThrow(/loadVideoFolder\(.*cat\): no class folders in .*Fix: lay the videos out as root\/<class>\/<video>/);
  });
});
