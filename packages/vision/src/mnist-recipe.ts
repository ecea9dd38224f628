import { MNIST_MEAN, MNIST_STD } from './data/transforms.js';
import type { IJepaTrainingConfig } from './ijepa-training.js';

/**
 * The default MNIST recipe (used by `jepa train ijepa` and apps/ijepa-mnist): a small I-JEPA that trains on the embedded MNIST digits
 * (28 x 28 x 1, a 7 x 7 grid of 4 x 4 patches) in minutes on a CPU. Every flag of the command
 * overrides one field of it; change the numbers here to change the defaults.
 *
 * - model: a 64-wide, 4-deep ViT encoder (4 heads) and a 64-wide, 2-deep predictor. When a flag
 *   changes the encoder's heads (`--num-heads`, `--preset`), the predictor's heads follow them if
 *   they divide its width, unless `--predictor-num-heads` is given (official predictors use the
 *   encoder's heads).
 * - masks: the official multi-block masks (4 targets of 15-20 %, one context of 85-100 %); on a
 *   7 x 7 grid a block must keep more than 4 tokens.
 * - optimization: 500 AdamW updates of 64 images, warmup-cosine LR 2e-4 -> 1e-3 -> 1e-6 with a
 *   10 % warmup, cosine weight decay 0.04 -> 0.4, EMA 0.996 -> 1 (the official schedules).
 * - augmentation: RandomResizedCrop with scale 0.3..1 (official), no flips (digits are not symmetric).
 */
export const MNIST_IJEPA_RECIPE = {
  model: {
    imageSize: 28,
    patchSize: 4,
    inChannels: 1,
    encoder: { embedDim: 64, depth: 4, numHeads: 4 },
    predictor: { embedDim: 64, depth: 2, numHeads: 4 },
  },
  masks: {
    numContextBlocks: 1,
    numTargetBlocks: 4,
    contextScale: [0.85, 1.0],
    targetScale: [0.15, 0.2],
    targetAspectRatio: [0.75, 1.5],
    minKeep: 4,
  },
  optimization: {
    steps: 500,
    batchSize: 64,
    warmupSteps: 50,
    startLr: 2e-4,
    lr: 1e-3,
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
