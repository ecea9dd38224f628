import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateTwoRoomsDataset } from '../env/two-rooms/dataset.js';
import { renderTwoRoomsFrame } from '../env/two-rooms/render-frames.js';
import { createWorldModel } from '../model/create-world-model.js';
import { encodeTwoRoomsLatents } from './two-rooms-latents.js';

describe('encodeTwoRoomsLatents', () => {
  it('encodes every frame of every trajectory in chunks, in order, with the dataset actions, and leaks nothing', () => {
    const model = createWorldModel({ imageSize: 16, inChannels: 2, actionDim: 2, encoder: { stages: [4, 8], latentDim: 6 }, predictor: { kind: 'gru' }, inverseDynamics: null }, { seed: 2 });
    const dataset = generateTwoRoomsDataset({ trajectories: 5, seed: 4, steps: 6 });
    const before = tf.memory().numTensors;
    const data = encodeTwoRoomsLatents(model, dataset, { imageSize: 16, chunk: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(data).toMatchObject({ trajectories: 5, steps: 6 });
    expect(data.latents).toHaveLength(5 * 7 * 6);
    expect(data.actions).toBe(dataset.actions);
    // Trajectory 3 (the second chunk's second), frame 4, encoded on its own.
    const layout = { wallX: dataset.layouts[6]!, doorY: dataset.layouts[7]! };
    const position = dataset.positions.subarray((3 * 7 + 4) * 2, (3 * 7 + 4) * 2 + 2);
    const alone = model.encode(renderTwoRoomsFrame(layout, position, { imageSize: 16 }));
    const expected = Array.from(alone.dataSync());
    const got = Array.from(data.latents.subarray((3 * 7 + 4) * 6, (3 * 7 + 5) * 6));
    got.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    alone.dispose();
    model.dispose();
  });
});
