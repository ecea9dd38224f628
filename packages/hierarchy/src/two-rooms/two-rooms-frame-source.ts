import type { Rng } from '@jepa/core';
import { renderTwoRoomsFrames } from '../env/two-rooms/render-frames.js';
import type { TwoRoomsDataset } from '../env/two-rooms/dataset.js';
import { sampleTwoRoomsWindows } from '../env/two-rooms/window-sampler.js';
import type { FrameSequenceSource } from '../training/frame-sequence-source.js';

/**
 * Training windows of a Two Rooms dataset as a world model's `FrameSequenceSource`: random windows
 * of the offline trajectories (`sampleTwoRoomsWindows`), rendered at `imageSize` (2 channels, the
 * reference normalisation) when sampled, with their raw actions in world pixels.
 */
export function twoRoomsFrameSource(dataset: TwoRoomsDataset, options: { readonly imageSize: number }): FrameSequenceSource {
  const { imageSize } = options;
  return {
    frameShape: [imageSize, imageSize, 2],
    actionDim: 2,
    sample(batchSize: number, windowLength: number, rng: Rng) {
      const windows = sampleTwoRoomsWindows(dataset, { batchSize, length: windowLength }, rng);
      const frames = renderTwoRoomsFrames({ positions: windows.positions, layouts: windows.layouts, imageSize });
      return { frames, actions: windows.actions };
    },
  };
}
