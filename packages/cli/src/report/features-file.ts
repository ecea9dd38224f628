import { writeFile } from 'node:fs/promises';
import { type CheckpointFile, writeSafetensorsFile } from '@jepa/core';
import { IMAGENET_MEAN, IMAGENET_STD, type Normalization } from '@jepa/vision';
import type { CliIo } from '../cli-io.js';

/** `format` in the metadata of a features file. */
export const FEATURES_FORMAT = 'jepa-features';

/**
 * The normalisation a checkpoint's encoder expects for pixels in 0..1: the run's own (a checkpoint of
 * this library records it), else ImageNet mean/std for RGB, else none. Images and clips alike.
 */
export function normalizationFor(file: CheckpointFile, channels: number): { normalization: Normalization | undefined; reason: string } {
  const recorded = (file.manifest?.meta as { state?: { config?: { normalization?: Normalization } } } | undefined)?.state?.config?.normalization;
  if (recorded && recorded.mean.length === channels) return { normalization: recorded, reason: 'the run\'s normalisation' };
  if (channels === 3) return { normalization: { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] }, reason: 'ImageNet mean/std' };
  return { normalization: undefined, reason: `none (a ${channels}-channel model with no recorded normalisation: pixels in 0..1)` };
}

/** What `jepa embed` computed, ready to be written. */
export interface FeaturesOutput {
  /** `[names.length, dim]` row-major. */
  readonly features: Float32Array;
  readonly dim: number;
  /** One name per row (image or video names, or `images[i]` / `clips[i]`). */
  readonly names: readonly string[];
  /** Strings recorded as they are (checkpoint, encoder, pooling, input, ...). */
  readonly info: Readonly<Record<string, string>>;
  /** Values recorded as JSON in the safetensors metadata and as themselves in the sidecar; undefined ones are left out. */
  readonly objects: Readonly<Record<string, unknown>>;
}

/**
 * Writes `out` (`features` `[n, D]` float32; metadata: `format`, `files` as JSON, then `info` and
 * `objects`) and the sidecar `<out>.json` with the same facts and the names. Returns the sidecar's path.
 */
export async function writeFeaturesFile(out: string, output: FeaturesOutput): Promise<string> {
  const { features, dim, names, info } = output;
  const objects = Object.fromEntries(Object.entries(output.objects).filter(([, value]) => value !== undefined));
  const metadata: Record<string, string> = {
    format: FEATURES_FORMAT,
    files: JSON.stringify(names),
    ...info,
    ...Object.fromEntries(Object.entries(objects).map(([key, value]) => [key, JSON.stringify(value)])),
  };
  await writeSafetensorsFile(out, { features: { dtype: 'F32', shape: [names.length, dim], data: Float32Array.from(features.subarray(0, names.length * dim)) } }, metadata);
  const sidecar = out.replace(/\.safetensors$/, '.json');
  await writeFile(sidecar, `${JSON.stringify({ format: FEATURES_FORMAT, ...info, features: { shape: [names.length, dim], dtype: 'F32' }, ...objects, files: names }, null, 2)}\n`);
  return sidecar;
}

/** The closing lines of `jepa embed`: what was written where, and what was skipped. */
export function reportWritten(
  io: CliIo,
  out: string,
  sidecar: string,
  output: Pick<FeaturesOutput, 'names' | 'dim'> & { module: string; unit: string; skipped: ReadonlyArray<{ file: string }> },
): void {
  const { names, dim, module, unit, skipped } = output;
  io.stdout.write(
    `wrote ${out}: features [${names.length}, ${dim}] (float32) from the ${module === 'target_encoder' ? 'target encoder' : 'encoder'}; ` +
      `${unit} names in its metadata and in ${sidecar}\n` +
      (skipped.length > 0 ? `skipped ${skipped.length} file(s) that failed to decode: ${skipped.map((s) => s.file).join(', ')}\n` : ''),
  );
}
