import type { CliIo } from './cli-io.js';

/** What every command receives: where to read and write, and how to report its exit status. */
export interface CliContext {
  /** Where the command reads and writes. */
  readonly io: CliIo;
  /** The arguments the CLI was called with (after `jepa`), recorded in run folders. */
  readonly argv: readonly string[];
  /** Fires on Ctrl-C: training stops after the current step and saves a checkpoint. */
  readonly signal?: AbortSignal;
  /** Exit status the command asks for (0 unless it set another); errors are handled by `runCli`. */
  exitCode: number;
}
