import type { LabelledFeatures } from './labelled-features.js';
import { mulberry32 } from '../random/mulberry32.js';

/** Test helper: a standard normal sampler (Box-Muller) over a seeded stream. */
export function gaussianSampler(seed: number): () => number {
  const source = mulberry32(seed);
  const random = () => source.uniform();
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Test helper: `rowsPerClass` examples per class around `centers` `[C, D]` with isotropic
 * Gaussian noise of std `noise`; labels cycle through the classes.
 */
export function gaussianBlobs(
  centers: Float64Array,
  numClasses: number,
  rowsPerClass: number,
  noise: number,
  seed: number
): LabelledFeatures {
  const dim = centers.length / numClasses;
  const gauss = gaussianSampler(seed);
  const rows = numClasses * rowsPerClass;
  const features = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % numClasses;
    labels[i] = c;
    for (let j = 0; j < dim; j++) features[i * dim + j] = centers[c * dim + j]! + noise * gauss();
  }
  return { features, labels, dim };
}

/** Test helper: `[C, D]` class centres with i.i.d. N(0, scale²) entries. */
export function randomCenters(numClasses: number, dim: number, scale: number, seed: number): Float64Array {
  const gauss = gaussianSampler(seed);
  return new Float64Array(numClasses * dim).map(() => scale * gauss());
}
