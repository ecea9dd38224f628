import type { MetricsRecord } from './metrics-log.js';
import type { ProgressMode, ProgressStream } from './progress-reporter.js';
import type { TrainCheckpoint } from './train-checkpoints.js';

/** What `train` returns (and passes to `onEnd`). */
export interface TrainResult {
  /** The step reached (completed steps, counting those before a resume). */
  steps: number;
  /** Steps run by this call. */
  stepsRun: number;
  /** Loss of the last completed step; undefined when no step has been completed yet. */
  finalLoss: number | undefined;
  /** Wall time of this call, seconds. */
  wallSeconds: number;
  /** The newest checkpoint on disk (undefined only when none was ever written). */
  lastCheckpoint: TrainCheckpoint | undefined;
  /** The checkpoint this call resumed from. */
  resumedFrom?: TrainCheckpoint;
  /** `completed`: reached `totalSteps`; `aborted`: the signal fired (a checkpoint was saved); `stopAfterStep`: simulated crash. */
  stopReason: 'completed' | 'aborted' | 'stopAfterStep';
  /** `<outDir>/metrics.jsonl`. */
  metricsPath: string;
}

/** Callbacks; each may be async (the trainer awaits it). An exception in one stops training. */
export interface TrainCallbacks {
  /** After every step (logged or not), with that step's record (diagnostics included when computed). */
  onStep?(record: MetricsRecord): void | Promise<void>;
  /** After each checkpoint was written (and old ones pruned). */
  onCheckpoint?(checkpoint: TrainCheckpoint): void | Promise<void>;
  /** Once training ended normally (completed or aborted); not after `stopAfterStep` or an error. */
  onEnd?(result: TrainResult): void | Promise<void>;
}

/** Options of `train`. Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface TrainOptions {
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
   * Run folder, created if missing: checkpoints in `<outDir>/checkpoints/`, metrics in
   * `<outDir>/metrics.jsonl` (cut back to the resumed step on resume, emptied on a fresh start).
   */
  outDir: string;
  /** Save a checkpoint every this many steps, and at the last step. Default `ceil(totalSteps / 10)` (about 10 per run). */
  checkpointEvery?: number;
  /** Newest valid checkpoints kept; older ones are deleted after each save. At least 1, `Infinity` keeps all. Default 3. */
  keepCheckpoints?: number;
  /** Write a metrics line every this many steps (and at the last step). Default 10, as the official I-JEPA `log_freq`. */
  logEvery?: number;
  /** Call `trainable.diagnostics` every this many steps (0 = never); those steps always get a line. Default `checkpointEvery`. */
  diagnosticsEvery?: number;
  /**
   * `'auto'` (default): continue from the newest valid checkpoint in `<outDir>/checkpoints` when
   * there is one, else start fresh. `true`: must resume (throws when there is none). `false`: start
   * fresh, and refuse an `outDir` that already holds checkpoints (so two runs never mix).
   * Resuming cuts metrics.jsonl back to the checkpoint's step.
   */
  resume?: boolean | 'auto';
  /**
   * How messages tell the user to continue the run (after Ctrl-C, a failed step or a divergence),
   * e.g. a command line's `jepa train ijepa --out runs/a --resume`. Default: the option itself
   * (`resume: 'auto'`).
   */
  resumeHint?: string;
  /** Default `'auto'`: a progress bar on a TTY, plain lines otherwise. */
  progress?: ProgressMode;
  /** Where progress goes. Default `process.stderr`. */
  stream?: ProgressStream;
  callbacks?: TrainCallbacks;
  /** Stop cleanly after the current step, save a checkpoint there, and return with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /**
   * For tests: stop right after this step (after its metrics line and any scheduled checkpoint) as
   * if the process had died: no further checkpoint, no `onEnd`. Resuming then proves exactness.
   * Ignored when it is `totalSteps` or more (the run completes).
   */
  stopAfterStep?: number;
}

/** {@link TrainOptions} with defaults filled in and everything checked. */
export interface ResolvedTrainOptions {
  totalSteps: number;
  stepsPerEpoch: number;
  outDir: string;
  checkpointEvery: number;
  keepCheckpoints: number;
  logEvery: number;
  diagnosticsEvery: number;
  resume: boolean | 'auto';
  resumeHint: string | undefined;
  progress: ProgressMode;
  stream: ProgressStream;
  callbacks: TrainCallbacks;
  signal: AbortSignal | undefined;
  stopAfterStep: number | undefined;
}

/** Defaults that do not depend on the run length. */
export const TRAIN_DEFAULTS = {
  keepCheckpoints: 3,
  logEvery: 10,
  resume: 'auto',
  progress: 'auto',
} as const satisfies Partial<TrainOptions>;

const KNOWN = new Set<string>([
  'totalSteps', 'epochs', 'stepsPerEpoch', 'outDir', 'checkpointEvery', 'keepCheckpoints', 'logEvery',
  'diagnosticsEvery', 'resume', 'resumeHint', 'progress', 'stream', 'callbacks', 'signal', 'stopAfterStep',
]);

function bad(message: string): never {
  throw new Error(`train: ${message}`);
}

function positiveInteger(name: string, value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) bad(`options.${name} must be a positive integer, got ${String(value)}.`);
  return value as number;
}

/** Fills in defaults and checks every option, throwing with the option's name and a fix. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options !== 'object' || options === null) bad(`options must be an object like { totalSteps: 1000, outDir: 'runs/a' }, got ${String(options)}.`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) bad(`unknown option '${key}'; the options are ${[...KNOWN].join(', ')}.`);
  }
  if (typeof options.outDir !== 'string' || options.outDir === '') bad(`options.outDir must be a folder path (e.g. 'runs/ijepa-tiny'), got ${String(options.outDir)}.`);

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
  const keepCheckpoints = options.keepCheckpoints ?? TRAIN_DEFAULTS.keepCheckpoints;
  if (!(keepCheckpoints === Infinity || (Number.isSafeInteger(keepCheckpoints) && keepCheckpoints >= 1))) {
    bad(`options.keepCheckpoints must be an integer >= 1 (the newest valid checkpoint is always kept) or Infinity, got ${keepCheckpoints}.`);
  }
  const logEvery = options.logEvery === undefined ? TRAIN_DEFAULTS.logEvery : positiveInteger('logEvery', options.logEvery);
  const diagnosticsEvery = options.diagnosticsEvery ?? checkpointEvery;
  if (!Number.isSafeInteger(diagnosticsEvery) || diagnosticsEvery < 0) {
    bad(`options.diagnosticsEvery must be a non-negative integer (0 turns diagnostics off), got ${diagnosticsEvery}.`);
  }
  const resume = options.resume ?? TRAIN_DEFAULTS.resume;
  if (resume !== true && resume !== false && resume !== 'auto') bad(`options.resume must be true, false or 'auto', got ${JSON.stringify(resume)}.`);
  const progress = options.progress ?? TRAIN_DEFAULTS.progress;
  if (!['auto', 'bar', 'lines', 'none'].includes(progress)) bad(`options.progress must be 'auto', 'bar', 'lines' or 'none', got ${JSON.stringify(progress)}.`);
  const stream = options.stream ?? process.stderr;
  if (typeof stream?.write !== 'function') bad('options.stream must have a write(text) method (e.g. process.stdout).');
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
    outDir: options.outDir,
    checkpointEvery,
    keepCheckpoints,
    logEvery,
    diagnosticsEvery,
    resume,
    resumeHint: options.resumeHint,
    progress,
    stream,
    callbacks,
    signal,
    stopAfterStep,
  };
}
