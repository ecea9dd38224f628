import * as tf from '@tensorflow/tfjs';

/**
 * How a parameter is stored here versus in PyTorch. This file is the one place that converts.
 *
 * - `plain`: same layout in both.
 * - `linear`: here `[in, out]` (so the hot path multiplies untransposed), PyTorch `[out, in]`.
 * - `conv`: a patch/tubelet embedding kept as a matrix `[k1 * ... * kn * C, D]` over channels-last
 *   patches; PyTorch keeps `[D, C, k1, ..., kn]` (Conv2d / Conv3d weight).
 */
export type ParameterLayout =
  | {
    /** Same layout in both. */
    readonly kind: 'plain';
  }
  | {
    /** `[in, out]` here, `[out, in]` in PyTorch. */
    readonly kind: 'linear';
  }
  | {
    /** A patch or tubelet embedding: `[k1 * ... * kn * C, D]` here, `[D, C, k1, ..., kn]` in PyTorch. */
    readonly kind: 'conv';
    /** The kernel size on each axis, `[k1, ..., kn]` (e.g. `[p, p]`, or `[t, p, p]` for tubelets). */
    readonly kernel: readonly number[];
    /** Input channels `C`. */
    readonly inChannels: number;
  };

/** The layout of parameters stored the same way here and in PyTorch (biases, norms, tokens, tables). */
export const PLAIN: ParameterLayout = { kind: 'plain' };
/** The layout of `Linear` weights: `[in, out]` here, `[out, in]` in PyTorch. */
export const LINEAR: ParameterLayout = { kind: 'linear' };

/** The shape PyTorch uses for a parameter stored here with `shape`. */
export function torchShape(shape: readonly number[], layout: ParameterLayout): number[] {
  switch (layout.kind) {
    case 'plain':
      return [...shape];
    case 'linear':
      return [shape[1]!, shape[0]!];
    case 'conv':
      return [shape[1]!, layout.inChannels, ...layout.kernel];
  }
}

/** Converts a tensor from this library's layout to PyTorch's. Returns a new tensor. */
export function toTorchLayout(t: tf.Tensor, layout: ParameterLayout): tf.Tensor {
  return tf.tidy(() => {
    switch (layout.kind) {
      case 'plain':
        return tf.clone(t);
      case 'linear':
        return tf.transpose(t);
      case 'conv': {
        const n = layout.kernel.length;
        const out = t.shape[1]!;
        // [k..., C, D] -> [D, C, k...]
        const expanded = tf.reshape(t, [...layout.kernel, layout.inChannels, out]);
        const perm = [n + 1, n, ...Array.from({ length: n }, (_, i) => i)];
        return tf.transpose(expanded, perm);
      }
    }
  });
}

/** Converts a tensor from PyTorch's layout to this library's. Returns a new tensor. */
export function fromTorchLayout(t: tf.Tensor, layout: ParameterLayout): tf.Tensor {
  return tf.tidy(() => {
    switch (layout.kind) {
      case 'plain':
        return tf.clone(t);
      case 'linear':
        return tf.transpose(t);
      case 'conv': {
        const n = layout.kernel.length;
        // [D, C, k...] -> [k..., C, D]
        const perm = [...Array.from({ length: n }, (_, i) => i + 2), 1, 0];
        const moved = tf.transpose(t, perm);
        const rows = layout.kernel.reduce((a, b) => a * b, 1) * layout.inChannels;
        return tf.reshape(moved, [rows, t.shape[0]!]);
      }
    }
  });
}
