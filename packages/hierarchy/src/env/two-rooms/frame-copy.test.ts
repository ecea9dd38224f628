import { describe, expect, it } from 'vitest';
import { copyFrame } from './frame-copy.js';

describe('copyFrame', () => {
  it('copies a frame into a new array or into out, and checks the length of out', () => {
    const frame = Float32Array.from({ length: 16 * 16 * 2 }, (_, i) => i);
    const copy = copyFrame(frame, 16, 'here');
    expect(copy).toEqual(frame);
    expect(copy).not.toBe(frame);
    const out = new Float32Array(frame.length);
    expect(copyFrame(frame, 16, 'here', out)).toBe(out);
    expect(out).toEqual(frame);
    expect(() => copyFrame(frame, 16, 'here', new Float32Array(3))).toThrow(/^here: out must hold 512 values \(\[16, 16, 2\]\); got 3\.$/);
  });
});
