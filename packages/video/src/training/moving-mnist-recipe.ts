import { fanInTubeletInitStd } from '../model/tubelet-embed.js';
import type { VJepaTrainingConfig } from './vjepa-trainable.js';

/**
 * The default Moving MNIST V-JEPA recipe (used by `jepa train vjepa` and apps/vjepa-moving-mnist):
 * 8-frame clips decoded at 32 x 32 grey (the 64 x 64 videos downscaled), tubelets of 2 frames x 8 x 8
 * pixels (a `[4, 4, 4]` token grid), a 64-wide 4-deep video ViT and a 64-wide 2-deep predictor,
 * small enough to train in minutes on two CPU cores.
 *
 * - patchEmbedInitStd 1/sqrt(2*8*8): the fan-in init of the tubelet projection. With the official
 *   0.02, 128-value grey tubelets start far below the sin-cos positions; measured (500 steps):
 *   digit full-label 31.5 % -> 38.5 %, direction 19.0 % -> 30.5 % (random encoder 28-30 % / 27.5-36 %).
 *
 * - masks: the official generators' shape (a short-range one of many small blocks and a long-range
 *   one of two large blocks, all frames), with fewer short-range blocks since a 4 x 4 plane is small.
 * - optimization: warm-up + cosine LR peaking at 1e-3 (higher than the official 6.25e-4 for a short
 *   run), official weight-decay and EMA schedules (0.998 -> 1), clipping at 10 after warm-up.
 * - frameStep 1: the videos are written exactly one clip long (8 frames); the default step of 4
 *   would pad each clip to frames [0, 7, 7, 7, 7, 7, 7, 7] and lose the motion.
 * - normalization: the Moving MNIST pixel statistics (mostly black frames).
 */
export const MOVING_MNIST_VJEPA_RECIPE = {
  /** 8-frame 32 x 32 grey clips in 2 x 8 x 8 tubelets: a `[4, 4, 4]` token grid. */
  model: {
    /** Frames per clip: the videos are written 8 frames long. */
    numFrames: 8,
    /** Frames per tubelet (official). */
    tubeletSize: 2,
    /** The 64 x 64 videos decoded at 32 x 32. */
    imageSize: 32,
    /** Tubelet side, in pixels. */
    patchSize: 8,
    /** Grey frames. */
    inChannels: 1,
    /** A 64-wide, 4-deep video ViT. */
    encoder: {
      /** Token width. */
      embedDim: 64,
      /** Transformer blocks. */
      depth: 4,
      /** Attention heads. */
      numHeads: 4,
    },
    /** A 64-wide, 2-deep predictor. */
    predictor: {
      /** Predictor width. */
      embedDim: 64,
      /** Predictor blocks. */
      depth: 2,
      /** Attention heads. */
      numHeads: 4,
    },
    /** `1 / sqrt(2 * 8 * 8)`: with the official 0.02 the grey tubelets start far below the positions. */
    patchEmbedInitStd: fanInTubeletInitStd(2, 8, 1),
  },
  /** The official generators' shape, with fewer short-range blocks for the small 4 x 4 plane. */
  masks: [
    /** Short-range: four small blocks. */
    {
      /** Fraction of the `H x W` plane one block covers. */
      spatialScale: [0.15, 0.15],
      /** Blocks per sample; the target is their union. */
      numBlocks: 4,
      /** Every block spans all frames. */
      temporalScale: [1, 1],
      /** Block height / width (official). */
      aspectRatio: [0.75, 1.5],
      /** The context may use every frame. */
      maxTemporalKeep: 1,
      /** No cap on the context length. */
      maxKeep: null,
    },
    /** Long-range: one large block. */
    {
      /** Fraction of the `H x W` plane one block covers. */
      spatialScale: [0.5, 0.5],
      /** Blocks per sample; the target is their union. */
      numBlocks: 1,
      /** Every block spans all frames. */
      temporalScale: [1, 1],
      /** Block height / width (official). */
      aspectRatio: [0.75, 1.5],
      /** The context may use every frame. */
      maxTemporalKeep: 1,
      /** No cap on the context length. */
      maxKeep: null,
    },
  ],
  /** Warm-up and cosine learning rate, the official weight-decay and EMA schedules, clipping at 10. */
  optimization: {
    /** Updates (minutes on two CPU cores). */
    steps: 500,
    /** Clips per update. */
    batchSize: 16,
    /** A 10 % warm-up. */
    warmupSteps: 50,
    /** Learning rate at the start of the warm-up (official). */
    startLr: 2e-4,
    /** Peak learning rate: higher than the official 6.25e-4, for a short run. */
    lr: 1e-3,
    /** Learning rate at the end (official). */
    finalLr: 1e-6,
    /** Weight decay at the start (official). */
    weightDecay: 0.04,
    /** Weight decay at the end (official). */
    finalWeightDecay: 0.4,
    /** EMA momentum from 0.998 to 1 (official). */
    ema: [0.998, 1.0],
    /** AdamW betas (PyTorch's defaults). */
    betas: [0.9, 0.999],
    /** Gradient-norm clipping after the warm-up (official). */
    clipGradNorm: 10,
  },
  /** Every frame: the videos are one clip long, and a step of 4 would pad the clip with its last frame. */
  frameStep: 1,
  /** The Moving MNIST pixel statistics (mostly black frames). */
  normalization: {
    /** Mean of the grey channel. */
    mean: [0.05],
    /** Std of the grey channel. */
    std: [0.2],
  },
  /** Seed of the weights, batches and masks. */
  seed: 0,
} as const satisfies VJepaTrainingConfig;

/** Dataset defaults of the recipe: Moving MNIST videos written at 64 x 64 and decoded at the model's size. */
export const MOVING_MNIST_VJEPA_DATA = {
  /** Videos written for training. */
  trainClips: 600,
  /** Videos written for the probes (from held-out digits). */
  testClips: 200,
  /** Frames per video: one clip. */
  numFrames: 8,
  /** Side of the written videos, in pixels. */
  videoSize: 64,
  /** Digits per video. */
  numDigits: 1,
  /** Direction classes of `directions.csv`. */
  directionClasses: 8,
  /** Seed of the training videos. */
  trainSeed: 1,
  /** Seed of the test videos. */
  testSeed: 2,
} as const;
