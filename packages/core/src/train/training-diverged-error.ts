import type { TrainCheckpoint } from './train-checkpoints.js';

/** What {@link TrainingDivergedError} carries. */
export interface TrainingDivergence {
  /** The 1-based step whose loss (or gradient) was not finite. */
  step: number;
  /** The non-finite loss (NaN when only the gradient was non-finite). */
  loss: number;
  /**
   * The newest checkpoint on disk after the failure: the last good state when
   * {@link weightsUnchanged}, otherwise the newest checkpoint written before the failure (if any).
   */
  checkpoint: TrainCheckpoint | undefined;
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

/** Thrown by `train` when a step produced a non-finite loss; training stopped at that step. */
export class TrainingDivergedError extends Error {
  readonly step: number;
  readonly loss: number;
  readonly checkpoint: TrainCheckpoint | undefined;
  readonly weightsUnchanged: boolean;

  constructor(divergence: TrainingDivergence) {
    super(divergence.message, divergence.cause === undefined ? undefined : { cause: divergence.cause });
    this.name = 'TrainingDivergedError';
    this.step = divergence.step;
    this.loss = divergence.loss;
    this.checkpoint = divergence.checkpoint;
    this.weightsUnchanged = divergence.weightsUnchanged;
  }

  /** The `.safetensors` file of {@link checkpoint}, or undefined when no checkpoint exists. */
  get checkpointPath(): string | undefined {
    return this.checkpoint?.tensorsPath;
  }
}
