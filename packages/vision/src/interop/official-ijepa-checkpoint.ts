import { groupTensorsByModule, diffStateDict, jepaCheckpointParts, loadModuleTensorsStrict, recordedEpoch, StateDictMismatchError, withTfTensors, type CheckpointFile, type CheckpointTensor } from '@jepa/core';
import { createIJepa, type IJepaModel, type IJepaModelConfig } from '../ijepa.js';
import { createVisionTransformer, VIT_PRESETS, type VisionTransformer, type VitPresetName } from '../vit.js';

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

const stripPrefix = (names: readonly string[]) => names.length > 0 && names.every((name) => name.startsWith(DDP_PREFIX));

/**
 * Splits a checkpoint's tensors into the I-JEPA modules, stripping the `module.` prefix of a module
 * when every one of its keys has it (a mix is left alone, so strict loading lists the odd keys).
 */
export function splitModuleWeights(file: WeightsSource): ModuleWeights {
  if (isModuleWeights(file)) return file;
  const { groups, other } = groupTensorsByModule(file.tensors, IJEPA_MODULES);
  let layout: ModuleWeights['layout'] = groups.size > 0 ? 'modules' : 'none';
  if (groups.size === 0) {
    const names = [...other.keys()];
    const bare = stripPrefix(names) ? names.map((n) => n.slice(DDP_PREFIX.length)) : names;
    if (bare.includes('patch_embed.proj.weight')) {
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
    if (stripPrefix([...group.keys()])) {
      prefixed.add(name);
      modules.set(name, new Map([...group].map(([key, t]) => [key.slice(DDP_PREFIX.length), t])));
    } else {
      modules.set(name, group);
    }
  }
  return { source: file.path, layout, modules, prefixed, other };
}

/** Sizes of a ViT encoder read from its tensor shapes. */
export interface VitArchitecture {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly inChannels: number;
  readonly embedDim: number;
  readonly depth: number;
  /** MLP hidden width / embedDim (4 for every official size but ViT-g's 48/11). */
  readonly mlpRatio: number;
  /** Tokens per side of the (square) patch grid. */
  readonly gridSize: number;
}

/** Sizes of an I-JEPA predictor read from its tensor shapes. */
export interface PredictorArchitecture {
  readonly embedDim: number;
  readonly depth: number;
  readonly mlpRatio: number;
  /** Width of the encoder tokens it reads (`predictor_embed.weight` `[embedDim, encoderEmbedDim]`). */
  readonly encoderEmbedDim: number;
  readonly numTokens: number;
}

/** Where the number of heads came from. */
export type HeadsSource = 'option' | 'file' | 'preset';

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
  readonly headsFrom?: HeadsSource;
  /** Predictor heads: the option, the file's record, else the encoder's (as the official `init_model`). */
  readonly predictorNumHeads?: number;
}

/** Heads cannot be read from weights: they come from here. */
export interface HeadsOptions {
  /** Encoder attention heads; needed unless the width and depth match a preset or the file records them. */
  readonly numHeads?: number;
  /** Predictor heads; default the encoder's (the official `init_model` passes `encoder.num_heads`). */
  readonly predictorNumHeads?: number;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function listNames(weights: ReadonlyMap<string, CheckpointTensor>): string {
  const names = [...weights.keys()];
  return names.slice(0, 6).join(', ') + (names.length > 6 ? `, ... (${names.length} tensors)` : names.length === 0 ? '(no tensors)' : '');
}

function shapeOf(weights: ReadonlyMap<string, CheckpointTensor>, key: string, rank: number, where: string, what: string): readonly number[] {
  const tensor = weights.get(key);
  if (!tensor) {
    throw new Error(`${where}: no '${key}' tensor, so the ${what} cannot be read from the weights (it holds ${listNames(weights)}). Pass an I-JEPA checkpoint or a ViT encoder state dict.`);
  }
  if (tensor.shape.length !== rank || tensor.shape.some((d) => !(d > 0))) {
    throw new Error(`${where}: '${key}' has shape ${fmt(tensor.shape)}; expected ${rank} positive dimensions. The checkpoint is not an official I-JEPA ViT.`);
  }
  return tensor.shape;
}

/** Indices `i` of `<prefix>.<i>.` keys, checked to be 0..n-1. Returns n. */
function countBlocks(weights: ReadonlyMap<string, CheckpointTensor>, prefix: string, where: string): number {
  const pattern = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)\\.`);
  const indices = new Set<number>();
  for (const key of weights.keys()) {
    const match = pattern.exec(key);
    if (match) indices.add(Number(match[1]));
  }
  if (indices.size === 0) throw new Error(`${where}: no '${prefix}.<i>.*' tensors, so the depth cannot be read (it holds ${listNames(weights)}).`);
  const sorted = [...indices].sort((a, b) => a - b);
  if (sorted[sorted.length - 1] !== sorted.length - 1) {
    throw new Error(`${where}: the blocks are numbered ${sorted.join(', ')}, not 0..${sorted.length - 1}; some blocks are missing from the checkpoint.`);
  }
  return sorted.length;
}

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

/** The MLP hidden width a ratio gives (as the official `int(dim * mlp_ratio)`, rounded like our blocks). */
const hiddenOf = (dim: number, ratio: number) => Math.round(dim * ratio);

/** The official preset with this width, depth and MLP ratio, if any. */
export function matchVitPreset(embedDim: number, depth: number, mlpRatio = 4): VitPresetName | undefined {
  for (const [name, preset] of Object.entries(VIT_PRESETS) as Array<[VitPresetName, (typeof VIT_PRESETS)[VitPresetName]]>) {
    const presetRatio = 'mlpRatio' in preset ? preset.mlpRatio : 4;
    if (preset.embedDim === embedDim && preset.depth === depth && hiddenOf(embedDim, presetRatio) === hiddenOf(embedDim, mlpRatio)) return name;
  }
  return undefined;
}

const positiveInt = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** Heads recorded by this library: an export's `jepa.model` metadata or a run checkpoint's manifest. */
export function recordedHeads(file: WeightsSource): { numHeads?: number; predictorNumHeads?: number } {
  if (isModuleWeights(file)) return {};
  let model: { encoder?: { numHeads?: unknown }; predictor?: { numHeads?: unknown } } | undefined;
  const recorded = file.metadata['jepa.model'];
  if (typeof recorded === 'string') {
    try {
      model = JSON.parse(recorded);
    } catch {
      model = undefined;
    }
  }
  const meta = file.manifest?.meta as { state?: { config?: { model?: typeof model } } } | undefined;
  model ??= meta?.state?.config?.model;
  return { numHeads: positiveInt(model?.encoder?.numHeads), predictorNumHeads: positiveInt(model?.predictor?.numHeads) };
}

/** Throws unless the heads given in `options` are positive integers (or not given). */
export function checkHeadsOptions(options: HeadsOptions): void {
  for (const name of ['numHeads', 'predictorNumHeads'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive integer, got ${value}.`);
  }
}

/** The heads of a checkpoint's model, and where the encoder's came from. */
export interface ResolvedHeads {
  readonly numHeads?: number;
  readonly headsFrom?: HeadsSource;
  readonly predictorNumHeads?: number;
}

/**
 * Heads cannot be read from weights. The encoder's come from `options.numHeads`, else from what
 * this library recorded in the file, else from the preset matching the encoder's sizes; the
 * predictor's (when there is a predictor) from its option, its record, else the encoder's (as the
 * official `init_model` and `init_video_model`).
 */
export function resolveHeads(options: HeadsOptions, recorded: { numHeads?: number; predictorNumHeads?: number }, preset: VitPresetName | undefined, hasPredictor: boolean): ResolvedHeads {
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
 * {@link VIT_PRESETS} entry with the same width, depth and MLP ratio; otherwise `numHeads` is
 * undefined (see {@link requireHeads}).
 */
export function inferIJepaArchitecture(file: WeightsSource, options: InferArchitectureOptions = {}): IJepaArchitecture {
  checkHeadsOptions(options);
  const weights = splitModuleWeights(file);
  const encoderName: IJepaModuleName | undefined =
    weights.layout === 'bare-encoder' ? 'encoder'
      : options.encoderModule !== undefined ? (weights.modules.has(options.encoderModule) ? options.encoderModule : undefined)
      : weights.modules.has('target_encoder') ? 'target_encoder' : weights.modules.has('encoder') ? 'encoder' : undefined;
  if (!encoderName) {
    const wanted = options.encoderModule ? `no '${options.encoderModule}' module` : 'no encoder';
    const held = weights.modules.size > 0 ? `only ${[...weights.modules.keys()].join(', ')}` : `no encoder, predictor or target_encoder (its tensors: ${listNames(weights.other)})`;
    throw new Error(`${weights.source}: holds ${held}, so there is ${wanted} to read sizes from. Pass an I-JEPA checkpoint (.pth.tar with encoder/target_encoder) or a ViT encoder state dict.`);
  }
  const where = (name: IJepaModuleName) => (weights.layout === 'bare-encoder' ? weights.source : `${weights.source} (${name})`);
  const encoder = inferVitArchitecture(weights.modules.get(encoderName)!, where(encoderName));
  const predictorWeights = options.predictor === false ? undefined : weights.modules.get('predictor');
  const predictor = predictorWeights ? inferPredictorArchitecture(predictorWeights, where('predictor')) : undefined;
  const preset = matchVitPreset(encoder.embedDim, encoder.depth, encoder.mlpRatio);
  return {
    encoder,
    ...(predictor ? { predictor } : {}),
    ...(preset ? { preset } : {}),
    ...resolveHeads(options, recordedHeads(file), preset, predictor !== undefined),
  };
}

const divisors = (n: number) => Array.from({ length: Math.min(n, 64) }, (_, i) => i + 1).filter((d) => n % d === 0);

/** Thrown when the encoder's heads are needed but cannot be known. */
export class MissingHeadsError extends Error {
  constructor(source: string, readonly architecture: IJepaArchitecture) {
    const { embedDim, depth } = architecture.encoder;
    const presets = Object.entries(VIT_PRESETS).map(([name, p]) => `${name} ${p.embedDim}x${p.depth}`).join(', ');
    super(
      `${source}: the number of attention heads cannot be read from the weights, and width ${embedDim} with depth ${depth} matches no ViT preset (${presets}). ` +
        `Pass the heads the model was trained with: --num-heads N on the command line, numHeads in the API (a divisor of ${embedDim}: ${divisors(embedDim).join(', ')}).`,
    );
    this.name = 'MissingHeadsError';
  }
}

/** The encoder heads of `architecture`, or a {@link MissingHeadsError}. */
export function requireHeads(architecture: IJepaArchitecture, source: string): number {
  if (architecture.numHeads === undefined) throw new MissingHeadsError(source, architecture);
  return architecture.numHeads;
}

const sourceOf = (file: WeightsSource) => (isModuleWeights(file) ? file.source : file.path);

/**
 * The {@link IJepaModelConfig} that rebuilds a checkpoint's I-JEPA (encoder sizes, predictor sizes,
 * image and patch size, channels). Throws {@link MissingHeadsError} when the heads are unknown, and
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

/** Shapes of a module's tensors under `<prefix>.<name>`. */
function shapesWithPrefix(weights: ReadonlyMap<string, CheckpointTensor>, prefix: string): Record<string, { shape: readonly number[] }> {
  const out: Record<string, { shape: readonly number[] }> = {};
  for (const [name, t] of weights) out[prefix ? `${prefix}.${name}` : name] = { shape: t.shape };
  return out;
}

function describeSource(weights: ModuleWeights, modules: readonly IJepaModuleName[]): string {
  const stripped = modules.filter((m) => weights.prefixed.has(m));
  return stripped.length > 0 ? `${weights.source} ('${DDP_PREFIX}' stripped from ${stripped.join(', ')})` : weights.source;
}

/**
 * Loads the three modules of an I-JEPA checkpoint into `model`, strictly: every missing,
 * unexpected and mis-shaped key of all three modules is listed in one
 * {@link StateDictMismatchError}, and then nothing was loaded. Shapes are checked before any
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
  readonly model: IJepaModel;
  readonly config: IJepaModelConfig;
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
  readonly encoder: VisionTransformer;
  /** The module that was loaded (`encoder` for a bare state dict). */
  readonly module: IJepaModuleName;
  readonly layout: ModuleWeights['layout'];
  readonly architecture: IJepaArchitecture & { readonly numHeads: number };
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
      `${weights.source}: has no '${which}' module (it holds ${held.length > 0 ? held.join(', ') : `no I-JEPA modules; tensors: ${listNames(weights.other)}`}).` +
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
    const source = weights.prefixed.has(module) ? `${where} ('${DDP_PREFIX}' stripped)` : where;
    const report = diffStateDict(encoder.stateDictShapes(), shapesWithPrefix(moduleWeights, ''));
    if (!report.ok) throw new StateDictMismatchError(report, source);
    withTfTensors(moduleWeights, (dict) => encoder.loadStateDict(dict, source));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  return { encoder, module, layout: weights.layout, architecture: { ...architecture, numHeads } };
}
