import type { TokenGrid } from '../model/contracts.js';
import { checkInteger, checkRange, type NumberRange } from './mask-config-checks.js';
import { InvalidMaskConfigError } from './mask-config-error.js';
import { maskIndicesToMasks, truncateToShortest, type HostMaskSampler, type MaskIndices, type Masks } from './mask-sampler.js';
import { roundHalfEven } from './multiblock-mask-sampler.js';
import type { Rng } from '../random/rng.js';
import { formatGrid, validateTokenGrid } from './token-grid.js';

/** One V-JEPA mask generator (one entry of the official `cfgs_mask` list). */
export interface MultiBlock3dGeneratorConfig {
  /** Fraction of the `H x W` plane covered by one block (official `spatial_scale`). */
  readonly spatialScale: NumberRange;
  /** Blocks per sample; the target is their union (official `num_blocks`). */
  readonly numBlocks: number;
  /** Fraction of the `T` frames spanned by one block (official `temporal_scale`). Default `[1, 1]`. */
  readonly temporalScale?: NumberRange;
  /** Block height / width (official `aspect_ratio`). Default `[0.75, 1.5]`, as in every released V-JEPA config. */
  readonly aspectRatio?: NumberRange;
  /** The context only uses the first `max(1, floor(T * maxTemporalKeep))` frames (official `max_temporal_keep`). Default 1. */
  readonly maxTemporalKeep?: number;
  /** Caps the context length `K` of every batch (official `max_keep`). Default: no cap. */
  readonly maxKeep?: number | null;
}

/** Configuration of {@link MultiBlock3dMaskSampler}. */
export interface MultiBlock3dMaskConfig {
  /** `[T, H, W]` tubelet grid (e.g. 16 frames / tubelet 2, 224 px / patch 16 -> `[8, 14, 14]`). */
  readonly grid: TokenGrid;
  /** One generator per (context, target) pair. Default {@link VJEPA_MASK_GENERATORS}. */
  readonly generators?: readonly MultiBlock3dGeneratorConfig[];
}

/**
 * The mask generators of V-JEPA's released pretraining configs (`configs/pretrain/vitl16.yaml`,
 * `vith16.yaml`): a short-range one (8 blocks of 15% of the plane) and a long-range one (2 blocks of
 * 70%), both spanning all frames.
 */
export const VJEPA_MASK_GENERATORS: readonly MultiBlock3dGeneratorConfig[] = [
  { spatialScale: [0.15, 0.15], numBlocks: 8, temporalScale: [1.0, 1.0], aspectRatio: [0.75, 1.5], maxTemporalKeep: 1.0, maxKeep: null },
  { spatialScale: [0.7, 0.7], numBlocks: 2, temporalScale: [1.0, 1.0], aspectRatio: [0.75, 1.5], maxTemporalKeep: 1.0, maxKeep: null },
];

/** A validated generator, every default filled in. */
interface Generator {
  readonly spatialScale: NumberRange;
  readonly temporalScale: NumberRange;
  readonly aspectRatio: NumberRange;
  readonly numBlocks: number;
  readonly maxContextFrames: number;
  readonly maxKeep: number | null;
}

/** Resampling a sample whose context came out empty stops (with an error) after this many tries. */
const MAX_EMPTY_CONTEXT_RETRIES = 10_000;

/**
 * V-JEPA's multi-block masks (`src/masks/multiblock3d.py`) over `[T, H, W]` grids.
 *
 * For each generator, per call: ONE block size `(t, h, w)` from three uniforms of `rng` (temporal
 * scale, spatial scale, aspect ratio): `t = max(1, floor(T * temporalScale))`,
 * `keep = floor(H * W * spatialScale)`, `h = min(round(sqrt(keep * ar)), H)`,
 * `w = min(round(sqrt(keep / ar)), W)`. Per sample: `numBlocks` blocks placed anywhere (corner in
 * `[0, H - h] x [0, W - w] x [0, T - t]`, inclusive); the context is every token outside all
 * blocks within the first `maxContextFrames` frames; the target is every other token (so it also
 * holds the frames past `maxContextFrames`). A sample with an empty context is redrawn. Context and
 * target masks are then cut to their batch minimum (the context also to `maxKeep`).
 *
 * Masks pair as in V-JEPA: `context[i]` with `target[i]`, one pair per generator.
 */
export class MultiBlock3dMaskSampler implements HostMaskSampler {
  /** The `[T, H, W]` token grid. */
  readonly grid: TokenGrid;
  /** One config per mask generator, in the order of the `context`/`target` pairs they make. */
  readonly generators: readonly MultiBlock3dGeneratorConfig[];
  private readonly resolved: readonly Generator[];

  constructor(config: MultiBlock3dMaskConfig) {
    const where = 'MultiBlock3dMaskSampler';
    validateTokenGrid(config.grid, `${where}.grid`);
    if (config.grid.length !== 3) {
      throw new InvalidMaskConfigError(`${where}: grid ${formatGrid(config.grid)} is not [T, H, W]; use MultiBlockMaskSampler for [H, W] or [L] grids, or pass [1, H, W] for one-frame video.`);
    }
    const [frames, height, width] = config.grid as [number, number, number];
    this.grid = [frames, height, width];
    const generators = config.generators ?? VJEPA_MASK_GENERATORS;
    if (!Array.isArray(generators) || generators.length === 0) {
      throw new InvalidMaskConfigError(`${where}.generators: give at least one generator config, e.g. VJEPA_MASK_GENERATORS.`);
    }
    this.generators = generators.map((g) => ({ ...g }));
    this.resolved = generators.map((g, i): Generator => {
      const at = `${where}.generators[${i}]`;
      const spatialScale = checkRange(g.spatialScale, `${at}.spatialScale`, true);
      const temporalScale = checkRange(g.temporalScale ?? [1, 1], `${at}.temporalScale`, true);
      const aspectRatio = checkRange(g.aspectRatio ?? [0.75, 1.5], `${at}.aspectRatio`, false);
      const numBlocks = checkInteger(g.numBlocks, `${at}.numBlocks`, 1);
      const maxTemporalKeep = g.maxTemporalKeep ?? 1;
      if (!(maxTemporalKeep > 0 && maxTemporalKeep <= 1)) {
        throw new InvalidMaskConfigError(`${at}.maxTemporalKeep: need 0 < maxTemporalKeep <= 1 (a fraction of the ${frames} frames), got ${maxTemporalKeep}.`);
      }
      const maxKeep = g.maxKeep ?? null;
      if (maxKeep !== null) checkInteger(maxKeep, `${at}.maxKeep`, 1);
      const resolved: Generator = {
        spatialScale, temporalScale, aspectRatio, numBlocks, maxKeep,
        maxContextFrames: Math.max(1, Math.floor(frames * maxTemporalKeep)),
      };
      // Sizes are monotone in each of the three independent draws, so the corners bound them.
      const [tMin, hMin, wMin] = [
        this.blockSize(temporalScale[0], spatialScale[0], aspectRatio[0])[0],
        this.blockSize(temporalScale[0], spatialScale[0], aspectRatio[0])[1],
        this.blockSize(temporalScale[0], spatialScale[0], aspectRatio[1])[2],
      ];
      if (hMin < 1 || wMin < 1) {
        throw new InvalidMaskConfigError(`${at}: spatialScale ${spatialScale[0]} with aspectRatio [${aspectRatio.join(', ')}] gives an empty ${hMin}x${wMin} block on the ${height}x${width} plane; raise spatialScale or narrow aspectRatio.`);
      }
      if (tMin === frames && hMin === height && wMin === width) {
        throw new InvalidMaskConfigError(`${at}: every block covers the whole grid ${formatGrid(this.grid)}, so the context is always empty; lower spatialScale or temporalScale.`);
      }
      return resolved;
    });
  }

  /**
   * @returns per generator `i`: `context[i]` int32 `[B, Kc_i]`, `target[i]` int32 `[B, Kt_i]`.
   */
  sample(batchSize: number, rng: Rng): Masks {
    return maskIndicesToMasks(this.sampleIndices(batchSize, rng));
  }

  /** {@link sample} on the host: `context[generator][sample]` and `target[generator][sample]` rows. */
  sampleIndices(batchSize: number, rng: Rng): MaskIndices {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`MultiBlock3dMaskSampler.sample: batchSize must be a positive integer, got ${batchSize}.`);
    }
    const context: Int32Array[][] = [];
    const target: Int32Array[][] = [];
    for (const generator of this.resolved) {
      const rows = this.sampleGenerator(generator, batchSize, rng);
      context.push(truncateToShortest([rows.context], generator.maxKeep ?? Infinity)[0]!);
      target.push(truncateToShortest([rows.target])[0]!);
    }
    return { context, target };
  }

  private sampleGenerator(generator: Generator, batchSize: number, rng: Rng): { context: Int32Array[]; target: Int32Array[] } {
    const [frames, height, width] = this.grid as [number, number, number];
    const planeTokens = height * width;
    const total = frames * planeTokens;
    const { temporalScale: ts, spatialScale: ss, aspectRatio: ar } = generator;
    // Three draws in the official order: temporal scale, spatial scale, aspect ratio.
    const temporalScale = ts[0] + rng.uniform() * (ts[1] - ts[0]);
    const spatialScale = ss[0] + rng.uniform() * (ss[1] - ss[0]);
    const aspectRatio = ar[0] + rng.uniform() * (ar[1] - ar[0]);
    const [t, h, w] = this.blockSize(temporalScale, spatialScale, aspectRatio);
    const keep = new Uint8Array(total);
    const context: Int32Array[] = [];
    const target: Int32Array[] = [];
    for (let b = 0; b < batchSize; b++) {
      for (let attempt = 0; ; attempt++) {
        if (attempt === MAX_EMPTY_CONTEXT_RETRIES) {
          throw new Error(`MultiBlock3dMaskSampler: ${attempt} draws of ${generator.numBlocks} blocks of ${t}x${h}x${w} left no context on the grid ${formatGrid(this.grid)}; lower numBlocks, spatialScale or temporalScale.`);
        }
        keep.fill(1);
        for (let k = 0; k < generator.numBlocks; k++) {
          // Official draw order: top, left, then start frame; every bound inclusive.
          const top = rng.int(0, height - h + 1);
          const left = rng.int(0, width - w + 1);
          const start = rng.int(0, frames - t + 1);
          for (let f = start; f < start + t; f++) {
            for (let r = top; r < top + h; r++) {
              keep.fill(0, f * planeTokens + r * width + left, f * planeTokens + r * width + left + w);
            }
          }
        }
        if (generator.maxContextFrames < frames) keep.fill(0, generator.maxContextFrames * planeTokens);
        let kept = 0;
        for (let i = 0; i < total; i++) kept += keep[i]!;
        if (kept === 0) continue;
        const contextRow = new Int32Array(kept);
        const targetRow = new Int32Array(total - kept);
        let c = 0;
        let p = 0;
        for (let i = 0; i < total; i++) {
          if (keep[i]) contextRow[c++] = i;
          else targetRow[p++] = i;
        }
        context.push(contextRow);
        target.push(targetRow);
        break;
      }
    }
    return { context, target };
  }

  /** The official `_sample_block_size` given the drawn temporal scale, spatial scale and aspect ratio. */
  private blockSize(temporalScale: number, spatialScale: number, aspectRatio: number): [number, number, number] {
    const [frames, height, width] = this.grid as [number, number, number];
    const t = Math.max(1, Math.floor(frames * temporalScale));
    const keep = Math.floor(height * width * spatialScale);
    const h = Math.min(roundHalfEven(Math.sqrt(keep * aspectRatio)), height);
    const w = Math.min(roundHalfEven(Math.sqrt(keep / aspectRatio)), width);
    return [t, h, w];
  }
}
