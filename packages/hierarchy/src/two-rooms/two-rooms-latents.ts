import type { WorldModel } from '@jepa/core';
import type { TwoRoomsDataset } from '../env/two-rooms/dataset.js';
import { renderTwoRoomsFrames } from '../env/two-rooms/render-frames.js';
import { encodeTrajectoryLatents } from '../levels/encode-trajectory-latents.js';
import type { LatentTrajectories } from '../levels/latent-level-training-options.js';
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
  const frames = dataset.steps + 1;
  const renderTrajectories = (first: number, count: number) =>
    renderTwoRoomsFrames({
      positions: dataset.positions.subarray(first * frames * 2, (first + count) * frames * 2),
      layouts: dataset.layouts.subarray(first * 2, (first + count) * 2),
      imageSize: options.imageSize,
    });
  return encodeTrajectoryLatents(model, { trajectories: dataset.trajectories, steps: dataset.steps, actions: dataset.actions, renderTrajectories }, options.chunk, 'encodeTwoRoomsLatents');
}
