import { loadMnist } from '@jepa/vision/node';
import { describe, expect, it } from 'vitest';
import { decodeMnistSubset } from './mnist-subset.js';
import { encodeMnistSubset } from './mnist-subset-format.js';
import { MNIST_SUBSET_PER_CLASS, readMnistSubset } from './mnist-subset-plugin.js';

describe('MNIST subset file', () => {
  it('gives the page the same digits as loadMnist({ trainPerClass }) under Node, bit for bit', () => {
    const page = decodeMnistSubset(readMnistSubset());
    const node = loadMnist({ trainPerClass: MNIST_SUBSET_PER_CLASS }).train;
    expect(page.count).toBe(10 * MNIST_SUBSET_PER_CLASS);
    expect([page.height, page.width, page.channels]).toEqual([28, 28, 1]);
    expect(page.labels).toEqual(node.labels);
    expect(page.classNames).toEqual(node.classNames);
    expect(Buffer.from(page.images.buffer).equals(Buffer.from(node.images.buffer))).toBe(true);
  });

  it('keeps the first images of each class, and refuses other files with a message that says what to do', () => {
    const digits = Array.from({ length: 10 }, (_, digit) => Array.from({ length: 3 * 784 }, (_, i) => Number((((digit * 7 + i) % 256) / 255).toFixed(3))));
    const decoded = decodeMnistSubset(encodeMnistSubset(digits, 2));
    expect(decoded.count).toBe(20);
    expect([...decoded.images.subarray(3 * 2 * 784, 3 * 2 * 784 + 784)]).toEqual(digits[3]!.slice(0, 784).map((v) => Math.fround(v)));
    expect(() => decodeMnistSubset(new Uint8Array(20))).toThrow(/expected a JMN1 file.*Rebuild/);
    expect(() => encodeMnistSubset(digits, 4)).toThrow(/digit 0 has 3 images, fewer than perClass 4/);
    const bytes = encodeMnistSubset(digits, 1);
    expect(() => decodeMnistSubset(bytes.subarray(0, bytes.length - 1))).toThrow(/the file has/);
  });
});
