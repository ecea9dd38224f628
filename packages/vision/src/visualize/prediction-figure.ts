import * as tf from '@tensorflow/tfjs';
import { disposeMasks, maskIndicesToMasks, MultiBlockMaskSampler, Rng, type LabeledImages, type MaskIndices, type MultiBlockMaskConfig } from '@jepa/core';
import type { IJepaModel } from '../model/ijepa.js';
import { normalizeBatch, type Normalization } from '../training/image-features.js';
import { targetTokens, type PatchDecoder } from './patch-decoder.js';

/** An 8-bit picture, channels-last rows: `data[(y * width + x) * channels + c]`. */
export interface Picture {
  /** Columns, in pixels. */
  readonly width: number;
  /** Rows, in pixels. */
  readonly height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  readonly channels: 3 | 4;
  /** `height * width * channels` bytes. */
  readonly data: Uint8Array;
}

/** The columns of {@link predictionFigure}, left to right. */
export const PREDICTION_FIGURE_COLUMNS = ['image', 'context', 'targets', 'decoded targets', 'decoded predictions'] as const;

/** One sentence saying what the columns of {@link predictionFigure} show (for reports). */
export const PREDICTION_FIGURE_CAPTION =
  'One held-out image per row; columns: the image, the context the encoder sees (other patches dimmed), the target blocks ' +
  '(one colour per block), the decoder\'s rendering of the target encoder\'s tokens at the target positions, and its rendering of ' +
  'the predictor\'s predictions of those tokens (grey: not a target).';

/** Colours of the target blocks, in order (repeated when there are more blocks). */
export const TARGET_BLOCK_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [230, 60, 60], [60, 170, 230], [240, 200, 40], [90, 200, 90], [200, 90, 220], [250, 140, 40],
];

/** Options of {@link predictionFigure}. */
export interface PredictionFigureOptions {
  /** Rows (images, the first of `images`; default 8). */
  readonly count?: number;
  /** Mask config of the model's training (the grid is the model's); default: I-JEPA's with `minKeep` 0. */
  readonly masks?: Omit<MultiBlockMaskConfig, 'grid'>;
  /** Seed of the masks (default 0). */
  readonly seed?: number;
  /** Per-channel normalisation the model was trained with (default: none, pixels 0..1); undone for display. */
  readonly normalization?: Normalization;
  /** Integer upscaling of every cell (default: the smallest that makes a cell at least 84 pixels). */
  readonly scale?: number;
  /** Pixels between cells and around them (default 6). */
  readonly gap?: number;
}

/** What {@link predictionFigure} drew, besides the picture. */
export interface PredictionFigure extends Picture {
  /** Rows drawn: one image each. */
  readonly rows: number;
  /** Column titles, left to right ({@link PREDICTION_FIGURE_COLUMNS}). */
  readonly columns: readonly string[];
  /** Side of one cell in pixels (`imageSize * scale`). */
  readonly cell: number;
  /** Pixels between cells and around them. */
  readonly gap: number;
  /** The masks drawn (context and target blocks per image). */
  readonly masks: MaskIndices;
}

const GREY = 128;
const DIM = 0.3;

/**
 * Draws what an I-JEPA predicts: for each of `count` images, with multi-block masks sampled as in
 * training, the image, its context, its target blocks, the target encoder's tokens at the target
 * positions rendered by `decoder`, and the predictor's predictions of them rendered the same way
 * (the first context block's predictions, when there are several).
 */
export function predictionFigure(model: IJepaModel, decoder: PatchDecoder, images: LabeledImages, options: PredictionFigureOptions = {}): PredictionFigure {
  const { imageSize, patchSize, inChannels } = model.config;
  if (images.height !== imageSize || images.width !== imageSize || images.channels !== inChannels) {
    throw new Error(`predictionFigure: the model takes ${imageSize} x ${imageSize} x ${inChannels} images, got ${images.height} x ${images.width} x ${images.channels}.`);
  }
  if (decoder.patchSize !== patchSize || decoder.channels !== inChannels || decoder.embedDim !== model.config.encoder.embedDim) {
    throw new Error(`predictionFigure: the decoder renders ${decoder.patchSize} x ${decoder.patchSize} x ${decoder.channels} patches from ${decoder.embedDim}-wide tokens; the model has ${patchSize} x ${patchSize} x ${inChannels} patches and ${model.config.encoder.embedDim}-wide tokens.`);
  }
  const count = Math.min(options.count ?? 8, images.count);
  if (!Number.isInteger(count) || count < 1) throw new Error(`predictionFigure: count must be a positive integer and the images must not be empty, got count ${options.count} for ${images.count} images.`);
  const grid = model.contextEncoder.grid as readonly number[];
  const [gridH, gridW] = grid as [number, number];
  const sampler = new MultiBlockMaskSampler({ minKeep: 0, ...options.masks, grid });
  const indices = sampler.sampleIndices(count, new Rng(options.seed ?? 0).derive('prediction-figure'));
  const perImage = imageSize * imageSize * inChannels;
  const raw = images.images.subarray(0, count * perImage);
  const pixels = options.normalization ? normalizeBatch(raw, count, imageSize, imageSize, inChannels, options.normalization) : raw;
  const tokens = gridH * gridW;
  const numTargets = indices.target.length;
  const targetKept = indices.target[0]![0]!.length;

  // Decoded patches: every token of the target encoder [B, N, P*P*C], and every prediction [T, B, Kt, P*P*C] (first context block).
  const masks = maskIndicesToMasks(indices);
  let decodedTargets: Float32Array;
  let decodedPredictions: Float32Array;
  try {
    [decodedTargets, decodedPredictions] = tf.tidy(() => {
      const x = tf.tensor4d(pixels, [count, imageSize, imageSize, inChannels]);
      const targets = targetTokens(model, x);
      const context = model.contextEncoder.encode(x, masks.context);
      const predicted = model.predictor.predict(context, masks.context, masks.target);
      // Rows of `predicted`: (target block m, context block c, sample b) at (m * numContext + c) * B + b.
      const numContext = masks.context.length;
      const firstContext = tf.concat(Array.from({ length: numTargets }, (_, m) => tf.slice(predicted, [m * numContext * count, 0, 0], [count, -1, -1])), 0);
      const d = targets.shape[2];
      const decodedT = decoder.decode(tf.reshape(targets, [count * tokens, d]) as tf.Tensor2D);
      const decodedP = decoder.decode(tf.reshape(firstContext, [numTargets * count * targetKept, d]) as tf.Tensor2D);
      return [decodedT.dataSync() as Float32Array, decodedP.dataSync() as Float32Array];
    }) as unknown as [Float32Array, Float32Array];
  } finally {
    disposeMasks(masks);
  }

  const mean = options.normalization?.mean ?? new Array<number>(inChannels).fill(0);
  const std = options.normalization?.std ?? new Array<number>(inChannels).fill(1);
  const scale = options.scale ?? Math.max(1, Math.ceil(84 / imageSize));
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`predictionFigure: scale must be a positive integer, got ${scale}.`);
  const gap = options.gap ?? 6;
  const cell = imageSize * scale;
  const columns = PREDICTION_FIGURE_COLUMNS.length;
  const width = columns * cell + (columns + 1) * gap;
  const height = count * cell + (count + 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  const patchValues = patchSize * patchSize * inChannels;

  /** Normalised value -> 0..255 display value. */
  const display = (value: number, c: number) => Math.max(0, Math.min(255, Math.round((value * std[c]! + mean[c]!) * 255)));
  /** Native-resolution RGB cell [imageSize, imageSize, 3] as floats 0..255. */
  const newCell = (fill: number) => new Float32Array(imageSize * imageSize * 3).fill(fill);
  const rgbOf = (source: ArrayLike<number>, offset: number, c: number) => display(source[offset + (inChannels === 1 ? 0 : c)]!, inChannels === 1 ? 0 : c);
  const pasteCell = (cellData: Float32Array, row: number, column: number) => {
    const top = gap + row * (cell + gap);
    const left = gap + column * (cell + gap);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const src = (Math.floor(y / scale) * imageSize + Math.floor(x / scale)) * 3;
        const dst = ((top + y) * width + left + x) * 3;
        for (let c = 0; c < 3; c++) data[dst + c] = Math.round(cellData[src + c]!);
      }
    }
  };
  /** Outlines the edges of a set of tokens (those without a neighbour in the set) in `colour`, `thickness` pixels inside. */
  const outline = (set: Set<number>, row: number, column: number, colour: readonly number[]) => {
    const top = gap + row * (cell + gap);
    const left = gap + column * (cell + gap);
    const side = patchSize * scale;
    const thickness = Math.max(1, Math.floor(scale / 2));
    for (const token of set) {
      const gy = Math.floor(token / gridW);
      const gx = token % gridW;
      const edges = {
        top: gy === 0 || !set.has(token - gridW),
        bottom: gy === gridH - 1 || !set.has(token + gridW),
        left: gx === 0 || !set.has(token - 1),
        right: gx === gridW - 1 || !set.has(token + 1),
      };
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const onEdge = (edges.top && y < thickness) || (edges.bottom && y >= side - thickness) || (edges.left && x < thickness) || (edges.right && x >= side - thickness);
          if (!onEdge) continue;
          const dst = ((top + gy * side + y) * width + left + gx * side + x) * 3;
          for (let c = 0; c < 3; c++) data[dst + c] = colour[c]!;
        }
      }
    }
  };
  /** Writes one decoded patch (normalised values at `source[offset..]`, `[P, P, C]`) into a cell at token `token`. */
  const pastePatch = (cellData: Float32Array, token: number, source: Float32Array, offset: number) => {
    const gy = Math.floor(token / gridW);
    const gx = token % gridW;
    for (let py = 0; py < patchSize; py++) {
      for (let px = 0; px < patchSize; px++) {
        const dst = ((gy * patchSize + py) * imageSize + gx * patchSize + px) * 3;
        const src = offset + (py * patchSize + px) * inChannels;
        for (let c = 0; c < 3; c++) cellData[dst + c] = rgbOf(source, src, c);
      }
    }
  };
  const tokenOfPixel = (y: number, x: number) => Math.floor(y / patchSize) * gridW + Math.floor(x / patchSize);

  for (let b = 0; b < count; b++) {
    const image = newCell(0);
    for (let i = 0; i < imageSize * imageSize; i++) {
      for (let c = 0; c < 3; c++) image[i * 3 + c] = rgbOf(pixels, b * perImage + i * inChannels, c);
    }
    const contextSet = new Set<number>(indices.context.flatMap((block) => [...block[b]!]));
    const blockSets = indices.target.map((block) => new Set<number>(block[b]!));
    const blockOf = new Map<number, number>();
    blockSets.forEach((set, m) => set.forEach((token) => blockOf.set(token, m)));

    const context = newCell(0);
    const targets = newCell(0);
    for (let y = 0; y < imageSize; y++) {
      for (let x = 0; x < imageSize; x++) {
        const token = tokenOfPixel(y, x);
        const i = (y * imageSize + x) * 3;
        const block = blockOf.get(token);
        for (let c = 0; c < 3; c++) {
          const v = image[i + c]!;
          const dimmed = DIM * v + (1 - DIM) * GREY;
          context[i + c] = contextSet.has(token) ? v : dimmed;
          targets[i + c] = block === undefined ? dimmed : 0.65 * v + 0.35 * TARGET_BLOCK_COLOURS[block % TARGET_BLOCK_COLOURS.length]![c]!;
        }
      }
    }
    const decodedT = newCell(GREY);
    for (const token of blockOf.keys()) pastePatch(decodedT, token, decodedTargets, (b * tokens + token) * patchValues);
    const decodedP = newCell(GREY);
    for (let m = 0; m < numTargets; m++) {
      const row = indices.target[m]![b]!;
      for (let k = 0; k < targetKept; k++) pastePatch(decodedP, row[k]!, decodedPredictions, ((m * count + b) * targetKept + k) * patchValues);
    }
    [image, context, targets, decodedT, decodedP].forEach((cellData, column) => pasteCell(cellData, b, column));
    blockSets.forEach((set, m) => {
      const colour = TARGET_BLOCK_COLOURS[m % TARGET_BLOCK_COLOURS.length]!;
      for (const column of [2, 3, 4]) outline(set, b, column, colour);
    });
  }
  return { width, height, channels: 3, data, rows: count, columns: [...PREDICTION_FIGURE_COLUMNS], cell, gap, masks: indices };
}
