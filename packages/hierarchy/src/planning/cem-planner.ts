import type { Plan, PlanCost, Planner, PlanningProblem, Rng } from '@jepa/core';
import { clipActionNorms } from './clip-action-norms.js';
import { sampleGaussianActions } from './gaussian-actions.js';
import { lowestCostIndices } from './lowest-cost-indices.js';
import { PlanScorer } from './plan-scorer.js';
import { SamplingPlanner } from './sampling-planner.js';

/** Options of {@link CemPlanner}; every default is the eb_jepa reference's (`planning_cem.yaml`). */
export interface CemPlannerOptions {
  /** Action sequences sampled per iteration (`num_samples`). Default 200. */
  readonly samples?: number;
  /** Refinement iterations (`n_iters`). Default 20. */
  readonly iterations?: number;
  /** Lowest-cost sequences the distribution is refitted to (`num_elites`); at least 2. Default 20. */
  readonly elites?: number;
  /** Starting mean of every action entry. Default 0. */
  readonly initialMean?: number;
  /** Starting std of every action entry (`var_scale`). Default 1.5. */
  readonly initialStd?: number;
  /**
   * Every sampled per-step action is rescaled onto this L2 ball (`max_norms`, the reference's
   * formula, see `clipActionNorms`); `null` samples unclipped. Default 2.45.
   */
  readonly maxActionNorm?: number | null;
  /** Floor on the refitted std (keeps the search from collapsing). Default 0 (none, as the reference). */
  readonly minStd?: number;
  /**
   * Start from `problem.initialPlan` (e.g. the last plan shifted by the actions executed) instead
   * of `initialMean`; the std still starts at `initialStd`. Default false: the reference
   * re-initialises every call.
   */
  readonly warmStart?: boolean;
  /**
   * Executed steps each sampled action is held for (default 1: one sampled action per step, as the
   * reference). With `k > 1` the search runs over `ceil(H / k)` actions: fewer dimensions and
   * straight-line exploration, which finds detours (a door) that per-step noise averages out.
   */
  readonly actionRepeat?: number;
  /**
   * The returned mean was never rolled out itself: score it with one extra one-sample rollout
   * (counted in the plan's compute) so `Plan.cost` is its cost. With false, `Plan.cost` is NaN and
   * the compute is exactly the reference's. Default true.
   */
  readonly scoreReturnedPlan?: boolean;
  /** Cost when the problem brings none. Default `latentDistanceCost()` (summed over the horizon). */
  readonly cost?: PlanCost;
}

/** The eb_jepa reference's CEM settings (`planning_cem.yaml`). */
export const CEM_REFERENCE_OPTIONS = {
  /** {@inheritDoc CemPlannerOptions.samples} */
  samples: 200,
  /** {@inheritDoc CemPlannerOptions.iterations} */
  iterations: 20,
  /** {@inheritDoc CemPlannerOptions.elites} */
  elites: 20,
  /** {@inheritDoc CemPlannerOptions.initialMean} */
  initialMean: 0,
  /** {@inheritDoc CemPlannerOptions.initialStd} */
  initialStd: 1.5,
  /** {@inheritDoc CemPlannerOptions.maxActionNorm} */
  maxActionNorm: 2.45,
  /** {@inheritDoc CemPlannerOptions.minStd} */
  minStd: 0,
  /** {@inheritDoc CemPlannerOptions.warmStart} */
  warmStart: false,
} as const satisfies CemPlannerOptions;

/**
 * The cross-entropy method as eb_jepa's `CEMPlanner.plan`: sample `S` action sequences from a
 * diagonal Gaussian `[H, A]` (clipped per step to `maxActionNorm`), roll them all out in one
 * `model.rollout` call, refit mean and unbiased std (`K - 1`) to the `K` lowest-cost sequences,
 * repeat; the plan is the final mean. Normal draws come from the `Rng` passed to `plan`, so a
 * seed fixes the plan.
 */
export class CemPlanner extends SamplingPlanner implements Planner {
  readonly name = 'cem';

  constructor(options: CemPlannerOptions = {}) {
    super('CemPlanner', options, CEM_REFERENCE_OPTIONS, { minimumSamples: 2, minimumElites: 2, elitesNote: 'elites (the unbiased std needs 2; at most samples)' });
  }

  plan<Observation>(problem: PlanningProblem<Observation>, rng: Rng): Plan {
    const scorer = new PlanScorer(this.name, problem, this.cost, this.actionRepeat);
    const size = scorer.sequenceSize;
    const { actionDim } = scorer;
    const mean = scorer.initialMean(this.initialMean, this.warmStart);
    const std = new Float64Array(size).fill(this.initialStd);
    const actions = new Float32Array(this.samples * size);
    for (let iteration = 0; iteration < this.iterations; iteration++) {
      sampleGaussianActions(rng, mean, std, actions);
      if (this.maxActionNorm !== null) clipActionNorms(actions, actionDim, this.maxActionNorm);
      const costs = scorer.score(actions, this.samples);
      const elites = lowestCostIndices(costs, this.elites);
      for (let j = 0; j < size; j++) {
        let sum = 0;
        for (const e of elites) sum += actions[e * size + j]!;
        const m = sum / elites.length;
        let squares = 0;
        for (const e of elites) squares += (actions[e * size + j]! - m) ** 2;
        mean[j] = m;
        std[j] = Math.max(Math.sqrt(squares / (elites.length - 1)), this.minStd);
      }
    }
    const plan = Float32Array.from(mean);
    const cost = this.scoreReturnedPlan ? scorer.score(plan, 1)[0]! : NaN;
    return scorer.finish(plan, cost);
  }
}
