/**
 * A mistake in what the user asked for (a flag, a path, a file): the CLI prints its message
 * without a stack trace and exits with `exitCode`. Messages say what was wrong and how to fix it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
