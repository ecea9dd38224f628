import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Linear } from '../nn/linear.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { emaTargetUpdate, frozenTargetUpdate, TARGET_UPDATES } from './target-update.js';

useBackendForThisFile('cpu');

function pair() {
  const target = new Linear(2, 2);
  const online = new Linear(2, 2);
  target.weight.assign(tf.tensor2d([[1, 2], [3, 4]]));
  target.bias!.assign(tf.tensor1d([0, 0]));
  online.weight.assign(tf.tensor2d([[3, 2], [1, 0]]));
  online.bias!.assign(tf.tensor1d([1, -1]));
  return { target, online };
}

describe('target updates', () => {
  it('ema: target = m target + (1 - m) online, and it asks for a momentum in [0, 1]', () => {
    const { target, online } = pair();
    const before = tf.memory().numTensors;
    emaTargetUpdate.update(target, online, { momentum: 0.75 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(target.weight.dataSync())).toEqual([1.5, 2, 2.5, 3]);
    expect(Array.from(target.bias!.dataSync())).toEqual([0.25, -0.25]);
    expect(Array.from(online.weight.dataSync())).toEqual([3, 2, 1, 0]);
    expect(() => emaTargetUpdate.check!({})).toThrow(/needs hyper.momentum in \[0, 1\].*got undefined; pass it, or build the Jepa with targetUpdate: 'frozen'/);
    expect(() => emaTargetUpdate.check!({ momentum: 1.5 })).toThrow(/got 1.5/);
    expect(() => emaTargetUpdate.check!({ momentum: 0.996 })).not.toThrow();
    target.dispose();
    online.dispose();
  });

  it('frozen: the target keeps its weights bit for bit, whatever the momentum', () => {
    const { target, online } = pair();
    frozenTargetUpdate.update(target, online, { momentum: 0.5 });
    frozenTargetUpdate.update(target, online, {});
    expect(Array.from(target.weight.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(target.bias!.dataSync())).toEqual([0, 0]);
    expect(TARGET_UPDATES).toEqual({ ema: emaTargetUpdate, frozen: frozenTargetUpdate });
    target.dispose();
    online.dispose();
  });
});
