import { FeatureStandardizer } from './feature-standardizer.js';
import { checkFeatureMatrix, checkLabelledFeatures, checkLabels, inferNumClasses } from './labelled-features.js';
import type { LabelledFeatures } from './labelled-features.js';
import { minimizeLbfgs } from './lbfgs.js';
import type { LbfgsStopReason } from './lbfgs.js';
import { accuracyOf } from './probe.js';
import type { Probe, ProbeTrainer } from './probe.js';
import { mulberry32 } from '../random/mulberry32.js';
import { shuffleInPlace } from '../random/uniform-source.js';
import {
  argmaxRows,
  softmaxParameterCount,
  softmaxRegressionLogits,
  softmaxRegressionLoss,
} from './softmax-regression.js';
import type { SoftmaxRegressionData } from './softmax-regression.js';

/**
 * Settings of {@link trainLinearProbe}; every field is optional.
 *
 * The objective is `mean cross-entropy + l2 / 2 * ||W||²` on standardised features (the bias is
 * not penalised), minimised by full-batch L-BFGS in Float64.
 */
export interface LinearProbeConfig {
  /**
   * L2 penalty, or `'auto'` to pick it from {@link LinearProbeConfig.l2Grid} by accuracy on a
   * stratified held-out split of the train set (ties go to the lower validation loss), then refit
   * on the whole train set. Default `'auto'`.
   */
  readonly l2?: number | 'auto';
  /** Candidates for `l2: 'auto'`. Default `[1e-4, 1e-3, 1e-2, 1e-1, 1]`. */
  readonly l2Grid?: readonly number[];
  /**
   * Share of each class held out for `l2: 'auto'` (rounded per class, always leaving one example
   * to train on). When that leaves no validation example at all (one or two shots per class),
   * the largest grid value is used. Default 0.2.
   */
  readonly validationFraction?: number;
  /** L-BFGS iterations per fit. Default 100. */
  readonly maxIterations?: number;
  /** Stop a fit when the relative loss change of one step falls below this. Default 1e-7. */
  readonly tolerance?: number;
  /** Classes to predict; default `1 + max(train.labels)`. Set it when the train set misses some. */
  readonly numClasses?: number;
  /** Seed of the validation split for `l2: 'auto'`. Default 0. */
  readonly seed?: number;
}

/** Defaults of {@link LinearProbeConfig}. */
export const LINEAR_PROBE_DEFAULTS = {
  /** {@inheritDoc LinearProbeConfig.l2} */
  l2: 'auto',
  /** {@inheritDoc LinearProbeConfig.l2Grid} */
  l2Grid: [1e-4, 1e-3, 1e-2, 1e-1, 1],
  /** {@inheritDoc LinearProbeConfig.validationFraction} */
  validationFraction: 0.2,
  /** {@inheritDoc LinearProbeConfig.maxIterations} */
  maxIterations: 100,
  /** {@inheritDoc LinearProbeConfig.tolerance} */
  tolerance: 1e-7,
  /** {@inheritDoc LinearProbeConfig.seed} */
  seed: 0,
} as const satisfies Omit<Required<LinearProbeConfig>, 'numClasses'>;

/** One candidate of the `l2: 'auto'` search, scored on the held-out split. */
export interface L2Candidate {
  /** The L2 penalty tried. */
  readonly l2: number;
  /** Accuracy on the held-out split, in 0..1. */
  readonly validationAccuracy: number;
  /** Mean cross-entropy on the held-out split (no penalty). */
  readonly validationLoss: number;
  /** L-BFGS iterations of this fit. */
  readonly iterations: number;
}

/** How a {@link LinearProbe} was trained. */
export interface LinearProbeTraining {
  /** The penalty of the final fit. */
  readonly l2: number;
  /** `'fixed'`: given; `'validation'`: chosen on the split; `'fallback'`: no split was possible. */
  readonly l2Selection: 'fixed' | 'validation' | 'fallback';
  /** The candidates tried (empty unless `l2Selection` is `'validation'`). */
  readonly l2Search: readonly L2Candidate[];
  /** Objective value (with penalty) at the end of the final fit. */
  readonly loss: number;
  /** L-BFGS iterations of the final fit. */
  readonly iterations: number;
  /** Why the final fit stopped; `'max-iterations'` means it was cut short. */
  readonly stopReason: LbfgsStopReason;
}

/**
 * A trained multinomial logistic regression on frozen features. Standardisation with the train
 * statistics is folded into its weights, so it predicts straight from raw features.
 */
export class LinearProbe implements Probe {
  readonly kind = 'linear';
  /** Weights `[C, D]` then bias `[C]` acting on raw (unstandardised) features. */
  private readonly rawParameters: Float64Array;

  /**
   * @param standardizer the train statistics.
   * @param parameters weights `[C, D]` then bias `[C]`, acting on standardised features.
   * @param training how it was trained.
   */
  constructor(
    readonly standardizer: FeatureStandardizer,
    readonly numClasses: number,
    readonly parameters: Float64Array,
    readonly training: LinearProbeTraining
  ) {
    const dim = standardizer.dim;
    if (parameters.length !== softmaxParameterCount(dim, numClasses)) {
      throw new RangeError(
        `LinearProbe: ${parameters.length} parameters for D=${dim}, C=${numClasses}; expected C * D + C = ` +
          `${softmaxParameterCount(dim, numClasses)}.`
      );
    }
    // z = b + W s (x - m) = (b - W (s m)) + (W s) x
    const raw = new Float64Array(parameters.length);
    const biasOffset = numClasses * dim;
    for (let c = 0; c < numClasses; c++) {
      let shift = 0;
      for (let j = 0; j < dim; j++) {
        const w = parameters[c * dim + j]! * standardizer.scale[j]!;
        raw[c * dim + j] = w;
        shift += w * standardizer.mean[j]!;
      }
      raw[biasOffset + c] = parameters[biasOffset + c]! - shift;
    }
    this.rawParameters = raw;
  }

  /** Floats per example. */
  get dim(): number {
    return this.standardizer.dim;
  }

  /** Logits `[n, C]` (row-major, Float64) of raw `features` `[n, D]`. */
  logits(features: Float32Array): Float64Array {
    checkFeatureMatrix(features, this.dim, 'LinearProbe.logits');
    return softmaxRegressionLogits(this.rawParameters, features, this.dim, this.numClasses);
  }

  /** Class probabilities `[n, C]` (row-major) of raw `features` `[n, D]`. */
  probabilities(features: Float32Array): Float64Array {
    const scores = this.logits(features);
    const classes = this.numClasses;
    for (let i = 0; i < scores.length; i += classes) {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, scores[i + c]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += scores[i + c] = Math.exp(scores[i + c]! - max);
      for (let c = 0; c < classes; c++) scores[i + c] /= sum;
    }
    return scores;
  }

  /** Predicted class per row of `features` `[n, D]`. */
  predict(features: Float32Array): Int32Array {
    return argmaxRows(this.logits(features), this.numClasses);
  }

  /** Accuracy on `features` `[n, D]` with `labels` `[n]`. */
  accuracy(features: Float32Array, labels: Int32Array): number {
    const rows = checkFeatureMatrix(features, this.dim, 'LinearProbe.accuracy');
    checkLabels(labels, rows, 'LinearProbe.accuracy');
    return accuracyOf(this.predict(features), labels);
  }
}

/**
 * Trains a linear (softmax regression) probe on frozen features `train` (`[n, D]` + labels).
 * Features are standardised with the train statistics; see {@link LinearProbeConfig} for the
 * penalty search. Deterministic for a given config.
 */
export function trainLinearProbe(train: LabelledFeatures, config: LinearProbeConfig = {}): LinearProbe {
  const settings = resolveConfig(config);
  const rows = checkLabelledFeatures(train, 'trainLinearProbe(train)', config.numClasses);
  if (rows === 0) throw new RangeError('trainLinearProbe: the train set is empty; pass at least one example.');
  const numClasses = config.numClasses ?? inferNumClasses(train.labels);
  const { dim } = train;
  const standardizer = FeatureStandardizer.fit(train.features, dim);
  const all: SoftmaxRegressionData = {
    features: standardizer.transform(train.features),
    labels: train.labels,
    dim,
    numClasses,
  };
  const fitOptions = { maxIterations: settings.maxIterations, lossTolerance: settings.tolerance };
  const zeros = new Float64Array(softmaxParameterCount(dim, numClasses));

  let l2: number;
  let l2Selection: LinearProbeTraining['l2Selection'];
  let l2Search: L2Candidate[] = [];
  let start: Float64Array = zeros;
  if (settings.l2 !== 'auto') {
    l2 = settings.l2;
    l2Selection = 'fixed';
  } else {
    const { fitRows, validationRows } = stratifiedSplit(
      train.labels,
      numClasses,
      settings.validationFraction,
      settings.seed
    );
    const grid = [...settings.l2Grid].sort((a, b) => b - a);
    if (validationRows.length === 0) {
      l2 = grid[0]!;
      l2Selection = 'fallback';
    } else {
      const fitData = takeRows(all, fitRows);
      const validationData = takeRows(all, validationRows);
      // Strongest penalty first, each fit warm-started from the previous solution.
      let warm: Float64Array = zeros;
      let best: { candidate: L2Candidate; solution: Float64Array } | undefined;
      for (const candidateL2 of grid) {
        const fit = minimizeLbfgs((p, g) => softmaxRegressionLoss(p, fitData, candidateL2, g), warm, fitOptions);
        warm = fit.x;
        const logits = softmaxRegressionLogits(fit.x, validationData.features, dim, numClasses);
        const candidate: L2Candidate = {
          l2: candidateL2,
          validationAccuracy: accuracyOf(argmaxRows(logits, numClasses), validationData.labels),
          validationLoss: softmaxRegressionLoss(fit.x, validationData, 0),
          iterations: fit.iterations,
        };
        l2Search.push(candidate);
        if (
          !best ||
          candidate.validationAccuracy > best.candidate.validationAccuracy ||
          (candidate.validationAccuracy === best.candidate.validationAccuracy &&
            candidate.validationLoss < best.candidate.validationLoss)
        ) {
          best = { candidate, solution: fit.x };
        }
      }
      l2 = best!.candidate.l2;
      start = best!.solution;
      l2Selection = 'validation';
      l2Search = l2Search.sort((a, b) => a.l2 - b.l2);
    }
  }

  const fit = minimizeLbfgs((p, g) => softmaxRegressionLoss(p, all, l2, g), start, fitOptions);
  return new LinearProbe(standardizer, numClasses, fit.x, {
    l2,
    l2Selection,
    l2Search,
    loss: fit.loss,
    iterations: fit.iterations,
    stopReason: fit.reason,
  });
}

/**
 * A {@link ProbeTrainer} for linear probes with `config`, for protocols such as
 * {@link lowShotProbe}. The protocol's seed and class count override `config.seed` and
 * `config.numClasses`.
 */
export function linearProbeTrainer(config: LinearProbeConfig = {}): ProbeTrainer {
  resolveConfig(config);
  return (train, context) => trainLinearProbe(train, { ...config, seed: context.seed, numClasses: context.numClasses });
}

function resolveConfig(config: LinearProbeConfig) {
  const settings = { ...LINEAR_PROBE_DEFAULTS, ...config };
  const { l2, l2Grid, validationFraction, maxIterations, tolerance, seed } = settings;
  if (l2 !== 'auto' && !(typeof l2 === 'number' && Number.isFinite(l2) && l2 >= 0)) {
    throw new RangeError(`trainLinearProbe: l2 must be 'auto' or a finite number >= 0; got ${String(l2)}.`);
  }
  if (l2Grid.length === 0 || l2Grid.some((v) => !(Number.isFinite(v) && v >= 0))) {
    throw new RangeError(
      `trainLinearProbe: l2Grid must be a non-empty list of finite numbers >= 0; got [${l2Grid.join(', ')}].`
    );
  }
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(`trainLinearProbe: validationFraction must be in (0, 1); got ${validationFraction}.`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`trainLinearProbe: maxIterations must be a positive integer; got ${maxIterations}.`);
  }
  if (!(tolerance >= 0)) {
    throw new RangeError(`trainLinearProbe: tolerance must be >= 0; got ${tolerance}.`);
  }
  if (!Number.isInteger(seed)) {
    throw new RangeError(`trainLinearProbe: seed must be an integer; got ${seed}.`);
  }
  if (config.numClasses !== undefined && !(Number.isInteger(config.numClasses) && config.numClasses >= 1)) {
    throw new RangeError(`trainLinearProbe: numClasses must be a positive integer; got ${config.numClasses}.`);
  }
  return settings;
}

/** Per class, holds out `round(count * fraction)` examples (never all of them). */
function stratifiedSplit(labels: Int32Array, numClasses: number, fraction: number, seed: number) {
  const random = mulberry32(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const fitRows: number[] = [];
  const validationRows: number[] = [];
  for (const members of byClass) {
    shuffleInPlace(members, random);
    const held = Math.min(Math.round(members.length * fraction), members.length - 1);
    for (let k = 0; k < members.length; k++) (k < held ? validationRows : fitRows).push(members[k]!);
  }
  return { fitRows: fitRows.sort((a, b) => a - b), validationRows: validationRows.sort((a, b) => a - b) };
}

function takeRows(data: SoftmaxRegressionData, rows: readonly number[]): SoftmaxRegressionData {
  const { dim } = data;
  const features = new Float64Array(rows.length * dim);
  const labels = new Int32Array(rows.length);
  rows.forEach((source, r) => {
    features.set(data.features.subarray(source * dim, (source + 1) * dim), r * dim);
    labels[r] = data.labels[source]!;
  });
  return { ...data, features, labels };
}
