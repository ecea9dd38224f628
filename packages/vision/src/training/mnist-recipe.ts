import { MNIST_MEAN, MNIST_STD } from '../data/transforms.js';
import type { IJepaTrainingConfig } from './ijepa-trainable.js';
import { fanInPatchInitStd } from '../model/patch-embed.js';

/**
 * The default MNIST recipe (used by `jepa train ijepa` and apps/ijepa-mnist): a small I-JEPA that
 * trains on the embedded MNIST digits (28 x 28 x 1, a 4 x 4 grid of 7 x 7 patches) in about ten
 * minutes on two CPU cores. Every flag of the command overrides one field; change the numbers here
 * to change the defaults. What was measured while choosing them is in docs/mnist-recipe.md.
 *
 * - model: a 96-wide, 4-deep ViT encoder (4 heads) and a 64-wide, 2-deep predictor. 7 x 7 patches
 *   (16 tokens) run about 4x faster per step on wasm than 4 x 4 patches (49 tokens), so the same
 *   time buys 4x the updates.
 * - patch init: std 1/sqrt(49) instead of the official 0.02. With 49 greyscale values per patch
 *   the official init starts patch content ~7x weaker than the +-1 sin-cos positions, and runs
 *   collapsed onto position-only targets (loss -> 0.005, feature std 0.02); with it they did not
 *   (loss 0.28, feature std 0.2).
 * - masks: the official multi-block masks (4 targets of 15-20 %, one context of 85-100 %) with
 *   `minKeep` 0: on a 4 x 4 grid a target block keeps 1 to 3 tokens.
 * - optimization: 2,000 AdamW updates of 64 images, warmup-cosine LR 1e-4 -> 5e-4 -> 1e-6 with a
 *   10 % warmup, cosine weight decay 0.04 -> 0.4, EMA 0.996 -> 1 (the official schedules).
 * - augmentation: RandomResizedCrop with scale 0.3..1 (official), no flips (digits are not symmetric).
 */
export const MNIST_IJEPA_RECIPE = {
  model: {
    imageSize: 28,
    patchSize: 7,
    inChannels: 1,
    patchEmbedInitStd: fanInPatchInitStd(7, 1),
    encoder: { embedDim: 96, depth: 4, numHeads: 4 },
    predictor: { embedDim: 64, depth: 2, numHeads: 4 },
  },
  masks: {
    numContextBlocks: 1,
    numTargetBlocks: 4,
    contextScale: [0.85, 1.0],
    targetScale: [0.15, 0.2],
    targetAspectRatio: [0.75, 1.5],
    minKeep: 0,
  },
  optimization: {
    steps: 2000,
    batchSize: 64,
    warmupSteps: 200,
    startLr: 1e-4,
    lr: 5e-4,
    finalLr: 1e-6,
    weightDecay: 0.04,
    finalWeightDecay: 0.4,
    ema: [0.996, 1.0],
    betas: [0.9, 0.999],
  },
  augmentation: { cropScale: [0.3, 1.0] },
  normalization: { mean: MNIST_MEAN, std: MNIST_STD },
  seed: 0,
} as const satisfies IJepaTrainingConfig & { model: { encoder: { embedDim: number; depth: number; numHeads: number } } };

/** Fraction of the steps spent warming the learning rate up, kept when `--steps`/`--epochs` change the length. */
export const MNIST_IJEPA_WARMUP_FRACTION = MNIST_IJEPA_RECIPE.optimization.warmupSteps / MNIST_IJEPA_RECIPE.optimization.steps;

/** Evaluation defaults: the I-JEPA low-shot protocol (10 labelled images per class, 5 draws) and held-out splits. */
export const IJEPA_EVALUATION_DEFAULTS = {
  shotsPerClass: 10,
  draws: 5,
  /** MNIST images per class held out for evaluation (2,000 in all); never used for training. */
  mnistHeldOutPerClass: 200,
  /** Fraction of each class of an image folder held out for evaluation. */
  folderHeldOutFraction: 0.2,
} as const;
