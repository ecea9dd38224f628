import type { MetricsRecord } from './metrics-record.js';
import type { ProgressReporter } from './progress-format.js';
import type { SavedTrainCheckpoint, TrainCheckpointStore } from './train-checkpoint.js';

/** What `runTrainingLoop` returns (and passes to `onEnd`). */
export interface TrainingLoopResult<C extends SavedTrainCheckpoint = SavedTrainCheckpoint> {
  /** The step reached (completed steps, counting those before a resume). */
  steps: number;
  /** Steps run by this call. */
  stepsRun: number;
  /** Loss of the last completed step; undefined when no step has been completed yet. */
  finalLoss: number | undefined;
  /** Wall time of this call, seconds. */
  wallSeconds: number;
  /** The newest checkpoint kept (undefined when none was ever written, or no store was given). */
  lastCheckpoint: C | undefined;
  /** The checkpoint this call resumed from. */
  resumedFrom?: C;
  /** `completed`: reached `totalSteps`; `aborted`: the signal fired (a checkpoint was saved); `stopAfterStep`: simulated crash. */
  stopReason: 'completed' | 'aborted' | 'stopAfterStep';
}

/** Callbacks; each may be async (the loop awaits it). An exception in one stops training. */
export interface TrainingLoopCallbacks<C extends SavedTrainCheckpoint = SavedTrainCheckpoint, R = TrainingLoopResult<C>> {
  /**
   * After every step (logged or not), with that step's record (diagnostics included when computed):
   * a page draws its loss curve here (and may `await` a frame so the page repaints between steps).
   */
  onStep?(record: MetricsRecord): void | Promise<void>;
  /** After each checkpoint was written (and old ones pruned). */
  onCheckpoint?(checkpoint: C): void | Promise<void>;
  /** Once training ended normally (completed or aborted); not after `stopAfterStep` or an error. */
  onEnd?(result: R): void | Promise<void>;
}

/** Where the loop appends the logged records (Node's `metrics.jsonl`; any list in a page). */
export interface MetricsSink {
  /** Appends one logged record. */
  append(record: MetricsRecord): void | Promise<void>;
  /** Flushes and closes the sink when training ends. */
  close?(): void | Promise<void>;
}

/**
 * Options of `runTrainingLoop`, the training loop that runs anywhere (a browser tab too). Give
 * `totalSteps`, or `epochs` and `stepsPerEpoch`. Node's `train` (`@jepa/core/node`) is this loop
 * with a run folder: checkpoint files, `metrics.jsonl` and a progress bar.
 */
export interface TrainingLoopOptions<C extends SavedTrainCheckpoint = SavedTrainCheckpoint> {
  /** Total number of steps (1-based steps run up to and including it). */
  totalSteps?: number;
  /** Number of epochs; needs `stepsPerEpoch`. `totalSteps` = `epochs * stepsPerEpoch`. */
  epochs?: number;
  /**
   * Steps per epoch, for the `epoch` field (0-based) of each record: `floor((step - 1) / stepsPerEpoch)`.
   * Default: `totalSteps` (one epoch). A trainable whose `trainStep` returns `epoch` overrides it.
   */
  stepsPerEpoch?: number;
  /**
   * Where checkpoints go (and are resumed from): the folder store of Node's `train`,
   * `createMemoryCheckpointStore()` in a page, or your own. None: no checkpoints, nothing to resume.
   */
  checkpoints?: TrainCheckpointStore<C>;
  /** Save a checkpoint every this many steps, and at the last step. Default `ceil(totalSteps / 10)` (about 10 per run). */
  checkpointEvery?: number;
  /** Newest valid checkpoints kept; older ones are dropped after each save. At least 1, `Infinity` keeps all. Default 3. */
  keepCheckpoints?: number;
  /** Log (append to `metrics`, show in `progress`) every this many steps (and at the last step). Default 10, as the official I-JEPA `log_freq`. */
  logEvery?: number;
  /** Call `trainable.diagnostics` every this many steps (0 = never); those steps are always logged. Default `checkpointEvery`. */
  diagnosticsEvery?: number;
  /**
   * `'auto'` (default): continue from the newest valid checkpoint in `checkpoints` when there is
   * one, else start fresh. `true`: must resume (throws when there is none). `false`: start fresh,
   * and refuse a store that already holds checkpoints (so two runs never mix).
   */
  resume?: boolean | 'auto';
  /** How messages tell the user to continue the run (after a stop, a failed step or a divergence). Default: the option itself (`resume: 'auto'`). */
  resumeHint?: string;
  /** Opens the sink for logged records once the start step is known (after a resume: the sink drops what came after it). */
  metrics?: (startStep: number) => MetricsSink | Promise<MetricsSink>;
  /** Shows progress and the loop's notices (resume, checkpoint saved, finished, divergence). Default: none. */
  progress?: ProgressReporter;
  /** Hooks called after each step, checkpoint and at the end. */
  callbacks?: TrainingLoopCallbacks<C>;
  /** Stop cleanly after the current step, save a checkpoint there, and return with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /**
   * For tests: stop right after this step (after its record and any scheduled checkpoint) as if the
   * process had died: no further checkpoint, no `onEnd`. Ignored when it is `totalSteps` or more.
   */
  stopAfterStep?: number;
}

/** {@link TrainingLoopOptions} with defaults filled in and everything checked. */
export interface ResolvedTrainingLoopOptions<C extends SavedTrainCheckpoint = SavedTrainCheckpoint> {
  /** Steps of the whole run. */
  totalSteps: number;
  /** Steps per epoch (for the records' `epoch`). */
  stepsPerEpoch: number;
  /** Where checkpoints go, or undefined for none. */
  checkpoints: TrainCheckpointStore<C> | undefined;
  /** Steps between checkpoints. */
  checkpointEvery: number;
  /** Newest checkpoints kept. */
  keepCheckpoints: number;
  /** Steps between logged records. */
  logEvery: number;
  /** Steps between diagnostics (0: never). */
  diagnosticsEvery: number;
  /** Whether to resume: `'auto'`, must (`true`) or must not (`false`). */
  resume: boolean | 'auto';
  /** How messages tell the user to continue the run, when given. */
  resumeHint: string | undefined;
  /** Opens the sink for logged records, when given. */
  metrics: ((startStep: number) => MetricsSink | Promise<MetricsSink>) | undefined;
  /** Shows progress and notices, when given. */
  progress: ProgressReporter | undefined;
  /** The hooks (empty when none were given). */
  callbacks: TrainingLoopCallbacks<C>;
  /** Stops training cleanly after the current step when aborted. */
  signal: AbortSignal | undefined;
  /** For tests: the step after which the loop stops as if the process died. */
  stopAfterStep: number | undefined;
}

/** Defaults of the loop that do not depend on the run length. */
export const TRAINING_LOOP_DEFAULTS = {
  /** Newest valid checkpoints kept. */
  keepCheckpoints: 3,
  /** Steps between logged records, as the official I-JEPA `log_freq`. */
  logEvery: 10,
  /** Continue from the newest valid checkpoint when there is one. */
  resume: 'auto',
} as const satisfies Partial<TrainingLoopOptions>;

/** The option names of {@link TrainingLoopOptions}. */
export const TRAINING_LOOP_OPTIONS = [
  'totalSteps', 'epochs', 'stepsPerEpoch', 'checkpoints', 'checkpointEvery', 'keepCheckpoints', 'logEvery',
  'diagnosticsEvery', 'resume', 'resumeHint', 'metrics', 'progress', 'callbacks', 'signal', 'stopAfterStep',
] as const;

function bad(message: string): never {
  throw new Error(`train: ${message}`);
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) bad(`options.${name} must be a positive integer, got ${String(value)}.`);
  return value as number;
}

/**
 * Fills in defaults and checks every option, throwing with the option's name and a fix.
 * @param known the option names accepted (Node's `train` adds its own); those of
 *   {@link TrainingLoopOptions} are checked here.
 */
export function resolveTrainingLoopOptions<C extends SavedTrainCheckpoint>(
  options: TrainingLoopOptions<C>,
  known: readonly string[] = TRAINING_LOOP_OPTIONS,
): ResolvedTrainingLoopOptions<C> {
  if (typeof options !== 'object' || options === null) bad(`options must be an object like { totalSteps: 1000 }, got ${String(options)}.`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) bad(`unknown option '${key}'; the options are ${known.join(', ')}.`);
  }
  let totalSteps: number;
  if (options.epochs !== undefined) {
    const epochs = positiveInteger('epochs', options.epochs);
    if (options.stepsPerEpoch === undefined) bad('options.epochs needs options.stepsPerEpoch (e.g. the number of batches per epoch).');
    const perEpoch = positiveInteger('stepsPerEpoch', options.stepsPerEpoch);
    totalSteps = epochs * perEpoch;
    if (options.totalSteps !== undefined && options.totalSteps !== totalSteps) {
      bad(`options.totalSteps (${options.totalSteps}) disagrees with epochs * stepsPerEpoch (${epochs} * ${perEpoch} = ${totalSteps}); give one or the other.`);
    }
  } else {
    if (options.totalSteps === undefined) bad('give options.totalSteps, or options.epochs and options.stepsPerEpoch.');
    totalSteps = positiveInteger('totalSteps', options.totalSteps);
  }
  const stepsPerEpoch = options.stepsPerEpoch === undefined ? totalSteps : positiveInteger('stepsPerEpoch', options.stepsPerEpoch);
  const checkpointEvery = options.checkpointEvery === undefined ? Math.ceil(totalSteps / 10) : positiveInteger('checkpointEvery', options.checkpointEvery);
  const keepCheckpoints = options.keepCheckpoints ?? TRAINING_LOOP_DEFAULTS.keepCheckpoints;
  if (!(keepCheckpoints === Infinity || (Number.isSafeInteger(keepCheckpoints) && keepCheckpoints >= 1))) {
    bad(`options.keepCheckpoints must be an integer >= 1 (the newest valid checkpoint is always kept) or Infinity, got ${keepCheckpoints}.`);
  }
  const logEvery = options.logEvery === undefined ? TRAINING_LOOP_DEFAULTS.logEvery : positiveInteger('logEvery', options.logEvery);
  const diagnosticsEvery = options.diagnosticsEvery ?? checkpointEvery;
  if (!Number.isSafeInteger(diagnosticsEvery) || diagnosticsEvery < 0) {
    bad(`options.diagnosticsEvery must be a non-negative integer (0 turns diagnostics off), got ${diagnosticsEvery}.`);
  }
  const resume = options.resume ?? TRAINING_LOOP_DEFAULTS.resume;
  if (resume !== true && resume !== false && resume !== 'auto') bad(`options.resume must be true, false or 'auto', got ${JSON.stringify(resume)}.`);
  const checkpoints = options.checkpoints;
  if (checkpoints !== undefined) {
    const missing = (['list', 'loadLatest', 'write', 'prune'] as const).filter((name) => typeof checkpoints?.[name] !== 'function');
    if (missing.length > 0) bad(`options.checkpoints has no ${missing.join(', ')} method(s); pass a TrainCheckpointStore (e.g. createMemoryCheckpointStore()).`);
  }
  if (options.metrics !== undefined && typeof options.metrics !== 'function') bad('options.metrics must be a function (startStep) => { append(record) }.');
  const progress = options.progress;
  if (progress !== undefined && (['start', 'step', 'message', 'stop'] as const).some((name) => typeof progress?.[name] !== 'function')) {
    bad('options.progress must be a ProgressReporter (start, step, message and stop methods).');
  }
  const callbacks = options.callbacks ?? {};
  for (const name of Object.keys(callbacks)) {
    if (!['onStep', 'onCheckpoint', 'onEnd'].includes(name)) bad(`unknown callback '${name}'; the callbacks are onStep, onCheckpoint and onEnd.`);
    if (typeof (callbacks as Record<string, unknown>)[name] !== 'function') bad(`options.callbacks.${name} must be a function.`);
  }
  const signal = options.signal;
  if (signal !== undefined && typeof signal?.aborted !== 'boolean') bad('options.signal must be an AbortSignal (e.g. new AbortController().signal).');
  if (options.resumeHint !== undefined && (typeof options.resumeHint !== 'string' || options.resumeHint.trim() === '')) {
    bad('options.resumeHint must be a non-empty string (how to continue the run, e.g. a command line).');
  }
  const stopAfterStep = options.stopAfterStep === undefined ? undefined : positiveInteger('stopAfterStep', options.stopAfterStep);
  return {
    totalSteps,
    stepsPerEpoch,
    checkpoints,
    checkpointEvery,
    keepCheckpoints,
    logEvery,
    diagnosticsEvery,
    resume,
    resumeHint: options.resumeHint,
    metrics: options.metrics,
    progress,
    callbacks,
    signal,
    stopAfterStep,
  };
}
