export { Rng } from './rng.js';
export { mulberry32 } from './mulberry32.js';
export { sampleNormal } from './normal.js';
export { sampleTruncatedNormal } from './truncated-normal.js';
export { shuffledIndices, shuffleInPlace, uniformInt, uniformRange, type UniformSource } from './uniform-source.js';
export { sampleVonMises } from './von-mises.js';
