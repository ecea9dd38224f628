import * as tf from '@tensorflow/tfjs';

/**
 * Fused layer norm: one kernel forward and one backward instead of nine tensor ops forward and about
 * twenty backward (a transformer block has two). A backend opts in by registering the kernels named
 * here (@jepa/core registers them for wasm with its fast kernels); `layerNorm` falls back to tensor
 * ops without them. Rows are reduced in float64 (the ops reduce in float32), so results agree with
 * the ops to float32 rounding, not bit for bit.
 */

/** Kernel `JepaLayerNorm`: inputs `{ x, weight?, bias? }`, attr `eps`; outputs `[y, mean, rstd]` (the last two per row). */
export const LAYER_NORM_KERNEL = 'JepaLayerNorm';
/** Kernel `JepaLayerNormGrad`: inputs `{ x, mean, rstd, dy, weight? }`; outputs `[dx, dWeight, dBias]` (the last two `[D]`). */
export const LAYER_NORM_GRAD_KERNEL = 'JepaLayerNormGrad';

/**
 * `y = (x - mean) rstd w + b` over rows of `d`, with `rstd = 1 / sqrt(var + eps)` and the biased
 * variance, as `torch.nn.functional.layer_norm`; writes each row's mean and rstd.
 */
export function layerNormRows(x: ArrayLike<number>, d: number, eps: number, w: ArrayLike<number> | undefined, b: ArrayLike<number> | undefined, y: { [i: number]: number }, mean: { [i: number]: number }, rstd: { [i: number]: number }): void {
  const rows = x.length / d;
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[o + j]!;
    const mu = s / d;
    let q = 0;
    for (let j = 0; j < d; j++) {
      const c = x[o + j]! - mu;
      q += c * c;
    }
    const rs = 1 / Math.sqrt(q / d + eps);
    mean[r] = mu;
    rstd[r] = rs;
    if (w && b) for (let j = 0; j < d; j++) y[o + j] = (x[o + j]! - mu) * rs * w[j]! + b[j]!;
    else if (w) for (let j = 0; j < d; j++) y[o + j] = (x[o + j]! - mu) * rs * w[j]!;
    else if (b) for (let j = 0; j < d; j++) y[o + j] = (x[o + j]! - mu) * rs + b[j]!;
    else for (let j = 0; j < d; j++) y[o + j] = (x[o + j]! - mu) * rs;
  }
}

/**
 * The gradients of {@link layerNormRows}: with `xhat = (x - mean) rstd` and `g = dy w` (or `dy`),
 * `dx = rstd (g - mean(g) - xhat mean(g xhat))` per row; `dw = sum over rows of dy xhat`,
 * `db = sum over rows of dy` (written when given).
 */
export function layerNormRowsBackward(x: ArrayLike<number>, d: number, mean: ArrayLike<number>, rstd: ArrayLike<number>, dy: ArrayLike<number>, w: ArrayLike<number> | undefined, dx: { [i: number]: number }, dw?: { [i: number]: number }, db?: { [i: number]: number }): void {
  const rows = x.length / d;
  const accW = new Float64Array(d);
  const accB = new Float64Array(d);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let sg = 0;
    let sgx = 0;
    for (let j = 0; j < d; j++) {
      const xh = (x[o + j]! - mu) * rs;
      const g = w ? dy[o + j]! * w[j]! : dy[o + j]!;
      sg += g;
      sgx += g * xh;
      accW[j] += dy[o + j]! * xh;
      accB[j] += dy[o + j]!;
    }
    const mg = sg / d;
    const mgx = sgx / d;
    for (let j = 0; j < d; j++) {
      const xh = (x[o + j]! - mu) * rs;
      const g = w ? dy[o + j]! * w[j]! : dy[o + j]!;
      dx[o + j] = rs * (g - mg - xh * mgx);
    }
  }
  if (dw) for (let j = 0; j < d; j++) dw[j] = accW[j]!;
  if (db) for (let j = 0; j < d; j++) db[j] = accB[j]!;
}

/** Layer norm through the fused kernels, with its gradient: x and the optional weight and bias are inputs of one tape node. */
export function fusedLayerNorm(x: tf.Tensor, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, ...rest] = args.slice(0, -1) as tf.Tensor[];
    const w = weight ? rest.shift() : undefined;
    const b = bias ? rest.shift() : undefined;
    const [y, mean, rstd] = tf.engine().runKernel(LAYER_NORM_KERNEL, { x: xi!, ...(w ? { weight: w } : {}), ...(b ? { bias: b } : {}) }, { eps }) as tf.Tensor[];
    save([xi!, mean!, rstd!, ...(w ? [w] : [])]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m, r, ws] = saved;
        const [dx, dw, db] = tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { x: xs!, mean: m!, rstd: r!, dy, ...(ws ? { weight: ws } : {}) }) as tf.Tensor[];
        const grads = [dx!];
        if (weight) grads.push(dw!);
        else dw!.dispose();
        if (bias) grads.push(db!);
        else db!.dispose();
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return (op as unknown as (...t: tf.Tensor[]) => tf.Tensor)(...inputs);
}
