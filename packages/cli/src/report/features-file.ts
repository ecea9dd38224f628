import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { type CheckpointFile } from '@jepa/core';
import { writeSafetensorsFile } from '@jepa/core/node';
import { IMAGENET_MEAN, IMAGENET_STD, type Normalization } from '@jepa/vision';
import { CliError } from '../cli-error.js';
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

/** The sidecar `jepa embed` writes beside `<name>.safetensors`: `<name>.json`. */
export function featuresSidecarPath(out: string): string {
  return out.replace(/\.safetensors$/, '.json');
}

/** Whether `path` is a safetensors file whose header metadata says `"format": "jepa-features"` (read: the header only). */
async function isFeaturesSafetensors(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const length = Buffer.alloc(8);
    if ((await handle.read(length, 0, 8, 0)).bytesRead < 8) return false;
    const headerLength = Number(length.readBigUInt64LE(0));
    if (headerLength > 100 * 2 ** 20) return false;
    const header = Buffer.alloc(headerLength);
    await handle.read(header, 0, headerLength, 8);
    const metadata = (JSON.parse(header.toString('utf8')) as { __metadata__?: { format?: unknown } }).__metadata__;
    return metadata?.format === FEATURES_FORMAT;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

/**
 * The overwrite rule of `jepa embed --out`: it writes `<name>.safetensors` and its sidecar
 * `<name>.json`, and replaces each only when it is absent or an earlier output of `jepa embed`
 * (its metadata or JSON says `"format": "jepa-features"`). Anything else there (a run's
 * `config.json`, a checkpoint, a folder) is refused with a {@link CliError} before any work.
 */
export async function refuseForeignFeaturesOutputs(out: string): Promise<void> {
  const sidecar = featuresSidecarPath(out);
  const foreign = async (path: string, isOurs: (path: string) => Promise<boolean>): Promise<boolean> => {
    const exists = await stat(path).then(() => true, (error: NodeJS.ErrnoException) => error.code !== 'ENOENT');
    return exists && !(await isOurs(path).catch(() => false));
  };
  const oursJson = async (path: string) => (JSON.parse(await readFile(path, 'utf8')) as { format?: unknown }).format === FEATURES_FORMAT;
  for (const [path, isOurs] of [[out, isFeaturesSafetensors], [sidecar, oursJson]] as const) {
    if (await foreign(path, isOurs)) {
      throw new CliError(
        `--out ${out}: would overwrite ${path}, which is not an earlier output of jepa embed (no "format": "${FEATURES_FORMAT}" in it). ` +
          `jepa embed writes <name>.safetensors and its sidecar <name>.json and replaces only its own earlier outputs. Choose another --out.`,
      );
    }
  }
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
  const sidecar = featuresSidecarPath(out);
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
