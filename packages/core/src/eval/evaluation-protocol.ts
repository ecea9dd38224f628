import { checkLabelledFeatures, inferNumClasses } from './labelled-features.js';
import type { LabelledFeatures } from './labelled-features.js';
import { linearProbeTrainer } from './linear-probe.js';
import type { Probe, ProbeTrainer, ProbeTrainingContext } from './probe.js';

/** Settings shared by the evaluation protocols; every field is optional. */
export interface ProtocolConfig {
  /** Trains the probe; default {@link linearProbeTrainer} with its defaults (`l2: 'auto'`). */
  readonly trainer?: ProbeTrainer;
  /** Classes in the task; default `1 + max(train.labels)`. */
  readonly numClasses?: number;
  /** Seed for everything random (subsets, validation splits). Default 0. */
  readonly seed?: number;
}

/** Validated train/test pair plus the resolved protocol settings. */
export interface ResolvedProtocol {
  readonly trainer: ProbeTrainer;
  readonly numClasses: number;
  readonly seed: number;
  readonly trainRows: number;
  readonly testRows: number;
}

/** Checks a train/test pair against each other and resolves {@link ProtocolConfig} defaults. */
export function resolveProtocol(
  train: LabelledFeatures,
  test: LabelledFeatures,
  config: ProtocolConfig,
  where: string
): ResolvedProtocol {
  const seed = config.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`${where}: seed must be an integer; got ${seed}.`);
  if (config.numClasses !== undefined && !(Number.isInteger(config.numClasses) && config.numClasses >= 1)) {
    throw new RangeError(`${where}: numClasses must be a positive integer; got ${config.numClasses}.`);
  }
  if (config.trainer !== undefined && typeof config.trainer !== 'function') {
    throw new TypeError(`${where}: trainer must be a function (train, context) => Probe, e.g. linearProbeTrainer().`);
  }
  const trainRows = checkLabelledFeatures(train, `${where}(train)`, config.numClasses);
  if (trainRows === 0) throw new RangeError(`${where}: the train set is empty; pass at least one example.`);
  const numClasses = config.numClasses ?? inferNumClasses(train.labels);
  if (test?.dim !== train.dim) {
    throw new RangeError(
      `${where}: test has dim=${test?.dim} but train has dim=${train.dim}; both must come from the same encoder.`
    );
  }
  const testRows = checkLabelledFeatures(test, `${where}(test)`);
  if (testRows === 0) throw new RangeError(`${where}: the test set is empty; pass at least one example.`);
  const testClasses = inferNumClasses(test.labels);
  if (testClasses > numClasses) {
    throw new RangeError(
      `${where}: test has class ${testClasses - 1} but the task has ${numClasses} classes (from ` +
        `${config.numClasses === undefined ? 'train labels' : 'numClasses'}); a probe cannot predict it. ` +
        'Pass numClasses or fix the labels.'
    );
  }
  return { trainer: config.trainer ?? linearProbeTrainer(), numClasses, seed, trainRows, testRows };
}

/**
 * Trains with `trainer`, scores on `test`; disposes the probe unless `keep` (and always when
 * something fails). `where` names the caller in error messages.
 */
export async function trainAndScore(
  trainer: ProbeTrainer,
  train: LabelledFeatures,
  test: LabelledFeatures,
  context: ProbeTrainingContext,
  keep: boolean,
  where: string
): Promise<{ accuracy: number; probe: Probe }> {
  const probe = await trainer(train, context);
  let kept = false;
  try {
    if (probe.dim !== train.dim || probe.numClasses !== context.numClasses) {
      throw new RangeError(
        `${where}: the trainer returned a probe for dim=${probe.dim}, ${probe.numClasses} classes; the task has ` +
          `dim=${train.dim}, ${context.numClasses} classes. A ProbeTrainer must honour context.numClasses.`
      );
    }
    const accuracy = probe.accuracy(test.features, test.labels);
    kept = keep;
    return { accuracy, probe };
  } finally {
    if (!kept) probe.dispose?.();
  }
}
