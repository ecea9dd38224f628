import { AsyncLocalStorage } from 'node:async_hooks';
import type { TextStream } from '../cli-io.js';

/**
 * What one `runCli` call lends the run-folder code, whatever command or family calls it: where to
 * log, whether `--force` was given, and the cleanups (run locks) to run when the command ends.
 * Kept in an AsyncLocalStorage so concurrent `runCli` calls (tests) never share one.
 */
export interface RunScope {
  readonly log: TextStream;
  /** `--force` of `jepa train <kind>`: write into a non-empty folder that holds no run. */
  force: boolean;
  readonly cleanups: Array<() => Promise<void>>;
}

const storage = new AsyncLocalStorage<RunScope>();

/** Runs `work` in a fresh scope and runs the scope's cleanups (newest first) when it settles. */
export async function withRunScope<T>(log: TextStream, work: () => Promise<T>): Promise<T> {
  const scope: RunScope = { log, force: false, cleanups: [] };
  try {
    return await storage.run(scope, work);
  } finally {
    for (const cleanup of scope.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** The scope of the `runCli` call this code runs in, if any. */
export function currentRunScope(): RunScope | undefined {
  return storage.getStore();
}
