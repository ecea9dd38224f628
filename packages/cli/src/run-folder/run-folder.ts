import { access, readdir, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkpointsDirOf, isAtomicTempFile, makeDirectory } from '@jepa/core/node';
import { CliError } from '../cli-error.js';
import type { TextStream } from '../cli-io.js';
import { readRunConfig, RUN_CONFIG_FILE, type RunConfig } from './run-config.js';
import { acquireRunLock, RUN_LOCK_FILE } from './run-lock.js';
import { currentRunScope } from './run-scope.js';
import { settingsChanges } from './settings-changes.js';

/**
 * One lifecycle for the run folders of every `jepa train <kind>`: where the folder is, whether it
 * may be created or must be resumed, and which settings a resumed run may not change.
 */

/** What `openRunFolder` needs from the command line. */
export interface RunFolderRequest {
  /** The family's kind (`ijepa`, `vjepa`): the run's `config.json` must say the same. */
  readonly kind: string;
  /** `--out`; default `runs/<kind>-<date>-<time>`. */
  readonly out?: string;
  /** `--resume`: continue the run in `out` (which must then hold one). */
  readonly resume?: boolean;
  readonly cwd: string;
  /** `--force`: a new run may write into a non-empty folder that holds no run. Default: the command's (run scope). */
  readonly force?: boolean;
  /** Where to say what was cleaned or taken over. Default: the command's stderr (run scope). */
  readonly log?: TextStream;
}

/** An opened run folder: nothing is written until the caller writes the config. */
export interface RunFolder {
  /** Absolute path. */
  readonly dir: string;
  readonly configPath: string;
  /** The config of the run being resumed; undefined for a new run. */
  readonly previous?: RunConfig;
  /**
   * Gives up the folder's lock (and removes the folder when this call created it and nothing was
   * written). Inside `runCli` this happens when the command ends; call it when using this directly.
   */
  release(): Promise<void>;
}

/** `20250131-142501`. */
export function runTimestamp(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** Files a new run writes at the top of its folder (a non-empty folder without them is someone else's). */
const RUN_FILES = ['config.json', 'checkpoints/', 'metrics.jsonl', 'loss.png', 'loss.svg', 'predictions.png', 'report.md', 'report.json'];

/**
 * Resolves the run folder of `jepa train <kind>`, checks that the request fits what is there, and
 * takes the folder's lock (one writer per run folder, see `run-lock.ts`):
 * - `--resume` needs `--out` and a folder holding a run of the same kind;
 * - a new run refuses a folder that already holds a run (a config.json or checkpoints), and a
 *   non-empty folder that holds no run (its files could be overwritten) unless `--force`;
 * - temp files left in the folder and its checkpoints/ by interrupted atomic writes
 *   (`.<name>.<pid>.<hex>.tmp`) are removed, and the log says so.
 * Throws a {@link CliError} saying what to pass instead. Hidden files (`.name`) do not count as content.
 */
export async function openRunFolder(request: RunFolderRequest): Promise<RunFolder> {
  const { kind, resume } = request;
  const scope = currentRunScope();
  const force = request.force ?? scope?.force ?? false;
  const log = request.log ?? scope?.log;
  if (resume && request.out === undefined) {
    throw new CliError('--resume needs --out <run folder>: the folder of the run to continue (it holds config.json and checkpoints/).');
  }
  const dir = resolve(request.cwd, request.out ?? join('runs', `${kind}-${runTimestamp()}`));
  const configPath = join(dir, RUN_CONFIG_FILE);
  const check = async (): Promise<RunConfig | undefined> => {
    const previous = await readRunConfig(dir);
    if (previous && previous.kind !== kind) {
      throw new CliError(
        `${dir} holds a run of \`jepa train ${previous.kind}\` (${configPath} says kind "${previous.kind}"), not of \`jepa train ${kind}\`. ` +
          `Continue it with \`jepa train ${previous.kind} --out ${dir} --resume\`, or choose another --out.`,
      );
    }
    if (resume && !previous) {
      throw new CliError(`--resume: ${dir} holds no config.json, so it is not a run folder written by \`jepa train ${kind}\`. Check --out, or drop --resume to start a new run there.`);
    }
    if (!resume && (previous || (await exists(checkpointsDirOf(dir))))) {
      throw new CliError(`${dir} already holds a run. Pass --resume to continue it, or choose another --out for a new run.`);
    }
    if (!resume && !force) {
      const content = (await readdir(dir).catch(() => [] as string[])).filter((name) => !name.startsWith('.')).sort();
      if (content.length > 0) {
        const shown = content.slice(0, 5).join(', ') + (content.length > 5 ? `, ... (${content.length} entries)` : '');
        throw new CliError(
          `--out ${dir}: the folder is not empty (${shown}) and holds no run (no config.json). A new run writes ${RUN_FILES.join(', ')} there ` +
            'and would overwrite files of those names. Choose a new or empty folder, or pass --force to write into this one anyway.',
        );
      }
    }
    return previous;
  };
  await check();

  const existed = await exists(dir);
  try {
    await makeDirectory(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOENT'
            ? `the file system does not allow new folders there: ${(error as Error).message}`
            : (error as Error).message;
    throw new CliError(`--out ${dir}: cannot create the run folder (${why}). Choose a writable --out.`, 1, { cause: error });
  }
  const lock = await acquireRunLock(dir, { command: `jepa train ${kind}${resume ? ' --resume' : ''} --out ${dir}`, log });
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await lock.release();
    if (!existed) await rmdir(dir).catch(() => undefined); // only when nothing was written
  };
  scope?.cleanups.push(release);
  try {
    // Checked again under the lock: another command may have written the folder meanwhile.
    const previous = await check();
    await removeStaleTempFiles(dir, log);
    return { dir, configPath, ...(previous ? { previous } : {}), release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Removes the atomic-write temp files left in a run folder and its checkpoints/ by interrupted writes; says so in `log`. */
export async function removeStaleTempFiles(dir: string, log?: TextStream): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of [dir, checkpointsDirOf(dir)]) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names.filter((n) => isAtomicTempFile(n) && n !== RUN_LOCK_FILE)) {
      await rm(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  if (removed.length > 0) {
    log?.write(`removed ${removed.length} temp file${removed.length === 1 ? '' : 's'} left by an interrupted write: ${removed.join(', ')}\n`);
  }
  return removed;
}

/** What a resumed run may change, for {@link refuseChangedSettings}. */
export interface ResumeRules {
  /** Setting paths that may differ from the run's config (`training.optimization.steps`, `data.evalLimit`). */
  readonly mayChange: readonly string[];
  /** The flags that change them, for the message (`--steps/--epochs`). */
  readonly changeFlags: string;
}

/**
 * On resume, compares the settings resolved from the flags with the run's `config.json` and refuses
 * every difference but those `rules` allow, in one message that names each setting with its old and
 * new value. A new run (no `previous`) passes. `previous` defaults to the folder's config; a family
 * passes it with the defaults of settings that older runs did not record filled in.
 */
export function refuseChangedSettings(
  folder: Pick<RunFolder, 'configPath' | 'previous'>,
  next: { readonly training: unknown; readonly data: unknown },
  rules: ResumeRules,
  previous: { readonly training: unknown; readonly data: unknown } | undefined = folder.previous,
): void {
  if (!previous) return;
  const changed = settingsChanges({ training: previous.training, data: previous.data }, { training: next.training, data: next.data })
    .filter((line) => !rules.mayChange.some((path) => line.startsWith(`${path}:`)));
  if (changed.length > 0) {
    throw new CliError(
      `--resume: these settings differ from ${folder.configPath}:\n  - ${changed.join('\n  - ')}\n` +
        `A resumed run keeps its model, data and optimisation (only ${rules.changeFlags} may grow it). Drop those flags, or start a new run with another --out.`,
    );
  }
}
