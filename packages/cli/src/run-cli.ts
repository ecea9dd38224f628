import { CommanderError } from 'commander';
import { CliError, commandLineMessage } from './cli-error.js';
import type { CliContext } from './cli-context.js';
import { resolveIo, type CliIo } from './cli-io.js';
import { createProgram } from './program.js';
import { withRunScope } from './run-folder/run-scope.js';

/** Options of {@link runCli}. */
export interface RunCliOptions extends Partial<CliIo> {
  /** Aborting it stops training cleanly after the current step (the bin wires it to Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Runs the `jepa` command line on `argv` (the arguments after `jepa`) and resolves to the exit
 * status; it never calls `process.exit`. Mistakes print `error: <message>` (what was wrong and how
 * to fix it) without a stack trace; `JEPA_DEBUG=1` adds the stack of unexpected errors.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const io = resolveIo(options);
  const context: CliContext = { io, argv, signal: options.signal, exitCode: 0 };
  const program = createProgram(context);
  try {
    // The run scope releases what the command holds (run-folder locks) when it ends, however it ends.
    await withRunScope(io.stderr, () => program.parseAsync([...argv], { from: 'user' }));
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help / version); only the status is left.
      return error.exitCode;
    }
    if (error instanceof CliError) {
      io.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`error: ${commandLineMessage(error)}\n`);
    if (io.env.JEPA_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
