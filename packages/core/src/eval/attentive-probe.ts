import * as tf from '@tensorflow/tfjs';
import { AttentivePooler } from '../nn/cross-attention-pool.js';
import { withInitSeed } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import { cosineWeightDecay, warmupCosineLr } from '../optim/schedules.js';
import { checkFeatureMatrix, checkLabelledFeatures, checkLabels, inferNumClasses } from './labelled-features.js';
import type { LabelledFeatures } from './labelled-features.js';
import { accuracyOf } from './probe.js';
import type { Probe, ProbeTrainer } from './probe.js';
import { mulberry32 } from '../random/mulberry32.js';
import { shuffleInPlace } from '../random/uniform-source.js';

/**
 * The attentive probe of the official V-JEPA evaluation (facebookresearch/jepa
 * `src/models/attentive_pooler.py` `AttentiveClassifier` with `depth=1`, trained as in
 * `evals/*_classification_frozen/eval.py`): a learned query token cross-attends to the frozen
 * tokens of an example (images `[N = H' * W']` or clips `[N = T' * H' * W']`) through the
 * `AttentivePooler` layer (`nn/cross-attention-pool.ts`), and a Linear maps it to class logits.
 *
 * Shape legend: `n` examples, `B` batch, `N` tokens per example, `D` token width, `C` classes.
 */

/** Sizes of an {@link AttentiveClassifier}. */
export interface AttentiveClassifierOptions {
  /** Token width `D`. */
  readonly dim: number;
  /** Classes `C` (logits per example). */
  readonly numClasses: number;
  /** Attention heads (official: the encoder's). Default 1. */
  readonly numHeads?: number;
  /** Default 4. */
  readonly mlpRatio?: number;
  /** Default 1e-5 (the official pooler uses `nn.LayerNorm`'s default). */
  readonly layerNormEps?: number;
  /** Seed of the initial weights (default: unseeded). */
  readonly seed?: number;
}

/**
 * One learned query token pooled by cross-attention over `[B, N, D]` tokens, then a Linear to
 * `C` logits: the official `AttentiveClassifier` (`depth=1`). Parameter names follow it:
 * `pooler.query_tokens`, `pooler.cross_attention_block.*`, `linear.*`. Initialisation too:
 * truncated-normal (std 0.02) query and pooler weights with `mlp.fc2` divided by `sqrt(2)`, and
 * PyTorch's default uniform init for the final Linear.
 */
export class AttentiveClassifier extends Module {
  /** Pools the tokens into one (`pooler.*`). */
  readonly pooler: AttentivePooler;
  /** Maps the pooled token to class logits (`linear.*`). */
  readonly linear: Linear;

  /** @param options Sizes and the init seed; see {@link AttentiveClassifierOptions}. */
  constructor(readonly options: AttentiveClassifierOptions) {
    super();
    const { dim, numClasses } = options;
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`AttentiveClassifier: dim must be a positive integer, got ${dim}.`);
    if (!Number.isInteger(numClasses) || numClasses <= 0) throw new Error(`AttentiveClassifier: numClasses must be a positive integer, got ${numClasses}.`);
    if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new Error(`AttentiveClassifier: seed must be an integer, got ${options.seed}.`);
    const heads = options.numHeads ?? 1;
    if (!Number.isInteger(heads) || heads <= 0 || dim % heads !== 0) {
      throw new Error(`AttentiveClassifier: width ${dim} is not divisible by ${heads} heads; pick numHeads among the divisors of ${dim} (e.g. the encoder's heads).`);
    }
    const build = () => [
      new AttentivePooler(dim, heads, options.mlpRatio ?? 4, options.layerNormEps ?? 1e-5),
      new Linear(dim, numClasses),
    ] as const;
    const [pooler, linear] = options.seed === undefined ? build() : withInitSeed(options.seed, build);
    this.pooler = this.addModule('pooler', pooler);
    this.linear = this.addModule('linear', linear);
    // torch.nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias.
    const bound = 1 / Math.sqrt(dim);
    const seed = options.seed === undefined ? undefined : options.seed * 31 + 17;
    tf.tidy(() => {
      this.linear.weight.assign(tf.randomUniform([dim, numClasses], -bound, bound, 'float32', seed));
      this.linear.bias!.assign(tf.randomUniform([numClasses], -bound, bound, 'float32', seed === undefined ? undefined : seed + 1));
    });
  }

  /** @param tokens `[B, N, D]` @returns logits `[B, C]` */
  apply(tokens: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const pooled = this.pooler.apply(tokens);
      return tf.reshape(this.linear.apply(pooled), [tokens.shape[0], this.options.numClasses]) as tf.Tensor2D;
    });
  }
}

/**
 * Settings of {@link trainAttentiveProbe}; every field but `numTokens` is optional. Defaults are
 * the official V-JEPA frozen evaluation (`configs/evals/vitl16_k400_16x8x3.yaml`): AdamW, 20
 * epochs, lr 0.001 cosine to 0 without warm-up, weight decay 0.01 cosine to 1e-6 (biases and 1-D
 * parameters not decayed), cross-entropy.
 */
export interface AttentiveProbeConfig {
  /** Tokens per example `N`: each row of the features is `N` tokens of `D = dim / N` floats. */
  readonly numTokens: number;
  /** Attention heads (official: the encoder's, e.g. 16 for ViT-L); must divide `D`. Default 1. */
  readonly numHeads?: number;
  /** Default 4. */
  readonly mlpRatio?: number;
  /** Passes over the train set. Default 20. */
  readonly epochs?: number;
  /** Examples per update. Default 16. */
  readonly batchSize?: number;
  /** Peak (and start) learning rate. Default 0.001. */
  readonly lr?: number;
  /** Learning rate at the end (cosine). Default 0. */
  readonly finalLr?: number;
  /** Default 0.01. */
  readonly weightDecay?: number;
  /** Default 1e-6 (the official `final_wd` default). */
  readonly finalWeightDecay?: number;
  /** Warm-up updates (linear from `lr`, as the official `start_lr = lr`). Default 0. */
  readonly warmupSteps?: number;
  /** Classes to predict; default `1 + max(train.labels)`. */
  readonly numClasses?: number;
  /** Seed of the initial weights and the batch order. Default 0. */
  readonly seed?: number;
}

/** Defaults of {@link AttentiveProbeConfig}. */
export const ATTENTIVE_PROBE_DEFAULTS = {
  /** {@inheritDoc AttentiveProbeConfig.numHeads} */
  numHeads: 1,
  /** MLP hidden width as a multiple of `D`. */
  mlpRatio: 4,
  /** {@inheritDoc AttentiveProbeConfig.epochs} */
  epochs: 20,
  /** {@inheritDoc AttentiveProbeConfig.batchSize} */
  batchSize: 16,
  /** {@inheritDoc AttentiveProbeConfig.lr} */
  lr: 0.001,
  /** {@inheritDoc AttentiveProbeConfig.finalLr} */
  finalLr: 0,
  /** Weight decay at the start (cosine to `finalWeightDecay`). */
  weightDecay: 0.01,
  /** {@inheritDoc AttentiveProbeConfig.finalWeightDecay} */
  finalWeightDecay: 1e-6,
  /** {@inheritDoc AttentiveProbeConfig.warmupSteps} */
  warmupSteps: 0,
  /** {@inheritDoc AttentiveProbeConfig.seed} */
  seed: 0,
} as const satisfies Omit<Required<AttentiveProbeConfig>, 'numTokens' | 'numClasses'>;

/** How an {@link AttentiveProbe} was trained. */
export interface AttentiveProbeTraining {
  /** Passes over the train set. */
  readonly epochs: number;
  /** Optimizer updates. */
  readonly steps: number;
  /** Mean cross-entropy over each epoch's batches, in order. */
  readonly epochLosses: readonly number[];
}

/**
 * A trained attentive probe over frozen token features `[n, N * D]` (rows of `N` tokens). It holds
 * tfjs variables: call {@link dispose} when done.
 */
export class AttentiveProbe implements Probe {
  readonly kind = 'attentive';

  constructor(
    /** The trained pooler and linear head. */
    readonly classifier: AttentiveClassifier,
    /** Tokens `N` per feature row. */
    readonly numTokens: number,
    /** How it was trained. */
    readonly training: AttentiveProbeTraining,
    /** Rows per forward pass in {@link logits}. */
    readonly batchSize = 256,
  ) {}

  /** Token width `D`. */
  get tokenDim(): number {
    return this.classifier.options.dim;
  }

  /** Floats per example (`N * D`). */
  get dim(): number {
    return this.numTokens * this.tokenDim;
  }

  get numClasses(): number {
    return this.classifier.options.numClasses;
  }

  /** Logits `[n, C]` (row-major) of token features `[n, N * D]`. */
  logits(features: Float32Array): Float32Array {
    const rows = checkFeatureMatrix(features, this.dim, 'AttentiveProbe.logits');
    const out = new Float32Array(rows * this.numClasses);
    for (let start = 0; start < rows; start += this.batchSize) {
      const count = Math.min(this.batchSize, rows - start);
      const chunk = features.subarray(start * this.dim, (start + count) * this.dim);
      const logits = tf.tidy(() => this.classifier.apply(tf.tensor3d(chunk, [count, this.numTokens, this.tokenDim])));
      out.set(logits.dataSync(), start * this.numClasses);
      logits.dispose();
    }
    return out;
  }

  /** Predicted class per row of `features` `[n, N * D]`. */
  predict(features: Float32Array): Int32Array {
    const logits = this.logits(features);
    const classes = this.numClasses;
    const out = new Int32Array(logits.length / classes);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Accuracy on `features` `[n, N * D]` with `labels` `[n]`. */
  accuracy(features: Float32Array, labels: Int32Array): number {
    const rows = checkFeatureMatrix(features, this.dim, 'AttentiveProbe.accuracy');
    checkLabels(labels, rows, 'AttentiveProbe.accuracy');
    return accuracyOf(this.predict(features), labels);
  }

  /** Frees the classifier's variables. */
  dispose(): void {
    this.classifier.dispose();
  }
}

/**
 * Trains an attentive probe on frozen token features (`train.dim = N * D`, `N = config.numTokens`)
 * with AdamW and seeded mini-batches. Deterministic for a given config and backend.
 */
export function trainAttentiveProbe(train: LabelledFeatures, config: AttentiveProbeConfig): AttentiveProbe {
  const s = resolveConfig(config);
  const rows = checkLabelledFeatures(train, 'trainAttentiveProbe(train)', config.numClasses);
  if (rows === 0) throw new RangeError('trainAttentiveProbe: the train set is empty; pass at least one example.');
  if (train.dim % s.numTokens !== 0) {
    throw new RangeError(
      `trainAttentiveProbe: train.dim=${train.dim} is not a multiple of numTokens=${s.numTokens}; rows must hold N tokens of D floats ` +
        '(flatten encoder outputs [n, N, D] row-major and pass dim = N * D), or fix numTokens.',
    );
  }
  const tokenDim = train.dim / s.numTokens;
  if (tokenDim % s.numHeads !== 0) {
    throw new RangeError(`trainAttentiveProbe: token width D=${tokenDim} is not divisible by numHeads=${s.numHeads}; pick a divisor of ${tokenDim}.`);
  }
  const numClasses = config.numClasses ?? inferNumClasses(train.labels);
  const classifier = new AttentiveClassifier({ dim: tokenDim, numClasses, numHeads: s.numHeads, mlpRatio: s.mlpRatio, seed: s.seed });
  const named = classifier.trainableParameters().map(([name, p]) => [name, p.variable] as [string, tf.Variable]);
  const optimizer = new AdamW(named);
  const random = mulberry32(s.seed);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const batchSize = Math.min(s.batchSize, rows);
  const stepsPerEpoch = Math.ceil(rows / batchSize);
  const totalSteps = s.epochs * stepsPerEpoch;
  const batchFeatures = new Float32Array(batchSize * train.dim);
  const batchLabels = new Int32Array(batchSize);
  const epochLosses: number[] = [];
  let step = 0;
  try {
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      shuffleInPlace(order, random);
      let lossSum = 0;
      for (let start = 0; start < rows; start += batchSize) {
        const count = Math.min(batchSize, rows - start);
        for (let r = 0; r < count; r++) {
          const source = order[start + r]!;
          batchFeatures.set(train.features.subarray(source * train.dim, (source + 1) * train.dim), r * train.dim);
          batchLabels[r] = train.labels[source]!;
        }
        step++;
        const lr = warmupCosineLr(step, { warmupSteps: s.warmupSteps, totalSteps, startLr: s.lr, refLr: s.lr, finalLr: s.finalLr });
        const weightDecay = cosineWeightDecay(step, { totalSteps, refWeightDecay: s.weightDecay, finalWeightDecay: s.finalWeightDecay });
        const x = tf.tensor3d(batchFeatures.subarray(0, count * train.dim), [count, s.numTokens, tokenDim]);
        const y = tf.tensor1d(batchLabels.subarray(0, count), 'int32');
        try {
          const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
            const logits = classifier.apply(x);
            return tf.losses.softmaxCrossEntropy(tf.oneHot(y, numClasses), logits) as tf.Scalar;
          }), named.map(([, v]) => v));
          const loss = value.dataSync()[0]!;
          value.dispose();
          const byName: Record<string, tf.Tensor> = {};
          for (const [name, v] of named) if (grads[v.name]) byName[name] = grads[v.name]!;
          try {
            if (!Number.isFinite(loss)) {
              throw new Error(`trainAttentiveProbe: the loss became ${loss} at update ${step} (epoch ${epoch + 1}); lower lr (now ${s.lr}) or check the features for extreme values.`);
            }
            optimizer.step(byName, lr, weightDecay);
          } finally {
            for (const g of Object.values(grads)) g.dispose();
          }
          lossSum += loss * count;
        } finally {
          x.dispose();
          y.dispose();
        }
      }
      epochLosses.push(lossSum / rows);
    }
  } catch (error) {
    classifier.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return new AttentiveProbe(classifier, s.numTokens, { epochs: s.epochs, steps: step, epochLosses });
}

/**
 * A {@link ProbeTrainer} for attentive probes with `config`, for protocols such as
 * {@link lowShotProbe} and {@link fullProbe} (`{ trainer: attentiveProbeTrainer({ numTokens }) }`,
 * features `[n, N * D]`). The protocol's seed and class count override `config.seed` and
 * `config.numClasses`.
 */
export function attentiveProbeTrainer(config: AttentiveProbeConfig): ProbeTrainer {
  resolveConfig(config);
  return (train, context) => trainAttentiveProbe(train, { ...config, seed: context.seed, numClasses: context.numClasses });
}

function resolveConfig(config: AttentiveProbeConfig) {
  if (config === null || typeof config !== 'object') {
    throw new TypeError('trainAttentiveProbe: pass a config with at least numTokens (tokens per example), e.g. { numTokens: 64 }.');
  }
  const s = { ...ATTENTIVE_PROBE_DEFAULTS, ...config };
  const positiveInts = ['numTokens', 'numHeads', 'epochs', 'batchSize'] as const;
  for (const key of positiveInts) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw new RangeError(`trainAttentiveProbe: ${key} must be a positive integer; got ${s[key]}.`);
  }
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0) throw new RangeError(`trainAttentiveProbe: warmupSteps must be an integer >= 0; got ${s.warmupSteps}.`);
  for (const key of ['lr', 'mlpRatio'] as const) {
    if (!(Number.isFinite(s[key]) && s[key] > 0)) throw new RangeError(`trainAttentiveProbe: ${key} must be a finite number > 0; got ${s[key]}.`);
  }
  for (const key of ['finalLr', 'weightDecay', 'finalWeightDecay'] as const) {
    if (!(Number.isFinite(s[key]) && s[key] >= 0)) throw new RangeError(`trainAttentiveProbe: ${key} must be a finite number >= 0; got ${s[key]}.`);
  }
  if (!Number.isInteger(s.seed)) throw new RangeError(`trainAttentiveProbe: seed must be an integer; got ${s.seed}.`);
  if (config.numClasses !== undefined && !(Number.isInteger(config.numClasses) && config.numClasses >= 1)) {
    throw new RangeError(`trainAttentiveProbe: numClasses must be a positive integer; got ${config.numClasses}.`);
  }
  return s;
}
