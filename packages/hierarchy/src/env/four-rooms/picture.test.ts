import { describe, expect, it } from 'vitest';
import { FOUR_ROOMS_DEFAULT_DOORS, type FourRoomsLayout } from './layout.js';
import { FOUR_ROOMS_PICTURE_COLORS as C, drawFourRoomsPicture, type FourRoomsPicture } from './picture.js';

const layout: FourRoomsLayout = { closedDoor: 'right', doors: FOUR_ROOMS_DEFAULT_DOORS };

/** The colour at the centre of world pixel (x, y). */
function colorAt(picture: FourRoomsPicture, x: number, y: number, scale: number): number[] {
  const px = Math.floor((x + 0.5) * scale);
  const py = Math.floor((y + 0.5) * scale);
  const o = (py * picture.width + px) * picture.channels;
  return Array.from(picture.data.subarray(o, o + picture.channels));
}

describe('drawFourRoomsPicture', () => {
  it('draws walls, open doors, the closed door apart, start, goal ring and path', () => {
    const scale = 5;
    const path = [10, 10, 28, 16, 36, 16, 48, 28, 50, 50];
    const picture = drawFourRoomsPicture({ layout, start: [10, 10], goal: [50, 50], path, scale });
    expect(picture.width).toBe(325);
    expect(picture.data.length).toBe(325 * 325 * 4);
    const rgba = (color: readonly number[]) => [...color, 255];
    expect(colorAt(picture, 32, 40, scale)).toEqual(rgba(C.wall));
    expect(colorAt(picture, 40, 32, scale)).toEqual(rgba(C.wall));
    expect(colorAt(picture, 4, 20, scale)).toEqual(rgba(C.wall)); // border line
    expect(colorAt(picture, 48, 32, scale)).toEqual(rgba(C.closedDoor)); // the closed right door
    expect(colorAt(picture, 16, 32, scale)).toEqual(rgba(C.free)); // the open left door
    expect(colorAt(picture, 32, 48, scale)).toEqual(rgba(C.free)); // the open bottom door
    expect(colorAt(picture, 10, 10, scale)).toEqual(rgba(C.start));
    expect(colorAt(picture, 50, 50, scale)).toEqual(rgba(C.goal));
    expect(colorAt(picture, 50 - 4.3, 50, scale)).toEqual(rgba(C.ring));
    expect(colorAt(picture, 32, 16, scale)).toEqual(rgba(C.path)); // through the top door
    expect(colorAt(picture, 20, 40, scale)).toEqual(rgba(C.free));
  });

  it('makes RGB pictures at scale 1 and checks its arguments', () => {
    const picture = drawFourRoomsPicture({ layout, scale: 1, channels: 3 });
    expect(picture.data.length).toBe(65 * 65 * 3);
    expect(() => drawFourRoomsPicture({ layout, scale: 0 })).toThrow(/scale must be an integer in 1..32/);
    expect(() => drawFourRoomsPicture({ layout, path: [1, 2, 3] })).toThrow(/path must be \[P, 2\]/);
    expect(() => drawFourRoomsPicture({ layout: { ...layout, closedDoor: 'middle' as 'top' } })).toThrow(/closedDoor must be null or one of/);
  });
});
