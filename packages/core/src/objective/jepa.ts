import * as tf from '@tensorflow/tfjs';
import { applyMasks, repeatInterleaveBatch } from '../masks/apply-masks.js';
import type { Encoder, Predictor, TokenIndex } from '../model/contracts.js';
import { layerNorm } from '../nn/layer-norm.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { guardedUpdate, namedGradients, type GuardedUpdateResult, type UpdateHyperParameters } from './guarded-update.js';
import { LOSSES, type LossName, type RegressionLoss } from './losses.js';
import { TARGET_UPDATES, type TargetUpdate, type TargetUpdateHyperParameters, type TargetUpdateName } from './target-update.js';

export { NonFiniteLossError } from './guarded-update.js';

/**
 * The context and target index sets of one mask generator for one batch, and optionally the
 * predictor condition that goes with them. A plain `MaskSet` (`Condition = never`) carries none
 * and fits a `Jepa` of any condition.
 */
export interface MaskSet<Condition = never> {
  /** Each `[B, Kc]` int32. */
  readonly context: TokenIndex[];
  /** Each `[B, Kt]` int32. */
  readonly target: TokenIndex[];
  /**
   * Passed to the predictor with these index sets (e.g. `{ maskTokenIndex: 1 }` for the JEPA
   * predictor). When absent, the Jepa's `conditionForGenerator` decides; without that, none.
   */
  readonly condition?: Condition;
}

/** What {@link Jepa} is made of. It knows nothing about pixels, nor about what the condition holds. */
export interface JepaParts<Input, Condition = undefined> {
  /** The encoder that sees only the context tokens; trained by the gradients. */
  readonly contextEncoder: Encoder<Input> & Module;
  /**
   * The encoder that sees the full input and gives the targets; must be a different module from the context
   * encoder.
   */
  readonly targetEncoder: Encoder<Input> & Module;
  /** Predicts the target tokens from the context tokens. */
  readonly predictor: Predictor<Condition> & Module;
  /** `smooth_l1` (I-JEPA, default), `l1` (V-JEPA) or a custom loss. */
  readonly loss?: LossName | RegressionLoss;
  /** Epsilon of the parameter-free layer norm on targets (`F.layer_norm` default: 1e-5). */
  readonly targetNormEps?: number;
  /**
   * The predictor condition of mask generator `generator` (its index in the list of `MaskSet`s)
   * when its `MaskSet` carries none. Default: none. V-JEPA passes `maskTokenPerGenerator` so
   * each generator has its own mask token.
   */
  readonly conditionForGenerator?: (generator: number) => Condition | undefined;
  /**
   * How the target encoder follows after each update: `ema` (official, default; needs
   * `momentum` in every step's hyper-parameters), `frozen` (never changes) or a custom
   * {@link TargetUpdate}.
   */
  readonly targetUpdate?: TargetUpdateName | TargetUpdate;
}

/**
 * Hyper-parameters of one update with the default EMA target (what the schedules give).
 * `Jepa.step` also takes them without `momentum` when its target update needs none (`frozen`).
 */
export interface StepHyperParameters extends UpdateHyperParameters {
  /** EMA momentum for the target encoder after the update. */
  readonly momentum: number;
}

/** Every intermediate of one forward pass, per mask generator. */
export interface JepaForward {
  /** `[B, N, D]` target encoder output before the layer norm. */
  readonly targetFull: tf.Tensor3D;
  /** One entry per mask generator, in the order of the `MaskSet`s. */
  readonly perGenerator: ReadonlyArray<{
    /** `[B * context.length, Kc, D]` context encoder output. */
    readonly context: tf.Tensor3D;
    /** `[B * target.length * context.length, Kt, D]` predicted target tokens. */
    readonly prediction: tf.Tensor3D;
    /** The layer-normed targets gathered in the predictions' order (same shape). */
    readonly target: tf.Tensor3D;
    /** The loss of this generator. */
    readonly loss: tf.Scalar;
  }>;
  /** Mean over generators. */
  readonly loss: tf.Scalar;
}

/**
 * The JEPA objective: a target encoder gives layer-normed token targets from the full input; the
 * context encoder sees only context tokens; the predictor predicts the target tokens; the loss
 * compares them in representation space. With several mask generators (V-JEPA) each gets its own
 * context pass and predictor condition, and the losses are averaged. After each update the target
 * encoder follows the context encoder by EMA (official), or stays frozen, or as `targetUpdate` says.
 *
 * `Condition` is the predictor's (`undefined` for predictors that take none); the objective passes
 * it through without reading it.
 */
export class Jepa<Input, Condition = undefined> {
  /** The encoder that sees only the context tokens (checkpoint prefix `encoder.`). */
  readonly contextEncoder: Encoder<Input> & Module;
  /** The encoder that gives the targets (checkpoint prefix `target_encoder.`). */
  readonly targetEncoder: Encoder<Input> & Module;
  /** Predicts the target tokens (checkpoint prefix `predictor.`). */
  readonly predictor: Predictor<Condition> & Module;
  /** The regression loss between predictions and targets. */
  readonly lossFn: RegressionLoss;
  /** Epsilon of the parameter-free layer norm on the targets. */
  readonly targetNormEps: number;
  /** How the target encoder follows after each update. */
  readonly targetUpdate: TargetUpdate;
  /** The predictor condition of a mask generator whose `MaskSet` carries none. */
  readonly conditionForGenerator?: (generator: number) => Condition | undefined;

  constructor(parts: JepaParts<Input, Condition>) {
    this.contextEncoder = parts.contextEncoder;
    this.targetEncoder = parts.targetEncoder;
    this.predictor = parts.predictor;
    this.lossFn = typeof parts.loss === 'function' ? parts.loss : LOSSES[parts.loss ?? 'smooth_l1'];
    this.targetNormEps = parts.targetNormEps ?? 1e-5;
    this.conditionForGenerator = parts.conditionForGenerator;
    const update = parts.targetUpdate ?? 'ema';
    if (typeof update === 'string') {
      if (!Object.hasOwn(TARGET_UPDATES, update)) {
        throw new Error(`Jepa: unknown targetUpdate '${update}'; use ${Object.keys(TARGET_UPDATES).map((k) => `'${k}'`).join(' or ')}, or pass a TargetUpdate object.`);
      }
      this.targetUpdate = TARGET_UPDATES[update];
    } else {
      if (typeof update?.update !== 'function') throw new Error('Jepa: targetUpdate must be \'ema\', \'frozen\' or an object with update(target, online, hyper).');
      this.targetUpdate = update;
    }
    if (this.contextEncoder === this.targetEncoder) {
      throw new Error('Jepa: the context and target encoders must be two modules (the context encoder is trained, the target follows by EMA or stays frozen); build a second encoder and copy the weights.');
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
  targets(input: Input): {
    /** `[B, N, D]` target encoder output before the layer norm. */
    full: tf.Tensor3D;
    /** `[B, N, D]` the same after the parameter-free layer norm: what the predictor predicts. */
    normed: tf.Tensor3D;
  } {
    return tf.tidy(() => {
      const full = this.targetEncoder.encode(input);
      return { full, normed: layerNorm(full, this.targetNormEps) as tf.Tensor3D };
    });
  }

  /** Targets of one generator: `[B * target.length * context.length, Kt, D]`, aligned with the predictions. */
  private gatherTargets(normed: tf.Tensor3D, masks: MaskSet<Condition>): tf.Tensor3D {
    const batch = normed.shape[0];
    return repeatInterleaveBatch(applyMasks(normed, masks.target), batch, masks.context.length);
  }

  private generatorLoss(input: Input, normed: tf.Tensor3D, masks: MaskSet<Condition>, generator: number) {
    const condition = masks.condition ?? this.conditionForGenerator?.(generator);
    const context = this.contextEncoder.encode(input, masks.context);
    const prediction = this.predictor.predict(context, masks.context, masks.target, condition);
    const target = this.gatherTargets(normed, masks);
    return { context, prediction, target, loss: this.lossFn(prediction, target) };
  }

  /** Mean loss over the generators, from precomputed layer-normed targets. */
  private meanLoss(input: Input, normed: tf.Tensor3D, sets: readonly MaskSet<Condition>[]): tf.Scalar {
    const losses = sets.map((m, i) => this.generatorLoss(input, normed, m, i).loss);
    return tf.div(tf.addN(losses), sets.length) as tf.Scalar;
  }

  /** Full forward pass with every intermediate (for tests, diagnostics and evaluation). */
  forward(input: Input, masks: MaskSet<Condition> | readonly MaskSet<Condition>[]): JepaForward {
    const sets = asList(masks);
    const result = tf.tidy(() => {
      const { full, normed } = this.targets(input);
      const perGenerator = sets.map((m, i) => this.generatorLoss(input, normed, m, i));
      const loss = tf.div(tf.addN(perGenerator.map((g) => g.loss)), sets.length) as tf.Scalar;
      return { targetFull: full, perGenerator, loss } as unknown as tf.TensorContainer;
    });
    return result as unknown as JepaForward;
  }

  /**
   * Loss and gradients of the trainable parameters (by name), targets computed without a tape.
   * The caller disposes the returned tensors.
   */
  lossAndGradients(input: Input, masks: MaskSet<Condition> | readonly MaskSet<Condition>[]): {
    /** The loss, averaged over mask generators. */
    loss: tf.Scalar;
    /** Gradients by parameter name (`encoder.*`, `predictor.*`). */
    grads: Record<string, tf.Tensor>;
  } {
    const sets = asList(masks);
    const normed = tf.tidy(() => this.targets(input).normed);
    try {
      return namedGradients(() => this.meanLoss(input, normed, sets), this.trainableParameters());
    } finally {
      normed.dispose();
    }
  }

  /**
   * One training update: a {@link guardedUpdate} of the context encoder and predictor (gradients,
   * `NonFiniteLossError` before any weight changes, optional per-module clipping, `optimizer.step`),
   * then the target update (default: EMA of the context encoder into the target encoder).
   * Returns the loss (read back) and the gradient norm before clipping.
   */
  step(
    input: Input,
    masks: MaskSet<Condition> | readonly MaskSet<Condition>[],
    optimizer: Optimizer,
    hyper: UpdateHyperParameters & TargetUpdateHyperParameters,
  ): GuardedUpdateResult {
    const sets = asList(masks);
    this.targetUpdate.check?.(hyper);
    const normed = tf.tidy(() => this.targets(input).normed);
    let result: GuardedUpdateResult;
    try {
      result = guardedUpdate(() => this.meanLoss(input, normed, sets), {
        parameters: this.trainableParameters(),
        optimizer,
        lr: hyper.lr,
        weightDecay: hyper.weightDecay,
        clipGradNorm: hyper.clipGradNorm,
      });
    } finally {
      normed.dispose();
    }
    this.targetUpdate.update(this.targetEncoder, this.contextEncoder, hyper);
    return result;
  }
}

function asList<M>(masks: M | readonly M[]): readonly M[] {
  return Array.isArray(masks) ? (masks as readonly M[]) : [masks as M];
}
