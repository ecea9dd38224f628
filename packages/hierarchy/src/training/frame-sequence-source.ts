import type { Rng } from '@jepa/core';

/** A batch of windows: `frames` `[B, T, H, W, C]` and `actions` `[B, T, A]` (action `t` moves frame `t` to `t + 1`). */
export interface FrameSequenceBatch {
  /** `[B, T, H, W, C]` frame values, window-major. */
  readonly frames: Float32Array;
  /** `[B, T, A]` actions, window-major. */
  readonly actions: Float32Array;
}

/**
 * Where a world model's training windows come from: short sequences of frames with the actions
 * between them, drawn with the `Rng` the trainer derives for each step (so runs resume exactly).
 * Environments provide one (e.g. Two Rooms renders windows of its offline trajectories).
 *
 * Shape legend: `B` windows, `T` frames per window, `H`/`W`/`C` frame size, `A` action size.
 */
export interface FrameSequenceSource {
  /** `[H, W, C]` of one frame. */
  readonly frameShape: readonly [number, number, number];
  /** Values per action (`A`). */
  readonly actionDim: number;
  /** `batchSize` windows of `windowLength` frames. */
  sample(batchSize: number, windowLength: number, rng: Rng): FrameSequenceBatch;
}
