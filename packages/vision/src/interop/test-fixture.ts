/**
 * Test support for the interop tests: the official-code fixture `shared/fixtures/ijepa-tiny`
 * (a real `torch.save` checkpoint of the official I-JEPA code, and the same weights in
 * `case.safetensors` as `init.*`). Not exported from the package.
 */
import { join } from 'node:path';
import { fixtureDir } from '@jepa/core/testing';
import type { HostTensor } from '@jepa/core';
import type { CheckpointFile, CheckpointTensor } from '@jepa/core';

/** The fixture folder, or undefined when `shared/fixtures` is absent (suites skip). */
export const IJEPA_TINY_DIR = fixtureDir('ijepa-tiny');

/** `checkpoint.pth.tar` of the fixture (official layout, `module.` prefixes, epoch 2, opt state). */
export const IJEPA_TINY_CHECKPOINT = IJEPA_TINY_DIR ? join(IJEPA_TINY_DIR, 'checkpoint.pth.tar') : '';

/** The fixture's model sizes (its `case.json`). */
export const IJEPA_TINY_SIZES = { imageSize: 32, patchSize: 4, inChannels: 3, embedDim: 48, depth: 2, numHeads: 3, predictorEmbedDim: 24, predictorDepth: 2 } as const;

/** The bytes of a tensor's values, for bit-for-bit comparisons. */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** True when both hold exactly the same bytes. */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(bytesOf(a), bytesOf(b)) === 0;
}

/** A float32 host tensor of `shape` filled with `value`. */
export function filled(shape: number[], value: number): HostTensor {
  return { dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
}

/** A copy of `file` whose tensors are edited by `edit` (a new map; the file is untouched). */
export function withTensors(file: CheckpointFile, edit: (tensors: Map<string, CheckpointTensor>) => void): CheckpointFile {
  const tensors = new Map(file.tensors);
  edit(tensors);
  return { ...file, tensors };
}
