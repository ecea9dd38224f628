import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegNotFoundError, resolveFfmpegPath } from './ffmpeg-path.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-ffmpeg-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveFfmpegPath', () => {
  const installer = resolveFfmpegPath({ env: {}, fresh: true });

  it('falls back to @ffmpeg-installer/ffmpeg when FFMPEG_PATH and PATH give nothing', () => {
    expect(installer.source).toBe('@ffmpeg-installer/ffmpeg');
    expect(installer.path).toMatch(/@ffmpeg-installer\/linux-x64\/ffmpeg$/);
  });

  it('prefers FFMPEG_PATH, then an ffmpeg on the PATH', () => {
    const onPath = join(dir, 'bin');
    rmSync(onPath, { recursive: true, force: true });
    mkdirSync(onPath);
    symlinkSync(installer.path, join(onPath, 'ffmpeg'));
    expect(resolveFfmpegPath({ env: { PATH: `/nonexistent:${onPath}` } })).toEqual({ path: join(onPath, 'ffmpeg'), source: 'PATH' });
    expect(resolveFfmpegPath({ env: { PATH: onPath, FFMPEG_PATH: installer.path } })).toEqual({ path: installer.path, source: 'FFMPEG_PATH' });
  });

  it('refuses an FFMPEG_PATH that is not an executable file, saying so', () => {
    const notExecutable = join(dir, 'not-ffmpeg');
    writeFileSync(notExecutable, 'text');
    expect(() => resolveFfmpegPath({ env: { FFMPEG_PATH: notExecutable } })).toThrow(/FFMPEG_PATH is set to .*not-ffmpeg, which is not an executable file/);
    expect(() => resolveFfmpegPath({ env: { FFMPEG_PATH: join(dir, 'missing') } })).toThrow(/Fix: point FFMPEG_PATH/);
  });

  it('says how to install ffmpeg when none is found', () => {
    let error: unknown;
    try {
      resolveFfmpegPath({ env: { PATH: dir }, useInstaller: false });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FfmpegNotFoundError);
    expect((error as Error).message).toMatch(/no ffmpeg binary found/);
    expect((error as Error).message).toMatch(/apt-get install ffmpeg/);
    expect((error as Error).message).toMatch(/npm install @ffmpeg-installer\/ffmpeg/);
    expect((error as Error).message).toMatch(/FFMPEG_PATH/);
  });
});
