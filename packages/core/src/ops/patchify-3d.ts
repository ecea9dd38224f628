import * as tf from '@tensorflow/tfjs';

/**
 * Cuts channels-last clips `[B, T, H, W, C]` into non-overlapping `t x p x p` tubelets:
 * `[B, N, t * p * p * C]` with `N = (T / t) * (H / p) * (W / p)` tubelets in raster order of the
 * `[T / t, H / p, W / p]` grid, each flattened in `(dt, dy, dx, c)` order. A `Linear` with the conv
 * layout `{ kernel: [t, p, p], inChannels: C }` on these rows is PyTorch's stride-`(t, p, p)`
 * `Conv3d` (weight `[D, C, t, p, p]`).
 *
 * Written as reshapes and two rank-4 transposes: the gradient needs no conv backprop kernel
 * (missing on wasm), and rank-4 transposes are an order of magnitude faster than rank-5+ ones
 * there.
 *
 * Shape legend: `B` batch, `T` frames, `H`/`W` pixels, `C` channels, `N` tubelets.
 *
 * @param clips `[B, T, H, W, C]`
 * @param tubelet frames per tubelet `t`
 * @param patch pixels per tubelet side `p`
 * @returns `[B, N, t * p * p * C]`
 */
export function patchify3d(clips: tf.Tensor5D, tubelet: number, patch: number): tf.Tensor3D {
  if (clips.rank !== 5) {
    throw new Error(`patchify3d: expected clips [B, T, H, W, C] (channels last), got shape [${clips.shape.join(', ')}]; transpose PyTorch's [B, C, T, H, W] with perm [0, 2, 3, 4, 1].`);
  }
  for (const [name, value] of [['tubelet', tubelet], ['patch', patch]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`patchify3d: ${name} size must be a positive integer, got ${value}.`);
  }
  const [batch, frames, height, width, channels] = clips.shape;
  if (frames % tubelet !== 0) {
    throw new Error(`patchify3d: ${frames} frames are not divisible by tubelet size ${tubelet}; sample a multiple of ${tubelet} frames per clip.`);
  }
  if (height % patch !== 0 || width % patch !== 0) {
    throw new Error(`patchify3d: frames of ${height}x${width} are not divisible by patch size ${patch}; resize or crop to a multiple of ${patch}.`);
  }
  const gt = frames / tubelet;
  const gh = height / patch;
  const gw = width / patch;
  return tf.tidy(() => {
    // [B*T', t, H', p*W'*p*C] -> [B*T', H', t, p*W'*p*C]: order (b, t', h', dt, dy, w', dx, c).
    const a = tf.transpose(tf.reshape(clips, [batch * gt, tubelet, gh, patch * width * channels]), [0, 2, 1, 3]);
    // [B*T'*H', t*p, W', p*C] -> [B*T'*H', W', t*p, p*C]: order (b, t', h', w', dt, dy, dx, c).
    const b = tf.transpose(tf.reshape(a, [batch * gt * gh, tubelet * patch, gw, patch * channels]), [0, 2, 1, 3]);
    return tf.reshape(b, [batch, gt * gh * gw, tubelet * patch * patch * channels]);
  });
}
