import { describe, expect, it } from 'vitest';
import * as data from './index.js';

describe('@jepa/vision data barrel', () => {
  it('exports the data API', () => {
    for (const name of [
      'decodeImage', 'ImageDecodeError', 'randomResizedCrop', 'resize', 'resizedCrop', 'centerCrop',
      'horizontalFlip', 'normalize', 'IMAGENET_MEAN', 'MNIST_MEAN', 'loadMnist', 'scanImageFolder', 'loadImageFolder',
      'sampleBatch', 'epochBatches',
    ]) {
      expect(data, name).toHaveProperty(name);
    }
  });
});
