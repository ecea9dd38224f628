import type { TokenGrid } from '../model/contracts.js';
import type { Rng } from '../random/rng.js';
import { formatGrid } from './token-grid.js';

/** An axis-aligned box of tokens on a grid: `start[k] <= i_k < start[k] + size[k]` on every axis. */
export interface TokenBlock {
  /** First token index of the block on each axis. */
  readonly start: readonly number[];
  /** Extent of the block on each axis, in tokens. */
  readonly size: readonly number[];
}

/**
 * Where a block's corner may go.
 * - `'corrected'`: `start in [0, dim - size]` on every axis, so a block may touch the last row and
 *   column (the fix of facebookresearch/ijepa PRs #40 and #59; V-JEPA's multiblock3d does this).
 * - `'official'`: I-JEPA's `torch.randint(0, dim - size)`, whose excluded upper bound means
 *   `start in [0, dim - size - 1]`: blocks never touch the last row or column.
 */
export type BlockPlacement = 'official' | 'corrected';

/** Draws the corner of a block of `size` on `grid` (one `rng.int` per axis, axis 0 first). */
export function placeBlock(grid: TokenGrid, size: readonly number[], rng: Rng, placement: BlockPlacement): TokenBlock {
  const start = new Array<number>(grid.length);
  const slack = placement === 'official' ? 0 : 1;
  for (let axis = 0; axis < grid.length; axis++) {
    const positions = grid[axis]! - size[axis]! + slack;
    if (positions < 1) {
      throw new Error(`placeBlock: a block of size ${formatGrid(size)} has no '${placement}' position on the grid ${formatGrid(grid)} (axis ${axis}); use a smaller block.`);
    }
    start[axis] = rng.int(0, positions);
  }
  return { start, size };
}

/** Whether the token at `coords` lies in `block`. */
export function blockContains(block: TokenBlock, coords: readonly number[]): boolean {
  for (let axis = 0; axis < coords.length; axis++) {
    const offset = coords[axis]! - block.start[axis]!;
    if (offset < 0 || offset >= block.size[axis]!) return false;
  }
  return true;
}

/**
 * Raster indices (ascending) of the tokens of `block` that lie in none of `exclude`.
 *
 * @returns `[K]` int32, `K <= prod(block.size)`
 */
export function blockIndices(grid: TokenGrid, block: TokenBlock, exclude: readonly TokenBlock[] = []): Int32Array {
  const rank = grid.length;
  if (block.start.length !== rank || block.size.length !== rank) {
    throw new Error(`blockIndices: block of rank ${block.start.length} on the ${rank}-d grid ${formatGrid(grid)}.`);
  }
  // Pad to 3 axes (leading size-1 axes) so one triple loop serves [L], [H, W] and [T, H, W].
  const pad = 3 - rank;
  const dims = [1, 1, 1];
  const start = [0, 0, 0];
  const size = [1, 1, 1];
  for (let axis = 0; axis < rank; axis++) {
    dims[axis + pad] = grid[axis]!;
    start[axis + pad] = block.start[axis]!;
    size[axis + pad] = block.size[axis]!;
  }
  const padded = exclude.map((e) => {
    const s = [0, 0, 0];
    const z = [1, 1, 1];
    for (let axis = 0; axis < rank; axis++) {
      s[axis + pad] = e.start[axis]!;
      z[axis + pad] = e.size[axis]!;
    }
    return { s, z };
  });
  const out = new Int32Array(size[0]! * size[1]! * size[2]!);
  let count = 0;
  for (let a = start[0]!; a < start[0]! + size[0]!; a++) {
    for (let b = start[1]!; b < start[1]! + size[1]!; b++) {
      for (let c = start[2]!; c < start[2]! + size[2]!; c++) {
        let excluded = false;
        for (const { s, z } of padded) {
          if (a >= s[0]! && a < s[0]! + z[0]! && b >= s[1]! && b < s[1]! + z[1]! && c >= s[2]! && c < s[2]! + z[2]!) {
            excluded = true;
            break;
          }
        }
        if (!excluded) out[count++] = (a * dims[1]! + b) * dims[2]! + c;
      }
    }
  }
  return count === out.length ? out : out.slice(0, count);
}
