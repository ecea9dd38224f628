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

/** Runs `work`, turning any other error it throws into a {@link CliError} with the same message. */
export async function withCliErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof CliError ? error : new CliError((error as Error).message);
  }
}
