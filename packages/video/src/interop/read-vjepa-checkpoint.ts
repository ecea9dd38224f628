import { readCheckpointFile } from '@jepa/core/node';
import { createVJepaFromCheckpoint, type VJepaCheckpointOptions, type VJepaFromCheckpoint } from './official-vjepa-checkpoint.js';

/**
 * Reads an official V-JEPA checkpoint (`.pth.tar`, read by a data-only unpickler: nothing in it is
 * executed) or a safetensors file with the same keys from a path, and builds the model
 * ({@link createVJepaFromCheckpoint}). Node only (`@jepa/video/node`); in a page, read the `File`
 * with `readCheckpointBlob` (`@jepa/core`) and pass it to {@link createVJepaFromCheckpoint}.
 */
export async function readVJepaCheckpoint(path: string, options: VJepaCheckpointOptions = {}): Promise<VJepaFromCheckpoint> {
  return createVJepaFromCheckpoint(await readCheckpointFile(path), options);
}
