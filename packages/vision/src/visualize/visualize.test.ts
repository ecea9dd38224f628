import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabeledImages } from '@jepa/core';
import { createIJepa } from '../model/ijepa.js';
import { trainPatchDecoder, type TrainedPatchDecoder } from './patch-decoder.js';
import { encodePng } from './png.js';
import { PREDICTION_FIGURE_COLUMNS, predictionFigure } from './prediction-figure.js';

const SIZE = 16;
const PATCH = 4;
const model = createIJepa({ imageSize: SIZE, patchSize: PATCH, inChannels: 1, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 16, depth: 1, numHeads: 2 } }, { seed: 1 });
const normalization = { mean: [0.3], std: [0.4] };

/** Images whose patches are one of a few shapes (flat, horizontal or vertical ramp) at random levels: learnable from tokens. */
function syntheticImages(count: number, seed: number): LabeledImages {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const images = new Float32Array(count * SIZE * SIZE);
  for (let i = 0; i < count; i++) {
    for (let gy = 0; gy < SIZE / PATCH; gy++) {
      for (let gx = 0; gx < SIZE / PATCH; gx++) {
        const kind = Math.floor(next() * 3);
        const level = next();
        for (let py = 0; py < PATCH; py++) {
          for (let px = 0; px < PATCH; px++) {
            const v = kind === 0 ? level : kind === 1 ? (level * px) / (PATCH - 1) : (level * py) / (PATCH - 1);
            images[i * SIZE * SIZE + (gy * PATCH + py) * SIZE + gx * PATCH + px] = v;
          }
        }
      }
    }
  }
  return { images, labels: new Int32Array(count), count, height: SIZE, width: SIZE, channels: 1, classNames: ['x'] };
}

const train = syntheticImages(96, 7);
const heldOut = syntheticImages(5, 99);
let trained: TrainedPatchDecoder | undefined;
afterAll(() => {
  trained?.decoder.dispose();
  model.dispose();
});

describe('trainPatchDecoder + predictionFigure', () => {
  it('renders patches from frozen tokens far better than the mean patch, leaving the encoder and tf.memory as they were', async () => {
    const encoderBefore = model.targetEncoder.stateDict();
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    trained = await trainPatchDecoder(model, train, { steps: 300, batchSize: 128, hiddenDim: 64, normalization, onProgress: (step) => progress.push(step) });
    // Only the decoder's own weights remain (fc1 and fc2, weight and bias).
    expect(tf.memory().numTensors).toBe(before + 4);
    expect(trained.patches).toBe(96 * 16);
    expect(trained.mse).toBeLessThan(0.35 * trained.meanPatchMse);
    expect(progress).toEqual([100, 200, 300]);
    const encoderAfter = model.targetEncoder.stateDict();
    for (const [key, value] of Object.entries(encoderBefore)) expect(tf.equal(value, encoderAfter[key]!).all().dataSync()[0], key).toBe(1);
    tf.dispose([...Object.values(encoderBefore), ...Object.values(encoderAfter)]);
  });

  it('is seeded: the same options give the same decoder', async () => {
    const again = await trainPatchDecoder(model, train, { steps: 300, batchSize: 128, hiddenDim: 64, normalization });
    try {
      expect(again.mse).toBe(trained!.mse);
    } finally {
      again.decoder.dispose();
    }
  });

  it('draws one row per image, five columns, the image column equal to the de-normalised input, and encodes as PNG', async () => {
    const before = tf.memory().numTensors;
    const figure = predictionFigure(model, trained!.decoder, heldOut, { count: 3, normalization, scale: 2, gap: 4, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const cell = SIZE * 2;
    expect(figure.columns).toEqual([...PREDICTION_FIGURE_COLUMNS]);
    expect(figure.width).toBe(5 * cell + 6 * 4);
    expect(figure.height).toBe(3 * cell + 4 * 4);
    expect(figure.data.length).toBe(figure.width * figure.height * 3);
    expect(figure.masks.target).toHaveLength(4);
    for (let b = 0; b < 3; b++) {
      for (let y = 0; y < cell; y++) {
        for (let x = 0; x < cell; x++) {
          const expected = Math.round(heldOut.images[b * SIZE * SIZE + Math.floor(y / 2) * SIZE + Math.floor(x / 2)]! * 255);
          const at = ((4 + b * (cell + 4) + y) * figure.width + 4 + x) * 3;
          expect(Math.abs(figure.data[at]! - expected), `image ${b} pixel ${y},${x}`).toBeLessThanOrEqual(1);
          expect(figure.data[at + 1]).toBe(figure.data[at]);
        }
      }
    }
    // A pixel of the decoded-targets column outside every target is grey, and the columns differ from the image.
    const targets = new Set(figure.masks.target.flatMap((block) => [...block[0]!]));
    const free = [...Array(16).keys()].find((t) => !targets.has(t))!;
    const fy = Math.floor(free / 4) * PATCH * 2 + PATCH;
    const fx = Math.floor((free % 4)) * PATCH * 2 + PATCH;
    expect(figure.data[((4 + fy) * figure.width + 4 + 3 * (cell + 4) + fx) * 3]).toBe(128);

    const png = await encodePng(figure);
    const decoded = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ format: 'raw', width: figure.width, height: figure.height, channels: 3 });
    expect(Buffer.compare(decoded.data, Buffer.from(figure.data))).toBe(0);
  });

  it('refuses images of another size and a picture of the wrong length', async () => {
    expect(() => predictionFigure(model, trained!.decoder, { ...heldOut, height: 8, width: 8, images: new Float32Array(5 * 64) })).toThrow(/16 x 16 x 1/);
    await expect(encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) })).rejects.toThrow(/needs 12/);
  });
});
