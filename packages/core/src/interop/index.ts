export { collectTensors, type CollectTensorsOptions } from './collect-tensors.js';
export {
  parseTorchCheckpoint,
  readTorchBlob,
  type ReadTorchBlobOptions,
  type TorchCheckpointLimits,
  type TorchCheckpointOptions,
} from './torch-checkpoint.js';
export { TorchCheckpointError, type TorchCheckpointLocation } from './torch-checkpoint-error.js';
export { ALLOWED_TORCH_GLOBALS, type TorchStorageRef } from './torch-globals.js';
export {
  decodeBFloat16,
  decodeFloat16,
  isTorchTensor,
  type TorchDType,
  type TorchTensor,
  type TorchTensorData,
} from './torch-tensor.js';
export { unpickle, type PickleDictMode, type PickleLimits, type UnpickleOptions, type PickleGlobalHandler, type PickleContext } from './pickle-machine.js';
export { openZipArchive, openZipSource, type ZipArchive, type ZipArchiveOptions, type ZipEntry, type ZipFile, type ZipFileOptions } from './zip-archive.js';
export {
  checkpointTensorToTf,
  checkpointTensorValues,
  elementCount,
  isFloatTensor,
  parseCheckpointBytes,
  readCheckpointBlob,
  type CheckpointFile,
  type CheckpointTensor,
  type ReadCheckpointBlobOptions,
  type ReadCheckpointOptions,
} from './checkpoint-file.js';
export { groupTensorsByModule, withTfTensors, loadModuleTensorsStrict, recordedEpoch, type ModuleTensors } from './module-weights.js';
export {
  checkHeadsOptions,
  MissingHeadsError,
  presetAndHeads,
  recordedHeads,
  requireHeads,
  resolveHeads,
  type HeadsOptions,
  type HeadsSource,
  type RecordedHeads,
  type ResolvedHeads,
} from './checkpoint-heads.js';
export { countBlocks, countNumbered, listTensorNames, loadModuleStrict, stripSharedPrefix, tensorShape, type ExpectedModel } from './checkpoint-layout.js';
