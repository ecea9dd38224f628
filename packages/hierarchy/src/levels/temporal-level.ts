import * as tf from '@tensorflow/tfjs';
import { LayerNorm, Linear, Module, type WorldModel } from '@jepa/core';
import { TemporalWindowEncoder, type TemporalWindowEncoderOptions, type WindowPooling } from './temporal-window-encoder.js';

/** Sizes of a {@link TemporalLevel}; defaults in brackets. */
export interface TemporalLevelOptions {
  /** Width `D` of the lower level's per-step latents. */
  readonly latentDim: number;
  /** Lower steps per step of this level `k` (one window). */
  readonly stepSkip: number;
  /** Width `E` of this level's latents [64]. */
  readonly embedDim?: number;
  /** Transformer blocks of the window encoder [1]. */
  readonly depth?: number;
  /** Attention heads of the window encoder [4]. */
  readonly numHeads?: number;
  /** How the window encoder pools its tokens ['flatten', see {@link TemporalWindowEncoder}]. */
  readonly pooling?: WindowPooling;
  /** Std of the window encoder's initial token-embedding weights [1 / sqrt(D), see {@link TemporalWindowEncoderOptions.embedInitStd}]. */
  readonly embedInitStd?: number;
  /** Hidden width of the predictor's MLP [2 E]. */
  readonly predictorHiddenDim?: number;
  /**
   * Size `C` of an optional condition of each transition (a macro-action, ...) that the predictor
   * reads next to the window latent [0: none, as for video].
   */
  readonly conditionDim?: number;
}

/** Which encoder of a {@link TemporalLevel} embeds: the EMA `target` (the features a JEPA is evaluated on) or the online `context` encoder. */
export type TemporalLevelEncoderChoice = 'target' | 'context';

/**
 * The predictor of a {@link TemporalLevel}: `fc2(gelu(fc1([norm(z); c])))`, from one window
 * latent (and the transition's condition) to the next window's latent. Names `norm.*`, `fc1.*`, `fc2.*`.
 */
export class TemporalPredictor extends Module {
  /** LayerNorm of the input window latent (`norm`). */
  readonly norm: LayerNorm;
  /** `[E + C] -> hidden`, then GELU (`fc1`). */
  readonly fc1: Linear;
  /** `hidden -> E`: the predicted next window latent (`fc2`). */
  readonly fc2: Linear;

  /**
   * @param embedDim Width `E` of the window latents. @param hiddenDim Width of the hidden layer. @param
   * conditionDim Width `C` of the condition read next to the latent (0 for none).
   */
  constructor(readonly embedDim: number, readonly hiddenDim: number, readonly conditionDim: number) {
    super();
    this.norm = this.addModule('norm', new LayerNorm(embedDim));
    this.fc1 = this.addModule('fc1', new Linear(embedDim + conditionDim, hiddenDim));
    this.fc2 = this.addModule('fc2', new Linear(hiddenDim, embedDim));
  }

  /** @param latents `[M, E]` @param condition `[M, C]` (required when `C > 0`) @returns `[M, E]` */
  apply(latents: tf.Tensor2D, condition?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let input: tf.Tensor2D = this.norm.apply(latents);
      if (this.conditionDim > 0) input = tf.concat([input, condition!], 1);
      return this.fc2.apply(this.fc1.applyGelu(input));
    });
  }
}

/**
 * A temporal JEPA level (H-JEPA): its encoder reads windows of `stepSkip` per-step latents of the
 * level below, `[B, T, D]`, whatever encoder made them (an image JEPA applied to every frame, a
 * world model's encoder, another TemporalLevel), into one latent per window `[B, T / k, E]`
 * ({@link TemporalWindowEncoder}: core's transformer over the window as a 1-D token grid), and its
 * predictor predicts the next window's latent from the current one (and an optional condition).
 * As in JEPA the prediction targets come from an EMA copy of the encoder (`targetEncoder`), layer
 * normed; {@link trainTemporalLevel} trains it. Levels stack: a level's `encodeSequence` output is
 * the next level's input.
 *
 * It is a core `WorldModel` whose observations are windows of lower latents `[S, k, D]` and whose
 * states are one token `[S, 1, E]`; its actions are the conditions (`actionDim` = `conditionDim`,
 * 0 for a level that only watches).
 *
 * Parameter names (a core `Module`: strict `loadStateDict`, `dispose`): `encoder.*` (context),
 * `target_encoder.*`, `predictor.*`.
 */
export class TemporalLevel extends Module implements WorldModel<tf.Tensor3D> {
  /** Width `D` of the lower level's per-step latents. */
  readonly latentDim: number;
  /** Lower steps per window `k`. */
  readonly stepSkip: number;
  /** Width `E` of a window latent. */
  readonly embedDim: number;
  /** Width `C` of a transition's condition (its action); 0 for none. */
  readonly conditionDim: number;
  /** The trained window encoder (`encoder.*`). */
  readonly contextEncoder: TemporalWindowEncoder;
  /** Its EMA copy, which gives the targets (`target_encoder.*`). */
  readonly targetEncoder: TemporalWindowEncoder;
  /** Predicts the next window latent (`predictor.*`). */
  readonly predictor: TemporalPredictor;

  /** @param options Sizes; see {@link TemporalLevelOptions}. */
  constructor(readonly options: TemporalLevelOptions) {
    super();
    const where = 'TemporalLevel';
    const embedDim = options.embedDim ?? 64;
    const conditionDim = options.conditionDim ?? 0;
    const predictorHiddenDim = options.predictorHiddenDim ?? 2 * embedDim;
    if (!Number.isInteger(conditionDim) || conditionDim < 0) throw new Error(`${where}: conditionDim must be a non-negative integer, got ${String(conditionDim)}.`);
    if (!Number.isInteger(predictorHiddenDim) || predictorHiddenDim < 1) throw new Error(`${where}: predictorHiddenDim must be a positive integer, got ${String(predictorHiddenDim)}.`);
    const encoderOptions = {
      latentDim: options.latentDim,
      stepSkip: options.stepSkip,
      embedDim,
      depth: options.depth ?? 1,
      numHeads: options.numHeads ?? 4,
      ...(options.pooling ? { pooling: options.pooling } : {}),
      ...(options.embedInitStd !== undefined ? { embedInitStd: options.embedInitStd } : {}),
    };
    this.contextEncoder = this.addModule('encoder', new TemporalWindowEncoder(encoderOptions));
    this.targetEncoder = this.addModule('target_encoder', new TemporalWindowEncoder(encoderOptions));
    this.targetEncoder.copyFrom(this.contextEncoder);
    this.predictor = this.addModule('predictor', new TemporalPredictor(embedDim, predictorHiddenDim, conditionDim));
    this.latentDim = options.latentDim;
    this.stepSkip = options.stepSkip;
    this.embedDim = embedDim;
    this.conditionDim = conditionDim;
  }

  get actionDim(): number {
    return this.conditionDim;
  }

  private encoderOf(choice: TemporalLevelEncoderChoice): TemporalWindowEncoder {
    if (choice !== 'target' && choice !== 'context') throw new Error(`TemporalLevel: encoder must be 'target' or 'context', got ${JSON.stringify(choice)}.`);
    return choice === 'target' ? this.targetEncoder : this.contextEncoder;
  }

  /** One window of lower latents `[S, k, D]` -> this level's state `[S, 1, E]` (target encoder). */
  encode(window: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const latent = this.targetEncoder.encode(window);
      return tf.reshape(latent, [latent.shape[0], 1, this.embedDim]) as tf.Tensor3D;
    });
  }

  /**
   * Per-step lower latents `[B, T, D]` -> one latent per window `[B, W, E]`. Windows start every
   * `stride` steps (default `stepSkip`: `W = T / k`, the level's own steps; a smaller stride gives
   * overlapping windows, `W = (T - k) / stride + 1`). `T - k` must be a multiple of `stride`.
   */
  encodeSequence(lower: tf.Tensor3D, options: { readonly encoder?: TemporalLevelEncoderChoice; readonly stride?: number } = {}): tf.Tensor3D {
    const where = 'TemporalLevel.encodeSequence';
    const k = this.stepSkip;
    const stride = options.stride ?? k;
    const [batch, steps, width] = lower.shape;
    if (lower.rank !== 3 || width !== this.latentDim) {
      throw new Error(`${where}: expected lower-level latents [B, T, ${this.latentDim}], got [${lower.shape.join(', ')}].`);
    }
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`${where}: stride must be a positive integer, got ${String(stride)}.`);
    if (steps < k || (steps - k) % stride !== 0) {
      throw new Error(`${where}: ${steps} steps do not split into windows of ${k} every ${stride} steps; give T = k + n * stride (e.g. a multiple of stepSkip ${k}).`);
    }
    const encoder = this.encoderOf(options.encoder ?? 'target');
    const windows = (steps - k) / stride + 1;
    return tf.tidy(() => {
      const slices = Array.from({ length: windows }, (_, w) => tf.slice(lower, [0, w * stride, 0], [batch, k, width]));
      const stacked = tf.reshape(tf.stack(slices, 1), [batch * windows, k, width]) as tf.Tensor3D;
      return tf.reshape(encoder.encode(stacked), [batch, windows, this.embedDim]) as tf.Tensor3D;
    });
  }

  /**
   * The predicted latent of the window after each given one.
   * @param latents `[B, W, E]` window latents @param conditions `[B, W, C]` (when `C > 0`) @returns `[B, W, E]`
   */
  predictNext(latents: tf.Tensor3D, conditions?: tf.Tensor3D): tf.Tensor3D {
    const where = 'TemporalLevel.predictNext';
    const [batch, windows, width] = latents.shape;
    if (latents.rank !== 3 || width !== this.embedDim) throw new Error(`${where}: expected level latents [B, W, ${this.embedDim}], got [${latents.shape.join(', ')}].`);
    this.checkConditions(conditions, batch, windows, where);
    return tf.tidy(() => {
      const flat = tf.reshape(latents, [batch * windows, width]) as tf.Tensor2D;
      const condition = this.conditionDim > 0 ? (tf.reshape(conditions!, [batch * windows, this.conditionDim]) as tf.Tensor2D) : undefined;
      return tf.reshape(this.predictor.apply(flat, condition), [batch, windows, width]) as tf.Tensor3D;
    });
  }

  /** `z0` `[S, 1, E]`, conditions `[S, H, C]` -> the predicted states after each transition `[S, H, 1, E]`. */
  rollout(z0: tf.Tensor3D, conditions: tf.Tensor3D): tf.Tensor4D {
    const where = 'TemporalLevel.rollout';
    const [samples, tokens, width] = z0.shape;
    if (z0.rank !== 3 || tokens !== 1 || width !== this.embedDim) throw new Error(`${where}: expected start states [S, 1, ${this.embedDim}], got [${z0.shape.join(', ')}].`);
    const horizon = conditions.shape[1];
    this.checkConditions(conditions, samples, horizon, where);
    return tf.tidy(() => {
      let z = tf.reshape(z0, [samples, width]) as tf.Tensor2D;
      const states: tf.Tensor2D[] = [];
      for (let h = 0; h < horizon; h++) {
        const condition = this.conditionDim > 0 ? (tf.reshape(tf.slice(conditions, [0, h, 0], [samples, 1, this.conditionDim]), [samples, this.conditionDim]) as tf.Tensor2D) : undefined;
        z = this.predictor.apply(z, condition);
        states.push(z);
      }
      return tf.reshape(tf.stack(states, 1), [samples, horizon, 1, width]) as tf.Tensor4D;
    });
  }

  private checkConditions(conditions: tf.Tensor3D | undefined, batch: number, windows: number, where: string): void {
    if (this.conditionDim === 0) {
      if (conditions !== undefined && conditions.size > 0) throw new Error(`${where}: this level has no condition (conditionDim 0) but got conditions [${conditions.shape.join(', ')}]; build it with conditionDim, or leave them out.`);
      return;
    }
    if (!conditions || conditions.rank !== 3 || conditions.shape[0] !== batch || conditions.shape[1] !== windows || conditions.shape[2] !== this.conditionDim) {
      throw new Error(`${where}: expected conditions [${batch}, ${windows}, ${this.conditionDim}], got ${conditions ? `[${conditions.shape.join(', ')}]` : 'none'}.`);
    }
  }

  /**
   * The variables an optimizer updates, by name: the context encoder (`encoder.*`) and the predictor
   * (`predictor.*`); the target encoder follows the context encoder by EMA.
   */
  updatedParameters(): Array<[string, tf.Variable]> {
    return [...this.contextEncoder.trainableParameters('encoder.'), ...this.predictor.trainableParameters('predictor.')].map(([name, p]) => [name, p.variable] as [string, tf.Variable]);
  }
}
