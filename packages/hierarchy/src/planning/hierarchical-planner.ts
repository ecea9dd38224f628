import * as tf from '@tensorflow/tfjs';
import type { Plan, PlanCost, Planner, PlanningProblem, Rng, WorldModel } from '@jepa/core';
import { latentDistanceCost } from './latent-distance-cost.js';

/**
 * A planning level above the first: a world model whose `encode` lifts the latents of the level
 * below (`[S, N, D]`) to this level's (`[S, N', D']`) and whose `rollout` steps them with
 * macro-actions, one per `stepSkip` steps of the level below; and the search run at this level.
 */
export interface PlanningLevel {
  /** Lifts the latents of the level below and rolls them out with macro-actions. */
  readonly model: WorldModel<tf.Tensor3D>;
  /** Steps of the level below per step of this level. */
  readonly stepSkip: number;
  /** The search at this level (its action bounds should fit this level's macro-actions). */
  readonly planner: Planner;
  /** Steps of this level per plan, at most (fewer when the steps left in the problem need fewer). */
  readonly horizon: number;
}

/** Options of {@link HierarchicalPlanner}. */
export interface HierarchicalPlannerOptions {
  /** The search over primitive actions (level 1). */
  readonly planner: Planner;
  /** Level-1 actions per plan toward a subgoal. Default: the first upper level's `stepSkip`. */
  readonly horizon?: number;
  /** The levels above the first, bottom-up (level 2 first); at least one. */
  readonly levels: readonly PlanningLevel[];
}

/** Which target the level-1 plan of the last {@link HierarchicalPlanner.plan} call aimed at. */
export interface HierarchicalPlanTrace {
  /**
   * Per upper level, top-down: true where that level handed a subgoal down (its predicted latent
   * after one step), false where it predicted the target within one step and passed the target on.
   */
  readonly subgoals: readonly boolean[];
  /** Horizon planned at each level, top-down, level 1 last. */
  readonly horizons: readonly number[];
}

/**
 * Hierarchical latent planning over stacked world models (H-JEPA / HWM style). The problem's start
 * and goal (level-1 latents) are lifted through every level's `encode`. The top level plans
 * macro-actions toward the lifted goal; the latent its plan predicts after one step is the subgoal
 * of the level below, which plans toward it in the same way (its cost lifts its predicted final
 * state through the level above's `encode` and measures the distance to the subgoal there), down
 * to level 1, whose plan of primitive actions is returned. A level whose plan comes closest to its
 * target within its first step passes the target itself down instead: near the goal, the levels
 * below plan flat.
 *
 * Horizons shrink with the problem's: a level of `span` level-1 steps per step plans
 * `min(horizon, ceil(stepsLeft / span))` steps. The returned plan's compute sums every level's,
 * with the one rollout per upper level that finds its subgoal.
 * Costs are the latent distance at the plan's end (the reference's "final" objective), in every
 * level.
 */
export class HierarchicalPlanner implements Planner {
  readonly name: string;
  /** The levels above the first, bottom-up. */
  readonly levels: readonly PlanningLevel[];
  /** The search over primitive actions (level 1). */
  readonly planner: Planner;
  /** Level-1 actions per plan toward a subgoal, at most. */
  readonly horizon: number;
  /** What the last `plan` call did (for reports and tests). */
  lastTrace: HierarchicalPlanTrace | null = null;

  constructor(options: HierarchicalPlannerOptions) {
    const where = 'HierarchicalPlanner';
    const { levels, planner } = options;
    if (!Array.isArray(levels) || levels.length === 0) {
      throw new Error(`${where}: levels must list at least one level above the first (level 2 first).`);
    }
    levels.forEach((level, i) => {
      if (!Number.isInteger(level.stepSkip) || level.stepSkip < 1) throw new Error(`${where}: levels[${i}].stepSkip must be a positive integer (steps of the level below per step), got ${String(level.stepSkip)}.`);
      if (!Number.isInteger(level.horizon) || level.horizon < 1) throw new Error(`${where}: levels[${i}].horizon must be a positive integer, got ${String(level.horizon)}.`);
    });
    this.levels = levels;
    this.planner = planner;
    this.horizon = options.horizon ?? levels[0]!.stepSkip;
    if (!Number.isInteger(this.horizon) || this.horizon < 1) throw new Error(`${where}: horizon must be a positive integer (level-1 actions per plan), got ${String(this.horizon)}.`);
    this.name = `hierarchical-${planner.name}-${levels.length + 1}-levels`;
  }

  plan<Observation>(problem: PlanningProblem<Observation>, rng: Rng): Plan {
    const started = performance.now();
    const stepsLeft = problem.horizon;
    const owned: tf.Tensor[] = [];
    try {
      // Start and goal at every level: index 0 is level 1.
      const starts: tf.Tensor3D[] = [problem.start];
      const goals: tf.Tensor3D[] = [problem.goal];
      for (const level of this.levels) {
        const start = level.model.encode(starts[starts.length - 1]!);
        const goal = level.model.encode(goals[goals.length - 1]!);
        owned.push(start, goal);
        starts.push(start);
        goals.push(goal);
      }
      let rolloutCalls = 0;
      let predictedSteps = 0;
      const subgoals: boolean[] = [];
      const horizons: number[] = [];
      // The target of the level being planned: a latent and the index of the level it lives in.
      let target = { latent: goals[this.levels.length]!, space: this.levels.length };
      for (let k = this.levels.length; k >= 1; k--) {
        const level = this.levels[k - 1]!;
        const span = this.levels.slice(0, k).reduce((steps, l) => steps * l.stepSkip, 1);
        const horizon = Math.max(1, Math.min(level.horizon, Math.ceil(stepsLeft / span)));
        horizons.push(horizon);
        const plan = level.planner.plan({ model: level.model, start: starts[k]!, goal: goals[k]!, horizon, cost: this.costToward(target, k) }, rng);
        rolloutCalls += plan.rolloutCalls;
        predictedSteps += plan.predictedSteps;
        // Where the plan goes: the subgoal is its first predicted state, unless it is closest to the target already.
        const predicted = tf.tidy(() => level.model.rollout(starts[k]!, tf.tensor3d(plan.actions, [1, plan.horizon, plan.actionDim])));
        owned.push(predicted);
        rolloutCalls += 1;
        predictedSteps += plan.horizon;
        const [, steps, tokens, width] = predicted.shape;
        const distanceTensor = tf.tidy(() => this.distancesToTarget(predicted, target, k));
        const distances = Array.from(distanceTensor.dataSync());
        distanceTensor.dispose();
        const nearest = distances.indexOf(Math.min(...distances));
        if (nearest === 0 || steps === 1) {
          // Pass the target on; the level below lifts its predictions into the target's level to compare.
          subgoals.push(false);
        } else {
          subgoals.push(true);
          const first = tf.tidy(() => tf.reshape(predicted.slice([0, 0, 0, 0], [1, 1, tokens, width]), [1, tokens, width]) as tf.Tensor3D);
          owned.push(first);
          target = { latent: first, space: k };
        }
      }
      const lowHorizon = Math.max(1, Math.min(this.horizon, stepsLeft));
      horizons.push(lowHorizon);
      const low = this.planner.plan({ ...problem, horizon: lowHorizon, cost: this.costToward(target, 0) }, rng);
      this.lastTrace = { subgoals, horizons };
      return { ...low, rolloutCalls: low.rolloutCalls + rolloutCalls, predictedSteps: low.predictedSteps + predictedSteps, seconds: (performance.now() - started) / 1000 };
    } finally {
      tf.dispose(owned);
    }
  }

  /** Lifts latents `[S, N, D]` of level index `from` to level index `to` (`to >= from`) through the levels' encoders. */
  private lift(latents: tf.Tensor3D, from: number, to: number): tf.Tensor3D {
    return tf.tidy(() => {
      let z = latents;
      for (let k = from; k < to; k++) z = this.levels[k]!.model.encode(z);
      return z;
    });
  }

  /** Squared latent distance (mean over elements) of each predicted step `[1, H, N, D]` at level index `k` to the target, lifted to its space. */
  private distancesToTarget(predicted: tf.Tensor4D, target: { latent: tf.Tensor3D; space: number }, k: number): tf.Tensor1D {
    const [, steps, tokens, width] = predicted.shape;
    const lifted = this.lift(tf.reshape(predicted, [steps, tokens, width]) as tf.Tensor3D, k, target.space);
    return tf.mean(tf.reshape(tf.squaredDifference(lifted, target.latent), [steps, -1]), 1) as tf.Tensor1D;
  }

  /** The final-step cost of a plan at level index `k` toward `target`, lifting predictions into the target's level. */
  private costToward(target: { latent: tf.Tensor3D; space: number }, k: number): PlanCost {
    const final = latentDistanceCost({ reduction: 'final' });
    if (target.space === k) return (predicted, _goal, start) => final(predicted, target.latent, start);
    return (predicted) =>
      tf.tidy(() => {
        const [samples, horizon, tokens, width] = predicted.shape;
        const last = tf.reshape(predicted.slice([0, horizon - 1], [samples, 1]), [samples, tokens, width]) as tf.Tensor3D;
        const lifted = this.lift(last, k, target.space);
        return tf.mean(tf.reshape(tf.squaredDifference(lifted, target.latent), [samples, -1]), 1) as tf.Tensor1D;
      });
  }
}
