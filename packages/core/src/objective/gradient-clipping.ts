import * as tf from '@tensorflow/tfjs';

/** Euclidean norm of all tensors together. */
export function globalNorm(tensors: readonly tf.Tensor[]): number {
  if (tensors.length === 0) return 0;
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))).dataSync()[0]!);
}

/** The module a gradient belongs to: the first segment of its dotted name (`encoder`, `predictor`). */
const moduleOf = (name: string) => name.split('.', 1)[0]!;

/**
 * Clips the gradients of each module separately, as the official V-JEPA trainer calls
 * `torch.nn.utils.clip_grad_norm_` once for the encoder and once for the predictor: a module whose
 * gradient norm exceeds `maxNorm` is scaled by `maxNorm / (norm + 1e-6)`. Gradients are grouped by
 * the first segment of their names. Replaced tensors are disposed and `grads` is updated in place.
 *
 * @returns the norm of each module before clipping
 */
export function clipGradientsPerModule(grads: Record<string, tf.Tensor>, maxNorm: number): Record<string, number> {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradientsPerModule: maxNorm must be positive, got ${maxNorm}.`);
  const modules = new Map<string, string[]>();
  for (const name of Object.keys(grads)) {
    const module = moduleOf(name);
    modules.set(module, [...(modules.get(module) ?? []), name]);
  }
  const norms: Record<string, number> = {};
  for (const [module, names] of modules) {
    const norm = globalNorm(names.map((name) => grads[name]!));
    norms[module] = norm;
    if (norm <= maxNorm) continue;
    const scale = maxNorm / (norm + 1e-6);
    for (const name of names) {
      const old = grads[name]!;
      grads[name] = tf.mul(old, scale);
      old.dispose();
    }
  }
  return norms;
}
