import { describe, expect, it } from 'vitest';
import { splitHeldOut, takeBalanced } from './class-balanced-split.js';
import { countPerClass, type LabeledImages } from './labeled-images.js';

function toySet(labels: number[]): LabeledImages {
  return {
    images: Float32Array.from(labels.flatMap((_, i) => [i, i])),
    labels: Int32Array.from(labels),
    count: labels.length,
    height: 1,
    width: 1,
    channels: 2,
    classNames: ['a', 'b', 'c'],
  };
}

describe('takeBalanced', () => {
  it('takes classes in turn, in dataset order', () => {
    const set = toySet([0, 0, 0, 0, 1, 1, 2, 2, 2]);
    const taken = takeBalanced(set, 5);
    expect(Array.from(taken.labels)).toEqual([0, 0, 1, 1, 2]);
    expect(Array.from(taken.images.filter((_, i) => i % 2 === 0))).toEqual([0, 1, 4, 5, 6]);
    expect(takeBalanced(set, undefined)).toBe(set);
    expect(takeBalanced(set, 100)).toBe(set);
  });
});

describe('splitHeldOut', () => {
  it('holds out the last fraction of every class, at least one, never all', () => {
    const set = toySet([0, 0, 0, 0, 0, 1, 1, 2]);
    const { train, heldOut } = splitHeldOut(set, 0.2);
    expect(countPerClass(train)).toEqual([4, 1, 1]);
    expect(countPerClass(heldOut)).toEqual([1, 1, 0]);
    expect(Array.from(heldOut.images.filter((_, i) => i % 2 === 0))).toEqual([4, 6]);
  });
});
