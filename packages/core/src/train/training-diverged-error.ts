import type { SavedTrainCheckpoint, TrainCheckpoint } from './train-checkpoint.js';

/** What {@link TrainingDivergedError} carries. */
export interface TrainingDivergence<C extends SavedTrainCheckpoint = TrainCheckpoint> {
  /** The 1-based step whose loss (or gradient) was not finite. */
  step: number;
  /** The non-finite loss (NaN when only the gradient was non-finite). */
  loss: number;
  /**
   * The newest checkpoint kept after the failure: the last good state when
   * {@link weightsUnchanged}, otherwise the newest checkpoint written before the failure (if any).
   */
  checkpoint: C | undefined;
  /**
   * True when the step threw `NonFiniteLossError` (weights untouched, so the trainer saved the
   * state of step `step - 1`); false when `trainStep` returned a non-finite loss, after which the
   * weights may already hold NaN and nothing newer was saved.
   */
  weightsUnchanged: boolean;
  /** The trainer's explanation, also written to the progress stream. */
  message: string;
  /** The `NonFiniteLossError`, when that is what stopped training. */
  cause?: unknown;
}

/**
 * Thrown by `runTrainingLoop` (and Node's `train`) when a step produced a non-finite loss; training
 * stopped at that step. `C` is what the checkpoint store says about a checkpoint (`TrainCheckpoint`,
 * with file paths, for `train`).
 */
export class TrainingDivergedError<C extends SavedTrainCheckpoint = TrainCheckpoint> extends Error {
  /** {@inheritDoc TrainingDivergence.step} */
  readonly step: number;
  /** {@inheritDoc TrainingDivergence.loss} */
  readonly loss: number;
  /** {@inheritDoc TrainingDivergence.checkpoint} */
  readonly checkpoint: C | undefined;
  /** {@inheritDoc TrainingDivergence.weightsUnchanged} */
  readonly weightsUnchanged: boolean;

  constructor(divergence: TrainingDivergence<C>) {
    super(divergence.message, divergence.cause === undefined ? undefined : { cause: divergence.cause });
    this.name = 'TrainingDivergedError';
    this.step = divergence.step;
    this.loss = divergence.loss;
    this.checkpoint = divergence.checkpoint;
    this.weightsUnchanged = divergence.weightsUnchanged;
  }

  /** The `.safetensors` file of {@link checkpoint}, or undefined when no checkpoint exists (or it is not a file). */
  get checkpointPath(): string | undefined {
    return (this.checkpoint as Partial<TrainCheckpoint> | undefined)?.tensorsPath;
  }
}
