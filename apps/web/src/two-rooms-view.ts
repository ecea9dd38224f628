import { CemPlanner, drawTwoRoomsPicture, evaluateTwoRoomsPlanning, TWO_ROOMS_PLANNING, TWO_ROOMS_RECIPE, type TwoRoomsEpisodeResult } from '@jepa/hierarchy';

/**
 * One Two Rooms episode planned by CEM through the true simulator (the oracle of `jepa plan
 * --planner oracle`: positions as latents, the `TWO_ROOMS_PLANNING` search sizes, horizon and
 * replanning), as `evaluateTwoRoomsPlanning` plays it: a new layout, a start in one room and a goal
 * in the other, 200 actions. What a perfect world model would allow a planner to do; a learned
 * model is trained with `jepa train world-model --env two-rooms`.
 */
export function planTwoRoomsEpisode(episode: number): TwoRoomsEpisodeResult {
  const report = evaluateTwoRoomsPlanning('oracle', {
    episodes: 1,
    firstEpisode: episode,
    seed: 0,
    imageSize: TWO_ROOMS_RECIPE.training.model.imageSize,
    planner: new CemPlanner(TWO_ROOMS_PLANNING.cem),
    horizon: TWO_ROOMS_PLANNING.horizon,
    replanEvery: TWO_ROOMS_PLANNING.replanEvery,
  });
  return report.results[0]!;
}

/** Draws the episode's layout, start, goal and its path up to `steps` actions into `canvas` (library's `drawTwoRoomsPicture`). */
export function drawTwoRoomsEpisode(canvas: HTMLCanvasElement, result: TwoRoomsEpisodeResult, steps: number, scale = 4): void {
  const picture = drawTwoRoomsPicture({
    layout: result.layout,
    start: result.start,
    goal: result.goal,
    path: result.path.subarray(0, 2 * (Math.min(steps, result.path.length / 2 - 1) + 1)),
    scale,
    channels: 4,
  });
  canvas.width = picture.width;
  canvas.height = picture.height;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(picture.width, picture.height);
  image.data.set(picture.data);
  context.putImageData(image, 0, 0);
}
