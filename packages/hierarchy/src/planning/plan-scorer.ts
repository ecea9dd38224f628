import * as tf from '@tensorflow/tfjs';
import type { Plan, PlanCost, PlanningProblem, WorldModel } from '@jepa/core';

/**
 * What sampling planners share: it checks a {@link PlanningProblem}, scores batches of action
 * sequences with one `model.rollout` call each while counting the planning compute, and packs the
 * result into a {@link Plan}. One scorer serves one `plan` call (its clock starts at construction).
 *
 * Shapes: `S` samples, `H` horizon, `N` tokens, `D` width, `A` action size.
 */
export class PlanScorer<Observation = tf.Tensor> {
  /** Actions per sequence (`H`). */
  readonly horizon: number;
  /** Values per action (`A`). */
  readonly actionDim: number;
  /** Executed steps each sampled action is held for (1: one decision per step, as the reference). */
  readonly actionRepeat: number;
  /** Sampled actions per sequence: `ceil(H / actionRepeat)`. */
  readonly decisions: number;
  /** Calls of `model.rollout` so far. */
  rolloutCalls = 0;
  /** Predicted latent steps so far (samples x horizon, summed over calls). */
  predictedSteps = 0;
  private readonly model: WorldModel<Observation>;
  private readonly start: tf.Tensor3D;
  private readonly goal: tf.Tensor3D;
  private readonly cost: PlanCost;
  private readonly initialPlan: Float32Array | undefined;
  private readonly startedAt = performance.now();

  constructor(private readonly plannerName: string, problem: PlanningProblem<Observation>, defaultCost: PlanCost, actionRepeat = 1) {
    const where = `${plannerName}.plan`;
    if (!Number.isInteger(actionRepeat) || actionRepeat < 1) throw new Error(`${where}: actionRepeat must be a positive integer, got ${String(actionRepeat)}.`);
    const { model, start, goal, horizon } = problem;
    if (!Number.isInteger(model.actionDim) || model.actionDim < 1) {
      throw new Error(`${where}: problem.model.actionDim must be a positive integer, got ${String(model.actionDim)}.`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new Error(`${where}: problem.horizon must be a positive integer (actions to plan), got ${String(horizon)}.`);
    }
    if (start.rank !== 3 || start.shape[0] !== 1) {
      throw new Error(`${where}: problem.start must be one latent state [1, N, D], got [${start.shape.join(', ')}]; encode a single observation.`);
    }
    if (goal.rank !== 3 || goal.shape.some((size, i) => size !== start.shape[i])) {
      throw new Error(`${where}: problem.goal must have the start's shape [${start.shape.join(', ')}], got [${goal.shape.join(', ')}].`);
    }
    const plan = problem.initialPlan;
    if (plan !== undefined && plan.length % model.actionDim !== 0) {
      throw new Error(`${where}: problem.initialPlan has ${plan.length} entries, not a whole number of ${model.actionDim}-entry actions ([H', A] row-major).`);
    }
    this.model = model;
    this.start = start;
    this.goal = goal;
    this.horizon = horizon;
    this.actionDim = model.actionDim;
    this.actionRepeat = actionRepeat;
    this.decisions = Math.ceil(horizon / actionRepeat);
    this.cost = problem.cost ?? defaultCost;
    this.initialPlan = plan;
  }

  /** Entries of one sampled action sequence: `ceil(H / actionRepeat) * A` (`H * A` without repeats). */
  get sequenceSize(): number {
    return this.decisions * this.actionDim;
  }

  /**
   * The sampling distribution's starting mean over the sampled actions: `value` everywhere, or,
   * with `warmStart` and a `problem.initialPlan` (executed-step actions `[H', A]`), that plan's
   * actions (every `actionRepeat`-th) followed by `value` where it is shorter.
   */
  initialMean(value: number, warmStart: boolean): Float64Array {
    const mean = new Float64Array(this.sequenceSize).fill(value);
    if (warmStart && this.initialPlan !== undefined) {
      const A = this.actionDim;
      const available = this.initialPlan.length / A;
      for (let d = 0; d < this.decisions && d * this.actionRepeat < available; d++) {
        for (let a = 0; a < A; a++) mean[d * A + a] = this.initialPlan[d * this.actionRepeat * A + a]!;
      }
    }
    return mean;
  }

  /** Sampled sequences `[S, ceil(H / k), A]` to executed-step sequences `[S, H, A]`, each action held `k` steps. */
  expand(decisions: ArrayLike<number>, samples: number): Float32Array {
    if (this.actionRepeat === 1) return decisions instanceof Float32Array ? decisions : Float32Array.from(decisions);
    const A = this.actionDim;
    const out = new Float32Array(samples * this.horizon * A);
    for (let s = 0; s < samples; s++) {
      for (let h = 0; h < this.horizon; h++) {
        const from = (s * this.decisions + Math.floor(h / this.actionRepeat)) * A;
        for (let a = 0; a < A; a++) out[(s * this.horizon + h) * A + a] = decisions[from + a]!;
      }
    }
    return out;
  }

  /**
   * Costs of `samples` sampled action sequences (`[S, ceil(H / k), A]` row-major; `[S, H, A]`
   * without repeats), from one `model.rollout` of the start state repeated `S` times over the
   * expanded `[S, H, A]` actions; every tensor made here is disposed.
   */
  score(sampled: Float32Array, samples: number): Float64Array {
    if (sampled.length !== samples * this.sequenceSize) {
      throw new Error(`${this.plannerName}: ${sampled.length} action entries for ${samples} sequences of [${this.decisions}, ${this.actionDim}].`);
    }
    const actions = this.expand(sampled, samples);
    let costs: Float64Array | undefined;
    tf.tidy(() => {
      const z0 = samples === 1 ? this.start : tf.tile(this.start, [samples, 1, 1]);
      const actionTensor = tf.tensor3d(actions, [samples, this.horizon, this.actionDim]);
      const predicted = this.model.rollout(z0 as tf.Tensor3D, actionTensor);
      const [, tokens, width] = this.start.shape;
      const expected = [samples, this.horizon, tokens, width];
      if (predicted.rank !== 4 || predicted.shape.some((size, i) => size !== expected[i])) {
        throw new Error(`${this.plannerName}: model.rollout returned [${predicted.shape.join(', ')}] for start [${samples}, ${tokens}, ${width}] and actions [${samples}, ${this.horizon}, ${this.actionDim}]; a WorldModel must return [S, H, N, D] = [${expected.join(', ')}].`);
      }
      const cost = this.cost(predicted, this.goal, this.start);
      if (cost.rank !== 1 || cost.shape[0] !== samples) {
        throw new Error(`${this.plannerName}: the plan cost returned [${cost.shape.join(', ')}] for ${samples} samples; a PlanCost must return one cost per sample, [S].`);
      }
      costs = Float64Array.from(cost.dataSync());
    });
    this.rolloutCalls += 1;
    this.predictedSteps += samples * this.horizon;
    return costs!;
  }

  /** The plan (sampled actions, expanded to `[H, A]`) with its cost and the compute spent since construction. */
  finish(sampled: ArrayLike<number>, cost: number): Plan {
    return {
      actions: Float32Array.from(this.expand(sampled, 1)),
      horizon: this.horizon,
      actionDim: this.actionDim,
      cost,
      rolloutCalls: this.rolloutCalls,
      predictedSteps: this.predictedSteps,
      seconds: (performance.now() - this.startedAt) / 1000,
    };
  }
}
