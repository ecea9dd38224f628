import type { PlanCost } from '@jepa/core';
import { checkFinite, checkInteger, checkMaxNorm, checkNonNegative, checkPositive } from './check-option.js';
import { latentDistanceCost } from './latent-distance-cost.js';

/** The options every sampling planner (CEM, MPPI) takes; each planner documents its own defaults. */
export interface SamplingPlannerOptions {
  readonly samples?: number;
  readonly iterations?: number;
  readonly elites?: number;
  readonly initialMean?: number;
  readonly initialStd?: number;
  readonly maxActionNorm?: number | null;
  readonly minStd?: number;
  readonly warmStart?: boolean;
  readonly actionRepeat?: number;
  readonly scoreReturnedPlan?: boolean;
  readonly cost?: PlanCost;
}

/**
 * The search settings CEM and MPPI share, checked once: sampled sequences per iteration,
 * iterations, elites, the starting Gaussian, clipping, std floor, warm start, action repeat and the
 * cost. `reference` gives each planner's defaults; `minimumElites` is 2 for CEM (unbiased std).
 */
export abstract class SamplingPlanner {
  abstract readonly name: string;
  /** Action sequences sampled per iteration. */
  readonly samples: number;
  /** Refinement iterations per plan. */
  readonly iterations: number;
  /** Lowest-cost sequences the distribution is refitted to. */
  readonly elites: number;
  /** Starting mean of every action entry (unless warm-started). */
  readonly initialMean: number;
  /** Starting std of every action entry. */
  readonly initialStd: number;
  /** L2 bound each sampled per-step action is rescaled onto; null for none. */
  readonly maxActionNorm: number | null;
  /** Floor on the refitted std. */
  readonly minStd: number;
  /** Whether the search starts from `problem.initialPlan` when one is given. */
  readonly warmStart: boolean;
  /** Executed steps each sampled action is held for. */
  readonly actionRepeat: number;
  /** Whether a returned plan that was never rolled out is scored with one extra rollout. */
  readonly scoreReturnedPlan: boolean;
  /** The cost used when the problem brings none. */
  readonly cost: PlanCost;

  protected constructor(
    where: string,
    options: SamplingPlannerOptions,
    reference: Required<Pick<SamplingPlannerOptions, 'samples' | 'iterations' | 'elites' | 'initialMean' | 'initialStd' | 'maxActionNorm' | 'minStd' | 'warmStart'>>,
    limits: { readonly minimumSamples: number; readonly minimumElites: number; readonly elitesNote: string },
  ) {
    this.samples = checkInteger(where, 'samples', options.samples ?? reference.samples, limits.minimumSamples);
    this.iterations = checkInteger(where, 'iterations', options.iterations ?? reference.iterations, 1);
    this.elites = checkInteger(where, limits.elitesNote, options.elites ?? reference.elites, limits.minimumElites, this.samples);
    this.initialMean = checkFinite(where, 'initialMean', options.initialMean ?? reference.initialMean);
    this.initialStd = checkPositive(where, 'initialStd', options.initialStd ?? reference.initialStd);
    // `null` means no clipping, so only `undefined` takes the default.
    this.maxActionNorm = checkMaxNorm(where, 'maxActionNorm', options.maxActionNorm === undefined ? reference.maxActionNorm : options.maxActionNorm);
    this.minStd = checkNonNegative(where, 'minStd', options.minStd ?? reference.minStd);
    this.warmStart = options.warmStart ?? reference.warmStart;
    this.actionRepeat = checkInteger(where, 'actionRepeat', options.actionRepeat ?? 1, 1);
    this.scoreReturnedPlan = options.scoreReturnedPlan ?? true;
    this.cost = options.cost ?? latentDistanceCost();
  }
}
