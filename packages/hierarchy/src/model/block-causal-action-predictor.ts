import * as tf from '@tensorflow/tfjs';
import { blockCausalMask, LayerNorm, Linear, Module, ModuleList, sincos1d, TransformerBlock, type TokenIndex } from '@jepa/core';
import type { ActionCondition, ActionPredictor } from './action-predictor.js';
import { checkActions, predictFromRollout } from './rollout-targets.js';

/** Sizes of a {@link BlockCausalActionPredictor}. */
export interface BlockCausalActionPredictorOptions {
  /** Width `D` of the latent states it reads and predicts. */
  readonly latentDim: number;
  /** Size `A` of an action. */
  readonly actionDim: number;
  /** Its own width `W`. Default 128. */
  readonly width?: number;
  /** Transformer blocks. Default 2. */
  readonly depth?: number;
  /** Attention heads; must divide `width`. Default 4. */
  readonly numHeads?: number;
  /** Longest sequence of frames it reads (size of its fixed sin-cos time table). Default 128. */
  readonly maxFrames?: number;
}

/**
 * An action-conditioned transformer predictor in the manner of V-JEPA 2-AC: every time step `t`
 * contributes two tokens, the embedded action `a_t` and the embedded state `z_t` (both plus a fixed
 * sin-cos embedding of `t`), and attention is block-causal over time (a token sees the tokens of
 * its own and earlier steps). The output at the state token of step `t` predicts `z_{t+1}`. Trained
 * teacher-forced in one pass ({@link predictNext}); rolled out autoregressively (one pass per step,
 * so a rollout of `H` steps costs `O(H^2)` tokens; the GRU predictor costs `O(H)`).
 *
 * Shape legend: `B` batch, `T` frames, `H` horizon, `D` latent width, `W` width, `A` action size.
 */
export class BlockCausalActionPredictor extends Module implements ActionPredictor {
  readonly latentDim: number;
  readonly actionDim: number;
  /** Its own token width `W`. */
  readonly width: number;
  /** Longest frame sequence it reads (rows of `timeEmbed`). */
  readonly maxFrames: number;
  /** Latent state to a token: `D -> W` (`state_embed`). */
  readonly stateEmbed: Linear;
  /** Action to a token: `A -> W` (`action_embed`). */
  readonly actionEmbed: Linear;
  /** Fixed sin-cos time table `[maxFrames, W]` (`time_embed`; saved, never trained). */
  readonly timeEmbed: tf.Variable;
  /** The transformer blocks, run under a block-causal mask (`blocks.i`). */
  readonly blocks: ModuleList<TransformerBlock>;
  /** LayerNorm after the blocks (`norm`). */
  readonly norm: LayerNorm;
  /** Output token to a latent state: `W -> D` (`proj`). */
  readonly proj: Linear;
  /** LayerNorm of the predicted latent state (`out_norm`, eps 1e-5). */
  readonly outNorm: LayerNorm;

  /** @param options Sizes; see {@link BlockCausalActionPredictorOptions}. */
  constructor(readonly options: BlockCausalActionPredictorOptions) {
    super();
    const width = options.width ?? 128;
    const depth = options.depth ?? 2;
    const numHeads = options.numHeads ?? 4;
    const maxFrames = options.maxFrames ?? 128;
    const { latentDim, actionDim } = options;
    for (const [name, value] of Object.entries({ latentDim, actionDim, width, depth, numHeads, maxFrames })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`BlockCausalActionPredictor: ${name} must be a positive integer, got ${value}.`);
    }
    if (width % numHeads !== 0 || width % 2 !== 0) {
      throw new Error(`BlockCausalActionPredictor: width ${width} must be even and divisible by its ${numHeads} heads; change width or numHeads.`);
    }
    this.latentDim = latentDim;
    this.actionDim = actionDim;
    this.width = width;
    this.maxFrames = maxFrames;
    this.stateEmbed = this.addModule('state_embed', new Linear(latentDim, width));
    this.actionEmbed = this.addModule('action_embed', new Linear(actionDim, width));
    const times = Array.from({ length: maxFrames }, (_, t) => t);
    this.timeEmbed = this.addParameter('time_embed', tf.tensor2d(sincos1d(width, times), [maxFrames, width]), undefined, false);
    this.blocks = this.addModule('blocks', new ModuleList(Array.from({ length: depth }, () => new TransformerBlock({ dim: width, numHeads }))));
    this.norm = this.addModule('norm', new LayerNorm(width));
    this.proj = this.addModule('proj', new Linear(width, latentDim));
    this.outNorm = this.addModule('out_norm', new LayerNorm(latentDim, 1e-5));
  }

  /**
   * Teacher-forced predictions: from states `z_0 .. z_{T-1}` and actions `a_0 .. a_{T-1}`, the
   * predictions of `z_1 .. z_T`, each seeing only earlier steps.
   * @param states `[B, T, D]` @param actions `[B, T, A]` @returns `[B, T, D]`
   */
  predictNext(states: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor3D {
    const [batch, frames, dim] = states.shape;
    if (dim !== this.latentDim) throw new Error(`BlockCausalActionPredictor: expected states [B, T, ${this.latentDim}], got [${states.shape.join(', ')}].`);
    if (frames > this.maxFrames) throw new Error(`BlockCausalActionPredictor: ${frames} frames exceed maxFrames ${this.maxFrames}; build it with a larger maxFrames.`);
    checkActions(actions, batch, this.actionDim, 'BlockCausalActionPredictor.predictNext');
    if (actions.shape[1] !== frames) throw new Error(`BlockCausalActionPredictor: ${frames} states need ${frames} actions, got ${actions.shape[1]}.`);
    return tf.tidy(() => {
      const time = tf.slice(this.timeEmbed, [0, 0], [frames, this.width]);
      const actionTokens = tf.add(this.actionEmbed.apply(actions), time);
      const stateTokens = tf.add(this.stateEmbed.apply(states), time);
      // [B, T, 2, W] -> [B, 2T, W]: block t is (action t, state t).
      let x = tf.reshape(tf.stack([actionTokens, stateTokens], 2), [batch, 2 * frames, this.width]) as tf.Tensor3D;
      const mask = blockCausalMask(frames, 2);
      for (const block of this.blocks.items) x = block.apply(x, mask);
      x = this.norm.apply(x);
      const stateOutputs = tf.reshape(tf.slice(tf.reshape(x, [batch, frames, 2, this.width]), [0, 0, 1, 0], [-1, -1, 1, -1]), [batch, frames, this.width]);
      return this.outNorm.apply(this.proj.apply(stateOutputs)) as tf.Tensor3D;
    });
  }

  rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D {
    const [batch, tokens, width] = z0.shape;
    if (tokens !== 1 || width !== this.latentDim) {
      throw new Error(`BlockCausalActionPredictor.rollout: expected start states [B, 1, ${this.latentDim}], got [${z0.shape.join(', ')}].`);
    }
    checkActions(actions, batch, this.actionDim, 'BlockCausalActionPredictor.rollout');
    const horizon = actions.shape[1];
    return tf.tidy(() => {
      let states = z0;
      for (let h = 0; h < horizon; h++) {
        const next = tf.slice(this.predictNext(states, tf.slice(actions, [0, 0, 0], [-1, h + 1, -1]) as tf.Tensor3D), [0, h, 0], [-1, 1, -1]);
        states = tf.concat([states, next], 1) as tf.Tensor3D;
      }
      return tf.reshape(tf.slice(states, [0, 1, 0], [-1, horizon, -1]), [batch, horizon, 1, width]) as tf.Tensor4D;
    });
  }

  /** The core predictor contract over the time grid, as {@link GruActionPredictor.predict}. */
  predict(context: tf.Tensor3D, contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: ActionCondition): tf.Tensor3D {
    return predictFromRollout(this, context, contextIndex, targetIndex, condition, 'BlockCausalActionPredictor.predict');
  }
}
