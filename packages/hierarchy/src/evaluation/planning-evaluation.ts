import type { Planner, PlanCost, WorldModel } from '@jepa/core';
import { Rng } from '@jepa/core';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import { runMpcEpisode, type MpcEnvironment } from '../planning/run-mpc-episode.js';
import { simulatorWorldModel } from '../planning/simulator-world-model.js';
import type { LatentDistanceReduction } from '../planning/latent-distance-cost.js';
import { encoderScoredCost } from './encoder-scored-cost.js';
import { wilsonInterval } from './wilson-interval.js';

/** A 2-D position or displacement, world pixels. */
export type PlanarVector = readonly [number, number];

/** One evaluation episode of a 2-D navigation environment, after its reset (Two Rooms, Four Rooms). */
export interface PlanningEpisode<Layout> {
  /** The episode's layout (walls and doors). */
  readonly layout: Layout;
  /** Start position, world pixels. */
  readonly start: PlanarVector;
  /** Goal position, world pixels. */
  readonly goal: PlanarVector;
  /** Current position, world pixels. */
  readonly position: PlanarVector;
  /** Current distance to the goal, world pixels. */
  readonly distanceToGoal: number;
  /** Whether the position is within the success distance of the goal now. */
  readonly success: boolean;
  /** Whether the episode is over. */
  readonly done: boolean;
  /** `[steps + 1, 2]` positions so far, world pixels. */
  readonly path: Float64Array;
  /** The current frame `[S, S, C]`. */
  observe(): Float32Array;
  /** The goal's frame `[S, S, C]`. */
  goalFrame(): Float32Array;
  /** Applies one action (a displacement, world pixels). */
  step(action: PlanarVector): unknown;
}

/** What {@link evaluatePlanning} needs of an environment. */
export interface PlanningEnvironment<Layout, Episode extends PlanningEpisode<Layout> = PlanningEpisode<Layout>> {
  /** The environment's name in errors and reports. */
  readonly name: string;
  /** Starts episode `index` (seeded: the same index is always the same task). */
  reset(index: number): Episode;
  /** Actions the episode may execute (a fixed count, or its own budget). */
  maxSteps(episode: Episode): number;
  /** The true dynamics of a layout as the oracle plans with them (deterministic). */
  oracleStep(layout: Layout): (state: Float32Array, action: Float32Array) => Float32Array;
  /** Draws positions `[F * 2]` as the frames `[F, S, S, C]` a learned encoder takes, in `layout`. */
  renderPositions(layout: Layout, positions: Float32Array): Float32Array;
}

/** What a per-episode planner is built from. */
export interface PlanningEpisodeSetup<Layout> {
  /** The episode's index. */
  readonly index: number;
  /** The episode's layout. */
  readonly layout: Layout;
}

/** How episodes are planned and scored by {@link evaluatePlanning}. */
export interface PlanningEvaluationOptions<Layout> {
  /** Episodes to plan. */
  readonly episodes: number;
  /** Seed of the planner's sampling (the environment holds the tasks' seed). */
  readonly seed: number;
  /** The planner, or a function that builds one per episode from its index and layout (e.g. a hierarchical oracle). */
  readonly planner: Planner | ((episode: PlanningEpisodeSetup<Layout>) => Planner);
  /** Actions per plan, or a function of the steps left. */
  readonly horizon: number | ((stepsLeft: number) => number);
  /** Actions executed from each plan before replanning. Default 1. */
  readonly replanEvery?: number;
  /** Cost handed to the planner with every problem; default the planner's own. */
  readonly cost?: PlanCost;
  /**
   * How the oracle (`model: 'oracle'`) scores simulated states: by squared distance between positions
   * (`cost`, default), or with `{ scoredBy }` as a learned model would: positions drawn as frames and
   * encoded by `scoredBy`'s encoder (see {@link encoderScoredCost}; `cost` is then not used).
   */
  readonly oracleCost?: 'position' | {
    /** The learned model whose encoder scores the simulated states. */
    readonly scoredBy: WorldModel<FrameObservation>;
    /** Which predicted steps the latent distance scores (default `final`). */
    readonly reduction?: LatentDistanceReduction;
  };
  /** The first episode's index (episodes are `first .. first + episodes - 1`). Default 0. */
  readonly firstEpisode?: number;
  /** Called after each episode (progress). */
  readonly onEpisode?: (result: PlanningEpisodeResult<Layout>, done: number, total: number) => void;
}

/** One planned episode. */
export interface PlanningEpisodeResult<Layout> {
  /** The episode's index. */
  readonly index: number;
  /** Whether it ended within the success distance of the goal. */
  readonly success: boolean;
  /** Distance to the goal at the end, world pixels. */
  readonly finalDistance: number;
  /** Distance to the goal after the reset, world pixels. */
  readonly startDistance: number;
  /** The episode's layout. */
  readonly layout: Layout;
  /** Start position, world pixels. */
  readonly start: PlanarVector;
  /** Goal position, world pixels. */
  readonly goal: PlanarVector;
  /** `[steps + 1, 2]` positions after the reset and after each executed action, world pixels. */
  readonly path: Float64Array;
  /** Actions the episode was allowed. */
  readonly maxSteps: number;
  /** `planner.plan` calls. */
  readonly plans: number;
  /** Calls of `model.rollout` summed over the plans. */
  readonly rolloutCalls: number;
  /** Predicted latent steps summed over the plans. */
  readonly predictedSteps: number;
  /** Seconds spent planning. */
  readonly planningSeconds: number;
  /** Seconds of the whole episode (planning, stepping, encoding). */
  readonly seconds: number;
}

/** What a set of episodes adds up to: success rate with its 95 % Wilson interval, distances, time and planning compute per episode. */
export interface PlanningEpisodeSummary {
  /** Episodes summed up. */
  readonly episodes: number;
  /** Episodes that ended within the success distance. */
  readonly successes: number;
  /** `successes / episodes`. */
  readonly successRate: number;
  /** 95 % Wilson interval of the success rate. */
  readonly ci95: readonly [number, number];
  /** Mean distance to the goal at the end, world pixels. */
  readonly meanFinalDistance: number;
  /** Mean distance to the goal at the start, world pixels. */
  readonly meanStartDistance: number;
  /** Mean seconds per episode. */
  readonly secondsPerEpisode: number;
  /** Mean seconds spent planning per episode. */
  readonly planningSecondsPerEpisode: number;
  /** Mean `planner.plan` calls per episode. */
  readonly plansPerEpisode: number;
  /** Mean predicted latent steps per episode. */
  readonly predictedStepsPerEpisode: number;
  /** Mean `model.rollout` calls per episode. */
  readonly rolloutCallsPerEpisode: number;
}

/** The result of {@link evaluatePlanning}: the summary, the planner's name and every episode. */
export interface PlanningReport<Layout> extends PlanningEpisodeSummary {
  /** The planner's name. */
  readonly planner: string;
  /** Every episode, in order. */
  readonly results: ReadonlyArray<PlanningEpisodeResult<Layout>>;
}

/** Adds up episode results (at least one). */
export function summarizePlanningEpisodes(results: ReadonlyArray<Omit<PlanningEpisodeResult<unknown>, 'path' | 'layout'>>): PlanningEpisodeSummary {
  if (results.length === 0) throw new RangeError('summarizePlanningEpisodes: no episode results to summarise.');
  const successes = results.filter((r) => r.success).length;
  const mean = (f: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + f(r), 0) / results.length;
  return {
    episodes: results.length,
    successes,
    successRate: successes / results.length,
    ci95: wilsonInterval(successes, results.length),
    meanFinalDistance: mean((r) => r.finalDistance),
    meanStartDistance: mean((r) => r.startDistance),
    secondsPerEpisode: mean((r) => r.seconds),
    planningSecondsPerEpisode: mean((r) => r.planningSeconds),
    plansPerEpisode: mean((r) => r.plans),
    predictedStepsPerEpisode: mean((r) => r.predictedSteps),
    rolloutCallsPerEpisode: mean((r) => r.rolloutCalls),
  };
}

/**
 * Plans seeded episodes of a 2-D navigation environment with model-predictive control and scores
 * them: each episode is reset, planned and stepped until it is done or its steps are spent. With
 * `model: 'oracle'` the planner plans through the environment's true dynamics (positions as
 * latents), so planner failures and model failures can be told apart; with `oracleCost: { scoredBy }`
 * it scores the simulated states with a learned encoder, which tells the encoder's failures (the
 * cost's shape) from the predictor's.
 */
export function evaluatePlanning<Layout, Episode extends PlanningEpisode<Layout>>(
  environment: PlanningEnvironment<Layout, Episode>,
  model: WorldModel<FrameObservation> | 'oracle',
  options: PlanningEvaluationOptions<Layout>,
): PlanningReport<Layout> {
  const { episodes, seed } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`evaluatePlanning (${environment.name}): episodes must be a positive integer, got ${episodes}.`);
  const results: Array<PlanningEpisodeResult<Layout>> = [];
  const first = options.firstEpisode ?? 0;
  let plannerName = '';
  for (let i = 0; i < episodes; i++) {
    const index = first + i;
    const started = performance.now();
    const episode = environment.reset(index);
    const startDistance = episode.distanceToGoal;
    const layout = episode.layout;
    const maxSteps = environment.maxSteps(episode);
    const planner = typeof options.planner === 'function' ? options.planner({ index, layout }) : options.planner;
    plannerName = planner.name;
    const rng = new Rng(seed).derive(`planner-${planner.name}`).derive(`episode-${index}`);
    const scoredBy = model === 'oracle' && typeof options.oracleCost === 'object' ? options.oracleCost : undefined;
    const cost = scoredBy
      ? encoderScoredCost({ model: scoredBy.scoredBy, render: (positions) => environment.renderPositions(layout, positions), ...(scoredBy.reduction ? { reduction: scoredBy.reduction } : {}) })
      : options.cost;
    const common = { maxSteps, horizon: options.horizon, replanEvery: options.replanEvery ?? 1, rng, planner, ...(cost ? { cost } : {}) };
    const step = (action: Float32Array) => void episode.step([action[0]!, action[1]!]);
    const run =
      model === 'oracle'
        ? runMpcEpisode<Float32Array>({
            ...common,
            model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: environment.oracleStep(layout) }),
            environment: { observe: () => Float32Array.from(episode.position), goalObservation: () => Float32Array.from(episode.goal), step, get done() { return episode.done; } } satisfies MpcEnvironment<Float32Array>,
          })
        : runMpcEpisode<FrameObservation>({
            ...common,
            model,
            environment: { observe: () => episode.observe(), goalObservation: () => episode.goalFrame(), step, get done() { return episode.done; } } satisfies MpcEnvironment<FrameObservation>,
          });
    const result: PlanningEpisodeResult<Layout> = {
      index,
      success: episode.success,
      finalDistance: episode.distanceToGoal,
      startDistance,
      layout,
      start: episode.start,
      goal: episode.goal,
      path: episode.path,
      maxSteps,
      plans: run.plans,
      rolloutCalls: run.rolloutCalls,
      predictedSteps: run.predictedSteps,
      planningSeconds: run.planningSeconds,
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onEpisode?.(result, i + 1, episodes);
  }
  return {
    planner: model !== 'oracle' ? plannerName : typeof options.oracleCost === 'object' ? `${plannerName} (oracle, encoder cost)` : `${plannerName} (oracle)`,
    ...summarizePlanningEpisodes(results),
    results,
  };
}
