import { getImage, shuffledIndices, type ImageData32, type LabeledImages, type UniformSource } from '@jepa/core';

/** A batch ready for `tf.tensor4d(batch.images, [batchSize, height, width, channels])`. */
export interface Batch {
  /** `[B, H, W, C]` float32. */
  readonly images: Float32Array;
  /** `[B]` class indices. */
  readonly labels: Int32Array;
  /** `[B]` the dataset index of each sample. */
  readonly indices: Int32Array;
  /** Samples `B` in the batch. */
  readonly batchSize: number;
  /** Rows `H` of each image. */
  readonly height: number;
  /** Columns `W` of each image. */
  readonly width: number;
  /** Channels `C` of each image. */
  readonly channels: number;
}

/**
 * Per-sample transform, e.g. `(img) => normalize(randomResizedCrop(img, 28, rng), MNIST_MEAN, MNIST_STD)`.
 * It receives a view into the dataset (do not write into it) and the sample's dataset index, and
 * must return images of one shape for the whole batch.
 */
export type Augment = (image: ImageData32, index: number) => ImageData32;

/** Options for {@link sampleBatch}. */
export interface SampleBatchOptions {
  /** Applied to every sample; default none (images are copied as stored). */
  readonly augment?: Augment;
}

/** Gathers the samples at `indices` (optionally augmented) into one `[B, H, W, C]` buffer. */
export function sampleBatch(dataset: LabeledImages, indices: ArrayLike<number>, options: SampleBatchOptions = {}): Batch {
  const batchSize = indices.length;
  if (batchSize === 0) throw new RangeError('sampleBatch: indices is empty. Fix: pass at least one dataset index.');
  const picked = Int32Array.from(indices as ArrayLike<number>);
  for (let i = 0; i < batchSize; i++) {
    if (picked[i] !== indices[i] || indices[i] < 0 || indices[i] >= dataset.count) {
      throw new RangeError(
        `sampleBatch: indices[${i}] = ${indices[i]} is not an index of the dataset (0..${dataset.count - 1}).`,
      );
    }
  }
  const labels = new Int32Array(batchSize);
  const augment = options.augment;
  let images: Float32Array | undefined;
  let shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  for (let i = 0; i < batchSize; i++) {
    const index = picked[i];
    labels[i] = dataset.labels[index];
    const source = getImage(dataset, index);
    const image = augment ? augment(source, index) : source;
    if (!images) {
      shape = { height: image.height, width: image.width, channels: image.channels };
      images = new Float32Array(batchSize * image.data.length);
    }
    if (image.height !== shape.height || image.width !== shape.width || image.channels !== shape.channels ||
        image.data.length !== shape.height * shape.width * shape.channels) {
      throw new RangeError(
        `sampleBatch: augment returned a ${image.height}x${image.width}x${image.channels} image for sample ${index} ` +
          `but ${shape.height}x${shape.width}x${shape.channels} for the first one. Fix: make augment return one size ` +
          '(e.g. end it with randomResizedCrop or resize to a fixed size).',
      );
    }
    images.set(image.data, i * image.data.length);
  }
  return { images: images!, labels, indices: picked, batchSize, ...shape };
}

/** Options for {@link epochBatches}. */
export interface EpochBatchesOptions extends SampleBatchOptions {
  /** Samples per batch (positive integer). */
  readonly batchSize: number;
  /** Shuffle the samples (default true; needs `rng`). With false, batches follow dataset order. */
  readonly shuffle?: boolean;
  /** Source of the shuffle; required when shuffling. */
  readonly rng?: UniformSource;
  /**
   * Drop the last batch when it is smaller than `batchSize` (default false, as PyTorch's
   * `DataLoader`; the official I-JEPA training loop sets it to true).
   */
  readonly dropLast?: boolean;
}

/** How many batches {@link epochBatches} yields for `count` samples. */
export function batchesPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * One epoch over `dataset`: shuffles the indices once (with `rng`) and yields consecutive
 * {@link Batch}es of them, each gathered (and augmented) only when requested. Options are checked
 * at once, not on the first `next()`.
 */
export function epochBatches(dataset: LabeledImages, options: EpochBatchesOptions): IterableIterator<Batch> {
  const { batchSize, shuffle = true, rng, dropLast = false, augment } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`epochBatches: batchSize must be a positive integer, got ${String(batchSize)}.`);
  }
  if (shuffle && (rng === undefined || typeof rng.uniform !== 'function')) {
    throw new TypeError(
      'epochBatches: shuffling needs an rng with uniform(): number in [0, 1). ' +
        'Fix: pass { rng } (e.g. a seeded Rng from @jepa/core) or { shuffle: false }.',
    );
  }
  if (dataset.count === 0) throw new RangeError('epochBatches: the dataset is empty.');
  const order = shuffle ? shuffledIndices(dataset.count, rng!) : Int32Array.from({ length: dataset.count }, (_, i) => i);
  const batches = batchesPerEpoch(dataset.count, batchSize, dropLast);
  function* generate(): Generator<Batch> {
    for (let b = 0; b < batches; b++) {
      yield sampleBatch(dataset, order.subarray(b * batchSize, Math.min((b + 1) * batchSize, order.length)), { augment });
    }
  }
  return generate();
}
