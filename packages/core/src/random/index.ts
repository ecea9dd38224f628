export { Rng } from './rng.js';
export { mulberry32 } from './mulberry32.js';
export { shuffledIndices, shuffleInPlace, uniformInt, uniformRange, type UniformSource } from './uniform-source.js';
