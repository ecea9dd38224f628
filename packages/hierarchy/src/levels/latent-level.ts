import * as tf from '@tensorflow/tfjs';
import type { Planner, StateDict, WorldModel } from '@jepa/core';
import { GruActionPredictor } from '../model/gru-action-predictor.js';
import type { PlanningLevel } from '../planning/hierarchical-planner.js';

/** How a {@link LatentLevel} sums up the primitive actions of a window into its macro-action. */
export type MacroActionKind = 'sum' | 'mean';

/** Sizes and semantics of a {@link LatentLevel}. */
export interface LatentLevelOptions {
  /** Width `D` of the lower level's one-token latents `[S, 1, D]` (this level keeps it). */
  readonly latentDim: number;
  /** Size `A` of a primitive action. */
  readonly actionDim: number;
  /** Lower-level steps per step of this level. */
  readonly stepSkip: number;
  /**
   * The macro-action of a window: the `sum` of its primitive actions (the displacement it intends),
   * or their `mean` (a primitive action's scale, so the same action bounds fit). Default `sum`.
   */
  readonly macroAction?: MacroActionKind;
  /** Width of the predictor's linear action embedding. Default 32. */
  readonly actionEmbedDim?: number;
}

/**
 * A level above a trained world model (H-JEPA / HWM): its latent is the level below's latent at
 * every `stepSkip`-th step (the frozen lower encoder is its encoder, so it works over any lower
 * level whose states are one token `[S, 1, D]`, whatever encoder made them), and its predictor, a
 * GRU as eb_jepa's, steps that latent by one macro-action per window. It is a core `WorldModel`
 * over lower latents, so any planner plans with it, and {@link LatentLevel.planningLevel} stacks it
 * under a {@link HierarchicalPlanner}.
 *
 * Parameter names: `predictor.*` (see `GruActionPredictor`).
 */
export class LatentLevel implements WorldModel<tf.Tensor3D> {
  /** Width `D` of the latents, the level below's and its own. */
  readonly latentDim: number;
  readonly actionDim: number;
  /** Lower-level steps per step of this level. */
  readonly stepSkip: number;
  /** How a window's primitive actions become its macro-action. */
  readonly macroAction: MacroActionKind;
  /** Steps the latent by one macro-action (`predictor.*`). */
  readonly predictor: GruActionPredictor;

  /** @param options Sizes and macro-action; see {@link LatentLevelOptions}. */
  constructor(readonly options: LatentLevelOptions) {
    const where = 'LatentLevel';
    const { latentDim, actionDim, stepSkip } = options;
    for (const [name, value] of Object.entries({ latentDim, actionDim, stepSkip })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${String(value)}.`);
    }
    const macroAction = options.macroAction ?? 'sum';
    if (macroAction !== 'sum' && macroAction !== 'mean') throw new Error(`${where}: macroAction must be 'sum' or 'mean', got ${JSON.stringify(macroAction)}.`);
    this.latentDim = latentDim;
    this.actionDim = actionDim;
    this.stepSkip = stepSkip;
    this.macroAction = macroAction;
    this.predictor = new GruActionPredictor({ latentDim, actionDim, actionEmbedDim: options.actionEmbedDim ?? 32 });
  }

  /** The lower level's latents `[S, 1, D]` are this level's: a copy (the caller owns it). */
  encode(lower: tf.Tensor3D): tf.Tensor3D {
    const [, tokens, width] = lower.shape;
    if (lower.rank !== 3 || tokens !== 1 || width !== this.latentDim) {
      throw new Error(`LatentLevel.encode: expected lower-level latents [S, 1, ${this.latentDim}], got [${lower.shape.join(', ')}].`);
    }
    return tf.clone(lower);
  }

  /** `z0` `[S, 1, D]`, macro-actions `[S, H, A]` -> latents after each macro-step `[S, H, 1, D]`. */
  rollout(z0: tf.Tensor3D, macroActions: tf.Tensor3D): tf.Tensor4D {
    return this.predictor.rollout(z0, macroActions);
  }

  /** This level under a hierarchical planner, with its search and the macro-steps per plan. */
  planningLevel(planner: Planner, horizon: number): PlanningLevel {
    return { model: this, stepSkip: this.stepSkip, planner, horizon };
  }

  /** Trainable variables under their names (`predictor.gru.weight_ih`, ...). */
  trainableParameters(): Array<[string, tf.Variable]> {
    return this.predictor.trainableParameters('predictor.').map(([name, p]) => [name, p.variable] as [string, tf.Variable]);
  }

  /** The weights under `predictor.*` (PyTorch layout); the caller disposes them. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [key, tensor] of Object.entries(this.predictor.stateDict())) out[`predictor.${key}`] = tensor;
    return out;
  }

  /** Strict load of {@link stateDict}-style keys: every difference is listed and nothing is loaded on error. */
  loadStateDict(dict: StateDict, source?: string): void {
    const own: StateDict = {};
    const foreign = Object.keys(dict).filter((key) => !key.startsWith('predictor.'));
    if (foreign.length > 0) {
      throw new Error(`LatentLevel.loadStateDict${source ? ` (${source})` : ''}: unexpected keys ${foreign.join(', ')}; a level holds predictor.* only. Nothing was loaded.`);
    }
    for (const [key, tensor] of Object.entries(dict)) own[key.slice('predictor.'.length)] = tensor;
    this.predictor.loadStateDict(own, source);
  }

  /** Disposes the predictor (the lower encoder is not its own). */
  dispose(): void {
    this.predictor.dispose();
  }
}
