import * as tf from '@tensorflow/tfjs';
import type { Plan, PlanCost, Planner, Rng, WorldModel } from '@jepa/core';

/**
 * What model-predictive control needs of an environment; nothing else about it is known here.
 * Observations are passed to the world model's `encode` as they are and are not disposed by the
 * loop: return plain values (typed arrays, images), or tensors the environment owns.
 */
export interface MpcEnvironment<Observation> {
  /** The current observation. */
  observe(): Observation;
  /** An observation of the goal (encoded once per episode). */
  goalObservation(): Observation;
  /** Applies one action (`A` entries). */
  step(action: Float32Array): void;
  /** True once the episode is over (the loop then stops, even within a plan). */
  readonly done: boolean;
}

/** Options of {@link runMpcEpisode}. */
export interface MpcEpisodeOptions<Observation> {
  /** The environment the actions run in. */
  readonly environment: MpcEnvironment<Observation>;
  /** The world model the planner searches through; encodes the observations. */
  readonly model: WorldModel<Observation>;
  /** The search run at every replanning point. */
  readonly planner: Planner;
  /**
   * Actions per plan: a number, or a function of the steps left in the episode (`maxSteps` minus
   * the actions executed), e.g. the reference's `(stepsLeft) => Math.min(90, stepsLeft)`.
   */
  readonly horizon: number | ((stepsLeft: number) => number);
  /** The most actions the episode executes (the reference: 200, with `done` ignored). */
  readonly maxSteps: number;
  /** Actions executed from each plan before replanning (`k`). Default 1, as the reference. */
  readonly replanEvery?: number;
  /** Randomness handed to every `planner.plan` call, in order. */
  readonly rng: Rng;
  /** Cost handed to the planner with every problem; default the planner's own. */
  readonly cost?: PlanCost;
  /**
   * Hand each plan the previous plan's actions that were not executed, as
   * `PlanningProblem.initialPlan` (used by planners with `warmStart`). Default true.
   */
  readonly passPreviousPlan?: boolean;
  /** Called after every plan with the number of actions executed before it. */
  readonly onPlan?: (plan: Plan, stepsExecuted: number) => void;
}

/** What {@link runMpcEpisode} did and what the planning cost. */
export interface MpcEpisodeResult {
  /** The executed actions, in order (one `A`-entry array each). */
  readonly actions: Float32Array[];
  /** `planner.plan` calls. */
  readonly plans: number;
  /** Each plan's `cost`, in order. */
  readonly plannedCosts: number[];
  /** Planning compute summed over the plans. */
  readonly rolloutCalls: number;
  /** Predicted latent steps summed over the plans. */
  readonly predictedSteps: number;
  /** Seconds spent in `planner.plan`, summed. */
  readonly planningSeconds: number;
  /** Whether the environment reported `done` (else the loop stopped at `maxSteps`). */
  readonly done: boolean;
}

/**
 * Model-predictive control, generic over environments, world models and planners: encode the goal
 * once; then until the environment is done or `maxSteps` actions ran, encode the current
 * observation, plan `horizon` actions, execute the first `replanEvery` of them, and replan.
 * Every tensor made here is disposed.
 */
export function runMpcEpisode<Observation>(options: MpcEpisodeOptions<Observation>): MpcEpisodeResult {
  const where = 'runMpcEpisode';
  const { environment, model, planner, rng, maxSteps } = options;
  const replanEvery = options.replanEvery ?? 1;
  const passPreviousPlan = options.passPreviousPlan ?? true;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new Error(`${where}: maxSteps must be a positive integer (the most actions to execute), got ${String(maxSteps)}.`);
  }
  if (!Number.isInteger(replanEvery) || replanEvery < 1) {
    throw new Error(`${where}: replanEvery must be a positive integer (actions executed per plan), got ${String(replanEvery)}.`);
  }
  const horizonFor = (stepsLeft: number): number => {
    const horizon = typeof options.horizon === 'function' ? options.horizon(stepsLeft) : options.horizon;
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new Error(`${where}: the horizon must be a positive integer, got ${String(horizon)} with ${stepsLeft} steps left; a horizon function must return at least 1 while steps are left.`);
    }
    return horizon;
  };

  const executed: Float32Array[] = [];
  const plannedCosts: number[] = [];
  let rolloutCalls = 0;
  let predictedSteps = 0;
  let planningSeconds = 0;
  let leftover: Float32Array | undefined;
  const goal = model.encode(environment.goalObservation());
  try {
    while (!environment.done && executed.length < maxSteps) {
      const stepsLeft = maxSteps - executed.length;
      const start = model.encode(environment.observe());
      let plan: Plan;
      try {
        plan = planner.plan(
          {
            model,
            start,
            goal,
            horizon: horizonFor(stepsLeft),
            ...(options.cost !== undefined ? { cost: options.cost } : {}),
            ...(passPreviousPlan && leftover !== undefined && leftover.length > 0 ? { initialPlan: leftover } : {}),
          },
          rng,
        );
      } finally {
        start.dispose();
      }
      plannedCosts.push(plan.cost);
      rolloutCalls += plan.rolloutCalls;
      predictedSteps += plan.predictedSteps;
      planningSeconds += plan.seconds;
      options.onPlan?.(plan, executed.length);
      const { actionDim } = plan;
      const count = Math.min(replanEvery, plan.horizon, stepsLeft);
      let used = 0;
      while (used < count && !environment.done) {
        const action = plan.actions.slice(used * actionDim, (used + 1) * actionDim);
        environment.step(action);
        executed.push(action);
        used += 1;
      }
      leftover = plan.actions.slice(used * actionDim);
    }
  } finally {
    goal.dispose();
  }
  return { actions: executed, plans: plannedCosts.length, plannedCosts, rolloutCalls, predictedSteps, planningSeconds, done: environment.done };
}
