export { assertImage, createImage, type ImageChannels, type ImageData32 } from './image-data.js';
export { assertLabeledImages, countPerClass, getImage, subsetLabeledImages, type LabeledImages } from './labeled-images.js';
export { splitHeldOut, takeBalanced } from './class-balanced-split.js';
export { channelStatistics } from './channel-statistics.js';
