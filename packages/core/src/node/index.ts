/**
 * What needs Node: files and folders (atomic writes, checkpoint folders, safetensors and torch
 * files by path, class folders) and the trainer's run folder (checkpoint files, metrics.jsonl, a
 * cli-progress bar). Everything else, including the byte readers these wrap (readTorchBlob,
 * readCheckpointBlob, readSafetensorsBlob, decodeCheckpoint) and the training loop
 * (runTrainingLoop), is in the browser-safe main entry.
 *
 * @module @jepa/core/node
 */

// files: atomic writes, folders, positioned reads
export { ATOMIC_TEMP_SUFFIX, isAtomicTempFile, writeFileAtomic, type AtomicWriteData } from '../io/atomic-write.js';
export { makeDirectory } from '../io/make-directory.js';
export { openFileByteSource } from '../io/file-byte-source.js';
export { readSafetensorsFile, writeSafetensorsFile } from '../io/safetensors-file.js';
export { checkpointPaths, latestCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint, type CheckpointInfo } from '../io/checkpoint.js';

// torch.save and safetensors checkpoints on disk (the same readers as readTorchBlob / readCheckpointBlob)
export { openZipFile } from '../interop/zip-file.js';
export { readTorchFile } from '../interop/torch-file.js';
export { readCheckpointFile } from '../interop/read-checkpoint-file.js';

// class folders (root/<class>/<file>)
export {
  findFiles,
  normalizeExtensions,
  scanClassFolder,
  UnreadableFilesError,
  type ClassFolderIndex,
  type ClassFolderSample,
  type FindFilesOptions,
  type ScanClassFolderOptions,
  type UnreadableFile,
} from '../data/class-folder.js';

// the trainer's run folder: checkpoint files, metrics.jsonl, a progress bar (cli-progress)
export { MetricsLog, readMetricsLog, truncateMetricsLog } from '../train/metrics-log.js';
export { createProgressReporter } from '../train/progress-reporter.js';
export {
  folderCheckpointStore,
  listTrainCheckpoints,
  loadLatestTrainCheckpoint,
  pruneTrainCheckpoints,
  writeTrainCheckpoint,
  type ResumePoint,
  type TrainCheckpointEntry,
} from '../train/train-checkpoints.js';
export { TRAIN_DEFAULTS, resolveTrainOptions, type ResolvedTrainOptions, type TrainCallbacks, type TrainOptions, type TrainResult } from '../train/train-options.js';
export { checkpointsDirOf, metricsPathOf, train } from '../train/trainer.js';
