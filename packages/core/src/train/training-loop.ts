import { NonFiniteLossError } from '../objective/jepa.js';
import type { MetricsRecord } from './metrics-record.js';
import { NonFiniteOutputError } from './model-training-state.js';
import { formatDuration, type ProgressReporter } from './progress-format.js';
import type { CheckpointReason, SavedTrainCheckpoint, TrainCheckpointStore } from './train-checkpoint.js';
import type { StepMetrics, Trainable } from './trainable.js';
import {
  resolveTrainingLoopOptions,
  type MetricsSink,
  type ResolvedTrainingLoopOptions,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from './training-loop-options.js';
import { TrainingDivergedError } from './training-diverged-error.js';

/**
 * Record fields the trainer sets itself; a trainable's metrics may not use them. (`epoch` may come
 * from `trainStep`: a trainable that knows its data position overrides the trainer's count.)
 */
const TRAINER_FIELDS = new Set(['step', 'elapsedSeconds', 'stepsPerSecond']);

/**
 * Runs `trainable` from its current state (or from the newest checkpoint in `options.checkpoints`,
 * see `options.resume`) up to `totalSteps`: the training loop, browser-safe, with callbacks. Every
 * `logEvery` steps the record goes to `options.metrics` and `options.progress`; every step to
 * `callbacks.onStep` (a page's live loss curve). Checkpoints go to `options.checkpoints` every
 * `checkpointEvery` steps and at the end (keeping the `keepCheckpoints` newest). Node's `train`
 * (`@jepa/core/node`) is this loop with a run folder, `metrics.jsonl` and a progress bar.
 *
 * Resuming is exact: a run interrupted after any step and resumed produces the same weights and the
 * same records (apart from timings) as an uninterrupted run, provided the trainable's
 * `saveState`/`loadState` capture its whole state.
 *
 * @throws TrainingDivergedError when a step's loss is NaN/Inf. If the step threw
 *   `NonFiniteLossError` (weights untouched), the current state is first saved as checkpoint
 *   `step-<k-1>` unless that step is already saved, so the newest checkpoint is the last good state.
 * @throws the trainable's own errors unchanged (after a notice saying which checkpoint to resume from).
 */
export async function runTrainingLoop<C extends SavedTrainCheckpoint = SavedTrainCheckpoint>(
  trainable: Trainable,
  options: TrainingLoopOptions<C>,
): Promise<TrainingLoopResult<C>> {
  checkTrainable(trainable);
  return new TrainingRun(trainable, resolveTrainingLoopOptions(options)).execute();
}

function checkTrainable(trainable: Trainable): void {
  const missing = (['trainStep', 'saveState', 'loadState'] as const).filter((name) => typeof trainable?.[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`train: the trainable has no ${missing.join(', ')} method(s); implement the Trainable interface (trainStep, saveState, loadState).`);
  }
  if (trainable.diagnostics !== undefined && typeof trainable.diagnostics !== 'function') {
    throw new Error('train: trainable.diagnostics must be a method (step) => Record<string, number>, or absent.');
  }
}

function isNonFiniteLossError(error: unknown): error is NonFiniteLossError {
  // By name too, so an error class from another copy of @jepa/core is recognised.
  return error instanceof NonFiniteLossError || (error as Error | undefined)?.name === 'NonFiniteLossError';
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return `an object with keys [${Object.keys(value).join(', ')}]`;
  }
}

/** A reporter that shows nothing (no `options.progress`). */
const SILENT: ProgressReporter = { mode: 'none', start() {}, step() {}, message() {}, stop() {} };

/** One call of the loop: its position, clock, checkpoints and display. */
class TrainingRun<C extends SavedTrainCheckpoint> {
  private readonly store: TrainCheckpointStore<C> | undefined;
  private readonly progress: ProgressReporter;
  private readonly wallStart = performance.now();
  /** Steps completed. */
  private step = 0;
  private stepsRun = 0;
  private lastLoss: number | undefined;
  /** Epoch of the last completed step (as recorded). */
  private lastEpoch = 0;
  /** Training seconds before this call (from the checkpoint resumed). */
  private priorElapsed = 0;
  private lastCheckpoint: C | undefined;
  private resumedFrom: C | undefined;

  constructor(
    private readonly trainable: Trainable,
    private readonly options: ResolvedTrainingLoopOptions<C>,
  ) {
    this.store = options.checkpoints;
    this.progress = options.progress ?? SILENT;
  }

  /** How messages name a checkpoint's data. */
  private where(checkpoint: C): string {
    return this.store?.where?.(checkpoint) ?? checkpoint.name;
  }

  private elapsedSeconds(): number {
    return this.priorElapsed + (performance.now() - this.wallStart) / 1000;
  }

  private epochOf(step: number): number {
    return step === 0 ? 0 : Math.floor((step - 1) / this.options.stepsPerEpoch);
  }

  async execute(): Promise<TrainingLoopResult<C>> {
    const { totalSteps, logEvery, checkpointEvery, diagnosticsEvery, stopAfterStep, signal, callbacks } = this.options;
    await this.resume();
    const metrics: MetricsSink | undefined = await this.options.metrics?.(this.step);
    let stopReason: TrainingLoopResult<C>['stopReason'] = 'completed';
    try {
      this.progress.start(this.step, totalSteps);
      let windowStep = this.step;
      let windowTime = performance.now();
      while (this.step < totalSteps) {
        if (signal?.aborted) {
          stopReason = 'aborted';
          break;
        }
        const step = this.step + 1;
        const stepMetrics = await this.runStep(step);
        this.step = step;
        this.stepsRun += 1;
        this.lastLoss = stepMetrics.loss;

        const diagnose = diagnosticsEvery > 0 && step % diagnosticsEvery === 0 && this.trainable.diagnostics !== undefined;
        const diagnostics = diagnose ? await this.runDiagnostics(step, stepMetrics) : {};
        const logged = step % logEvery === 0 || step === totalSteps || diagnose;
        const now = performance.now();
        const record: MetricsRecord = {
          step,
          epoch: this.epochOf(step), // stepMetrics.epoch, when given, replaces it in place
          ...stepMetrics,
          ...diagnostics,
          elapsedSeconds: Math.round(this.elapsedSeconds() * 1000) / 1000,
          stepsPerSecond: Number(((step - windowStep) / Math.max((now - windowTime) / 1000, 1e-9)).toPrecision(4)),
        };
        this.lastEpoch = record.epoch;
        if (logged) {
          await metrics?.append(record);
          windowStep = step;
          windowTime = now;
        }
        this.progress.step(record, logged);
        await callbacks.onStep?.(record);
        if (this.store && (step % checkpointEvery === 0 || step === totalSteps)) await this.checkpoint(step === totalSteps ? 'final' : 'periodic');
        if (stopAfterStep === step && step < totalSteps) {
          stopReason = 'stopAfterStep';
          break;
        }
      }
      if (this.store && stopReason === 'aborted' && this.step > 0 && (this.lastCheckpoint?.step ?? -1) < this.step) await this.checkpoint('aborted');
    } finally {
      this.progress.stop();
      await metrics?.close?.();
    }
    const result: TrainingLoopResult<C> = {
      steps: this.step,
      stepsRun: this.stepsRun,
      finalLoss: this.lastLoss,
      wallSeconds: (performance.now() - this.wallStart) / 1000,
      lastCheckpoint: this.lastCheckpoint,
      ...(this.resumedFrom ? { resumedFrom: this.resumedFrom } : {}),
      stopReason,
    };
    if (stopReason === 'stopAfterStep') return result; // as if the process had died here
    const where = this.lastCheckpoint ? `; checkpoint ${this.lastCheckpoint.name}` : '';
    if (stopReason === 'aborted') {
      this.progress.message(`stopped by the abort signal after step ${this.step}/${totalSteps}${where}${this.options.resumeHint ? `; continue with: ${this.options.resumeHint}` : ". Rerun with resume: 'auto' to continue."}`);
    } else {
      const loss = this.lastLoss === undefined ? '' : `, final loss ${Number(this.lastLoss.toPrecision(7))}`;
      this.progress.message(`finished: step ${this.step}/${totalSteps} (${this.stepsRun} in this call) in ${formatDuration(result.wallSeconds)}${loss}${where}.`);
    }
    await callbacks.onEnd?.(result);
    return result;
  }

  /** Loads the newest valid checkpoint, as `options.resume` asks. */
  private async resume(): Promise<void> {
    const { resume, totalSteps } = this.options;
    const store = this.store;
    if (!store) {
      if (resume === true) throw new Error('train: options.resume is true but there is no options.checkpoints to resume from; pass a checkpoint store.');
      return;
    }
    const dir = store.location;
    if (resume === false) {
      const existing = await store.list();
      if (existing.length > 0) {
        const newest = existing[existing.length - 1]!;
        throw new Error(
          `train: ${dir} already holds ${existing.length} checkpoint(s) (newest ${newest.name}, step ${newest.step}) from an earlier run, ` +
            "and options.resume is false. Pass resume: 'auto' (or true) to continue that run, or choose an empty outDir (or checkpoint store) to start a new one.",
        );
      }
      return;
    }
    const { loaded, skipped } = await store.loadLatest();
    for (const problem of skipped) this.progress.message(`skipped unusable checkpoint ${problem}`);
    if (!loaded) {
      if (resume === true) {
        throw new Error(
          `train: options.resume is true but ${dir} holds no loadable checkpoint` +
            (skipped.length > 0 ? ` (${skipped.join('; ')})` : ' (none was written yet)') +
            ". Check outDir, or pass resume: 'auto' to start fresh when there is none.",
        );
      }
      return;
    }
    const { checkpoint } = loaded;
    const trainer = loaded.meta.trainer;
    if (trainer.step > totalSteps) {
      throw new Error(
        `train: checkpoint ${checkpoint.name} in ${dir} is at step ${trainer.step}, past options.totalSteps (${totalSteps}). ` +
          'Raise totalSteps to continue that run, or choose another outDir.',
      );
    }
    try {
      await this.trainable.loadState(loaded.tensors, loaded.meta.state);
    } catch (error) {
      throw new Error(
        `train: the trainable's loadState rejected checkpoint ${checkpoint.name} (${this.where(checkpoint)}): ${(error as Error).message} ` +
          "Resume with the same model and data configuration, or pass resume: false with a new outDir.",
        { cause: error },
      );
    }
    this.step = trainer.step;
    this.priorElapsed = trainer.elapsedSeconds;
    this.lastLoss = trainer.loss ?? undefined;
    this.lastEpoch = trainer.epoch;
    this.lastCheckpoint = checkpoint;
    this.resumedFrom = checkpoint;
    this.progress.message(`resumed from checkpoint ${checkpoint.name} (step ${trainer.step}/${totalSteps}) in ${dir}`);
  }

  /** One `trainStep`, with divergence and malformed results turned into clear errors. */
  private async runStep(step: number): Promise<StepMetrics> {
    let metrics: StepMetrics;
    try {
      metrics = await this.trainable.trainStep(step);
    } catch (error) {
      if (isNonFiniteLossError(error)) return this.diverge(step, error.loss, error.gradNorm, true, error);
      const where = this.lastCheckpoint
        ? `the newest checkpoint is ${this.lastCheckpoint.name} (step ${this.lastCheckpoint.step}); ${this.options.resumeHint ? `continue from it with: ${this.options.resumeHint}` : "rerun with resume: 'auto' to continue from it"}`
        : 'no checkpoint was written yet';
      this.progress.stop();
      this.progress.message(`step ${step} failed: ${(error as Error)?.message ?? String(error)} (${where}).`);
      throw error;
    }
    if (typeof metrics !== 'object' || metrics === null || typeof metrics.loss !== 'number') {
      throw new Error(`train: trainStep(${step}) must return { loss: number, ... }, got ${describeValue(metrics)}. Fix the trainable's trainStep.`);
    }
    for (const [name, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') throw new Error(`train: trainStep(${step}) returned metric '${name}' = ${describeValue(value)}; metrics must be numbers.`);
      if (TRAINER_FIELDS.has(name)) throw new Error(`train: trainStep(${step}) returned a metric named '${name}', which the trainer sets itself; rename it.`);
    }
    if (!Number.isFinite(metrics.loss)) return this.diverge(step, metrics.loss, Number.NaN, false);
    return metrics;
  }

  private async runDiagnostics(step: number, metrics: StepMetrics): Promise<Record<string, number>> {
    let diagnostics: Record<string, number>;
    try {
      diagnostics = await this.trainable.diagnostics!(step);
    } catch (error) {
      // The update of this step made the outputs non-finite: a divergence, whatever the diagnostic.
      if (error instanceof NonFiniteOutputError) return this.diverge(step, metrics.loss, Number.NaN, false, error);
      throw error;
    }
    if (typeof diagnostics !== 'object' || diagnostics === null) {
      throw new Error(`train: diagnostics(${step}) must return a Record<string, number>, got ${describeValue(diagnostics)}.`);
    }
    for (const [name, value] of Object.entries(diagnostics)) {
      if (typeof value !== 'number') throw new Error(`train: diagnostics(${step}) returned '${name}' = ${describeValue(value)}; diagnostics must be numbers.`);
      if (TRAINER_FIELDS.has(name) || name === 'epoch' || name in metrics) {
        throw new Error(`train: diagnostics(${step}) returned '${name}', which is already a trainer field or a trainStep metric; rename it.`);
      }
    }
    return diagnostics;
  }

  /** Saves the trainable's current state as checkpoint `step-<this.step>`, then prunes old ones. */
  private async checkpoint(reason: CheckpointReason): Promise<C> {
    const store = this.store!;
    const state = await this.trainable.saveState();
    const checkpoint = await store.write(state, {
      step: this.step,
      epoch: this.lastEpoch,
      totalSteps: this.options.totalSteps,
      loss: this.lastLoss ?? null,
      elapsedSeconds: this.elapsedSeconds(),
      reason,
    });
    this.lastCheckpoint = checkpoint;
    const removed = await store.prune(this.options.keepCheckpoints);
    const pruned = removed.length > 0 ? `; removed ${removed.join(', ')}` : '';
    this.progress.message(`checkpoint ${checkpoint.name} saved (step ${checkpoint.step}, ${reason})${pruned}`);
    await this.options.callbacks.onCheckpoint?.(checkpoint);
    return checkpoint;
  }

  /** Stops training at `step`, whose loss is not finite; saves the last good state when possible. */
  private async diverge(step: number, loss: number, gradNorm: number, weightsUnchanged: boolean, cause?: unknown): Promise<never> {
    const lastGood = step - 1; // === this.step
    if (this.store && weightsUnchanged && (this.lastCheckpoint === undefined || this.lastCheckpoint.step < lastGood)) await this.checkpoint('diverged');
    const checkpoint = this.lastCheckpoint;
    const signalText = Number.isNaN(gradNorm) || gradNorm === undefined ? `loss ${loss}` : `loss ${loss}, gradient norm ${gradNorm}`;
    const fixes =
      'Lower the learning rate (e.g. 2-10x) or lengthen its warmup, enable gradient clipping (e.g. clipGradNorm 1.0), ' +
      'and check the input data for NaN/Inf';
    let message: string;
    if (weightsUnchanged && checkpoint) {
      message =
        `Training diverged at step ${step} (${signalText}). The update was skipped, so the weights are those of step ${lastGood}, ` +
        `saved as checkpoint ${checkpoint.name} (${this.where(checkpoint)}). ${fixes}; then ${this.options.resumeHint ? `continue from that checkpoint with: ${this.options.resumeHint}` : 'rerun with resume: true to continue from that checkpoint'}.`;
    } else if (weightsUnchanged) {
      message =
        `Training diverged at step ${step} (${signalText}). The update was skipped, so the trainable still holds the weights of step ${lastGood} ` +
        `(no checkpoint store keeps them). ${fixes}; then continue training it.`;
    } else {
      const where = checkpoint
        ? `the newest checkpoint is ${checkpoint.name} (step ${checkpoint.step}, ${this.where(checkpoint)})`
        : 'no checkpoint was written yet';
      const outputs = cause instanceof NonFiniteOutputError;
      const signal = outputs
        ? `its update made the weights non-finite (the loss before it was ${loss}; ${cause.message.replace(/; the weights are no longer finite\.$/, '')})`
        : `trainStep returned loss ${loss} and may already have changed the weights`;
      message =
        `Training diverged at step ${step}: ${signal}, so nothing newer ` +
        `was saved; ${where}. ${fixes}; then ${this.options.resumeHint ? `continue with: ${this.options.resumeHint}` : 'rerun with resume: true'}.` +
        (outputs ? '' : ' To let the trainer save the last good state itself, make trainStep throw NonFiniteLossError before updating the weights.');
    }
    this.progress.stop();
    this.progress.message(message);
    throw new TrainingDivergedError({ step, loss, checkpoint, weightsUnchanged, message, cause });
  }
}

