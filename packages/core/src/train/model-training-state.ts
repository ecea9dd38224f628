import * as tf from '@tensorflow/tfjs';
import { measureCollapse } from '../eval/collapse.js';
import { toTfTensor, type HostTensor } from '../io/safetensors.js';
import type { StateDict } from '../nn/module.js';
import type { AdamW } from '../optim/adamw.js';
import type { TrainableState } from './trainable.js';

/** A model whose weights are one prefixed, strict state dict (e.g. `encoder.`, `predictor.`, `target_encoder.`). */
export interface StateDictModel {
  /** Every weight under its prefixed dotted name, PyTorch layout. */
  stateDict(): StateDict;
  /** Strict: throws naming every missing, unexpected or mis-shaped key, and then loads nothing. */
  loadStateDict(dict: StateDict, source?: string): void;
}

const OPTIMIZER_PREFIX = 'optimizer.';
const MOMENT_SUFFIXES = ['exp_avg', 'exp_avg_sq'] as const;

/**
 * A training checkpoint of a model and its AdamW: the weights under their own names, the moments
 * under `optimizer.<param>.exp_avg(_sq)`, and `{kind, config, optimizerStep}` as metadata. The
 * config goes through JSON so the metadata is plain JSON (no undefined fields).
 */
export function saveModelTrainingState(kind: string, config: unknown, model: StateDictModel, optimizer: AdamW): TrainableState {
  const tensors: Record<string, tf.Tensor> = model.stateDict();
  const opt = optimizer.stateDict();
  for (const [key, t] of Object.entries(opt.tensors)) tensors[`${OPTIMIZER_PREFIX}${key}`] = t;
  return {
    tensors,
    meta: { kind, config: JSON.parse(JSON.stringify(config)), optimizerStep: opt.step },
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}

/**
 * Restores {@link saveModelTrainingState} output strictly, changing nothing unless everything
 * matches: the `kind` tag, the optimizer step, every AdamW moment (no key missing or unexpected;
 * shapes too when `parameters` are given) are checked first, then the model's strict state-dict
 * load checks every weight before writing any, and only then are the moments written.
 *
 * @param parameters The optimizer's parameters as given to its constructor (`[name, variable]`);
 *   with them a mis-shaped moment is refused before any weight is loaded.
 * @throws naming `source` and each offending key, with nothing loaded.
 */
export function loadModelTrainingState(
  kind: string,
  model: StateDictModel,
  optimizer: AdamW,
  tensors: Map<string, HostTensor>,
  meta: Record<string, unknown>,
  source = 'checkpoint',
  parameters?: ReadonlyArray<readonly [string, tf.Variable]>,
): void {
  if (meta.kind !== kind) {
    const found = meta.kind === undefined ? 'a checkpoint without a kind tag (meta.kind)' : `a ${String(meta.kind)} checkpoint`;
    throw new Error(`${source}: ${found}, not a ${kind} one; nothing was loaded. Point at a ${kind} run.`);
  }
  const step = meta.optimizerStep;
  if (!Number.isSafeInteger(step) || (step as number) < 0) {
    throw new Error(`${source}: meta.optimizerStep must be the optimizer's non-negative integer step count, got ${JSON.stringify(step)}; nothing was loaded.`);
  }
  checkMoments(optimizer, tensors, source, parameters);
  const weights: StateDict = {};
  const moments: StateDict = {};
  try {
    for (const [key, host] of tensors) {
      if (key.startsWith(OPTIMIZER_PREFIX)) moments[key.slice(OPTIMIZER_PREFIX.length)] = toTfTensor(host, key);
      else weights[key] = toTfTensor(host, key);
    }
    model.loadStateDict(weights, source);
    optimizer.loadStateDict({ step: step as number, tensors: moments }, source);
  } finally {
    tf.dispose([...Object.values(weights), ...Object.values(moments)]);
  }
}

/** Every `optimizer.<param>.exp_avg(_sq)` the optimizer expects, and nothing else, with the parameter's shape when known. */
function checkMoments(optimizer: AdamW, tensors: Map<string, HostTensor>, source: string, parameters?: ReadonlyArray<readonly [string, tf.Variable]>): void {
  const shapes = new Map(parameters?.map(([name, variable]) => [name, variable.shape] as const));
  const expected = new Set<string>();
  const problems: string[] = [];
  for (const { name } of optimizer.groups()) {
    for (const suffix of MOMENT_SUFFIXES) {
      const key = `${OPTIMIZER_PREFIX}${name}.${suffix}`;
      expected.add(key);
      const host = tensors.get(key);
      const shape = shapes.get(name);
      if (!host) problems.push(`missing ${key}`);
      else if (shape && (host.shape.length !== shape.length || host.shape.some((d, i) => d !== shape[i]))) {
        problems.push(`${key}: expected [${shape.join(', ')}], got [${host.shape.join(', ')}]`);
      }
    }
  }
  for (const key of tensors.keys()) if (key.startsWith(OPTIMIZER_PREFIX) && !expected.has(key)) problems.push(`unexpected ${key}`);
  if (problems.length > 0) {
    throw new Error(
      `${source}: the optimizer moments do not match the parameters; nothing was loaded:\n  ${problems.join('\n  ')}\n` +
        '  Resume with the model configuration the checkpoint was trained with.',
    );
  }
}

/**
 * Thrown by a trainable's diagnostics when the model's outputs are NaN or infinite after an
 * update: the update itself diverged (e.g. a learning rate so large that the weights overflow)
 * although the loss before it was finite. The trainer reports it as a divergence.
 */
export class NonFiniteOutputError extends Error {
  constructor(
    /** What was measured, e.g. `the collapse diagnostic's features`. */
    readonly what: string,
    /** Non-finite values among `total`. */
    readonly nonFinite: number,
    /** Values measured. */
    readonly total: number,
  ) {
    super(`${what}: ${nonFinite} of ${total} values are NaN or infinite; the weights are no longer finite.`);
    this.name = 'NonFiniteOutputError';
  }
}

/**
 * The collapse diagnostic as trainer metrics: mean and min per-dimension std, effective rank.
 * Features holding NaN or infinite values throw a {@link NonFiniteOutputError} (the trainer
 * reports a divergence) instead of the diagnostic's own error.
 */
export function collapseMetrics(features: Float32Array, dim: number): Record<string, number> {
  let nonFinite = 0;
  for (let i = 0; i < features.length; i++) if (!Number.isFinite(features[i]!)) nonFinite++;
  if (nonFinite > 0) throw new NonFiniteOutputError('the features of the collapse diagnostic', nonFinite, features.length);
  const report = measureCollapse(features, dim);
  return { featureStdMean: report.meanStd, featureStdMin: report.minStd, effectiveRank: report.effectiveRank };
}
