// Seeded environments in plain TypeScript (no TensorFlow.js): eb_jepa's Two Rooms.
// Everything here runs in a browser page; the dataset files are in @jepa/hierarchy/node.
export { TWO_ROOMS_WORLD, type TwoRoomsVector } from './two-rooms/world.js';
export {
  TWO_ROOMS_LAYOUT_COUNT,
  checkTwoRoomsLayout,
  isInTwoRoomsFreeSpace,
  isInsideTwoRoomsWall,
  sampleTwoRoomsLayout,
  twoRoomsSide,
  twoRoomsWallGeometry,
  type TwoRoomsLayout,
  type TwoRoomsWallGeometry,
} from './two-rooms/layout.js';
export { isMoveRejectedByDataCollision, stepWithDataCollision } from './two-rooms/data-collision.js';
export { stepWithEvalCollision } from './two-rooms/eval-collision.js';
export {
  TWO_ROOMS_MIN_IMAGE_SIZE,
  checkTwoRoomsImageSize,
  coveredPixelRange,
  twoRoomsPixelScale,
  worldToImageCoordinate,
} from './two-rooms/image-grid.js';
export { renderTwoRoomsWallMask } from './two-rooms/wall-mask.js';
export {
  TWO_ROOMS_FRAME_MEAN,
  TWO_ROOMS_FRAME_STD,
  TWO_ROOMS_POSITION_MEAN,
  TWO_ROOMS_POSITION_STD,
  normalizeTwoRoomsFrames,
  normalizeTwoRoomsPositions,
  normalizeTwoRoomsValue,
} from './two-rooms/frame-normalization.js';
export {
  renderTwoRoomsFrame,
  renderTwoRoomsFrames,
  type TwoRoomsFrameOptions,
  type TwoRoomsFramesRequest,
} from './two-rooms/render-frames.js';
export { TWO_ROOMS_DATA_DEFAULTS, resolveTwoRoomsDataConfig, type TwoRoomsDataConfig } from './two-rooms/data-config.js';
export { sampleHeldActions, sampleRandomWalkActions } from './two-rooms/random-walk.js';
export { sampleTwoRoomsStart } from './two-rooms/start-state.js';
export { sampleDoorCrossing, type DoorCrossing } from './two-rooms/door-crossing.js';
export { sampleTwoRoomsTrajectory, type TwoRoomsTrajectory } from './two-rooms/trajectory.js';
export {
  checkTwoRoomsDataset,
  generateTwoRoomsDataset,
  getTwoRoomsTrajectory,
  type TwoRoomsDataset,
  type TwoRoomsDatasetRequest,
  type TwoRoomsDatasetTrajectory,
} from './two-rooms/dataset.js';
export { TWO_ROOMS_DATASET_FORMAT, decodeTwoRoomsDataset, encodeTwoRoomsDataset } from './two-rooms/dataset-bytes.js';
export { sampleTrajectoryWindows, sampleTwoRoomsWindows, type TrajectoryArrays, type TwoRoomsWindowOptions, type TwoRoomsWindows } from './two-rooms/window-sampler.js';
export { replayTwoRooms, type TwoRoomsCollisionModel, type TwoRoomsReplayRequest } from './two-rooms/replay.js';
export { sampleTwoRoomsEpisodeTask, type TwoRoomsEpisodeTask } from './two-rooms/episode-task.js';
export { TwoRoomsEpisode, type TwoRoomsEpisodeOptions, type TwoRoomsStepResult } from './two-rooms/episode.js';
export { drawTwoRoomsPicture, type TwoRoomsPicture, type TwoRoomsPictureRequest } from './two-rooms/picture.js';
// Four Rooms (stable_worldmodel's four-room navigation, H-JEPA's FourRoom), scaled onto the Two Rooms world.
export * from './four-rooms/index.js';
