/** A text sink: `process.stdout`, `process.stderr`, or a buffer in tests. */
export interface TextStream {
  /** Writes `text` as it is (callers add the newlines). */
  write(text: string): unknown;
  /** True for a terminal (progress bars are drawn only there by default). */
  isTTY?: boolean;
  /** Terminal width in characters, when known (progress bars fit it). */
  columns?: number;
}

/** Where the CLI reads and writes: results go to `stdout`, progress and errors to `stderr`. */
export interface CliIo {
  /** Results. */
  readonly stdout: TextStream;
  /** Progress, warnings and errors. */
  readonly stderr: TextStream;
  /** Folder relative paths are resolved against (default `process.cwd()`). */
  readonly cwd: string;
  /** Environment (default `process.env`); `JEPA_DEBUG=1` prints stack traces of unexpected errors. */
  readonly env: Record<string, string | undefined>;
}

/** Fills in the process's streams, folder and environment for whatever `io` leaves out. */
export function resolveIo(io: Partial<CliIo> = {}): CliIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    cwd: io.cwd ?? process.cwd(),
    env: io.env ?? process.env,
  };
}
