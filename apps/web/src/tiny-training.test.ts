import * as tf from '@tensorflow/tfjs';
import type { LabeledImages } from '@jepa/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TabTraining } from './tiny-training.js';

/** 32 synthetic 28 x 28 digits: a bright bar whose place depends on the label. */
function digits(): LabeledImages {
  const count = 32;
  const images = new Float32Array(count * 28 * 28);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    for (let y = 4; y < 24; y++) for (let x = 0; x < 3; x++) images[i * 784 + y * 28 + 2 * labels[i]! + 3 + x] = 0.5 + 0.05 * (i % 7);
  }
  return { images, labels, count, height: 28, width: 28, channels: 1, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}

describe('TabTraining', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('stops with a checkpoint and resumes exactly: the same losses as a run without a stop', async () => {
    const data = digits();
    const options = { steps: 4, batchSize: 8 };
    const straight = new TabTraining(data, options);
    await straight.run(() => undefined);
    expect(straight.finished).toBe(true);
    expect(straight.checkpoint?.name).toBe('step-000004');

    const stopped = new TabTraining(data, options);
    await stopped.run((step) => {
      if (step.step === 2) stopped.stop();
    });
    expect(stopped.stepsDone).toBe(2);
    expect(stopped.finished).toBe(false);
    expect(stopped.checkpoint).toMatchObject({ name: 'step-000002', reason: 'aborted' });
    await stopped.run(() => undefined);
    expect(stopped.finished).toBe(true);
    expect(stopped.losses).toEqual(straight.losses);
    straight.dispose();
    stopped.dispose();
  });
});
