import type { Rng } from '@jepa/core';
import type { FourRoomsDataset } from '../env/four-rooms/dataset.js';
import { renderFourRoomsFrames } from '../env/four-rooms/render-frames.js';
import { sampleFourRoomsWindows } from '../env/four-rooms/window-sampler.js';
import type { FrameSequenceSource } from '../training/frame-sequence-source.js';

/**
 * Training windows of a Four Rooms dataset as a world model's `FrameSequenceSource`, as
 * `twoRoomsFrameSource` gives Two Rooms ones: random windows (`sampleFourRoomsWindows`) rendered at
 * `imageSize` in the Two Rooms frame format (2 channels) when sampled, with their actions in world pixels.
 */
export function fourRoomsFrameSource(dataset: FourRoomsDataset, options: { readonly imageSize: number }): FrameSequenceSource {
  const { imageSize } = options;
  return {
    frameShape: [imageSize, imageSize, 2],
    actionDim: 2,
    sample(batchSize: number, windowLength: number, rng: Rng) {
      const windows = sampleFourRoomsWindows(dataset, { batchSize, length: windowLength }, rng);
      const frames = renderFourRoomsFrames({ positions: windows.positions, layouts: windows.layouts, doors: dataset.doors, imageSize });
      return { frames, actions: windows.actions };
    },
  };
}
