import type * as tf from '@tensorflow/tfjs';
import type { HostTensor } from '../io/safetensors.js';

/**
 * What one training step reports. `loss` is required; any other numbers (`lr`, `gradNorm`, ...)
 * are logged as given. `epoch`, when given, replaces the trainer's own count in the record;
 * `step`, `elapsedSeconds` and `stepsPerSecond` are the trainer's and may not be used.
 */
export interface StepMetrics {
  /** The step's loss (a finite number; NaN or Infinity stops training as a divergence). */
  loss: number;
  [name: string]: number;
}

/** What {@link Trainable.saveState} returns: everything needed to resume exactly. */
export interface TrainableState {
  /**
   * Tensors by dotted name (`encoder.blocks.0.attn.qkv.weight`, `optimizer.<param>.m`, ...):
   * float32/int32/bool `tf.Tensor`s, or host tensors of any safetensors dtype. The trainer reads
   * them and never disposes them, so return the live variables themselves.
   */
  tensors: Record<string, tf.Tensor | HostTensor>;
  /** JSON-serialisable state: RNG state (`Rng.getState()`), data position, schedule position, config. */
  meta: Record<string, unknown>;
  /** Called once the tensors were written (also when writing failed): dispose temporaries made for this save here. */
  dispose?(): void;
}

/** The contract the training loop (`runTrainingLoop`, and `train` of `@jepa/core/node`) drives; a model, its optimizer, its data and its RNG behind one object. */
export interface Trainable {
  /**
   * One update; `step` is 1-based and grows by one per call (it continues after a resume).
   * Throws `NonFiniteLossError` on a NaN/Inf loss or gradient BEFORE changing any weight, so the
   * trainer can save the current state as the last good one.
   */
  trainStep(step: number): Promise<StepMetrics> | StepMetrics;
  /** Everything needed for exact resume: weights, optimizer moments, RNG state, data position... */
  saveState(): Promise<TrainableState> | TrainableState;
  /** Restores what {@link saveState} returned (tensors as read back from the checkpoint) exactly. */
  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>): Promise<void> | void;
  /** Optional periodic diagnostics (e.g. representation collapse), merged into that step's metrics line. */
  diagnostics?(step: number): Promise<Record<string, number>> | Record<string, number>;
}
