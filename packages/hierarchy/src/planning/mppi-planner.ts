import type { Plan, PlanCost, Planner, PlanningProblem, Rng } from '@jepa/core';
import { checkPositive } from './check-option.js';
import { clipActionNorms } from './clip-action-norms.js';
import { sampleGaussianActions } from './gaussian-actions.js';
import { lowestCostIndices } from './lowest-cost-indices.js';
import { PlanScorer } from './plan-scorer.js';
import { SamplingPlanner } from './sampling-planner.js';

/** Which plan {@link MppiPlanner} returns. */
export type MppiExecutedPlan = 'mean' | 'sampled-elite';

/**
 * Options of {@link MppiPlanner}. Defaults are the eb_jepa reference *as run*: its
 * `planning_mppi.yaml` passes `var_scale` and `max_norms`, which `MPPIPlanner` ignores, so its
 * constructor defaults apply (std 2.0, no clipping, temperature factor 0.005).
 */
export interface MppiPlannerOptions {
  /** Action sequences sampled per iteration. Default 200. */
  readonly samples?: number;
  /** Refinement iterations. Default 20. */
  readonly iterations?: number;
  /** Lowest-cost sequences that are weighted into the new distribution. Default 20. */
  readonly elites?: number;
  /** Starting mean of every action entry. Default 0. */
  readonly initialMean?: number;
  /** Starting std of every action entry (the reference's `max_std`). Default 2.0. */
  readonly initialStd?: number;
  /**
   * Elite `i` weighs `exp(-(c_i - c_min) / temperature)` (normalised; `c_min` the lowest sampled
   * cost): small temperatures follow the best elite, large ones weigh the elites alike. The
   * reference computes `exp(0.005 * (c_min - c_i))`, i.e. it *multiplies* by its `temperature =
   * 0.005`, which is `temperature: 1 / 0.005 = 200` here; with summed-MSE latent costs of order 1
   * that weighting is nearly uniform over the elites. Default 200 (the reference as run).
   */
  readonly temperature?: number;
  /** Per-step action L2-norm clipping as in CEM (`clipActionNorms`); `null` = none. Default null. */
  readonly maxActionNorm?: number | null;
  /** Floor on the refitted std. Default 0 (none). */
  readonly minStd?: number;
  /**
   * `sampled-elite` (default, the reference): one elite of the last iteration, drawn with its
   * weight (one `rng.uniform()`); `Plan.cost` is the cost it was sampled with. `mean`: the weighted
   * mean after the last iteration.
   */
  readonly execute?: MppiExecutedPlan;
  /** Start from `problem.initialPlan` instead of `initialMean`. Default false (the reference re-initialises). */
  readonly warmStart?: boolean;
  /**
   * Executed steps each sampled action is held for (default 1: one sampled action per step, as the
   * reference). With `k > 1` the search runs over `ceil(H / k)` actions: fewer dimensions and
   * straight-line exploration, which finds detours (a door) that per-step noise averages out.
   */
  readonly actionRepeat?: number;
  /**
   * With `execute: 'mean'`, score the returned mean with one extra one-sample rollout (counted);
   * false leaves `Plan.cost` NaN. Default true. A sampled elite already has its cost.
   */
  readonly scoreReturnedPlan?: boolean;
  /** Cost when the problem brings none. Default `latentDistanceCost()` (summed over the horizon). */
  readonly cost?: PlanCost;
}

/** The eb_jepa reference's MPPI settings as its code runs them (see {@link MppiPlannerOptions}). */
export const MPPI_REFERENCE_OPTIONS = {
  /** {@inheritDoc MppiPlannerOptions.samples} */
  samples: 200,
  /** {@inheritDoc MppiPlannerOptions.iterations} */
  iterations: 20,
  /** {@inheritDoc MppiPlannerOptions.elites} */
  elites: 20,
  /** {@inheritDoc MppiPlannerOptions.initialMean} */
  initialMean: 0,
  /** {@inheritDoc MppiPlannerOptions.initialStd} */
  initialStd: 2.0,
  /** {@inheritDoc MppiPlannerOptions.temperature} */
  temperature: 200,
  /** {@inheritDoc MppiPlannerOptions.maxActionNorm} */
  maxActionNorm: null,
  /** {@inheritDoc MppiPlannerOptions.minStd} */
  minStd: 0,
  /** {@inheritDoc MppiPlannerOptions.execute} */
  execute: 'sampled-elite',
  /** {@inheritDoc MppiPlannerOptions.warmStart} */
  warmStart: false,
} as const satisfies MppiPlannerOptions;

/**
 * MPPI as eb_jepa's `MPPIPlanner.plan`: sample `S` sequences from a diagonal Gaussian `[H, A]`,
 * roll them out in one `model.rollout` call, weight the `K` lowest-cost sequences by
 * `exp(-(c - c_min) / temperature)`, set the mean to their weighted mean and the std to their
 * weighted (biased) std, repeat. Draws come from the `Rng` passed to `plan`.
 */
export class MppiPlanner extends SamplingPlanner implements Planner {
  readonly name = 'mppi';
  /** {@inheritDoc MppiPlannerOptions.temperature} */
  readonly temperature: number;
  /** Which plan `plan` returns: one sampled elite or the weighted mean. */
  readonly execute: MppiExecutedPlan;

  constructor(options: MppiPlannerOptions = {}) {
    const where = 'MppiPlanner';
    const reference = MPPI_REFERENCE_OPTIONS;
    super(where, options, reference, { minimumSamples: 1, minimumElites: 1, elitesNote: 'elites (at most samples)' });
    this.temperature = checkPositive(where, 'temperature (the reference multiplies by 0.005, i.e. temperature 200)', options.temperature ?? reference.temperature);
    const execute = options.execute ?? reference.execute;
    if (execute !== 'mean' && execute !== 'sampled-elite') {
      throw new Error(`${where}: execute must be 'mean' or 'sampled-elite', got ${JSON.stringify(execute)}.`);
    }
    this.execute = execute;
  }

  plan<Observation>(problem: PlanningProblem<Observation>, rng: Rng): Plan {
    const scorer = new PlanScorer(this.name, problem, this.cost, this.actionRepeat);
    const size = scorer.sequenceSize;
    const mean = scorer.initialMean(this.initialMean, this.warmStart);
    const std = new Float64Array(size).fill(this.initialStd);
    const actions = new Float32Array(this.samples * size);
    let elites: number[] = [];
    let weights: Float64Array = new Float64Array(0);
    let costs: Float64Array = new Float64Array(0);
    for (let iteration = 0; iteration < this.iterations; iteration++) {
      sampleGaussianActions(rng, mean, std, actions);
      if (this.maxActionNorm !== null) clipActionNorms(actions, scorer.actionDim, this.maxActionNorm);
      costs = scorer.score(actions, this.samples);
      elites = lowestCostIndices(costs, this.elites);
      weights = this.eliteWeights(elites.map((e) => costs[e]!));
      let total = 0;
      for (const w of weights) total += w;
      for (let j = 0; j < size; j++) {
        let sum = 0;
        elites.forEach((e, i) => (sum += weights[i]! * actions[e * size + j]!));
        const m = sum / (total + 1e-9);
        let squares = 0;
        elites.forEach((e, i) => (squares += weights[i]! * (actions[e * size + j]! - m) ** 2));
        mean[j] = m;
        std[j] = Math.max(Math.sqrt(squares / (total + 1e-9)), this.minStd);
      }
    }
    if (this.execute === 'sampled-elite') {
      const chosen = elites[drawIndex(weights, rng)]!;
      return scorer.finish(actions.subarray(chosen * size, (chosen + 1) * size), costs[chosen]!);
    }
    const plan = Float32Array.from(mean);
    const cost = this.scoreReturnedPlan ? scorer.score(plan, 1)[0]! : NaN;
    return scorer.finish(plan, cost);
  }

  /** Normalised weights `exp(-(c - c_min) / temperature)` of the elites' costs (lowest first). */
  private eliteWeights(eliteCosts: number[]): Float64Array {
    const lowest = eliteCosts[0]!;
    if (!Number.isFinite(lowest)) {
      throw new Error(`MppiPlanner.plan: every sampled cost is NaN or infinite (lowest ${lowest}); check the world model's rollout and the cost for non-finite values.`);
    }
    // A NaN cost gets weight 0, like an infinite one.
    const weights = Float64Array.from(eliteCosts, (c) => (Number.isNaN(c) ? 0 : Math.exp(-(c - lowest) / this.temperature)));
    let total = 0;
    for (const w of weights) total += w;
    for (let i = 0; i < weights.length; i++) weights[i] /= total;
    return weights;
  }
}

/** An index drawn with probability `weights[i]` (weights summing to 1), from one `rng.uniform()`. */
function drawIndex(weights: Float64Array, rng: Rng): number {
  const u = rng.uniform();
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i]!;
    if (u < cumulative) return i;
  }
  // Rounding left the sum just below u: the last index with weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return 0;
}
