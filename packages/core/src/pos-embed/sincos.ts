/**
 * Fixed sin-cos positional tables, as the official JEPA code (`get_{1,2,3}d_sincos_pos_embed`).
 * Tables are host arrays `[N, D]` row-major, tokens in raster order of the grid.
 */

/** `[positions.length, dim]`: first half sin, second half cos, frequencies `1 / 10000^(2i/dim)`. */
export function sincos1d(dim: number, positions: ArrayLike<number>): Float32Array {
  if (dim % 2 !== 0) throw new Error(`sincos1d: width ${dim} must be even.`);
  const half = dim / 2;
  const out = new Float32Array(positions.length * dim);
  for (let p = 0; p < positions.length; p++) {
    for (let i = 0; i < half; i++) {
      const omega = 1 / 10000 ** (i / half);
      const angle = positions[p]! * omega;
      out[p * dim + i] = Math.sin(angle);
      out[p * dim + half + i] = Math.cos(angle);
    }
  }
  return out;
}

/** Concatenates per-axis tables `[N, d_i]` along the width. */
function concatColumns(parts: Float32Array[], widths: number[], rows: number): Float32Array {
  const dim = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let offset = 0;
    parts.forEach((part, j) => {
      out.set(part.subarray(r * widths[j]!, (r + 1) * widths[j]!), r * dim + offset);
      offset += widths[j]!;
    });
  }
  return out;
}

/**
 * 2-D table for an `[H, W]` grid. As the official `meshgrid(grid_w, grid_h)`, the first half of
 * the channels encodes the column (w) coordinate and the second half the row (h).
 */
export function sincos2d(dim: number, height: number, width: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sincos2d: width ${dim} must be divisible by 4.`);
  const n = height * width;
  const cols = new Float32Array(n);
  const rows = new Float32Array(n);
  for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) { cols[h * width + w] = w; rows[h * width + w] = h; }
  return concatColumns([sincos1d(dim / 2, cols), sincos1d(dim / 2, rows)], [dim / 2, dim / 2], n);
}

/**
 * 3-D table for a `[T, H, W]` grid, channel order [depth | height | width] as the official V-JEPA
 * `get_3d_sincos_pos_embed`. With `uniformPower` (the V-JEPA default) each axis gets
 * `2 * ceil(dim / 6)` channels and the concatenation is cut to `dim`; otherwise depth gets half
 * the channels and height and width a quarter each.
 */
export function sincos3d(dim: number, frames: number, height: number, width: number, uniformPower = true): Float32Array {
  const axisDims = uniformPower
    ? [Math.ceil(dim / 6) * 2, Math.ceil(dim / 6) * 2, Math.ceil(dim / 6) * 2]
    : [Math.floor(dim / 2), Math.floor(dim / 4), Math.floor(dim / 4)];
  if (axisDims.some((d) => d % 2 !== 0) || axisDims.reduce((a, b) => a + b, 0) < dim) {
    throw new Error(`sincos3d: width ${dim} does not split into even depth/height/width parts; use a multiple of ${uniformPower ? 6 : 8}.`);
  }
  const n = frames * height * width;
  const ds = new Float32Array(n);
  const hs = new Float32Array(n);
  const ws = new Float32Array(n);
  let i = 0;
  for (let t = 0; t < frames; t++) for (let h = 0; h < height; h++) for (let w = 0; w < width; w++, i++) { ds[i] = t; hs[i] = h; ws[i] = w; }
  const full = concatColumns([sincos1d(axisDims[0]!, ds), sincos1d(axisDims[1]!, hs), sincos1d(axisDims[2]!, ws)], axisDims, n);
  const total = axisDims.reduce((a, b) => a + b, 0);
  if (total === dim) return full;
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) out.set(full.subarray(r * total, r * total + dim), r * dim);
  return out;
}

/** The sin-cos table for any token grid (`[L]`, `[H, W]` or `[T, H, W]`). */
export function sincosTable(dim: number, grid: readonly number[], uniformPower = true): Float32Array {
  if (grid.length === 1) return sincos1d(dim, Float32Array.from({ length: grid[0]! }, (_, i) => i));
  if (grid.length === 2) return sincos2d(dim, grid[0]!, grid[1]!);
  if (grid.length === 3) return sincos3d(dim, grid[0]!, grid[1]!, grid[2]!, uniformPower);
  throw new Error(`sincosTable: grids have 1 to 3 dimensions, got [${grid.join(', ')}].`);
}
