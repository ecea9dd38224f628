/**
 * The app's two pictures, rendered with sharp from raw pixels and SVG (no plotting library):
 * a clip's frames with the context/target masks of each mask generator overlaid, and the loss curve.
 */
import sharp from 'sharp';
import type { DecodedClips } from '@jepa/video';

/** Options of {@link renderMaskOverlay}. */
export interface MaskOverlayOptions {
  /** The tubelet grid `[T', H', W']` the token indices refer to. */
  readonly grid: readonly [number, number, number];
  readonly tubeletSize: number;
  readonly patchSize: number;
  /** Pixels per clip pixel. Default 4. */
  readonly scale?: number;
}

/**
 * PNG of clip `index`: one row of frames per mask pair (context tokens tinted green, target tokens
 * red, the digit drawn in grey on top), plus a first row with the plain frames.
 */
export async function renderMaskOverlay(clips: DecodedClips, index: number, pairs: readonly { context: Int32Array; target: Int32Array }[], options: MaskOverlayOptions): Promise<Buffer> {
  const { numFrames, height, width, channels } = clips;
  const scale = options.scale ?? 4;
  const gap = 2;
  const [, gh, gw] = options.grid;
  const cellW = width * scale;
  const cellH = height * scale;
  const outW = numFrames * (cellW + gap) - gap;
  const rows = 1 + pairs.length;
  const outH = rows * (cellH + gap) - gap;
  const out = Buffer.alloc(outW * outH * 3, 255);
  const per = numFrames * height * width * channels;
  const clip = clips.data.subarray(index * per, (index + 1) * per);
  const labelOf = pairs.map(({ context, target }) => {
    const kinds = new Int8Array(options.grid[0] * gh * gw); // 0 none, 1 context, 2 target
    for (const i of context) kinds[i] = 1;
    for (const i of target) kinds[i] = 2;
    return kinds;
  });
  for (let row = 0; row < rows; row++) {
    for (let t = 0; t < numFrames; t++) {
      for (let y = 0; y < cellH; y++) {
        for (let x = 0; x < cellW; x++) {
          const py = Math.floor(y / scale);
          const px = Math.floor(x / scale);
          const v = clip[((t * height + py) * width + px) * channels]!;
          let rgb: [number, number, number] = [v * 255, v * 255, v * 255];
          if (row > 0) {
            const token = (Math.floor(t / options.tubeletSize) * gh + Math.floor(py / options.patchSize)) * gw + Math.floor(px / options.patchSize);
            const kind = labelOf[row - 1]![token]!;
            const tint: [number, number, number] = kind === 1 ? [40, 170, 60] : kind === 2 ? [220, 50, 40] : [90, 90, 90];
            rgb = [0, 1, 2].map((c) => 0.55 * tint[c]! + 0.45 * 255 * v + (1 - v) * 0) as [number, number, number];
            // grid lines between tokens
            if (x % (options.patchSize * scale) === 0 || y % (options.patchSize * scale) === 0) rgb = rgb.map((c) => c * 0.7) as [number, number, number];
          }
          const ox = t * (cellW + gap) + x;
          const oy = row * (cellH + gap) + y;
          const at = (oy * outW + ox) * 3;
          out[at] = Math.min(255, Math.round(rgb[0]));
          out[at + 1] = Math.min(255, Math.round(rgb[1]));
          out[at + 2] = Math.min(255, Math.round(rgb[2]));
        }
      }
    }
  }
  return sharp(out, { raw: { width: outW, height: outH, channels: 3 } }).png().toBuffer();
}

/** An SVG line chart of the loss per step. */
export function lossCurveSvg(points: readonly { step: number; loss: number }[], title: string): string {
  const W = 640;
  const H = 360;
  const m = { left: 60, right: 20, top: 36, bottom: 44 };
  const finite = points.filter((p) => Number.isFinite(p.loss));
  const xs = finite.map((p) => p.step);
  const ys = finite.map((p) => p.loss);
  const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 1)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) [y0, y1] = [(y0 || 0) - 1, (y1 || 0) + 1];
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0 || 1)) * (W - m.left - m.right);
  const sy = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const path = finite.map((p, i) => `${i ? 'L' : 'M'}${sx(p.step).toFixed(1)},${sy(p.loss).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => y0 + f * (y1 - y0));
  const xticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(x0 + f * (x1 - x0)));
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
${ticks.map((t) => `<line x1="${m.left}" x2="${W - m.right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#ddd"/><text x="${m.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t.toPrecision(3)}</text>`).join('\n')}
${xticks.map((t) => `<text x="${sx(t).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle">${t}</text>`).join('\n')}
<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="black"/>
<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="black"/>
<text x="${W / 2}" y="${H - 8}" text-anchor="middle">step</text>
<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">L1 loss</text>
<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>
</svg>
`;
}

/** PNG of {@link lossCurveSvg}. */
export function renderLossCurve(points: readonly { step: number; loss: number }[], title: string): Promise<Buffer> {
  return sharp(Buffer.from(lossCurveSvg(points, title))).png().toBuffer();
}
