import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { InvalidMaskConfigError } from './mask-config-error.js';
import { disposeMasks, truncateToShortest } from './mask-sampler.js';
import { MultiBlockMaskSampler, roundHalfEven } from './multiblock-mask-sampler.js';
import { Rng } from '../random/rng.js';

/** The rectangle a row of raster indices covers on a `width`-wide grid, or null if it is no rectangle. */
function rectangleOf(row: Int32Array, width: number): { top: number; left: number; h: number; w: number } | null {
  const rows = new Set<number>();
  const cols = new Set<number>();
  for (const i of row) {
    rows.add(Math.floor(i / width));
    cols.add(i % width);
  }
  const top = Math.min(...rows);
  const left = Math.min(...cols);
  const h = Math.max(...rows) - top + 1;
  const w = Math.max(...cols) - left + 1;
  return h * w === row.length && rows.size === h && cols.size === w ? { top, left, h, w } : null;
}

function isStrictlyAscending(row: Int32Array): boolean {
  for (let i = 1; i < row.length; i++) if (row[i]! <= row[i - 1]!) return false;
  return true;
}

describe('MultiBlockMaskSampler (I-JEPA multiblock, 2D)', () => {
  it('returns one int32 [B, K] tensor per block, sorted, in range, equal lengths per kind', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [14, 14] });
    const before = tf.memory().numTensors;
    const masks = sampler.sample(8, new Rng(0));
    expect(masks.target).toHaveLength(4);
    expect(masks.context).toHaveLength(1);
    const kt = masks.target[0]!.shape[1];
    for (const m of [...masks.context, ...masks.target]) {
      expect(m.dtype).toBe('int32');
      expect(m.shape[0]).toBe(8);
      const rows = m.arraySync();
      for (const row of rows) {
        expect(isStrictlyAscending(Int32Array.from(row))).toBe(true);
        expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...row)).toBeLessThan(196);
      }
    }
    for (const m of masks.target) expect(m.shape[1]).toBe(kt);
    disposeMasks(masks);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same tensors as sampleIndices for the same rng state', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [10, 12], numContextBlocks: 2 });
    const host = sampler.sampleIndices(3, new Rng(4));
    const masks = sampler.sample(3, new Rng(4));
    expect(masks.context).toHaveLength(2);
    masks.context.forEach((m, j) => expect(m.arraySync()).toEqual(host.context[j]!.map((r) => Array.from(r))));
    masks.target.forEach((m, i) => expect(m.arraySync()).toEqual(host.target[i]!.map((r) => Array.from(r))));
    disposeMasks(masks);
  });

  it('draws ONE target size per batch: every target block is the same rectangle size, within the scale range', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [40, 40] });
    const rng = new Rng(1);
    const areas: number[] = [];
    const aspects: number[] = [];
    for (let call = 0; call < 40; call++) {
      const { target } = sampler.sampleIndices(4, rng);
      const first = rectangleOf(target[0]![0]!, 40)!;
      for (const block of target) {
        for (const row of block) {
          const rect = rectangleOf(row, 40);
          expect(rect).not.toBeNull();
          expect([rect!.h, rect!.w]).toEqual([first.h, first.w]);
        }
      }
      const area = first.h * first.w;
      // keep = floor(1600 * s), s in [0.15, 0.2]; h, w round sqrt(keep * ar), sqrt(keep / ar).
      expect(area).toBeGreaterThanOrEqual(Math.floor(1600 * 0.15 * 0.9));
      expect(area).toBeLessThanOrEqual(Math.ceil(1600 * 0.2 * 1.1));
      expect(first.h / first.w).toBeGreaterThan(0.75 * 0.85);
      expect(first.h / first.w).toBeLessThan(1.5 * 1.15);
      areas.push(area);
      aspects.push(first.h / first.w);
    }
    // The official code draws scale and aspect ratio from the SAME uniform: they rise together.
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const ma = mean(areas);
    const mr = mean(aspects);
    const cov = areas.reduce((acc, a, i) => acc + (a - ma) * (aspects[i]! - mr), 0);
    const sd = (v: number[], m: number) => Math.sqrt(v.reduce((acc, x) => acc + (x - m) ** 2, 0));
    expect(cov / (sd(areas, ma) * sd(aspects, mr))).toBeGreaterThan(0.8);
  });

  it('draws a square context block from contextScale (seen whole with allowOverlap), capped below the grid size', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [40, 40], allowOverlap: true });
    const rng = new Rng(2);
    let overlapped = false;
    for (let call = 0; call < 20; call++) {
      const { context, target } = sampler.sampleIndices(4, rng);
      context[0]!.forEach((row, b) => {
        const rect = rectangleOf(row, 40)!;
        expect(rect).not.toBeNull();
        expect(rect.h).toBe(rect.w);
        // keep in [floor(1600 * 0.85), 1600] -> side round(sqrt(keep)) in [37, 40], capped at 39.
        expect(rect.h).toBeGreaterThanOrEqual(37);
        expect(rect.h).toBeLessThanOrEqual(39);
        const taken = new Set(row);
        if (target.some((block) => block[b]!.some((i) => taken.has(i)))) overlapped = true;
      });
    }
    expect(overlapped).toBe(true);
  });

  it('keeps the context disjoint from every target block of its sample, and above minKeep', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [14, 14], minKeep: 10 });
    const rng = new Rng(3);
    for (let call = 0; call < 30; call++) {
      const { context, target } = sampler.sampleIndices(8, rng);
      for (let b = 0; b < 8; b++) {
        const targets = new Set<number>();
        for (const block of target) for (const i of block[b]!) targets.add(i);
        for (const block of context) {
          expect(block[b]!.length).toBeGreaterThan(10);
          for (const i of block[b]!) expect(targets.has(i)).toBe(false);
        }
      }
    }
    expect(sampler.relaxations).toBe(0);
  });

  it('cuts every mask of a kind to the batch minimum, keeping the lowest raster indices', () => {
    const rows = [[Int32Array.from([1, 2, 3, 4]), Int32Array.from([5, 6, 7])], [Int32Array.from([0, 9, 10, 11, 12])]];
    expect(truncateToShortest(rows).map((block) => block.map((r) => Array.from(r)))).toEqual([
      [[1, 2, 3], [5, 6, 7]],
      [[0, 9, 10]],
    ]);
    expect(truncateToShortest(rows, 2)[1]![0]!.length).toBe(2);
    // In the sampler, contexts lose different numbers of tokens to the targets, yet come out equal.
    const sampler = new MultiBlockMaskSampler({ grid: [14, 14] });
    const { context } = sampler.sampleIndices(16, new Rng(5));
    const lengths = new Set(context[0]!.map((r) => r.length));
    expect(lengths.size).toBe(1);
    expect([...lengths][0]).toBeLessThan(13 * 13);
  });

  it('relaxes the context constraint after every 20 failed tries, dropping the last target block first', () => {
    // [20] grid, official placement: targets of 19 tokens can only start at 0, so any context
    // inside [0, 19) is empty until all three target constraints are relaxed (3 x 20 failures).
    const sampler = new MultiBlockMaskSampler({
      grid: [20], placement: 'official', targetScale: [0.95, 0.95], contextScale: [0.95, 0.95], numTargetBlocks: 3,
    });
    const rng = new Rng(6);
    const shadow = rng.clone();
    const { context, target } = sampler.sampleIndices(1, rng);
    expect(sampler.relaxations).toBe(3);
    expect(Array.from(target[0]![0]!)).toEqual(Array.from({ length: 19 }, (_, i) => i));
    expect(Array.from(context[0]![0]!)).toEqual(Array.from({ length: 19 }, (_, i) => i));
    // Draws: 2 uniforms (4 words) for the sizes, 3 target placements, 3 * 20 failed + 1 good context placement.
    for (let i = 0; i < 4 + 3 + 61; i++) shadow.nextUint32();
    expect(rng.getState()).toEqual(shadow.getState());
  });

  it('is deterministic given the rng state, and differs across seeds', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [14, 14] });
    const a = sampler.sampleIndices(4, new Rng(9));
    const b = sampler.sampleIndices(4, new Rng(9));
    const c = sampler.sampleIndices(4, new Rng(10));
    const flat = (m: typeof a) => JSON.stringify([...m.context, ...m.target].map((blk) => blk.map((r) => Array.from(r))));
    expect(flat(a)).toBe(flat(b));
    expect(flat(a)).not.toBe(flat(c));
  });

  it("never touches the last row or column with 'official' placement; 'corrected' does", () => {
    const touches = (placement: 'official' | 'corrected') => {
      const sampler = new MultiBlockMaskSampler({ grid: [14, 14], placement });
      const rng = new Rng(11);
      let lastRow = 0;
      let lastCol = 0;
      for (let call = 0; call < 50; call++) {
        const { context, target } = sampler.sampleIndices(8, rng);
        for (const block of [...context, ...target]) {
          for (const row of block) {
            for (const i of row) {
              if (Math.floor(i / 14) === 13) lastRow++;
              if (i % 14 === 13) lastCol++;
            }
          }
        }
      }
      return { lastRow, lastCol };
    };
    expect(touches('official')).toEqual({ lastRow: 0, lastCol: 0 });
    const corrected = touches('corrected');
    expect(corrected.lastRow).toBeGreaterThan(100);
    expect(corrected.lastCol).toBeGreaterThan(100);
  });

  it('samples intervals on [L] grids', () => {
    const sampler = new MultiBlockMaskSampler({ grid: [50] });
    const rng = new Rng(12);
    for (let call = 0; call < 20; call++) {
      const { context, target } = sampler.sampleIndices(4, rng);
      const length = target[0]![0]!.length;
      // floor(50 * s), s in [0.15, 0.2]
      expect(length).toBeGreaterThanOrEqual(7);
      expect(length).toBeLessThanOrEqual(10);
      for (let b = 0; b < 4; b++) {
        const taken = new Set<number>();
        for (const block of target) {
          const row = block[b]!;
          expect(row.length).toBe(length);
          expect(row[row.length - 1]! - row[0]!).toBe(length - 1); // contiguous
          for (const i of row) taken.add(i);
        }
        const ctx = context[0]![b]!;
        expect(ctx.length).toBeGreaterThan(4);
        expect(Math.max(...ctx)).toBeLessThan(50);
        for (const i of ctx) expect(taken.has(i)).toBe(false);
      }
    }
  });

  it('rounds like Python (ties to even)', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });

  it('validates its configuration at construction with messages that say what to change', () => {
    expect(() => new MultiBlockMaskSampler({ grid: [4, 14, 14] })).toThrow(/MultiBlock3dMaskSampler/);
    expect(() => new MultiBlockMaskSampler({ grid: [1, 14] })).toThrow(/at least 2 tokens/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], targetScale: [0.3, 0.2] })).toThrow(/targetScale: need 0 < min <= max <= 1/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], contextScale: [0.5, 1.2] })).toThrow(/contextScale/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], targetAspectRatio: [0, 1] })).toThrow(/targetAspectRatio/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], numTargetBlocks: 0 })).toThrow(/numTargetBlocks: expected an integer >= 1/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], minKeep: -1 })).toThrow(/minKeep/);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], placement: 'upper' as never })).toThrow(/'official' or 'corrected'/);
    expect(() => new MultiBlockMaskSampler({ grid: [4, 4], minKeep: 10 })).toThrow(/target block can be .* not more than minKeep 10; raise targetScale/);
    expect(() => new MultiBlockMaskSampler({ grid: [4, 4], minKeep: 10 })).toThrow(InvalidMaskConfigError);
    expect(() => new MultiBlockMaskSampler({ grid: [14, 14], numTargetBlocks: 0 })).toThrow(InvalidMaskConfigError);
    // A block must keep MORE than minKeep tokens (official `len(mask) > min_keep`): 5 tokens need minKeep <= 4.
    const interval = { grid: [10], targetScale: [0.5, 0.5], contextScale: [0.5, 0.5] } as const;
    expect(() => new MultiBlockMaskSampler({ ...interval, minKeep: 5 })).toThrow(/5 = 5 tokens .* not more than minKeep 5/);
    expect(() => new MultiBlockMaskSampler({ ...interval, minKeep: 4 })).not.toThrow();
    const sampler = new MultiBlockMaskSampler({ grid: [14, 14] });
    expect(() => sampler.sample(0, new Rng(0))).toThrow(/batchSize/);
  });
});
