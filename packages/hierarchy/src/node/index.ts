/**
 * Two Rooms dataset files. Everything else, the dataset's bytes included (encodeTwoRoomsDataset,
 * decodeTwoRoomsDataset), is in the browser-safe @jepa/hierarchy.
 *
 * @module @jepa/hierarchy/node
 */
export { readTwoRoomsDatasetFile, writeTwoRoomsDatasetFile } from '../env/two-rooms/dataset-file.js';
