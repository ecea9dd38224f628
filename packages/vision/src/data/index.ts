export {
  assertImage,
  createImage,
  decodeImage,
  ImageDecodeError,
  type DecodeImageOptions,
  type ImageChannels,
  type ImageData32,
} from './image.js';
export { uniformInt, uniformRange, type UniformSource } from './uniform-source.js';
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
export {
  assertLabeledImages,
  countPerClass,
  getImage,
  subsetLabeledImages,
  type LabeledImages,
} from './labeled-images.js';
export {
  loadMnist,
  mnistDigitsDirectory,
  MNIST_CLASS_NAMES,
  MNIST_IMAGE_SIZE,
  type LoadMnistOptions,
  type MnistSplit,
} from './mnist-dataset.js';
export {
  DEFAULT_IMAGE_EXTENSIONS,
  loadImageFolder,
  scanImageFolder,
  type ImageFolderDataset,
  type ImageFolderIndex,
  type ImageFolderProgress,
  type ImageFolderSample,
  type LoadImageFolderOptions,
  type ScanImageFolderOptions,
  type SkippedImage,
} from './image-folder-dataset.js';
export {
  batchesPerEpoch,
  epochBatches,
  sampleBatch,
  shuffledIndices,
  type Augment,
  type Batch,
  type EpochBatchesOptions,
  type SampleBatchOptions,
} from './batches.js';
