import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePatternVideo } from '../decode/pattern-video.js';
import { loadVideoIndex, parseVideoIndex } from './video-index-dataset.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-video-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  mkdirSync(join(dir, 'clips'));
  await writePatternVideo(join(dir, 'clips', 'one.mkv'), { frames: 6, width: 8, height: 8, codec: 'ffv1' });
  await writePatternVideo(join(dir, 'clips', 'two.mkv'), { frames: 6, width: 8, height: 8, codec: 'ffv1' });
  const truncated = join(dir, 'clips', 'cut.mp4');
  await writePatternVideo(join(dir, 'clips', 'whole.mp4'), { frames: 6, width: 8, height: 8, codec: 'mpeg4' });
  const { readFileSync } = await import('node:fs');
  const whole = readFileSync(join(dir, 'clips', 'whole.mp4'));
  writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
});

describe('parseVideoIndex', () => {
  it('reads the official space-separated "path label" lines, resolving relative paths', () => {
    const index = parseVideoIndex('a/x.mp4 2\n/abs/y.mp4 0\n\n# comment\n', { baseDirectory: '/data' });
    expect(index.samples).toEqual([
      { path: '/data/a/x.mp4', label: 2 },
      { path: '/abs/y.mp4', label: 0 },
    ]);
    expect(index.classNames).toEqual(['0', '1', '2']);
  });

  it('reads comma-separated lines, a header, paths with spaces and class names as labels', () => {
    const index = parseVideoIndex('path,label\nmy clips/a b.mp4,dog\nc.mp4, cat\r\n', { baseDirectory: '/d' });
    expect(index.samples).toEqual([
      { path: '/d/my clips/a b.mp4', label: 1 },
      { path: '/d/c.mp4', label: 0 },
    ]);
    expect(index.classNames).toEqual(['cat', 'dog']);
  });

  it('says which line is wrong', () => {
    expect(() => parseVideoIndex('a.mp4 1\njustapath\n', { source: 'train.csv' })).toThrow(/train\.csv: line 2 "justapath" is not "path label"/);
    expect(() => parseVideoIndex('a.mp4 3\n', { classNames: ['a', 'b'] })).toThrow(/line 1 has label 3, but only 2 class names/);
    expect(() => parseVideoIndex('\n# nothing\n')).toThrow(/no "path label" lines found/);
  });
});

describe('loadVideoIndex', () => {
  it('resolves paths against the index file\'s folder and decodes the clips', async () => {
    const indexPath = join(dir, 'train.csv');
    writeFileSync(indexPath, 'clips/one.mkv 1\nclips/two.mkv 0\n');
    const dataset = await loadVideoIndex(indexPath, { numFrames: 3, frameStep: 2, spacing: 'stride' });
    expect(dataset.samples.map((s) => s.path)).toEqual([join(dir, 'clips', 'one.mkv'), join(dir, 'clips', 'two.mkv')]);
    const sample = (await dataset.load(0, { placement: 'start' }))!;
    expect(sample.label).toBe(1);
    expect(sample.indices).toEqual([[0, 2, 4]]);
    expect([0, 1, 2].map((t) => Math.round(sample.clips[0].data[t * 8 * 8 * 3] * 255))).toEqual([4, 20, 36]);
  });

  it('lists missing files in an error, or drops and lists them with skipCorrupt', async () => {
    const indexPath = join(dir, 'missing.csv');
    writeFileSync(indexPath, 'clips/one.mkv 0\nclips/gone.mp4 1\n');
    await expect(loadVideoIndex(indexPath, { numFrames: 2 })).rejects.toThrow(/1 of 2 listed video\(s\) do not exist: .*clips\/gone\.mp4.*skipCorrupt/);
    const dataset = await loadVideoIndex(indexPath, { numFrames: 2, skipCorrupt: true });
    expect(dataset.length).toBe(1);
    expect(dataset.skipped).toEqual([{ path: join(dir, 'clips', 'gone.mp4'), reason: 'missing: no such file' }]);
  });

  it('names a truncated video when read, or skips it with skipCorrupt', async () => {
    const indexPath = join(dir, 'cut.csv');
    writeFileSync(indexPath, 'clips/cut.mp4 0\nclips/one.mkv 0\n');
    const strict = await loadVideoIndex(indexPath, { numFrames: 2 });
    await expect(strict.load(0)).rejects.toThrow(/clips\/cut\.mp4: truncated: the file ends inside its 'moov' box/);
    const lenient = await loadVideoIndex(indexPath, { numFrames: 2, skipCorrupt: true });
    const labels = [];
    for await (const sample of lenient.clips()) labels.push(sample.path);
    expect(labels).toEqual([join(dir, 'clips', 'one.mkv')]);
    expect(lenient.skipped.map((s) => [s.path, s.reason.split(':')[0]])).toEqual([[join(dir, 'clips', 'cut.mp4'), 'truncated']]);
  });

  it('skips too-short videos with shortVideo: skip and lists them', async () => {
    const indexPath = join(dir, 'short.csv');
    writeFileSync(indexPath, 'clips/one.mkv 0\n');
    const dataset = await loadVideoIndex(indexPath, { numFrames: 4, frameStep: 4, shortVideo: 'skip' });
    expect(await dataset.load(0)).toBeNull();
    expect(dataset.skipped[0].reason).toMatch(/too short: 6 frame\(s\), a clip spans 16/);
  });
});
