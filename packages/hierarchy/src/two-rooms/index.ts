export { twoRoomsFrameSource } from './two-rooms-frame-source.js';
export {
  evaluateTwoRoomsPlanning,
  summarizeTwoRoomsEpisodes,
  twoRoomsPlanningEnvironment,
  type TwoRoomsEpisodeSummary,
  type TwoRoomsEpisodeResult,
  type TwoRoomsEpisodeSetup,
  type TwoRoomsPlanningOptions,
  type TwoRoomsPlanningReport,
} from './two-rooms-planning.js';
export { encodeTwoRoomsLatents, type TwoRoomsLatentsOptions } from './two-rooms-latents.js';
export { twoRoomsHierarchicalOracle, twoRoomsOracleLevel, twoRoomsOracleStep, type TwoRoomsOracleLevelOptions } from './two-rooms-oracle.js';
export { TWO_ROOMS_PLANNING, TWO_ROOMS_RECIPE, type TwoRoomsHierarchicalPlanning, type TwoRoomsHierarchicalSettings } from './two-rooms-recipe.js';
