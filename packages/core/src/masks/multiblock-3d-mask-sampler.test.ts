import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { disposeMasks } from './mask-sampler.js';
import { MultiBlock3dMaskSampler, VJEPA_MASK_GENERATORS } from './multiblock-3d-mask-sampler.js';
import { Rng } from '../random/rng.js';

const GRID = [8, 14, 14] as const;
const PLANE = 14 * 14;
const TOTAL = 8 * PLANE;

/** Token index -> [frame, row, column] on GRID. */
function coords(i: number): [number, number, number] {
  return [Math.floor(i / PLANE), Math.floor((i % PLANE) / 14), i % 14];
}

describe('MultiBlock3dMaskSampler (V-JEPA multiblock3d)', () => {
  it('gives one (context, target) pair per generator that partitions the grid (batch of one: no truncation)', () => {
    const sampler = new MultiBlock3dMaskSampler({ grid: GRID });
    expect(sampler.generators).toHaveLength(VJEPA_MASK_GENERATORS.length);
    const rng = new Rng(0);
    for (let call = 0; call < 10; call++) {
      const { context, target } = sampler.sampleIndices(1, rng);
      expect(context).toHaveLength(2);
      expect(target).toHaveLength(2);
      for (let g = 0; g < 2; g++) {
        const ctx = context[g]![0]!;
        const tgt = target[g]![0]!;
        expect(ctx.length).toBeGreaterThan(0);
        expect(ctx.length + tgt.length).toBe(TOTAL);
        const all = new Set([...ctx, ...tgt]);
        expect(all.size).toBe(TOTAL);
        // temporalScale [1, 1]: every block spans all frames, so each frame has the same target pattern.
        const planes = Array.from({ length: 8 }, () => [] as number[]);
        for (const i of tgt) planes[coords(i)[0]]!.push(i % PLANE);
        for (const plane of planes) expect(plane).toEqual(planes[0]);
      }
    }
  });

  it('draws ONE (t, h, w) size per generator and batch, from temporal scale, spatial scale and aspect ratio', () => {
    // One block per sample so each target is exactly one box.
    const sampler = new MultiBlock3dMaskSampler({
      grid: GRID,
      generators: [{ spatialScale: [0.2, 0.3], temporalScale: [0.25, 0.5], aspectRatio: [0.75, 1.5], numBlocks: 1 }],
    });
    const rng = new Rng(1);
    let touchedLast = { frame: false, row: false, col: false };
    for (let call = 0; call < 40; call++) {
      const { target } = sampler.sampleIndices(6, rng);
      let size: string | null = null;
      for (const row of target[0]!) {
        const cs = Array.from(row, coords);
        const lo = [0, 1, 2].map((a) => Math.min(...cs.map((c) => c[a]!)));
        const hi = [0, 1, 2].map((a) => Math.max(...cs.map((c) => c[a]!)));
        const [t, h, w] = [0, 1, 2].map((a) => hi[a]! - lo[a]! + 1) as [number, number, number];
        expect(t * h * w).toBe(row.length); // a box
        // t = max(1, floor(8 * [0.25, 0.5])) in [2, 4]; keep = floor(196 * [0.2, 0.3]) in [39, 58]
        expect(t).toBeGreaterThanOrEqual(2);
        expect(t).toBeLessThanOrEqual(4);
        expect(h * w).toBeGreaterThanOrEqual(Math.floor(39 * 0.85));
        expect(h * w).toBeLessThanOrEqual(Math.ceil(58 * 1.15));
        const key = `${t}x${h}x${w}`;
        if (size === null) size = key;
        expect(key).toBe(size);
        if (hi[0] === 7) touchedLast.frame = true;
        if (hi[1] === 13) touchedLast.row = true;
        if (hi[2] === 13) touchedLast.col = true;
      }
    }
    // Placement bounds are inclusive (randint(0, H - h + 1)): the last frame, row and column are used.
    expect(touchedLast).toEqual({ frame: true, row: true, col: true });
  });

  it('keeps the context within the first maxTemporalKeep frames; later frames join the target', () => {
    const sampler = new MultiBlock3dMaskSampler({
      grid: GRID,
      generators: [{ spatialScale: [0.15, 0.15], temporalScale: [1, 1], numBlocks: 2, maxTemporalKeep: 0.5 }],
    });
    const { context, target } = sampler.sampleIndices(1, new Rng(2));
    for (const i of context[0]![0]!) expect(coords(i)[0]).toBeLessThan(4);
    const tgt = new Set(target[0]![0]!);
    for (let i = 4 * PLANE; i < TOTAL; i++) expect(tgt.has(i)).toBe(true);
  });

  it('cuts context and target to the batch minimum (context also to maxKeep), as int32 [B, K] tensors', () => {
    const sampler = new MultiBlock3dMaskSampler({
      grid: GRID,
      generators: [
        { spatialScale: [0.15, 0.15], numBlocks: 8 },
        { spatialScale: [0.15, 0.15], numBlocks: 8, maxKeep: 100 },
      ],
    });
    const before = tf.memory().numTensors;
    const masks = sampler.sample(5, new Rng(3));
    const host = sampler.sampleIndices(5, new Rng(3));
    for (let g = 0; g < 2; g++) {
      for (const m of [masks.context[g]!, masks.target[g]!]) {
        expect(m.dtype).toBe('int32');
        expect(m.shape[0]).toBe(5);
        for (const row of m.arraySync()) {
          for (let k = 1; k < row.length; k++) expect(row[k]!).toBeGreaterThan(row[k - 1]!);
          expect(row[row.length - 1]!).toBeLessThan(TOTAL);
        }
      }
      expect(masks.context[g]!.arraySync()).toEqual(host.context[g]!.map((r) => Array.from(r)));
      expect(masks.target[g]!.arraySync()).toEqual(host.target[g]!.map((r) => Array.from(r)));
    }
    expect(masks.context[1]!.shape[1]).toBe(100);
    disposeMasks(masks);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('redraws a sample whose blocks leave no context', () => {
    // 1x1 blocks, 4 per sample on a 2x2 plane: about 9% of draws cover everything.
    const sampler = new MultiBlock3dMaskSampler({
      grid: [1, 2, 2],
      generators: [{ spatialScale: [0.5, 0.5], aspectRatio: [1, 1], numBlocks: 4 }],
    });
    const rng = new Rng(4);
    for (let call = 0; call < 100; call++) {
      const { context } = sampler.sampleIndices(3, rng);
      for (const row of context[0]!) expect(row.length).toBeGreaterThan(0);
    }
  });

  it('is deterministic given the rng state', () => {
    const sampler = new MultiBlock3dMaskSampler({ grid: GRID });
    const flat = (seed: number) => {
      const { context, target } = sampler.sampleIndices(3, new Rng(seed));
      return JSON.stringify([...context, ...target].map((block) => block.map((r) => Array.from(r))));
    };
    expect(flat(7)).toBe(flat(7));
    expect(flat(7)).not.toBe(flat(8));
  });

  it('validates its configuration at construction', () => {
    expect(() => new MultiBlock3dMaskSampler({ grid: [14, 14] })).toThrow(/not \[T, H, W\]; use MultiBlockMaskSampler/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [] })).toThrow(/at least one generator/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [0.2, 0.1], numBlocks: 1 }] })).toThrow(/generators\[0\].spatialScale/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [0.2, 0.2], numBlocks: 0 }] })).toThrow(/numBlocks/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [0.2, 0.2], numBlocks: 1, maxTemporalKeep: 0 }] })).toThrow(/maxTemporalKeep/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [0.2, 0.2], numBlocks: 1, maxKeep: 0 }] })).toThrow(/maxKeep/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [0.001, 0.01], numBlocks: 1 }] })).toThrow(/empty 0x0 block/);
    expect(() => new MultiBlock3dMaskSampler({ grid: GRID, generators: [{ spatialScale: [1, 1], aspectRatio: [1, 1], numBlocks: 1 }] })).toThrow(/context is always empty/);
  });
});
