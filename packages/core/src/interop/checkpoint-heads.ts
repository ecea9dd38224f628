import { matchVitPreset, VIT_PRESETS, type VitPresetName } from '../model/vit-presets.js';
import type { CheckpointFile } from './checkpoint-file.js';

/**
 * Attention heads cannot be read from weights (the fused `qkv` projection looks the same for any
 * head count). The loaders of every model family resolve them here, in one order: the caller's
 * option, else what this library recorded in the file, else the ViT preset with the same sizes.
 */

/** Heads given by the caller. */
export interface HeadsOptions {
  /** Encoder attention heads; needed unless the width and depth match a preset or the file records them. */
  readonly numHeads?: number;
  /** Predictor heads; default the encoder's (the official `init_model` passes `encoder.num_heads`). */
  readonly predictorNumHeads?: number;
}

/** Where the number of heads came from. */
export type HeadsSource = 'option' | 'file' | 'preset';

/** The heads of a checkpoint's model, and where the encoder's came from. */
export interface ResolvedHeads {
  /** Encoder heads; undefined when no option, record or preset gives them. */
  readonly numHeads?: number;
  /** Where `numHeads` came from. */
  readonly headsFrom?: HeadsSource;
  /** Predictor heads: the option, the record, else the encoder's. */
  readonly predictorNumHeads?: number;
}

/** Heads recorded in a file: by this library's export metadata or run manifest. */
export interface RecordedHeads {
  /** Encoder heads the file records. */
  readonly numHeads?: number;
  /** Predictor heads the file records. */
  readonly predictorNumHeads?: number;
}

const positiveInt = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** Throws unless the heads given in `options` are positive integers (or not given). */
export function checkHeadsOptions(options: HeadsOptions): void {
  for (const name of ['numHeads', 'predictorNumHeads'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive integer, got ${value}.`);
  }
}

/** Heads this library recorded in a file: an export's `jepa.model` metadata, or a run checkpoint's manifest (`meta.state.config.model`). */
export function recordedHeads(file: CheckpointFile): RecordedHeads {
  type RecordedModel = { encoder?: { numHeads?: unknown }; predictor?: { numHeads?: unknown } };
  let model: RecordedModel | undefined;
  const recorded = file.metadata['jepa.model'];
  if (typeof recorded === 'string') {
    try {
      model = JSON.parse(recorded) as RecordedModel;
    } catch {
      model = undefined;
    }
  }
  const meta = file.manifest?.meta as { state?: { config?: { model?: RecordedModel } } } | undefined;
  model ??= meta?.state?.config?.model;
  return { numHeads: positiveInt(model?.encoder?.numHeads), predictorNumHeads: positiveInt(model?.predictor?.numHeads) };
}

/**
 * The encoder's heads from `options.numHeads`, else `recorded`, else the preset matching the
 * encoder's sizes; the predictor's (when there is a predictor) from its option, its record, else
 * the encoder's (as the official `init_model` and `init_video_model`).
 */
export function resolveHeads(options: HeadsOptions, recorded: RecordedHeads, preset: VitPresetName | undefined, hasPredictor: boolean): ResolvedHeads {
  let numHeads: number | undefined;
  let headsFrom: HeadsSource | undefined;
  if (options.numHeads !== undefined) [numHeads, headsFrom] = [options.numHeads, 'option'];
  else if (recorded.numHeads !== undefined) [numHeads, headsFrom] = [recorded.numHeads, 'file'];
  else if (preset) [numHeads, headsFrom] = [VIT_PRESETS[preset].numHeads, 'preset'];
  const predictorNumHeads = hasPredictor ? options.predictorNumHeads ?? recorded.predictorNumHeads ?? numHeads : undefined;
  return {
    ...(numHeads !== undefined ? { numHeads, headsFrom } : {}),
    ...(predictorNumHeads !== undefined ? { predictorNumHeads } : {}),
  };
}

const divisors = (n: number) => Array.from({ length: Math.min(n, 64) }, (_, i) => i + 1).filter((d) => n % d === 0);

/**
 * Thrown when an encoder's heads are needed but cannot be known. Callers add how to pass them in
 * their own terms (the CLI: `--num-heads N`).
 */
export class MissingHeadsError extends Error {
  constructor(
    /** The file (or module) whose heads are missing. */
    readonly source: string,
    /** The encoder's width read from the weights. */
    readonly embedDim: number,
    /** The encoder's depth read from the weights. */
    readonly depth: number,
  ) {
    const presets = Object.entries(VIT_PRESETS).map(([name, p]) => `${name} ${p.embedDim}x${p.depth}`).join(', ');
    super(
      `${source}: the number of attention heads cannot be read from the weights, and width ${embedDim} with depth ${depth} matches no ViT preset (${presets}). ` +
        `Pass the heads the model was trained with as numHeads (a divisor of ${embedDim}: ${divisors(embedDim).join(', ')}).`,
    );
    this.name = 'MissingHeadsError';
  }
}

/** The encoder heads of an inferred architecture, or a {@link MissingHeadsError}. */
export function requireHeads(architecture: { readonly numHeads?: number; readonly encoder: { readonly embedDim: number; readonly depth: number } }, source: string): number {
  if (architecture.numHeads === undefined) throw new MissingHeadsError(source, architecture.encoder.embedDim, architecture.encoder.depth);
  return architecture.numHeads;
}

/** The preset and heads of an encoder read from a checkpoint: {@link matchVitPreset} then {@link resolveHeads}. */
export function presetAndHeads(
  encoder: { readonly embedDim: number; readonly depth: number; readonly mlpRatio: number },
  options: HeadsOptions,
  recorded: RecordedHeads,
  hasPredictor: boolean,
): ResolvedHeads & {
  /** The official preset with this width, depth and MLP ratio, if any. */
  readonly preset?: VitPresetName;
} {
  checkHeadsOptions(options);
  const preset = matchVitPreset(encoder.embedDim, encoder.depth, encoder.mlpRatio);
  return { ...(preset ? { preset } : {}), ...resolveHeads(options, recorded, preset, hasPredictor) };
}
