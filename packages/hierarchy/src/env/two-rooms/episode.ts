import { Rng } from '@jepa/core/random';
import { stepWithEvalCollision } from './eval-collision.js';
import { copyFrame } from './frame-copy.js';
import { checkTwoRoomsImageSize } from './image-grid.js';
import type { TwoRoomsLayout } from './layout.js';
import { renderTwoRoomsFrame } from './render-frames.js';
import { sampleTwoRoomsEpisodeTask } from './episode-task.js';
import { readVector2 } from './vector-args.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/** Settings of a {@link TwoRoomsEpisode}; defaults are the reference evaluation's. */
export interface TwoRoomsEpisodeOptions {
  /** Seed of the episodes: episode `index` of a seed is always the same task and noise (default 0). */
  readonly seed?: number;
  /** Side of the observed frames in pixels (default 65; 64 and 32 work). */
  readonly imageSize?: number;
  /** Planned steps per episode (default 200, the reference's `n_allowed_steps`). */
  readonly plannedSteps?: number;
  /** Success radius, world pixels (default 4.5). */
  readonly successDistance?: number;
}

/** What {@link TwoRoomsEpisode.step} returns. */
export interface TwoRoomsStepResult {
  /** The new position, world pixels. */
  readonly position: TwoRoomsVector;
  /** Distance from it to the goal, world pixels. */
  readonly distanceToGoal: number;
  /** Whether all planned steps have been taken. */
  readonly done: boolean;
  /** Whether the position is within the success radius of the goal now. */
  readonly success: boolean;
}

/**
 * One Two Rooms evaluation episode, seeded, as the reference's `main_eval` runs it: `reset(index)`
 * draws the task (`sampleTwoRoomsEpisodeTask`: a new layout, start and goal in different rooms)
 * and takes the one zero-action step the reference takes before planning; then exactly
 * `plannedSteps` (200) actions go through {@link step} with the evaluation collision model, and
 * the episode succeeds when the final distance to the goal is below 4.5 world pixels (the value
 * after the last step, not "ever reached").
 *
 * Everything random comes from the seed: the task from `new Rng(seed).derive('episode-<index>')`
 * and the contact noise from `derive('episode-<index>/contact')`, so the same actions replay to
 * the same positions. No TensorFlow.js: observations are `Float32Array` frames `[S, S, 2]`.
 *
 * ```ts
 * const episode = new TwoRoomsEpisode({ seed: 0, imageSize: 64 }).reset(3);
 * while (!episode.done) episode.step(planner(episode.observe(), episode.goalFrame()));
 * console.log(episode.success, episode.distanceToGoal);
 * ```
 */
export class TwoRoomsEpisode {
  /** Frame side in pixels. */
  readonly imageSize: number;
  /** Planned steps per episode. */
  readonly plannedSteps: number;
  /** Success radius, world pixels. */
  readonly successDistance: number;
  private readonly root: Rng;
  private contactRng: Rng;
  private indexValue = 0;
  private layoutValue: TwoRoomsLayout = { wallX: 32, doorY: 32 };
  private startValue: TwoRoomsVector = [0, 0];
  private goalValue: TwoRoomsVector = [0, 0];
  private positionValue: TwoRoomsVector = [0, 0];
  private pathValue: number[] = [];
  private stepsTakenValue = 0;
  private goalFrameCache: Float32Array | undefined;

  constructor(options: TwoRoomsEpisodeOptions = {}) {
    const where = 'TwoRoomsEpisode';
    const { seed = 0, imageSize = TWO_ROOMS_WORLD.size, plannedSteps = 200, successDistance = TWO_ROOMS_WORLD.successDistance } = options;
    if (!Number.isSafeInteger(seed)) throw new RangeError(`${where}: seed must be a safe integer; got ${seed}.`);
    checkTwoRoomsImageSize(imageSize, where);
    if (!Number.isInteger(plannedSteps) || plannedSteps < 1) throw new RangeError(`${where}: plannedSteps must be a positive integer (the reference plans 200 steps); got ${plannedSteps}.`);
    if (!(successDistance > 0) || !Number.isFinite(successDistance)) throw new RangeError(`${where}: successDistance must be a finite number > 0 (world pixels); got ${successDistance}.`);
    this.imageSize = imageSize;
    this.plannedSteps = plannedSteps;
    this.successDistance = successDistance;
    this.root = new Rng(seed);
    this.contactRng = this.root.derive('episode-0/contact');
    this.reset(0);
  }

  /**
   * Starts episode `index` of this seed (a new task and a fresh noise stream; the same index always
   * gives the same episode), then takes the reference's zero-action step. Returns `this`.
   */
  reset(index = 0): this {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`TwoRoomsEpisode.reset: index must be a non-negative integer; got ${index}.`);
    const task = sampleTwoRoomsEpisodeTask(this.root.derive(`episode-${index}`));
    this.indexValue = index;
    this.contactRng = this.root.derive(`episode-${index}/contact`);
    this.layoutValue = task.layout;
    this.startValue = task.start;
    this.goalValue = task.goal;
    this.goalFrameCache = undefined;
    // The reference steps once with a zero action before planning (a no-op away from barriers).
    this.positionValue = stepWithEvalCollision(task.layout, task.start, [0, 0], this.contactRng);
    this.pathValue = [this.positionValue[0], this.positionValue[1]];
    this.stepsTakenValue = 0;
    return this;
  }

  /** The episode index under the seed. */
  get index(): number {
    return this.indexValue;
  }
  /** The wall and door of this episode. */
  get layout(): TwoRoomsLayout {
    return this.layoutValue;
  }
  /** The start position drawn for this episode, world pixels. */
  get start(): TwoRoomsVector {
    return this.startValue;
  }
  /** The goal position, world pixels. */
  get goal(): TwoRoomsVector {
    return this.goalValue;
  }
  /** The current position, world pixels. */
  get position(): TwoRoomsVector {
    return this.positionValue;
  }
  /** Positions so far, `[stepsTaken + 1, 2]` world pixels: after the zero-action step, then after each planned step. */
  get path(): Float64Array {
    return Float64Array.from(this.pathValue);
  }
  /** Planned steps taken so far. */
  get stepsTaken(): number {
    return this.stepsTakenValue;
  }
  /** Planned steps left. */
  get stepsLeft(): number {
    return this.plannedSteps - this.stepsTakenValue;
  }
  /** Euclidean distance from the current position to the goal, world pixels. */
  get distanceToGoal(): number {
    return Math.hypot(this.positionValue[0] - this.goalValue[0], this.positionValue[1] - this.goalValue[1]);
  }
  /** Whether all planned steps have been taken. */
  get done(): boolean {
    return this.stepsTakenValue >= this.plannedSteps;
  }
  /** Whether the current position is within the success radius (the episode's result once `done`). */
  get success(): boolean {
    return this.distanceToGoal < this.successDistance;
  }

  /**
   * The current observation `[S, S, 2]`, normalised like the reference's planner input.
   * @param out where to write (`S * S * 2` values); a new array when absent.
   */
  observe(out?: Float32Array): Float32Array {
    return renderTwoRoomsFrame(this.layoutValue, this.positionValue, { imageSize: this.imageSize, ...(out ? { out } : {}) });
  }

  /**
   * The goal observation `[S, S, 2]`: the dot at the goal in the same layout, normalised.
   * @param out where to write; a new array (a copy of a cached frame) when absent.
   */
  goalFrame(out?: Float32Array): Float32Array {
    this.goalFrameCache ??= renderTwoRoomsFrame(this.layoutValue, this.goalValue, { imageSize: this.imageSize });
    return copyFrame(this.goalFrameCache, this.imageSize, 'TwoRoomsEpisode.goalFrame', out);
  }

  /**
   * Applies one planned action `[dx, dy]` (world pixels, not clipped, as the reference) with the
   * evaluation collision model. Throws once all planned steps are taken: call `reset`.
   */
  step(action: ArrayLike<number>): TwoRoomsStepResult {
    if (this.done) {
      throw new Error(`TwoRoomsEpisode.step: episode ${this.indexValue} is done after ${this.plannedSteps} planned steps; read success, or call reset(index) for another episode.`);
    }
    const displacement = readVector2(action, 'TwoRoomsEpisode.step', 'action');
    this.positionValue = stepWithEvalCollision(this.layoutValue, this.positionValue, displacement, this.contactRng);
    this.pathValue.push(this.positionValue[0], this.positionValue[1]);
    this.stepsTakenValue++;
    return { position: this.positionValue, distanceToGoal: this.distanceToGoal, done: this.done, success: this.success };
  }
}
