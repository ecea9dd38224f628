import { MultiBlockMaskSampler, Rng, type MultiBlockMaskConfig } from '@jepa/core';

/** Colours of the target blocks, in order (a fifth block reuses the first). */
export const TARGET_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231'] as const;

/** Which tokens of one image the multi-block masks pick, on an `[H, W]` grid in raster order. */
export interface ImageMasks {
  readonly grid: readonly [number, number];
  /** Raster indices of the context tokens (the context blocks minus the targets). */
  readonly context: readonly number[];
  /** Raster indices of each target block. */
  readonly targets: readonly (readonly number[])[];
}

/**
 * Samples the I-JEPA multi-block masks of one image with the library's {@link MultiBlockMaskSampler}
 * (one sample, so nothing is cut to a batch minimum): what the model's training would hide and keep.
 */
export function sampleImageMasks(grid: readonly [number, number], config: Omit<MultiBlockMaskConfig, 'grid'>, seed: number): ImageMasks {
  const sampler = new MultiBlockMaskSampler({ ...config, grid });
  const indices = sampler.sampleIndices(1, new Rng(seed));
  const context = new Set<number>();
  for (const block of indices.context) for (const token of block[0]!) context.add(token);
  return {
    grid,
    context: [...context].sort((a, b) => a - b),
    targets: indices.target.map((block) => [...block[0]!]),
  };
}

/**
 * Draws `masks` over an image already drawn on `context` at `width x height` pixels: tokens outside
 * the context dimmed, each target block filled and outlined in its colour.
 */
export function drawMasks(context: CanvasRenderingContext2D, masks: ImageMasks, width: number, height: number): void {
  const [rows, cols] = masks.grid;
  const cellH = height / rows;
  const cellW = width / cols;
  const rect = (token: number) => ({ x: (token % cols) * cellW, y: Math.floor(token / cols) * cellH });
  const inContext = new Set(masks.context);
  context.save();
  context.fillStyle = 'rgba(0, 0, 0, 0.55)';
  for (let token = 0; token < rows * cols; token++) {
    if (inContext.has(token)) continue;
    const { x, y } = rect(token);
    context.fillRect(x, y, cellW, cellH);
  }
  masks.targets.forEach((block, i) => {
    const colour = TARGET_COLOURS[i % TARGET_COLOURS.length]!;
    context.fillStyle = `${colour}55`;
    context.strokeStyle = colour;
    context.lineWidth = 2;
    for (const token of block) {
      const { x, y } = rect(token);
      context.fillRect(x, y, cellW, cellH);
      context.strokeRect(x + 1 + i, y + 1 + i, cellW - 2 - 2 * i, cellH - 2 - 2 * i);
    }
  });
  context.restore();
}
