import type { TokenGrid } from '../model/contracts.js';
import { checkInteger, checkRange, type NumberRange } from './mask-config-checks.js';
import { InvalidMaskConfigError } from './mask-config-error.js';
import { maskIndicesToMasks, truncateToShortest, type HostMaskSampler, type MaskIndices, type Masks } from './mask-sampler.js';
import type { Rng } from '../random/rng.js';
import { blockIndices, placeBlock, type BlockPlacement, type TokenBlock } from './token-block.js';
import { formatGrid, numTokens, validateTokenGrid } from './token-grid.js';

/** Configuration of {@link MultiBlockMaskSampler}; every field but `grid` has a documented default. */
export interface MultiBlockMaskConfig {
  /** `[L]` (blocks are intervals) or `[H, W]` (blocks are rectangles). For `[T, H, W]` use `MultiBlock3dMaskSampler`. */
  readonly grid: TokenGrid;
  /** Fraction of the grid covered by one target block (official `pred_mask_scale`). Default `[0.15, 0.2]`. */
  readonly targetScale?: NumberRange;
  /** Height / width of a target block (official `aspect_ratio`). Default `[0.75, 1.5]`. Ignored on `[L]` grids. */
  readonly targetAspectRatio?: NumberRange;
  /** Fraction of the grid covered by one context block (official `enc_mask_scale`). Default `[0.85, 1.0]`. */
  readonly contextScale?: NumberRange;
  /** Height / width of a context block; the official collator fixes it to `[1, 1]` (the default). */
  readonly contextAspectRatio?: NumberRange;
  /** Target blocks per sample (official `npred`). Default 4. */
  readonly numTargetBlocks?: number;
  /** Context blocks per sample (official `nenc`). Default 1. */
  readonly numContextBlocks?: number;
  /** A block is accepted only when it keeps MORE than `minKeep` tokens (official `min_keep`, `len > min_keep`). Default 4. */
  readonly minKeep?: number;
  /** Let context blocks overlap the targets (official `allow_overlap`). Default false. */
  readonly allowOverlap?: boolean;
  /**
   * Block corner placement, see {@link BlockPlacement}. Default `'corrected'` (PR #40's `+ 1`).
   * Block sizes are the same in both modes: still capped at `size - 1` per axis, as in the official
   * `_sample_block_size` (PR #40 leaves that cap alone).
   */
  readonly placement?: BlockPlacement;
  /**
   * Failed context placements tolerated before one more target block stops constraining the
   * context (official `timeout = 20`). Default 20.
   */
  readonly triesPerRelaxation?: number;
}

/** The defaults of {@link MultiBlockMaskConfig} (I-JEPA's released configs, with `MaskCollator`'s `min_keep`). */
export const MULTIBLOCK_MASK_DEFAULTS = {
  /** {@inheritDoc MultiBlockMaskConfig.targetScale} */
  targetScale: [0.15, 0.2],
  /** {@inheritDoc MultiBlockMaskConfig.targetAspectRatio} */
  targetAspectRatio: [0.75, 1.5],
  /** {@inheritDoc MultiBlockMaskConfig.contextScale} */
  contextScale: [0.85, 1.0],
  /** {@inheritDoc MultiBlockMaskConfig.contextAspectRatio} */
  contextAspectRatio: [1.0, 1.0],
  /** {@inheritDoc MultiBlockMaskConfig.numTargetBlocks} */
  numTargetBlocks: 4,
  /** {@inheritDoc MultiBlockMaskConfig.numContextBlocks} */
  numContextBlocks: 1,
  /** {@inheritDoc MultiBlockMaskConfig.minKeep} */
  minKeep: 4,
  /** {@inheritDoc MultiBlockMaskConfig.allowOverlap} */
  allowOverlap: false,
  /** {@inheritDoc MultiBlockMaskConfig.placement} */
  placement: 'corrected',
  /** {@inheritDoc MultiBlockMaskConfig.triesPerRelaxation} */
  triesPerRelaxation: 20,
} as const satisfies Omit<Required<MultiBlockMaskConfig>, 'grid'>;

/**
 * I-JEPA's multi-block masks (`src/masks/multiblock.py`, `MaskCollator`) over `[H, W]` or `[L]`
 * token grids.
 *
 * Per call: ONE target block size, then ONE context block size, drawn from `rng` (each from a
 * single uniform that sets both scale and aspect ratio, as the official `_sample_block_size`
 * does). Per sample: `numTargetBlocks` target blocks placed independently (they may overlap each
 * other), then `numContextBlocks` context blocks from which the target blocks are removed. A
 * context placement keeping `<= minKeep` tokens is redrawn; after every `triesPerRelaxation`
 * failures the last still-active target block stops constraining it (so sampling always ends).
 * Finally every target mask of the batch is cut to the shortest target mask, and every context
 * mask to the shortest context mask, keeping the lowest raster indices.
 *
 * Masks pair as in I-JEPA: every target block is predicted from every context block.
 */
export class MultiBlockMaskSampler implements HostMaskSampler {
  /** The `[L]` or `[H, W]` token grid. */
  readonly grid: TokenGrid;
  /** {@link MultiBlockMaskConfig.targetScale}, resolved. */
  readonly targetScale: NumberRange;
  /** {@link MultiBlockMaskConfig.targetAspectRatio}, resolved. */
  readonly targetAspectRatio: NumberRange;
  /** {@link MultiBlockMaskConfig.contextScale}, resolved. */
  readonly contextScale: NumberRange;
  /** {@link MultiBlockMaskConfig.contextAspectRatio}, resolved. */
  readonly contextAspectRatio: NumberRange;
  /** {@link MultiBlockMaskConfig.numTargetBlocks}, resolved. */
  readonly numTargetBlocks: number;
  /** {@link MultiBlockMaskConfig.numContextBlocks}, resolved. */
  readonly numContextBlocks: number;
  /** {@link MultiBlockMaskConfig.minKeep}, resolved. */
  readonly minKeep: number;
  /** {@link MultiBlockMaskConfig.allowOverlap}, resolved. */
  readonly allowOverlap: boolean;
  /** {@link MultiBlockMaskConfig.placement}, resolved. */
  readonly placement: BlockPlacement;
  /** {@link MultiBlockMaskConfig.triesPerRelaxation}, resolved. */
  readonly triesPerRelaxation: number;
  private relaxationCount = 0;

  constructor(config: MultiBlockMaskConfig) {
    const where = 'MultiBlockMaskSampler';
    validateTokenGrid(config.grid, `${where}.grid`);
    if (config.grid.length === 3) {
      throw new InvalidMaskConfigError(`${where}: grid ${formatGrid(config.grid)} is [T, H, W]; use MultiBlock3dMaskSampler (V-JEPA multiblock3d) for video grids, or pass [H, W] / [L].`);
    }
    for (const [axis, size] of config.grid.entries()) {
      if (size < 2) {
        throw new InvalidMaskConfigError(`${where}: grid ${formatGrid(config.grid)} has size ${size} on axis ${axis}; block sizes are capped at size - 1 (as in the official collator), so every axis needs at least 2 tokens. Use [L] for a single row.`);
      }
    }
    const d = MULTIBLOCK_MASK_DEFAULTS;
    this.grid = [...config.grid];
    this.targetScale = checkRange(config.targetScale ?? d.targetScale, `${where}.targetScale`, true);
    this.targetAspectRatio = checkRange(config.targetAspectRatio ?? d.targetAspectRatio, `${where}.targetAspectRatio`, false);
    this.contextScale = checkRange(config.contextScale ?? d.contextScale, `${where}.contextScale`, true);
    this.contextAspectRatio = checkRange(config.contextAspectRatio ?? d.contextAspectRatio, `${where}.contextAspectRatio`, false);
    this.numTargetBlocks = checkInteger(config.numTargetBlocks ?? d.numTargetBlocks, `${where}.numTargetBlocks`, 1);
    this.numContextBlocks = checkInteger(config.numContextBlocks ?? d.numContextBlocks, `${where}.numContextBlocks`, 1);
    this.minKeep = checkInteger(config.minKeep ?? d.minKeep, `${where}.minKeep`, 0);
    this.triesPerRelaxation = checkInteger(config.triesPerRelaxation ?? d.triesPerRelaxation, `${where}.triesPerRelaxation`, 1);
    this.allowOverlap = config.allowOverlap ?? d.allowOverlap;
    this.placement = config.placement ?? d.placement;
    if (this.placement !== 'official' && this.placement !== 'corrected') {
      throw new InvalidMaskConfigError(`${where}.placement: expected 'official' or 'corrected', got ${JSON.stringify(this.placement)}.`);
    }
    // Every block size the random draw can produce must hold more than minKeep tokens, or the
    // official rejection loop would never end. The size is a function of one uniform u in [0, 1).
    for (const kind of ['target', 'context'] as const) {
      const scale = kind === 'target' ? this.targetScale : this.contextScale;
      const aspect = kind === 'target' ? this.targetAspectRatio : this.contextAspectRatio;
      const steps = 4096;
      for (let i = 0; i <= steps; i++) {
        const size = this.blockSizeAt(i / steps, scale, aspect);
        const tokens = size.reduce((a, b) => a * b, 1);
        if (tokens <= this.minKeep) {
          const at = (scale[0] + (i / steps) * (scale[1] - scale[0])).toFixed(4);
          throw new InvalidMaskConfigError(`${where}: a ${kind} block can be ${size.join('x')} = ${tokens} tokens on the grid ${formatGrid(this.grid)} (scale ${at}), which is not more than minKeep ${this.minKeep}; raise ${kind}Scale, use a larger grid or lower minKeep.`);
        }
      }
    }
  }

  /** How many times (since construction) a context constraint was relaxed; the official code logs a warning each time. */
  get relaxations(): number {
    return this.relaxationCount;
  }

  /**
   * @returns `context`: `numContextBlocks` int32 `[B, Kc]`; `target`: `numTargetBlocks` int32 `[B, Kt]`.
   */
  sample(batchSize: number, rng: Rng): Masks {
    return maskIndicesToMasks(this.sampleIndices(batchSize, rng));
  }

  /** {@link sample} on the host: `context[block][sample]` is a `[Kc]` row, `target[block][sample]` a `[Kt]` row. */
  sampleIndices(batchSize: number, rng: Rng): MaskIndices {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`MultiBlockMaskSampler.sample: batchSize must be a positive integer, got ${batchSize}.`);
    }
    const targetSize = this.blockSizeAt(rng.uniform(), this.targetScale, this.targetAspectRatio);
    const contextSize = this.blockSizeAt(rng.uniform(), this.contextScale, this.contextAspectRatio);
    for (const [kind, size] of [['target', targetSize], ['context', contextSize]] as const) {
      // The constructor's sweep makes this unreachable in practice; it keeps the retry loop finite.
      if (size.reduce((a, b) => a * b, 1) <= this.minKeep) {
        throw new Error(`MultiBlockMaskSampler: drew a ${size.join('x')} ${kind} block, not more than minKeep ${this.minKeep} tokens; raise ${kind}Scale or lower minKeep.`);
      }
    }
    const target: Int32Array[][] = Array.from({ length: this.numTargetBlocks }, () => []);
    const context: Int32Array[][] = Array.from({ length: this.numContextBlocks }, () => []);
    for (let b = 0; b < batchSize; b++) {
      const targetBlocks: TokenBlock[] = [];
      for (let i = 0; i < this.numTargetBlocks; i++) {
        // Unconstrained, and the constructor guarantees size > minKeep: the first draw is valid.
        const block = placeBlock(this.grid, targetSize, rng, this.placement);
        targetBlocks.push(block);
        target[i]!.push(blockIndices(this.grid, block));
      }
      const regions = this.allowOverlap ? [] : targetBlocks;
      for (let j = 0; j < this.numContextBlocks; j++) {
        context[j]!.push(this.sampleConstrained(contextSize, regions, rng));
      }
    }
    return { context: truncateToShortest(context), target: truncateToShortest(target) };
  }

  /**
   * The official `_sample_block_size` with `u` its single uniform draw: scale and aspect ratio are
   * both `min + u * (max - min)`; `h = round(sqrt(keep * ar))`, `w = round(sqrt(keep / ar))` with
   * `keep = floor(N * scale)`, each then lowered until it is below the grid size. On `[L]` grids
   * the block is an interval of `floor(L * scale)` tokens, lowered the same way.
   */
  private blockSizeAt(u: number, scale: NumberRange, aspect: NumberRange): number[] {
    const s = scale[0] + u * (scale[1] - scale[0]);
    const keep = Math.floor(numTokens(this.grid) * s);
    if (this.grid.length === 1) {
      return [Math.min(keep, this.grid[0]! - 1)];
    }
    const ar = aspect[0] + u * (aspect[1] - aspect[0]);
    const h = roundHalfEven(Math.sqrt(keep * ar));
    const w = roundHalfEven(Math.sqrt(keep / ar));
    return [Math.min(h, this.grid[0]! - 1), Math.min(w, this.grid[1]! - 1)];
  }

  /** The official `_sample_block_mask` with acceptable regions: the retry loop with its relaxation counter. */
  private sampleConstrained(size: readonly number[], regions: readonly TokenBlock[], rng: Rng): Int32Array {
    let relaxed = 0;
    let timeout = this.triesPerRelaxation;
    for (;;) {
      const block = placeBlock(this.grid, size, rng, this.placement);
      const active = regions.slice(0, Math.max(regions.length - relaxed, 0));
      const indices = blockIndices(this.grid, block, active);
      if (indices.length > this.minKeep) return indices;
      timeout -= 1;
      if (timeout === 0) {
        relaxed += 1;
        this.relaxationCount += 1;
        timeout = this.triesPerRelaxation;
      }
    }
  }
}

/** Python's `round` (ties to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
