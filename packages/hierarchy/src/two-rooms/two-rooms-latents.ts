import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '@jepa/core';
import type { TwoRoomsDataset } from '../env/two-rooms/dataset.js';
import { renderTwoRoomsFrames } from '../env/two-rooms/render-frames.js';
import type { LatentTrajectories } from '../levels/train-latent-level.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';

/** Options of {@link encodeTwoRoomsLatents}. */
export interface TwoRoomsLatentsOptions {
  /** Frame side the model's encoder takes. */
  readonly imageSize: number;
  /** Trajectories rendered and encoded per call of the encoder. Default 32. */
  readonly chunk?: number;
}

/**
 * The latents of every frame of a Two Rooms dataset under a trained world model's encoder, with the
 * dataset's actions: what a level above trains on (`trainLatentLevel`). Frames are rendered and
 * encoded `chunk` trajectories at a time; the latents must be one token per frame.
 */
export function encodeTwoRoomsLatents(model: WorldModel<FrameObservation>, dataset: TwoRoomsDataset, options: TwoRoomsLatentsOptions): LatentTrajectories {
  const { trajectories, steps } = dataset;
  const frames = steps + 1;
  const chunk = options.chunk ?? 32;
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`encodeTwoRoomsLatents: chunk must be a positive integer, got ${String(chunk)}.`);
  let latents: Float32Array | null = null;
  let width = 0;
  for (let first = 0; first < trajectories; first += chunk) {
    const count = Math.min(chunk, trajectories - first);
    const rendered = renderTwoRoomsFrames({
      positions: dataset.positions.subarray(first * frames * 2, (first + count) * frames * 2),
      layouts: dataset.layouts.subarray(first * 2, (first + count) * 2),
      imageSize: options.imageSize,
    });
    const encoded = model.encode(rendered);
    try {
      const [, tokens, D] = encoded.shape;
      if (tokens !== 1) throw new Error(`encodeTwoRoomsLatents: the encoder gives ${tokens} tokens per frame; a latent level needs one.`);
      if (latents === null) {
        width = D;
        latents = new Float32Array(trajectories * frames * width);
      }
      latents.set(encoded.dataSync(), first * frames * width);
    } finally {
      tf.dispose(encoded);
    }
  }
  return { trajectories, steps, latents: latents!, actions: dataset.actions };
}
