import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';

/**
 * One writer per run folder: `jepa train <kind>` (new or `--resume`) holds `<run>/.jepa-run.lock`
 * while it writes the folder. The file is created exclusively (`wx`, O_CREAT|O_EXCL), so of two
 * commands started at once exactly one gets it; it holds the holder's pid, host and start time.
 * A lock left by a process that is gone (same host, pid not running) is taken over with a message;
 * a live holder, or one on another host, makes the second writer stop with an error naming the
 * folder and the holder. Released when the command ends (see `run-scope.ts`) and, for what is
 * still held, when the process exits (Ctrl-C twice, SIGTERM, an uncaught error).
 */

/** The lock file's name inside a run folder. */
export const RUN_LOCK_FILE = '.jepa-run.lock';

/** What the lock file records about its holder. */
export interface RunLockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
  /** Tells this holder's lock from a later one at the same path (for release). */
  readonly token: string;
}

/** A held lock. */
export interface RunLock {
  readonly path: string;
  readonly holder: RunLockHolder;
  /** Removes the lock file if it is still this holder's; idempotent. */
  release(): Promise<void>;
  /** The same, synchronously (for the process's `exit` event). */
  releaseSync(): void;
}

/** Locks held by this process, released on exit if the command did not. */
const held = new Set<RunLock>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lock of [...held]) lock.releaseSync();
  });
}

function parseHolder(text: string): RunLockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<RunLockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value as RunLockHolder;
  } catch {
    // fall through
  }
  return undefined;
}

/** Whether process `pid` is running on this host (EPERM: it runs under another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const describeHolder = (h: RunLockHolder) => `process ${h.pid} on ${h.host}, started ${h.startedAt}${h.command ? ` (${h.command})` : ''}`;

/**
 * Takes the lock of run folder `dir` (which must exist) for this process, or throws a
 * {@link CliError} naming the folder and the holder. `log` gets a line when a stale lock is taken over.
 */
export async function acquireRunLock(dir: string, options: { readonly command: string; readonly log?: { write(text: string): unknown } }): Promise<RunLock> {
  const path = join(dir, RUN_LOCK_FILE);
  const holder: RunLockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: options.command,
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${JSON.stringify(holder, null, 2)}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError(`${dir}: cannot create the run lock ${path} (${(error as Error).message}). Check that the folder is writable.`, 1, { cause: error });
      }
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    const other = text === undefined ? undefined : parseHolder(text);
    if (text === undefined && attempt < 3) continue; // released between our create and read: try again
    if (!other) {
      throw new CliError(
        `${dir} is locked by another jepa command: ${path} exists but does not say by whom (it is being written now, or was left damaged). ` +
          'If no jepa command is writing this run folder, remove that file and try again.',
      );
    }
    const stale = other.host === holder.host && other.pid !== process.pid && !isRunning(other.pid);
    if (!stale || attempt >= 3) {
      const check = other.host === holder.host
        ? `Wait for it to finish (or stop it: kill ${other.pid})`
        : `If that process is gone, remove ${path}`;
      throw new CliError(
        `${dir} is in use by another jepa command: ${describeHolder(other)} holds its lock ${path}. ` +
          `Two commands writing one run folder would mix their checkpoints and metrics. ${check}, or choose another --out.`,
      );
    }
    options.log?.write(`taking over the stale lock of ${dir}: ${describeHolder(other)} is no longer running\n`);
    await unlink(path).catch(() => undefined);
  }
  const ours = (text: string | undefined) => text !== undefined && parseHolder(text)?.token === holder.token;
  const lock: RunLock = {
    path,
    holder,
    async release() {
      if (!held.delete(lock)) return;
      if (ours(await readFile(path, 'utf8').catch(() => undefined))) await unlink(path).catch(() => undefined);
    },
    releaseSync() {
      if (!held.delete(lock)) return;
      try {
        if (ours(readFileSync(path, 'utf8'))) unlinkSync(path);
      } catch {
        // gone already
      }
    },
  };
  held.add(lock);
  installExitHook();
  return lock;
}
