/**
 * Seeded randomness without TensorFlow.js (for code that runs in a browser page or a worker):
 * `Rng` (xoshiro128**, resumable, derived streams), `mulberry32`, uniform, normal, truncated-normal
 * and von Mises draws, shuffles. The same functions are exported by `@jepa/core`.
 *
 * @module @jepa/core/random
 */
export { Rng } from './rng.js';
export { mulberry32 } from './mulberry32.js';
export { sampleNormal } from './normal.js';
export { sampleTruncatedNormal } from './truncated-normal.js';
export { shuffledIndices, shuffleInPlace, uniformInt, uniformRange, type UniformSource } from './uniform-source.js';
export { sampleVonMises } from './von-mises.js';
