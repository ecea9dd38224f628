import {
  drawFourRoomsPicture,
  FOUR_ROOMS_DEFAULT_DOORS,
  drawTwoRoomsPicture,
  encodeFourRoomsLatents,
  encodeTwoRoomsLatents,
  FOUR_ROOMS_PLANNING,
  FOUR_ROOMS_WORLD,
  fourRoomsFrameSource,
  fourRoomsHierarchicalOracle,
  fourRoomsPlanningEnvironment,
  generateFourRoomsDataset,
  generateTwoRoomsDataset,
  TWO_ROOMS_PLANNING,
  TWO_ROOMS_WORLD,
  twoRoomsFrameSource,
  twoRoomsHierarchicalOracle,
  twoRoomsPlanningEnvironment,
  type FourRoomsDataset,
  type FourRoomsLayout,
  type FrameSequenceSource,
  type HierarchicalPlanner,
  type HierarchicalSearchSettings,
  type LatentTrajectories,
  type PlanningEnvironment,
  type PlanningEpisode,
  type PlanningEpisodeResult,
  type TwoRoomsDataset,
  type TwoRoomsLayout,
  type TwoRoomsPicture,
  type WorldModelPlanningDefaults,
  type FrameObservation,
} from '@jepa/hierarchy';
import type { WorldModel } from '@jepa/core';

/**
 * What the world-model commands need of an environment: its offline data, its training frames, its
 * evaluation episodes and planning defaults, its oracle, and how its episodes are drawn. One entry
 * per `--env`; the commands hold no environment-specific code.
 */
export interface WorldModelEnvironmentSpec<Dataset = unknown, Layout = unknown> {
  /** `--env` value. */
  readonly name: string;
  /** In words. */
  readonly label: string;
  /** Where its default planning settings live, for help texts. */
  readonly defaultsName: string;
  /** Trajectories of the default recipe's dataset. */
  readonly generate: (trajectories: number, seed: number) => Dataset;
  /** The dataset's size, as a run records it. */
  readonly describe: (dataset: Dataset) => { readonly trajectories: number; readonly steps: number };
  readonly frameSource: (dataset: Dataset, imageSize: number) => FrameSequenceSource;
  /** The latents of every frame under a model's encoder, for a level above. */
  readonly encodeLatents: (model: WorldModel<FrameObservation>, dataset: Dataset, imageSize: number) => LatentTrajectories;
  readonly planning: WorldModelPlanningDefaults;
  /** Success radius, world pixels. */
  readonly successDistance: number;
  /** How many actions an episode gets, in words (for reports). */
  readonly budget: string;
  readonly episodes: (seed: number, imageSize: number) => PlanningEnvironment<Layout, PlanningEpisode<Layout>>;
  readonly hierarchicalOracle: (layout: Layout, settings: HierarchicalSearchSettings) => HierarchicalPlanner;
  /** A layout for building a planner whose options are checked before any episode. */
  readonly anyLayout: Layout;
  /** A layout in words for the episode table (`wall x 30, door y 20`; `left door closed`). */
  readonly describeLayout: (layout: Layout) => string;
  readonly draw: (episode: PlanningEpisodeResult<Layout>, path: Float64Array, scale: number) => TwoRoomsPicture;
}

const twoRooms: WorldModelEnvironmentSpec<TwoRoomsDataset, TwoRoomsLayout> = {
  name: 'two-rooms',
  label: 'Two Rooms',
  defaultsName: 'TWO_ROOMS_PLANNING (packages/hierarchy/src/two-rooms/two-rooms-recipe.ts)',
  generate: (trajectories, seed) => generateTwoRoomsDataset({ trajectories, seed }),
  describe: (dataset) => ({ trajectories: dataset.trajectories, steps: dataset.steps }),
  frameSource: (dataset, imageSize) => twoRoomsFrameSource(dataset, { imageSize }),
  encodeLatents: (model, dataset, imageSize) => encodeTwoRoomsLatents(model, dataset, { imageSize }),
  planning: TWO_ROOMS_PLANNING,
  successDistance: TWO_ROOMS_WORLD.successDistance,
  budget: '200 actions',
  episodes: (seed, imageSize) => twoRoomsPlanningEnvironment({ seed, imageSize }),
  hierarchicalOracle: twoRoomsHierarchicalOracle,
  anyLayout: { wallX: TWO_ROOMS_WORLD.size >> 1, doorY: TWO_ROOMS_WORLD.size >> 1 },
  describeLayout: (layout) => `wall x ${layout.wallX}, door y ${layout.doorY}`,
  draw: (episode, path, scale) => drawTwoRoomsPicture({ layout: episode.layout, start: episode.start, goal: episode.goal, path, scale, channels: 3 }),
};

const fourRooms: WorldModelEnvironmentSpec<FourRoomsDataset, FourRoomsLayout> = {
  name: 'four-rooms',
  label: 'Four Rooms',
  defaultsName: 'FOUR_ROOMS_PLANNING (packages/hierarchy/src/four-rooms/four-rooms-recipe.ts)',
  generate: (trajectories, seed) => generateFourRoomsDataset({ trajectories, seed }),
  describe: (dataset) => ({ trajectories: dataset.trajectories, steps: dataset.steps }),
  frameSource: (dataset, imageSize) => fourRoomsFrameSource(dataset, { imageSize }),
  encodeLatents: (model, dataset, imageSize) => encodeFourRoomsLatents(model, dataset, { imageSize }),
  planning: FOUR_ROOMS_PLANNING,
  successDistance: FOUR_ROOMS_WORLD.successDistance,
  budget: "round(2.8 x the expert's steps) per task",
  episodes: (seed, imageSize) => fourRoomsPlanningEnvironment({ seed, imageSize }),
  hierarchicalOracle: fourRoomsHierarchicalOracle,
  anyLayout: { closedDoor: null, doors: FOUR_ROOMS_DEFAULT_DOORS },
  describeLayout: (layout) => (layout.closedDoor === null ? 'all doors open' : `${layout.closedDoor} door closed`),
  draw: (episode, path, scale) => drawFourRoomsPicture({ layout: episode.layout, start: episode.start, goal: episode.goal, path, scale, channels: 3 }),
};

/** The environments `jepa train world-model --env` knows, by name. */
export const WORLD_MODEL_ENVIRONMENT_SPECS = { 'two-rooms': twoRooms, 'four-rooms': fourRooms } as const;

/** The spec of `--env name` (a known name: the flag's choices and the run config are checked before). */
export function environmentSpec(name: keyof typeof WORLD_MODEL_ENVIRONMENT_SPECS): WorldModelEnvironmentSpec {
  return WORLD_MODEL_ENVIRONMENT_SPECS[name] as unknown as WorldModelEnvironmentSpec;
}
