// The training loop and what it drives, browser-safe. Node's `train` (a run folder with checkpoint
// files, metrics.jsonl and a progress bar) is in @jepa/core/node.
export type { MetricsRecord } from './metrics-record.js';
export {
  formatDuration,
  formatNumber,
  formatProgressLine,
  type ProgressMode,
  type ProgressReporter,
  type ProgressStream,
} from './progress-format.js';
export {
  trainCheckpointName,
  type CheckpointReason,
  type LoadedTrainCheckpoint,
  type SavedTrainCheckpoint,
  type TrainCheckpoint,
  type TrainCheckpointMeta,
  type TrainCheckpointStore,
  type TrainerCheckpointMeta,
} from './train-checkpoint.js';
export { createMemoryCheckpointStore, type MemoryCheckpointStore, type MemoryCheckpointStoreOptions, type MemoryTrainCheckpoint } from './memory-checkpoint-store.js';
export {
  TRAINING_LOOP_DEFAULTS,
  resolveTrainingLoopOptions,
  type MetricsSink,
  type ResolvedTrainingLoopOptions,
  type TrainingLoopCallbacks,
  type TrainingLoopOptions,
  type TrainingLoopResult,
} from './training-loop-options.js';
export { runTrainingLoop } from './training-loop.js';
export type { StepMetrics, Trainable, TrainableState } from './trainable.js';
export { TrainingDivergedError, type TrainingDivergence } from './training-diverged-error.js';
export { saveModelTrainingState, loadModelTrainingState, collapseMetrics, NonFiniteOutputError, type StateDictModel } from './model-training-state.js';
export { JepaTrainable, type JepaTrainableModel, type JepaTrainableSetup } from './jepa-trainable.js';
