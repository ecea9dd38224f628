// Four Rooms: stable_worldmodel's continuous four-room navigation (H-JEPA's FourRoom task), scaled
// onto the 65-px Two Rooms world, seeded, in plain TypeScript (no TensorFlow.js).
export {
  FOUR_ROOMS_DOORS,
  FOUR_ROOMS_DOOR_ROOMS,
  FOUR_ROOMS_ROOMS,
  FOUR_ROOMS_WORLD,
  type FourRoomsDoor,
  type FourRoomsRoom,
  type FourRoomsVector,
} from './world.js';
export {
  FOUR_ROOMS_DEFAULT_DOORS,
  checkFourRoomsDoors,
  checkFourRoomsLayout,
  fourRoomsDoorCentre,
  fourRoomsDoorRange,
  fourRoomsLayoutCode,
  fourRoomsLayoutFromCode,
  isFourRoomsDoorOpen,
  sampleFourRoomsLayout,
  type FourRoomsDoorGeometry,
  type FourRoomsLayout,
} from './layout.js';
export {
  fourRoomsRoomOf,
  fourRoomsWallBand,
  isClearOfFourRoomsWalls,
  isInFourRoomsDoorway,
  isInFourRoomsHorizontalDoor,
  isInFourRoomsInterior,
  isInFourRoomsVerticalDoor,
} from './rooms.js';
export { clipFourRoomsAction, resolveFourRoomsMove, stepFourRooms } from './collision.js';
export { FOUR_ROOMS_CLOSED_DOOR, FOUR_ROOMS_WALL, renderFourRoomsWallMap, renderFourRoomsWallMask } from './wall-mask.js';
export {
  renderFourRoomsFrame,
  renderFourRoomsFrames,
  type FourRoomsFrameOptions,
  type FourRoomsFramesRequest,
} from './render-frames.js';
export { fourRoomsDoorCount, fourRoomsDoorGraph, fourRoomsShortestPath, type FourRoomsPath } from './shortest-path.js';
export {
  FourRoomsExpert,
  fourRoomsExpertSteps,
  fourRoomsExpertWaypoint,
  fourRoomsPassagePoint,
  type FourRoomsExpertOptions,
} from './expert.js';
export {
  FOUR_ROOMS_EXPLORE_DEFAULTS,
  FourRoomsExploreController,
  resolveFourRoomsExploreConfig,
  type FourRoomsExploreConfig,
} from './explore.js';
export { fourRoomsRoomBounds, sampleFourRoomsFreePosition, sampleFourRoomsPositionInRoom } from './positions.js';
export {
  FOUR_ROOMS_DATA_DEFAULTS,
  resolveFourRoomsDataConfig,
  type FourRoomsDataConfig,
  type FourRoomsDataOverrides,
} from './data-config.js';
export { sampleFourRoomsTrajectory, type FourRoomsTrajectory } from './trajectory.js';
export {
  checkFourRoomsDataset,
  generateFourRoomsDataset,
  getFourRoomsTrajectory,
  type FourRoomsDataset,
  type FourRoomsDatasetRequest,
  type FourRoomsDatasetTrajectory,
} from './dataset.js';
export { replayFourRooms, type FourRoomsReplayRequest } from './replay.js';
export {
  sampleFourRoomsEpisodeTask,
  type FourRoomsEpisodeTask,
  type FourRoomsEpisodeTaskOptions,
} from './episode-task.js';
export { FourRoomsEpisode, type FourRoomsEpisodeOptions, type FourRoomsStepResult } from './episode.js';
export {
  FOUR_ROOMS_PICTURE_COLORS,
  drawFourRoomsPicture,
  type FourRoomsPicture,
  type FourRoomsPictureRequest,
} from './picture.js';
export { sampleFourRoomsWindows, type FourRoomsWindows } from './window-sampler.js';
