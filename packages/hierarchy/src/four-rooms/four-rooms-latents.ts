import type { WorldModel } from '@jepa/core';
import type { FourRoomsDataset } from '../env/four-rooms/dataset.js';
import { renderFourRoomsFrames } from '../env/four-rooms/render-frames.js';
import { encodeTrajectoryLatents } from '../levels/encode-trajectory-latents.js';
import type { LatentTrajectories } from '../levels/latent-level-training-options.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';

/**
 * The latents of every frame of a Four Rooms dataset under a trained world model's encoder, with
 * the dataset's actions: what a level above trains on (`trainLatentLevel`). Frames are drawn at
 * `imageSize` and encoded `chunk` trajectories at a time (default 32).
 */
export function encodeFourRoomsLatents(model: WorldModel<FrameObservation>, dataset: FourRoomsDataset, options: { readonly imageSize: number; readonly chunk?: number }): LatentTrajectories {
  const frames = dataset.steps + 1;
  const renderTrajectories = (first: number, count: number) =>
    renderFourRoomsFrames({
      positions: dataset.positions.subarray(first * frames * 2, (first + count) * frames * 2),
      layouts: dataset.layouts.subarray(first, first + count),
      doors: dataset.doors,
      imageSize: options.imageSize,
    });
  return encodeTrajectoryLatents(model, { trajectories: dataset.trajectories, steps: dataset.steps, actions: dataset.actions, renderTrajectories }, options.chunk, 'encodeFourRoomsLatents');
}
