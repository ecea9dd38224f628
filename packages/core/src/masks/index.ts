export { applyMasks, repeatInterleaveBatch } from './apply-masks.js';
export type { NumberRange } from './mask-config-checks.js';
export { InvalidMaskConfigError } from './mask-config-error.js';
export {
  disposeMasks,
  indexRowsToTensor,
  maskIndicesToMasks,
  truncateToShortest,
  type HostMaskSampler,
  type MaskIndices,
  type Masks,
  type MaskSampler,
} from './mask-sampler.js';
export {
  MultiBlock3dMaskSampler,
  VJEPA_MASK_GENERATORS,
  type MultiBlock3dGeneratorConfig,
  type MultiBlock3dMaskConfig,
} from './multiblock-3d-mask-sampler.js';
export {
  MULTIBLOCK_MASK_DEFAULTS,
  MultiBlockMaskSampler,
  type MultiBlockMaskConfig,
} from './multiblock-mask-sampler.js';
export { blockContains, blockIndices, placeBlock, type BlockPlacement, type TokenBlock } from './token-block.js';
export {
  formatGrid,
  gridStrides,
  numTokens,
  tokenCoords,
  tokenIndex,
  validateTokenGrid,
} from './token-grid.js';
export type { TokenGrid } from '../model/contracts.js';
