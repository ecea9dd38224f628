/**
 * What needs Node (image files through sharp, MNIST from the `mnist` package, image folders, PNG
 * files, official-name safetensors files). The rest is in @jepa/vision.
 *
 * @module @jepa/vision/node
 */
export { decodeImage, ImageDecodeError, type DecodeImageOptions } from '../data/decode-image.js';
export { loadMnist, mnistDigitsDirectory } from '../data/mnist-dataset.js';
export {
  DEFAULT_IMAGE_EXTENSIONS,
  loadImageFolder,
  scanImageFolder,
  type ImageFolderDataset,
  type ImageFolderProgress,
  type LoadImageFolderOptions,
  type ScanImageFolderOptions,
  type SkippedImage,
} from '../data/image-folder-dataset.js';
export { encodePng, writePng } from '../visualize/png.js';
export { exportOfficialSafetensors } from '../interop/export-official-file.js';
