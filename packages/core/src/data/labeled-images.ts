import type { ImageData32 } from './image-data.js';

/**
 * A labelled image set held in one buffer: `images` is `[count, height, width, channels]`
 * (channels-last, sample-major), `labels[i]` indexes `classNames`.
 */
export interface LabeledImages {
  /** `[count, height, width, channels]` float32, values 0..1 unless normalised later. */
  readonly images: Float32Array;
  /** `[count]` class indices into `classNames`. */
  readonly labels: Int32Array;
  /** Number of images. */
  readonly count: number;
  /** Rows of every image. */
  readonly height: number;
  /** Columns of every image. */
  readonly width: number;
  /** Values per pixel of every image. */
  readonly channels: number;
  /** Class names, index = label. */
  readonly classNames: readonly string[];
}

/**
 * Checks that sizes, buffer lengths and labels agree; `where` names the dataset in the message.
 * Throws a message saying which field is off.
 */
export function assertLabeledImages(dataset: LabeledImages, where: string): void {
  const { images, labels, count, height, width, channels, classNames } = dataset;
  const fail = (what: string): never => {
    throw new RangeError(`${where}: ${what}.`);
  };
  if (!(images instanceof Float32Array)) fail('images must be a Float32Array');
  if (!(labels instanceof Int32Array)) fail('labels must be an Int32Array');
  for (const [name, value] of Object.entries({ height, width, channels })) {
    if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive integer, got ${value}`);
  }
  if (!Number.isInteger(count) || count < 0) fail(`count must be a non-negative integer, got ${count}`);
  const imageSize = height * width * channels;
  if (images.length !== count * imageSize) {
    fail(`images holds ${images.length} values but count x height x width x channels = ${count} x ${height} x ${width} x ${channels} = ${count * imageSize}`);
  }
  if (labels.length !== count) fail(`labels holds ${labels.length} entries but count is ${count}`);
  for (let i = 0; i < count; i++) {
    if (labels[i] < 0 || labels[i] >= classNames.length) {
      fail(`labels[${i}] = ${labels[i]} is outside 0..${classNames.length - 1} (${classNames.length} class names)`);
    }
  }
}

/**
 * Sample `index` as an `[H, W, C]` image. Its `data` is a view into `dataset.images` (no copy):
 * transforms return new images, but writing into it changes the dataset.
 */
export function getImage(dataset: LabeledImages, index: number): ImageData32 {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new RangeError(`getImage: index ${index} is outside 0..${dataset.count - 1} (the dataset holds ${dataset.count} images).`);
  }
  const size = dataset.height * dataset.width * dataset.channels;
  return {
    data: dataset.images.subarray(index * size, (index + 1) * size),
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
  };
}

/** How many samples carry each label: `[classNames.length]`. */
export function countPerClass(dataset: LabeledImages): number[] {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (let i = 0; i < dataset.count; i++) counts[dataset.labels[i]]++;
  return counts;
}

/** A new dataset holding the samples at `indices`, in that order (copied). */
export function subsetLabeledImages(dataset: LabeledImages, indices: ArrayLike<number>): LabeledImages {
  const size = dataset.height * dataset.width * dataset.channels;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
      throw new RangeError(`subsetLabeledImages: indices[${i}] = ${index} is outside 0..${dataset.count - 1}.`);
    }
    images.set(dataset.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = dataset.labels[index];
  }
  const { height, width, channels, classNames } = dataset;
  return { images, labels, count: indices.length, height, width, channels, classNames };
}
