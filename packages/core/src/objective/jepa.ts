import * as tf from '@tensorflow/tfjs';
import { applyMasks, repeatInterleaveBatch } from '../masks/apply-masks.js';
import { layerNorm } from '../nn/layer-norm.js';
import type { Module } from '../nn/module.js';
import type { AdamW } from '../optim/adamw.js';
import { emaUpdate } from '../optim/ema.js';
import type { Encoder, Predictor, TokenIndex } from '../model/contracts.js';
import { clipGradientsPerModule, globalNorm } from './gradient-clipping.js';
import { LOSSES, type LossName, type RegressionLoss } from './losses.js';

/** The context and target index sets of one mask generator for one batch. */
export interface MaskSet {
  /** Each `[B, Kc]` int32. */
  readonly context: TokenIndex[];
  /** Each `[B, Kt]` int32. */
  readonly target: TokenIndex[];
}

/** What {@link Jepa} is made of. It knows nothing about pixels. */
export interface JepaParts<Input> {
  readonly contextEncoder: Encoder<Input> & Module;
  readonly targetEncoder: Encoder<Input> & Module;
  readonly predictor: Predictor & Module;
  /** `smooth_l1` (I-JEPA, default), `l1` (V-JEPA) or a custom loss. */
  readonly loss?: LossName | RegressionLoss;
  /** Epsilon of the parameter-free layer norm on targets (`F.layer_norm` default: 1e-5). */
  readonly targetNormEps?: number;
}

/** Hyper-parameters of one update. */
export interface StepHyperParameters {
  readonly lr: number;
  readonly weightDecay: number;
  /** EMA momentum for the target encoder after the update. */
  readonly momentum: number;
  /**
   * Clip the gradient norm of the context encoder and of the predictor, each to this value (the
   * official V-JEPA clips the two modules separately); off when undefined.
   */
  readonly clipGradNorm?: number;
}

/** Every intermediate of one forward pass, per mask generator. */
export interface JepaForward {
  /** `[B, N, D]` target encoder output before the layer norm. */
  readonly targetFull: tf.Tensor3D;
  readonly perGenerator: ReadonlyArray<{
    readonly context: tf.Tensor3D;
    readonly prediction: tf.Tensor3D;
    readonly target: tf.Tensor3D;
    readonly loss: tf.Scalar;
  }>;
  /** Mean over generators. */
  readonly loss: tf.Scalar;
}

/**
 * The JEPA objective: an EMA target encoder gives layer-normed token targets from the full input;
 * the context encoder sees only context tokens; the predictor predicts the target tokens; the loss
 * compares them in representation space. With several mask generators (V-JEPA) each gets its own
 * context pass and predictor mask token, and the losses are averaged.
 */
export class Jepa<Input> {
  readonly contextEncoder: Encoder<Input> & Module;
  readonly targetEncoder: Encoder<Input> & Module;
  readonly predictor: Predictor & Module;
  readonly lossFn: RegressionLoss;
  readonly targetNormEps: number;

  constructor(parts: JepaParts<Input>) {
    this.contextEncoder = parts.contextEncoder;
    this.targetEncoder = parts.targetEncoder;
    this.predictor = parts.predictor;
    this.lossFn = typeof parts.loss === 'function' ? parts.loss : LOSSES[parts.loss ?? 'smooth_l1'];
    this.targetNormEps = parts.targetNormEps ?? 1e-5;
    if (this.contextEncoder === this.targetEncoder) {
      throw new Error('Jepa: the context and target encoders must be two modules (the target follows by EMA); build a second encoder and copy the weights.');
    }
  }

  /** Trainable parameters under `encoder.` and `predictor.` (the official checkpoint names). */
  trainableParameters(): Array<[string, tf.Variable]> {
    return [
      ...this.contextEncoder.trainableParameters('encoder.'),
      ...this.predictor.trainableParameters('predictor.'),
    ].map(([name, p]) => [name, p.variable] as [string, tf.Variable]);
  }

  /** Layer-normed target encoder tokens `[B, N, D]` (no gradient needed). */
  targets(input: Input): { full: tf.Tensor3D; normed: tf.Tensor3D } {
    return tf.tidy(() => {
      const full = this.targetEncoder.encode(input);
      return { full, normed: layerNorm(full, this.targetNormEps) as tf.Tensor3D };
    });
  }

  /** Targets of one generator: `[B * target.length * context.length, Kt, D]`, aligned with the predictions. */
  private gatherTargets(normed: tf.Tensor3D, masks: MaskSet): tf.Tensor3D {
    const batch = normed.shape[0];
    return repeatInterleaveBatch(applyMasks(normed, masks.target), batch, masks.context.length);
  }

  private generatorLoss(input: Input, normed: tf.Tensor3D, masks: MaskSet, index: number, many: boolean) {
    const context = this.contextEncoder.encode(input, masks.context);
    const prediction = this.predictor.predict(context, masks.context, masks.target, many ? { maskTokenIndex: index } : undefined);
    const target = this.gatherTargets(normed, masks);
    return { context, prediction, target, loss: this.lossFn(prediction, target) };
  }

  /** Full forward pass with every intermediate (for tests, diagnostics and evaluation). */
  forward(input: Input, masks: MaskSet | readonly MaskSet[]): JepaForward {
    const sets = Array.isArray(masks) ? (masks as readonly MaskSet[]) : [masks as MaskSet];
    const result = tf.tidy(() => {
      const { full, normed } = this.targets(input);
      const perGenerator = sets.map((m, i) => this.generatorLoss(input, normed, m, i, sets.length > 1));
      const loss = tf.div(tf.addN(perGenerator.map((g) => g.loss)), sets.length) as tf.Scalar;
      return { targetFull: full, perGenerator, loss } as unknown as tf.TensorContainer;
    });
    return result as unknown as JepaForward;
  }

  /**
   * Loss and gradients of the trainable parameters (by name), targets computed without a tape.
   * The caller disposes the returned tensors.
   */
  lossAndGradients(input: Input, masks: MaskSet | readonly MaskSet[]): { loss: tf.Scalar; grads: Record<string, tf.Tensor> } {
    const sets = Array.isArray(masks) ? (masks as readonly MaskSet[]) : [masks as MaskSet];
    const named = this.trainableParameters();
    const normed = tf.tidy(() => this.targets(input).normed);
    try {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const losses = sets.map((m, i) => this.generatorLoss(input, normed, m, i, sets.length > 1).loss);
        return tf.div(tf.addN(losses), sets.length) as tf.Scalar;
      }), named.map(([, v]) => v));
      const byName: Record<string, tf.Tensor> = {};
      for (const [name, v] of named) {
        const g = grads[v.name];
        if (g) byName[name] = g;
      }
      return { loss: value, grads: byName };
    } finally {
      normed.dispose();
    }
  }

  /**
   * One training update: gradients, optional clipping, AdamW on the context encoder and predictor,
   * then EMA of the context encoder into the target encoder. Returns the loss (read back).
   */
  step(input: Input, masks: MaskSet | readonly MaskSet[], optimizer: AdamW, hyper: StepHyperParameters): { loss: number; gradNorm: number } {
    const { loss, grads } = this.lossAndGradients(input, masks);
    try {
      const gradNorm = globalNorm(Object.values(grads));
      const lossValue = loss.dataSync()[0]!;
      if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
        throw new NonFiniteLossError(lossValue, gradNorm);
      }
      if (hyper.clipGradNorm !== undefined) clipGradientsPerModule(grads, hyper.clipGradNorm);
      optimizer.step(grads, hyper.lr, hyper.weightDecay);
      emaUpdate(this.targetEncoder, this.contextEncoder, hyper.momentum);
      return { loss: lossValue, gradNorm };
    } finally {
      loss.dispose();
      for (const g of Object.values(grads)) g.dispose();
    }
  }
}


/** Thrown before an update whose loss or gradients are NaN or infinite; no weight was changed. */
export class NonFiniteLossError extends Error {
  constructor(readonly loss: number, readonly gradNorm: number) {
    super(`Non-finite training signal (loss ${loss}, gradient norm ${gradNorm}); the update was skipped and the weights are unchanged. Lower the learning rate, enable gradient clipping, or check the input data for NaN.`);
    this.name = 'NonFiniteLossError';
  }
}
