import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkpointsDirOf } from '@jepa/core';
import { CliError } from '../cli-error.js';
import { readRunConfig, RUN_CONFIG_FILE, type RunConfig } from './run-config.js';
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
}

/** An opened run folder: nothing is written until the caller writes the config. */
export interface RunFolder {
  /** Absolute path. */
  readonly dir: string;
  readonly configPath: string;
  /** The config of the run being resumed; undefined for a new run. */
  readonly previous?: RunConfig;
}

/** `20250131-142501`. */
export function runTimestamp(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Resolves the run folder of `jepa train <kind>` and checks that the request fits what is there:
 * `--resume` needs `--out` and a folder holding a run of the same kind; a new run refuses a folder
 * that already holds a run (a config.json or checkpoints). Throws a {@link CliError} saying what to
 * pass instead.
 */
export async function openRunFolder(request: RunFolderRequest): Promise<RunFolder> {
  const { kind, resume } = request;
  if (resume && request.out === undefined) {
    throw new CliError('--resume needs --out <run folder>: the folder of the run to continue (it holds config.json and checkpoints/).');
  }
  const dir = resolve(request.cwd, request.out ?? join('runs', `${kind}-${runTimestamp()}`));
  const configPath = join(dir, RUN_CONFIG_FILE);
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
  return { dir, configPath, ...(previous ? { previous } : {}) };
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
  folder: RunFolder,
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
