import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@jepa/core/node';
import { CliError } from '../cli-error.js';
import { currentRunScope } from './run-scope.js';

/**
 * `config.json` of a run folder: everything needed to repeat, resume or evaluate the run. The
 * `training` and `data` parts belong to the run's model family (`kind`); `run` holds how the run is
 * driven (checkpoint cadence, evaluation settings), which may change on resume.
 */
export interface RunConfig<Training = unknown, Data = unknown, Run = unknown> {
  /** Marks the file as a run config. */
  readonly format: 'jepa-run-config';
  /** Version of the file format. */
  readonly version: 1;
  /** The model family (`ijepa`, `vjepa`): the `jepa train <kind>` that wrote the folder. */
  readonly kind: string;
  /** The command line that created (or last resumed) the run. */
  readonly command: string;
  /** When the run was created (ISO 8601). */
  readonly createdAt: string;
  /** Set when the run was resumed (the last time). */
  readonly resumedAt?: string;
  /** The model and its optimisation, as the family defines them; fixed for the run's life. */
  readonly training: Training;
  /** What the run trains on, as the family defines it. */
  readonly data: Data;
  /** How the run is driven (checkpoint cadence, evaluation); may change on resume. */
  readonly run: Run;
  /** The backend of the last invocation. */
  readonly backend?: {
    /** The tfjs backend that ran (`tensorflow`, `wasm`, `cpu`, ...). */
    readonly backend: string;
    /** What was asked for (`--backend`, `JEPA_BACKEND`, or `auto`). */
    readonly requested: string;
    /** The package that provided it. */
    readonly provider: string;
  };
  /** Versions of the `@jepa/*` packages, tfjs and Node that wrote the file. */
  readonly versions?: Record<string, string>;
  /** Each `--resume` that changed the run's length (`--steps`/`--epochs`), oldest first. */
  readonly lengthChanges?: readonly RunLengthChange[];
}

/** A resume that changed a run's length: its schedules were stretched (or shrunk) from then on. */
export interface RunLengthChange {
  readonly at: string;
  readonly fromSteps: number;
  readonly toSteps: number;
  readonly schedule: string;
}

/** The schedule rule for a run resumed with another length, in words (log, config.json and docs say the same). */
export const LENGTH_CHANGE_RULE =
  'the warmup-cosine learning rate, the weight-decay and the EMA schedules become those of the new length, continued from the step the run reached ' +
  '(the warm-up keeps its length in steps), so the learning rate moves at that step from the old schedule\'s value to the new one\'s';

/** The file name of a run's config. */
export const RUN_CONFIG_FILE = 'config.json';

/** Formats written by earlier versions: `jepa-run-config` without a kind (I-JEPA), `jepa-vjepa-run-config`. */
const LEGACY_KINDS: Record<string, string> = { 'jepa-run-config': 'ijepa', 'jepa-vjepa-run-config': 'vjepa' };

function localRequire(): NodeRequire {
  const url = (import.meta as { url?: string }).url;
  return createRequire(url ?? __filename);
}

/** Versions of the packages and runtime a run used. */
export function runtimeVersions(): Record<string, string> {
  const require = localRequire();
  const versionOf = (specifier: string): string => {
    try {
      return (require(specifier) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    '@jepa/cli': versionOf('@jepa/cli/package.json'),
    '@jepa/core': versionOf('@jepa/core/package.json'),
    '@jepa/vision': versionOf('@jepa/vision/package.json'),
    '@jepa/video': versionOf('@jepa/video/package.json'),
    '@jepa/hierarchy': versionOf('@jepa/hierarchy/package.json'),
    '@tensorflow/tfjs': tf.version.tfjs,
    node: process.versions.node,
  };
}

/**
 * The config.json of a run about to train: the settings with the command line, the backend and
 * the package versions; a resumed run keeps its `createdAt` and records `resumedAt`.
 */
export function describeRun<Training, Data, Run>(
  parts: { readonly kind: string; readonly argv: readonly string[]; readonly previous?: RunConfig; readonly training: Training; readonly data: Data; readonly run: Run; readonly backend: { readonly backend: string; readonly requested: string; readonly provider: string } },
): RunConfig<Training, Data, Run> {
  const now = new Date().toISOString();
  const { backend, previous } = parts;
  const stepsOf = (training: unknown) => (training as { optimization?: { steps?: unknown } } | undefined)?.optimization?.steps;
  const fromSteps = stepsOf(previous?.training);
  const toSteps = stepsOf(parts.training);
  const lengthChanges = [...(previous?.lengthChanges ?? [])];
  if (typeof fromSteps === 'number' && typeof toSteps === 'number' && fromSteps !== toSteps) {
    lengthChanges.push({ at: now, fromSteps, toSteps, schedule: LENGTH_CHANGE_RULE });
    currentRunScope()?.log.write(`--resume: the run now has ${toSteps} steps instead of ${fromSteps}: ${LENGTH_CHANGE_RULE} (recorded in config.json as lengthChanges).\n`);
  }
  return {
    format: 'jepa-run-config',
    version: 1,
    kind: parts.kind,
    command: ['jepa', ...parts.argv].join(' '),
    createdAt: previous?.createdAt ?? now,
    ...(previous ? { resumedAt: now } : {}),
    training: parts.training,
    data: parts.data,
    run: parts.run,
    backend: { backend: backend.backend, requested: backend.requested, provider: backend.provider },
    versions: runtimeVersions(),
    ...(lengthChanges.length > 0 ? { lengthChanges } : {}),
  };
}

/** Creates the run folder if needed and writes `<runDir>/config.json` atomically (temp file + rename). */
export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  await mkdir(runDir, { recursive: true });
  await writeFileAtomic(join(runDir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Reads `<runDir>/config.json`: undefined when there is none; a {@link CliError} naming the file
 * when it is unreadable, not JSON, or not a run config. Configs of earlier versions (no `kind`)
 * are read with the kind their format implies.
 */
export async function readRunConfig(runDir: string): Promise<RunConfig | undefined> {
  const path = join(runDir, RUN_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: Partial<RunConfig> & { format?: string };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message}). Restore it, or start a new run with another --out.`);
  }
  const legacyKind = typeof parsed?.format === 'string' ? LEGACY_KINDS[parsed.format] : undefined;
  if (legacyKind === undefined || typeof parsed.training !== 'object' || parsed.training === null || typeof parsed.data !== 'object' || parsed.data === null) {
    throw new CliError(`${path} is not a run config written by \`jepa train\` (no "format": "jepa-run-config" with training and data). Check the folder.`);
  }
  const kind = typeof parsed.kind === 'string' ? parsed.kind : legacyKind;
  return { ...(parsed as RunConfig), format: 'jepa-run-config', kind, run: parsed.run ?? {} };
}
