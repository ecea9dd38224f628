import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findMp4Truncation } from './mp4-truncation.js';
import { writePatternVideo } from './pattern-video.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-mp4-truncation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findMp4Truncation', () => {
  it('accepts a whole mp4, names the box a cut one ends in, and ignores other files', async () => {
    const whole = join(dir, 'whole.mp4');
    await writePatternVideo(whole, { frames: 4, width: 8, height: 8, codec: 'mpeg4' });
    expect(await findMp4Truncation(whole)).toBeUndefined();
    const bytes = readFileSync(whole);
    const cut = join(dir, 'cut.mp4');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
    expect(await findMp4Truncation(cut)).toMatch(/the file ends inside its 'moov' box \(declared \d+ bytes at byte \d+, only \d+ present\)/);
    const text = join(dir, 'text.mp4');
    writeFileSync(text, 'not a video at all');
    expect(await findMp4Truncation(text)).toBeUndefined();
    expect(await findMp4Truncation(join(dir, 'absent.mp4'))).toBeUndefined();
  });
});
