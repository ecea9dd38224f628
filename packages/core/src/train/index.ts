export { MetricsLog, readMetricsLog, truncateMetricsLog, type MetricsRecord } from './metrics-log.js';
export {
  createProgressReporter,
  formatDuration,
  formatNumber,
  formatProgressLine,
  type ProgressMode,
  type ProgressReporter,
  type ProgressStream,
} from './progress-reporter.js';
export {
  listTrainCheckpoints,
  loadLatestTrainCheckpoint,
  pruneTrainCheckpoints,
  trainCheckpointName,
  writeTrainCheckpoint,
  type CheckpointReason,
  type ResumePoint,
  type TrainCheckpoint,
  type TrainCheckpointEntry,
  type TrainCheckpointMeta,
  type TrainerCheckpointMeta,
} from './train-checkpoints.js';
export {
  TRAIN_DEFAULTS,
  resolveTrainOptions,
  type ResolvedTrainOptions,
  type TrainCallbacks,
  type TrainOptions,
  type TrainResult,
} from './train-options.js';
export type { StepMetrics, Trainable, TrainableState } from './trainable.js';
export { checkpointsDirOf, metricsPathOf, train } from './trainer.js';
export { TrainingDivergedError, type TrainingDivergence } from './training-diverged-error.js';
export { saveModelTrainingState, loadModelTrainingState, collapseMetrics, NonFiniteOutputError, type StateDictModel } from './model-training-state.js';
export { JepaTrainable, type JepaTrainableModel, type JepaTrainableSetup } from './jepa-trainable.js';
