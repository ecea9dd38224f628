import * as tf from '@tensorflow/tfjs';
import { loadPrefixedStrict, type Encoder, type Module, type StateDict, type WorldModel } from '@jepa/core';
import type { ActionPredictor } from './action-predictor.js';
import type { InverseDynamicsModel } from './inverse-dynamics-model.js';

/** The modules of an {@link ActionConditionedWorldModel}. */
export interface WorldModelParts {
  /** Frames `[B, H, W, C]` to latent states `[B, 1, D]` (any core `Encoder` with one token per frame). */
  readonly encoder: Encoder<tf.Tensor4D> & Module;
  /** Predicts the next latent state from the current one and an action. */
  readonly predictor: ActionPredictor;
  /** Trained with the world model to keep its latents informative about actions (eb_jepa); not used to plan. */
  readonly inverseDynamics?: InverseDynamicsModel;
}

/** Frames for {@link ActionConditionedWorldModel.encode}: a tensor `[S, H, W, C]`, or the same values flat in a `Float32Array`. */
export type FrameObservation = tf.Tensor4D | Float32Array;

/**
 * A JEPA world model: an encoder of frames and an action-conditioned predictor of the next latent
 * state, as the core `WorldModel` (what planners use), with checkpoint-style state under the names
 * `encoder.*`, `predictor.*` and `inverse_dynamics.*`.
 *
 * Shape legend: `S` samples, `H` horizon, `D` latent width, `A` action size.
 */
export class ActionConditionedWorldModel implements WorldModel<FrameObservation> {
  /** Frames to latent states `[S, 1, D]`. */
  readonly encoder: Encoder<tf.Tensor4D> & Module;
  /** The action-conditioned predictor that rollouts step. */
  readonly predictor: ActionPredictor;
  /** The inverse dynamics model trained alongside, if any. */
  readonly inverseDynamics: InverseDynamicsModel | undefined;
  readonly actionDim: number;
  /** Width `D` of a latent state. */
  readonly latentDim: number;

  constructor(parts: WorldModelParts) {
    this.encoder = parts.encoder;
    this.predictor = parts.predictor;
    this.inverseDynamics = parts.inverseDynamics;
    if (this.encoder.embedDim !== this.predictor.latentDim) {
      throw new Error(`ActionConditionedWorldModel: the encoder gives ${this.encoder.embedDim}-wide latents but the predictor reads ${this.predictor.latentDim}; build them with one latent width.`);
    }
    this.actionDim = this.predictor.actionDim;
    this.latentDim = this.predictor.latentDim;
  }

  /**
   * @param frames `[S, H, W, C]` as a tensor, or flat in a `Float32Array` (S whole frames of the
   *   encoder's size; the tensor made from it is disposed here)
   * @returns `[S, 1, D]`
   */
  encode(frames: FrameObservation): tf.Tensor3D {
    if (!(frames instanceof Float32Array)) return this.encoder.encode(frames);
    const [height, width, channels] = this.frameShape();
    const perFrame = height * width * channels;
    if (frames.length === 0 || frames.length % perFrame !== 0) {
      throw new Error(`ActionConditionedWorldModel.encode: ${frames.length} values are not whole ${height} x ${width} x ${channels} frames.`);
    }
    return tf.tidy(() => this.encoder.encode(tf.tensor4d(frames, [frames.length / perFrame, height, width, channels])));
  }

  /** `[H, W, C]` of the frames the encoder takes (from its options when it has `imageSize` and `inChannels`). */
  frameShape(): [number, number, number] {
    const options = (this.encoder as unknown as { options?: { imageSize?: number; inChannels?: number } }).options;
    if (!options?.imageSize || !options.inChannels) throw new Error('ActionConditionedWorldModel: the encoder does not say its frame size (options.imageSize, options.inChannels); pass frames as a tensor.');
    return [options.imageSize, options.imageSize, options.inChannels];
  }

  /** @param z0 `[S, 1, D]` @param actions `[S, H, A]` @returns `[S, H, 1, D]` */
  rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D {
    return this.predictor.rollout(z0, actions);
  }

  /** The modules by their checkpoint prefixes. */
  modules(): Record<string, Module> {
    return { encoder: this.encoder, predictor: this.predictor, ...(this.inverseDynamics ? { inverse_dynamics: this.inverseDynamics } : {}) };
  }

  /** Trainable variables under their prefixed names (`encoder.stages.0.proj.weight`, ...). */
  trainableParameters(): Array<[string, tf.Variable]> {
    return Object.entries(this.modules()).flatMap(([prefix, module]) => module.trainableParameters(`${prefix}.`).map(([name, p]) => [name, p.variable] as [string, tf.Variable]));
  }

  /** All weights with their module prefixes (PyTorch layout); the caller disposes them. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [prefix, module] of Object.entries(this.modules())) {
      for (const [key, tensor] of Object.entries(module.stateDict())) out[`${prefix}.${key}`] = tensor;
    }
    return out;
  }

  /** Strict load of {@link stateDict}-style keys: every difference is listed and nothing is loaded on error. */
  loadStateDict(dict: StateDict, source?: string): void {
    loadPrefixedStrict(this.modules(), dict, source);
  }

  /** Disposes the encoder, the predictor and the inverse dynamics model. */
  dispose(): void {
    for (const module of Object.values(this.modules())) module.dispose();
  }
}
