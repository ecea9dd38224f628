import { describe, expect, it } from 'vitest';
import type { TwoRoomsLayout } from './layout.js';
import { drawTwoRoomsPicture, type TwoRoomsPicture } from './picture.js';

const layout: TwoRoomsLayout = { wallX: 32, doorY: 18 };

/** The colour at the centre of world pixel (x, y). */
function colorAt(picture: TwoRoomsPicture, x: number, y: number, scale: number): number[] {
  const px = Math.floor((x + 0.5) * scale);
  const py = Math.floor((y + 0.5) * scale);
  const o = (py * picture.width + px) * picture.channels;
  return Array.from(picture.data.subarray(o, o + picture.channels));
}

describe('drawTwoRoomsPicture', () => {
  it('draws walls, door, borders, start, goal and path where they are, at any scale', () => {
    const scale = 5;
    const picture = drawTwoRoomsPicture({ layout, start: [10, 40], goal: [50, 12], path: [10, 40, 20, 40, 30, 18, 40, 18], scale });
    expect(picture.width).toBe(325);
    expect(picture.data.length).toBe(325 * 325 * 4);
    const wall = colorAt(picture, 32, 45, scale);
    expect(colorAt(picture, 31, 30, scale)).toEqual(wall);
    expect(colorAt(picture, 4, 20, scale)).toEqual(wall); // border line
    expect(colorAt(picture, 30, 45, scale)).not.toEqual(wall);
    expect(colorAt(picture, 33, 10, scale)).toEqual(wall); // above the door
    expect(colorAt(picture, 45, 18, scale)).not.toEqual(wall); // beyond the path's end, free
    expect(colorAt(picture, 10, 40, scale)).toEqual([38, 166, 91, 255]); // start
    expect(colorAt(picture, 50, 12, scale)).toEqual([214, 58, 48, 255]); // goal
    expect(colorAt(picture, 50 + 4.3, 12, scale)).toEqual([236, 150, 140, 255]); // success ring
    expect(colorAt(picture, 15, 40, scale)).toEqual([52, 120, 220, 255]); // on the path
    expect(colorAt(picture, 32, 18, scale)).toEqual([52, 120, 220, 255]); // through the door
    expect(colorAt(picture, 15, 44, scale)).not.toEqual([52, 120, 220, 255]);
  });

  it('makes RGB pictures at scale 1 and checks its arguments', () => {
    const picture = drawTwoRoomsPicture({ layout, scale: 1, channels: 3 });
    expect(picture.data.length).toBe(65 * 65 * 3);
    expect(() => drawTwoRoomsPicture({ layout, scale: 0 })).toThrow(/scale must be an integer in 1..32/);
    expect(() => drawTwoRoomsPicture({ layout, path: [1, 2, 3] })).toThrow(/path must be \[P, 2\]/);
  });
});
