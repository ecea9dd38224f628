import { readTorchZip, torchZipOptions, type TorchCheckpointOptions } from './torch-checkpoint.js';
import { openZipFile } from './zip-file.js';

/**
 * Reads a `torch.save` file from disk (Node only; `@jepa/core/node`), with the checks of
 * `parseTorchCheckpoint` and the same result, but without holding the file in memory (see
 * `readTorchZip`): memory is about the size of the tensors returned, so zip64 files of any size work
 * (official ViT-H/ViT-g training checkpoints are several GB). With `options.only`, storages outside
 * the selected top-level modules are never read. In a browser: `readTorchBlob`.
 *
 * @throws TorchCheckpointError when the file cannot be read or is not a valid checkpoint.
 */
export async function readTorchFile(path: string, options: TorchCheckpointOptions = {}): Promise<unknown> {
  return readTorchZip(await openZipFile(path, torchZipOptions(path, options)), options);
}
