import type * as tf from '@tensorflow/tfjs';
import { assembleJepa, JepaPredictor, resolveVitSize, withInitSeed, type Jepa, type StateDict, type VitPresetName, type VitSize } from '@jepa/core';
import { createVisionTransformer, type VisionTransformer } from './vit.js';

/** Model sizes of an I-JEPA. */
export interface IJepaModelConfig {
  readonly imageSize: number;
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  /** A preset name or explicit sizes. */
  readonly encoder: VitPresetName | VitSize;
  /** Official default: width 384, depth 12, heads = encoder heads. */
  /** Std of the patch projection's initial weights (default 0.02, official); see `PatchEmbedOptions.initStd`. */
  readonly patchEmbedInitStd?: number;
  /** Official `vit_predictor`: MLP ratio 4 whatever the encoder's (ViT-g uses 48/11 in its encoder only). */
  readonly predictor?: { readonly embedDim?: number; readonly depth?: number; readonly numHeads?: number; readonly mlpRatio?: number };
}

/** Options of {@link createIJepa}. */
export interface CreateIJepaOptions {
  /** Seed of the initial weights (default: unseeded). */
  readonly seed?: number;
}

/** Official I-JEPA defaults (configs/in1k_vith14_ep300.yaml) where our API has a choice. */
export const IJEPA_DEFAULTS = {
  predictorEmbedDim: 384,
  predictorDepth: 12,
  masks: {
    numContextBlocks: 1,
    numTargetBlocks: 4,
    contextScale: [0.85, 1.0] as [number, number],
    targetScale: [0.15, 0.2] as [number, number],
    targetAspectRatio: [0.75, 1.5] as [number, number],
    minKeep: 10,
  },
  optimization: {
    epochs: 300,
    warmupEpochs: 40,
    startLr: 0.0002,
    lr: 0.001,
    finalLr: 1e-6,
    weightDecay: 0.04,
    finalWeightDecay: 0.4,
    ema: [0.996, 1.0] as [number, number],
    betas: [0.9, 0.999] as [number, number],
  },
} as const;

/** The three modules of an I-JEPA and its objective. */
export interface IJepaModel {
  readonly config: Required<Pick<IJepaModelConfig, 'imageSize' | 'patchSize' | 'inChannels'>> & { encoder: VitSize; predictor: { embedDim: number; depth: number; numHeads: number } };
  readonly contextEncoder: VisionTransformer;
  readonly targetEncoder: VisionTransformer;
  readonly predictor: JepaPredictor;
  readonly jepa: Jepa<tf.Tensor4D>;
  /** All weights with the official checkpoint prefixes `encoder.`, `predictor.`, `target_encoder.` (PyTorch layout). */
  stateDict(): StateDict;
  /** Strict load of {@link stateDict}-style keys: lists every difference and loads nothing on error. */
  loadStateDict(dict: StateDict, source?: string): void;
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
