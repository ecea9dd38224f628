import * as tf from '@tensorflow/tfjs';
import { PRODUCT_GELU, wasmFastKernelsActive, wasmFastKernelsOn } from '../backend/kernels/fast-kernels.js';

/**
 * Whether `tf.matMul` with `transposeA/B` is as fast as without here: on every backend but the
 * stock wasm one, whose transposed products run a plain loop about five times slower than its
 * untransposed ones (measured in ARCHITECTURE.md). @jepa/core's fast wasm `BatchMatMul` packs
 * either layout, so with it the explicit transposes below are only copies (up to 100 ms of a bench
 * step) and are skipped. Both ways sum each element's products in the same order.
 */
function transposedProductsAreFast(): boolean {
  return tf.getBackend() !== 'wasm' || wasmFastKernelsOn();
}

/** `a @ b + bias`, then `activation` (`'linear'` or {@link PRODUCT_GELU}), as one `_FusedMatMul` call. */
function fusedProduct(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor, activation: string): tf.Tensor2D {
  return tf.engine().runKernel('_FusedMatMul', { a, b, bias }, { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 }) as tf.Tensor2D;
}

/**
 * `a @ b + bias` (a bias row added to every row) for 2-D `a` and `b`. With @jepa/core's fast wasm
 * kernels on, one `_FusedMatMul` call that adds the bias inside the product (the same bits as a
 * separate addition, one kernel call fewer), whose gradient multiplies with transpose flags (fast
 * there) and sums `dy` over rows for the bias; elsewhere {@link matMul2d} then `tf.add`.
 *
 * @param a `[M, K]`
 * @param b `[K, N]`
 * @param bias `[N]`
 * @returns `[M, N]`
 */
export function matMul2dBias(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  if (wasmFastKernelsActive()) return productWithBias(a, b, bias);
  return tf.tidy(() => tf.add(matMul2d(a, b), bias) as tf.Tensor2D);
}

/**
 * `a @ b + bias` through GELU in one kernel call, when that can run here: @jepa/core's fast wasm
 * kernels are on and no gradient is being recorded (the kernel has no gradient: inference, the
 * target encoder's forward pass). Otherwise undefined, and the caller runs the product and GELU
 * apart. GELU inside the product gives the bits of the separate `gelu` kernel.
 *
 * @param a `[M, K]`
 * @param b `[K, N]`
 * @param bias `[N]`
 * @returns `[M, N]`, or undefined
 */
export function matMul2dBiasGelu(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D | undefined {
  if (!wasmFastKernelsActive() || tf.engine().isTapeOn() || a.dtype !== 'float32') return undefined;
  return fusedProduct(a, b, bias, PRODUCT_GELU);
}

/**
 * The `_FusedMatMul` kernel with a bias under a gradient of its own: tf.fused.matMul's would also
 * work, but reshapes to 3-D and back around it (three more kernel calls each way; 1.4 % of a bench
 * step, paired A/B).
 */
const productWithBias = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, y]);
  return {
    value: fusedProduct(x as tf.Tensor2D, y as tf.Tensor2D, z, 'linear'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, ys, false, true), tf.matMul(xs, d, true, false), tf.sum(d, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor) => tf.Tensor2D;

/**
 * `a @ b` for 2-D matrices whose gradient multiplies explicitly transposed operands where the
 * backend's transposed products are slow (the stock wasm kernels; fast everywhere else, and on wasm
 * with @jepa/core's fast kernels on).
 *
 * @param a `[M, K]`
 * @param b `[K, N]`
 * @returns `[M, N]`
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
        const d = dy as tf.Tensor2D;
        if (transposedProductsAreFast()) return [tf.matMul(d, ys, false, true), tf.matMul(xs, d, true, false)];
        return [tf.matMul(d, tf.transpose(ys)), tf.matMul(tf.transpose(xs), d)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(a, b) as tf.Tensor2D;
}

/**
 * Batched `a @ b` (`transposeB` optional) over a leading batch dimension, with a gradient that uses
 * only untransposed batched products where transposed ones are slow (see {@link matMul2d}).
 *
 * @param a `[B, M, K]`
 * @param b `[B, K, N]`, or `[B, N, K]` when `transposeB`
 * @returns `[B, M, N]`
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeB = false): tf.Tensor3D {
  if (transposedProductsAreFast()) {
    const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x, y]);
      return {
        value: tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, transposeB),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, ys] = saved as [tf.Tensor3D, tf.Tensor3D];
          const d = dy as tf.Tensor3D;
          // out = x op(y): dx = dy op(y)^T; d op(y) = x^T dy, so dy' = (x^T dy)^T = dy^T x when transposed.
          return transposeB ? [tf.matMul(d, ys), tf.matMul(d, xs, true, false)] : [tf.matMul(d, ys, false, true), tf.matMul(xs, d, true, false)];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(a, b) as tf.Tensor3D;
  }
  const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    const yt = transposeB ? tf.transpose(y, [0, 2, 1]) : y;
    save([x, yt]);
    return {
      value: tf.matMul(x as tf.Tensor3D, yt as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor3D, tf.Tensor3D];
        const dx = tf.matMul(dy as tf.Tensor3D, tf.transpose(ys, [0, 2, 1]));
        const dyt = tf.matMul(tf.transpose(xs, [0, 2, 1]), dy as tf.Tensor3D);
        return [dx, transposeB ? tf.transpose(dyt, [0, 2, 1]) : dyt];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(a, b) as tf.Tensor3D;
}
