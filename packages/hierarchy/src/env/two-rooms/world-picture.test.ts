import { describe, expect, it } from 'vitest';
import { checkPicturePath, checkPictureSettings, drawWorldPicture, WORLD_PICTURE_COLORS as C, type PictureColor } from './world-picture.js';

const BLACK: PictureColor = [0, 0, 0];
const WHITE: PictureColor = [255, 255, 255];

describe('drawWorldPicture', () => {
  it('fills each world pixel with its cell colour, scale x scale, then draws the marks on top', () => {
    const worldSize = 20;
    const checker = (index: number) => ((index % worldSize) + Math.floor(index / worldSize)) % 2 ? BLACK : WHITE;
    const picture = drawWorldPicture({ worldSize, scale: 3, channels: 3, cellColor: checker, goalRadius: 0, dotSigma: 1 });
    expect([picture.width, picture.height, picture.channels, picture.data.length]).toEqual([60, 60, 3, 60 * 60 * 3]);
    const at = (px: number, py: number) => Array.from(picture.data.subarray((py * 60 + px) * 3, (py * 60 + px) * 3 + 3));
    expect(at(0, 0)).toEqual(WHITE);
    expect(at(2, 2)).toEqual(WHITE); // still world pixel (0, 0)
    expect(at(3, 0)).toEqual(BLACK); // world pixel (1, 0)
    expect(at(3, 3)).toEqual(WHITE); // world pixel (1, 1)

    const marked = drawWorldPicture({ worldSize, scale: 4, channels: 4, cellColor: () => C.free, goalRadius: 3, dotSigma: 1, start: [3, 3], goal: [15, 15], path: [3, 10, 15, 10] });
    const rgba = (px: number, py: number) => Array.from(marked.data.subarray((py * 80 + px) * 4, (py * 80 + px) * 4 + 4));
    const centre = (c: number) => Math.floor((c + 0.5) * 4);
    expect(rgba(centre(3), centre(3))).toEqual([...C.start, 255]);
    expect(rgba(centre(15), centre(15))).toEqual([...C.goal, 255]);
    expect(rgba(centre(15) + 11, centre(15))).toEqual([...C.ring, 255]); // 2.9 world pixels out, on the ring
    expect(rgba(centre(9), centre(10))).toEqual([...C.path, 255]);
    expect(rgba(centre(15), centre(10))).toEqual([...C.end, 255]);
    expect(rgba(centre(9), centre(5))).toEqual([...C.free, 255]);
  });
});

describe('checkPictureSettings and checkPicturePath', () => {
  it('name the caller and the option to fix', () => {
    expect(() => checkPictureSettings(4, 4, 4.5, 'here')).not.toThrow();
    expect(() => checkPictureSettings(0, 4, 4.5, 'here')).toThrow(/^here: scale must be an integer in 1..32/);
    expect(() => checkPictureSettings(4, 2, 4.5, 'here')).toThrow(/^here: channels must be 3 \(RGB\) or 4 \(RGBA\); got 2/);
    expect(() => checkPictureSettings(4, 3, -1, 'here')).toThrow(/^here: goalRadius must be a finite number >= 0/);
    expect(() => checkPicturePath([1, 2, 3, 4], 'here')).not.toThrow();
    expect(() => checkPicturePath([1, 2, 3], 'here')).toThrow(/^here: path must be \[P, 2\] .*got 3 values/);
    expect(() => checkPicturePath([1, 2, Infinity, 4], 'here')).toThrow(/^here: path point 1 must be finite/);
  });

  it('refuses a path that is not an object only when asked to (objectsOnly)', () => {
    const text = 'abcd' as unknown as ArrayLike<number>;
    expect(() => checkPicturePath(text, 'here', true)).toThrow(/path must be \[P, 2\] .*got 4 values/);
    expect(() => checkPicturePath(text, 'here')).toThrow(/path point 0 must be finite/);
    expect(() => checkPicturePath(null as unknown as ArrayLike<number>, 'here', true)).toThrow(RangeError);
  });
});
