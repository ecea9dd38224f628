import type { TokenGrid } from '../model/contracts.js';

/** Throws unless `grid` has 1 to 3 positive integer sizes. `where` names the caller in the message. */
export function validateTokenGrid(grid: TokenGrid, where = 'TokenGrid'): void {
  if (!Array.isArray(grid) || grid.length < 1 || grid.length > 3) {
    throw new Error(`${where}: a token grid is [L], [H, W] or [T, H, W], got ${formatGrid(grid)}.`);
  }
  for (const size of grid) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new Error(`${where}: grid sizes must be positive integers, got ${formatGrid(grid)}.`);
    }
  }
}

/** `N`, the number of tokens of the grid (product of its sizes). */
export function numTokens(grid: TokenGrid): number {
  let n = 1;
  for (const size of grid) n *= size;
  return n;
}

/** Raster-order strides: token `(i0, i1, ...)` has index `sum(i_k * strides[k])`. */
export function gridStrides(grid: TokenGrid): number[] {
  const strides = new Array<number>(grid.length);
  let stride = 1;
  for (let axis = grid.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= grid[axis]!;
  }
  return strides;
}

/** The raster index of the token at `coords`. */
export function tokenIndex(grid: TokenGrid, coords: readonly number[]): number {
  if (coords.length !== grid.length) {
    throw new Error(`tokenIndex: ${coords.length} coordinates for the ${grid.length}-d grid ${formatGrid(grid)}; give one per axis.`);
  }
  let index = 0;
  for (let axis = 0; axis < grid.length; axis++) {
    const c = coords[axis]!;
    if (!Number.isInteger(c) || c < 0 || c >= grid[axis]!) {
      throw new Error(`tokenIndex: coordinate ${c} on axis ${axis} is outside the grid ${formatGrid(grid)}.`);
    }
    index = index * grid[axis]! + c;
  }
  return index;
}

/** The coordinates of raster index `index` (inverse of {@link tokenIndex}). */
export function tokenCoords(grid: TokenGrid, index: number): number[] {
  const n = numTokens(grid);
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new Error(`tokenCoords: index ${index} is outside [0, ${n}) for the grid ${formatGrid(grid)}.`);
  }
  const coords = new Array<number>(grid.length);
  for (let axis = grid.length - 1; axis >= 0; axis--) {
    coords[axis] = index % grid[axis]!;
    index = Math.floor(index / grid[axis]!);
  }
  return coords;
}

/** `[14, 14]`-style text for messages. */
export function formatGrid(grid: unknown): string {
  return Array.isArray(grid) ? `[${grid.join(', ')}]` : String(grid);
}
