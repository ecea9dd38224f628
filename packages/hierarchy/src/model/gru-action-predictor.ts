import * as tf from '@tensorflow/tfjs';
import { GruCell, LayerNorm, Linear, Module, type TokenIndex } from '@jepa/core';
import type { ActionCondition, ActionPredictor } from './action-predictor.js';
import { checkActions, predictFromRollout } from './rollout-targets.js';

/** Sizes of a {@link GruActionPredictor}. */
export interface GruActionPredictorOptions {
  /** Width `D` of the latent states (the GRU's hidden size). */
  readonly latentDim: number;
  /** Size `A` of an action. */
  readonly actionDim: number;
  /**
   * Width of a linear action embedding fed to the GRU; default none: the raw action is the GRU's
   * input, as eb_jepa (`action_encoder = Identity`).
   */
  readonly actionEmbedDim?: number;
}

/**
 * eb_jepa's recurrent predictor (`RNNPredictor`): the latent state is the GRU's hidden state and
 * the action its input, `z' = LayerNorm(GRUCell(a, z))`. One difference: the LayerNorm is the
 * predictor's own (eb_jepa shares the encoder's final LayerNorm module); both start as identity
 * affines and keep predictions on the same normalised scale as encodings.
 *
 * Parameter names: `action_embed.*` (when used), `gru.weight_ih`, `gru.weight_hh`, `gru.bias_ih`,
 * `gru.bias_hh`, `norm.weight`, `norm.bias`. Shape legend: `B` batch, `H` horizon, `D` width, `A`
 * action size.
 */
export class GruActionPredictor extends Module implements ActionPredictor {
  readonly latentDim: number;
  readonly actionDim: number;
  /** Linear action embedding (`action_embed`), or null when the raw action is the GRU's input. */
  readonly actionEmbed: Linear | null;
  /** The recurrent cell; its hidden state is the latent state (`gru.*`). */
  readonly gru: GruCell;
  /** LayerNorm applied to each new state (`norm`). */
  readonly norm: LayerNorm;

  /** @param options Sizes; see {@link GruActionPredictorOptions}. */
  constructor(readonly options: GruActionPredictorOptions) {
    super();
    const { latentDim, actionDim, actionEmbedDim } = options;
    for (const [name, value] of Object.entries({ latentDim, actionDim, ...(actionEmbedDim !== undefined ? { actionEmbedDim } : {}) })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`GruActionPredictor: ${name} must be a positive integer, got ${value}.`);
    }
    this.latentDim = latentDim;
    this.actionDim = actionDim;
    this.actionEmbed = actionEmbedDim === undefined ? null : this.addModule('action_embed', new Linear(actionDim, actionEmbedDim));
    this.gru = this.addModule('gru', new GruCell(actionEmbedDim ?? actionDim, latentDim));
    this.norm = this.addModule('norm', new LayerNorm(latentDim, 1e-5));
  }

  /** One step: `[B, D]` states and `[B, A]` actions to the next states `[B, D]`. */
  step(z: tf.Tensor2D, action: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const input = this.actionEmbed ? this.actionEmbed.apply(action) : action;
      return this.norm.apply(this.gru.apply(input, z));
    });
  }

  rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D {
    const [batch, tokens, width] = z0.shape;
    if (tokens !== 1 || width !== this.latentDim) {
      throw new Error(`GruActionPredictor.rollout: expected start states [B, 1, ${this.latentDim}], got [${z0.shape.join(', ')}].`);
    }
    checkActions(actions, batch, this.actionDim, 'GruActionPredictor.rollout');
    const horizon = actions.shape[1];
    return tf.tidy(() => {
      let z = tf.reshape(z0, [batch, width]) as tf.Tensor2D;
      const steps = tf.unstack(actions, 1) as tf.Tensor2D[];
      const states: tf.Tensor2D[] = [];
      for (let h = 0; h < horizon; h++) {
        z = this.step(z, steps[h]!);
        states.push(z);
      }
      return tf.reshape(tf.stack(states, 1), [batch, horizon, 1, width]) as tf.Tensor4D;
    });
  }

  /**
   * The core predictor contract over the time grid: the state of one context frame per sample is
   * rolled forward with `condition.actions` to every target frame. `contextIndex` is one set `[B, 1]`
   * (the start frame); `targetIndex` one set `[B, Kt]` of later frames.
   * @returns `[B, Kt, D]`
   */
  predict(context: tf.Tensor3D, contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: ActionCondition): tf.Tensor3D {
    return predictFromRollout(this, context, contextIndex, targetIndex, condition, 'GruActionPredictor.predict');
  }
}
