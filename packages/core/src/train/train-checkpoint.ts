import type { HostTensor } from '../io/safetensors.js';
import type { TrainableState } from './trainable.js';

/**
 * What the training loop keeps of a run's checkpoints, wherever they live: named `step-<step>` with
 * the step zero-padded to 6 digits (`step-000100`), one name per step, with a
 * {@link TrainCheckpointMeta} (the loop's position plus the trainable's `meta`). "Newest" means
 * highest step. A {@link TrainCheckpointStore} keeps them: files in `<outDir>/checkpoints/` for
 * Node's `train` (`@jepa/core/node`), memory for a page ({@link createMemoryCheckpointStore}).
 */

/** Why a checkpoint was written. */
export type CheckpointReason = 'periodic' | 'final' | 'aborted' | 'diverged';

/** The trainer's part of a checkpoint's metadata (`meta.trainer`). */
export interface TrainerCheckpointMeta {
  /** Steps completed: training resumes at `step + 1`. */
  step: number;
  /** 0-based epoch of `step` (0 at step 0). */
  epoch: number;
  /** The run's planned total steps when this was saved. */
  totalSteps: number;
  /** Loss of step `step`; null at step 0. */
  loss: number | null;
  /** Training time so far, summed over resumed runs, in seconds. */
  elapsedSeconds: number;
  /** Why it was written. */
  reason: CheckpointReason;
}

/** What the trainer stores as a checkpoint's `meta`. */
export interface TrainCheckpointMeta {
  /** The training loop's position when it was written. */
  trainer: TrainerCheckpointMeta;
  /** The trainable's `saveState().meta`, handed back to `loadState`. */
  state: Record<string, unknown>;
}

/** A checkpoint the training loop wrote or resumed from, wherever it is kept. */
export interface SavedTrainCheckpoint {
  /** `step-<step>`, the step zero-padded to 6 digits. */
  name: string;
  /** Steps completed when it was written. */
  step: number;
  /** Why it was written. */
  reason: CheckpointReason;
}

/** A checkpoint written (or resumed from) by Node's `train`: two files in `<outDir>/checkpoints`. */
export interface TrainCheckpoint extends SavedTrainCheckpoint {
  /** The folder holding it (`<outDir>/checkpoints`): `loadCheckpoint(dir, name)` reads it. */
  dir: string;
  /** Path of `<name>.safetensors`. */
  tensorsPath: string;
  /** Path of `<name>.json`. */
  metaPath: string;
}

/** A checkpoint a {@link TrainCheckpointStore} loaded to resume from. */
export interface LoadedTrainCheckpoint<C extends SavedTrainCheckpoint = SavedTrainCheckpoint> {
  /** Which checkpoint it is. */
  checkpoint: C;
  /** Its tensors, by key. */
  tensors: Map<string, HostTensor>;
  /** Its metadata: the loop's position and the trainable's state meta. */
  meta: TrainCheckpointMeta;
}

/**
 * Where the training loop (`runTrainingLoop`) keeps checkpoints. Each method may be async.
 * `C` is what it says about one checkpoint (file paths for Node's folder store).
 */
export interface TrainCheckpointStore<C extends SavedTrainCheckpoint = SavedTrainCheckpoint> {
  /** Where the checkpoints are, for messages (a folder, `memory`). */
  readonly location: string;
  /** The checkpoints held, oldest first by step. */
  list(): Promise<readonly C[]> | readonly C[];
  /**
   * The newest checkpoint that loads, skipping (and listing in `skipped`, each with its reason)
   * newer ones that are incomplete or corrupt; `loaded` is undefined when none loads.
   */
  loadLatest(): Promise<{
    /** The newest checkpoint that loads; undefined when none does. */
    loaded?: LoadedTrainCheckpoint<C>;
    /** Newer checkpoints that did not load, each with the reason. */
    skipped: string[];
  }> | {
    /** The newest checkpoint that loads; undefined when none does. */
    loaded?: LoadedTrainCheckpoint<C>;
    /** Newer checkpoints that did not load, each with the reason. */
    skipped: string[];
  };
  /** Saves `state` as checkpoint `step-<trainer.step>`, then calls `state.dispose()` (also on failure). */
  write(state: TrainableState, trainer: TrainerCheckpointMeta): Promise<C>;
  /** Keeps the `keep` newest checkpoints and drops older ones; returns the names dropped. */
  prune(keep: number): Promise<string[]> | string[];
  /** How messages name the checkpoint's data (a file path); default its name. */
  where?(checkpoint: C): string;
}

/** `step-000100` for step 100 (more digits past 999999). */
export function trainCheckpointName(step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new Error(`trainCheckpointName: step must be a non-negative integer, got ${step}.`);
  }
  return `step-${String(step).padStart(6, '0')}`;
}

/** Whether a checkpoint's `meta` is the trainer's ({@link TrainCheckpointMeta}). */
export function isTrainCheckpointMeta(meta: unknown): meta is TrainCheckpointMeta {
  const trainer = (meta as Partial<TrainCheckpointMeta> | null)?.trainer;
  return typeof trainer === 'object' && trainer !== null && Number.isSafeInteger(trainer.step) && typeof (meta as TrainCheckpointMeta).state === 'object';
}

/** Throws unless `state` is what `saveState()` must return. */
export function checkTrainableState(state: TrainableState): void {
  if (typeof state !== 'object' || state === null || typeof state.tensors !== 'object' || typeof state.meta !== 'object' || state.meta === null) {
    const got = state === null || typeof state !== 'object' ? String(state) : `an object with keys [${Object.keys(state).join(', ')}]`;
    throw new Error(
      `train: saveState() must return { tensors: Record<string, tf.Tensor>, meta: Record<string, unknown> }, got ${got}. ` +
        'Fix the trainable\'s saveState().',
    );
  }
}
