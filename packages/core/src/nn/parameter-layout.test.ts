import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fromTorchLayout, toTorchLayout, torchShape } from './parameter-layout.js';

describe('parameter layout', () => {
  it('round-trips a Conv2d weight through the channels-last patch matrix', () => {
    const torch = tf.randomNormal([5, 3, 2, 2]);
    const layout = { kind: 'conv', kernel: [2, 2], inChannels: 3 } as const;
    const ours = fromTorchLayout(torch, layout);
    expect(ours.shape).toEqual([12, 5]);
    expect(torchShape(ours.shape, layout)).toEqual([5, 3, 2, 2]);
    // row (kh, kw, c) of ours equals torch[d, c, kh, kw]
    const t = torch.arraySync() as number[][][][];
    const o = ours.arraySync() as number[][];
    expect(o[(1 * 2 + 0) * 3 + 2]![4]).toBeCloseTo(t[4]![2]![1]![0]!, 6);
    const back = toTorchLayout(ours, layout);
    expect(back.shape).toEqual([5, 3, 2, 2]);
    expect(tf.max(tf.abs(tf.sub(back, torch))).dataSync()[0]).toBe(0);
  });
});
