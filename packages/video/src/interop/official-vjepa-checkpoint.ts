import {
  checkpointTensorValues,
  countBlocks,
  countNumbered,
  groupTensorsByModule,
  jepaCheckpointParts,
  listTensorNames,
  loadModuleStrict,
  loadModuleTensorsStrict,
  presetAndHeads,
  recordedEpoch,
  requireHeads,
  stripSharedPrefix,
  tensorShape,
  type CheckpointFile,
  type CheckpointTensor,
  type ExpectedModel,
  type HeadsSource,
  type VitPresetName,
} from '@jepa/core';
import { createVideoTransformer, type VideoTransformer } from '../model/video-transformer.js';
import { createVJepa, type VJepaModel, type VJepaModelConfig } from '../model/vjepa.js';

/**
 * Official V-JEPA checkpoints (facebookresearch/jepa `app/vjepa/train.py` `save_checkpoint`) are
 * one dict: `encoder`, `predictor`, `target_encoder`, `opt`, `scaler`, `epoch`, `loss`,
 * `batch_size`, `world_size`, `lr`. The models are wrapped twice (`DistributedDataParallel` around
 * `MultiMaskWrapper` / `PredictorMultiMaskWrapper`), so every key starts with `module.backbone.`.
 * The tubelet embedding is a Conv3d (`patch_embed.proj.weight` `[D, C, t, p, p]`), the predictor
 * holds one mask token per mask generator (`mask_tokens.0`, `mask_tokens.1`, ...).
 */

/** The model modules of a V-JEPA checkpoint, by their official top-level names. */
export const VJEPA_MODULES = ['encoder', 'predictor', 'target_encoder'] as const;
/** One of {@link VJEPA_MODULES}. */
export type VJepaModuleName = (typeof VJEPA_MODULES)[number];

/**
 * Key prefixes stripped from a module when every one of its keys has it, longest first: DDP +
 * MultiMaskWrapper (`module.backbone.`, official checkpoints), either wrapper alone.
 */
export const VJEPA_KEY_PREFIXES = ['module.backbone.', 'backbone.', 'module.'] as const;

/** The model weights of a V-JEPA checkpoint, split by module, wrapper prefixes stripped. */
export interface VJepaModuleWeights {
  /** The file, for messages. */
  readonly source: string;
  /** Tensors of each module present, keyed by their names inside the module (`blocks.0.attn.qkv.weight`), PyTorch layout. */
  readonly modules: ReadonlyMap<VJepaModuleName, ReadonlyMap<string, CheckpointTensor>>;
  /** The prefix stripped from each module's keys ('' when none). */
  readonly strippedPrefix: ReadonlyMap<VJepaModuleName, string>;
  /** Tensors that belong to no model module (`opt.*` optimizer state, ...). */
  readonly other: ReadonlyMap<string, CheckpointTensor>;
}

const isModuleWeights = (source: CheckpointFile | VJepaModuleWeights): source is VJepaModuleWeights => 'strippedPrefix' in source;

/**
 * Splits a checkpoint's tensors into the V-JEPA modules, stripping the longest wrapper prefix
 * (`module.backbone.`, `backbone.`, `module.`) that every key of a module has; a module whose keys
 * disagree keeps them as they are, so strict loading lists the odd ones.
 */
export function splitVJepaWeights(file: CheckpointFile | VJepaModuleWeights): VJepaModuleWeights {
  if (isModuleWeights(file)) return file;
  const { groups, other } = groupTensorsByModule(file.tensors, VJEPA_MODULES);
  const modules = new Map<VJepaModuleName, ReadonlyMap<string, CheckpointTensor>>();
  const strippedPrefix = new Map<VJepaModuleName, string>();
  for (const name of VJEPA_MODULES) {
    const group = groups.get(name);
    if (!group) continue;
    const stripped = stripSharedPrefix(group, VJEPA_KEY_PREFIXES);
    strippedPrefix.set(name, stripped.prefix);
    modules.set(name, stripped.tensors);
  }
  return { source: file.path, modules, strippedPrefix, other };
}

/** Sizes of a video ViT read from its tensors. */
export interface VideoVitArchitecture {
  /** Frames per clip `T` (from `pos_embed`, or the option). */
  readonly numFrames: number;
  /** Frames per tubelet `t` (`patch_embed.proj.weight` `[D, C, t, p, p]`). */
  readonly tubeletSize: number;
  /** Side of the square frames, in pixels. */
  readonly imageSize: number;
  /** Side of a tubelet, in pixels `p`. */
  readonly patchSize: number;
  /** Channels of the frames. */
  readonly inChannels: number;
  /** Token width. */
  readonly embedDim: number;
  /** Transformer blocks (the number of `blocks.i`). */
  readonly depth: number;
  /** MLP hidden width / embedDim. */
  readonly mlpRatio: number;
  /** The tubelet grid `[T/t, H/p, W/p]`. */
  readonly grid: readonly [number, number, number];
}

/** Sizes of a V-JEPA predictor read from its tensor shapes. */
export interface VJepaPredictorArchitecture {
  /** Predictor width. */
  readonly embedDim: number;
  /** Predictor blocks. */
  readonly depth: number;
  /** MLP hidden width / predictor width. */
  readonly mlpRatio: number;
  /** Width of the encoder tokens it reads (`predictor_embed.weight` `[embedDim, encoderEmbedDim]`). */
  readonly encoderEmbedDim: number;
  /** Tokens of the full grid (`predictor_pos_embed` `[1, N, embedDim]`). */
  readonly numTokens: number;
  /** `mask_tokens.i` count (1 for a single `mask_token`). */
  readonly numMaskTokens: number;
}

/** Everything known about the model of a V-JEPA checkpoint. */
export interface VJepaArchitecture {
  /** The encoder sizes (from `target_encoder` when present, else `encoder`). */
  readonly encoder: VideoVitArchitecture;
  /** Present when the checkpoint holds a predictor. */
  readonly predictor?: VJepaPredictorArchitecture;
  /** The ViT preset with this width, depth and MLP ratio, if any. */
  readonly preset?: VitPresetName;
  /** Encoder heads; undefined when neither given nor implied by a preset. */
  readonly numHeads?: number;
  /** `option` or `preset` (heads recorded in a file are not read for V-JEPA; callers pass them as options). */
  readonly headsFrom?: HeadsSource;
  /** Predictor heads: the option, else the encoder's (as the official `init_video_model`). */
  readonly predictorNumHeads?: number;
}

/** What weights cannot tell. */
export interface VJepaCheckpointOptions {
  /** Encoder attention heads; needed unless the width and depth match a ViT preset. */
  readonly numHeads?: number;
  /** Predictor heads; default the encoder's. */
  readonly predictorNumHeads?: number;
  /**
   * Frames per clip. Default: read from `pos_embed` (its sin-cos table starts a new time step every
   * `H' * W'` tokens); give it when the table is not a sin-cos table of the grid.
   */
  readonly numFrames?: number;
  /** The encoder to read sizes from. Default `target_encoder` when present, else `encoder`. */
  readonly encoderModule?: 'encoder' | 'target_encoder';
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * Thrown when the frames per clip of a video encoder cannot be read from its `pos_embed` (not a 3-D
 * sin-cos table) and were not given; callers add how to pass them in their own terms.
 */
export class MissingClipFramesError extends Error {
  constructor(
    /** The file or module the encoder came from. */
    readonly source: string,
    /** The shape of its `pos_embed`. */
    readonly posEmbedShape: readonly number[],
  ) {
    super(`${source}: the frames per clip cannot be read from 'pos_embed' ${fmt(posEmbedShape)} (not a 3-D sin-cos table); pass numFrames (official V-JEPA models: 16).`);
    this.name = 'MissingClipFramesError';
  }
}

/** What this loader reads, for messages. */
const VJEPA_WEIGHTS: ExpectedModel = {
  pass: 'a V-JEPA checkpoint or a video ViT state dict',
  model: 'an official V-JEPA video ViT',
  rankHint: (key, shape) => (key === 'patch_embed.proj.weight' && shape.length === 4 ? ' A 4-D (Conv2d) patch embedding is an image ViT: load it with @jepa/vision (I-JEPA).' : ''),
};

const shapeOf = (weights: ReadonlyMap<string, CheckpointTensor>, key: string, rank: number, where: string, what: string) => tensorShape(weights, key, rank, where, what, VJEPA_WEIGHTS);

/**
 * The number of time steps `T'` of a 3-D sin-cos `pos_embed` `[1, N, D]`: its first channel is
 * `sin(t')` (time comes first in V-JEPA's table, tokens in raster order of `[T', H', W']`), zero for
 * the first `H' * W'` tokens and non-zero from the second time step on. Undefined when the values
 * do not look like such a table.
 */
function timeStepsOfSincosTable(values: Float32Array, tokens: number, dim: number): number | undefined {
  if (values.length !== tokens * dim) return undefined;
  let plane = tokens;
  for (let r = 0; r < tokens; r++) {
    if (Math.abs(values[r * dim]!) > 1e-6) {
      plane = r;
      break;
    }
  }
  if (plane === 0 || tokens % plane !== 0) return undefined;
  const steps = tokens / plane;
  // Rows t' * plane hold sin(t') in channel 0.
  for (let t = 0; t < steps; t++) if (Math.abs(values[t * plane * dim]! - Math.sin(t)) > 1e-4) return undefined;
  return steps;
}

/**
 * Reads a video ViT's sizes from its state dict (keys without wrapper prefixes): width, channels,
 * tubelet and patch from `patch_embed.proj.weight` `[D, C, t, p, p]`, the grid from `pos_embed`
 * `[1, N, D]` (time steps from its sin-cos values, or `numFrames`), depth from the `blocks.i`
 * count, MLP ratio from `blocks.0.mlp.fc1.weight`.
 */
export function inferVideoVitArchitecture(weights: ReadonlyMap<string, CheckpointTensor>, where: string, options: { numFrames?: number } = {}): VideoVitArchitecture {
  const [embedDim, inChannels, tubeletSize, patchH, patchW] = shapeOf(weights, 'patch_embed.proj.weight', 5, where, 'width, channels, tubelet and patch size') as [number, number, number, number, number];
  if (patchH !== patchW) throw new Error(`${where}: 'patch_embed.proj.weight' has a ${patchH} x ${patchW} spatial kernel; only square patches are supported.`);
  const pos = shapeOf(weights, 'pos_embed', 3, where, 'clip size');
  if (pos[0] !== 1 || pos[2] !== embedDim) {
    throw new Error(`${where}: 'pos_embed' has shape ${fmt(pos)}; expected [1, N, ${embedDim}] to go with 'patch_embed.proj.weight' ${fmt([embedDim, inChannels, tubeletSize, patchH, patchW])}.`);
  }
  const tokens = pos[1]!;
  let steps: number | undefined;
  if (options.numFrames !== undefined) {
    if (!Number.isInteger(options.numFrames) || options.numFrames <= 0 || options.numFrames % tubeletSize !== 0) {
      throw new Error(`${where}: numFrames ${options.numFrames} is not a positive multiple of the tubelet size ${tubeletSize} ('patch_embed.proj.weight' ${fmt([embedDim, inChannels, tubeletSize, patchH, patchW])}).`);
    }
    steps = options.numFrames / tubeletSize;
  } else {
    const tensor = weights.get('pos_embed')!;
    const values = tensor.data.length === tokens * embedDim ? checkpointTensorValues(tensor, 'pos_embed') : undefined;
    steps = values ? timeStepsOfSincosTable(values, tokens, embedDim) : undefined;
    if (steps === undefined) throw new MissingClipFramesError(where, pos);
  }
  const plane = tokens / steps;
  const side = Math.round(Math.sqrt(plane));
  if (!Number.isInteger(plane) || side * side !== plane) {
    throw new Error(`${where}: 'pos_embed' holds ${tokens} positions, which is not ${steps} time steps of a square grid; check numFrames (${steps * tubeletSize} frames with tubelet ${tubeletSize} were assumed).`);
  }
  const depth = countBlocks(weights, 'blocks', where);
  const fc1 = shapeOf(weights, 'blocks.0.mlp.fc1.weight', 2, where, 'MLP ratio');
  return {
    numFrames: steps * tubeletSize,
    tubeletSize,
    imageSize: side * patchH,
    patchSize: patchH,
    inChannels,
    embedDim,
    depth,
    mlpRatio: fc1[0]! / embedDim,
    grid: [steps, side, side],
  };
}

/** Reads a V-JEPA predictor's sizes from its state dict. */
export function inferVJepaPredictorArchitecture(weights: ReadonlyMap<string, CheckpointTensor>, where: string): VJepaPredictorArchitecture {
  const [embedDim, encoderEmbedDim] = shapeOf(weights, 'predictor_embed.weight', 2, where, 'predictor width') as [number, number];
  const pos = shapeOf(weights, 'predictor_pos_embed', 3, where, 'predictor positions');
  const depth = countBlocks(weights, 'predictor_blocks', where);
  const fc1 = shapeOf(weights, 'predictor_blocks.0.mlp.fc1.weight', 2, where, 'predictor MLP ratio');
  const numbered = countNumbered(weights, 'mask_tokens', where, false);
  const numMaskTokens = numbered > 0 ? numbered : weights.has('mask_token') ? 1 : 0;
  if (numMaskTokens === 0) {
    throw new Error(`${where}: the predictor has no 'mask_tokens.<i>' (nor 'mask_token'); it was trained with use_mask_tokens=False (diffusion targets), which this library does not implement.`);
  }
  return { embedDim, depth, mlpRatio: fc1[0]! / embedDim, encoderEmbedDim, numTokens: pos[1]!, numMaskTokens };
}

/**
 * Reads the model of a V-JEPA checkpoint from its tensors. Heads cannot be read from weights:
 * they come from `options.numHeads`, else from the {@link @jepa/core!VIT_PRESETS} entry with the same width,
 * depth and MLP ratio (ViT-L: 16); otherwise `numHeads` is undefined (see {@link vjepaConfigFromArchitecture}).
 */
export function inferVJepaArchitecture(file: CheckpointFile | VJepaModuleWeights, options: VJepaCheckpointOptions = {}): VJepaArchitecture {
  const weights = splitVJepaWeights(file);
  const encoderName = options.encoderModule ?? (weights.modules.has('target_encoder') ? 'target_encoder' : 'encoder');
  const encoderWeights = weights.modules.get(encoderName);
  if (!encoderWeights) {
    const held = weights.modules.size > 0 ? `only ${[...weights.modules.keys()].join(', ')}` : `no encoder, predictor or target_encoder (its tensors: ${listTensorNames(weights.other)})`;
    throw new Error(`${weights.source}: holds ${held}, so there is no '${encoderName}' to read sizes from. Pass a V-JEPA training checkpoint (.pth.tar with encoder/target_encoder).`);
  }
  const encoder = inferVideoVitArchitecture(encoderWeights, `${weights.source} (${encoderName})`, options);
  const predictorWeights = weights.modules.get('predictor');
  const predictor = predictorWeights ? inferVJepaPredictorArchitecture(predictorWeights, `${weights.source} (predictor)`) : undefined;
  return {
    encoder,
    ...(predictor ? { predictor } : {}),
    ...presetAndHeads(encoder, options, {}, predictor !== undefined),
  };
}

/**
 * The {@link VJepaModelConfig} that rebuilds a checkpoint's V-JEPA. Throws when the heads are
 * unknown, when there is no predictor, or when the modules do not fit together.
 */
export function vjepaConfigFromArchitecture(architecture: VJepaArchitecture, source: string): VJepaModelConfig {
  const numHeads = requireHeads(architecture, source);
  const { encoder, predictor } = architecture;
  if (!predictor) {
    throw new Error(`${source}: holds no predictor, so a full V-JEPA cannot be built from it. Load its encoder alone with createVideoEncoderFromCheckpoint.`);
  }
  if (predictor.encoderEmbedDim !== encoder.embedDim) {
    throw new Error(`${source}: the predictor reads ${predictor.encoderEmbedDim}-wide tokens ('predictor_embed.weight') but the encoder is ${encoder.embedDim} wide; the modules come from different models.`);
  }
  const gridTokens = encoder.grid[0] * encoder.grid[1] * encoder.grid[2];
  if (predictor.numTokens !== gridTokens) {
    throw new Error(`${source}: 'predictor_pos_embed' holds ${predictor.numTokens} positions but the encoder grid [${encoder.grid.join(', ')}] has ${gridTokens}; the modules come from different models.`);
  }
  if (Math.round(predictor.embedDim * encoder.mlpRatio) !== Math.round(predictor.embedDim * predictor.mlpRatio)) {
    throw new Error(`${source}: the predictor's MLP ratio ${predictor.mlpRatio} differs from the encoder's ${Number(encoder.mlpRatio.toFixed(4))}; createVJepa gives both the encoder's ratio, so this predictor cannot be rebuilt. Load its encoder alone with createVideoEncoderFromCheckpoint.`);
  }
  const mlpRatio = Math.abs(encoder.mlpRatio - 4) < 1e-9 ? undefined : encoder.mlpRatio;
  return {
    numFrames: encoder.numFrames,
    tubeletSize: encoder.tubeletSize,
    imageSize: encoder.imageSize,
    patchSize: encoder.patchSize,
    inChannels: encoder.inChannels,
    encoder: { embedDim: encoder.embedDim, depth: encoder.depth, numHeads, ...(mlpRatio !== undefined ? { mlpRatio } : {}) },
    predictor: { embedDim: predictor.embedDim, depth: predictor.depth, numHeads: architecture.predictorNumHeads ?? numHeads },
    numMaskTokens: predictor.numMaskTokens,
  };
}

function describeSource(weights: VJepaModuleWeights, modules: readonly VJepaModuleName[]): string {
  const stripped = [...new Set(modules.map((m) => weights.strippedPrefix.get(m) ?? '').filter(Boolean))];
  return stripped.length > 0 ? `${weights.source} ('${stripped.join("', '")}' stripped)` : weights.source;
}

/**
 * Loads the three modules of a V-JEPA checkpoint into `model`, strictly: every missing,
 * unexpected and mis-shaped key of all three modules is listed in one
 * {@link @jepa/core!StateDictMismatchError} (keys as `encoder.<name>`, prefixes stripped), and then nothing
 * was loaded. Shapes are checked before any tensor is converted; the Conv3d weight is converted
 * from `[D, C, t, p, p]` by its parameter layout.
 */
export function loadVJepaWeights(model: VJepaModel, file: CheckpointFile | VJepaModuleWeights): void {
  const weights = splitVJepaWeights(file);
  const missing = VJEPA_MODULES.filter((m) => !weights.modules.has(m));
  if (missing.length > 0) {
    const held = weights.modules.size > 0 ? [...weights.modules.keys()].join(', ') : 'none of them';
    throw new Error(
      `${weights.source}: a full V-JEPA needs encoder, predictor and target_encoder, but the file holds ${held} (missing: ${missing.join(', ')}). ` +
        'Load an encoder alone with createVideoEncoderFromCheckpoint, or pass a full training checkpoint.',
    );
  }
  loadModuleTensorsStrict(jepaCheckpointParts(model), weights.modules, describeSource(weights, VJEPA_MODULES));
}

/** The epoch a checkpoint records (official `epoch`), if any. */
function checkpointEpoch(file: CheckpointFile | VJepaModuleWeights): number | undefined {
  return isModuleWeights(file) ? undefined : recordedEpoch(file.metadata);
}

/** What {@link createVJepaFromCheckpoint} returns. */
export interface VJepaFromCheckpoint {
  /** The model, weights loaded. */
  readonly model: VJepaModel;
  /** The sizes it was built with. */
  readonly config: VJepaModelConfig;
  /** What was read from the checkpoint. */
  readonly architecture: VJepaArchitecture;
  /** The checkpoint's `epoch`, when it records one. */
  readonly epoch?: number;
}

/**
 * Builds a V-JEPA with the sizes of a checkpoint ({@link inferVJepaArchitecture}) and loads its
 * three modules strictly ({@link loadVJepaWeights}). On any error the model is disposed.
 */
export function createVJepaFromCheckpoint(file: CheckpointFile | VJepaModuleWeights, options: VJepaCheckpointOptions = {}): VJepaFromCheckpoint {
  const architecture = inferVJepaArchitecture(file, options);
  const config = vjepaConfigFromArchitecture(architecture, splitVJepaWeights(file).source);
  const model = createVJepa(config);
  try {
    loadVJepaWeights(model, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const epoch = checkpointEpoch(file);
  return { model, config, architecture, ...(epoch !== undefined ? { epoch } : {}) };
}

/** Options of {@link createVideoEncoderFromCheckpoint}. */
export interface VideoEncoderFromCheckpointOptions extends Omit<VJepaCheckpointOptions, 'encoderModule' | 'predictorNumHeads'> {
  /** Default `target_encoder` (the EMA encoder the paper evaluates). */
  readonly which?: 'target_encoder' | 'encoder';
}

/**
 * Builds a video ViT from one encoder of a V-JEPA checkpoint and loads it strictly (every
 * mismatched key listed, nothing loaded). The predictor is not needed.
 */
export function createVideoEncoderFromCheckpoint(
  file: CheckpointFile | VJepaModuleWeights,
  options: VideoEncoderFromCheckpointOptions = {},
): {
  /** The encoder, weights loaded. */
  encoder: VideoTransformer;
  /** What was read from the checkpoint, with the encoder heads resolved. */
  architecture: VJepaArchitecture & {
    /** Encoder heads, resolved. */
    readonly numHeads: number;
  };
} {
  const weights = splitVJepaWeights(file);
  const which = options.which ?? 'target_encoder';
  const moduleWeights = weights.modules.get(which);
  if (!moduleWeights) {
    const held = [...weights.modules.keys()];
    throw new Error(`${weights.source}: has no '${which}' module (it holds ${held.length > 0 ? held.join(', ') : `no V-JEPA modules; tensors: ${listTensorNames(weights.other)}`}).${held.includes(which === 'encoder' ? 'target_encoder' : 'encoder') ? ` Ask for which: '${which === 'encoder' ? 'target_encoder' : 'encoder'}' instead.` : ''}`);
  }
  const inferred = inferVJepaArchitecture(weights, { ...options, encoderModule: which });
  const numHeads = requireHeads(inferred, weights.source);
  const size = inferred.encoder;
  const encoder = createVideoTransformer({ ...size, numHeads });
  try {
    loadModuleStrict(encoder, moduleWeights, describeSource(weights, [which]));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return { encoder, architecture: { ...inferred, numHeads } };
}
