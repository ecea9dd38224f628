import * as tf from '@tensorflow/tfjs';
import { assembleJepa, JepaPredictor, maskTokenPerGenerator, resolveVitSize, VJEPA_MASK_GENERATORS, withInitSeed, type Jepa, type JepaPredictorCondition, type StateDict, type VitPresetName, type VitSize } from '@jepa/core';
import { createVideoTransformer, type VideoTransformer } from './video-transformer.js';

/** Model sizes of a V-JEPA. */
export interface VJepaModelConfig {
  /** Frames per clip `T` (official: 16). */
  readonly numFrames: number;
  /** Frames per tubelet. Default 2. */
  readonly tubeletSize?: number;
  /** Side of the square frames in pixels (official: 224). */
  readonly imageSize: number;
  /** Side of a tubelet in pixels (official: 16). */
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  /** A preset name (`'large'` for ViT-L) or explicit sizes. */
  readonly encoder: VitPresetName | VitSize;
  /** Official default: width 384, depth 12, heads = encoder heads. */
  readonly predictor?: {
    /** Predictor width (default 384). */
    readonly embedDim?: number;
    /** Predictor blocks (default 12). */
    readonly depth?: number;
    /** Attention heads (default the encoder's). */
    readonly numHeads?: number;
  };
  /**
   * Learned predictor mask tokens, one per mask generator (`mask_tokens.0`, ...). Default the
   * number of {@link VJEPA_MASK_GENERATORS} (2). With 1 the name is I-JEPA's `mask_token`.
   */
  readonly numMaskTokens?: number;
  /** 3-D sin-cos split with equal thirds (official `uniform_power`). Default true. */
  readonly uniformPower?: boolean;
  /** Start the mask tokens at zero (official `zero_init_mask_tokens`). Default true. */
  readonly zeroInitMaskTokens?: boolean;
  /** Std of the tubelet projection's initial weights (default 0.02, official); see `fanInTubeletInitStd`. */
  readonly patchEmbedInitStd?: number;
}

/** Options of {@link createVJepa}. */
export interface CreateVJepaOptions {
  /** Seed of the initial weights (default: unseeded). */
  readonly seed?: number;
}

/**
 * Official V-JEPA defaults (facebookresearch/jepa `configs/pretrain/vitl16.yaml`, `app/vjepa/train.py`)
 * where our API has a choice.
 */
export const VJEPA_DEFAULTS = {
  /** `num_frames`. */
  numFrames: 16,
  /** `tubelet_size`. */
  tubeletSize: 2,
  /** `crop_size`. */
  imageSize: 224,
  /** `patch_size`. */
  patchSize: 16,
  /** `pred_embed_dim`. */
  predictorEmbedDim: 384,
  /** `pred_depth`. */
  predictorDepth: 12,
  /** `uniform_power`. */
  uniformPower: true,
  /** `zero_init_mask_tokens`. */
  zeroInitMaskTokens: true,
  /** L1 between predictions and layer-normed targets (`loss_exp: 1`, `reg_coeff: 0`). */
  loss: 'l1',
  /** The two mask generators of `vitl16.yaml` (short-range and long-range blocks). */
  masks: VJEPA_MASK_GENERATORS,
  /** The optimisation settings. */
  optimization: {
    /** `epochs`. */
    epochs: 300,
    /** `warmup` (epochs). */
    warmupEpochs: 40,
    /** The schedules span `scheduleScale` times the training length (official `ipe_scale`). */
    scheduleScale: 1.25,
    /** `start_lr`. */
    startLr: 0.0002,
    /** `lr` (the peak). */
    lr: 0.000625,
    /** `final_lr`. */
    finalLr: 1e-6,
    /** `weight_decay` (at the start). */
    weightDecay: 0.04,
    /** `final_weight_decay`. */
    finalWeightDecay: 0.4,
    /** `ema`: the target momentum's start and end. */
    ema: [0.998, 1.0] as [number, number],
    /** AdamW betas (PyTorch's defaults, which the official trainer keeps). */
    betas: [0.9, 0.999] as [number, number],
    /** AdamW epsilon (PyTorch's default). */
    eps: 1e-8,
    /** Gradient-norm clipping after warm-up (official `clip_grad: 10.0`). */
    clipGradNorm: 10,
  },
} as const;

/** The resolved sizes of a {@link VJepaModel}. */
export interface VJepaResolvedConfig {
  /** Frames per clip `T`. */
  readonly numFrames: number;
  /** Frames per tubelet `t`. */
  readonly tubeletSize: number;
  /** Side of the square frames, in pixels. */
  readonly imageSize: number;
  /** Side of a tubelet, in pixels `p`. */
  readonly patchSize: number;
  /** Channels of the frames. */
  readonly inChannels: number;
  /** The encoder's sizes. */
  readonly encoder: VitSize;
  /** The predictor's sizes. */
  readonly predictor: {
    /** Predictor width. */
    readonly embedDim: number;
    /** Predictor blocks. */
    readonly depth: number;
    /** Attention heads. */
    readonly numHeads: number;
  };
  /** Learned predictor mask tokens. */
  readonly numMaskTokens: number;
  /** Whether the 3-D sin-cos split uses equal thirds. */
  readonly uniformPower: boolean;
  /** Whether the mask tokens started at zero. */
  readonly zeroInitMaskTokens: boolean;
  /** Std of the tubelet projection's initial weights, when not the official 0.02. */
  readonly patchEmbedInitStd?: number;
}

/** The three modules of a V-JEPA and its objective. */
export interface VJepaModel {
  /** The sizes it was built with, every default resolved. */
  readonly config: VJepaResolvedConfig;
  /** The tubelet grid `[T/t, H/p, W/p]` every encoder output and mask index refers to (raster order). */
  readonly grid: readonly [number, number, number];
  /** The encoder trained by gradients (`encoder.`). */
  readonly contextEncoder: VideoTransformer;
  /** The EMA copy that gives the targets (`target_encoder.`). */
  readonly targetEncoder: VideoTransformer;
  /** The predictor, one mask token per mask generator (`predictor.`). */
  readonly predictor: JepaPredictor;
  /**
   * Clips `[B, T, H, W, C]`; pass one `MaskSet` per mask generator (generator `i` uses mask token
   * `i` unless its `MaskSet` carries another condition). L1 loss.
   */
  readonly jepa: Jepa<tf.Tensor5D, JepaPredictorCondition>;
  /** All weights with the official checkpoint prefixes `encoder.`, `predictor.`, `target_encoder.` (PyTorch layout). */
  stateDict(): StateDict;
  /** Strict load of {@link stateDict}-style keys: lists every difference and loads nothing on error. */
  loadStateDict(dict: StateDict, source?: string): void;
  /** Disposes the three modules. */
  dispose(): void;
}

const positive = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Fills the defaults of a {@link VJepaModelConfig} and checks it, naming the field to change. */
export function resolveVJepaConfig(config: VJepaModelConfig): VJepaResolvedConfig {
  const encoder = resolveVitSize(config.encoder);
  const resolved: VJepaResolvedConfig = {
    numFrames: config.numFrames,
    tubeletSize: config.tubeletSize ?? VJEPA_DEFAULTS.tubeletSize,
    imageSize: config.imageSize,
    patchSize: config.patchSize,
    inChannels: config.inChannels ?? 3,
    encoder,
    predictor: {
      embedDim: config.predictor?.embedDim ?? VJEPA_DEFAULTS.predictorEmbedDim,
      depth: config.predictor?.depth ?? VJEPA_DEFAULTS.predictorDepth,
      numHeads: config.predictor?.numHeads ?? encoder.numHeads,
    },
    numMaskTokens: config.numMaskTokens ?? VJEPA_MASK_GENERATORS.length,
    uniformPower: config.uniformPower ?? VJEPA_DEFAULTS.uniformPower,
    ...(config.patchEmbedInitStd !== undefined ? { patchEmbedInitStd: config.patchEmbedInitStd } : {}),
    zeroInitMaskTokens: config.zeroInitMaskTokens ?? VJEPA_DEFAULTS.zeroInitMaskTokens,
  };
  const problems: string[] = [];
  for (const key of ['numFrames', 'tubeletSize', 'imageSize', 'patchSize', 'inChannels', 'numMaskTokens'] as const) {
    if (!positive(resolved[key])) problems.push(`${key} must be a positive integer (got ${resolved[key]})`);
  }
  for (const key of ['embedDim', 'depth', 'numHeads'] as const) {
    if (!positive(resolved.predictor[key])) problems.push(`predictor.${key} must be a positive integer (got ${resolved.predictor[key]})`);
  }
  if (positive(resolved.numFrames) && positive(resolved.tubeletSize) && resolved.numFrames % resolved.tubeletSize !== 0) {
    problems.push(`numFrames ${resolved.numFrames} is not a multiple of tubeletSize ${resolved.tubeletSize}`);
  }
  if (positive(resolved.imageSize) && positive(resolved.patchSize) && resolved.imageSize % resolved.patchSize !== 0) {
    problems.push(`imageSize ${resolved.imageSize} is not a multiple of patchSize ${resolved.patchSize}`);
  }
  if (encoder.embedDim % encoder.numHeads !== 0) problems.push(`encoder width ${encoder.embedDim} is not divisible by its ${encoder.numHeads} heads`);
  const p = resolved.predictor;
  if (positive(p.embedDim) && positive(p.numHeads) && p.embedDim % p.numHeads !== 0) {
    problems.push(`predictor width ${p.embedDim} is not divisible by its ${p.numHeads} heads; set predictor.numHeads or predictor.embedDim`);
  }
  if (problems.length) throw new Error(`Invalid V-JEPA model config:\n  - ${problems.join('\n  - ')}`);
  return resolved;
}

/**
 * Builds a V-JEPA as the official `app/vjepa`: a video ViT context encoder, its EMA copy as the
 * target encoder, and the narrow predictor with one mask token per mask generator, trained with
 * L1 on layer-normed targets. Initialisation follows `init_video_model`: every Linear weight is a
 * plain truncated normal (std 0.02; the official re-init undoes the residual-branch rescaling of
 * the model constructors), biases zero, mask tokens zero (`zeroInitMaskTokens`).
 *
 * Training: `model.jepa.step(clips, masks, optimizer, hyper)` with one `MaskSet` per generator
 * (`MultiBlock3dMaskSampler`), `hyper` from {@link vjepaStepHyperParameters}.
 */
export function createVJepa(config: VJepaModelConfig, options: CreateVJepaOptions = {}): VJepaModel {
  if (options.seed !== undefined) {
    const seed = options.seed;
    return withInitSeed(seed, () => createVJepa(config));
  }
  const resolved = resolveVJepaConfig(config);
  const modules = assembleJepa<tf.Tensor5D, JepaPredictorCondition, VideoTransformer, JepaPredictor>({
    createEncoder: () => createVideoTransformer({
      ...resolved.encoder,
      numFrames: resolved.numFrames,
      tubeletSize: resolved.tubeletSize,
      imageSize: resolved.imageSize,
      patchSize: resolved.patchSize,
      inChannels: resolved.inChannels,
      uniformPower: resolved.uniformPower,
      patchEmbedInitStd: resolved.patchEmbedInitStd,
    }),
    createPredictor: (contextEncoder) => {
      const predictor = new JepaPredictor({
        grid: contextEncoder.grid,
        embedDim: resolved.encoder.embedDim,
        predictorEmbedDim: resolved.predictor.embedDim,
        depth: resolved.predictor.depth,
        numHeads: resolved.predictor.numHeads,
        mlpRatio: resolved.encoder.mlpRatio ?? 4,
        numMaskTokens: resolved.numMaskTokens,
        uniformPower: resolved.uniformPower,
      });
      if (resolved.zeroInitMaskTokens) for (const token of predictor.maskTokens) tf.tidy(() => token.assign(tf.zerosLike(token)));
      return predictor;
    },
    objective: { loss: VJEPA_DEFAULTS.loss, conditionForGenerator: maskTokenPerGenerator },
  });
  return { config: resolved, grid: modules.contextEncoder.grid as readonly [number, number, number], ...modules };
}

