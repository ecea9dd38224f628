import * as tf from '@tensorflow/tfjs';
import { AdamW, guardedUpdate, Linear, Module, patchify2d, Rng, withInitSeed, type LabeledImages } from '@jepa/core';
import type { IJepaModel } from '../model/ijepa.js';
import { normalizeBatch, type Normalization } from '../training/image-features.js';

/**
 * A small MLP that renders the pixels of one patch from one layer-normed target-encoder token:
 * `fc2(gelu(fc1(token)))`, `D -> hidden -> P * P * C`. It reads the space the predictor predicts
 * (`layerNorm(targetEncoder.encode(x))`, as `Jepa.targets`), so it can render predictions too: the
 * RCDM idea of the I-JEPA paper at MNIST scale, with a regression MLP instead of a diffusion model.
 */
export class PatchDecoder extends Module {
  /** `D -> hidden`, then GELU. */
  readonly fc1: Linear;
  /** `hidden -> P * P * C`: the patch pixels. */
  readonly fc2: Linear;

  /**
   * @param embedDim Width `D` of the tokens it reads. @param hiddenDim Width of the hidden layer. @param
   * patchSize Side `P` of a patch, in pixels. @param channels Channels `C` of the images.
   */
  constructor(readonly embedDim: number, readonly hiddenDim: number, readonly patchSize: number, readonly channels: number) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(embedDim, hiddenDim));
    this.fc2 = this.addModule('fc2', new Linear(hiddenDim, patchSize * patchSize * channels));
  }

  /** Pixel values per patch (`P * P * C`, row-major `[P, P, C]`). */
  get patchValues(): number {
    return this.patchSize * this.patchSize * this.channels;
  }

  /**
   * @param tokens `[N, D]` layer-normed target-encoder tokens (or predictions of them)
   * @returns `[N, P * P * C]` patch pixels in normalised units, `[P, P, C]` row-major per row
   */
  decode(tokens: tf.Tensor2D): tf.Tensor2D {
    if (tokens.rank !== 2 || tokens.shape[1] !== this.embedDim) {
      throw new Error(`PatchDecoder.decode: expected tokens [N, ${this.embedDim}], got [${tokens.shape.join(', ')}].`);
    }
    return tf.tidy(() => this.fc2.apply(this.fc1.applyGelu(tokens)));
  }
}

/** Options of {@link trainPatchDecoder}. */
export interface TrainPatchDecoderOptions {
  /** AdamW updates (default 1500: about 10 s on 2 CPU cores for the MNIST recipe). */
  readonly steps?: number;
  /** Tokens per update (default 256). */
  readonly batchSize?: number;
  /** Peak learning rate, cosine-decayed to 0 (default 2e-3). */
  readonly lr?: number;
  /** Hidden width (default 256). */
  readonly hiddenDim?: number;
  /** Images whose tokens train the decoder, the first ones of `images` (default 1024). */
  readonly maxImages?: number;
  /** Seed of the initial weights and of the minibatches (default 0). */
  readonly seed?: number;
  /** Per-channel normalisation the model was trained with (default: none, pixels 0..1). */
  readonly normalization?: Normalization;
  /** Called every `progressEvery` updates (default 100) and after the last, with its loss. */
  readonly onProgress?: (step: number, steps: number, loss: number) => void;
  /** Updates between two `onProgress` calls (default 100). */
  readonly progressEvery?: number;
}

/** What {@link trainPatchDecoder} returns; the caller disposes `decoder`. */
export interface TrainedPatchDecoder {
  /** The trained decoder. */
  readonly decoder: PatchDecoder;
  /** Mean squared error (normalised pixel units) of the trained decoder over every training patch. */
  readonly mse: number;
  /** The same for always predicting the mean patch: what the decoder must beat. */
  readonly meanPatchMse: number;
  /** Updates run. */
  readonly steps: number;
  /** Patches (tokens) it was trained on. */
  readonly patches: number;
  /** Wall-clock seconds of the training. */
  readonly seconds: number;
}

/**
 * Layer-normed target-encoder tokens, the space the predictor predicts (`Jepa.targets`).
 * @param input `[B, H, W, C]` normalised images
 * @returns `[B, N, D]`
 */
export function targetTokens(model: IJepaModel, input: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => model.jepa.targets(input).normed);
}

/**
 * Trains a {@link PatchDecoder} on the frozen target encoder of `model`: every patch of the first
 * `maxImages` images is one example, its layer-normed token the input and its normalised pixels the
 * target (mean squared error, AdamW through core's `guardedUpdate`; the encoder gets no gradient).
 * Seeded: the same model, images and options give the same decoder.
 */
export async function trainPatchDecoder(model: IJepaModel, images: LabeledImages, options: TrainPatchDecoderOptions = {}): Promise<TrainedPatchDecoder> {
  const started = performance.now();
  const steps = options.steps ?? 1500;
  const batchSize = options.batchSize ?? 256;
  const lr = options.lr ?? 2e-3;
  const seed = options.seed ?? 0;
  const progressEvery = options.progressEvery ?? 100;
  const { imageSize, patchSize, inChannels } = model.config;
  for (const [name, value] of Object.entries({ steps, batchSize })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`trainPatchDecoder: ${name} must be a positive integer, got ${value}.`);
  }
  if (images.height !== imageSize || images.width !== imageSize || images.channels !== inChannels) {
    throw new Error(`trainPatchDecoder: the model takes ${imageSize} x ${imageSize} x ${inChannels} images, got ${images.height} x ${images.width} x ${images.channels}; resize the images first.`);
  }
  const count = Math.min(images.count, options.maxImages ?? 1024);
  if (count < 1) throw new Error('trainPatchDecoder: no images to train on.');
  const perImage = imageSize * imageSize * inChannels;
  const raw = images.images.subarray(0, count * perImage);
  const pixels = options.normalization ? normalizeBatch(raw, count, imageSize, imageSize, inChannels, options.normalization) : raw;
  const embedDim = model.config.encoder.embedDim;
  const decoder = withInitSeed(seed, () => new PatchDecoder(embedDim, options.hiddenDim ?? 256, patchSize, inChannels));
  const parameters = decoder.trainableParameters('decoder.').map(([name, p]) => [name, p.variable] as const);
  const optimizer = new AdamW(parameters);
  let tokens: tf.Tensor2D | undefined;
  let targets: tf.Tensor2D | undefined;
  try {
    // Tokens of every patch, once (the encoder is frozen).
    const chunks: tf.Tensor2D[] = [];
    try {
      for (let start = 0; start < count; start += 128) {
        const n = Math.min(128, count - start);
        chunks.push(tf.tidy(() => {
          const x = tf.tensor4d(pixels.subarray(start * perImage, (start + n) * perImage), [n, imageSize, imageSize, inChannels]);
          const t = targetTokens(model, x);
          return tf.reshape(t, [t.shape[0] * t.shape[1], embedDim]) as tf.Tensor2D;
        }));
      }
      tokens = chunks.length === 1 ? chunks[0]!.clone() : tf.concat(chunks, 0);
    } finally {
      for (const c of chunks) c.dispose();
    }
    const patches = tokens.shape[0];
    // Core's patchify: the same [P, P, C] rows in token raster order as the patch embedding reads.
    targets = tf.tidy(() => tf.reshape(patchify2d(tf.tensor4d(pixels, [count, imageSize, imageSize, inChannels]), patchSize), [patches, decoder.patchValues]) as tf.Tensor2D);
    const rng = new Rng(seed).derive('patch-decoder');
    const batch = Math.min(batchSize, patches);
    const rows = new Int32Array(batch);
    for (let step = 1; step <= steps; step++) {
      for (let i = 0; i < batch; i++) rows[i] = rng.int(0, patches);
      const index = tf.tensor1d(rows, 'int32');
      const x = tf.gather(tokens, index);
      const y = tf.gather(targets, index);
      let loss: number;
      try {
        const stepLr = 0.5 * lr * (1 + Math.cos((Math.PI * (step - 1)) / steps));
        loss = guardedUpdate(() => tf.mean(tf.squaredDifference(decoder.decode(x as tf.Tensor2D), y)) as tf.Scalar, { parameters, optimizer, lr: stepLr, weightDecay: 0 }).loss;
      } finally {
        index.dispose();
        x.dispose();
        y.dispose();
      }
      if (options.onProgress && (step % progressEvery === 0 || step === steps)) options.onProgress(step, steps, loss);
      if (step % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const [mse, meanPatchMse] = tf.tidy(() => {
      const y = targets!;
      const fitted = tf.mean(tf.squaredDifference(decoder.decode(tokens!), y));
      const baseline = tf.mean(tf.squaredDifference(tf.mean(y, 0, true), y));
      return [fitted, baseline];
    }).map((t) => {
      const value = t.dataSync()[0]!;
      t.dispose();
      return value;
    }) as [number, number];
    return { decoder, mse, meanPatchMse, steps, patches, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    decoder.dispose();
    throw error;
  } finally {
    tokens?.dispose();
    targets?.dispose();
    optimizer.dispose();
  }
}
