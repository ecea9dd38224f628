import { Rng } from '@jepa/core/random';
import { copyFrame } from '../two-rooms/frame-copy.js';
import { checkTwoRoomsImageSize } from '../two-rooms/image-grid.js';
import { readVector2 } from '../two-rooms/vector-args.js';
import { stepFourRooms } from './collision.js';
import { sampleFourRoomsEpisodeTask, type FourRoomsEpisodeTask, type FourRoomsEpisodeTaskOptions } from './episode-task.js';
import type { FourRoomsLayout } from './layout.js';
import { renderFourRoomsFrame } from './render-frames.js';
import type { FourRoomsPath } from './shortest-path.js';
import { FOUR_ROOMS_WORLD, type FourRoomsVector } from './world.js';

/** Settings of a {@link FourRoomsEpisode}. */
export interface FourRoomsEpisodeOptions extends Omit<FourRoomsEpisodeTaskOptions, 'successDistance'> {
  /** Seed of the episodes: episode `index` of a seed is always the same task (default 0). */
  readonly seed?: number;
  /** Side of the observed frames in pixels (default 65; 64 and 32 work). */
  readonly imageSize?: number;
  /** Success radius, world pixels (default 4.5). */
  readonly successDistance?: number;
}

/** What {@link FourRoomsEpisode.step} returns. */
export interface FourRoomsStepResult {
  /** The new position, world pixels. */
  readonly position: FourRoomsVector;
  /** Distance from it to the goal, world pixels. */
  readonly distanceToGoal: number;
  /** Whether the episode is over: the goal reached or the budget spent. */
  readonly done: boolean;
  /** Whether the goal has been reached (distance below the success radius). */
  readonly success: boolean;
}

/**
 * One Four Rooms evaluation episode, seeded, as H-JEPA evaluates its `cross2` tasks:
 * `reset(index)` draws the task (`sampleFourRoomsEpisodeTask` from
 * `new Rng(seed).derive('episode-<index>')`: start and goal two doors apart, a closed door half the
 * time, a budget of `round(2.8 x expert steps)`); then actions go through {@link step} (clipped to
 * 1.75 px per coordinate, the deterministic collision model) until the agent comes within 4.5 world
 * pixels of the goal (a success, which ends the episode as the reference's `terminate_on_goal`) or
 * the budget is spent (a failure). No TensorFlow.js: observations are `Float32Array` frames
 * `[S, S, 2]` in the Two Rooms format.
 *
 * ```ts
 * const episode = new FourRoomsEpisode({ seed: 0, imageSize: 64 }).reset(3);
 * while (!episode.done) episode.step(planner(episode.observe(), episode.goalFrame()));
 * console.log(episode.success, episode.stepsTaken, episode.budget);
 * ```
 */
export class FourRoomsEpisode {
  /** Frame side in pixels. */
  readonly imageSize: number;
  /** Success radius, world pixels. */
  readonly successDistance: number;
  private readonly taskOptions: FourRoomsEpisodeTaskOptions;
  private readonly root: Rng;
  private indexValue = 0;
  private task!: FourRoomsEpisodeTask;
  private positionValue: FourRoomsVector = [0, 0];
  private pathValue: number[] = [];
  private stepsTakenValue = 0;
  private reached = false;
  private goalFrameCache: Float32Array | undefined;

  constructor(options: FourRoomsEpisodeOptions = {}) {
    const where = 'FourRoomsEpisode';
    const { seed = 0, imageSize = FOUR_ROOMS_WORLD.size, successDistance = FOUR_ROOMS_WORLD.successDistance, ...taskOptions } = options;
    if (!Number.isSafeInteger(seed)) throw new RangeError(`${where}: seed must be a safe integer; got ${seed}.`);
    checkTwoRoomsImageSize(imageSize, where);
    if (!(successDistance > 0) || !Number.isFinite(successDistance)) throw new RangeError(`${where}: successDistance must be a finite number > 0 (world pixels); got ${successDistance}.`);
    this.imageSize = imageSize;
    this.successDistance = successDistance;
    this.taskOptions = { ...taskOptions, successDistance };
    this.root = new Rng(seed);
    this.reset(0);
  }

  /** Starts episode `index` of this seed (the same index always gives the same task). Returns `this`. */
  reset(index = 0): this {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`FourRoomsEpisode.reset: index must be a non-negative integer; got ${index}.`);
    this.task = sampleFourRoomsEpisodeTask(this.root.derive(`episode-${index}`), this.taskOptions);
    this.indexValue = index;
    this.positionValue = this.task.start;
    this.pathValue = [this.task.start[0], this.task.start[1]];
    this.stepsTakenValue = 0;
    this.reached = this.distanceToGoal < this.successDistance;
    this.goalFrameCache = undefined;
    return this;
  }

  /** The episode index under the seed. */
  get index(): number {
    return this.indexValue;
  }
  /** The closed door and door geometry of this episode. */
  get layout(): FourRoomsLayout {
    return this.task.layout;
  }
  /** The start position, world pixels. */
  get start(): FourRoomsVector {
    return this.task.start;
  }
  /** The goal position, world pixels. */
  get goal(): FourRoomsVector {
    return this.task.goal;
  }
  /** The shortest route from start to goal (its doors and door-centre waypoints). */
  get shortestPath(): FourRoomsPath {
    return this.task.path;
  }
  /** Steps the noiseless expert needs for this task. */
  get expertSteps(): number {
    return this.task.expertSteps;
  }
  /** Steps allowed: `round(2.8 x expertSteps)`. */
  get budget(): number {
    return this.task.budget;
  }
  /** The current position, world pixels. */
  get position(): FourRoomsVector {
    return this.positionValue;
  }
  /** Positions so far, `[stepsTaken + 1, 2]` world pixels: the start, then after each step. */
  get path(): Float64Array {
    return Float64Array.from(this.pathValue);
  }
  /** Steps taken so far. */
  get stepsTaken(): number {
    return this.stepsTakenValue;
  }
  /** Steps left in the budget. */
  get stepsLeft(): number {
    return this.task.budget - this.stepsTakenValue;
  }
  /** Euclidean distance from the current position to the goal, world pixels. */
  get distanceToGoal(): number {
    return Math.hypot(this.positionValue[0] - this.task.goal[0], this.positionValue[1] - this.task.goal[1]);
  }
  /** Whether the goal has been reached (which ends the episode). */
  get success(): boolean {
    return this.reached;
  }
  /** Whether the episode is over: reached, or the budget spent. */
  get done(): boolean {
    return this.reached || this.stepsTakenValue >= this.task.budget;
  }

  /**
   * The current observation `[S, S, 2]`, normalised like `renderFourRoomsFrames`.
   * @param out where to write (`S * S * 2` values); a new array when absent.
   */
  observe(out?: Float32Array): Float32Array {
    return renderFourRoomsFrame(this.task.layout, this.positionValue, { imageSize: this.imageSize, ...(out ? { out } : {}) });
  }

  /**
   * The goal observation `[S, S, 2]`: the dot at the goal in the same layout, normalised.
   * @param out where to write; a new array (a copy of a cached frame) when absent.
   */
  goalFrame(out?: Float32Array): Float32Array {
    this.goalFrameCache ??= renderFourRoomsFrame(this.task.layout, this.task.goal, { imageSize: this.imageSize });
    return copyFrame(this.goalFrameCache, this.imageSize, 'FourRoomsEpisode.goalFrame', out);
  }

  /**
   * Applies one action `[dx, dy]` (world pixels, clipped to `[-1.75, 1.75]` per coordinate) with
   * the collision model. Throws once the episode is done: call `reset`.
   */
  step(action: ArrayLike<number>): FourRoomsStepResult {
    if (this.done) {
      const why = this.reached ? 'reached its goal' : `spent its budget of ${this.task.budget} steps`;
      throw new Error(`FourRoomsEpisode.step: episode ${this.indexValue} is done (it ${why}); read success, or call reset(index) for another episode.`);
    }
    const displacement = readVector2(action, 'FourRoomsEpisode.step', 'action');
    this.positionValue = stepFourRooms(this.task.layout, this.positionValue, displacement);
    this.pathValue.push(this.positionValue[0], this.positionValue[1]);
    this.stepsTakenValue++;
    if (this.distanceToGoal < this.successDistance) this.reached = true;
    return { position: this.positionValue, distanceToGoal: this.distanceToGoal, done: this.done, success: this.reached };
  }
}
