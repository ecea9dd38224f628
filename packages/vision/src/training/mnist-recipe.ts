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
 * - optimization: 5,000 AdamW updates of 64 images, warmup-cosine LR 1e-4 -> 5e-4 -> 1e-6 with a
 *   10 % warmup, cosine weight decay 0.04 -> 0.4, EMA 0.996 -> 1 (the official schedules).
 * - augmentation: RandomResizedCrop with scale 0.3..1 (official), no flips (digits are not symmetric).
 */
export const MNIST_IJEPA_RECIPE = {
  /** A 96-wide, 4-deep ViT over a 4 x 4 grid of 7 x 7 patches and a 64-wide, 2-deep predictor. */
  model: {
    /** The MNIST digits' side. */
    imageSize: 28,
    /** 7 x 7 patches: 16 tokens, about 4x faster per step on wasm than 4 x 4 patches (49 tokens). */
    patchSize: 7,
    /** Greyscale. */
    inChannels: 1,
    /** `1 / sqrt(49)` instead of the official 0.02, which let runs collapse onto position-only targets. */
    patchEmbedInitStd: fanInPatchInitStd(7, 1),
    /** The encoder's sizes. */
    encoder: {
      /** Token width. */
      embedDim: 96,
      /** Transformer blocks. */
      depth: 4,
      /** Attention heads. */
      numHeads: 4,
    },
    /** The predictor's sizes. */
    predictor: {
      /** Predictor width. */
      embedDim: 64,
      /** Predictor blocks. */
      depth: 2,
      /** Attention heads. */
      numHeads: 4,
    },
  },
  /** The official multi-block masks, with `minKeep` 0 for the 4 x 4 grid. */
  masks: {
    /** One context block. */
    numContextBlocks: 1,
    /** Four target blocks. */
    numTargetBlocks: 4,
    /** A context block covers 85-100 % of the grid. */
    contextScale: [0.85, 1.0],
    /** A target block covers 15-20 % of the grid. */
    targetScale: [0.15, 0.2],
    /** Target block height / width (official). */
    targetAspectRatio: [0.75, 1.5],
    /** 0: on a 4 x 4 grid a target block keeps 1 to 3 tokens. */
    minKeep: 0,
  },
  /** AdamW with the official schedules, scaled to 5,000 updates. */
  optimization: {
    /**
     * Updates: about 6-7 minutes on two CPU cores with issue 13's wasm kernels (2,000 before them;
     * 5,000 scored 49.0 % / 78.2 % against 43.1 % / 73.5 %, docs/mnist-recipe.md).
     */
    steps: 5000,
    /** Images per update. */
    batchSize: 64,
    /** A 10 % warm-up. */
    warmupSteps: 500,
    /** Learning rate at the start of the warm-up. */
    startLr: 1e-4,
    /** Peak learning rate. */
    lr: 5e-4,
    /** Learning rate at the last update. */
    finalLr: 1e-6,
    /** Weight decay at the start (official). */
    weightDecay: 0.04,
    /** Weight decay at the end (official). */
    finalWeightDecay: 0.4,
    /** EMA momentum from 0.996 to 1 (official). */
    ema: [0.996, 1.0],
    /** AdamW betas (PyTorch's defaults). */
    betas: [0.9, 0.999],
  },
  /** RandomResizedCrop only: no flips, since digits are not symmetric. */
  augmentation: {
    /** Crop scale 0.3..1 (official). */
    cropScale: [0.3, 1.0],
  },
  /** The MNIST pixel statistics. */
  normalization: {
    /** {@link MNIST_MEAN}. */
    mean: MNIST_MEAN,
    /** {@link MNIST_STD}. */
    std: MNIST_STD,
  },
  /** Seed of the weights, batches, crops and masks. */
  seed: 0,
} as const satisfies IJepaTrainingConfig & { model: { encoder: { embedDim: number; depth: number; numHeads: number } } };

/** Fraction of the steps spent warming the learning rate up, kept when `--steps`/`--epochs` change the length. */
export const MNIST_IJEPA_WARMUP_FRACTION = MNIST_IJEPA_RECIPE.optimization.warmupSteps / MNIST_IJEPA_RECIPE.optimization.steps;

/** Evaluation defaults: the I-JEPA low-shot protocol (10 labelled images per class, 5 draws) and held-out splits. */
export const IJEPA_EVALUATION_DEFAULTS = {
  /** Labelled images per class in each low-shot draw. */
  shotsPerClass: 10,
  /** Low-shot draws. */
  draws: 5,
  /** MNIST images per class held out for evaluation (2,000 in all); never used for training. */
  mnistHeldOutPerClass: 200,
  /** Fraction of each class of an image folder held out for evaluation. */
  folderHeldOutFraction: 0.2,
} as const;
