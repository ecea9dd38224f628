import type { ProgressMode, ProgressStream } from './progress-format.js';
import type { TrainCheckpoint } from './train-checkpoint.js';
import {
  resolveTrainingLoopOptions,
  TRAINING_LOOP_DEFAULTS,
  type ResolvedTrainingLoopOptions,
  type TrainingLoopCallbacks,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from './training-loop-options.js';

/** What `train` returns (and passes to `onEnd`). */
export interface TrainResult extends TrainingLoopResult<TrainCheckpoint> {
  /** `<outDir>/metrics.jsonl`. */
  metricsPath: string;
}

/** Callbacks of `train`; each may be async (the trainer awaits it). An exception in one stops training. */
export type TrainCallbacks = TrainingLoopCallbacks<TrainCheckpoint, TrainResult>;

/**
 * Options of Node's `train` (`@jepa/core/node`): the loop's options (see `TrainingLoopOptions`)
 * with a run folder instead of a checkpoint store and a metrics sink, and a progress display on a
 * stream. Give `totalSteps`, or `epochs` and `stepsPerEpoch`.
 */
export interface TrainOptions extends Omit<TrainingLoopOptions<TrainCheckpoint>, 'checkpoints' | 'metrics' | 'progress' | 'callbacks'> {
  /**
   * Run folder, created if missing: checkpoints in `<outDir>/checkpoints/`, metrics in
   * `<outDir>/metrics.jsonl` (cut back to the resumed step on resume, emptied on a fresh start).
   * `resume` looks for checkpoints there; `keepCheckpoints` prunes them there.
   */
  outDir: string;
  /** Default `'auto'`: a progress bar on a TTY, plain lines otherwise. */
  progress?: ProgressMode;
  /** Where progress goes. Default `process.stderr`. */
  stream?: ProgressStream;
  /** Hooks called after each step, checkpoint and at the end. */
  callbacks?: TrainCallbacks;
}

/** {@link TrainOptions} with defaults filled in and everything checked. */
export interface ResolvedTrainOptions extends Omit<ResolvedTrainingLoopOptions<TrainCheckpoint>, 'checkpoints' | 'metrics' | 'progress' | 'callbacks'> {
  /** The run folder: `checkpoints/` and `metrics.jsonl` go there. */
  outDir: string;
  /** How progress is shown. */
  progress: ProgressMode;
  /** Where progress goes. */
  stream: ProgressStream;
  /** The hooks (empty when none were given). */
  callbacks: TrainCallbacks;
}

/** Defaults that do not depend on the run length. */
export const TRAIN_DEFAULTS = {
  ...TRAINING_LOOP_DEFAULTS,
  /** A progress bar on a TTY, plain lines otherwise. */
  progress: 'auto',
} as const satisfies Partial<TrainOptions>;

const KNOWN = [
  'totalSteps', 'epochs', 'stepsPerEpoch', 'outDir', 'checkpointEvery', 'keepCheckpoints', 'logEvery',
  'diagnosticsEvery', 'resume', 'resumeHint', 'progress', 'stream', 'callbacks', 'signal', 'stopAfterStep',
];

function bad(message: string): never {
  throw new Error(`train: ${message}`);
}

/** Fills in defaults and checks every option, throwing with the option's name and a fix. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options !== 'object' || options === null) bad(`options must be an object like { totalSteps: 1000, outDir: 'runs/a' }, got ${String(options)}.`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) bad(`unknown option '${key}'; the options are ${KNOWN.join(', ')}.`);
  }
  if (typeof options.outDir !== 'string' || options.outDir === '') bad(`options.outDir must be a folder path (e.g. 'runs/ijepa-tiny'), got ${String(options.outDir)}.`);
  const { outDir, progress: progressOption, stream: streamOption, callbacks: callbacksOption, ...loopOptions } = options;
  const { checkpoints: _checkpoints, metrics: _metrics, progress: _progress, callbacks, ...loop } = resolveTrainingLoopOptions<TrainCheckpoint>({
    ...loopOptions,
    ...(callbacksOption === undefined ? {} : { callbacks: callbacksOption as TrainingLoopCallbacks<TrainCheckpoint> }),
  });
  const progress = progressOption ?? TRAIN_DEFAULTS.progress;
  if (!['auto', 'bar', 'lines', 'none'].includes(progress)) bad(`options.progress must be 'auto', 'bar', 'lines' or 'none', got ${JSON.stringify(progress)}.`);
  const stream = streamOption ?? process.stderr;
  if (typeof stream?.write !== 'function') bad('options.stream must have a write(text) method (e.g. process.stdout).');
  return { ...loop, outDir, progress, stream, callbacks: callbacks as TrainCallbacks };
}
