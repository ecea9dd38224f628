import type { TokenEmbedding } from './token-embedding.js';
import { TransformerEncoder } from './transformer-encoder.js';
import type { VitSize } from './vit-presets.js';

/** The transformer body of a ViT: sizes plus the official defaults that image and video ViTs share. */
export interface VitEncoderOptions extends VitSize {
  /** Default true (official). */
  readonly qkvBias?: boolean;
  /** Default 1e-6 (official). */
  readonly layerNormEps?: number;
  /** 3-D grids only: V-JEPA's `uniform_power` sin-cos split. Default true. */
  readonly uniformPower?: boolean;
}

/**
 * The one ViT factory of image and video encoders: checks the sizes at once (messages start with
 * `label`, e.g. `ViT` or `VideoTransformer`), then wraps `embedding` (a patch or tubelet embedding)
 * in a {@link TransformerEncoder} with the official defaults (MLP ratio 4, qkv bias, LayerNorm eps
 * 1e-6). The embedding is disposed when the encoder cannot be built.
 */
export function createVitEncoder<Input>(embedding: TokenEmbedding<Input>, options: VitEncoderOptions, label: string): TransformerEncoder<Input> {
  const { embedDim, numHeads, depth } = options;
  try {
    if (!Number.isInteger(embedDim) || embedDim <= 0) throw new Error(`${label}: embedDim must be a positive integer, got ${embedDim}.`);
    if (!Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
      throw new Error(`${label}: width ${embedDim} is not divisible by ${numHeads} heads; change embedDim or numHeads so that numHeads divides embedDim.`);
    }
    if (!Number.isInteger(depth) || depth <= 0) throw new Error(`${label}: depth must be a positive integer, got ${depth}.`);
    return new TransformerEncoder(embedding, {
      depth,
      numHeads,
      mlpRatio: options.mlpRatio ?? 4,
      qkvBias: options.qkvBias ?? true,
      layerNormEps: options.layerNormEps ?? 1e-6,
      uniformPower: options.uniformPower ?? true,
    });
  } catch (error) {
    embedding.dispose();
    throw error;
  }
}
