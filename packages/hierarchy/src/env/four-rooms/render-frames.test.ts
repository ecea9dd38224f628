import { describe, expect, it } from 'vitest';
import { worldToImageCoordinate } from '../two-rooms/image-grid.js';
import { renderTwoRoomsFrame } from '../two-rooms/render-frames.js';
import { FOUR_ROOMS_DEFAULT_DOORS, type FourRoomsLayout } from './layout.js';
import { renderFourRoomsFrame, renderFourRoomsFrames } from './render-frames.js';
import { FOUR_ROOMS_CLOSED_DOOR, renderFourRoomsWallMap, renderFourRoomsWallMask } from './wall-mask.js';
import { FOUR_ROOMS_DOORS, type FourRoomsDoor } from './world.js';

const layout = (closedDoor: FourRoomsDoor | null): FourRoomsLayout => ({ closedDoor, doors: FOUR_ROOMS_DEFAULT_DOORS });

/** Channel `channel` of a channels-last frame as a row-major [S, S] array. */
function channelOf(frame: Float32Array, size: number, channel: 0 | 1): Float32Array {
  const out = new Float32Array(size * size);
  for (let p = 0; p < size * size; p++) out[p] = frame[2 * p + channel]!;
  return out;
}

describe('renderFourRoomsFrames', () => {
  it('draws the cross of 3-px walls with 9-px door gaps and the 1-px borders at 65 px', () => {
    const walls = channelOf(renderFourRoomsFrame(layout(null), [10, 10], { normalize: false }), 65, 1);
    const at = (row: number, column: number) => walls[row * 65 + column];
    for (const band of [31, 32, 33]) {
      expect(at(40, band)).toBe(255); // vertical wall
      expect(at(band, 40)).toBe(255); // horizontal wall
      for (let a = 12; a <= 20; a++) {
        expect(at(a, band)).toBe(0); // top door
        expect(at(band, a)).toBe(0); // left door
        expect(at(a + 32, band)).toBe(0); // bottom door
        expect(at(band, a + 32)).toBe(0); // right door
      }
      expect(at(11, band)).toBe(255);
      expect(at(21, band)).toBe(255);
      expect(at(band, 11)).toBe(255);
    }
    expect(at(40, 30)).toBe(0);
    expect(at(40, 34)).toBe(0);
    for (const line of [4, 60]) {
      expect(at(line, 17)).toBe(255);
      expect(at(17, line)).toBe(255);
    }
    expect(at(3, 3)).toBe(0);
    // 4 border lines (256 px) + two walls of 3 x (65 - 2 x 9 door - 2 border) px, less their 3 x 3 crossing.
    expect(walls.filter((v) => v === 255).length).toBe(256 + 2 * 3 * 45 - 9);
  });

  it('fills the closed door in the wall channel (and marks it apart in the wall map)', () => {
    for (const door of FOUR_ROOMS_DOORS) {
      const walls = channelOf(renderFourRoomsFrame(layout(door), [10, 10], { normalize: false }), 65, 1);
      const centre = door === 'top' || door === 'left' ? 16 : 48;
      const [row, column] = door === 'top' || door === 'bottom' ? [centre, 32] : [32, centre];
      expect(walls[row * 65 + column]).toBe(255);
      expect(walls.filter((v) => v === 255).length).toBe(256 + 2 * 3 * 45 - 9 + 27);
      const map = renderFourRoomsWallMap(layout(door), 65);
      expect(map[row * 65 + column]).toBe(FOUR_ROOMS_CLOSED_DOOR);
      expect(map.filter((v) => v === FOUR_ROOMS_CLOSED_DOOR).length).toBe(27);
      // The other doors stay open.
      for (const other of FOUR_ROOMS_DOORS) {
        if (other === door) continue;
        const c = other === 'top' || other === 'left' ? 16 : 48;
        const [r, k] = other === 'top' || other === 'bottom' ? [c, 32] : [32, c];
        expect(walls[r * 65 + k]).toBe(0);
      }
    }
  });

  it('draws the Two Rooms dot and normalises with the Two Rooms constants', () => {
    const position = [20.3, 40.6];
    const dot = channelOf(renderFourRoomsFrame(layout('left'), position, { normalize: false }), 65, 0);
    const twoRoomsDot = channelOf(renderTwoRoomsFrame({ wallX: 32, doorY: 18 }, position, { normalize: false }), 65, 0);
    expect(Array.from(dot)).toEqual(Array.from(twoRoomsDot));
    expect(Math.max(...dot)).toBeGreaterThan(200);
    const normalized = renderFourRoomsFrame(layout('left'), position);
    const walls = channelOf(normalized, 65, 1);
    expect(Math.min(...walls)).toBeCloseTo(-0.0989 / (0.2986 + 1e-6), 5);
    expect(Math.max(...walls)).toBeCloseTo(3.018, 3);
    expect(Math.max(...channelOf(normalized, 65, 0))).toBeCloseTo(27.03, 2);
  });

  for (const size of [64, 32]) {
    it(`renders at ${size} px: walls at least a pixel wide, open doors open, the closed door filled`, () => {
      const far = Math.round(worldToImageCoordinate(40, size));
      const centre = Math.round(worldToImageCoordinate(32, size));
      const top = Math.round(worldToImageCoordinate(16, size));
      const open = renderFourRoomsWallMask(layout(null), size);
      expect(open[far * size + centre]).toBe(1);
      expect(open[centre * size + far]).toBe(1);
      expect(open[top * size + centre]).toBe(0);
      expect(open[centre * size + top]).toBe(0);
      const closed = renderFourRoomsWallMask(layout('top'), size);
      expect(closed[top * size + centre]).toBe(1);
      expect(closed[centre * size + top]).toBe(0);
      const frame = renderFourRoomsFrame(layout(null), [40, 40], { imageSize: size, normalize: false });
      expect(frame.length).toBe(size * size * 2);
      const dot = channelOf(frame, size, 0);
      expect(dot.indexOf(Math.max(...dot))).toBe(far * size + far);
    });
  }

  it('renders a batch into one array, a layout code per window, and says what to fix', () => {
    const positions = [10, 10, 11, 10.5, 40, 40, 41, 41.5];
    const out = new Float32Array(4 * 32 * 32 * 2);
    expect(renderFourRoomsFrames({ positions, layouts: [-1, 0], imageSize: 32, out })).toBe(out);
    for (let f = 0; f < 4; f++) {
      const single = renderFourRoomsFrame(layout(f < 2 ? null : 'top'), positions.slice(2 * f, 2 * f + 2), { imageSize: 32 });
      expect(out.subarray(f * 2048, (f + 1) * 2048)).toEqual(single);
    }
    expect(() => renderFourRoomsFrames({ positions, layouts: [-1, 0, 1] })).toThrow(/G dividing the 4 frames/);
    expect(() => renderFourRoomsFrames({ positions, layouts: [7] })).toThrow(/layout code must be an integer in -1..3/);
    expect(() => renderFourRoomsFrames({ positions, layouts: [-1], imageSize: 8 })).toThrow(/imageSize must be an integer in 16..1024/);
    expect(() => renderFourRoomsFrame(layout(null), [Number.NaN, 1])).toThrow(/must be finite world pixels/);
  });
});
