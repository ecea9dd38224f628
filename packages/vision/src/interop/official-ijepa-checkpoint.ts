import {
  countBlocks,
  groupTensorsByModule,
  jepaCheckpointParts,
  listTensorNames,
  loadModuleStrict,
  loadModuleTensorsStrict,
  presetAndHeads,
  recordedEpoch,
  recordedHeads,
  requireHeads,
  stripSharedPrefix,
  tensorShape,
  type CheckpointFile,
  type CheckpointTensor,
  type ExpectedModel,
  type HeadsOptions,
  type HeadsSource,
  type VitPresetName,
} from '@jepa/core';
import { createIJepa, type IJepaModel, type IJepaModelConfig } from '../model/ijepa.js';
import { createVisionTransformer, type VisionTransformer } from '../model/vit.js';

/**
 * Official I-JEPA checkpoints (facebookresearch/ijepa `src/train.py` `save_checkpoint`) are one dict:
 * `encoder`, `predictor`, `target_encoder` (state dicts of DDP-wrapped models, so every key starts
 * with `module.`), `opt` (the AdamW state dict), `scaler`, `epoch`, `loss`, `batch_size`,
 * `world_size`, `lr`. This file splits such a file (or a bare encoder state dict, or our exports and
 * run checkpoints) into modules, infers the model sizes from the tensor shapes, and loads the
 * weights strictly into our models.
 */

/** The model modules of an I-JEPA checkpoint, by their official top-level names. */
export const IJEPA_MODULES = ['encoder', 'predictor', 'target_encoder'] as const;

/** One of {@link IJEPA_MODULES}. */
export type IJepaModuleName = (typeof IJEPA_MODULES)[number];

/** The prefix `torch.nn.parallel.DistributedDataParallel` adds to every key of a wrapped model. */
export const DDP_PREFIX = 'module.';

/** The model weights of a checkpoint, split by module, with `module.` stripped. */
export interface ModuleWeights {
  /** The file, for messages. */
  readonly source: string;
  /**
   * `modules`: top-level `encoder` / `predictor` / `target_encoder` groups (official checkpoints,
   * our exports and run checkpoints); `bare-encoder`: a ViT state dict on its own (`pos_embed`,
   * `patch_embed.proj.weight`, `blocks.0...`), filed under `encoder`; `none`: neither.
   */
  readonly layout: 'modules' | 'bare-encoder' | 'none';
  /** Tensors of each module, keyed by their names inside the module (`blocks.0.attn.qkv.weight`), PyTorch layout. */
  readonly modules: ReadonlyMap<IJepaModuleName, ReadonlyMap<string, CheckpointTensor>>;
  /** The modules whose keys all started with `module.` in the file (stripped here). */
  readonly prefixed: ReadonlySet<IJepaModuleName>;
  /** Tensors that belong to no model module (`opt.*` optimizer state, `optimizer.*` moments, ...). */
  readonly other: ReadonlyMap<string, CheckpointTensor>;
}

/** Source of model weights: a file read by `readCheckpointFile`, or its weights already split. */
export type WeightsSource = CheckpointFile | ModuleWeights;

const isModuleWeights = (source: WeightsSource): source is ModuleWeights => 'layout' in source && 'modules' in source;

/**
 * Splits a checkpoint's tensors into the I-JEPA modules, stripping the `module.` prefix of a module
 * when every one of its keys has it (a mix is left alone, so strict loading lists the odd keys).
 */
export function splitModuleWeights(file: WeightsSource): ModuleWeights {
  if (isModuleWeights(file)) return file;
  const { groups, other } = groupTensorsByModule(file.tensors, IJEPA_MODULES);
  let layout: ModuleWeights['layout'] = groups.size > 0 ? 'modules' : 'none';
  if (groups.size === 0) {
    if (stripSharedPrefix(other, [DDP_PREFIX]).tensors.has('patch_embed.proj.weight')) {
      layout = 'bare-encoder';
      groups.set('encoder', new Map(other));
      other.clear();
    }
  }
  const modules = new Map<IJepaModuleName, ReadonlyMap<string, CheckpointTensor>>();
  const prefixed = new Set<IJepaModuleName>();
  for (const name of IJEPA_MODULES) {
    const group = groups.get(name);
    if (!group) continue;
    const stripped = stripSharedPrefix(group, [DDP_PREFIX]);
    if (stripped.prefix) prefixed.add(name);
    modules.set(name, stripped.tensors);
  }
  return { source: file.path, layout, modules, prefixed, other };
}

/** Sizes of a ViT encoder read from its tensor shapes. */
export interface VitArchitecture {
  /** Side of the square input images, in pixels (from the position table and the patch size). */
  readonly imageSize: number;
  /** Side of a patch, in pixels (`patch_embed.proj.weight` `[D, C, p, p]`). */
  readonly patchSize: number;
  /** Channels of the input images. */
  readonly inChannels: number;
  /** Token width. */
  readonly embedDim: number;
  /** Transformer blocks (the number of `blocks.i`). */
  readonly depth: number;
  /** MLP hidden width / embedDim (4 for every official size but ViT-g's 48/11). */
  readonly mlpRatio: number;
  /** Tokens per side of the (square) patch grid. */
  readonly gridSize: number;
}

/** Sizes of an I-JEPA predictor read from its tensor shapes. */
export interface PredictorArchitecture {
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
}

/** Everything known about the model of a checkpoint. */
export interface IJepaArchitecture {
  /** The encoder sizes (from `target_encoder` when present, else `encoder`). */
  readonly encoder: VitArchitecture;
  /** Present when the checkpoint holds a predictor. */
  readonly predictor?: PredictorArchitecture;
  /** The official preset with this width, depth and MLP ratio, if any. */
  readonly preset?: VitPresetName;
  /** Encoder heads; undefined when they cannot be known (no option, no record in the file, no preset). */
  readonly numHeads?: number;
  /** Where `numHeads` came from: the option, the file's record or the preset. */
  readonly headsFrom?: HeadsSource;
  /** Predictor heads: the option, the file's record, else the encoder's (as the official `init_model`). */
  readonly predictorNumHeads?: number;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** What this loader reads, for messages. */
const IJEPA_WEIGHTS: ExpectedModel = { pass: 'an I-JEPA checkpoint or a ViT encoder state dict', model: 'an official I-JEPA ViT' };

const shapeOf = (weights: ReadonlyMap<string, CheckpointTensor>, key: string, rank: number, where: string, what: string) => tensorShape(weights, key, rank, where, what, IJEPA_WEIGHTS);

function squareSide(tokens: number, where: string, key: string): number {
  const side = Math.round(Math.sqrt(tokens));
  if (side * side !== tokens) {
    throw new Error(`${where}: '${key}' holds ${tokens} positions, not a square grid; official I-JEPA ViTs use square images (the grid is image size / patch size per side).`);
  }
  return side;
}

/**
 * Reads a ViT's sizes from its state dict (keys without `module.`): width, channels and patch
 * from `patch_embed.proj.weight` `[D, C, p, p]`, the grid (hence the image size) from `pos_embed`
 * `[1, N, D]`, the depth from the `blocks.i` count and the MLP ratio from `blocks.0.mlp.fc1.weight`.
 * @param where names the file and module in errors.
 */
export function inferVitArchitecture(weights: ReadonlyMap<string, CheckpointTensor>, where: string): VitArchitecture {
  const [embedDim, inChannels, patchH, patchW] = shapeOf(weights, 'patch_embed.proj.weight', 4, where, 'width, channels and patch size') as [number, number, number, number];
  if (patchH !== patchW) throw new Error(`${where}: 'patch_embed.proj.weight' has a ${patchH} x ${patchW} kernel; only square patches are supported.`);
  const pos = shapeOf(weights, 'pos_embed', 3, where, 'image size');
  if (pos[0] !== 1 || pos[2] !== embedDim) {
    throw new Error(`${where}: 'pos_embed' has shape ${fmt(pos)}; expected [1, N, ${embedDim}] to go with 'patch_embed.proj.weight' ${fmt([embedDim, inChannels, patchH, patchW])}.`);
  }
  const gridSize = squareSide(pos[1]!, where, 'pos_embed');
  const depth = countBlocks(weights, 'blocks', where);
  const fc1 = shapeOf(weights, 'blocks.0.mlp.fc1.weight', 2, where, 'MLP ratio');
  return { imageSize: gridSize * patchH, patchSize: patchH, inChannels, embedDim, depth, mlpRatio: fc1[0]! / embedDim, gridSize };
}

/**
 * Reads an I-JEPA predictor's sizes from its state dict: width and encoder width from
 * `predictor_embed.weight` `[Dp, D]`, positions from `predictor_pos_embed`, depth from the
 * `predictor_blocks.i` count, MLP ratio from `predictor_blocks.0.mlp.fc1.weight`.
 */
export function inferPredictorArchitecture(weights: ReadonlyMap<string, CheckpointTensor>, where: string): PredictorArchitecture {
  const [embedDim, encoderEmbedDim] = shapeOf(weights, 'predictor_embed.weight', 2, where, 'predictor width') as [number, number];
  const pos = shapeOf(weights, 'predictor_pos_embed', 3, where, 'predictor positions');
  const depth = countBlocks(weights, 'predictor_blocks', where);
  const fc1 = shapeOf(weights, 'predictor_blocks.0.mlp.fc1.weight', 2, where, 'predictor MLP ratio');
  return { embedDim, depth, mlpRatio: fc1[0]! / embedDim, encoderEmbedDim, numTokens: pos[1]! };
}

/** Options of {@link inferIJepaArchitecture}. */
export interface InferArchitectureOptions extends HeadsOptions {
  /** The encoder to read sizes from. Default `target_encoder` when present, else `encoder`. */
  readonly encoderModule?: EncoderChoice;
  /** Also read the predictor's sizes when the file has one. Default true. */
  readonly predictor?: boolean;
}

/**
 * Reads the model of a checkpoint from its shapes. Heads cannot be read from weights: they come
 * from `options.numHeads`, else from what this library recorded in the file, else from the
 * {@link @jepa/core!VIT_PRESETS} entry with the same width, depth and MLP ratio; otherwise `numHeads` is
 * undefined (see {@link requireHeads}).
 */
export function inferIJepaArchitecture(file: WeightsSource, options: InferArchitectureOptions = {}): IJepaArchitecture {
  const weights = splitModuleWeights(file);
  const encoderName: IJepaModuleName | undefined =
    weights.layout === 'bare-encoder' ? 'encoder'
      : options.encoderModule !== undefined ? (weights.modules.has(options.encoderModule) ? options.encoderModule : undefined)
      : weights.modules.has('target_encoder') ? 'target_encoder' : weights.modules.has('encoder') ? 'encoder' : undefined;
  if (!encoderName) {
    const wanted = options.encoderModule ? `no '${options.encoderModule}' module` : 'no encoder';
    const held = weights.modules.size > 0 ? `only ${[...weights.modules.keys()].join(', ')}` : `no encoder, predictor or target_encoder (its tensors: ${listTensorNames(weights.other)})`;
    throw new Error(`${weights.source}: holds ${held}, so there is ${wanted} to read sizes from. Pass an I-JEPA checkpoint (.pth.tar with encoder/target_encoder) or a ViT encoder state dict.`);
  }
  const where = (name: IJepaModuleName) => (weights.layout === 'bare-encoder' ? weights.source : `${weights.source} (${name})`);
  const encoder = inferVitArchitecture(weights.modules.get(encoderName)!, where(encoderName));
  const predictorWeights = options.predictor === false ? undefined : weights.modules.get('predictor');
  const predictor = predictorWeights ? inferPredictorArchitecture(predictorWeights, where('predictor')) : undefined;
  return {
    encoder,
    ...(predictor ? { predictor } : {}),
    ...presetAndHeads(encoder, options, isModuleWeights(file) ? {} : recordedHeads(file), predictor !== undefined),
  };
}

const sourceOf = (file: WeightsSource) => (isModuleWeights(file) ? file.source : file.path);

/**
 * The {@link IJepaModelConfig} that rebuilds a checkpoint's I-JEPA (encoder sizes, predictor sizes,
 * image and patch size, channels). Throws {@link @jepa/core!MissingHeadsError} when the heads are unknown, and
 * a clear error when the checkpoint has no predictor or cannot be built by `createIJepa`.
 */
export function ijepaConfigFromArchitecture(architecture: IJepaArchitecture, source: string): IJepaModelConfig {
  const numHeads = requireHeads(architecture, source);
  const { encoder, predictor } = architecture;
  if (!predictor) {
    throw new Error(`${source}: holds no predictor, so a full I-JEPA cannot be built from it. Use its encoder alone (createEncoderFromCheckpoint, or \`jepa embed\`).`);
  }
  if (predictor.encoderEmbedDim !== encoder.embedDim) {
    throw new Error(`${source}: the predictor reads ${predictor.encoderEmbedDim}-wide tokens ('predictor_embed.weight') but the encoder is ${encoder.embedDim} wide; the modules come from different models.`);
  }
  const encoderRatio = encoder.mlpRatio;
  const exactRatio = Math.abs(encoderRatio - 4) < 1e-9 ? undefined : encoderRatio;
  return {
    imageSize: encoder.imageSize,
    patchSize: encoder.patchSize,
    inChannels: encoder.inChannels,
    encoder: { embedDim: encoder.embedDim, depth: encoder.depth, numHeads, ...(exactRatio !== undefined ? { mlpRatio: exactRatio } : {}) },
    predictor: { embedDim: predictor.embedDim, depth: predictor.depth, numHeads: architecture.predictorNumHeads ?? numHeads, ...(Math.abs(predictor.mlpRatio - 4) < 1e-9 ? {} : { mlpRatio: predictor.mlpRatio }) },
  };
}

function describeSource(weights: ModuleWeights, modules: readonly IJepaModuleName[]): string {
  const stripped = modules.filter((m) => weights.prefixed.has(m));
  return stripped.length > 0 ? `${weights.source} ('${DDP_PREFIX}' stripped from ${stripped.join(', ')})` : weights.source;
}

/**
 * Loads the three modules of an I-JEPA checkpoint into `model`, strictly: every missing,
 * unexpected and mis-shaped key of all three modules is listed in one
 * {@link @jepa/core!StateDictMismatchError}, and then nothing was loaded. Shapes are checked before any
 * tensor is converted.
 */
export function loadIJepaWeights(model: IJepaModel, file: WeightsSource): void {
  const weights = splitModuleWeights(file);
  const missing = IJEPA_MODULES.filter((m) => !weights.modules.has(m));
  if (missing.length > 0) {
    const held = weights.modules.size > 0 ? [...weights.modules.keys()].join(', ') : 'none of them';
    throw new Error(
      `${weights.source}: a full I-JEPA needs encoder, predictor and target_encoder, but the file holds ${held} (missing: ${missing.join(', ')}). ` +
        'Use its encoder alone with createEncoderFromCheckpoint (`jepa embed`), or pass a full training checkpoint.',
    );
  }
  loadModuleTensorsStrict(jepaCheckpointParts(model), weights.modules, describeSource(weights, IJEPA_MODULES));
}

/** The epoch a checkpoint records (official `epoch`: epochs completed), if any. */
export function checkpointEpoch(file: WeightsSource): number | undefined {
  return isModuleWeights(file) ? undefined : recordedEpoch(file.metadata);
}

/** What {@link createIJepaFromCheckpoint} returns. */
export interface IJepaFromCheckpoint {
  /** The model, weights loaded. */
  readonly model: IJepaModel;
  /** The sizes it was built with. */
  readonly config: IJepaModelConfig;
  /** What was read from the checkpoint. */
  readonly architecture: IJepaArchitecture;
  /** The checkpoint's `epoch` (epochs completed), when it records one. */
  readonly epoch?: number;
}

/**
 * Builds an I-JEPA with the sizes of a checkpoint (see {@link inferIJepaArchitecture}) and loads
 * its three modules strictly ({@link loadIJepaWeights}). On any error the model is disposed.
 */
export function createIJepaFromCheckpoint(file: WeightsSource, options: HeadsOptions = {}): IJepaFromCheckpoint {
  const architecture = inferIJepaArchitecture(file, options);
  const config = ijepaConfigFromArchitecture(architecture, sourceOf(file));
  const model = createIJepa(config);
  try {
    loadIJepaWeights(model, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const epoch = checkpointEpoch(file);
  return { model, config, architecture, ...(epoch !== undefined ? { epoch } : {}) };
}

/** Which encoder to take: the EMA `target_encoder` (default, the paper's evaluation choice) or the context `encoder`. */
export type EncoderChoice = 'target_encoder' | 'encoder';

/** Options of {@link createEncoderFromCheckpoint}. */
export interface EncoderFromCheckpointOptions extends HeadsOptions {
  /** Default `target_encoder`. A bare encoder state dict has one encoder, used for either. */
  readonly which?: EncoderChoice;
}

/** What {@link createEncoderFromCheckpoint} returns. */
export interface EncoderFromCheckpoint {
  /** The encoder, weights loaded. */
  readonly encoder: VisionTransformer;
  /** The module that was loaded (`encoder` for a bare state dict). */
  readonly module: IJepaModuleName;
  /** How the file holds the weights: whole modules, a bare encoder state dict, or none. */
  readonly layout: ModuleWeights['layout'];
  /** What was read from the checkpoint, with the encoder heads resolved. */
  readonly architecture: IJepaArchitecture & {
    /** Encoder heads, resolved. */
    readonly numHeads: number;
  };
}

/**
 * Builds a ViT from one encoder of a checkpoint and loads it strictly (every mismatched key
 * listed, nothing loaded). Works for official `.pth.tar` files, bare encoder state dicts, our
 * exports and run checkpoints; the predictor is not needed (so ViT-g loads too).
 */
export function createEncoderFromCheckpoint(file: WeightsSource, options: EncoderFromCheckpointOptions = {}): EncoderFromCheckpoint {
  const weights = splitModuleWeights(file);
  const which = options.which ?? 'target_encoder';
  const module: IJepaModuleName | undefined = weights.layout === 'bare-encoder' ? 'encoder' : weights.modules.has(which) ? which : undefined;
  if (!module) {
    const held = [...weights.modules.keys()];
    const other: EncoderChoice = which === 'target_encoder' ? 'encoder' : 'target_encoder';
    throw new Error(
      `${weights.source}: has no '${which}' module (it holds ${held.length > 0 ? held.join(', ') : `no I-JEPA modules; tensors: ${listTensorNames(weights.other)}`}).` +
        (held.includes(other) ? ` Ask for the ${other === 'encoder' ? 'context encoder (--encoder context)' : 'target encoder (--encoder target)'} instead.` : ' Pass an I-JEPA checkpoint or a ViT encoder state dict.'),
    );
  }
  const moduleWeights = weights.modules.get(module)!;
  const where = weights.layout === 'bare-encoder' ? weights.source : `${weights.source} (${module})`;
  const inferred = inferIJepaArchitecture(file, { ...options, encoderModule: module, predictor: false });
  const numHeads = requireHeads(inferred, weights.source);
  const architecture = { ...inferred, numHeads };
  const { encoder: size } = architecture;
  const encoder = createVisionTransformer({
    embedDim: size.embedDim,
    depth: size.depth,
    numHeads,
    mlpRatio: size.mlpRatio,
    imageSize: size.imageSize,
    patchSize: size.patchSize,
    inChannels: size.inChannels,
  });
  try {
    loadModuleStrict(encoder, moduleWeights, weights.prefixed.has(module) ? `${where} ('${DDP_PREFIX}' stripped)` : where);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return { encoder, module, layout: weights.layout, architecture: { ...architecture, numHeads } };
}
