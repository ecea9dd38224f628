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
});
