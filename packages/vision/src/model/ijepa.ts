import type * as tf from '@tensorflow/tfjs';
import { assembleJepa, JepaPredictor, resolveVitSize, withInitSeed, type Jepa, type StateDict, type VitPresetName, type VitSize } from '@jepa/core';
import { createVisionTransformer, type VisionTransformer } from './vit.js';

/** Model sizes of an I-JEPA. */
export interface IJepaModelConfig {
  /** Side of the square input images, in pixels; divisible by `patchSize`. */
  readonly imageSize: number;
  /** Side of a square patch, in pixels. */
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  /** A preset name or explicit sizes. */
  readonly encoder: VitPresetName | VitSize;
  /** Std of the patch projection's initial weights (default 0.02, official); see `PatchEmbedOptions.initStd`. */
  readonly patchEmbedInitStd?: number;
  /**
   * The predictor's sizes. Official default: width 384, depth 12, heads = encoder heads, and MLP
   * ratio 4 whatever the encoder's (official `vit_predictor`; ViT-g uses 48/11 in its encoder only).
   */
  readonly predictor?: {
    /** Predictor width (default 384). */
    readonly embedDim?: number;
    /** Predictor blocks (default 12). */
    readonly depth?: number;
    /** Attention heads (default the encoder's). */
    readonly numHeads?: number;
    /** MLP hidden width as a multiple of the predictor width (default 4). */
    readonly mlpRatio?: number;
  };
}

/** Options of {@link createIJepa}. */
export interface CreateIJepaOptions {
  /** Seed of the initial weights (default: unseeded). */
  readonly seed?: number;
}

/** Official I-JEPA defaults (configs/in1k_vith14_ep300.yaml) where our API has a choice. */
export const IJEPA_DEFAULTS = {
  /** `pred_emb_dim`. */
  predictorEmbedDim: 384,
  /** `pred_depth`. */
  predictorDepth: 12,
  /** The mask collator's settings. */
  masks: {
    /** `num_enc_masks`. */
    numContextBlocks: 1,
    /** `num_pred_masks`. */
    numTargetBlocks: 4,
    /** `enc_mask_scale`. */
    contextScale: [0.85, 1.0] as [number, number],
    /** `pred_mask_scale`. */
    targetScale: [0.15, 0.2] as [number, number],
    /** `aspect_ratio`. */
    targetAspectRatio: [0.75, 1.5] as [number, number],
    /** `min_keep`. */
    minKeep: 10,
  },
  /** The optimisation settings. */
  optimization: {
    /** `epochs`. */
    epochs: 300,
    /** `warmup` (epochs). */
    warmupEpochs: 40,
    /** `start_lr`. */
    startLr: 0.0002,
    /** `lr` (the peak). */
    lr: 0.001,
    /** `final_lr`. */
    finalLr: 1e-6,
    /** `weight_decay` (at the start). */
    weightDecay: 0.04,
    /** `final_weight_decay`. */
    finalWeightDecay: 0.4,
    /** `ema`: the target momentum's start and end. */
    ema: [0.996, 1.0] as [number, number],
    /** AdamW betas (PyTorch's defaults, which the official trainer keeps). */
    betas: [0.9, 0.999] as [number, number],
  },
} as const;

/** The three modules of an I-JEPA and its objective. */
export interface IJepaModel {
  /** The sizes it was built with, every default resolved. */
  readonly config: Required<Pick<IJepaModelConfig, 'imageSize' | 'patchSize' | 'inChannels'>> & {
    /** The encoder's sizes. */
    encoder: VitSize;
    /** The predictor's sizes. */
    predictor: {
      /** Predictor width. */
      embedDim: number;
      /** Predictor blocks. */
      depth: number;
      /** Attention heads. */
      numHeads: number;
    };
  };
  /** The encoder trained by gradients (`encoder.`). */
  readonly contextEncoder: VisionTransformer;
  /** The EMA copy that gives the targets (`target_encoder.`). */
  readonly targetEncoder: VisionTransformer;
  /** The predictor (`predictor.`). */
  readonly predictor: JepaPredictor;
  /** The objective over the three modules. */
  readonly jepa: Jepa<tf.Tensor4D>;
  /** All weights with the official checkpoint prefixes `encoder.`, `predictor.`, `target_encoder.` (PyTorch layout). */
  stateDict(): StateDict;
  /** Strict load of {@link stateDict}-style keys: lists every difference and loads nothing on error. */
  loadStateDict(dict: StateDict, source?: string): void;
  /** Disposes the three modules. */
  dispose(): void;
}

/**
 * Builds an I-JEPA: context encoder, EMA target encoder (a copy of it) and the narrow predictor,
 * with smooth-L1 loss on layer-normed targets, as the official code.
 */
export function createIJepa(config: IJepaModelConfig, options: CreateIJepaOptions = {}): IJepaModel {
  if (options.seed !== undefined) return withInitSeed(options.seed, () => createIJepa(config));
  const encoderSize = resolveVitSize(config.encoder);
  const inChannels = config.inChannels ?? 3;
  const predictorSize = {
    embedDim: config.predictor?.embedDim ?? IJEPA_DEFAULTS.predictorEmbedDim,
    depth: config.predictor?.depth ?? IJEPA_DEFAULTS.predictorDepth,
    numHeads: config.predictor?.numHeads ?? encoderSize.numHeads,
  };
  if (predictorSize.embedDim % predictorSize.numHeads !== 0) {
    throw new Error(`I-JEPA: predictor width ${predictorSize.embedDim} is not divisible by its ${predictorSize.numHeads} heads; set predictor.numHeads or predictor.embedDim.`);
  }
  const modules = assembleJepa<tf.Tensor4D, undefined, VisionTransformer, JepaPredictor>({
    createEncoder: () => createVisionTransformer({ ...encoderSize, imageSize: config.imageSize, patchSize: config.patchSize, inChannels, patchEmbedInitStd: config.patchEmbedInitStd }),
    createPredictor: (contextEncoder) => new JepaPredictor({
      grid: contextEncoder.grid,
      embedDim: encoderSize.embedDim,
      predictorEmbedDim: predictorSize.embedDim,
      depth: predictorSize.depth,
      numHeads: predictorSize.numHeads,
      mlpRatio: config.predictor?.mlpRatio ?? 4,
    }),
    objective: { loss: 'smooth_l1' },
  });
  return { config: { imageSize: config.imageSize, patchSize: config.patchSize, inChannels, encoder: encoderSize, predictor: predictorSize }, ...modules };
}
