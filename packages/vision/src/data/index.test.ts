import { describe, expect, it } from 'vitest';
import * as data from './index.js';

describe('@jepa/vision data barrel', () => {
  it('exports the data API', () => {
    for (const name of [
      'randomResizedCrop', 'resize', 'resizedCrop', 'centerCrop', 'horizontalFlip', 'normalize', 'IMAGENET_MEAN',
      'MNIST_MEAN', 'MNIST_CLASS_NAMES', 'splitMnistDigits', 'sampleBatch', 'epochBatches',
    ]) {
      expect(data, name).toHaveProperty(name);
    }
  });

  it('leaves files, sharp and the mnist package to @jepa/vision/node', async () => {
    const node = await import('../node/index.js');
    for (const name of ['decodeImage', 'ImageDecodeError', 'loadMnist', 'scanImageFolder', 'loadImageFolder', 'encodePng', 'writePng', 'exportOfficialSafetensors']) {
      expect(data, name).not.toHaveProperty(name);
      expect(node, name).toHaveProperty(name);
    }
  });
});
