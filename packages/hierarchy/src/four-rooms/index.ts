export { fourRoomsFrameSource } from './four-rooms-frame-source.js';
export { encodeFourRoomsLatents } from './four-rooms-latents.js';
export {
  evaluateFourRoomsPlanning,
  fourRoomsHierarchicalOracle,
  fourRoomsOracleLevel,
  fourRoomsOracleStep,
  fourRoomsPlanningEnvironment,
  type FourRoomsPlanningOptions,
} from './four-rooms-planning.js';
export { FOUR_ROOMS_PLANNING, FOUR_ROOMS_RECIPE } from './four-rooms-recipe.js';
