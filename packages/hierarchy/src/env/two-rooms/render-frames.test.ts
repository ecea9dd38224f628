import { describe, expect, it } from 'vitest';
import { normalizeTwoRoomsFrames } from './frame-normalization.js';
import { coveredPixelRange, worldToImageCoordinate } from './image-grid.js';
import type { TwoRoomsLayout } from './layout.js';
import { renderTwoRoomsFrame, renderTwoRoomsFrames } from './render-frames.js';
import { renderTwoRoomsWallMask } from './wall-mask.js';

const layout: TwoRoomsLayout = { wallX: 32, doorY: 18 };

/** Channel `channel` of a channels-last frame as a row-major [S, S] array. */
function channelOf(frame: Float32Array, size: number, channel: 0 | 1): Float32Array {
  const out = new Float32Array(size * size);
  for (let p = 0; p < size * size; p++) out[p] = frame[2 * p + channel]!;
  return out;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The reference formula pixel by pixel: floor(255 * exp(-|c - p|^2 / (2 sigma^2))) on the scaled grid. */
function naiveDot(x: number, y: number, size: number): Float32Array {
  const scale = 65 / size;
  const sigma = 1.3 / scale;
  const u = (x + 0.5) / scale - 0.5;
  const v = (y + 0.5) / scale - 0.5;
  const out = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      out[row * size + column] = Math.floor(255 * Math.exp(-((column - u) ** 2 + (row - v) ** 2) / (2 * sigma * sigma)));
    }
  }
  return out;
}

describe('renderTwoRoomsFrames', () => {
  it('draws the reference dot at 65 px: the truncated Gaussian, its peak at the nearest pixel', () => {
    const frame = renderTwoRoomsFrame(layout, [20.3, 40.6], { normalize: false });
    expect(frame.length).toBe(65 * 65 * 2);
    const dot = channelOf(frame, 65, 0);
    expect(argmax(dot)).toBe(41 * 65 + 20); // row y = 41, column x = 20
    expect(dot[41 * 65 + 20]).toBe(Math.floor(255 * Math.exp(-(0.3 ** 2 + 0.4 ** 2) / (2 * 1.3 * 1.3))));
    expect(Array.from(dot)).toEqual(Array.from(naiveDot(20.3, 40.6, 65)));
    // A dot exactly on a pixel centre peaks at 255.
    expect(Math.max(...channelOf(renderTwoRoomsFrame(layout, [10, 50], { normalize: false }), 65, 0))).toBe(255);
  });

  it('draws the reference wall mask at 65 px: 3 wall columns outside the 9 door rows, border lines 4 and 60', () => {
    const walls = channelOf(renderTwoRoomsFrame(layout, [10, 10], { normalize: false }), 65, 1);
    const at = (row: number, column: number) => walls[row * 65 + column];
    for (const column of [31, 32, 33]) {
      expect(at(40, column)).toBe(255);
      expect(at(13, column)).toBe(255);
      for (let row = 14; row <= 22; row++) expect(at(row, column)).toBe(0);
      expect(at(23, column)).toBe(255);
    }
    expect(at(40, 30)).toBe(0);
    expect(at(40, 34)).toBe(0);
    for (const line of [4, 60]) {
      expect(at(line, 17)).toBe(255);
      expect(at(17, line)).toBe(255);
    }
    expect(at(3, 3)).toBe(0);
    expect(at(61, 61)).toBe(0);
    // 4 border lines (256 pixels) + 3 columns x 54 rows of wall.
    expect(walls.filter((v) => v === 255).length).toBe(256 + 3 * 54);
  });

  it('normalises with the reference constants: dot -0.0705 .. 27.03, wall -0.331 / 3.018', () => {
    const raw = renderTwoRoomsFrame(layout, [10, 50], { normalize: false });
    const normalized = renderTwoRoomsFrame(layout, [10, 50]);
    const dot = channelOf(normalized, 65, 0);
    const walls = channelOf(normalized, 65, 1);
    expect(Math.min(...dot)).toBeCloseTo((0 - 0.0026) / (0.0369 + 1e-6), 5);
    expect(Math.min(...dot)).toBeCloseTo(-0.0705, 4);
    expect(Math.max(...dot)).toBeCloseTo((255 / (255 + 1e-6) - 0.0026) / (0.0369 + 1e-6), 4);
    expect(Math.max(...dot)).toBeCloseTo(27.03, 2);
    expect(Math.min(...walls)).toBeCloseTo(-0.0989 / (0.2986 + 1e-6), 5);
    expect(Math.min(...walls)).toBeCloseTo(-0.331, 3);
    expect(Math.max(...walls)).toBeCloseTo(3.018, 3);
    // The fused path equals rendering raw and normalising afterwards, min-max over each channel.
    const afterwards = normalizeTwoRoomsFrames(raw.slice(), 65);
    for (let i = 0; i < raw.length; i++) expect(normalized[i]).toBeCloseTo(afterwards[i]!, 5);
    // A dot between pixels still peaks at ~27 after the min-max.
    expect(Math.max(...channelOf(renderTwoRoomsFrame(layout, [10.5, 50.5]), 65, 0))).toBeCloseTo(27.03, 2);
  });

  for (const size of [64, 32]) {
    it(`renders at ${size} px: positions and sigma scaled, the dot visible, walls and lines kept`, () => {
      for (const [x, y] of [[20.3, 40.6], [10.52, 50.49], [55.9, 5.1]] as const) {
        const dot = channelOf(renderTwoRoomsFrame(layout, [x, y], { imageSize: size, normalize: false }), size, 0);
        expect(Array.from(dot)).toEqual(Array.from(naiveDot(x, y, size)));
        const peak = argmax(dot);
        expect(peak % size).toBe(Math.round(worldToImageCoordinate(x, size)));
        expect(Math.floor(peak / size)).toBe(Math.round(worldToImageCoordinate(y, size)));
        expect(dot[peak]).toBeGreaterThan(100);
      }
      // Worst case, the dot on a pixel corner: still clearly visible (138 of 255 at 32 px).
      const corner = (5 * 65) / size - 0.5; // image coordinate 4.5
      const cornerDot = channelOf(renderTwoRoomsFrame(layout, [corner, corner], { imageSize: size, normalize: false }), size, 0);
      expect(Math.max(...cornerDot)).toBeGreaterThan(130);
      for (let wallX = 20; wallX <= 44; wallX++) {
        for (const doorY of [10, 31, 54]) {
          const mask = renderTwoRoomsWallMask({ wallX, doorY }, size);
          const farRow = Math.round(worldToImageCoordinate(doorY > 32 ? 12 : 52, size));
          const doorRow = Math.round(worldToImageCoordinate(doorY, size));
          const wallColumns = [];
          for (let column = 0; column < size; column++) if (mask[farRow * size + column] && column > size / 8 && column < (7 * size) / 8) wallColumns.push(column);
          expect(wallColumns.length).toBeGreaterThanOrEqual(1);
          for (const column of wallColumns) {
            expect(Math.abs(worldToImageCoordinate(wallX, size) - column)).toBeLessThan(1.5 + 0.5); // on the wall
            expect(mask[doorRow * size + column]).toBe(0); // the door stays open
          }
        }
      }
      const mask = renderTwoRoomsWallMask(layout, size);
      const line = coveredPixelRange(3.5, 4.5, size)!;
      expect(line[1] - line[0]).toBeLessThanOrEqual(1);
      for (let i = 0; i < size; i++) expect(mask[line[0] * size + i]).toBe(1);
    });
  }

  it('renders a batch into one preallocated array, a layout per window', () => {
    const positions = [10, 10, 11, 10.5, 40, 40, 41, 41.5, 42, 42];
    const layouts = [20, 10, 44, 54];
    expect(() => renderTwoRoomsFrames({ positions, layouts, imageSize: 32 })).toThrow(/G dividing the 5 frames/);
    const four = positions.slice(0, 8);
    const out = new Float32Array(4 * 32 * 32 * 2);
    expect(renderTwoRoomsFrames({ positions: four, layouts, imageSize: 32, out })).toBe(out);
    for (let f = 0; f < 4; f++) {
      const frameLayout = f < 2 ? { wallX: 20, doorY: 10 } : { wallX: 44, doorY: 54 };
      const single = renderTwoRoomsFrame(frameLayout, four.slice(2 * f, 2 * f + 2), { imageSize: 32 });
      expect(out.subarray(f * 2048, (f + 1) * 2048)).toEqual(single);
    }
    expect(() => renderTwoRoomsFrames({ positions: four, layouts, imageSize: 32, out: new Float32Array(10) })).toThrow(/out must hold \[4, 32, 32, 2\]/);
    expect(() => renderTwoRoomsFrames({ positions: four, layouts: [19, 10], imageSize: 32 })).toThrow(/wallX must be an integer in 20..44/);
    expect(() => renderTwoRoomsFrames({ positions: four, layouts, imageSize: 8 })).toThrow(/imageSize must be an integer in 16..1024/);
  });
});
