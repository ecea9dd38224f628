import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixtureDir } from '../testing/parity-fixtures.js';
import { collectTensors } from './collect-tensors.js';
import { readCheckpointBlob } from './checkpoint-file.js';
import { buildZip, bytesOf, PickleBuilder } from './testing/torch-file-builder.js';
import { parseTorchCheckpoint, readTorchBlob } from './torch-checkpoint.js';
import { readTorchFile } from './torch-file.js';
import type { TorchTensor } from './torch-tensor.js';

/**
 * The browser-safe readers of torch.save checkpoints: a page hands them a `File` (a `Blob`) or
 * bytes, and gets what the Node readers give for the same file on disk, through the same data-only
 * pickle machine.
 */
const IJEPA_TINY = fixtureDir('ijepa-tiny');
const CHECKPOINT = IJEPA_TINY ? join(IJEPA_TINY, 'checkpoint.pth.tar') : '';

const float = (t: unknown) => Array.from((t as TorchTensor).data as Float32Array);

afterEach(() => vi.restoreAllMocks());

describe('readTorchBlob', () => {
  it.skipIf(!IJEPA_TINY)('reads the official-format .pth.tar from a Blob exactly as readTorchFile reads it from disk', async () => {
    const bytes = readFileSync(CHECKPOINT);
    const blob = new File([bytes], 'checkpoint.pth.tar');
    const fromBlob = collectTensors(await readTorchBlob(blob));
    const fromFile = collectTensors(await readTorchFile(CHECKPOINT));
    expect([...fromBlob.keys()]).toEqual([...fromFile.keys()]);
    for (const [key, tensor] of fromFile) {
      const other = fromBlob.get(key)! as TorchTensor;
      expect([other.dtype, other.shape, Array.from(other.data as ArrayLike<number>)], key).toEqual([tensor.dtype, tensor.shape, Array.from(tensor.data as ArrayLike<number>)]);
    }
    // bytes work as well, and `only` leaves the other modules' storages unread
    const only = (await readTorchBlob(new Uint8Array(bytes), { only: ['target_encoder'] })) as Record<string, unknown>;
    expect(Object.keys(only).sort()).toEqual(['batch_size', 'epoch', 'loss', 'lr', 'scaler', 'target_encoder', 'world_size']);
  });

  it('refuses a pickle that names os.system, naming the File: nothing executes', async () => {
    const pickle = new PickleBuilder().proto(2).global('os', 'system').stop().bytes();
    const file = new File([new Uint8Array(buildZip([{ name: 'archive/data.pkl', data: pickle }]))], 'evil.pth');
    await expect(readTorchBlob(file)).rejects.toThrow(/^evil\.pth, entry 'archive\/data\.pkl'.*os\.system/);
  });

  it('inflates deflated entries with DecompressionStream where no synchronous inflater exists (a browser)', async () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => i / 8);
    const zip = new Uint8Array(buildZip([
      { name: 'archive/data.pkl', data: new PickleBuilder().proto(2).tensor('FloatStorage', '0', 64, 0, [64], [1]).stop().bytes(), deflate: true },
      { name: 'archive/data/0', data: bytesOf(values), deflate: true },
    ]));
    // no node:zlib, as in a browser: the synchronous parser refuses, the Blob reader inflates
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    expect(() => parseTorchCheckpoint(zip, 'z.pt')).toThrow(/deflate-compressed and this runtime has no inflater/);
    expect(float(await readTorchBlob(new Blob([zip])))).toEqual(Array.from(values));
    // a damaged deflate stream is an error naming the entry
    const damaged = zip.slice();
    const at = damaged.length - 200; // inside the second entry's compressed bytes
    damaged.fill(0xff, at - 16, at);
    await expect(readTorchBlob(new Blob([damaged]), { source: 'damaged.pt', verifyCrc: true })).rejects.toThrow(/damaged\.pt/);
  });
});

describe('readCheckpointBlob', () => {
  it.skipIf(!IJEPA_TINY)('reads a torch checkpoint File into the CheckpointFile readCheckpointFile gives, keeping only what is asked for', async () => {
    const file = await readCheckpointBlob(new File([readFileSync(CHECKPOINT)], 'checkpoint.pth.tar'), { only: ['target_encoder'] });
    expect(file).toMatchObject({ path: 'checkpoint.pth.tar', format: 'torch' });
    expect(file.tensors.get('target_encoder.module.pos_embed')?.shape).toEqual([1, 64, 48]);
    expect([...file.tensors.keys()].every((key) => key.startsWith('target_encoder.'))).toBe(true);
    expect(Object.keys(file.metadata).sort()).toEqual(['batch_size', 'epoch', 'loss', 'lr', 'scaler', 'world_size']);
  });

  it.skipIf(!IJEPA_TINY)('reads a safetensors Blob by its name, and names bytes without one', async () => {
    const bytes = readFileSync(join(IJEPA_TINY!, 'case.safetensors'));
    const file = await readCheckpointBlob(new Blob([bytes]), { name: 'case.safetensors', only: ['init'] });
    expect(file.format).toBe('safetensors');
    expect(file.tensors.size).toBeGreaterThan(0);
    expect([...file.tensors.keys()].every((key) => key.startsWith('init.'))).toBe(true);
    await expect(readCheckpointBlob(new Uint8Array([1, 2, 3]))).rejects.toThrow(/<bytes>/);
    await expect(readCheckpointBlob('x' as never)).rejects.toThrow(/readCheckpointBlob must be a Blob\/File, an ArrayBuffer or a Uint8Array, got string/);
  });
});
