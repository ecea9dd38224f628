import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '@jepa/core';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import type { LatentTrajectories } from './latent-level-training-options.js';

/** What {@link encodeTrajectoryLatents} encodes: trajectories of an offline dataset and how to draw their frames. */
export interface TrajectoryFrames {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (frames: `T + 1`). */
  readonly steps: number;
  /** `[N, T, A]` actions, kept as they are. */
  readonly actions: Float32Array;
  /** Draws the `T + 1` frames of trajectories `first .. first + count - 1`: `[count * (T + 1), S, S, C]`. */
  renderTrajectories(first: number, count: number): Float32Array;
}

/**
 * The latents of every frame of an offline dataset under a trained world model's encoder, with the
 * dataset's actions: what a level above trains on (`trainLatentLevel`). Frames are drawn and encoded
 * `chunk` trajectories at a time (default 32); the latents must be one token per frame. `where`
 * names the caller in errors.
 */
export function encodeTrajectoryLatents(model: WorldModel<FrameObservation>, data: TrajectoryFrames, chunk = 32, where = 'encodeTrajectoryLatents'): LatentTrajectories {
  const { trajectories, steps } = data;
  const frames = steps + 1;
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`${where}: chunk must be a positive integer, got ${String(chunk)}.`);
  let latents: Float32Array | null = null;
  let width = 0;
  for (let first = 0; first < trajectories; first += chunk) {
    const count = Math.min(chunk, trajectories - first);
    const encoded = model.encode(data.renderTrajectories(first, count));
    try {
      const [, tokens, D] = encoded.shape;
      if (tokens !== 1) throw new Error(`${where}: the encoder gives ${tokens} tokens per frame; a latent level needs one.`);
      if (latents === null) {
        width = D;
        latents = new Float32Array(trajectories * frames * width);
      }
      latents.set(encoded.dataSync(), first * frames * width);
    } finally {
      tf.dispose(encoded);
    }
  }
  return { trajectories, steps, latents: latents!, actions: data.actions };
}
