import { MissingHeadsError } from '@jepa/core';
import { MissingClipFramesError } from '@jepa/video';
import { describe, expect, it } from 'vitest';
import { CliError, commandLineMessage, toCliError } from './cli-error.js';

describe('command-line advice for library errors', () => {
  it('adds the flag that fixes a typed error, by type', () => {
    expect(commandLineMessage(new MissingHeadsError('m.pth', 48, 2))).toMatch(/cannot be read from the weights.* On the command line: --num-heads N\.$/);
    expect(commandLineMessage(new MissingClipFramesError('m.pth', [1, 64, 48]))).toMatch(/On the command line: --num-frames N\.$/);
    expect(commandLineMessage(new Error('Unrelated: numHeads'))).toBe('Unrelated: numHeads');
  });

  it("explains the wasm runtime's abort as running out of memory, with what to lower", () => {
    expect(commandLineMessage(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toMatch(/more than its 4 GiB of memory\. Lower --batch-size/);
  });

  it('keeps the cause and a prefix when converting to a CliError', () => {
    const cause = new MissingHeadsError('m.pth', 48, 2);
    const converted = toCliError(cause, '--init-from: ');
    expect(converted).toBeInstanceOf(CliError);
    expect(converted.message.startsWith('--init-from: m.pth: the number of attention heads')).toBe(true);
    expect(converted.cause).toBe(cause);
    const own = new CliError('already explained', 2);
    expect(toCliError(own)).toBe(own);
  });

  it('spells library options as the flags that do the same', () => {
    const image = new Error('Cannot decode image a/b.png: corrupt. Fix: pass { skipCorrupt: true } to loadImageFolder to skip unreadable files (they are listed in `skipped`), or re-export or remove the file.');
    expect(commandLineMessage(image)).toBe('Cannot decode image a/b.png: corrupt. Fix: pass --skip-corrupt to skip unreadable files (the report counts them), or re-export or remove the file.');
    expect(commandLineMessage(new Error("Rerun with resume: 'auto' to continue; or resume: true."))).toBe('Rerun with --resume to continue; or --resume.');
    expect(commandLineMessage(new Error('Fix: re-download it, or skip such files with skipCorrupt: true.'))).toBe('Fix: re-download it, or skip such files with --skip-corrupt.');
  });
});
