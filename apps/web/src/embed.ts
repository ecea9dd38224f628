import type { ImageData32, LabeledImages } from '@jepa/core';
import { extractFeatures } from '@jepa/vision';
import { prepareImage } from './images.js';
import type { ImageModel } from './checkpoint.js';

/**
 * Features of every image: each prepared as the model expects (`prepareImage`: shorter side to the
 * model's size, centre square), normalised, and encoded by the model's encoder; the tokens are
 * averaged (vision's `extractFeatures`, the I-JEPA evaluation protocol). `[n, D]` row-major.
 */
export async function embedImages(model: ImageModel, images: readonly ImageData32[]): Promise<Float32Array> {
  const size = model.imageSize;
  const perImage = size * size * model.channels;
  const pixels = new Float32Array(images.length * perImage);
  images.forEach((image, i) => {
    if (image.channels !== model.channels) {
      throw new Error(`embedImages: image ${i} has ${image.channels} channels, the model reads ${model.channels}.`);
    }
    pixels.set(prepareImage(image, size).data, i * perImage);
  });
  const batch: LabeledImages = {
    images: pixels,
    labels: new Int32Array(images.length),
    count: images.length,
    height: size,
    width: size,
    channels: model.channels,
    classNames: ['image'],
  };
  return extractFeatures(model.encoder, batch, { batchSize: 16, ...(model.normalization ? { normalization: model.normalization } : {}) });
}
