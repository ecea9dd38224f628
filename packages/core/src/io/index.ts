export { ATOMIC_TEMP_SUFFIX, isAtomicTempFile, writeFileAtomic, type AtomicWriteData } from './atomic-write.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  checkpointPaths,
  latestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointContent,
  type CheckpointInfo,
  type CheckpointManifest,
  type LoadedCheckpoint,
} from './checkpoint.js';
export {
  SafetensorsError,
  dtypeByteSize,
  fromTfTensor,
  fromTfTensorAsync,
  parseSafetensors,
  parseSafetensorsLayout,
  safetensorsHeaderLength,
  hostTensorFromBytes,
  serializeSafetensors,
  serializeSafetensorsChunks,
  toFloat32Array,
  toTfTensor,
  type HostTensor,
  type HostTensors,
  type ParseSafetensorsOptions,
  type ParsedSafetensors,
  type SafetensorsEntry,
  type SafetensorsLayout,
  type SafetensorsArrays,
  type SafetensorsChunks,
  type SafetensorsDtype,
} from './safetensors.js';
export { readSafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
export { makeDirectory } from './make-directory.js';
