// Browser-safe IO: bytes in, bytes out. Files (atomic writes, checkpoint folders, safetensors
// files) are in @jepa/core/node.
export { blobByteSource, byteSourceOf, bytesByteSource, bytesOf, type BinaryInput, type ByteSource } from './byte-source.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  parseCheckpointManifest,
  type CheckpointContent,
  type CheckpointFiles,
  type CheckpointManifest,
  type EncodedCheckpoint,
  type LoadedCheckpoint,
} from './checkpoint-codec.js';
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
export { readSafetensorsBlob, type ReadSafetensorsBlobOptions } from './safetensors-source.js';
