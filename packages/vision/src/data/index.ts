export { decodeImage, ImageDecodeError, type DecodeImageOptions } from './decode-image.js';
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
  type ImageFolderProgress,
  type LoadImageFolderOptions,
  type ScanImageFolderOptions,
  type SkippedImage,
} from './image-folder-dataset.js';
export {
  batchesPerEpoch,
  epochBatches,
  sampleBatch,
  type Augment,
  type Batch,
  type EpochBatchesOptions,
  type SampleBatchOptions,
} from './batches.js';
