import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ByteSource } from '../io/byte-source.js';
import { openFileByteSource } from '../io/file-byte-source.js';
import { readCheckpointSource, type CheckpointFile, type ReadCheckpointOptions } from './checkpoint-file.js';
import { TorchCheckpointError } from './torch-checkpoint-error.js';

/**
 * Reads a `torch.save` checkpoint (`.pth`, `.pth.tar`, `.pt`: recognised by its zip signature) or a
 * `.safetensors` file (Node only; `@jepa/core/node`). Nothing in a torch file is executed: its
 * pickle is read by a data-only machine that refuses every global outside a small allow-list. A
 * torch file is read with positioned reads (`readTorchFile`), never whole, so files over 2 GiB
 * (official ViT-H/ViT-g training checkpoints) work and memory is about the size of the tensors
 * read; pass `options.only` to read only some modules. A safetensors file is read with positioned
 * reads too (header, then each tensor kept), so it may exceed 2 GiB as long as each tensor fits in
 * memory. For a `jepa train` checkpoint, the manifest `<name>.json` beside it is read too.
 * In a browser: `readCheckpointBlob`.
 *
 * @throws TorchCheckpointError / SafetensorsError naming the file, and what to do.
 */
export async function readCheckpointFile(path: string, options: ReadCheckpointOptions = {}): Promise<CheckpointFile> {
  let bytes: ByteSource;
  try {
    bytes = await openFileByteSource(path);
  } catch (error) {
    throw new TorchCheckpointError(`cannot read the file: ${(error as Error).message}.`, { source: path }, 'check the path and its permissions.');
  }
  const file = await readCheckpointSource(bytes, path, options);
  if (file.format === 'safetensors' && file.metadata.format === 'jepa-checkpoint') {
    const manifestPath = join(dirname(path), `${basename(path).replace(/\.safetensors$/, '')}.json`);
    const manifest = await readFile(manifestPath, 'utf8').then((text) => JSON.parse(text) as Record<string, unknown>, () => undefined);
    if (manifest) return { ...file, manifest };
  }
  return file;
}
