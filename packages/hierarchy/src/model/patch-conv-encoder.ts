import * as tf from '@tensorflow/tfjs';
import { LayerNorm, Linear, Module, ModuleList, patchify2d, type EncodeOptions, type Encoder, type TokenGrid, type TokenIndex } from '@jepa/core';

/** Sizes of a {@link PatchConvEncoder}. */
export interface PatchConvEncoderOptions {
  /** Side of the square input frames, in pixels; divisible by `2^stages.length`. */
  readonly imageSize: number;
  /** Channels `C` of the input frames. */
  readonly inChannels: number;
  /** Channels after each stage; each stage halves the side (2 x 2 patches, stride 2). Default `[32, 64, 64]`. */
  readonly stages?: readonly number[];
  /** Width `D` of the latent state. Default 128. */
  readonly latentDim?: number;
}

/** One stage: a 2 x 2, stride-2 convolution written as patchify + matMul (wasm has no conv filter gradient), then ReLU. */
class PatchConvStage extends Module {
  readonly proj: Linear;

  constructor(readonly inChannels: number, readonly outChannels: number) {
    super();
    this.proj = this.addModule('proj', new Linear(4 * inChannels, outChannels, { initStd: 1 / Math.sqrt(4 * inChannels) }));
  }

  /** @param x `[B, H, W, C]` @returns `[B, H/2, W/2, C']` */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [batch, height, width] = x.shape;
      const y = tf.relu(this.proj.apply(patchify2d(x, 2)));
      return tf.reshape(y, [batch, height / 2, width / 2, this.outChannels]) as tf.Tensor4D;
    });
  }
}

/**
 * A small convolutional frame encoder for world models: stages of 2 x 2 stride-2 convolutions with
 * ReLU (each a patchify + matMul, fast on wasm and with a gradient there), then a linear head and a
 * LayerNorm to one latent vector per frame, as eb_jepa's IMPALA encoder ends (Linear + LayerNorm).
 * It implements the core `Encoder` over the one-token grid `[1]`: frames `[B, H, W, C]` to `[B, 1, D]`.
 *
 * Shape legend: `B` batch, `H`/`W` pixels, `C` channels, `D` latent width.
 */
export class PatchConvEncoder extends Module implements Encoder<tf.Tensor4D> {
  readonly grid: TokenGrid = [1];
  readonly embedDim: number;
  /** The 2 x 2 stride-2 convolution stages (`stages.i.proj`). */
  readonly stages: ModuleList<PatchConvStage>;
  /** Flattened last-stage features to the latent: `-> D` (`head`). */
  readonly head: Linear;
  /** LayerNorm of the latent (`norm`). */
  readonly norm: LayerNorm;

  /** @param options Sizes; see {@link PatchConvEncoderOptions}. */
  constructor(readonly options: PatchConvEncoderOptions) {
    super();
    const channels = options.stages ?? [32, 64, 64];
    const { imageSize, inChannels } = options;
    const latentDim = options.latentDim ?? 128;
    for (const [name, value] of Object.entries({ imageSize, inChannels, latentDim })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`PatchConvEncoder: ${name} must be a positive integer, got ${value}.`);
    }
    if (channels.length === 0 || channels.some((c) => !Number.isInteger(c) || c <= 0)) {
      throw new Error(`PatchConvEncoder: stages must be one or more positive channel counts, got [${channels.join(', ')}].`);
    }
    const side = imageSize / 2 ** channels.length;
    if (!Number.isInteger(side)) {
      throw new Error(`PatchConvEncoder: ${channels.length} stages halve the side ${channels.length} times, so imageSize ${imageSize} must be a multiple of ${2 ** channels.length}; change imageSize or the number of stages.`);
    }
    this.embedDim = latentDim;
    this.stages = this.addModule('stages', new ModuleList(channels.map((c, i) => new PatchConvStage(i === 0 ? inChannels : channels[i - 1]!, c))));
    this.head = this.addModule('head', new Linear(side * side * channels[channels.length - 1]!, latentDim, { initStd: 1 / Math.sqrt(side * side * channels[channels.length - 1]!) }));
    this.norm = this.addModule('norm', new LayerNorm(latentDim, 1e-5));
  }

  /**
   * @param frames `[B, H, W, C]`
   * @returns `[B, 1, D]`
   */
  encode(frames: tf.Tensor4D, keep?: TokenIndex[], _options?: EncodeOptions): tf.Tensor3D {
    if (keep && keep.length > 0) throw new Error('PatchConvEncoder.encode: a frame is one latent token; there is nothing to keep or drop (pass no keep sets).');
    const { imageSize, inChannels } = this.options;
    const [batch, height, width, channels] = frames.shape;
    if (height !== imageSize || width !== imageSize || channels !== inChannels) {
      throw new Error(`PatchConvEncoder: expected frames [B, ${imageSize}, ${imageSize}, ${inChannels}] (channels last), got [${frames.shape.join(', ')}].`);
    }
    return tf.tidy(() => {
      let x = frames;
      for (const stage of this.stages.items) x = stage.apply(x);
      const flat = tf.reshape(x, [batch, -1]) as tf.Tensor2D;
      return tf.reshape(this.norm.apply(this.head.apply(flat)), [batch, 1, this.embedDim]) as tf.Tensor3D;
    });
  }
}
