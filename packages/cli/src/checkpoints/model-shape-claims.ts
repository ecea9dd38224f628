import { open } from 'node:fs/promises';
import { parseSafetensorsLayout, resolveVitSize, safetensorsHeaderLength, type VitPresetName, type VitSize } from '@jepa/core';
import { CliError } from '../cli-error.js';

/**
 * A run checkpoint's manifest records the config its model is rebuilt from, but only the tensors
 * are covered by its SHA-256: a forged `meta.state.config` (width 32768, depth 48) would have the
 * model built, gigabytes allocated, before the weights are compared with it. These claims say
 * which tensor shapes a recorded config implies, so they are checked against the safetensors
 * header (no tensor data read) before anything is built.
 */

/** One dimension a recorded config implies: the value, and the config fields it comes from (in words). */
export interface ClaimedDim {
  readonly size: number;
  /** e.g. `model.encoder.embedDim 16`, `model.imageSize 28 / model.patchSize 7`; undefined for fixed dimensions (the leading 1 of a pos_embed). */
  readonly from?: string;
}

/** What a recorded config says about a checkpoint's tensors. */
export type ShapeClaim =
  /** Tensor `key` has exactly these dimensions. */
  | { readonly key: string; readonly shape: readonly ClaimedDim[] }
  /** Exactly `count` numbered sub-modules `<prefix>.0.` ... `<prefix>.<count - 1>.`. */
  | { readonly prefix: string; readonly count: ClaimedDim };

/** The model size of a `{ encoder: preset | sizes }` config; a CliError for an unknown preset. */
export function recordedVitSize(encoder: VitPresetName | VitSize, where: string): VitSize {
  try {
    return resolveVitSize(encoder);
  } catch (error) {
    throw new CliError(`${where}: model.encoder: ${(error as Error).message}`);
  }
}

/** Field text for messages: `model.encoder.embedDim 16`. */
export const field = (path: string, value: unknown) => `${path} ${JSON.stringify(value)}`;

/**
 * Claims about one ViT module (`encoder`, `target_encoder`) of a state dict with official names:
 * `patch_embed.proj.weight` `[D, C, ...kernel]`, `pos_embed` `[1, N, D]`, the `blocks.i` count and
 * `blocks.0.mlp.fc1.weight` `[hidden, D]`.
 */
export function vitModuleClaims(
  module: string,
  size: VitSize,
  inChannels: ClaimedDim,
  kernel: readonly ClaimedDim[],
  tokens: ClaimedDim,
): ShapeClaim[] {
  const width = { size: size.embedDim, from: field('model.encoder.embedDim', size.embedDim) };
  const ratio = size.mlpRatio ?? 4;
  return [
    { key: `${module}.patch_embed.proj.weight`, shape: [width, inChannels, ...kernel] },
    { key: `${module}.pos_embed`, shape: [{ size: 1 }, tokens, width] },
    { prefix: `${module}.blocks`, count: { size: size.depth, from: field('model.encoder.depth', size.depth) } },
    { key: `${module}.blocks.0.mlp.fc1.weight`, shape: [{ size: Math.round(size.embedDim * ratio), from: `${width.from} x model.encoder.mlpRatio ${ratio}` }, width] },
  ];
}

/** Claims about a JEPA predictor with official names (`predictor_embed`, `predictor_pos_embed`, `predictor_blocks`). */
export function predictorClaims(
  predictor: { readonly embedDim: number; readonly depth: number; readonly mlpRatio?: number },
  encoderWidth: number,
  tokens: ClaimedDim,
): ShapeClaim[] {
  const width = { size: predictor.embedDim, from: field('model.predictor.embedDim', predictor.embedDim) };
  const ratio = predictor.mlpRatio ?? 4;
  return [
    { key: 'predictor.predictor_embed.weight', shape: [width, { size: encoderWidth, from: field('model.encoder.embedDim', encoderWidth) }] },
    { key: 'predictor.predictor_pos_embed', shape: [{ size: 1 }, tokens, width] },
    { prefix: 'predictor.predictor_blocks', count: { size: predictor.depth, from: field('model.predictor.depth', predictor.depth) } },
    { key: 'predictor.predictor_blocks.0.mlp.fc1.weight', shape: [{ size: Math.round(predictor.embedDim * ratio), from: `${width.from} x mlp ratio ${ratio}` }, width] },
  ];
}

/** Tensor shapes by key from a safetensors file's header alone (no tensor data is read). */
export async function readSafetensorsShapes(path: string): Promise<Map<string, readonly number[]>> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const first = new Uint8Array(Math.min(8, size));
    await handle.read(first, 0, first.length, 0);
    const head = new Uint8Array(8 + safetensorsHeaderLength(first, size, path));
    let done = 0;
    while (done < head.length) {
      const { bytesRead } = await handle.read(head, done, head.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return new Map(parseSafetensorsLayout(head, size, path).entries.map((entry) => [entry.key, entry.shape]));
  } finally {
    await handle.close();
  }
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * The first claim the shapes contradict, in words (the config field and its recorded value, the
 * tensor key and its shape), or undefined when every claim holds.
 */
export function contradictedClaim(claims: readonly ShapeClaim[], shapes: ReadonlyMap<string, readonly number[]>): string | undefined {
  for (const claim of claims) {
    if ('prefix' in claim) {
      const stem = `${claim.prefix}.`;
      const indices = new Set<number>();
      for (const key of shapes.keys()) {
        if (!key.startsWith(stem)) continue;
        const index = Number(key.slice(stem.length).split('.')[0]);
        if (Number.isInteger(index)) indices.add(index);
      }
      if (indices.size !== claim.count.size) {
        return `${claim.count.from} implies ${claim.count.size} '${claim.prefix}.<i>' blocks, but the weights hold ${indices.size}`;
      }
      continue;
    }
    const actual = shapes.get(claim.key);
    const wanted = claim.shape.map((dim) => dim.size);
    if (!actual) return `model implies a tensor '${claim.key}' ${fmt(wanted)}, which the weights do not hold`;
    if (actual.length === wanted.length && actual.every((n, i) => n === wanted[i])) continue;
    const axis = actual.length === wanted.length ? wanted.findIndex((n, i) => n !== actual[i]) : -1;
    const cause = claim.shape[axis]?.from;
    return `${cause ?? 'model'} implies '${claim.key}' ${fmt(wanted)}, but the weights have ${fmt(actual)}`;
  }
  return undefined;
}

/**
 * Refuses a run checkpoint whose recorded config the tensor shapes contradict, before any model is
 * built: a {@link CliError} naming the manifest, the config field with its recorded value, the
 * tensor key and its shape.
 */
export function refuseContradictedConfig(claims: readonly ShapeClaim[], shapes: ReadonlyMap<string, readonly number[]>, metaPath: string, tensorsPath: string): void {
  const problem = contradictedClaim(claims, shapes);
  if (!problem) return;
  throw new CliError(
    `${metaPath} does not describe the weights of ${tensorsPath}: its meta.state.config.${problem}. ` +
      'The manifest was edited or belongs to other weights; nothing was built. Pass a checkpoint whose .json was written with its .safetensors.',
  );
}
