import type * as tf from '@tensorflow/tfjs';

/**
 * Checks that `features` is a `[M, D]` sample matrix with at least `minSamples` rows and
 * `minWidth` columns; `where` names the caller in the message.
 */
export function checkFeatures(where: string, features: tf.Tensor, minSamples: number, minWidth = 1): void {
  if (features.rank !== 2) {
    throw new Error(
      `${where}: features must be [M, D] (samples x width), got shape [${features.shape.join(', ')}]; ` +
        'flatten leading axes first, e.g. tf.reshape(z, [-1, D]) for [B, T, D] latents.',
    );
  }
  const [samples, width] = features.shape as [number, number];
  if (samples < minSamples) {
    throw new Error(
      `${where}: needs at least ${minSamples} samples (rows), got ${samples} in shape [${features.shape.join(', ')}]; ` +
        'the unbiased variance divides by M - 1, so pool more samples (e.g. batch and time) into M.',
    );
  }
  if (width < minWidth) {
    throw new Error(`${where}: needs a feature width D of at least ${minWidth}, got ${width} in shape [${features.shape.join(', ')}].`);
  }
}

/** Checks that an option is a finite number (and, with `positive`, > 0). */
export function checkNumber(where: string, key: string, value: number, rule: 'finite' | 'positive' = 'finite', hint = ''): void {
  const ok = Number.isFinite(value) && (rule === 'finite' || value > 0);
  if (!ok) {
    const wanted = rule === 'positive' ? 'a finite number > 0' : 'a finite number';
    throw new Error(`${where}: ${key} must be ${wanted}, got ${String(value)}${hint ? `; ${hint}` : ''}.`);
  }
}
