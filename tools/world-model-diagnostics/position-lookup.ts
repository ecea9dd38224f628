// Reading positions back out of latents: encode frames of one layout at grid positions, then map any
// latent to the grid position whose encoded frame is nearest (squared Euclidean distance).
import * as tf from '@tensorflow/tfjs';
import { renderTwoRoomsFrame, type ActionConditionedWorldModel, type TwoRoomsLayout } from '@jepa/hierarchy';

/** `[G, D]` latents of the frames of `layout` with the agent at each grid position. */
export function encodeGrid(model: ActionConditionedWorldModel, layout: TwoRoomsLayout, grid: ReadonlyArray<readonly [number, number]>, imageSize: number): tf.Tensor2D {
  const size = imageSize * imageSize * 2;
  const frames = new Float32Array(grid.length * size);
  grid.forEach((p, i) => renderTwoRoomsFrame(layout, p, { imageSize, out: frames.subarray(i * size, (i + 1) * size) }));
  return tf.tidy(() => tf.reshape(model.encode(frames), [grid.length, -1]));
}

/** For each row of `latents` `[N, D]`, the index of the nearest row of `gridLatents` `[G, D]`. */
export function nearestGridIndices(latents: tf.Tensor2D, gridLatents: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const distances = tf.sub(tf.add(tf.sum(tf.square(latents), 1, true), tf.transpose(tf.sum(tf.square(gridLatents), 1, true))), tf.mul(2, tf.matMul(latents, gridLatents, false, true)));
    return Array.from(tf.argMin(distances, 1).dataSync());
  });
}
