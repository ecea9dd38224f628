/** The part of a Node stream {@link exitQuietlyOnBrokenPipe} uses. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Makes a closed reader (`jepa --help | head -1`) end the command quietly with status 0, as Unix
 * tools do, instead of an unhandled `EPIPE` error with a stack trace: a write to `stream` failing
 * with EPIPE calls `exit(0)`. Other write errors are rethrown (they are real failures).
 */
export function exitQuietlyOnBrokenPipe(stream: ErrorEmitter, exit: (code: number) => void): void {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}
