import { MissingHeadsError } from '@jepa/core';
import { MissingClipFramesError } from '@jepa/video';

/**
 * A mistake in what the user asked for (a flag, a path, a file): the CLI prints its message
 * without a stack trace and exits with `exitCode`. Messages say what was wrong and how to fix it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** The process exit status (default 1). */
    readonly exitCode = 1,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** Library spellings of fixes in error messages, with their command-line spelling. */
const LIBRARY_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/pass \{ skipCorrupt: true \} to loadImageFolder to skip unreadable files \(they are listed in `skipped`\)/g, 'pass --skip-corrupt to skip unreadable files (the report counts them)'],
  [/pass \{ skipCorrupt: true \} to drop and list missing files/g, 'pass --skip-corrupt to leave out and list missing files'],
  [/with skipCorrupt: true/g, 'with --skip-corrupt'],
  [/pass \{ skipUnreadable: true \} to leave them out \(they are listed\)/g, 'pass --skip-corrupt to leave them out (they are counted and listed)'],
  [/resume: 'auto'( \(or true\))?|resume: true/g, '--resume'],
];

/** `message` with the libraries' option spellings (`{ skipCorrupt: true }`, `resume: 'auto'`) replaced by the flags that do the same. */
export function withCommandLineHints(message: string): string {
  return LIBRARY_HINTS.reduce((text, [pattern, flag]) => text.replace(pattern, flag), message);
}

/**
 * The message of an error from the libraries, with the command-line spelling of the fix added for
 * the typed errors whose fix is a flag (the libraries speak of options such as `numHeads`).
 */
export function commandLineMessage(error: unknown): string {
  const message = withCommandLineHints(error instanceof Error ? error.message : String(error));
  if (error instanceof MissingHeadsError) return `${message} On the command line: --num-heads N.`;
  if (error instanceof MissingClipFramesError) return `${message} On the command line: --num-frames N.`;
  // The wasm backend's Emscripten runtime aborts (its only signal is this message) when a step needs more than its 4 GiB.
  if (/^Aborted\(/.test(message)) {
    return `${message}\nThe wasm backend stopped: most likely a training step needed more than its 4 GiB of memory. Lower --batch-size (or the image size, frames or model size), or use --backend tensorflow when @tensorflow/tfjs-node is installed.`;
  }
  return message;
}

/** A {@link CliError} for an error from the libraries: its message (with {@link commandLineMessage}'s advice) after `prefix`. */
export function toCliError(error: unknown, prefix = ''): CliError {
  if (error instanceof CliError && !prefix) return error;
  return new CliError(`${prefix}${commandLineMessage(error)}`, error instanceof CliError ? error.exitCode : 1, { cause: error });
}

/** Runs `work`, turning any other error it throws into a {@link CliError} (see {@link toCliError}). */
export async function withCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toCliError(error);
  }
}
